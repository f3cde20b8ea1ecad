// Day 3, hand-write: stealWork's rounds and victim order — stealWork,
// RandomOrder::reset, RandomOrder::start.
//
// This is core/sched/steal.cpp with three function bodies left for you (each
// says TODO(you)); the rest of the file is the lab's own code, unchanged. The
// exercises build compiles this file instead of core/sched/steal.cpp:
//
//   npm run grade -- day3     build with your day-3 files (the other days'
//                             from core/), run the day-3 tests, print a score
//   ctest --preset exercises -L day3 -R 'Steal'      one group of tests
//
// What Go does (go.dev/src/runtime/proc.go: stealWork, randomOrder.reset,
// randomOrder.start, randomEnum):
//   A spinning M makes four rounds (stealTries) over all Ps. Each round
//   draws one random number (Go: fastrand; the lab: cheaprand(mp)), which
//   picks a starting P and a stride coprime with GOMAXPROCS: pos, pos+inc,
//   pos+2*inc, ... (mod GOMAXPROCS) then visits every P exactly once, and
//   two thieves rarely start at the same P. The thief skips itself and idle
//   Ps, and takes half the ring of the first victim that has Gs
//   (runqsteal). Only the last round also runs victims' due timers and may
//   take a victim's runnext: a runnext is about to run, so taking it is the
//   last resort. A stopping world ends the search at once.
//
// Invariants the tests check:
//   - every P is visited exactly once per round, for 1 to 64 Ps, and
//     different random numbers give different (start, stride) pairs;
//   - the victim is the first P of Go's order that is not the thief and not
//     idle; exactly one random number is drawn per round (so the
//     simulator's schedule, which depends on every draw, stays Go's);
//   - runnext and timers only in the fourth round; nothing found after four
//     rounds gives nullptr;
//   - gcwaiting stops the search with *newWork set.
//
// Which tests judge it (ctest label day3):
//   StealOrder.*      port of Go's RunStealOrderTest (runq_test.cpp)
//   StealWork.*       the rounds and the victims (steal_test.cpp)
//   SimDeterminism.*, ChromeTrace.*   the simulator's schedule, byte for byte
//   Engine.*, CrossEngine.*, SimSeedSweep.*   whole programs (engine_test.cpp,
//                     sim_test.cpp): without stealing, idle Ps never help
// The lab's own version is core/sched/steal.cpp. Copied here it scores full
// marks, which is how CI proves the tests fair; write yours first.
//
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
  // TODO(you): Go's (*randomOrder).reset: keep count in count_, and fill
  // coprimes_ with every i in 1..count whose gcd with count is 1 (gcd is in
  // randomorder.hpp), in increasing order.
}

// Go: runtime/proc.go (*randomOrder).start
RandomOrder::Enum RandomOrder::start(uint32_t i) const {
  // TODO(you): Go's (*randomOrder).start: the Enum over count_ Ps
  // (Enum{i, count, pos, inc}, i = 0) that begins at position i % count_ and
  // steps by the coprime chosen by i: coprimes_[i / count_ % (how many)].
  return Enum{};
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
  // TODO(you): Go's stealWork, with the lab's names.
  //   *newWork = *inheritTime = false; then kStealTries (4) rounds, and
  //   only the last one (stealTimersOrRunNextG) may run timers and take a
  //   runnext. Each round:
  //   - draw one random number, cheaprand(mp), and visit the Ps in the
  //     order of rt->stealOrder.start(it): e.done(), e.next(),
  //     rt->allp[e.position()];
  //   - at each P, first: if the world is stopping (rt->sched.gcwaiting),
  //     set *newWork and return nullptr. Skip our own P (mp->p);
  //   - last round only: if hasTimers(p2) and runTimersOf(mp, p2) ran some,
  //     the Gs they readied are on our P: return runqget(pp, inheritTime)
  //     if that gives one, else set *newWork and go on;
  //   - skip p2 if it is _Pidle (acquire load of its status);
  //   - runqsteal(pp, p2, stealTimersOrRunNextG): if it returns a G, return
  //     stole(mp, pp, p2, gp) (the lab's counters and the trace's arrow).
  //   Nothing after four rounds: return nullptr.
  return nullptr;
}

}  // namespace rt
