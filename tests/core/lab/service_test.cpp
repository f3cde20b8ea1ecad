// Day 7's service scenario and the `metrics` command: a run is a function
// of its seed, the leak leaves exactly one blocked goroutine per timed-out
// request (found the way pprof's goroutine profile finds it), the sampled
// rows add up to the run's own totals, the log stays bounded, and every
// bad input is one error line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "lab/lab.hpp"
#include "lab/metrics_log.hpp"
#include "platform/real/real_platform.hpp"
#include "support/json_value.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

using testjson::Value;

Value json(Lab& lab, const std::string& line) {
  Reply r = lab.exec(line + " --json");
  EXPECT_TRUE(r.ok) << line << ": " << r.text;
  auto j = testjson::parse(r.json);
  EXPECT_TRUE(j.has_value()) << r.json;
  return j.value_or(Value{});
}

int64_t metric(const Value& run, const std::string& name) { return int64_t(run["metrics"][name].number); }

// The column named `name` of `metrics --json`.
const std::vector<Value>& column(const Value& m, const std::string& name) {
  const auto& cols = m["columns"].array;
  for (size_t k = 0; k < cols.size(); k++)
    if (cols[k]["name"].str == name) return m["data"].array[k].array;
  ADD_FAILURE() << "no column " << name;
  static const std::vector<Value> none;
  return none;
}

int64_t sum(const std::vector<Value>& values) {
  int64_t s = 0;
  for (const Value& v : values) s += int64_t(v.number);
  return s;
}

// A bad input: the command fails with one line that says `says`.
void expectOneErrorLine(Lab& lab, const std::string& line, const std::string& says) {
  Reply r = lab.exec(line);
  EXPECT_FALSE(r.ok) << line;
  EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(says), std::string::npos) << r.text;
}

TEST(Service, TheSameSeedGivesTheSameRunAndAnotherSeedAnother) {
  Lab lab(testhost::fixed(2));
  const std::string run = "run service --engine sim --size 600 --leak";
  Value a = json(lab, run + " --seed 5");
  const std::string metricsA = lab.exec("metrics --json").json;
  Value b = json(lab, run + " --seed 5");
  EXPECT_EQ(lab.exec("metrics --json").json, metricsA);
  EXPECT_EQ(metric(a, "latencyP99Ns"), metric(b, "latencyP99Ns"));
  Value c = json(lab, run + " --seed 6");
  EXPECT_NE(lab.exec("metrics --json").json, metricsA);
  EXPECT_NE(metric(a, "timeouts"), 0);
  (void)c;
}

// The leak: every request that timed out left its backend blocked for ever
// on the unbuffered send — one goroutine each, in one profile group created
// by the handler. Without --leak the group does not exist.
TEST(Service, TheLeakLeavesOneBlockedBackendPerTimeoutInOneProfileGroup) {
  Lab lab(testhost::fixed(2));
  Value leaky = json(lab, "run service --engine sim --size 1000 --leak --seed 2");
  const int64_t timeouts = metric(leaky, "timeouts");
  ASSERT_GT(timeouts, 20);
  Value profile = json(lab, "gs --group");
  ASSERT_FALSE(profile["groups"].array.empty());
  const Value& top = profile["groups"].array[0];
  EXPECT_EQ(top["function"].str, "main.handler.func1");
  EXPECT_EQ(top["state"].str, "chan send");
  EXPECT_EQ(top["createdBy"].str, "main.handler");
  EXPECT_NE(lab.exec("gs --group").text.find(std::to_string(int64_t(top["count"].number)) +
                                              " @ main.handler.func1 [chan send] created by main.handler"),
            std::string::npos);
  // A backend still alive belongs to a request that timed out (else the
  // handler would have received its answer): those blocked in the send,
  // and those whose call outlasted the end of the run, still waiting.
  int64_t backends = 0;
  for (const Value& g : profile["groups"].array)
    if (g["function"].str == "main.handler.func1") backends += int64_t(g["count"].number);
  EXPECT_EQ(backends, timeouts);

  Value fixed = json(lab, "run service --engine sim --size 1000 --seed 2");
  EXPECT_EQ(metric(fixed, "timeouts"), timeouts);  // the same arrivals and backend latencies
  const Value fixedProfile = json(lab, "gs --group");
  for (const Value& g : fixedProfile["groups"].array) EXPECT_NE(g["state"].str, "chan send");
  EXPECT_LT(metric(fixed, "goroutinesAtEnd"), metric(leaky, "goroutinesAtEnd"));
}

