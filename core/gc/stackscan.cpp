// Stack scanning: one goroutine at a time, never while it runs.
//
// Lesson. Go scans a goroutine's stack while the rest of the program runs:
// it stops just that goroutine (suspendG), scans, and lets it go. The
// goroutine must not run during the scan, or it could move a pointer the
// scanner has not seen yet into a slot it already passed.
//
// The lab's version of Go's _Gscan bit is G::gcscangen, one word per cycle
// c: 2c-1 while a scan of this stack is in progress, 2c once it is done.
// Two parties race to scan each stack, and a CAS decides:
//   - a mark worker, walking the roots (gcDrain -> tryScanStack);
//   - the goroutine's M, just before it resumes the goroutine
//     (beforeResume): if nobody scanned the stack yet this cycle, the M
//     scans it itself; if a worker is scanning it, the M waits.
// Since every resume after sweep termination passes beforeResume, a
// goroutine that runs during the mark always has a black stack. That is the
// lab's choice, not Go's: in Go a goroutine runs with a grey stack until
// the GC gets to it (suspendG stops it just for the scan). Go's hybrid
// barrier copes with grey stacks by shading ptr on every store: the check
// "is the current stack grey?" of its pseudocode (mbarrier.go) is left out
// because making it cheap and race-free is not worth it (mwbbuf.go
// wbBufFlush1's TODO on skipping the new pointers once the stack is
// shaded; mbarrier.go "Dealing with memory ordering" on why Go's barriers
// are not made conditional on colours at all). The lab's hybrid barrier
// shades both too; its black stacks are what let the Yuasa experiment
// (deletion barrier only) lose nothing.
#include "gc/collector.hpp"
#include "sched/goroutine.hpp"
#include "sched/m.hpp"
#include "sched/p.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

bool Collector::tryScanStack(G* gp, PerP& pp, MarkedBy by) {
  const uint32_t gen = work.stackGen.load(std::memory_order_relaxed);
  uint32_t cur = gp->gcscangen.load(std::memory_order_acquire);
  if (cur + 1 >= gen) return false;  // scanned or being scanned in this cycle
  // acquire: pairs with the release store of casgstatus when gp last
  // stopped running, so the frames are seen as gp left them.
  (void)readgstatus(gp);
  // acq_rel: exactly one party wins the scan (the M about to resume gp
  // waits for it), and the result is published by the release store below.
  if (!gp->gcscangen.compare_exchange_strong(cur, gen - 1, std::memory_order_acq_rel)) return false;
  scanstack(gp, pp, by);
  gp->gcscangen.store(gen, std::memory_order_release);
  return true;
}

void Collector::beforeResume(void* self, G* gp) {
  auto* c = static_cast<Collector*>(self);
  const uint32_t gen = c->work.stackGen.load(std::memory_order_relaxed);
  M* mp = getm();
  for (;;) {
    uint32_t cur = gp->gcscangen.load(std::memory_order_acquire);
    if (cur == gen) return;
    if (cur + 1 == gen) {
      // A worker on another M is scanning this stack (real threads only:
      // on the simulator a scan never spans two events).
      c->rt->platform->usleep(1);
      continue;
    }
    if (c->tryScanStack(gp, c->perP(mp->p), MarkedBy::Roots)) return;
  }
}

}  // namespace rt::gc
