// The write barriers, one interleaving at a time.
//
// The classic lost-object pattern, driven by hand during a mark with no
// background workers: object B is already black, object A is grey (queued,
// not scanned) and holds the only pointer to C. The goroutine (whose stack
// is already black) then
//     tmp := A.f      // C now also on the stack
//     A.f = nil       // the only heap pointer to C is gone
//     B.f = tmp       // C hidden behind a black object
//     tmp = nil
// Without a barrier C stays white though B reaches it. Hybrid, Dijkstra and
// Yuasa each save it (Dijkstra by shading tmp at the store into B, Yuasa by
// shading C when A.f is overwritten).
#include <gtest/gtest.h>

#include "gc_harness.hpp"
#include "sched/api.hpp"
#include "sched/m.hpp"

namespace rt::gc {
namespace {

const Type kBox("box", 1, {0});

struct Outcome {
  uint64_t lost = 0;
  std::string report;
  bool cMarked = false;
};

Outcome runPattern(BarrierKind b, bool stackRoundTrip) {
  GcConfig cfg;
  cfg.barrier = b;
  cfg.backgroundWorkers = false;
  cfg.verifyEachCycle = true;
  cfg.recordStores = true;
  Outcome o;
  auto r = testing::runWithGc(true, 1, 1, cfg, [&](Collector* c) -> Goroutine {
    Frame<1> tmp;
    setGlobal(0, co_await New(&kBox));  // A
    setGlobal(1, co_await New(&kBox));  // B
    store(global(0), 0, co_await New(&kBox));  // A.f = C
    co_await StartCycle{};
    PerP& pp = c->perP(getm()->p);
    // B black: marked and scanned, never queued.
    mem::mspan* s;
    uintptr idx;
    uintptr bb = reinterpret_cast<uintptr>(global(1));
    findObject(&c->heap, bb, &s, &idx);
    s->gcmarkBits->tryMark(idx);
    c->scanobject(bb, pp, MarkedBy::Worker);
    // The mutator moves the only pointer to C heap -> stack -> heap.
    tmp.set(0, load(global(0), 0));
    store(global(0), 0, nullptr);
    if (stackRoundTrip) co_await rt::Gosched();  // a safe point with C only on the stack
    store(global(1), 0, tmp.get(0));
    tmp.set(0, nullptr);
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(r.history.size(), 1u);
  if (!r.history.empty()) o.lost = r.history[0].lost;
  o.report = r.lastVerify;
  return o;
}

TEST(Barrier, HybridLosesNothingMovingThePointerThroughTheStack) {
  for (bool trip : {false, true}) {
    Outcome o = runPattern(BarrierKind::Hybrid, trip);
    EXPECT_EQ(o.lost, 0u) << o.report;
  }
}

TEST(Barrier, DijkstraAndYuasaEachSaveThisPattern) {
  for (BarrierKind b : {BarrierKind::Dijkstra, BarrierKind::Yuasa}) {
    Outcome o = runPattern(b, true);
    EXPECT_EQ(o.lost, 0u) << barrierName(b) << "\n" << o.report;
  }
}

TEST(Barrier, WithoutABarrierTheVerifierFindsTheLostObject) {
  Outcome o = runPattern(BarrierKind::None, true);
  EXPECT_EQ(o.lost, 1u);
  // The report names the object, the path to it and the stores that hid it.
  EXPECT_NE(o.report.find("verify: lost object"), std::string::npos) << o.report;
  EXPECT_NE(o.report.find("reached by: global[1] -> "), std::string::npos) << o.report;
  EXPECT_NE(o.report.find("(deleted the pointer to it)"), std::string::npos) << o.report;
  EXPECT_NE(o.report.find("(into an already marked object)"), std::string::npos) << o.report;
}

}  // namespace
}  // namespace rt::gc
