// Day 2, hand-write: exitsyscall's fast path — exitsyscallfast.
//
// This is core/sched/syscall.cpp with one function body left for you (it
// says TODO(you)); the rest of the file is the lab's own code, unchanged.
// The exercises build compiles this file instead of core/sched/syscall.cpp:
//
//   npm run grade -- day2     build with your day-2 file (the other days'
//                             from core/), run the day-2 tests, print a score
//   ctest --preset exercises -L day2 -R Syscall      one group of tests
//
// What Go does (go.dev/src/runtime/proc.go: entersyscall, exitsyscall,
// exitsyscallfast, exitsyscallfast_reacquired, exitsyscallfast_pidle):
//   entersyscall (below) leaves the G's P in _Psyscall, still pointed at by
//   m.oldp, so that a quick call can have it back for one CAS. If the call
//   lasts, sysmon's retake CASes the P _Psyscall -> _Pidle and hands it to
//   another M (handoffp), or to the idle list. On the way back exitsyscall
//   calls exitsyscallfast: take the old P back if it is still _Psyscall,
//   else any idle P; either way the goroutine goes on running without ever
//   becoming runnable. Only with no P at all does it go to the global queue
//   and its M stop (exitsyscall0).
//
// Invariants the tests check:
//   - a quick call gets its own P back: same P, _Gsyscall -> _Grunning, the
//     other Ps untouched;
//   - a retaken P that another M now runs is left alone, and an idle P is
//     taken instead, still without _Grunnable; a retaken P on the idle list
//     is taken only off that list (npidle and the list stay consistent);
//   - a P retaken and in another syscall when we come back is won by the
//     CAS, and counts that syscall (syscalltick) before exitsyscall counts
//     ours;
//   - no P to take: false, and exitsyscall queues the goroutine;
//   - sysmon's retake and your CAS race for the same P: exactly one wins
//     (thousands of rounds on two threads, and whole programs on real
//     threads, under ThreadSanitizer).
//
// Which tests judge it (ctest label day2):
//   Syscall.*         the cases above, by hand, racing a thread that plays
//                     sysmon, and on the simulator (syscall_test.cpp)
//   Engine.GoroutinesLoopingOverSyscallsAllFinish,
//   Engine.SysmonRetakesThePOfALongSyscall   real threads and sysmon
//   Engine.*, CrossEngine.*, SimSeedSweep.*  whole programs, with the
//                     syscalls scenario (engine_test.cpp, sim_test.cpp)
// The lab's own version is core/sched/syscall.cpp. Copied here it scores full
// marks, which is how CI proves the tests fair; write yours first.
#include "sched/syscall.hpp"

#include "runtime/throw.hpp"
#include "sched/proc.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"
#include "sched/traceev.hpp"

namespace rt {

// Go: runtime/proc.go reentersyscall (entersyscall)
void entersyscall(M* mp, G* gp) {
  Runtime* rt = mp->rt;
  casgstatus(gp, Gstatus::Running, Gstatus::Syscall, trace::GoReason::Syscall);
  P* pp = mp->p;
  mp->syscalltick = pp->syscalltick.load(std::memory_order_relaxed);
  pp->m.store(nullptr, std::memory_order_relaxed);
  mp->oldp = pp;
  mp->p = nullptr;
  // seq_cst, as Go's atomic.Store: the store must not pass the gcwaiting
  // load below (StoreLoad), or a stop-the-world that reads the P as still
  // running would wait for it while we sit in the syscall. It also releases
  // the P's state to sysmon's CAS in retake.
  pp->status.store(Pstatus::Syscall);
  if (rt->sched.gcwaiting.load()) {
    // Go: entersyscall_gcwait — the world is stopping: give the P up now.
    std::lock_guard lock(rt->sched.lock);
    Pstatus s = Pstatus::Syscall;
    if (rt->sched.stopwait > 0 && pp->status.compare_exchange_strong(s, Pstatus::Gcstop, std::memory_order_acq_rel)) {
      pp->syscalltick.fetch_add(1, std::memory_order_relaxed);
      if (--rt->sched.stopwait == 0) rt->platform->notewakeup(&rt->sched.stopnote);
    }
  }
}

// Go: runtime/proc.go entersyscallblock / entersyscallblock_handoff
void entersyscallblock(M* mp, G* gp) {
  P* pp = mp->p;
  mp->syscalltick = pp->syscalltick.load(std::memory_order_relaxed);
  pp->syscalltick.fetch_add(1, std::memory_order_relaxed);
  casgstatus(gp, Gstatus::Running, Gstatus::Syscall, trace::GoReason::Syscall);
  mp->oldp = nullptr;
  handoffp(mp->rt, releasep(mp));
}

namespace {

// Go: runtime/proc.go exitsyscallfast
bool exitsyscallfast(M* mp, P* oldp) {
  // TODO(you): Go's exitsyscallfast. Return true once mp holds a P.
  //   - The P we left (oldp, possibly nullptr): if it is still _Psyscall,
  //     take it back with one CAS _Psyscall -> _Pidle (acq_rel: sysmon's
  //     retake CASes the same word, and exactly one of you may win; a load
  //     then a store would let both), then acquirep(mp, oldp). Then Go's
  //     exitsyscallfast_reacquired: if oldp's syscalltick is no longer the
  //     one entersyscall saw (mp->syscalltick), the P was retaken and went
  //     into another syscall meanwhile: count that one (+1).
  //   - Else, if there are idle Ps (rt->sched.npidle), take one with
  //     pidleget under rt->sched.lock and acquirep it (Go:
  //     exitsyscallfast_pidle). An _Pidle oldp is on that list: only
  //     pidleget may take it.
  //   - Else return false: exitsyscall queues the goroutine (exitsyscall0).
  //     Returning false while oldp was still yours leaves that P in
  //     _Psyscall with no M, and the goroutine queued: the tests then stop
  //     with Go's "fatal error: checkdead: runnable g".
  return false;
}

}  // namespace

// Go: runtime/proc.go exitsyscall / exitsyscall0
bool exitsyscall(M* mp, G* gp) {
  Runtime* rt = mp->rt;
  P* oldp = mp->oldp;
  mp->oldp = nullptr;
  if (!rt->sched.gcwaiting.load() && exitsyscallfast(mp, oldp)) {
    mp->p->syscalltick.fetch_add(1, std::memory_order_relaxed);
    casgstatus(gp, Gstatus::Syscall, Gstatus::Running);
    return true;
  }
  // exitsyscall0: no P for us. Queue gp globally (or run it on an idle P
  // that appeared meanwhile) and stop this M.
  casgstatus(gp, Gstatus::Syscall, Gstatus::Runnable);
  mp->curg.store(nullptr, std::memory_order_relaxed);
  gp->m = nullptr;
  P* pp = nullptr;
  {
    std::lock_guard lock(rt->sched.lock);
    if (!rt->sched.gcwaiting.load()) pp = pidleget(rt);
    if (!pp) globrunqput(rt, gp);
  }
  if (pp) {
    acquirep(mp, pp);
    mp->curg.store(gp, std::memory_order_release);  // as in execute
    gp->m = mp;
    casgstatus(gp, Gstatus::Runnable, Gstatus::Running);
    return true;
  }
  return false;
}

}  // namespace rt
