// The background mark workers' share of the CPU (Go: gcBackgroundUtilization,
// 25% of GOMAXPROCS), measured on the simulator.
#include <gtest/gtest.h>

#include "gc_harness.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"
#include "support/scale.hpp"

namespace rt::gc {
namespace {

using testing::GcRun;
using testing::runWithGc;

using testing::buildTree;
using testing::churner;
using testing::kTreeNode;

// A marking-heavy program on `procs` Ps: 8 long-lived trees of 2^14 nodes
// each (several ms of scan work per cycle) held by globals, and one
// allocating goroutine per P.
GcRun markHeavy(int procs) {
  GcConfig c;
  // The verifier re-marks the whole heap after each cycle: under a
  // sanitizer that doubles an already slow run, so it checks only natively.
  c.verifyEachCycle = !testscale::kSanitized;
  return runWithGc(true, procs, 3, c, [procs](Collector*) -> Goroutine {
    for (uint32_t i = 0; i < 8; i++) setGlobal(i, co_await buildTree(14));
    rt::WaitGroup wg;
    wg.Add(procs);
    for (int i = 0; i < procs; i++) rt::go(churner(4000, &wg), "main.churner");
    co_await wg.Wait();
  });
}

// Go: gcControllerState.startCycle's split (dedicated workers and a per-P
// fractional goal), findRunnableGCWorker and pollFractionalWorkerExit: the
// background workers (dedicated + fractional, idle marking left out) use
// 25% of GOMAXPROCS over the mark, whether that is a whole number of Ps or
// not.
TEST(GcWorkers, BackgroundMarkUsesAQuarterOfGomaxprocs) {
  for (int procs : {2, 3, 4, 6}) {
    SCOPED_TRACE(std::to_string(procs) + " Ps");
    GcRun r = markHeavy(procs);
    ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
    int64_t background = 0, wall = 0;
    int cycles = 0;
    for (const CycleStats& cs : r.history) {
      EXPECT_EQ(cs.lost, 0u);
      // Only cycles that found the trees (not the first ones, while they
      // were being built).
      if (cs.heap2 < (2u << 20)) continue;
      background += cs.dedicatedTimeNs + cs.fractionalTimeNs;
      wall += (cs.tMarkTerm - cs.tMark) * procs;
      cycles++;
    }
    ASSERT_GE(cycles, 2) << "the workload did not collect with the trees live";
    // Go's split for procs: d dedicated workers, and a fractional goal f
    // for each P. A fractional worker stops once 20% over f and starts again
    // once back under it (pollFractionalWorkerExit's slack), so its P ends a
    // cycle between f and 1.2 f; a P running a dedicated worker runs no
    // fractional one (at 6 Ps). One fractional worker for all the Ps, the
    // old mistake, would give 0.25 / procs at 2 and 3 Ps.
    const WorkerSplit w = workersFor(procs);
    const double lo = (w.dedicated + (procs - w.dedicated) * w.fractionalUtilizationGoal) / procs;
    const double hi = (w.dedicated + procs * w.fractionalUtilizationGoal * 1.2) / procs;
    const double share = double(background) / double(wall);
    EXPECT_GE(share, lo * 0.95) << cycles << " cycles";
    EXPECT_LE(share, hi * 1.02) << cycles << " cycles";
  }
}

// Go: gcBgMarkWorker's "incnwait == work.nproc && !gcMarkWorkAvailable(nil)":
// a worker that runs out of work ends the mark only when no other worker or
// assist is inside a drain, since a drain holds grey objects in its own
// buffers. Here a goroutine stands for a drain that lasts 2 ms (an oblet on
// cold memory): the mark must not end while it lasts, and must end soon
// after.
TEST(GcWorkers, TheMarkDoesNotEndWhileADrainIsInProgress) {
  GCPhase duringDrain = GCPhase::Off;
  uint32_t cyclesDuringDrain = 0, cyclesAfter = 0;
  GcRun r = runWithGc(true, 2, 5, GcConfig{}, [&](Collector* c) -> Goroutine {
    setGlobal(0, co_await buildTree(10));
    co_await StartCycle{c};
    {
      Collector::DrainingScope drain(c);
      co_await rt::Sleep{2'000'000};
      duringDrain = c->gcphase.load();
      cyclesDuringDrain = c->numGC.load();
    }
    co_await rt::Sleep{1'000'000};
    cyclesAfter = c->numGC.load();
  });
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(duringDrain, GCPhase::Mark);
  EXPECT_EQ(cyclesDuringDrain, 0u);
  EXPECT_EQ(cyclesAfter, 1u);
}

}  // namespace
}  // namespace rt::gc
