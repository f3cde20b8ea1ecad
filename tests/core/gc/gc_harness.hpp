// Running a goroutine program with a garbage collector attached, on either
// engine, for the GC tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gc/api.hpp"
#include "gc/collector.hpp"
#include "platform/sim/sim_platform.hpp"
#include "sched/api.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"
#include "trace/tracer.hpp"
#include "gc/type.hpp"

namespace rt::gc::testing {

struct GcRun {
  RunResult rr;
  std::vector<CycleStats> history;
  std::string output;  // gctrace and friends
  std::string lastVerify;
  std::vector<std::string> lossReports;  // the verifier's first reports that found lost objects
  mem::MemStats ms;
  int64_t starttime = 0;              // Go: runtimeInitTime (the gctrace "@" origin)
  std::vector<trace::Event> events;   // the run's trace, when asked for
  std::vector<trace::HeapSample> heap;  // and its heap counter series
  bool heapTruncated = false;
  TimeHistogramCounts pauses;     // the collector's gcPauseDist at the end
  TimeHistogramCounts timeToRun;  // the scheduler's sched.timeToRun at the end
};

// main(Collector*) returns the goroutine to run as main.main. A traced run
// keeps at most heapSamples heap counter samples (Tracer::setHeapLimit).
template <typename MainFn>
GcRun runWithGc(bool sim, int procs, uint64_t seed, GcConfig gcfg, MainFn main, bool traced = false,
                size_t heapSamples = SIZE_MAX) {
  GcRun out;
  Runtime::Config cfg;
  cfg.gomaxprocs = procs;
  cfg.seed = seed;
  cfg.output = [&out](std::string_view s) { out.output += s; };
  std::unique_ptr<Platform> platform;
  if (sim) platform = std::make_unique<SimPlatform>(seed);
  trace::Tracer tracer(4'000'000, sim);  // outlives the runtime, which hands it its buffers
  if (heapSamples != SIZE_MAX) tracer.setHeapLimit(heapSamples);
  Runtime runtime(cfg, std::move(platform));
  if (traced) runtime.attachTracer(&tracer);
  {
    Collector col(&runtime, gcfg);
    out.rr = runtime.run(main(&col));
    out.history = col.history;
    out.lastVerify = col.lastVerify;
    out.lossReports = col.lossReports;
    col.readMemStats(&out.ms);
    out.pauses = col.pauseDist.snapshot();
  }
  out.timeToRun = runtime.sched.timeToRun.snapshot();
  out.starttime = runtime.starttime;
  if (traced) {
    out.events = tracer.collect();
    out.heap = tracer.heapSamples();
    out.heapTruncated = tracer.heapTruncated();
  }
  return out;
}

// type node struct { left, right *node }
inline const Type kTreeNode("node", 2, {0, 1});

// A complete binary tree of the given depth (2^depth - 1 nodes).
inline Task<Obj> buildTree(int depth) {
  Frame<2> f;
  f.set(0, co_await New(&kTreeNode));
  if (depth > 1) {
    f.set(1, co_await buildTree(depth - 1));
    store(f.get(0), 0, f.get(1));
    f.set(1, co_await buildTree(depth - 1));
    store(f.get(0), 1, f.get(1));
  }
  co_return f.get(0);
}

// Allocates short-lived trees (garbage) with a little computing in between,
// keeping its P busy so that no P is idle and only the 25% marks. It yields
// after each tree, as a goroutine that blocks now and then would, so that
// its P's scheduler runs often (Go's findRunnableGCWorker, like the lab's
// timers, only gets a say when the P schedules).
inline Goroutine churner(int rounds, rt::WaitGroup* wg) {
  for (int i = 0; i < rounds; i++) {
    co_await buildTree(6);
    co_await rt::cpu(20'000);
    co_await rt::Gosched();
  }
  wg->Done();
}

}  // namespace rt::gc::testing
