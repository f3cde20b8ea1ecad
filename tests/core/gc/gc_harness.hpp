// Running a goroutine program with a garbage collector attached, on either
// engine, for the GC tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gc/api.hpp"
#include "gc/collector.hpp"
#include "platform/sim/sim_platform.hpp"
#include "sched/runtime.hpp"

namespace rt::gc::testing {

struct GcRun {
  RunResult rr;
  std::vector<CycleStats> history;
  std::string output;  // gctrace and friends
  std::string lastVerify;
  mem::MemStats ms;
};

// main(Collector*) returns the goroutine to run as main.main.
template <typename MainFn>
GcRun runWithGc(bool sim, int procs, uint64_t seed, GcConfig gcfg, MainFn main) {
  GcRun out;
  Runtime::Config cfg;
  cfg.gomaxprocs = procs;
  cfg.seed = seed;
  cfg.output = [&out](std::string_view s) { out.output += s; };
  std::unique_ptr<Platform> platform;
  if (sim) platform = std::make_unique<SimPlatform>(seed);
  Runtime runtime(cfg, std::move(platform));
  {
    Collector col(&runtime, gcfg);
    out.rr = runtime.run(main(&col));
    out.history = col.history;
    out.lastVerify = col.lastVerify;
    col.readMemStats(&out.ms);
  }
  return out;
}

}  // namespace rt::gc::testing
