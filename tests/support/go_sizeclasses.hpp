// Go's size-class table, read from the header comment of Go's
// runtime/sizeclasses.go as kept in tests/fixtures/go-sizeclasses.txt (see
// tests/fixtures/README.md for its provenance). Tests compare the lab's
// generated table, and the text `sizeclass --all` prints, against it.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace testdata {

// The comment block exactly as Go prints it (68 lines: a header and 67 classes).
inline std::string goSizeClassComment() {
  std::string path = std::string(RTLAB_FIXTURES_DIR) + "/go-sizeclasses.txt";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// The rows, each a list of the columns class, bytes_per_obj, bytes_per_span,
// objects, tail_waste, max_waste_pct (two decimals, no '%'), min_align, as text.
inline std::vector<std::vector<std::string>> goSizeClassRows() {
  std::istringstream in(goSizeClassComment());
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  EXPECT_EQ(line, "// class  bytes/obj  bytes/span  objects  tail waste  max waste  min align");
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::istringstream words(line);
    std::string w;
    words >> w;  // "//"
    while (words >> w) cols.push_back(w);
    EXPECT_EQ(cols.size(), 7u) << "bad line: " << line;
    if (cols.size() == 7 && !cols[5].empty() && cols[5].back() == '%') cols[5].pop_back();
    rows.push_back(std::move(cols));
  }
  return rows;
}

}  // namespace testdata
