// Random lines into the shell: whatever arrives, the answer is well-formed
// (ok with valid JSON, or exactly one "error: " line with valid JSON) and a
// failed command leaves the lab's state as it was.
#include <gtest/gtest.h>

#include <random>

#include "lab/lab.hpp"
#include "support/json_value.hpp"

namespace lab {
namespace {

// Pieces a learner (or a cat on the keyboard) might type.
const std::vector<std::string> kVocabulary = {
    "help", "version", "env", "GOMAXPROCS=", "GOGC=", "GODEBUG=", "GOMEMLIMIT=", "gctrace=1", "schedtrace=",
    "off", "--json", "--reset", "-json", "--", "-", "=", ",", "\"", "'", "\\", "4", "-1", "0", "1025", "MiB",
    "帮助", "日本語", "\t", " ", "#", "x",
};

std::string randomLine(std::mt19937_64& rng) {
  std::string line;
  int kind = static_cast<int>(rng() % 4);
  int parts = static_cast<int>(rng() % 8);
  for (int i = 0; i < parts; i++) {
    if (kind == 0) {
      line += static_cast<char>(rng() % 256);  // raw bytes, including NUL and invalid UTF-8
    } else {
      line += kVocabulary[rng() % kVocabulary.size()];
      if (rng() % 3) line += ' ';
    }
  }
  if (kind == 3 && rng() % 2) line = "env " + line;
  return line;
}

void checkWellFormed(const Reply& r, const std::string& line) {
  auto j = testjson::parse(r.json);
  ASSERT_TRUE(j.has_value() || (r.ok && r.json.empty())) << "bad JSON for line: " << line << "\n" << r.json;
  if (!r.ok) {
    ASSERT_EQ(r.text.find('\n'), std::string::npos) << line;
    ASSERT_EQ(r.text.rfind("error: ", 0), 0u) << line;
    ASSERT_LT(r.text.size(), 1000u) << "an error line must not echo the whole input";
  }
}

TEST(ShellFuzz, ThousandsOfRandomLinesGetWellFormedAnswers) {
  HostInfo host;
  host.platform = "test";
  host.ncpu = 2;
  Lab lab(host);
  std::mt19937_64 rng(20261127);
  int oks = 0, errors = 0;
  for (int i = 0; i < 5000; i++) {
    std::string line = randomLine(rng);
    const rt::Env before = lab.env();
    Reply r = lab.exec(line);
    checkWellFormed(r, line);
    if (r.ok) {
      oks++;
    } else {
      errors++;
      ASSERT_EQ(lab.env(), before) << "a failed command changed the state: " << line;
    }
    Completion c = lab.complete(line);  // completion must survive the same input
    for (const auto& cand : c.candidates) ASSERT_EQ(cand.rfind(c.token, 0), 0u) << line;
  }
  // The generator must exercise both outcomes, or the test proves little.
  EXPECT_GT(oks, 100);
  EXPECT_GT(errors, 100);
}

TEST(ShellFuzz, HugeAndBinaryLines) {
  Lab lab;
  const rt::Env before = lab.env();
  std::string huge(1 << 20, 'a');
  huge.replace(0, 4, "env ");
  for (const std::string& line : {huge, std::string("\x00\x01\x02\xff\xfe", 5), std::string(70000, '"'),
                                   std::string("env \"") + std::string(60000, 'x')}) {
    Reply r = lab.exec(line);
    checkWellFormed(r, line.substr(0, 20));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(lab.env(), before);
  }
}

}  // namespace
}  // namespace lab
