// Work stealing: the order in which a spinning M visits the other Ps, and
// what it takes from them (Go: runtime/proc.go stealWork, randomOrder).
//
// An M whose P has nothing to run, locally or globally, spins: it looks at
// every other P, in a random order, and takes half of the first non-empty
// run queue it finds (runqsteal, in runq.cpp). It makes four rounds; only
// the last one also runs other Ps' due timers and takes a victim's runnext,
// the G that victim is about to run (taking it early would only bounce it
// between Ps). The random order is a start and a stride coprime with
// GOMAXPROCS (randomorder.hpp), so every P is visited exactly once per round
// and no two thieves have to agree on where to begin.
#include "sched/proc.hpp"
#include "sched/randomorder.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"
#include "sched/timers.hpp"
#include "sched/traceev.hpp"

namespace rt {

// Go: runtime/proc.go (*randomOrder).reset
void RandomOrder::reset(uint32_t count) {
  count_ = count;
  coprimes_.clear();
  for (uint32_t i = 1; i <= count; i++)
    if (gcd(i, count) == 1) coprimes_.push_back(i);
}

// Go: runtime/proc.go (*randomOrder).start
RandomOrder::Enum RandomOrder::start(uint32_t i) const {
  return Enum{0, count_, i % count_, coprimes_[i / count_ % coprimes_.size()]};
}

namespace {

// The lab's bookkeeping for a successful steal (Go has none): the counters
// `run` reports and the trace's steal arrow, from victim p2 to thief pp,
// whose ring now holds what it took besides gp. (maybe_unused: the
// exercise's skeleton of this file has no stealWork body to call it yet.)
[[maybe_unused]] G* stole(M* mp, P* pp, P* p2, G* gp) {
  Runtime* rt = mp->rt;
  const uint32_t n = runqlen(pp) + 1;
  rt->stats.steals.fetch_add(1, std::memory_order_relaxed);
  rt->stats.stolenGs.fetch_add(n, std::memory_order_relaxed);
  traceEvent(rt, mp, trace::EvType::Steal, gp->goid, pp->id, p2->id, static_cast<int32_t>(n),
             static_cast<int32_t>(runqlen(p2)));
  return gp;
}

}  // namespace

// Go: runtime/proc.go stealWork. Four rounds over all Ps in a random order;
// runnext and timers are only taken in the last round.
G* stealWork(M* mp, bool* inheritTime, bool* newWork) {
  Runtime* rt = mp->rt;
  P* pp = mp->p;
  *newWork = false;
  *inheritTime = false;
  for (int i = 0; i < kStealTries; i++) {
    const bool stealTimersOrRunNextG = i == kStealTries - 1;
    for (RandomOrder::Enum e = rt->stealOrder.start(cheaprand(mp)); !e.done(); e.next()) {
      if (rt->sched.gcwaiting.load()) {
        // GC work may be available.
        *newWork = true;
        return nullptr;
      }
      P* p2 = rt->allp[e.position()];
      if (p2 == pp) continue;
      // Steal timers from p2. This call to checkTimers is the only place
      // where we might hold a lock on a different P's timers. We do this
      // once on the last pass before checking runnext because stealing from
      // the other P's runnext should be the last resort, so if there are
      // timers to steal do that first.
      if (stealTimersOrRunNextG && hasTimers(p2)) {
        if (runTimersOf(mp, p2)) {
          // Running the timers may have made Gs ready on our P, which
          // invalidates runqsteal's assumption that our ring has room for
          // half of another: run one of them now.
          if (G* gp = runqget(pp, inheritTime)) return gp;
          *newWork = true;
        }
      }
      // Don't bother to attempt to steal if p2 is idle.
      if (p2->status.load(std::memory_order_acquire) == Pstatus::Idle) continue;
      if (G* gp = runqsteal(pp, p2, stealTimersOrRunNextG)) return stole(mp, pp, p2, gp);
    }
  }
  return nullptr;
}

}  // namespace rt