// The rows are the run: completed requests and timeouts per window add up
// to the totals, time moves one period per row, and the last row is taken
// when everything but the sampler and main has finished.
TEST(Service, TheSampledRowsAddUpToTheRunsTotals) {
  Lab lab(testhost::fixed(2));
  Value run = json(lab, "run service --engine sim --size 800 --leak --rate 4000 --sample 5ms");
  Value m = json(lab, "metrics");
  EXPECT_EQ(int64_t(m["periodNs"].number), 5'000'000);
  EXPECT_EQ(sum(column(m, "requests")), 800);
  EXPECT_EQ(sum(column(m, "timeouts")), metric(run, "timeouts"));
  const auto& t = column(m, "t");
  ASSERT_GT(t.size(), 20u);
  // A row is stamped when the sampler runs, a little after its tick.
  for (size_t i = 1; i < t.size(); i++) {
    EXPECT_GT(t[i].number, t[i - 1].number);
    if (i + 1 < t.size()) {
      EXPECT_NEAR(t[i].number - t[i - 1].number, 5e6, 5e5) << i;
    }
  }
  EXPECT_NEAR((t[t.size() - 2].number - t[0].number) / double(t.size() - 2), 5e6, 5e4);
  // The last row: the leaked backends, main and the sampler itself.
  EXPECT_EQ(int64_t(column(m, "goroutines").back().number), metric(run, "goroutinesAtEnd") + 1);
  // GC cycles only grow, and the heap goal is always there (GOGC=100).
  const auto& gc = column(m, "gcCycles");
  for (size_t i = 1; i < gc.size(); i++) EXPECT_GE(gc[i].number, gc[i - 1].number);
  EXPECT_EQ(int64_t(gc.back().number), metric(run, "gcCycles"));
  for (const Value& g : column(m, "heapGoal")) EXPECT_GT(g.number, 0);
  // A window without requests has no latency to report: null, not 0.
  EXPECT_EQ(column(m, "reqP99").front().kind, Value::Kind::Null);
}

TEST(Service, RunsOnRealThreadsAndCanBeReadWhileItRuns) {
  if (!rt::RealPlatform::threadsAvailable()) GTEST_SKIP() << "the real engine needs threads";
  Lab lab(testhost::fixed(2));
  Value run = json(lab, "run service --engine real --size 300 --rate 20000 --call 1ms --deadline 2ms --sample 1ms");
  EXPECT_EQ(metric(run, "requests"), 300);
  EXPECT_EQ(sum(column(json(lab, "metrics"), "requests")), 300);
  // In the background: `metrics` reads the log while the sampler appends.
  ASSERT_TRUE(lab.exec("run service --engine real --size 400 --rate 20000 --call 1ms --sample 1ms --background").ok);
  for (int i = 0; i < 20; i++) EXPECT_TRUE(lab.exec("metrics").ok);
  ASSERT_TRUE(lab.exec("continue").ok);
  EXPECT_EQ(sum(column(json(lab, "metrics"), "requests")), 400);
}

TEST(Metrics, TableCsvAndJsonShowTheSameSamples) {
  Lab lab(testhost::fixed(2));
  ASSERT_TRUE(lab.exec("run service --engine sim --size 3000").ok);
  Value m = json(lab, "metrics");
  const size_t rows = column(m, "t").size();
  ASSERT_GT(rows, 100u);
  Reply csv = lab.exec("metrics --csv");
  ASSERT_TRUE(csv.ok);
  std::istringstream lines(csv.text);
  std::string header, line;
  std::getline(lines, header);
  EXPECT_EQ(std::count(header.begin(), header.end(), ',') + 1, int(kNumMetrics));
  EXPECT_EQ(header.rfind("t_ns,goroutines,heapInuse_bytes,", 0), 0u) << header;
  size_t n = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), int(kNumMetrics) - 1);
    n++;
  }
  EXPECT_EQ(n, rows);
  // The table: about 30 rows by default, all with --all, chosen columns.
  Reply table = lab.exec("metrics goroutines reqP99");
  ASSERT_TRUE(table.ok);
  EXPECT_NE(table.text.find("goroutines"), std::string::npos);
  EXPECT_EQ(table.text.find("inuse"), std::string::npos);
  EXPECT_LT(std::count(table.text.begin(), table.text.end(), '\n'), 40);
  Reply all = lab.exec("metrics goroutines --all");
  EXPECT_GE(size_t(std::count(all.text.begin(), all.text.end(), '\n')), rows + 1);
  lab.setLanguage(Language::Zh);
  EXPECT_NE(lab.exec("metrics").text.find("个样本"), std::string::npos);
}

