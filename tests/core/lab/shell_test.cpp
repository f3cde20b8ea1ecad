#include "lab/shell/shell.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "lab/lab.hpp"
#include "platform/real/real_platform.hpp"
#include "support/json_value.hpp"
#include "support/scale.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

HostInfo fixedHost() { return testhost::fixed(2); }

void expectOneErrorLine(const Reply& r) {
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
  EXPECT_EQ(r.text.rfind("error: ", 0), 0u) << r.text;
  auto j = testjson::parse(r.json);
  ASSERT_TRUE(j.has_value()) << r.json;
  EXPECT_FALSE((*j)["ok"].b);
  EXPECT_EQ((*j)["error"].str, r.text);
}

TEST(Shell, HelpListsEveryRegisteredCommand) {
  Lab lab(fixedHost());
  Reply r = lab.exec("help");
  ASSERT_TRUE(r.ok);
  for (const auto& name : lab.registry().names()) EXPECT_NE(r.text.find("  " + name + " "), std::string::npos) << name;
  auto j = testjson::parse(r.json);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["commands"].array.size(), lab.registry().names().size());
}

TEST(Shell, HelpForOneCommandShowsUsageAndFlags) {
  Lab lab(fixedHost());
  Reply r = lab.exec("help env");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.text.rfind("usage: env [NAME=value...] [--reset] [--json]", 0), 0u) << r.text;
  EXPECT_NE(r.text.find("--json"), std::string::npos);
  expectOneErrorLine(lab.exec("help nope"));
  EXPECT_EQ(lab.exec("help evn").text, "error: help: no command \"evn\"; did you mean \"env\"?");
}

TEST(Shell, HelpSpeaksChinese) {
  Lab lab(fixedHost());
  lab.setLanguage(Language::Zh);
  Reply r = lab.exec("help");
  EXPECT_NE(r.text.find("命令"), std::string::npos);
  EXPECT_NE(r.text.find("查看或设置"), std::string::npos);
}

TEST(Shell, UnknownCommandSuggestsTheNearestOne) {
  Lab lab(fixedHost());
  Reply r = lab.exec("hepl");
  expectOneErrorLine(r);
  EXPECT_EQ(r.text, "error: unknown command \"hepl\"; did you mean \"help\"? (type \"help\" for the list)");
  Reply far = lab.exec("nosuch");
  expectOneErrorLine(far);
  EXPECT_EQ(far.text, "error: unknown command \"nosuch\" (type \"help\" for the list)");
}

TEST(Shell, JsonFlagMakesTheTextTheJson) {
  Lab lab(fixedHost());
  Reply r = lab.exec("version --json");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.text, r.json);
  auto j = testjson::parse(r.json);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["version"].str, std::string(labVersion()));
  EXPECT_EQ((*j)["goModel"].str, "go1.22");
}

TEST(Shell, EveryCommandAnswersWellFormedJson) {
  Lab lab(fixedHost());
  for (const auto* spec : lab.registry().all()) {
    // gs, ps, ms and runq show the last run, step/until/continue/back move
    // a paused one, heap and verify need one with a GC'd heap, metrics one
    // that samples: start one before each command.
    ASSERT_TRUE(lab.exec(spec->name == "metrics" ? "run service --size 50 --engine sim --step"
                                                 : "run mutator-race --size 2 --engine sim --step")
                    .ok);
    std::string line = (spec->example.empty() ? spec->name : spec->example) + " --json";
    Reply r = lab.exec(line);
    ASSERT_TRUE(r.ok) << line << ": " << r.text;
    EXPECT_TRUE(testjson::parse(r.json).has_value()) << line << ": " << r.json;
    EXPECT_EQ(r.text, r.json);
  }
}

TEST(Shell, EmptyLinesAndCommentsDoNothing) {
  Lab lab(fixedHost());
  for (const char* line : {"", "   ", "# a comment", "  # indented comment"}) {
    Reply r = lab.exec(line);
    EXPECT_TRUE(r.ok) << line;
    EXPECT_EQ(r.text, "") << line;
  }
}

TEST(Shell, VersionNamesTheBuild) {
  HostInfo wasm = fixedHost();
  wasm.platform = "wasm32";
  wasm.wasm = true;
  wasm.workers = 3;
  Lab threads(wasm);
  EXPECT_NE(threads.exec("version").text.find("build: wasm wasm32, threads (3 workers)"), std::string::npos);
  wasm.threads = false;
  Lab single(wasm);
  EXPECT_NE(single.exec("version").text.find("build: wasm wasm32, single-threaded"), std::string::npos);
}

