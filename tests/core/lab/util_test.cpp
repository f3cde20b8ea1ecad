#include <gtest/gtest.h>

#include "util/duration.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace {

TEST(Suggest, EditDistanceCountsSwapsAsOneEdit) {
  EXPECT_EQ(util::editDistance("help", "help"), 0);
  EXPECT_EQ(util::editDistance("hepl", "help"), 1);
  EXPECT_EQ(util::editDistance("hlp", "help"), 1);
  EXPECT_EQ(util::editDistance("HELP", "help"), 0);
  EXPECT_EQ(util::editDistance("", "env"), 3);
}

TEST(Suggest, PrefersAUniquePrefixThenTheNearestWord) {
  std::vector<std::string> cmds = {"env", "help", "version", "run", "runq"};
  EXPECT_EQ(util::suggest("hel", cmds), "help");
  EXPECT_EQ(util::suggest("verison", cmds), "version");
  EXPECT_EQ(util::suggest("ru", cmds), "run");  // "run" and "runq" both start with it; "run" is nearest
  EXPECT_EQ(util::suggest("nosuch", cmds), "");
  EXPECT_EQ(util::suggest("", cmds), "");
}

TEST(Duration, ParsesGoSyntax) {
  // The table from Go's time/time_test.go parseDurationTests, the valid rows we support.
  struct Case {
    const char* in;
    int64_t ns;
  } cases[] = {
      {"0", 0},          {"5s", 5000000000},   {"30s", 30000000000}, {"1478s", 1478000000000},
      {"-5s", -5000000000}, {"+5s", 5000000000}, {"-0", 0},          {"5.0s", 5000000000},
      {"5.6s", 5600000000}, {"5.s", 5000000000}, {".5s", 500000000},  {"1.004s", 1004000000},
      {"100.00100s", 100001000000}, {"10ns", 10}, {"11us", 11000},    {"12µs", 12000},
      {"13ms", 13000000}, {"14s", 14000000000},  {"15m", 900000000000}, {"16h", 57600000000000},
      {"3h30m", 12600000000000}, {"10.5s4m", 250500000000}, {"1h2m3s4ms5us6ns", 3723004005006},
      {"39h9m14.425s", 140954425000000}, {"52763797000ns", 52763797000}, {"0.3333333333333333333h", 1200000000000},
      {"9007199254740993ns", 9007199254740993}, {"9223372036854775807ns", 9223372036854775807},
  };
  for (const auto& c : cases) {
    auto d = util::parseDuration(c.in);
    ASSERT_TRUE(d.has_value()) << c.in;
    EXPECT_EQ(*d, c.ns) << c.in;
  }
  for (const char* bad : {"", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "9223372036854775808ns", "3000000h"})
    EXPECT_FALSE(util::parseDuration(bad).has_value()) << bad;
}

TEST(Duration, FormatsLikeGo) {
  // From Go's time/time_test.go durationTests.
  struct Case {
    const char* out;
    int64_t ns;
  } cases[] = {
      {"0s", 0},          {"1ns", 1},        {"1.1µs", 1100},    {"2.2ms", 2200000},
      {"3.3s", 3300000000}, {"4m5s", 245000000000}, {"4m5.001s", 245001000000},
      {"5h6m7.001s", 18367001000000}, {"8m0.000000001s", 480000000001},
      {"2562047h47m16.854775807s", INT64_MAX}, {"-2562047h47m16.854775808s", INT64_MIN},
  };
  for (const auto& c : cases) EXPECT_EQ(util::formatDuration(c.ns), c.out);
}

TEST(Utf8, FindsTheFirstBadByte) {
  EXPECT_EQ(util::invalidUtf8At("hello 世界"), std::string_view::npos);
  EXPECT_EQ(util::invalidUtf8At("ab\x80"), 2u);
  EXPECT_EQ(util::invalidUtf8At("\xe4\xb8"), 0u);  // truncated sequence
  EXPECT_EQ(util::truncateForDisplay("世界你好", 2), "世界…");
  EXPECT_EQ(util::truncateForDisplay("abc", 3), "abc");
}

}  // namespace
