#include "lab/shell/command.hpp"

#include <gtest/gtest.h>

namespace lab {
namespace {

// A command with one flag of every type, to exercise the parser.
CommandSpec sample() {
  CommandSpec c{
      .name = "run",
      .summary = {"run a scenario", ""},
      .details = {},
      .args = {ArgSpec{.name = "scenario"}, ArgSpec{.name = "size", .optional = true}},
      .flags = {
          FlagSpec{.name = "procs", .type = FlagType::Int, .valueName = "N", .defaultValue = "2", .min = 1, .max = 64},
          FlagSpec{.name = "engine", .type = FlagType::Choice, .valueName = "E", .defaultValue = "sim",
                   .choices = {"sim", "real"}},
          FlagSpec{.name = "for", .type = FlagType::Duration, .valueName = "D", .defaultValue = "1s"},
          FlagSpec{.name = "trace", .type = FlagType::String, .valueName = "FILE"},
          FlagSpec{.name = "verbose", .type = FlagType::Bool, .defaultValue = "false"},
      },
      .run = {},
  };
  c.flags.push_back(jsonFlagSpec());
  return c;
}

Invocation parseOk(std::vector<std::string> words) {
  CommandSpec spec = sample();
  static CommandSpec keep;  // the Invocation points at its spec
  keep = spec;
  std::string err;
  auto inv = parseInvocation(keep, words, &err);
  EXPECT_TRUE(inv.has_value()) << err;
  return inv.value_or(Invocation{});
}

std::string parseErr(std::vector<std::string> words) {
  CommandSpec spec = sample();
  std::string err;
  auto inv = parseInvocation(spec, words, &err);
  EXPECT_FALSE(inv.has_value());
  EXPECT_EQ(err.find('\n'), std::string::npos) << "an error is one line";
  return err;
}

TEST(Command, DefaultsFillUnsetFlags) {
  Invocation inv = parseOk({"skynet"});
  EXPECT_EQ(inv.intFlag("procs"), 2);
  EXPECT_EQ(inv.stringFlag("engine"), "sim");
  EXPECT_EQ(inv.durationFlag("for"), 1000000000);
  EXPECT_FALSE(inv.boolFlag("verbose"));
  EXPECT_FALSE(inv.json);
  EXPECT_FALSE(inv.flagGiven("procs"));
}

TEST(Command, FlagSpellingsGoAccepts) {
  Invocation a = parseOk({"skynet", "--procs", "4", "-engine=real", "--for=200ms", "--verbose", "--json"});
  EXPECT_EQ(a.intFlag("procs"), 4);
  EXPECT_EQ(a.stringFlag("engine"), "real");
  EXPECT_EQ(a.durationFlag("for"), 200000000);
  EXPECT_TRUE(a.boolFlag("verbose"));
  EXPECT_TRUE(a.json);
  EXPECT_TRUE(a.flagGiven("procs"));
  Invocation b = parseOk({"--verbose=false", "skynet"});
  EXPECT_FALSE(b.boolFlag("verbose"));
}

TEST(Command, DoubleDashEndsFlagsAndNegativeNumbersArePositional) {
  Invocation a = parseOk({"--", "--procs"});
  EXPECT_EQ(a.args, (std::vector<std::string>{"--procs"}));
  Invocation b = parseOk({"skynet", "-5"});
  EXPECT_EQ(b.args, (std::vector<std::string>{"skynet", "-5"}));
}

TEST(Command, BadFlagsGetOneClearSentence) {
  EXPECT_EQ(parseErr({"x", "--prcos", "2"}),
            "run: unknown flag \"--prcos\"; did you mean \"--procs\"? (flags: --procs, --engine, --for, --trace, "
            "--verbose, --json)");
  EXPECT_EQ(parseErr({"x", "--procs"}), "run: flag --procs needs a value (N)");
  EXPECT_EQ(parseErr({"x", "--procs", "0"}), "run: --procs needs an integer in 1..64, not \"0\"");
  EXPECT_EQ(parseErr({"x", "--procs", "2x"}), "run: --procs needs an integer in 1..64, not \"2x\"");
  EXPECT_EQ(parseErr({"x", "--engine", "rael"}),
            "run: --engine must be one of sim|real, not \"rael\"; did you mean \"real\"?");
  EXPECT_EQ(parseErr({"x", "--for", "5"}), "run: --for needs a duration like 200ms, 1.5s or 10us, not \"5\"");
  EXPECT_EQ(parseErr({"x", "--verbose=yes"}), "run: --verbose takes true or false, not \"yes\"");
  EXPECT_EQ(parseErr({"x", "--procs", "2", "--procs", "3"}), "run: flag --procs given twice");
}

TEST(Command, PositionalCountsAreChecked) {
  EXPECT_EQ(parseErr({}), "run: missing <scenario> (usage: run <scenario> [size] [--procs N] [--engine E] [--for D] "
                          "[--trace FILE] [--verbose] [--json])");
  EXPECT_EQ(parseErr({"a", "b", "c"}).rfind("run: unexpected argument \"c\" (usage: run <scenario>", 0), 0u);
}

TEST(Command, ErrorsQuoteAtMostFortyCharactersOfInput) {
  std::string err = parseErr({"x", "--engine", std::string(10000, 'z')});
  EXPECT_LT(err.size(), 200u);
}

TEST(Registry, EveryCommandGetsJsonAndNamesAreSorted) {
  Registry r;
  r.add(CommandSpec{.name = "zeta", .summary = {"z", ""}, .details = {}, .args = {}, .flags = {}, .run = {}});
  r.add(CommandSpec{.name = "alpha", .summary = {"a", ""}, .details = {}, .args = {}, .flags = {}, .run = {}});
  EXPECT_EQ(r.names(), (std::vector<std::string>{"alpha", "zeta"}));
  ASSERT_NE(r.find("zeta"), nullptr);
  EXPECT_NE(r.find("zeta")->flag("json"), nullptr);
  EXPECT_EQ(r.find("nope"), nullptr);
}

}  // namespace
}  // namespace lab