std::vector<std::string> complete(const Lab& lab, std::string_view line, std::string* token = nullptr) {
  Completion c = lab.complete(line);
  if (token) *token = c.token;
  return c.candidates;
}

TEST(ShellCompletion, CommandNames) {
  Lab lab(fixedHost());
  std::string token;
  EXPECT_EQ(complete(lab, "hel", &token), (std::vector<std::string>{"help"}));
  EXPECT_EQ(token, "hel");
  EXPECT_EQ(complete(lab, ""), lab.registry().names());
  EXPECT_TRUE(complete(lab, "zzz").empty());
}

TEST(ShellCompletion, ArgumentsAndFlags) {
  Lab lab(fixedHost());
  EXPECT_EQ(complete(lab, "help e"), (std::vector<std::string>{"env"}));
  EXPECT_EQ(complete(lab, "help "), lab.registry().names());
  EXPECT_EQ(complete(lab, "env --r"), (std::vector<std::string>{"--reset"}));
  EXPECT_EQ(complete(lab, "env --"), (std::vector<std::string>{"--json", "--reset"}));
  EXPECT_EQ(complete(lab, "env GOG"), (std::vector<std::string>{"GOGC=", "GOGC=off"}));
  EXPECT_EQ(complete(lab, "env GOMAXPROCS=2 GODEBUG=gct"), (std::vector<std::string>{"GODEBUG=gctrace="}));
  EXPECT_EQ(complete(lab, "env --json=t"), (std::vector<std::string>{"--json=true"}));
  EXPECT_TRUE(complete(lab, "nosuch --").empty());
  EXPECT_TRUE(complete(lab, "version x").empty());
}

TEST(ShellCompletion, BadInputYieldsNothingRatherThanCrashing) {
  Lab lab(fixedHost());
  EXPECT_TRUE(complete(lab, "env \xff").empty());
  EXPECT_TRUE(complete(lab, std::string(100000, 'x')).empty());
  EXPECT_TRUE(complete(lab, "env - -- --=").size() <= 2);
  EXPECT_EQ(complete(lab, "help \"en"), (std::vector<std::string>{"env"}));  // quote still open
}

}  // namespace
}  // namespace lab

