// The heap counter series (trace::HeapSample): the collector samples
// heapLive whenever an mcache takes a span or a large object is allocated,
// and the goal at every cycle's start and end (Go: traceHeapAlloc,
// traceHeapGoal); the series is in time order, the same for the same seed,
// kept apart from the event stream (which it leaves as it was), bounded,
// kept across `back`, and exported as Chrome "Heap" counters.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/gc/gc_harness.hpp"
#include "lab/lab.hpp"
#include "lab/run_session.hpp"
#include "support/json_value.hpp"
#include "support/scale.hpp"
#include "support/test_host.hpp"
#include "support/trace_hash.hpp"
#include "trace/chrome.hpp"
#include "trace/tracer.hpp"

namespace rt::gc {
namespace {

// type blob struct { p *blob; data [5000]uint64 } — 40 KB: a large object.
const Type kLarge("blob", 5001, {0});
// type pair struct { a, b *pair }: 24 bytes with its header (size class 3).
const Type kPair("pair", 2, {0, 1});

// What the program itself saw after each allocation: heapLive, when it moved.
struct Seen {
  int64_t ts;
  uint64_t heapLive;
};

struct SampledRun {
  std::vector<trace::HeapSample> heap;
  std::vector<trace::Event> events;
  std::vector<CycleStats> history;
  std::vector<Seen> seen;
  bool heapTruncated = false;
};

// Runs body(c, seen) as main.main on a traced runtime with a collector
// (gc_harness.hpp runWithGc), keeping at most heapLimit heap samples.
template <typename Body>
SampledRun runSampled(bool sim, int procs, uint64_t seed, GcConfig gcfg, Body body, size_t heapLimit = SIZE_MAX) {
  SampledRun out;
  testing::GcRun r = testing::runWithGc(
      sim, procs, seed, gcfg, [&](Collector* c) { return body(c, &out.seen); }, true, heapLimit);
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  out.history = std::move(r.history);
  out.events = std::move(r.events);
  out.heap = std::move(r.heap);
  out.heapTruncated = r.heapTruncated;
  return out;
}

// Allocates `n` objects of type t one at a time, noting heapLive whenever an
// allocation moved it.
Goroutine allocator(Collector* c, std::vector<Seen>* seen, const Type* t, int n) {
  Frame<1> f;
  uint64_t last = c->heap.stats.heapLive.load();
  for (int i = 0; i < n; i++) {
    f.set(0, co_await New(t));
    const uint64_t now = c->heap.stats.heapLive.load();
    if (now != last) seen->push_back({c->nanotime() - c->rt->starttime, now});
    last = now;
  }
}

void expectTimeOrder(const std::vector<trace::HeapSample>& heap) {
  for (size_t i = 1; i < heap.size(); i++) {
    EXPECT_LE(heap[i - 1].ts, heap[i].ts) << "sample " << i;
    EXPECT_LE(heap[i - 1].events, heap[i].events) << "sample " << i;
  }
}

// Large objects, GOGC=off: one sample per allocation, each exactly one
// span more than the last, and no goal (recorded as 0, as Go does).
TEST(HeapSeries, EveryLargeAllocationIsOneSample) {
  GcConfig g;
  g.gogc = -1;
  auto run = runSampled(true, 1, 1, g, [](Collector* c, std::vector<Seen>* seen) {
    return allocator(c, seen, &kLarge, 7);
  });
  ASSERT_EQ(run.heap.size(), 7u);
  ASSERT_EQ(run.seen.size(), 7u);
  const uint64_t spanBytes = ((kLarge.allocSize() + mem::PageSize - 1) / mem::PageSize) * mem::PageSize;
  for (size_t i = 0; i < run.heap.size(); i++) {
    EXPECT_EQ(run.heap[i].heapLive, run.seen[i].heapLive) << i;
    EXPECT_EQ(run.heap[i].ts, run.seen[i].ts) << i;
    EXPECT_EQ(run.heap[i].goal, 0u) << "GOGC=off: no goal";
    if (i > 0) {
      EXPECT_EQ(run.heap[i].heapLive - run.heap[i - 1].heapLive, spanBytes) << i;
    }
  }
}

// Small objects through several GC cycles: every heapLive the program saw
// change (a refill) is a sample at that time, and every cycle adds two:
// its goal at the start, and the marked heap with the next goal at the end.
TEST(HeapSeries, RecordsEachRefillAndTheGoalAtEachCycle) {
  auto run = runSampled(true, 2, 3, GcConfig{}, [](Collector* c, std::vector<Seen>* seen) {
    return allocator(c, seen, &kPair, 400'000);
  });
  ASSERT_GE(run.history.size(), 2u) << "the program should collect a few times";
  ASSERT_FALSE(run.seen.empty());
  expectTimeOrder(run.heap);
  // Each change the program saw is a sample (the program reads heapLive
  // right after the allocation, in the same instant on the simulator).
  size_t k = 0;
  for (const Seen& s : run.seen) {
    while (k < run.heap.size() && !(run.heap[k].ts == s.ts && run.heap[k].heapLive == s.heapLive)) k++;
    ASSERT_LT(k, run.heap.size()) << "no sample of heapLive " << s.heapLive << " at " << s.ts;
  }
  // The cycles: a sample with each cycle's goal at its start (heap0), and
  // one with the marked heap (heap2) at its end.
  for (const CycleStats& cs : run.history) {
    bool start = false, end = false;
    for (const trace::HeapSample& h : run.heap) {
      start = start || (h.heapLive == cs.heap0 && h.goal == cs.goal);
      end = end || h.heapLive == cs.heap2;
    }
    EXPECT_TRUE(start) << "cycle " << cs.numgc << ": no sample of its goal " << cs.goal;
    EXPECT_TRUE(end) << "cycle " << cs.numgc << ": no sample of the marked heap " << cs.heap2;
  }
  // Goals move only at cycle boundaries: two per cycle (its start, its
  // end) and the first, before any cycle, at most.
  std::set<uint64_t> goals;
  for (const trace::HeapSample& h : run.heap) goals.insert(h.goal);
  EXPECT_LE(goals.size(), run.history.size() * 2 + 1);
  // Samples sit between events: their places in the event stream.
  EXPECT_LE(run.heap.back().events, run.events.size());
}

TEST(HeapSeries, TheSameSeedGivesTheSameSeries) {
  auto body = [](Collector* c, std::vector<Seen>* seen) { return allocator(c, seen, &kPair, 200'000); };
  auto a = runSampled(true, 2, 7, GcConfig{}, body);
  auto b = runSampled(true, 2, 7, GcConfig{}, body);
  ASSERT_FALSE(a.heap.empty());
  ASSERT_EQ(a.heap.size(), b.heap.size());
  EXPECT_EQ(std::memcmp(a.heap.data(), b.heap.data(), a.heap.size() * sizeof(trace::HeapSample)), 0);
}


// Sampling takes no event and no sequence number: the event stream is the
// same byte for byte with the series recorded or not (0 samples allowed).
// The bound holds, and says it was reached.
TEST(HeapSeries, LeavesTheEventStreamAsItWasAndIsBounded) {
  auto body = [](Collector* c, std::vector<Seen>* seen) { return allocator(c, seen, &kPair, 200'000); };
  auto with = runSampled(true, 2, 5, GcConfig{}, body);
  auto without = runSampled(true, 2, 5, GcConfig{}, body, 0);
  auto bounded = runSampled(true, 2, 5, GcConfig{}, body, 10);
  ASSERT_GT(with.heap.size(), 10u);
  EXPECT_FALSE(with.heapTruncated);
  EXPECT_TRUE(without.heap.empty());
  EXPECT_TRUE(without.heapTruncated);
  EXPECT_EQ(bounded.heap.size(), 10u);
  EXPECT_TRUE(bounded.heapTruncated);
  EXPECT_EQ(std::memcmp(bounded.heap.data(), with.heap.data(), 10 * sizeof(trace::HeapSample)), 0);
  ASSERT_EQ(with.events.size(), without.events.size());
  EXPECT_EQ(testtrace::traceHash(with.events), testtrace::traceHash(without.events));
}

// Real threads: several Ms sample at once, under the tracer's lock, and the
// series stays in time order (run under ThreadSanitizer in CI).
Goroutine fourChurners(Collector*, std::vector<Seen>*) {
  rt::WaitGroup wg;
  wg.Add(4);
  for (int i = 0; i < 4; i++) rt::go(testing::churner(60, &wg), "main.churner");
  co_await wg.Wait();
}

TEST(HeapSeries, RealThreadsSampleInTimeOrder) {
  RTLAB_NEEDS_THREADS();
  auto run = runSampled(false, 4, 1, GcConfig{}, fourChurners);
  ASSERT_GT(run.heap.size(), 4u);
  expectTimeOrder(run.heap);
  for (const trace::HeapSample& h : run.heap) EXPECT_GT(h.heapLive, 0u);
}

// `back` replays the run untraced up to the target: the series there is
// the one the run had recorded by then, and stepping on records the rest
// as the first time.
TEST(HeapSeries, BackKeepsTheSeriesOfThePointItReturnsTo) {
  lab::Lab lab(testhost::fixed(2));
  ASSERT_TRUE(lab.exec("run churn --engine sim --procs 2 --seed 1 --step").ok);
  std::vector<std::vector<trace::HeapSample>> at;
  std::vector<uint64_t> pos;
  for (int i = 0; i < 6; i++) {
    lab::Reply r = lab.exec("step 30 --json");
    ASSERT_TRUE(r.ok) << r.text;
    pos.push_back(static_cast<uint64_t>((*testjson::parse(r.json))["position"].number));
    at.push_back(lab.session()->heapSamples());
  }
  ASSERT_GT(at.back().size(), at.front().size()) << "the run should allocate while it steps";
  const std::vector<trace::HeapSample> all = at.back();
  // A prefix of the whole series: the same samples, as many as were taken
  // up to the position (back stops after the last simulator event that
  // records no event past it, so at least those of the step that got there).
  auto isPrefix = [&all](const std::vector<trace::HeapSample>& x) {
    return x.size() <= all.size() && std::memcmp(x.data(), all.data(), x.size() * sizeof(trace::HeapSample)) == 0;
  };
  ASSERT_TRUE(lab.exec("back " + std::to_string(pos[5] - pos[2])).ok);
  const std::vector<trace::HeapSample> back = lab.session()->heapSamples();
  EXPECT_TRUE(isPrefix(back));
  EXPECT_GE(back.size(), at[2].size());
  EXPECT_LT(back.size(), at[3].size());
  for (const trace::HeapSample& h : back) EXPECT_LE(h.events, pos[2]);
  for (int i = 3; i < 6; i++) {
    lab::Reply r = lab.exec("step 30 --json");
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(static_cast<uint64_t>((*testjson::parse(r.json))["position"].number), pos[i]);
    EXPECT_EQ(lab.session()->heapSamples().size(), at[i].size()) << "step " << i;
    EXPECT_TRUE(isPrefix(lab.session()->heapSamples())) << "step " << i;
  }
}

// The Chrome exporter: a "Heap" counter (pid 1, Go's Allocated and
// NextGC) per change of either value, at the sample's time.
TEST(HeapSeries, ChromeExportHasHeapCounters) {
  std::vector<trace::Event> events(1);
  events[0] = trace::Event{};
  events[0].ts = 5000;
  events[0].type = trace::EvType::Gomaxprocs;
  events[0].a = 1;
  trace::ChromeTraceInfo info{"churn", "sim", 1, 1, false, {}, {}};
  info.heap = {{1000, 8192, 4 << 20, 0}, {2500, 16384, 4 << 20, 0}, {2600, 16384, 4 << 20, 0},
               {3000, 12288, 6 << 20, 1}};
  const std::string json = trace::chromeTraceJson(events, info);
  auto doc = testjson::parse(json);
  ASSERT_TRUE(doc.has_value()) << json;
  std::vector<const testjson::Value*> heap;
  for (const auto& e : (*doc)["traceEvents"].array)
    if (e["name"].str == "Heap") heap.push_back(&e);
  ASSERT_EQ(heap.size(), 3u) << "one counter per change: " << json;
  const double want[3][3] = {{1.0, 8192, 4 << 20}, {2.5, 16384, 4 << 20}, {3.0, 12288, 6 << 20}};
  for (size_t i = 0; i < heap.size(); i++) {
    EXPECT_EQ((*heap[i])["ph"].str, "C");
    EXPECT_EQ((*heap[i])["pid"].number, 1);
    EXPECT_EQ((*heap[i])["ts"].number, want[i][0]);
    EXPECT_EQ((*heap[i])["args"]["Allocated"].number, want[i][1]);
    EXPECT_EQ((*heap[i])["args"]["NextGC"].number, want[i][2]);
  }
}

// The CLI's --trace file carries the run's series: a churn run's JSON has
// Heap counters, through at least one collection (the heap falls).
TEST(HeapSeries, TraceFileOfAGcRunHasTheHeapRow) {
  lab::Lab lab(testhost::fixed(2));
  const std::string path = ::testing::TempDir() + "heap_series_churn.json";
  lab::Reply r = lab.exec("run churn --engine sim --procs 2 --seed 1 --trace " + path);
  ASSERT_TRUE(r.ok) << r.text;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::string json;
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) json.append(buf, n);
  std::fclose(f);
  std::remove(path.c_str());
  auto doc = testjson::parse(json);
  ASSERT_TRUE(doc.has_value());
  double prev = -1, maxLive = 0;
  bool fell = false;
  size_t n = 0;
  for (const auto& e : (*doc)["traceEvents"].array) {
    if (e["name"].str != "Heap") continue;
    n++;
    const double live = e["args"]["Allocated"].number;
    if (prev >= 0 && live < prev) fell = true;
    prev = live;
    maxLive = std::max(maxLive, live);
    EXPECT_GT(e["args"]["NextGC"].number, 0);
  }
  EXPECT_GT(n, 10u);
  EXPECT_TRUE(fell) << "a collection should shrink heapLive";
}

}  // namespace
}  // namespace rt::gc
