// stealWork: which P a spinning M robs, and when (Go: runtime/proc.go
// stealWork, randomOrder; Go's RunStealOrderTest is StealOrder in
// runq_test.cpp).
//
// A runtime that never runs, a thief M holding one P, and victims whose
// queues the test fills. Go's rules, checked against an order computed here
// independently of RandomOrder: each of the four rounds draws one random
// number (cheaprand), which picks a start and a stride coprime with
// GOMAXPROCS; the thief skips its own P and idle Ps and robs the first
// victim with Gs in its ring; only the last round runs victims' timers and
// takes a victim's runnext.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "sched/proc.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"
#include "sched/timers.hpp"

namespace rt {
namespace {

// Go's enumeration for random number r over n Ps.
std::vector<int> goOrder(uint32_t r, uint32_t n) {
  std::vector<uint32_t> coprimes;
  for (uint32_t i = 1; i <= n; i++)
    if (std::gcd(i, n) == 1) coprimes.push_back(i);
  uint32_t pos = r % n;
  const uint32_t inc = coprimes[r / n % coprimes.size()];
  std::vector<int> order;
  for (uint32_t i = 0; i < n; i++, pos = (pos + inc) % n) order.push_back(static_cast<int>(pos));
  return order;
}

// The next `rounds` random numbers mp will draw, without drawing them.
std::vector<uint32_t> nextDraws(const M* mp, int rounds) {
  M copy;
  copy.cheaprand = mp->cheaprand;
  std::vector<uint32_t> r;
  for (int i = 0; i < rounds; i++) r.push_back(cheaprand(&copy));
  return r;
}

// The state of mp's generator after `rounds` draws.
uint64_t stateAfter(const M* mp, int rounds) {
  M copy;
  copy.cheaprand = mp->cheaprand;
  for (int i = 0; i < rounds; i++) cheaprand(&copy);
  return copy.cheaprand;
}

// A runtime with `procs` Ps that never runs; the test is its thief M, which
// spins (so that readying a G never starts another M).
struct Fixture {
  explicit Fixture(int procs) : rt(Runtime::Config{.gomaxprocs = procs}), gs(procs) {
    mp = rt.allocm();
    mp->spinning = true;
    rt.sched.nmspinning.store(1);
    for (int i = 0; i < procs; i++) gs[i].goid = static_cast<uint64_t>(100 + i);
  }
  // The thief runs on P `thief`; every other P gets `status`.
  void setUp(int thief, uint64_t rand, Pstatus status = Pstatus::Running) {
    mp->p = rt.allp[thief];
    mp->cheaprand = rand;
    for (P* p : rt.allp) p->status.store(p->id == thief ? Pstatus::Running : status);
  }
  P* thiefP() { return mp->p; }
  // Which victim a G came from: the test puts gs[i] on P i.
  int victimOf(G* gp) { return gp ? static_cast<int>(gp - gs.data()) : -1; }
  void drain() {
    bool inherit;
    for (P* p : rt.allp)
      while (runqget(p, &inherit)) {
      }
  }

