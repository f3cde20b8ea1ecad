// gc_bench: the lab's collector on the heap shapes bench/compare.mjs
// compares with Go (bench/go/gcbench) and Boehm GC (boehm_bench.cpp).
//
//   gc_bench tree D [reps] [M] a binary tree of depth D, collected `reps` times
//   gc_bench list N [reps] [M] a linked list of N nodes, collected `reps` times;
//                              M is the marker: concurrent (the default, as
//                              Go's) or stw (the whole mark in the pause, as
//                              Go's GODEBUG=gcstoptheworld=1 and Boehm GC)
//   gc_bench pauses [seconds]  a 64 MB live heap under churn: every cycle's
//                              pause, one total per cycle as Go's PauseNs
//   gc_bench alloc N           N 32 B allocations (noscan, dropped at once) at
//                              GOGC=100: the allocator and the collector that
//                              reclaims for it, sweep included, as Go's new
//   gc_bench barrier [--mark]  pointer stores overwriting existing pointers,
//                              with no mark (the barrier off) or during a mark:
//                              a store-only loop, the barrier's worst case
//   gc_bench mutator B         a pointer-store-heavy mutator (building binary
//                              trees: an allocation and two pointer stores per
//                              node) while a mark is open, with barrier B
//                              (hybrid or none), or with no mark (nomark)
//
// Each prints one JSON line. A full collection (runtime.GC: mark and sweep)
// of the same object graph is what the three collectors are timed on; run
// with GOMAXPROCS=1 the wall time is the CPU time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "gc/api.hpp"
#include "gc/collector.hpp"
#include "sched/api.hpp"
#include "sched/runtime.hpp"

namespace {

using namespace rt::gc;

// type node struct { left, right *node } — Go's and Boehm's are 16 bytes.
const Type kTreeNode("node", 2, {0, 1});
// type elem struct { next *elem; value int }
const Type kListNode("elem", 2, {0});
// type item struct { payload [4]int; next *item } — the churned objects.
const Type kItem("item", 5, {4});

int envProcs() {
  const char* s = std::getenv("GOMAXPROCS");
  int n = s ? std::atoi(s) : 1;
  return n > 0 ? n : 1;
}

int64_t median(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Go: bottomUpTree, into frame slot 0 of `out`.
rt::Task<> tree(int depth, Frame<1>* out) {
  Frame<1> n;
  n.set(0, co_await New(&kTreeNode));
  if (depth > 0) {
    Frame<1> child;
    co_await tree(depth - 1, &child);
    store(n.get(0), 0, child.get(0));
    co_await tree(depth - 1, &child);
    store(n.get(0), 1, child.get(0));
  }
  out->set(0, n.get(0));
  co_return;
}

struct Result {
  std::string json;
};

rt::Goroutine collectMain(std::string shape, int64_t size, int reps, Result* out) {
  Frame<1> root;
  int64_t objects = 0;
  if (shape == "tree") {
    co_await tree(int(size), &root);
    objects = (int64_t(1) << (size + 1)) - 1;
  } else {
    Frame<1> n;
    for (int64_t i = 0; i < size; i++) {
      n.set(0, co_await New(&kListNode));
      store(n.get(0), 0, root.get(0));
      root.set(0, n.get(0));
    }
    objects = size;
  }
  Collector* c = Collector::current();
  std::vector<int64_t> times;
  co_await GC();  // settle: sweep what building left
  for (int i = 0; i < reps; i++) {
    const int64_t t0 = rt::nanotime();
    co_await GC();
    times.push_back(rt::nanotime() - t0);
  }
  uint64_t live = 0;
  {
    std::lock_guard<std::mutex> g(c->statsLock);
    live = c->history.back().heap2;
  }
  const int64_t ns = median(times);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"shape\":\"%s\",\"size\":%lld,\"objects\":%lld,\"liveBytes\":%llu,\"headerBytes\":%llu,"
                "\"nsPerGC\":%lld,\"mbPerMs\":%.3f,\"reps\":%d}",
                shape.c_str(), (long long)size, (long long)objects, (unsigned long long)live,
                // Every node has pointers, so every node carries the lab's one-word type
                // header (gc/object.hpp): bytes Go's and Boehm's nodes do not have.
                (unsigned long long)(objects * int64_t(kHeaderSize)), (long long)ns,
                ns > 0 ? double(live) / 1e6 / (double(ns) / 1e6) : 0.0, reps);
  out->json = buf;
  co_return;
}

// A 64 MB live heap: a table of items, each replaced over and over.
rt::Goroutine pausesMain(double seconds, Result* out) {
  constexpr uint32_t kTable = 1 << 16;  // pointer words per table
  static const Type kTableT("table", kTable, [] {
    std::vector<uint32_t> v;
    for (uint32_t i = 0; i < kTable; i++) v.push_back(i);
    return v;
  }());
  constexpr int kTables = 24;  // 24 * 64 Ki items of 48 B ≈ 75 MB live with the tables
  Frame<kTables> tables;
  for (int t = 0; t < kTables; t++) {
    tables.set(uint32_t(t), co_await New(&kTableT));
    for (uint32_t i = 0; i < kTable; i++) store(tables.get(uint32_t(t)), i, co_await New(&kItem));
  }
  Collector* c = Collector::current();
  co_await GC();
  const uint32_t firstCycle = c->numGC.load();
  uint64_t x = 88172645463325252ull;
  const int64_t end = rt::nanotime() + int64_t(seconds * 1e9);
  int64_t replaced = 0;
  while (rt::nanotime() < end) {
    for (int k = 0; k < 1024; k++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      store(tables.get(uint32_t(x % kTables)), uint32_t((x >> 8) % kTable), co_await New(&kItem));
    }
    replaced += 1024;
  }
  // One total per cycle, as Go's MemStats.PauseNs: every stop-the-world of
  // the cycle (sweep termination, mark termination, gcMarkDone's restarts),
  // each from the stop request to the restart (Go: work.pauseNS).
  std::vector<int64_t> pauses;
  {
    std::lock_guard<std::mutex> g(c->statsLock);
    for (const CycleStats& cs : c->history)
      if (cs.numgc > firstCycle) pauses.push_back(cs.pauseNs);
  }
  // The live heap, for compare.mjs's same-work check: what a full cycle
  // with nothing allocating marks (as Go's HeapAlloc after runtime.GC()).
  co_await GC();
  uint64_t live = 0;
  {
    std::lock_guard<std::mutex> g(c->statsLock);
    live = c->history.back().heap2;
  }
  std::sort(pauses.begin(), pauses.end());
  const int64_t p99 = pauses.empty() ? 0 : pauses[std::min(pauses.size() - 1, pauses.size() * 99 / 100)];
  const int64_t maxp = pauses.empty() ? 0 : pauses.back();
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"cycles\":%zu,\"pauses\":%zu,\"p99PauseNs\":%lld,\"maxPauseNs\":%lld,\"liveBytes\":%llu,"
                "\"replaced\":%lld}",
                pauses.size(), pauses.size(), (long long)p99, (long long)maxp, (unsigned long long)live,
                (long long)replaced);
  out->json = buf;
  co_return;
}

