// Running one goroutine program on either engine, for tests that must hold
// on both: real threads (the platform the runtime makes by default) and the
// simulator (virtual time, one seed).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "platform/sim/sim_platform.hpp"
#include "sched/runtime.hpp"
#include "support/scale.hpp"

namespace rt::testing {

enum class Engine { Real, Sim };

struct EngineRun {
  RunResult rr;
  std::string dump;  // the goroutines as the run ended (Go's traceback headers)
};

inline EngineRun runOn(Engine engine, Goroutine main, int procs = 2, uint64_t seed = 1) {
  Runtime::Config cfg;
  cfg.gomaxprocs = procs;
  cfg.seed = seed;
  std::unique_ptr<Platform> platform;
  if (engine == Engine::Sim) platform = std::make_unique<SimPlatform>(seed);
  Runtime runtime(cfg, std::move(platform));
  EngineRun out;
  out.rr = runtime.run(std::move(main));
  out.dump = runtime.goroutineDump();
  return out;
}

// The engines this build has: the single-threaded wasm build has no OS
// threads, so only the simulator (the real engine's runs would not start).
inline std::vector<Engine> availableEngines() {
  if (!testscale::kThreads) return {Engine::Sim};
  return {Engine::Real, Engine::Sim};
}

inline std::string engineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::Real ? "Real" : "Sim";
}

}  // namespace rt::testing
