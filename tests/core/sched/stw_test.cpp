// Stop-the-world and the goroutines it preempts (Go: runtime/proc.go
// stopTheWorldWithSema, goschedImpl).
//
// A goroutine that the world's stopping preempts keeps its turn: Go puts it
// in its P's runnext ("If preempted for STW, keep the G on the local P in
// runnext so it can keep running immediately after the STW", goschedImpl
// since Go 1.22), so when the world restarts the P runs it first, before
// the Gs that were queued behind it. The test reads that off the trace of
// many stop-the-worlds on the simulator, over several seeds.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "platform/sim/sim_platform.hpp"
#include "sched/api.hpp"
#include "sched/gstatus.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"
#include "trace/tracer.hpp"

namespace rt {
namespace {

constexpr int64_t kUs = 1000;
constexpr int kProcs = 3;

// Workers that compute in bursts, more of them than Ps so every P has a
// queue, and a main goroutine that stops the world again and again: it
// sets GOMAXPROCS to procs+1 and back (setting the value it already has
// does not stop the world). Ps 0..procs-1 live through every stop.
Goroutine worker(int rounds) {
  for (int i = 0; i < rounds; i++) co_await cpu(150 * kUs);
}

Goroutine stopper(int procs, int workers, int stops) {
  for (int i = 0; i < workers; i++) go(worker(40));
  for (int i = 0; i < stops; i++) {
    // The workers compute meanwhile, so each stop lands in the middle of
    // their bursts (the spacing of the stops, not a wait for anything).
    co_await Sleep{400 * kUs};
    co_await GOMAXPROCS(i % 2 == 0 ? procs + 1 : procs);
  }
}

std::vector<trace::Event> runStops(uint64_t seed, int procs) {
  Runtime::Config cfg;
  cfg.gomaxprocs = procs;
  cfg.seed = seed;
  trace::Tracer tracer(4'000'000, /*inOrder=*/true);
  {
    Runtime runtime(cfg, std::make_unique<SimPlatform>(seed));
    runtime.tracer = &tracer;
    RunResult rr = runtime.run(stopper(procs, 4 * procs, 12));
    EXPECT_EQ(rr.status, RunStatus::Ok) << rr.fatal;
  }
  EXPECT_FALSE(tracer.truncated());
  return tracer.collect();
}

bool leavesRunning(const trace::Event& e) {
  return e.type == trace::EvType::GoStatus && e.from == uint8_t(Gstatus::Running);
}
bool startsRunning(const trace::Event& e) {
  return e.type == trace::EvType::GoStatus && e.to == uint8_t(Gstatus::Running);
}

TEST(StopTheWorld, APreemptedGoroutineRunsFirstOnItsPWhenTheWorldRestarts) {
  int checked = 0;
  for (uint64_t seed = 1; seed <= 6; seed++) {
    const std::vector<trace::Event> events = runStops(seed, kProcs);
    // Per stop-the-world: which G each P was made to give up while the
    // world stopped (a preemption, not a block or an exit).
    std::map<int, uint64_t> preempted;  // P -> G
    bool stopping = false, restarted = false;
    for (const trace::Event& e : events) {
      if (e.type == trace::EvType::STWStart) {
        stopping = true;
        restarted = false;
        preempted.clear();
      } else if (e.type == trace::EvType::STWDone) {
        stopping = false;
        restarted = true;
      } else if (stopping && leavesRunning(e) &&
                 (e.b == int32_t(trace::GoReason::Preempt) || e.b == int32_t(trace::GoReason::AsyncPreempt))) {
        preempted[e.p] = e.g;
      } else if (restarted && startsRunning(e) && e.p < kProcs) {
        auto it = preempted.find(e.p);
        if (it == preempted.end()) continue;
        EXPECT_EQ(e.g, it->second) << "seed " << seed << ": after the stop-the-world ending before " << e.ts
                                   << " ns, P" << e.p << " ran G" << e.g << " instead of G" << it->second
                                   << ", which the stop preempted";
        preempted.erase(it);
        checked++;
      }
    }
  }
  // The workload must really have preempted goroutines for the world to stop.
  EXPECT_GT(checked, 20);
}

// GOMAXPROCS(n) is what the scheduler then does, not only the value it
// reads back: after each change, goroutines run on exactly Ps 0..n-1 (the
// dropped Ps run nothing; Go: procresize), and the change stopped the world.
Goroutine busy(int64_t ns, WaitGroup* wg) {
  co_await cpu(ns);
  wg->Done();
}

Goroutine resizer(const std::vector<int>* sizes) {
  for (int n : *sizes) {
    co_await GOMAXPROCS(n);
    // More work than Ps, each piece long enough that every P gets some; all
    // of it done before the next change.
    WaitGroup wg;
    wg.Add(3 * n);
    for (int i = 0; i < 3 * n; i++) go(busy(300 * kUs, &wg));
    co_await wg.Wait();
  }
}

TEST(StopTheWorld, GomaxprocsDecidesWhichPsRunGoroutines) {
  const std::vector<int> sizes{3, 1, 4, 2, 5};
  Runtime::Config cfg;
  cfg.gomaxprocs = 2;
  cfg.seed = 9;
  trace::Tracer tracer(4'000'000, /*inOrder=*/true);
  {
    Runtime runtime(cfg, std::make_unique<SimPlatform>(9));
    runtime.tracer = &tracer;
    RunResult rr = runtime.run(resizer(&sizes));
    ASSERT_EQ(rr.status, RunStatus::Ok) << rr.fatal;
  }
  // Per change: the Ps goroutines started running on until the next one.
  std::vector<int> changes;
  std::vector<std::set<int>> ran;
  int stops = 0;
  for (const trace::Event& e : tracer.collect()) {
    if (e.type == trace::EvType::STWStart && e.a == int32_t(trace::StwReason::Gomaxprocs)) stops++;
    if (e.type == trace::EvType::Gomaxprocs) {
      changes.push_back(e.a);
      ran.emplace_back();
    } else if (startsRunning(e) && !ran.empty()) {
      ran.back().insert(e.p);
    }
  }
  // The first change (2 -> 3) and the ones after; each stopped the world.
  ASSERT_EQ(changes, sizes);
  EXPECT_EQ(stops, int(sizes.size()));
  for (size_t i = 0; i < sizes.size(); i++) {
    std::set<int> all;
    for (int p = 0; p < sizes[i]; p++) all.insert(p);
    EXPECT_EQ(ran[i], all) << "after GOMAXPROCS(" << sizes[i] << ")";
  }
}

}  // namespace
}  // namespace rt
