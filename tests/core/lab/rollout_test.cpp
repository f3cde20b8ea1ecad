// Day 7's rollout gated on runtime signals: the gate's grammar, its
// decisions over hand-made metrics (promote after N windows in a row per
// stage, roll back at the first window that fails, undecided when the runs
// end first), and the command on real services: the leak and the idle
// connections that never close are rolled back, a good canary promoted.
#include <gtest/gtest.h>

#include "lab/lab.hpp"
#include "lab/rollout_gate.hpp"
#include "support/json_value.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

using testjson::Value;

TEST(Gate, ParsesConditionsWithCountsAndDurations) {
  std::string err;
  auto g = parseGate("goroutines<50, gcp99<12ms,reqp99<1.5s,timeouts<3", &err);
  ASSERT_TRUE(g.has_value()) << err;
  ASSERT_EQ(g->size(), 4u);
  EXPECT_EQ((*g)[0].signal, GateCondition::Signal::Goroutines);
  EXPECT_EQ((*g)[0].limit, 50);
  EXPECT_EQ((*g)[1].limit, 12'000'000);
  EXPECT_EQ((*g)[2].limit, 1'500'000'000);
  EXPECT_EQ((*g)[3].text, "timeouts<3");
}

TEST(Gate, BadGatesAreOneSentence) {
  for (const auto& [spec, says] : std::vector<std::pair<std::string, std::string>>{
           {"", "the gate has no condition"},
           {"   ", "the gate has no condition"},
           {"goroutines", "is not signal<limit"},
           {"goroutines<50,", "is not signal<limit"},
           {"goroutnes<50", "did you mean \"goroutines\"?"},
           {"gcp99<12", "needs a positive duration"},
           {"gcp99<-1ms", "needs a positive duration"},
           {"goroutines<-5", "needs a count in 1..100000000"},
           {"goroutines<5x", "needs a count"},
           {"timeouts<0", "needs a count"}}) {
    std::string err;
    EXPECT_FALSE(parseGate(spec, &err).has_value()) << spec;
    EXPECT_NE(err.find(says), std::string::npos) << spec << ": " << err;
    EXPECT_EQ(err.find('\n'), std::string::npos);
  }
}

// Rows as a sampler writes them: row 0 is the start, the last a partial window.
std::vector<MetricsRow> rows(const std::vector<int64_t>& goroutines, int64_t gcP99 = -1) {
  std::vector<MetricsRow> out;
  for (size_t i = 0; i < goroutines.size(); i++) {
    MetricsRow r;
    r.fill(-1);
    r[size_t(Metric::T)] = int64_t(i) * 100;
    r[size_t(Metric::Goroutines)] = goroutines[i];
    r[size_t(Metric::GcPauseP99)] = gcP99;
    r[size_t(Metric::Timeouts)] = 0;
    out.push_back(r);
  }
  return out;
}

TEST(Gate, PromotesAfterEveryStagesWindowsAndRollsBackAtTheFirstThatFails) {
  std::string err;
  Gate gate{*parseGate("goroutines<10,gcp99<1ms", &err), 2};
  const auto base = rows(std::vector<int64_t>(12, 100));
  // Six windows met, two per stage: promoted after the sixth.
  RolloutDecision good = decideRollout(gate, base, rows({100, 105, 101, 109, 95, 100, 108, 100, 100, 100, 100, 100}));
  EXPECT_EQ(good.outcome, RolloutDecision::Outcome::Promoted);
  EXPECT_EQ(good.stagePercent, 100);
  ASSERT_EQ(good.windows.size(), 6u);
  EXPECT_EQ(good.windows[0].stagePercent, 1);
  EXPECT_EQ(good.windows[2].stagePercent, 10);
  EXPECT_EQ(good.windows[5].stagePercent, 100);
  // Window 3 (at 10%) fails: +10 is not < 10.
  RolloutDecision bad = decideRollout(gate, base, rows({100, 101, 102, 110, 100, 100, 100, 100}));
  EXPECT_EQ(bad.outcome, RolloutDecision::Outcome::RolledBack);
  EXPECT_EQ(bad.stagePercent, 10);
  ASSERT_EQ(bad.windows.size(), 3u);
  EXPECT_FALSE(bad.windows[2].met);
  EXPECT_EQ(bad.reason, "goroutines +10 >= 10");
  // A GC pause over the limit fails a window too; a window with no pause meets it.
  RolloutDecision slow = decideRollout(gate, base, rows({100, 100, 100, 100}, 2'000'000));
  EXPECT_EQ(slow.outcome, RolloutDecision::Outcome::RolledBack);
  EXPECT_EQ(slow.reason, "gcp99 2ms >= 1ms");
  // The runs end first: undecided, where it stood.
  RolloutDecision shortRun = decideRollout(gate, base, rows({100, 100, 100, 100, 100}));
  EXPECT_EQ(shortRun.outcome, RolloutDecision::Outcome::Undecided);
  EXPECT_EQ(shortRun.stagePercent, 10);
  EXPECT_EQ(shortRun.windows.size(), 3u);
}

Value rollout(Lab& lab, const std::string& flags) {
  Reply r = lab.exec("rollout " + flags + " --json");
  EXPECT_TRUE(r.ok) << r.text;
  auto j = testjson::parse(r.json);
  EXPECT_TRUE(j.has_value()) << r.json;
  return j.value_or(Value{});
}

TEST(Rollout, TheLeakAndTheNeverClosedConnectionsAreRolledBackAGoodCanaryPromoted) {
  Lab lab(testhost::fixed(2));
  Value leak = rollout(lab, "--canary \"--leak\"");
  EXPECT_EQ(leak["decision"].str, "rolled back");
  EXPECT_EQ(int64_t(leak["stagePercent"].number), 1);
  EXPECT_NE(leak["reason"].str.find("goroutines +"), std::string::npos);
  // The canary is the lab's last run: its goroutine profile shows why.
  Reply profile = lab.exec("gs --group");
  EXPECT_NE(profile.text.find("@ main.handler.func1 [chan send] created by main.handler"), std::string::npos);

  Value idle = rollout(lab, "--baseline \"--keepalive\" --canary \"--keepalive --idle-timeout 0\"");
  EXPECT_EQ(idle["decision"].str, "rolled back");
  EXPECT_EQ(int64_t(idle["stagePercent"].number), 1);
  EXPECT_GT(idle["windows"].array[0]["goroutinesDelta"].number, 100);
  EXPECT_NE(lab.exec("gs --group").text.find("@ main.handler [chan receive] created by main.main"), std::string::npos);

  Value good = rollout(lab, "--canary \"\"");
  EXPECT_EQ(good["decision"].str, "promoted");
  EXPECT_EQ(good["windows"].array.size(), 9u);
  for (const Value& w : good["windows"].array) EXPECT_TRUE(w["met"].b);

  // The same canary and seed decide the same way every time (the simulator).
  EXPECT_EQ(lab.exec("rollout --canary \"--leak\" --json").json, lab.exec("rollout --canary \"--leak\" --json").json);
}

TEST(Rollout, AShortRunIsUndecided) {
  Lab lab(testhost::fixed(2));
  Value v = rollout(lab, "--canary \"\" --size 1500");
  EXPECT_EQ(v["decision"].str, "undecided");
  EXPECT_NE(lab.exec("rollout --canary \"\" --size 1500").text.find("a larger --size runs longer"), std::string::npos);
}

TEST(Rollout, BadInputIsOneErrorLineAndRunsNothing) {
  Lab lab(testhost::fixed(2));
  ASSERT_TRUE(lab.exec("run skynet --engine sim --size 100").ok);
  for (const auto& [line, says] : std::vector<std::pair<std::string, std::string>>{
           {"rollout", "give the canary's flags"},
           {"rollout --canary \"--leak\" --gate \"\"", "the gate has no condition"},
           {"rollout --canary \"--engine real\"", "takes the service's own flags"},
           {"rollout --canary \"--sample 1ms\"", "(--window sets it)"},
           {"rollout --canary \"--rate 0\"", "rollout: --canary: run: --rate needs an integer in 1..1000000"},
           {"rollout --canary \"--leak\" --window -1s", "--window needs a duration"},
           {"rollout --canary \"--leak\" --window 1ms", "--window needs a duration in 10ms..1m0s"},
           {"rollout --canary \"--leak\" --windows 0", "--windows needs an integer in 1..100"},
           {"rollout --canary \"--leak\" --gate \"rps<5\"", "no signal \"rps\""},
           {"rollout --canary \"--leak \\\"x\"", "rollout: --canary:"}}) {
    Reply r = lab.exec(line);
    EXPECT_FALSE(r.ok) << line;
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
    EXPECT_NE(r.text.find(says), std::string::npos) << line << ": " << r.text;
  }
  // The last run is still skynet's: a rejected rollout ran nothing.
  EXPECT_NE(lab.exec("gs").text.find("run skynet"), std::string::npos);
}

}  // namespace
}  // namespace lab
