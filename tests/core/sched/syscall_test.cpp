// exitsyscall's fast path (Go: runtime/proc.go exitsyscall, exitsyscallfast,
// exitsyscallfast_reacquired, exitsyscallfast_pidle).
//
// A goroutine back from a system call keeps running, without ever becoming
// runnable, if its M can get a P at once: the P it left in _Psyscall, if
// sysmon has not retaken it (one CAS), else any idle P. Only with neither
// does it go to the global queue (exitsyscall0). The first tests drive
// entersyscall/exitsyscall by hand on a runtime that never runs, playing
// sysmon and the other Ms themselves; the last one runs goroutines making
// short calls on the simulator.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "support/scale.hpp"
#include "support/wait.hpp"
#include "platform/sim/sim_platform.hpp"
#include "sched/api.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"
#include "sched/syscall.hpp"
#include "trace/tracer.hpp"

namespace rt {

// How gtest prints what these tests compare (found by argument-dependent
// lookup, so in namespace rt): names, not addresses and bytes.
[[maybe_unused]] static void PrintTo(P* pp, std::ostream* os) { *os << (pp ? "P" + std::to_string(pp->id) : "no P"); }
[[maybe_unused]] static void PrintTo(M* mp, std::ostream* os) { *os << (mp ? "M" + std::to_string(mp->id) : "no M"); }
[[maybe_unused]] static void PrintTo(Gstatus s, std::ostream* os) { *os << gstatusName(s); }
[[maybe_unused]] static void PrintTo(Pstatus s, std::ostream* os) {
  static const char* const names[] = {"_Pidle", "_Prunning", "_Psyscall", "_Pgcstop", "_Pdead"};
  *os << (static_cast<uint32_t>(s) < 5 ? names[static_cast<uint32_t>(s)] : "_P?");
}

namespace {

// The status changes of goroutine goid, as "from>to" on P p.
struct Change {
  Gstatus from, to;
  int p;
  bool operator==(const Change&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Change& c) {
  return os << gstatusName(c.from) << "->" << gstatusName(c.to) << " on P" << c.p;
}

std::vector<Change> changesOf(const std::vector<trace::Event>& events, uint64_t goid) {
  std::vector<Change> out;
  for (const trace::Event& e : events)
    if (e.type == trace::EvType::GoStatus && e.g == goid)
      out.push_back({static_cast<Gstatus>(e.from), static_cast<Gstatus>(e.to), e.p});
  return out;
}

// A runtime with `procs` Ps, all idle, that never runs; the test is its Ms.
// M mp runs goroutine g, which is about to enter a system call on P pp.
struct Fixture {
  explicit Fixture(int procs, bool traced = true) : rt(Runtime::Config{.gomaxprocs = procs}) {
    if (traced) rt.attachTracer(&tracer);
    mp = newM();
    g.goid = 1;
    pp = takeIdleP(mp);
    g.atomicstatus.store(Gstatus::Running);
    g.m = mp;
    mp->curg.store(&g);
    // casgstatus records its changes for the M of the calling thread.
    setm(mp);
  }
  ~Fixture() { setm(nullptr); }

  M* newM() {
    std::lock_guard lock(rt.sched.lock);
    rt.sched.mnext++;  // Go: mReserveID
    return rt.allocm();
  }
  P* takeIdleP(M* m) {
    P* p;
    {
      std::lock_guard lock(rt.sched.lock);
      p = pidleget(&rt);
    }
    if (p) acquirep(m, p);
    return p;
  }
  // sysmon's retake of a P left in _Psyscall (sysmon.cpp retake).
  void retake(P* p) {
    Pstatus s = Pstatus::Syscall;
    ASSERT_TRUE(p->status.compare_exchange_strong(s, Pstatus::Idle));
    p->syscalltick.fetch_add(1);
  }
  // The idle list is consistent: npidle Ps on it, every one _Pidle and unowned.
  void expectIdleListConsistent() {
    std::lock_guard lock(rt.sched.lock);
    int32_t n = 0;
    for (P* p = rt.sched.pidle; p; p = p->link, n++) {
      EXPECT_EQ(p->status.load(), Pstatus::Idle) << "P" << p->id << " is on the idle list";
      EXPECT_EQ(p->m.load(), nullptr) << "P" << p->id << " is on the idle list";
    }
    EXPECT_EQ(rt.sched.npidle.load(), n);
  }
  std::vector<Change> changes() { return changesOf(tracer.collect(), g.goid); }

