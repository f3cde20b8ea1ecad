// The cycle's accounting and pacing as Go does it: pauses (work.pauseNS),
// the gctrace CPU % (work.totaltime), the assist ratio revised during the
// mark (gcControllerState.revise), and an exiting goroutine's assist credit
// (gdestroy).
#include <gtest/gtest.h>

#include "gc_harness.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"
#include "support/wait.hpp"

namespace rt::gc {
namespace {

using testing::GcRun;
using testing::runWithGc;

using testing::buildTree;
using testing::churner;
using testing::kTreeNode;

// Long-lived trees and goroutines that allocate garbage: cycles with real
// marks (and gcMarkDone restarts).
auto treesAndChurn(int procs, int rounds) {
  return [procs, rounds](Collector*) -> Goroutine {
    for (uint32_t i = 0; i < 4; i++) setGlobal(i, co_await buildTree(13));
    rt::WaitGroup wg;
    wg.Add(procs);
    for (int i = 0; i < procs; i++) rt::go(churner(rounds, &wg), "main.churner");
    co_await wg.Wait();
  };
}

// Go: work.pauseStart / work.pauseNS / memstats.pause_ns — a cycle's pause
// is the sum of its stop-the-worlds, each from the moment the world is
// asked to stop to its restart, gcMarkDone's restarts included. The trace's
// STWStart/STWDone events time the same stop-the-worlds independently.
TEST(GcPacing, ACyclesPauseIsTheSumOfItsStopTheWorlds) {
  GcConfig c;
  c.verifyEachCycle = true;
  GcRun r = runWithGc(true, 2, 4, c, treesAndChurn(2, 5000), /*traced=*/true);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  ASSERT_GE(r.history.size(), 3u);
  // Per cycle: each GC sweep-termination stop-the-world opens a cycle; the
  // mark-termination ones (gcMarkDone's restarts and the last) follow it.
  std::vector<int64_t> stw;
  int64_t started = -1;
  for (const trace::Event& e : r.events) {
    if (e.a != int32_t(trace::StwReason::GCSweepTerm) && e.a != int32_t(trace::StwReason::GCMarkTerm)) continue;
    if (e.type == trace::EvType::STWStart) {
      if (e.a == int32_t(trace::StwReason::GCSweepTerm)) stw.push_back(0);
      started = e.ts;
    } else if (e.type == trace::EvType::STWDone && started >= 0 && !stw.empty()) {
      stw.back() += e.ts - started;
      started = -1;
    }
  }
  ASSERT_EQ(stw.size(), r.history.size());
  uint32_t restarts = 0;
  for (size_t i = 0; i < r.history.size(); i++) {
    const CycleStats& cs = r.history[i];
    SCOPED_TRACE("gc " + std::to_string(cs.numgc));
    EXPECT_EQ(r.ms.PauseNs[i], uint64_t(cs.pauseNs));
    // The collector measures a pause before the world restarts, as Go
    // does (work.tEnd is read before startTheWorldWithSema); what the
    // simulator charges for the runtime operations of the pause itself
    // (starting the workers, readying the waiters) comes after, a few tens
    // of ns. Without the wait for the world to stop, or without gcMarkDone's
    // restarts, the pause would miss microseconds.
    EXPECT_LE(cs.pauseNs, stw[i]);
    EXPECT_LE(stw[i] - cs.pauseNs, stw[i] / 100);
    // The first and the last pause are the gctrace clock's ends.
    EXPECT_EQ(cs.pauseNs - cs.pauseSweepTermNs - cs.pauseMarkTermNs > 0, cs.markDoneRestarts > 0);
    restarts += cs.markDoneRestarts;
  }
  EXPECT_GT(restarts, 0u) << "no gcMarkDone restart: the test checks less than it should";
}

// Go: gcMarkTermination's work.totaltime leaves idle marking out of the
// gctrace % ("it's free"). With 4 Ps and one goroutine that mostly waits
// for runtime.GC(), 3 Ps mark when idle.
TEST(GcPacing, GctracePercentLeavesIdleMarkingOut) {
  GcConfig c;
  c.gctrace = true;
  GcRun r = runWithGc(true, 4, 5, c, [](Collector*) -> Goroutine {
    for (uint32_t i = 0; i < 4; i++) setGlobal(i, co_await buildTree(13));
    for (int i = 0; i < 4; i++) co_await GC();
  });
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  ASSERT_GE(r.history.size(), 2u);
  int64_t total = 0, idle = 0;
  bool differs = false;
  for (const CycleStats& cs : r.history) {
    SCOPED_TRACE(cs.gctrace);
    total += cs.procs * (cs.tMark - cs.tSweepTerm) + cs.assistTimeNs + cs.dedicatedTimeNs + cs.fractionalTimeNs +
             cs.procs * (cs.tEnd - cs.tMarkTerm);
    idle += cs.idleTimeNs;
    const double cpu = double(cs.tEnd - r.starttime) * cs.procs;
    const int want = int(double(total) / cpu * 100);
    EXPECT_EQ(cs.gctrace.find(" " + std::to_string(want) + "%: "), cs.gctrace.find("s ") + 1);
    differs = differs || int(double(total + idle) / cpu * 100) != want;
  }
  EXPECT_GT(idle, 0) << "no idle marking: the test checks nothing";
  EXPECT_TRUE(differs) << "idle marking too small to change the %: the test checks nothing";
}

// Go: gcControllerState.update -> revise on every heapLive change while
// marking: the assist ratio follows the scan work done and the heap left
// before the goal, within one mark. Background workers are off, so the
// mark stays open and only this goroutine's assists advance it.
TEST(GcPacing, AssistRatioIsRevisedDuringTheMark) {
  GcConfig c;
  std::vector<double> ratios;
  bool formulaHolds = true;
  GcRun r = runWithGc(true, 1, 6, c, [&](Collector* col) -> Goroutine {
    for (uint32_t i = 0; i < 4; i++) setGlobal(i, co_await buildTree(13));
    co_await GC();  // the pacer learns the heap's scan work
    col->cfg.backgroundWorkers = false;
    co_await StartCycle{col, false};
    const uint32_t cycle = col->work.cycles;
    for (int i = 0; i < 200 && col->gcphase.load() == GCPhase::Mark && col->work.cycles == cycle; i++) {
      // Allocate until heapLive moves (an mcache took a new span): revise
      // ran then, with the state as it is now.
      const uint64_t live0 = col->heap.stats.heapLive.load();
      while (col->heap.stats.heapLive.load() == live0) co_await New(&kTreeNode);
      const double ratio = col->gcController.assistWorkPerByte.load();
      if (ratios.empty() || ratio != ratios.back()) ratios.push_back(ratio);
      // What revise computes from the state right now (before the goal,
      // less work done than expected: the steady-state branch).
      const gcControllerState& g = col->gcController;
      const int64_t done = col->work.heapScanWork.load() + col->work.stackScanWork.load() +
                           col->work.globalsScanWork.load();
      const int64_t expected = int64_t(g.lastHeapScan + g.lastStackScan + g.globalsScan);
      const int64_t live = int64_t(col->heap.stats.heapLive.load());
      const int64_t goal = int64_t(g.heapGoal());
      if (done < expected - 1000 && live < goal)
        formulaHolds = formulaHolds && std::abs(ratio - double(expected - done) / double(goal - live)) < 1e-9;
    }
    co_await EndMark{col};
  });
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_GE(ratios.size(), 3u) << "the ratio never moved during the mark";
  EXPECT_TRUE(formulaHolds);
}

// Go: gdestroy — "Flush assist credit to the global pool": a goroutine
// that over-assisted and exits while the mark runs leaves its credit,
// converted back to scan work, in bgScanCredit.
TEST(GcPacing, AnExitingGoroutinesAssistCreditBecomesBackgroundCredit) {
  GcConfig c;
  int64_t credit = 0, before = 0, after = 0;
  double ratio = 0;
  bool exited = false;
  GcRun r = runWithGc(true, 1, 7, c, [&](Collector* col) -> Goroutine {
    for (uint32_t i = 0; i < 4; i++) setGlobal(i, co_await buildTree(13));
    co_await GC();
    col->cfg.backgroundWorkers = false;  // nobody else moves bgScanCredit
    co_await StartCycle{col, false};
    auto assistThenExit = [](Collector* gc, int64_t* creditOut, int64_t* beforeOut) -> Goroutine {
      co_await New(&kTreeNode);  // in debt at once: assists gcOverAssistWork, keeps the rest as credit
      *creditOut = getg()->gcAssistBytes;
      *beforeOut = gc->work.bgScanCredit.load();
    };
    rt::go(assistThenExit(col, &credit, &before), "main.assistThenExit");
    // Until it has exited: on the simulator goexit0 marks it dead and
    // flushes its credit in one step, so once NumGoroutine no longer counts
    // it, its credit is in.
    exited = co_await testwait::goschedUntil([] { return rt::NumGoroutine() == 1; });
    after = col->work.bgScanCredit.load();
    ratio = col->gcController.assistWorkPerByte.load();
    co_await EndMark{col};
  });
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  ASSERT_TRUE(exited) << "the goroutine had not exited after " << testwait::kWaitLimit.count() << " s";
  ASSERT_GT(credit, 0) << "the goroutine had no credit to leave";
  EXPECT_EQ(after - before, int64_t(ratio * double(credit)));
}

}  // namespace
}  // namespace rt::gc