// type [32]byte: 4 words, no pointers (Go's new([32]byte) is noscan too).
const Type kBytes32("[32]uint8", 4, {});

// Go: `sink = new([32]byte)` n times; the collector runs as the heap grows.
rt::Goroutine allocMain(int64_t n, Result* out) {
  Collector* c = Collector::current();
  const uint32_t before = c->numGC.load();
  const int64_t t0 = rt::nanotime();
  for (int64_t i = 0; i < n; i++) (void)co_await New(&kBytes32);
  const int64_t ns = rt::nanotime() - t0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "{\"allocs\":%lld,\"size\":32,\"cycles\":%u,\"nsPerOp\":%.3f}", (long long)n,
                c->numGC.load() - before, double(ns) / double(n));
  out->json = buf;
  co_return;
}

// Pointer stores: a ring of objects whose pointer fields are rewritten.
rt::Goroutine barrierMain(bool duringMark, Result* out) {
  constexpr uint32_t kN = 4096;
  static const Type kArr("objs", kN, [] {
    std::vector<uint32_t> v;
    for (uint32_t i = 0; i < kN; i++) v.push_back(i);
    return v;
  }());
  Frame<1> arr;
  arr.set(0, co_await New(&kArr));
  for (uint32_t i = 0; i < kN; i++) store(arr.get(0), i, co_await New(&kItem));
  if (duringMark) co_await StartCycle{};  // no background workers: the mark stays open
  Obj a = arr.get(0);
  std::vector<Obj> objs(kN);
  for (uint32_t i = 0; i < kN; i++) objs[i] = load(a, i);
  constexpr int64_t kStores = 50'000'000;
  const int64_t t0 = rt::nanotime();
  uint32_t j = 1;
  for (int64_t i = 0; i < kStores; i++) {
    j = j * 1664525u + 1013904223u;
    // item.next = another item: a heap pointer store, through the barrier.
    store(objs[j % kN], 4, objs[(j >> 12) % kN]);
  }
  const int64_t ns = rt::nanotime() - t0;
  char buf[256];
  std::snprintf(buf, sizeof buf, "{\"duringMark\":%s,\"stores\":%lld,\"nsPerStore\":%.3f}",
                duringMark ? "true" : "false", (long long)kStores, double(ns) / double(kStores));
  out->json = buf;
  if (duringMark) co_await EndMark{};
  co_return;
}