  Runtime rt;
  std::vector<G> gs;
  M* mp = nullptr;
};

uint64_t mix(uint64_t x) {  // splitmix64: varied generator states
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Every victim has one G in its ring: the thief robs the first P of the
// first round's order that is not its own, after one random number.
TEST(StealWork, VisitsTheOtherPsInStealOrder) {
  for (int procs = 2; procs <= 8; procs++) {
    Fixture f(procs);
    for (int iter = 0; iter < 200; iter++) {
      const int thief = iter % procs;
      f.setUp(thief, mix(static_cast<uint64_t>(procs * 1000 + iter)));
      for (P* p : f.rt.allp)
        if (p->id != thief) runqput(p, &f.gs[p->id], false);
      const std::vector<uint32_t> r = nextDraws(f.mp, 1);
      int want = -1;
      for (int pos : goOrder(r[0], procs))
        if (pos != thief) {
          want = pos;
          break;
        }
      const uint64_t after = stateAfter(f.mp, 1);
      bool inherit = true, newWork = true;
      G* gp = stealWork(f.mp, &inherit, &newWork);
      ASSERT_EQ(f.victimOf(gp), want) << "GOMAXPROCS " << procs << ", thief P" << thief << ", random " << r[0];
      EXPECT_FALSE(inherit) << "a stolen G starts a new time slice";
      EXPECT_FALSE(newWork);
      ASSERT_EQ(f.mp->cheaprand, after) << "one random number per round";
      f.drain();
    }
  }
}

// Idle Ps are skipped without looking at their queues (Go: idlepMask). A
// P on the idle list has an empty ring, but this one is given a G to see
// that the thief does not even look.
TEST(StealWork, IdlePsAreSkipped) {
  const int procs = 6;
  Fixture f(procs);
  for (int iter = 0; iter < 300; iter++) {
    const int thief = iter % procs;
    f.setUp(thief, mix(static_cast<uint64_t>(iter) + 77));
    std::vector<bool> idle(procs);
    for (P* p : f.rt.allp) {
      if (p->id == thief) continue;
      idle[p->id] = (mix(iter * 31 + p->id) & 1) != 0;
      if (idle[p->id]) p->status.store(Pstatus::Idle);
      runqput(p, &f.gs[p->id], false);
    }
    int want = -1;
    for (uint32_t r : nextDraws(f.mp, kStealTries)) {
      for (int pos : goOrder(r, procs))
        if (pos != thief && !idle[pos]) {
          want = pos;
          break;
        }
      if (want >= 0) break;
    }
    bool inherit, newWork;
    G* gp = stealWork(f.mp, &inherit, &newWork);
    ASSERT_EQ(f.victimOf(gp), want) << "thief P" << thief;
    f.drain();
  }
}

// Victims with nothing in their rings but a G in runnext: the first three
// rounds find nothing, and the last one takes the runnext of the first
// victim in its order. A G in any ring is taken before any runnext.
TEST(StealWork, RunnextIsTakenOnlyInTheLastRound) {
  const int procs = 5;
  Fixture f(procs);
  for (int iter = 0; iter < 200; iter++) {
    const int thief = iter % procs;
    // _Psyscall: a victim whose M is in a system call, so that runqgrab
    // has no reason to back off before taking its runnext.
    f.setUp(thief, mix(static_cast<uint64_t>(iter) + 5), Pstatus::Syscall);
    for (P* p : f.rt.allp)
      if (p->id != thief) runqput(p, &f.gs[p->id], true);
    const std::vector<uint32_t> r = nextDraws(f.mp, kStealTries);
    int want = -1;
    for (int pos : goOrder(r[kStealTries - 1], procs))
      if (pos != thief) {
        want = pos;
        break;
      }
    const uint64_t after = stateAfter(f.mp, kStealTries);
    bool inherit, newWork;
    G* gp = stealWork(f.mp, &inherit, &newWork);
    ASSERT_EQ(f.victimOf(gp), want) << "the first victim of the last round, thief P" << thief;
    ASSERT_EQ(f.mp->cheaprand, after) << "four rounds, one random number each";
    EXPECT_EQ(f.rt.allp[want]->runnext.load(), nullptr);
    f.drain();
    for (P* p : f.rt.allp) p->runnext.store(nullptr);
  }
  // Now one victim also has a G in its ring: it is taken in the first
  // round, wherever that victim comes in the order.
  for (int iter = 0; iter < 50; iter++) {
    f.setUp(0, mix(static_cast<uint64_t>(iter) + 999), Pstatus::Syscall);
    for (int i = 1; i < procs; i++) runqput(f.rt.allp[i], &f.gs[i], true);
    const int ringVictim = 1 + iter % (procs - 1);
    G extra;
    runqput(f.rt.allp[ringVictim], &extra, false);
    const uint64_t after = stateAfter(f.mp, 1);
    bool inherit, newWork;
    ASSERT_EQ(stealWork(f.mp, &inherit, &newWork), &extra);
    EXPECT_EQ(f.mp->cheaprand, after) << "found in the first round";
    f.drain();
    for (P* p : f.rt.allp) p->runnext.store(nullptr);
  }
}

// Nothing anywhere: four rounds, then give up.
TEST(StealWork, NothingToStealMeansFourRoundsAndNull) {
  for (int procs : {1, 2, 7}) {
    Fixture f(procs);
    f.setUp(0, mix(static_cast<uint64_t>(procs)));
    const uint64_t after = stateAfter(f.mp, kStealTries);
    bool inherit = true, newWork = true;
    EXPECT_EQ(stealWork(f.mp, &inherit, &newWork), nullptr);
    EXPECT_FALSE(newWork);
    EXPECT_FALSE(inherit);
    EXPECT_EQ(f.mp->cheaprand, after) << "GOMAXPROCS " << procs;
  }
}

// A stopping world (Go: sched.gcwaiting) ends the search at once, with
// newWork set so that findRunnable starts over (and stops its M).
TEST(StealWork, AStoppingWorldEndsTheSearch) {
  Fixture f(4);
  f.setUp(0, 12345);
  for (int i = 1; i < 4; i++) runqput(f.rt.allp[i], &f.gs[i], false);
  f.rt.sched.gcwaiting.store(true);
  bool inherit, newWork = false;
  EXPECT_EQ(stealWork(f.mp, &inherit, &newWork), nullptr);
  EXPECT_TRUE(newWork);
  for (int i = 1; i < 4; i++) EXPECT_EQ(runqlen(f.rt.allp[i]), 1u) << "nothing taken from P" << i;
  f.rt.sched.gcwaiting.store(false);
  f.drain();
}

// A victim's due timers run only in the last round; the G they ready goes
// to the thief's own P, which runs it at once, in runnext's time slice.
TEST(StealWork, AVictimsDueTimersRunInTheLastRound) {
  const int procs = 3;
  Fixture f(procs);
  setm(f.mp);  // goready runs on the calling M
  f.setUp(0, 4242);
  G sleeper;
  sleeper.goid = 7;
  sleeper.atomicstatus.store(Gstatus::Waiting);
  addtimer(f.rt.allp[2], 1, &sleeper);  // due since the clock's start
  const uint64_t after = stateAfter(f.mp, kStealTries);
  bool inherit = false, newWork = true;
  G* gp = stealWork(f.mp, &inherit, &newWork);
  setm(nullptr);
  EXPECT_EQ(gp, &sleeper);
  EXPECT_TRUE(inherit) << "it came from the thief's runnext";
  EXPECT_FALSE(newWork);
  EXPECT_EQ(sleeper.atomicstatus.load(), Gstatus::Runnable);
  EXPECT_FALSE(hasTimers(f.rt.allp[2]));
  EXPECT_EQ(f.mp->cheaprand, after) << "timers wait for the last round";
}

}  // namespace
}  // namespace rt
