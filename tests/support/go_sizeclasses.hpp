// Go's size-class table as shipped in shared/reference/go-sizeclasses.tsv
// (copied from Go's sizeclasses.go): the rows, each a list of the columns
// class, bytes_per_obj, bytes_per_span, objects, tail_waste, max_waste_pct,
// min_align, as text. Tests compare our generated table against it.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace testdata {

inline std::vector<std::vector<std::string>> goSizeClassRows() {
  std::string path = std::string(RTLAB_SHARED_DIR) + "/reference/go-sizeclasses.tsv";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  EXPECT_EQ(line, "class\tbytes_per_obj\tbytes_per_span\tobjects\ttail_waste\tmax_waste_pct\tmin_align");
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::istringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    EXPECT_EQ(cols.size(), 7u) << "bad line: " << line;
    rows.push_back(std::move(cols));
  }
  return rows;
}

}  // namespace testdata
