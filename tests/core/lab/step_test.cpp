// Stepping a simulator run: step, until, continue and back move a paused
// run, gs/ps/ms/runq show the state where it stands, and going back then
// forward again arrives at exactly the same state.
#include <gtest/gtest.h>

#include "lab/lab.hpp"
#include "lab/run_session.hpp"
#include "support/json_value.hpp"
#include "support/scale.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

HostInfo simHost() { return testhost::fixed(4); }

uint64_t position(const Reply& r) {
  auto j = testjson::parse(r.json);
  EXPECT_TRUE(j.has_value()) << r.json;
  return j ? static_cast<uint64_t>((*j)["position"].number) : 0;
}

TEST(Stepping, StepMovesForwardAndPrintsTheEvents) {
  Lab lab(simHost());
  ASSERT_TRUE(lab.exec("run fanout --engine sim --procs 2 --size 20 --seed 3 --step").ok);
  Reply r = lab.exec("step 5");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_NE(r.text.find("M1 starts (newm)"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("G1 main.main: _Grunnable -> _Grunning"), std::string::npos) << r.text;
  Reply j = lab.exec("step 5 --json");
  ASSERT_TRUE(j.ok);
  EXPECT_GE(position(j), 10u);
  Reply ps = lab.exec("ps");
  EXPECT_NE(ps.text.find("` at event"), std::string::npos) << ps.text;
}

TEST(Stepping, BackThenForwardAgainGivesTheSameState) {
  Lab lab(simHost());
  ASSERT_TRUE(lab.exec("run fanout --engine sim --procs 3 --size 40 --seed 9 --step").ok);
  const uint64_t p1 = position(lab.exec("step 60 --json"));
  const std::string gs1 = lab.exec("gs --json").json, ps1 = lab.exec("ps --json").json;
  const uint64_t p2 = position(lab.exec("step 80 --json"));
  ASSERT_GT(p2, p1);
  EXPECT_NE(lab.exec("gs --json").json, gs1) << "the run moved";
  Reply back = lab.exec("back " + std::to_string(p2 - p1) + " --json");
  ASSERT_TRUE(back.ok) << back.text;
  EXPECT_EQ(position(back), p1);
  EXPECT_EQ(lab.exec("gs --json").json, gs1);
  EXPECT_EQ(lab.exec("ps --json").json, ps1);
  EXPECT_EQ(position(lab.exec("step 80 --json")), p2) << "forward again: the same steps";
}

// Back replays untraced and keeps the events it already had: going forward
// again prints exactly what it printed the first time.
TEST(Stepping, ForwardAfterBackPrintsTheSameEvents) {
  Lab lab(simHost());
  ASSERT_TRUE(lab.exec("run skynet --engine sim --procs 4 --size 1000 --seed 2 --step").ok);
  const uint64_t p1 = position(lab.exec("step 200 --json"));
  const Reply first = lab.exec("step 50 --json");  // the events, their times and the position
  const uint64_t p2 = position(first);
  ASSERT_GT(p2, p1);
  ASSERT_TRUE(lab.exec("back " + std::to_string(p2 - p1)).ok);
  const Reply again = lab.exec("step 50 --json");
  EXPECT_EQ(again.json, first.json);
  // The whole history is there too: the run's end is the same.
  const Reply endA = lab.exec("continue");
  ASSERT_TRUE(lab.exec("run skynet --engine sim --procs 4 --size 1000 --seed 2").ok);
  EXPECT_EQ(endA.text, lab.exec("run skynet --engine sim --procs 4 --size 1000 --seed 2").text);
}

// `until <time>` can stop between two events; going forward and back by
// the same count returns there (the same time, the same heap), not to
// wherever the run had got just before the next event. Both ways back: a
// GC run is replayed from the start, a run without the GC'd heap restored
// from a snapshot.
TEST(Stepping, BackReturnsToAPointBetweenEvents) {
  for (const char* run : {"run mutator-race --engine sim --barrier none --seed 1 --step",
                          "run fanout --engine sim --procs 2 --size 300 --seed 1 --step"}) {
    SCOPED_TRACE(run);
    Lab lab(simHost());
    ASSERT_TRUE(lab.exec(run).ok);
    const Reply until = lab.exec("until 330us --json");
    ASSERT_TRUE(until.ok) << until.text;
    const std::string where = lab.session()->position();
    const std::string gs = lab.exec("gs --json").json, heap = lab.exec("heap --json").json;
    const uint64_t p1 = position(until);
    const uint64_t p2 = position(lab.exec("step 3 --json"));  // one simulator event may record several
    ASSERT_GE(p2, p1 + 3);
    const Reply back = lab.exec("back " + std::to_string(p2 - p1) + " --json");
    ASSERT_TRUE(back.ok) << back.text;
    EXPECT_EQ(position(back), p1);
    EXPECT_EQ(lab.session()->position(), where) << "the same time as after until";
    EXPECT_EQ(lab.exec("gs --json").json, gs);
    EXPECT_EQ(lab.exec("heap --json").json, heap);
    // A count never stood at lands just after that event, as step does.
    ASSERT_TRUE(lab.exec("back 1").ok);
    const std::string justAfter = lab.session()->position();
    ASSERT_TRUE(lab.exec("back 1").ok);
    ASSERT_TRUE(lab.exec("step 1").ok);
    EXPECT_EQ(lab.session()->position(), justAfter);
  }
}

TEST(Stepping, ContinueEndsAsAPlainRunDoes) {
  Lab lab(simHost());
  const std::string run = "run skynet --engine sim --procs 4 --size 1000 --seed 5";
  Reply plain = lab.exec(run);
  ASSERT_TRUE(plain.ok) << plain.text;
  ASSERT_TRUE(lab.exec(run + " --step").ok);
  ASSERT_TRUE(lab.exec("until 50us").ok);
  Reply cont = lab.exec("continue");
  ASSERT_TRUE(cont.ok) << cont.text;
  EXPECT_EQ(cont.text, plain.text);
  // The end is a point like any other: back from it, then forward to it.
  Reply back = lab.exec("back 10");
  ASSERT_TRUE(back.ok) << back.text;
  Reply again = lab.exec("continue");
  EXPECT_EQ(again.text, plain.text);
}

// A plain run advances the simulator in batches of 4096 events (RunSession
// advance: under wasm each call then runs optimized code), `until` one
// event at a time. Over 22 000 events, the two end in the same place.
TEST(Stepping, BatchesOfEventsRunTheScheduleOfOneEventAtATime) {
  Lab lab(simHost());
  const std::string run = "run skynet --engine sim --procs 4 --size 10000 --seed 5";
  Reply plain = lab.exec(run + " --json");
  ASSERT_TRUE(plain.ok) << plain.text;
  auto p = testjson::parse(plain.json);
  ASSERT_TRUE(p.has_value());
  ASSERT_GT((*p)["simEvents"].number, 5 * 4096.0) << "the run spans several batches";
  ASSERT_TRUE(lab.exec(run + " --step --trace-events 1000000").ok);
  Reply stepped = lab.exec("until timer --json");  // skynet sets none: it steps to the end
  ASSERT_TRUE(stepped.ok) << stepped.text;
  auto q = testjson::parse(stepped.json);
  ASSERT_TRUE(q.has_value()) << stepped.json;
  EXPECT_EQ((*q)["status"].str, "ok");
  for (const char* field : {"simEvents", "wallNs", "steals", "stolenGs", "globalQueueSpills", "result"})
    EXPECT_EQ((*q)[field].number, (*p)[field].number) << field;
}

TEST(Stepping, BadMovesGetOneErrorLine) {
  Lab lab(simHost());
  for (const char* line : {"step", "back", "continue", "until 1ms"}) {
    Reply r = lab.exec(line);
    EXPECT_FALSE(r.ok) << line;
    EXPECT_NE(r.text.find("no simulator run"), std::string::npos) << r.text;
  }
  ASSERT_TRUE(lab.exec("run pingpong --engine sim --size 10 --step").ok);
  for (const char* line : {"step 0", "step -3", "step 1e9", "back x", "until soon", "until -1ms"}) {
    Reply r = lab.exec(line);
    EXPECT_FALSE(r.ok) << line;
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << line << ": " << r.text;
  }
  Reply real = lab.exec("run pingpong --engine real --size 10 --step");
  EXPECT_FALSE(real.ok);
  EXPECT_EQ(real.text.find('\n'), std::string::npos) << real.text;
  // Where there are threads the refusal is about --step; the single-threaded build refuses the engine first.
  EXPECT_NE(real.text.find(testscale::kThreads ? "--step needs --engine sim" : "the real engine needs threads"), std::string::npos)
      << real.text;
  Reply seed = lab.exec("run pingpong --engine real --seed 3");
  EXPECT_FALSE(seed.ok);
}

// `until steal` (and the other event kinds) stops just past the next event of
// that kind and shows it, however many events came before.
TEST(Stepping, UntilAnEventKindStopsJustPastIt) {
  Lab lab(simHost());
  ASSERT_TRUE(lab.exec("run fanout --engine sim --procs 2 --size 300 --seed 1 --step").ok);
  Reply r = lab.exec("until steal --json");
  ASSERT_TRUE(r.ok) << r.text;
  auto j = testjson::parse(r.json);
  ASSERT_TRUE(j.has_value());
  const auto& events = (*j)["events"].array;
  ASSERT_FALSE(events.empty());
  size_t steals = 0, at = 0;
  for (size_t i = 0; i < events.size(); i++) {
    if (events[i]["type"].str == "Steal") {
      steals++;
      at = i;
    }
  }
  ASSERT_EQ(steals, 1u) << "stops at the first steal";
  // Just past it: the steal happens while main is still creating workers,
  // inside main's step (a loop of `go` statements, where the simulator lets
  // the other Ms step as main's virtual time passes), and `until` stops at
  // the end of that step, a few microseconds of main's work later.
  EXPECT_LE(events.back()["ts"].number - events[at]["ts"].number, 10 * 1000) << "and just past it";
  const auto& steal = events[at];
  EXPECT_EQ(steal["a"].number, 41) << "n - n/2 of the victim's 81";
  EXPECT_EQ(steal["b"].number, 40);
  EXPECT_EQ(steal["p2"].number, 0);

  // The text (without --json) ends with the steal; what came before is counted.
  Lab text(simHost());
  ASSERT_TRUE(text.exec("run fanout --engine sim --procs 2 --size 300 --seed 1 --step").ok);
  Reply t = text.exec("until steal");
  ASSERT_TRUE(t.ok) << t.text;
  EXPECT_NE(t.text.find("P1 steals 41 Gs from P0 (40 left there"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("earlier events"), std::string::npos) << "the events before it are counted, not printed";

  Reply typo = lab.exec("until stael");
  EXPECT_FALSE(typo.ok);
  EXPECT_NE(typo.text.find("did you mean \"steal\"?"), std::string::npos) << typo.text;
}

TEST(Stepping, UntilAnEventThatNeverComesEndsTheRun) {
  Lab lab(simHost());
  ASSERT_TRUE(lab.exec("run fanout --engine sim --procs 1 --size 10 --seed 1 --step").ok);
  Reply r = lab.exec("until steal");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_NE(r.text.find("no steal event before the end"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("fanout: 10 workers"), std::string::npos) << "the run's report follows";
  EXPECT_FALSE(lab.exec("until steal").ok) << "the run is over";
}

// run --trace-events N: the run's trace holds N events (the page's default
// and its most are the host's): stepping stops where it fills and says so.
// A bad N, or an untraced run, is refused in one line and runs nothing.
TEST(Stepping, TraceEventsSetsHowManyEventsTheTraceHolds) {
  HostInfo page = simHost();
  page.traceRuns = 300'000;
  page.traceEventsMax = 1'000'000;
  Lab lab(page);
  ASSERT_TRUE(lab.exec("run skynet --engine sim --procs 2 --size 10000 --seed 4 --step --trace-events 2500").ok);
  const Reply fills = lab.exec("step 3000 --json");
  ASSERT_TRUE(fills.ok) << fills.text;
  auto j = testjson::parse(fills.json);
  ASSERT_TRUE(j.has_value()) << fills.json;
  EXPECT_TRUE((*j)["traceFull"].b);
  EXPECT_EQ(static_cast<size_t>((*j)["position"].number), 2500u);
  EXPECT_EQ(lab.session()->setup().traceLimit, 2500u);
  EXPECT_NE(lab.exec("step").text.find("stopped recording at event 2500"), std::string::npos);

  // Without the flag, the page's own limit; the flag above it is refused.
  ASSERT_TRUE(lab.exec("run skynet --engine sim --procs 2 --size 1000 --step").ok);
  EXPECT_EQ(lab.session()->setup().traceLimit, 300'000u);
  for (const char* bad : {"run skynet --engine sim --step --trace-events 1000001",
                          "run skynet --engine sim --step --trace-events 999", "run skynet --engine sim --step --trace-events x"}) {
    SCOPED_TRACE(bad);
    const Reply r = lab.exec(bad);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("--trace-events"), std::string::npos) << r.text;
    EXPECT_EQ(lab.session()->setup().traceLimit, 300'000u) << "the paused run is still the last good one";
  }
  // A host that traces only on demand (the CLI): the flag needs a trace.
  Lab cli(simHost());
  const Reply untraced = cli.exec("run skynet --engine sim --size 100 --trace-events 5000");
  EXPECT_FALSE(untraced.ok);
  EXPECT_NE(untraced.text.find("add --trace FILE or --step"), std::string::npos) << untraced.text;
  ASSERT_TRUE(cli.exec("run skynet --engine sim --size 100 --step --trace-events 4000000").ok);
  EXPECT_EQ(cli.session()->setup().traceLimit, 4'000'000u);
}

// A run longer than its trace (the page records 300 000 events, the CLI 4 M;
// 3000 here): step stops where the trace fills up and then refuses with one
// line, `until <time>` and continue go on past it, and back from there counts
// from the last recorded event, arriving at exactly the state a direct step
// there has. Both ways back: snapshots (fanout) and a replay (the GC'd heap).
TEST(Stepping, AFullTraceIsStatedAndMovesStayCorrectPastIt) {
  constexpr size_t kLimit = 3000;
  for (const char* run : {"run skynet --engine sim --procs 2 --size 10000 --seed 4 --step",
                          "run mutator-race --engine sim --barrier hybrid --seed 2 --size 2000 --step"}) {
    SCOPED_TRACE(run);
    HostInfo small = simHost();
    small.traceRuns = kLimit;
    Lab lab(small);
    ASSERT_TRUE(lab.exec(run).ok);
    // Steps move by whole simulator events, and one may record many: p1 is
    // where this one landed, short of the limit.
    const uint64_t p1 = position(lab.exec("step 2900 --json"));
    ASSERT_GE(p1, 2900u);
    ASSERT_LT(p1, kLimit);
    const std::string gsAtP1 = lab.exec("gs --json").json;

    // The step that fills the trace stops there and says so.
    const Reply fills = lab.exec("step 100 --json");
    ASSERT_TRUE(fills.ok) << fills.text;
    auto j = testjson::parse(fills.json);
    ASSERT_TRUE(j.has_value());
    EXPECT_EQ(static_cast<size_t>((*j)["position"].number), kLimit);
    EXPECT_TRUE((*j)["traceFull"].b);
    const double traceEndNs = (*j)["traceEndNs"].number;
    EXPECT_FALSE((*j)["over"].b) << "the run is not over: it only stopped being recorded";
    EXPECT_TRUE(lab.exec("gs").ok) << "the inspectors still work here";

    // Moves that count recorded events refuse, in one line, and change nothing.
    const std::string where = lab.session()->position();
    for (const char* line : {"step", "step 5", "until steal"}) {
      const Reply r = lab.exec(line);
      EXPECT_FALSE(r.ok) << line;
      EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
      EXPECT_NE(r.text.find("the trace is full: it stopped recording at event 3000"), std::string::npos) << r.text;
      EXPECT_EQ(lab.session()->position(), where) << line;
    }

    // Time goes on past the trace, and the position says where the run is.
    const int64_t later = static_cast<int64_t>(traceEndNs) + 200 * 1000;
    const Reply until = lab.exec("until " + std::to_string(later) + "ns --json");
    ASSERT_TRUE(until.ok) << until.text;
    auto u = testjson::parse(until.json);
    ASSERT_TRUE(u.has_value());
    // (the clock moves event by event: until stands at the last one due by then)
    EXPECT_GT((*u)["timeNs"].number, traceEndNs);
    EXPECT_NEAR((*u)["timeNs"].number, static_cast<double>(later), 1e6);
    EXPECT_EQ((*u)["events"].array.size(), 0u) << "nothing recorded past the trace";
    EXPECT_NE(lab.session()->position().find("past the trace's last event (3000)"), std::string::npos)
        << lab.session()->position();
    EXPECT_NE(lab.exec("until " + std::to_string(later + 1000) + "ns").text.find("the trace is full"), std::string::npos);

    // Back from past the trace counts from its last event, and says so.
    const Reply back = lab.exec("back " + std::to_string(kLimit - p1));
    ASSERT_TRUE(back.ok) << back.text;
    EXPECT_EQ(position(back), p1);
    EXPECT_EQ(back.text.rfind("at event " + std::to_string(p1) + ", ", 0), 0u) << back.text;
    EXPECT_NE(back.text.find("counted back from the trace's last event, event 3000"), std::string::npos) << back.text;
    EXPECT_EQ(lab.exec("gs --json").json, gsAtP1) << "the same state as stepping there";
    ASSERT_TRUE(lab.exec("step 1").ok) << "below the limit, step works again";
    // From the run's end, too.
    ASSERT_TRUE(lab.exec("continue").ok);
    const Reply fromEnd = lab.exec("back 1");
    ASSERT_TRUE(fromEnd.ok) << fromEnd.text;
    EXPECT_LT(position(fromEnd), uint64_t{kLimit}) << fromEnd.text;
    EXPECT_NE(fromEnd.text.find("counted back from the trace's last event, event 3000"), std::string::npos) << fromEnd.text;
  }
}

// The narration a lesson quotes follows the lab's language; Go's own names
// (newproc, stopm, _Grunning...) stay as Go spells them.
TEST(Stepping, NarrationFollowsTheLabsLanguage) {
  Lab lab(simHost());
  lab.setLanguage(Language::Zh);
  Reply paused = lab.exec("run fanout --engine sim --procs 2 --size 300 --seed 1 --step");
  ASSERT_TRUE(paused.ok);
  EXPECT_NE(paused.text.find("在模拟器上暂停于第一个事件之前（种子 1）"), std::string::npos) << paused.text;
  Reply steal = lab.exec("until steal");
  ASSERT_TRUE(steal.ok);
  EXPECT_NE(steal.text.find("位于第 "), std::string::npos) << steal.text;
  EXPECT_NE(steal.text.find("P1 从 P0 窃取 41 个 G（那里还剩 40 个"), std::string::npos) << steal.text;
  EXPECT_NE(steal.text.find("_Grunnable -> _Grunning"), std::string::npos) << "Go's state names stay";
  Reply end = lab.exec("continue");
  ASSERT_TRUE(end.ok);
  EXPECT_NE(end.text.find("fanout: 300 个 worker，id 之和 44850"), std::string::npos) << end.text;
  EXPECT_NE(end.text.find("虚拟时间 3030 µs（GOMAXPROCS=2，引擎 sim，种子 1，"), std::string::npos) << end.text;
  lab.setLanguage(Language::En);
  EXPECT_NE(lab.exec("back 1").text.find("at event "), std::string::npos);
}

}  // namespace
}  // namespace lab