namespace lab {
namespace {

TEST(Inspect, ShowTheFinalStateOfTheLastRun) {
  Lab lab(fixedHost());
  Reply before = lab.exec("gs");
  EXPECT_FALSE(before.ok);
  EXPECT_EQ(before.text.find('\n'), std::string::npos);
  ASSERT_EQ(lab.exec("run deadlock --size 2 --procs 2").programFailed, true);
  Reply g = lab.exec("gs --json");
  ASSERT_TRUE(g.ok) << g.text;
  auto j = testjson::parse(g.json);
  ASSERT_TRUE(j.has_value());
  const auto& gsList = (*j)["goroutines"].array;
  ASSERT_EQ(gsList.size(), 3u);  // main waiting on the WaitGroup, two waiters on the channel
  EXPECT_EQ(gsList[0]["waitReason"].str, "semacquire");
  EXPECT_EQ(gsList[1]["waitReason"].str, "chan receive");
  EXPECT_EQ(gsList[1]["status"].str, "_Gwaiting");
  Reply p = lab.exec("ps --json");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ((*testjson::parse(p.json))["ps"].array.size(), 2u);
  EXPECT_TRUE(lab.exec("ms").ok);
  EXPECT_TRUE(lab.exec("runq P1").ok);
  EXPECT_EQ(lab.exec("runq P2").text, "error: runq: no P \"P2\" (this run had P0..P1)");
  EXPECT_FALSE(lab.exec("runq x").ok);
}

// gs --group, pprof's goroutine profile: a leak is one group — five
// goroutines blocked for ever on a send, all created by the handler.
TEST(Inspect, GroupedGoroutinesShowALeakAsOneGroup) {
  const std::string path = "/tmp/rtlab-shell-test-leak.scn";
  std::ofstream(path) << "chan results\n"
                         "go main:\n  spawn handler x5\n  spawn worker\n  sleep 1ms\n"
                         "go handler:\n  spawn leak\n  sleep 10us\n"
                         "go leak:\n  send results\n"
                         "go worker:\n  sleep 1h\n";
  Lab lab(fixedHost());
  ASSERT_TRUE(lab.exec("run --file " + path + " --engine sim").ok);
  Reply g = lab.exec("gs --group");
  ASSERT_TRUE(g.ok) << g.text;
  EXPECT_NE(g.text.find("goroutine profile: total 6\n5 @ leak [chan send] created by handler\n"
                        "1 @ worker [sleep] created by main"),
            std::string::npos)
      << g.text;
  auto j = testjson::parse(lab.exec("gs --group --json").json);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["total"].number, 6);
  ASSERT_EQ((*j)["groups"].array.size(), 2u);
  EXPECT_EQ((*j)["groups"].array[0]["createdBy"].str, "handler");
  expectOneErrorLine(lab.exec("gs --group --all"));
}

// Every live goroutine is counted in exactly one group, with the function and
// state gs shows for it, at a point in the middle of a run.
TEST(Inspect, GroupedGoroutinesCountEveryGoroutineOnce) {
  Lab lab(fixedHost());
  ASSERT_TRUE(lab.exec("run fanout --engine sim --procs 4 --size 300 --seed 2 --step").ok);
  ASSERT_TRUE(lab.exec("until 200us").ok);
  auto rows = testjson::parse(lab.exec("gs --json").json);
  auto groups = testjson::parse(lab.exec("gs --group --json").json);
  ASSERT_TRUE(rows.has_value() && groups.has_value());
  std::map<std::pair<std::string, std::string>, double> fromRows, fromGroups;
  for (const auto& r : (*rows)["goroutines"].array) {
    const std::string state = r["status"].str == "_Gwaiting" ? r["waitReason"].str
                              : r["status"].str == "_Grunnable" ? "runnable"
                              : r["status"].str == "_Grunning"  ? "running"
                                                                : r["status"].str;
    fromRows[{r["name"].str, state}]++;
  }
  double total = 0;
  for (const auto& g : (*groups)["groups"].array) {
    fromGroups[{g["function"].str, g["state"].str}] += g["count"].number;
    total += g["count"].number;
  }
  EXPECT_GT(fromRows.size(), 1u) << "the point should show goroutines in several states";
  EXPECT_EQ(fromGroups, fromRows);
  EXPECT_EQ(total, double((*rows)["goroutines"].array.size()));
  EXPECT_EQ((*groups)["total"].number, total);
}

// run --background: the real engine's goroutines run on their threads while
// the inspectors look at them, under the runtime's locks (this test runs
// under ThreadSanitizer too); continue waits for the end.
TEST(Inspect, ShowARealRunLiveWhileItRunsInTheBackground) {
  if (!rt::RealPlatform::threadsAvailable()) GTEST_SKIP() << "single-threaded build";
  Lab lab(fixedHost());
  const long long leaves = testscale::scaled(1'000'000, 10);
  Reply started = lab.exec("run skynet --engine real --procs 2 --background --size " + std::to_string(leaves));
  ASSERT_TRUE(started.ok) << started.text;
  EXPECT_NE(started.text.find("in the background"), std::string::npos) << started.text;
  EXPECT_TRUE((*testjson::parse(started.json))["background"].b);
  for (int i = 0; i < 20; i++) {
    for (const char* cmd : {"gs --json", "ps --json", "ms --json", "runq --json"}) {
      Reply r = lab.exec(cmd);
      ASSERT_TRUE(r.ok) << cmd << ": " << r.text;
      ASSERT_TRUE(testjson::parse(r.json).has_value()) << cmd << ": " << r.json;
    }
  }
  Reply g = lab.exec("gs");
  EXPECT_TRUE(g.text.find("into it, live") != std::string::npos ||
              g.text.find("its end (`continue` prints the report)") != std::string::npos)
      << g.text;
  // While it goes on: no new run, no collector reads; one error line each.
  Reply again = lab.exec("run fanout");
  expectOneErrorLine(again);
  EXPECT_NE(again.text.find("`continue` waits for it"), std::string::npos) << again.text;
  expectOneErrorLine(lab.exec("heap"));
  expectOneErrorLine(lab.exec("step"));
  Reply report = lab.exec("continue --json");
  ASSERT_TRUE(report.ok) << report.text;
  auto j = testjson::parse(report.json);
  ASSERT_TRUE(j.has_value()) << report.json;
  EXPECT_TRUE((*j)["passed"].b) << report.text;
  EXPECT_EQ((*j)["result"].number, double(leaves) * double(leaves - 1) / 2);
  EXPECT_NE(lab.exec("gs").text.find("` at the end"), std::string::npos);
  expectOneErrorLine(lab.exec("continue"));
  // --background is for real threads; and a lab that goes away with a run in
  // the background waits for it rather than pull the runtime from under it.
  expectOneErrorLine(lab.exec("run fanout --engine sim --background"));
  ASSERT_TRUE(lab.exec("run fanout --engine real --procs 2 --background").ok);
}

}  // namespace
}  // namespace lab