// Trees of depth 12, built over and over while a mark stays open (no
// background workers), so the only difference between runs is the barrier;
// or with no mark at all (the barrier off, allocation white), the baseline.
rt::Goroutine mutatorMain(bool mark, Result* out) {
  if (mark) co_await StartCycle{};
  Frame<1> t;
  constexpr int kDepth = 12, kTrees = 400;
  const int64_t t0 = rt::nanotime();
  for (int i = 0; i < kTrees; i++) co_await tree(kDepth, &t);
  const int64_t ns = rt::nanotime() - t0;
  const int64_t nodes = int64_t(kTrees) * ((int64_t(1) << (kDepth + 1)) - 1);
  Collector* c = Collector::current();
  char buf[256];
  std::snprintf(buf, sizeof buf, "{\"barrier\":\"%s\",\"mark\":%s,\"nodes\":%lld,\"nsPerNode\":%.3f}",
                barrierName(c->cfg.barrier), mark ? "true" : "false", (long long)nodes, double(ns) / double(nodes));
  out->json = buf;
  if (mark) co_await EndMark{};
  co_return;
}

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  std::string mode = argc > 1 ? argv[1] : "";
  rt::Runtime::Config cfg;
  cfg.gomaxprocs = envProcs();
  GcConfig gcfg;
  Result result;
  rt::Runtime runtime(cfg);
  if ((mode == "tree" || mode == "list") &&
      (argc <= 4 || std::strcmp(argv[4], "concurrent") == 0 || std::strcmp(argv[4], "stw") == 0)) {
    // stw: the whole mark inside the pause, as Go's gcstoptheworld=1.
    gcfg.marker = argc > 4 && std::strcmp(argv[4], "stw") == 0 ? Marker::STW : Marker::Concurrent;
    gcfg.gogc = -1;  // only the explicit collections
    Collector col(&runtime, gcfg);
    const int64_t size = argc > 2 ? std::atoll(argv[2]) : (mode == "tree" ? 20 : 4'000'000);
    const int reps = argc > 3 ? std::atoi(argv[3]) : 5;
    runtime.run(collectMain(mode, size, reps, &result));
  } else if (mode == "pauses") {
    Collector col(&runtime, gcfg);
    runtime.run(pausesMain(argc > 2 ? std::atof(argv[2]) : 3.0, &result));
  } else if (mode == "alloc") {
    Collector col(&runtime, gcfg);  // GOGC=100, background workers: Go's defaults
    runtime.run(allocMain(argc > 2 ? std::atoll(argv[2]) : 30'000'000, &result));
  } else if (mode == "barrier") {
    gcfg.backgroundWorkers = false;
    gcfg.gogc = -1;
    Collector col(&runtime, gcfg);
    runtime.run(barrierMain(argc > 2 && std::strcmp(argv[2], "--mark") == 0, &result));
  } else if (mode == "mutator" && argc > 2 &&
             (std::strcmp(argv[2], "nomark") == 0 || parseBarrier(argv[2], &gcfg.barrier))) {
    gcfg.backgroundWorkers = false;
    gcfg.gogc = -1;
    Collector col(&runtime, gcfg);
    runtime.run(mutatorMain(std::strcmp(argv[2], "nomark") != 0, &result));
  } else {
    std::fprintf(stderr,
                 "usage: gc_bench tree D [reps] [concurrent|stw] | list N [reps] [concurrent|stw] | pauses [seconds] | "
                 "alloc N | barrier [--mark] | mutator hybrid|none|nomark\n");
    return 2;
  }
  // Every line carries the whole run's wall time too (compare.mjs's json-process runner wants it).
  const long long wallNs =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  if (!result.json.empty() && result.json.back() == '}') result.json.pop_back();
  std::printf("%s,\"wallNs\":%lld}\n", result.json.c_str(), wallNs);
  return 0;
}