TEST(Metrics, BadInputIsOneErrorLine) {
  Lab lab(testhost::fixed(2));
  auto oneError = [&lab](const std::string& line, const std::string& says) { expectOneErrorLine(lab, line, says); };
  oneError("metrics", "no run yet");
  ASSERT_TRUE(lab.exec("run skynet --engine sim --size 1000").ok);
  oneError("metrics", "sampled no metrics");
  oneError("run service --rate 0", "--rate needs an integer in 1..1000000");
  oneError("run service --rate 99999999999", "--rate needs an integer");
  oneError("run service --deadline -5ms", "--deadline needs a duration");
  oneError("run service --deadline 0s", "--deadline needs a duration in 1µs..1h0m0s");
  oneError("run service --sample 1us", "--sample needs a duration in 100µs..1m0s");
  oneError("run service --alloc 99999999", "--alloc needs an integer");
  oneError("run skynet --leak", "--leak is a flag of the service scenario, not of skynet");
  // Nothing ran: the last run is still skynet's.
  oneError("metrics", "`run skynet` sampled no metrics");
  ASSERT_TRUE(lab.exec("run service --engine sim --size 100").ok);
  oneError("metrics heapinuse", "did you mean \"heapInuse\"?");
  oneError("metrics --csv --json", "not both");
}