  trace::Tracer tracer;
  Runtime rt;
  M* mp = nullptr;
  P* pp = nullptr;
  G g;
};

// Go: exitsyscallfast — "Try to re-acquire the last P": nobody touched it,
// so one CAS _Psyscall -> _Pidle and the M wires it again. The goroutine
// goes straight from _Gsyscall back to _Grunning on the same P.
TEST(Syscall, AQuickCallGetsItsOwnPBack) {
  Fixture f(2);
  const uint32_t tick = f.pp->syscalltick.load();
  entersyscall(f.mp, &f.g);
  ASSERT_EQ(f.pp->status.load(), Pstatus::Syscall);
  ASSERT_TRUE(exitsyscall(f.mp, &f.g));
  EXPECT_EQ(f.mp->p.load(), f.pp) << "the M must get the P it left, not another idle one";
  EXPECT_EQ(f.pp->status.load(), Pstatus::Running);
  EXPECT_EQ(f.pp->m.load(), f.mp);
  EXPECT_EQ(f.g.atomicstatus.load(), Gstatus::Running);
  EXPECT_EQ(f.pp->syscalltick.load(), tick + 1) << "exitsyscall counts one syscall on the P";
  EXPECT_EQ(f.rt.sched.runq.size, 0) << "nothing goes to the global queue";
  EXPECT_EQ(f.rt.sched.npidle.load(), 1) << "the other P stays idle";
  f.expectIdleListConsistent();
  const std::vector<Change> want = {{Gstatus::Running, Gstatus::Syscall, f.pp->id},
                                    {Gstatus::Syscall, Gstatus::Running, f.pp->id}};
  EXPECT_EQ(f.changes(), want) << "the goroutine never becomes runnable";
}

// Go: exitsyscallfast — the old P was retaken by sysmon and now runs
// another M's goroutine: leave it alone, and take an idle P instead
// (exitsyscallfast_pidle). The goroutine still never becomes runnable.
TEST(Syscall, ARetakenPIsLeftAloneAndAnIdlePIsTakenInstead) {
  Fixture f(2);
  entersyscall(f.mp, &f.g);
  f.retake(f.pp);
  M* m2 = f.newM();
  acquirep(m2, f.pp);  // handoffp gave it to m2 (P0 is not on the idle list)
  ASSERT_TRUE(exitsyscall(f.mp, &f.g));
  P* got = f.mp->p.load();
  ASSERT_NE(got, nullptr);
  EXPECT_NE(got, f.pp) << "P" << f.pp->id << " belongs to M" << m2->id << " now";
  EXPECT_EQ(f.pp->m.load(), m2);
  EXPECT_EQ(f.pp->status.load(), Pstatus::Running);
  EXPECT_EQ(got->m.load(), f.mp);
  EXPECT_EQ(got->status.load(), Pstatus::Running);
  EXPECT_EQ(f.g.atomicstatus.load(), Gstatus::Running);
  EXPECT_EQ(f.rt.sched.npidle.load(), 0);
  f.expectIdleListConsistent();
  const std::vector<Change> want = {{Gstatus::Running, Gstatus::Syscall, f.pp->id},
                                    {Gstatus::Syscall, Gstatus::Running, got->id}};
  EXPECT_EQ(f.changes(), want) << "the goroutine never becomes runnable";
}

// The old P was retaken and found no work, so handoffp put it on the idle
// list: it is _Pidle, not _Psyscall, and whoever takes it must take it off
// that list (pidleget, under sched.lock).
TEST(Syscall, ARetakenIdlePIsTakenOffTheIdleList) {
  for (int procs : {1, 3}) {
    SCOPED_TRACE("GOMAXPROCS " + std::to_string(procs));
    Fixture f(procs);
    entersyscall(f.mp, &f.g);
    f.retake(f.pp);
    {
      std::lock_guard lock(f.rt.sched.lock);
      pidleput(&f.rt, f.pp);  // handoffp: no work for it
    }
    ASSERT_TRUE(exitsyscall(f.mp, &f.g));
    P* got = f.mp->p.load();
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->m.load(), f.mp);
    EXPECT_EQ(got->status.load(), Pstatus::Running);
    EXPECT_EQ(f.rt.sched.npidle.load(), procs - 1);
    f.expectIdleListConsistent();
    const std::vector<Change> want = {{Gstatus::Running, Gstatus::Syscall, f.pp->id},
                                      {Gstatus::Syscall, Gstatus::Running, got->id}};
    EXPECT_EQ(f.changes(), want) << "the goroutine never becomes runnable";
  }
}

// Go: exitsyscallfast_reacquired — the old P was retaken, given to another
// M, and is in a system call again: the CAS succeeds and takes it from that
// call, so the P counts one syscall more (sysmon then sees the new call as
// one that has not lasted a tick yet), then exitsyscall counts ours.
TEST(Syscall, ReacquiringAPThatEnteredAnotherCallCountsTheLostTick) {
  Fixture f(2);
  entersyscall(f.mp, &f.g);
  const uint32_t tick = f.pp->syscalltick.load();
  f.retake(f.pp);  // tick + 1
  M* m2 = f.newM();
  acquirep(m2, f.pp);
  G g2;
  g2.goid = 2;
  g2.atomicstatus.store(Gstatus::Running);
  entersyscall(m2, &g2);  // P0 is in _Psyscall again, for m2's call
  ASSERT_TRUE(exitsyscall(f.mp, &f.g));
  EXPECT_EQ(f.mp->p.load(), f.pp) << "the CAS on _Psyscall wins the P back";
  EXPECT_EQ(f.pp->syscalltick.load(), tick + 3) << "retake, the lost call, then ours";
  // m2's call ends with its P gone: it takes the idle one.
  ASSERT_TRUE(exitsyscall(m2, &g2));
  EXPECT_NE(m2->p.load(), f.pp);
  EXPECT_EQ(g2.atomicstatus.load(), Gstatus::Running);
  f.expectIdleListConsistent();
}

// With the old P busy and no idle P, the fast path must fail: the goroutine
// goes to the global queue and the M has no P (exitsyscall0).
TEST(Syscall, WithNoPToTakeTheGoroutineIsQueued) {
  Fixture f(2);
  entersyscall(f.mp, &f.g);
  f.retake(f.pp);
  M* m2 = f.newM();
  acquirep(m2, f.pp);
  M* m3 = f.newM();
  ASSERT_NE(f.takeIdleP(m3), nullptr);
  EXPECT_FALSE(exitsyscall(f.mp, &f.g));
  EXPECT_EQ(f.mp->p.load(), nullptr);
  EXPECT_EQ(f.g.atomicstatus.load(), Gstatus::Runnable);
  EXPECT_EQ(f.rt.sched.runq.size, 1);
  EXPECT_EQ(f.rt.sched.runq.head, &f.g);
  EXPECT_EQ(f.pp->m.load(), m2);
  f.expectIdleListConsistent();
}

// The race the CAS is for: the M coming back from its call and sysmon's
// retake both want the P left in _Psyscall, at the same moment. Thousands
// of times, one thread leaves and re-enters a syscall while another plays
// sysmon (retake: CAS _Psyscall -> _Pidle, then handoffp finds no work and
// puts the P on the idle list), each after a random few nanoseconds. Exactly
// one may win: a load of the status followed by a store lets both, and then
// the P runs on the returning M while it is still on the idle list.
TEST(Syscall, ExitRacesSysmonsRetakeAndExactlyOneWins) {
  RTLAB_NEEDS_THREADS();
  Fixture f(1, false);  // not traced: thousands of rounds
  std::atomic<int> entered{-1}, retook{-1};
  std::atomic<bool> stop{false};
  std::atomic<int> retakes{0};
  // A delay the compiler cannot remove on any target: a signal fence alone
  // compiles to nothing under wasm, and the loop with it. The volatile is
  // each call's own, so the two threads share nothing here.
  auto spin = [](uint32_t n) {
    volatile uint32_t sink = 0;
    for (uint32_t k = 0; k < n; k++) sink = sink + k;
  };
  std::thread sysmon([&] {
    uint32_t rnd = 12345;
    for (int i = 0; !stop.load(); i++) {
      while (entered.load() < i)
        if (stop.load()) return;
      rnd = rnd * 1103515245 + 12345;
      spin(rnd >> 26);  // 0..63
      Pstatus s = Pstatus::Syscall;
      if (f.pp->status.compare_exchange_strong(s, Pstatus::Idle)) {
        retakes.fetch_add(1);
        f.pp->syscalltick.fetch_add(1);
        std::lock_guard lock(f.rt.sched.lock);
        pidleput(&f.rt, f.pp);  // handoffp: no work
      }
      retook.store(i);
    }
  });
  const int rounds = 20000;
  uint32_t rnd = 777;
  // Our random delay is up to delayMax spins, adapted every 500 rounds so
  // that each side wins about as often as the other on any machine and build
  // (sanitizers, wasm): the race is only exercised where they are close.
  uint32_t delayMax = 64;
  int windowStart = 0;
  int failedAt = -1;
  int stuckAt = -1;  // the round whose retake attempt never finished
  auto sysmonDone = [&](int i) { return testwait::spinUntil([&] { return retook.load() >= i; }); };
  for (int i = 0; i < rounds && failedAt < 0; i++) {
    if (i % 500 == 0) {
      const int won = retakes.load() - windowStart;
      windowStart = retakes.load();
      if (i > 0 && won < 125) delayMax = std::min(delayMax * 2, 1u << 16);
      if (i > 0 && won > 375 && delayMax > 1) delayMax /= 2;
    }
    entersyscall(f.mp, &f.g);
    entered.store(i);
    rnd = rnd * 1103515245 + 12345;
    spin((rnd >> 8) % delayMax);
    if (!exitsyscall(f.mp, &f.g)) {
      // sysmon won and the P was not on the idle list yet: the goroutine
      // was queued. Play the scheduler: wait for the P, run the goroutine.
      if (!sysmonDone(i)) {
        stuckAt = i;
        break;
      }
      std::lock_guard lock(f.rt.sched.lock);
      P* p = pidleget(&f.rt);
      if (!p || f.rt.sched.runq.pop() != &f.g) {
        failedAt = i;
        break;
      }
      f.rt.sched.runqsize.store(0);
      acquirep(f.mp, p);
      casgstatus(&f.g, Gstatus::Runnable, Gstatus::Running);
      f.mp->curg.store(&f.g);
      f.g.m = f.mp;
    }
    if (!sysmonDone(i)) {
      stuckAt = i;
      break;
    }
    // Whoever won, the P is ours now, and it is not on the idle list.
    std::lock_guard lock(f.rt.sched.lock);
    if (f.mp->p.load() != f.pp || f.pp->m.load() != f.mp || f.pp->status.load() != Pstatus::Running ||
        f.rt.sched.pidle != nullptr || f.rt.sched.npidle.load() != 0)
      failedAt = i;
  }
  stop.store(true);
  sysmon.join();
  ASSERT_EQ(stuckAt, -1) << "round " << stuckAt << ": sysmon's thread never finished its retake attempt";
  EXPECT_EQ(failedAt, -1) << "round " << failedAt << ": P0 is " << static_cast<int>(f.pp->status.load())
                          << ", owned by M" << (f.pp->m.load() ? f.pp->m.load()->id : -1) << ", npidle "
                          << f.rt.sched.npidle.load();
  // The delays adapt so that each side wins about a quarter to three quarters
  // of the time; a side that wins under 2% means the race was not exercised.
  EXPECT_GT(retakes.load(), rounds / 50) << "sysmon hardly ever won: the race was not exercised";
  ASSERT_LT(retakes.load(), rounds) << "the returning M never took its own P back (exitsyscallfast's CAS)";
  EXPECT_LT(retakes.load(), rounds - rounds / 50) << "the returning M hardly ever won: the race was not exercised";
}

// On the simulator: goroutines whose calls are far shorter than a sysmon
// tick (20 µs) get their own P back, so none becomes runnable on the way out
// of a call and sysmon does not retake a P — except, possibly, during a P's
// first call: its syscalltick is still 0, the value sysmon recorded, so a
// sysmon tick that falls in that call counts it as already seen (Go 1.19's
// retake does the same).
Goroutine shortCaller(int calls, WaitGroup* wg) {
  for (int i = 0; i < calls; i++) {
    co_await cpu(3000);
    co_await syscallFor(2000);
  }
  wg->Done();
}

Goroutine shortCallsMain(int goroutines, int calls) {
  WaitGroup wg;
  wg.Add(goroutines);
  for (int i = 0; i < goroutines; i++) go(shortCaller(calls, &wg));
  co_await wg.Wait();
}

TEST(Syscall, ShortCallsOnTheSimulatorReturnToTheirOwnP) {
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Runtime::Config cfg;
    cfg.gomaxprocs = 2;
    cfg.seed = seed;
    trace::Tracer tracer(1'000'000, true);
    Runtime runtime(cfg, std::make_unique<SimPlatform>(seed));
    runtime.tracer = &tracer;
    RunResult r = runtime.run(shortCallsMain(2, 100));
    ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
    EXPECT_EQ(runtime.stats.syscalls.load(), 200u);
    EXPECT_LE(runtime.stats.syscallRetakes.load(), 2u) << "at most each P's first call";
    std::map<uint64_t, int> enteredOn;
    std::map<uint64_t, bool> firstCallOfItsP;
    std::set<int> pHadACall;
    int exits = 0;
    for (const trace::Event& e : tracer.collect()) {
      if (e.type != trace::EvType::GoStatus) continue;
      const auto from = static_cast<Gstatus>(e.from), to = static_cast<Gstatus>(e.to);
      if (to == Gstatus::Syscall) {
        enteredOn[e.g] = e.p;
        firstCallOfItsP[e.g] = pHadACall.insert(e.p).second;
      }
      if (from != Gstatus::Syscall) continue;
      exits++;
      if (firstCallOfItsP[e.g]) continue;
      ASSERT_EQ(to, Gstatus::Running) << "G" << e.g << " became runnable after a 2 µs call at " << e.ts << "ns";
      ASSERT_EQ(e.p, enteredOn[e.g]) << "G" << e.g << " came back on another P at " << e.ts << "ns";
    }
    EXPECT_EQ(exits, 200);
  }
}

}  // namespace
}  // namespace rt