// Timeouts on the timing wheel (--timers wheel) against Go's timer heap:
// never early on either; on the wheel up to a tick late by design (plus the
// driver's own lateness), on the heap by far less on the simulator.
TEST(Timers, TheWheelIsUpToATickLateAndTheHeapIsNot) {
  Lab lab(testhost::fixed(2));
  Value heap = json(lab, "run timers --engine sim --size 20000 --seed 3");
  Value wheel = json(lab, "run timers --engine sim --size 20000 --seed 3 --timers wheel --tick 2ms");
  for (const Value* r : {&heap, &wheel}) {
    EXPECT_TRUE((*r)["passed"].b);  // nobody woke before its deadline
    EXPECT_EQ(int64_t((*r)["result"].number), 20000);
  }
  EXPECT_LT(metric(heap, "maxLatenessNs"), 100'000);
  EXPECT_LE(metric(wheel, "maxLatenessNs"), 2'000'000 + 100'000);
  EXPECT_GT(metric(wheel, "p99LatenessNs"), 1'500'000);  // the deadlines spread over the ticks
  EXPECT_GT(metric(wheel, "p50LatenessNs"), 10 * metric(heap, "p50LatenessNs"));
  // The wheel's driver ticked through the 10 ms the longest sleep takes.
  EXPECT_GE(metric(wheel, "wheelTicks"), 5);
  EXPECT_EQ(heap["metrics"].has("wheelTicks"), false);
}

TEST(Timers, TheServiceCanPutItsDeadlinesOnTheWheel) {
  Lab lab(testhost::fixed(2));
  Value heap = json(lab, "run service --engine sim --size 1500 --seed 4");
  Value m = json(lab, "metrics");
  for (const Value& late : column(m, "timerLateP99")) {
    if (late.kind != Value::Kind::Null) {
      EXPECT_LT(late.number, 200'000);
    }
  }
  Value wheel = json(lab, "run service --engine sim --size 1500 --seed 4 --timers wheel --tick 5ms");
  EXPECT_EQ(int64_t(wheel["options"]["timers"].number), 1);
  EXPECT_EQ(int64_t(wheel["options"]["tick"].number), 5'000'000);
  // Same arrivals and backends: the coarser deadlines only move a few
  // requests across the line.
  EXPECT_NEAR(double(metric(wheel, "timeouts")), double(metric(heap, "timeouts")), metric(heap, "timeouts") * 0.2);
  int64_t worst = 0;
  const Value onWheel = json(lab, "metrics");
  for (const Value& late : column(onWheel, "timerLateP99"))
    if (late.kind != Value::Kind::Null) worst = std::max(worst, int64_t(late.number));
  EXPECT_GT(worst, 1'000'000);
  EXPECT_LE(worst, 5'000'000 * 17 / 16 + 200'000);  // a tick, rounded up to its bucket, and the driver's delay
  // On real threads too.
  if (rt::RealPlatform::threadsAvailable()) {
    Value real = json(lab, "run service --engine real --size 300 --rate 20000 --call 1ms --deadline 2ms --timers wheel");
    EXPECT_EQ(metric(real, "requests"), 300);
  }
}

// The seed's log sampler: ReadMemStats on every request stops the world
// once per request ("read mem stats", Go 1.22's other-pauses histogram),
// while reading what the metrics sampler last saw stops it never. The
// decision is the same (the heap stays far under the 64 MiB threshold).
TEST(Service, ReadMemStatsPerRequestIsOneStopTheWorldEach) {
  Lab lab(testhost::fixed(2));
  Value memstats = json(lab, "run service --engine sim --size 800 --seed 2 --sampler memstats");
  EXPECT_EQ(metric(memstats, "otherPauses"), 800);
  EXPECT_EQ(metric(memstats, "logged"), 800);
  EXPECT_GT(metric(memstats, "otherPauseP99Ns"), 0);
  EXPECT_EQ(sum(column(json(lab, "metrics"), "otherPauses")), 800);
  // The trace names each of them as Go's does.
  ASSERT_TRUE(lab.exec("run service --engine sim --size 800 --seed 2 --sampler memstats --step").ok);
  const Value toStw = json(lab, "until stw");
  bool named = false;
  for (const Value& e : toStw["events"].array) named = named || e["text"].str.find("stop the world (read mem stats) for G") == 0;
  EXPECT_TRUE(named);
  Value periodic = json(lab, "run service --engine sim --size 800 --seed 2 --sampler periodic");
  EXPECT_EQ(metric(periodic, "otherPauses"), 0);
  EXPECT_EQ(metric(periodic, "logged"), 800);
  Value off = json(lab, "run service --engine sim --size 800 --seed 2");
  EXPECT_EQ(metric(off, "logged"), 0);
  EXPECT_EQ(metric(off, "otherPauses"), 0);
  if (rt::RealPlatform::threadsAvailable()) {
    Value real = json(lab, "run service --engine real --size 200 --rate 20000 --call 1ms --sampler memstats");
    EXPECT_EQ(metric(real, "otherPauses"), 200);
  }
}

// Day 7's priority experiment (a lab-only policy, not Go), overloaded on one
// P (11 000 requests/s of 100 µs each, plus the collector): under Go's
// scheduler both classes wait alike; with a queue of their own the
// high-priority requests keep a p99 near the deadline, at a cost to the
// others that grows with the high class's share of the load; a longer slice
// changes nothing for requests shorter than a slice.
TEST(Service, APriorityQueueServesHighPriorityRequestsFirstAndTheOthersStarve) {
  Lab lab(testhost::fixed(2));
  const std::string overload = "run service --engine sim --procs 1 --size 4000 --rate 11000 --high 10 --seed 1";
  Value go = json(lab, overload + " --priority go");
  const std::string goMetrics = lab.exec("metrics --json").json;
  Value queue = json(lab, overload + " --priority queue");
  Value slice = json(lab, overload + " --priority slice");
  EXPECT_EQ(lab.exec("metrics --json").json, goMetrics) << "a 30 ms slice changed requests of 100 µs";
  for (const Value* run : {&go, &queue, &slice}) {
    EXPECT_EQ(metric(*run, "highRequests") + metric(*run, "normalRequests"), 4000);
    EXPECT_EQ(metric(*run, "highTimeouts") + metric(*run, "normalTimeouts"), metric(*run, "timeouts"));
    EXPECT_GT(metric(*run, "highRequests"), 300);  // 10 % of 4000, drawn from the seed
    EXPECT_LT(metric(*run, "highRequests"), 500);
  }
  EXPECT_EQ(metric(go, "highLatencyP99Ns"), metric(slice, "highLatencyP99Ns"));
  // Overloaded, Go's scheduler treats both classes alike...
  EXPECT_GT(metric(go, "highLatencyP99Ns"), 2 * 50'000'000);
  // ...the queue cuts the high class's p99 to a little over the 50 ms
  // deadline (its timeouts are the backend's own tail: exp(-50/20) = 8 %)...
  EXPECT_LT(metric(queue, "highLatencyP99Ns"), metric(go, "highLatencyP99Ns") / 2);
  EXPECT_LT(metric(queue, "highTimeouts") * 100, metric(queue, "highRequests") * 12);
  // ...while the others, nine times as many, hardly notice a tenth of the
  // work moving ahead of them...
  EXPECT_LE(std::abs(metric(queue, "normalTimeouts") - metric(go, "normalTimeouts")) * 50,
            metric(queue, "normalRequests"));
  // ...until the high class is most of the load: payments at 110 % of the P
  // on their own are not saved, and the others starve (their p99; their
  // timeouts only count the wait for the backend, after the work).
  const std::string halfHigh = "run service --engine sim --procs 1 --size 4000 --rate 22000 --high 50 --seed 1";
  Value goHalf = json(lab, halfHigh + " --priority go");
  Value queueHalf = json(lab, halfHigh + " --priority queue");
  EXPECT_GE(metric(queueHalf, "highTimeouts"), metric(goHalf, "highTimeouts"));
  EXPECT_GT(metric(queueHalf, "normalLatencyP99Ns") * 10, metric(goHalf, "normalLatencyP99Ns") * 13);
  // Without --high the report has no classes.
  Value plain = json(lab, "run service --engine sim --size 100");
  EXPECT_FALSE(plain["metrics"].object.count("highRequests"));
  // The high-priority queue shows in `runq` while a stepped run uses it.
  ASSERT_TRUE(lab.exec(overload + " --priority queue --step").ok);
  ASSERT_TRUE(lab.exec("until 250ms").ok);
  bool seen = false;
  for (int i = 0; i < 200 && !seen; i++) {
    ASSERT_TRUE(lab.exec("step").ok);
    seen = lab.exec("runq").text.find("high-priority runq, not Go (") != std::string::npos;
  }
  EXPECT_TRUE(seen);
}

TEST(Service, BadPriorityFlagsAreOneErrorLine) {
  Lab lab(testhost::fixed(2));
  for (const auto& [line, says] : std::vector<std::pair<std::string, std::string>>{
           {"run service --priority nice", "--priority must be one of go|slice|queue"},
           {"run service --high 101", "--high needs"},
           {"run service --high -1", "--high needs"},
           {"run skynet --priority queue", "--priority is a flag of the service scenario, not of skynet"}}) {
    expectOneErrorLine(lab, line, says);
  }
}

TEST(Timers, BadTimerFlagsAreOneErrorLine) {
  Lab lab(testhost::fixed(2));
  for (const auto& [line, says] : std::vector<std::pair<std::string, std::string>>{
           {"run timers --timers list", "--timers must be one of heap|wheel"},
           {"run timers --tick 1us", "--tick needs a duration in 10µs..1s"},
           {"run timers --size 500001", "--size for timers must be in 1..500000"},
           {"run skynet --timers wheel", "--timers is a flag of the service or timers scenario, not of skynet"}}) {
    expectOneErrorLine(lab, line, says);
  }
}

TEST(MetricsLog, ALongRunIsThinnedEvenlyAndKeepsItsLastRow) {
  MetricsLog log;
  log.setPeriod(10);
  const uint64_t samples = 3 * MetricsLog::kMaxRows + 7;
  for (uint64_t i = 0; i < samples; i++) {
    MetricsRow r{};
    r[size_t(Metric::T)] = int64_t(i);
    log.append(r, i + 1 == samples);
  }
  const auto rows = log.rows();
  EXPECT_LE(rows.size(), MetricsLog::kMaxRows + 1);
  EXPECT_GE(rows.size(), MetricsLog::kMaxRows / 2);
  EXPECT_EQ(log.stride(), 4u);
  for (size_t i = 0; i + 1 < rows.size(); i++) EXPECT_EQ(rows[i][size_t(Metric::T)], int64_t(4 * i));
  EXPECT_EQ(rows.back()[size_t(Metric::T)], int64_t(samples - 1));
}

}  // namespace
}  // namespace lab
