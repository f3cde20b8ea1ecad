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
  Runtime* rt = mp->rt;
  // Try to re-acquire the last P.
  Pstatus s = Pstatus::Syscall;
  if (oldp && oldp->status.load(std::memory_order_acquire) == Pstatus::Syscall &&
      oldp->status.compare_exchange_strong(s, Pstatus::Idle, std::memory_order_acq_rel)) {
    // There's a cpu for us, so we can run.
    acquirep(mp, oldp);
    // Go: exitsyscallfast_reacquired — the P was retaken and entered a
    // syscall again in between: count a tick for the lost one.
    if (mp->syscalltick != oldp->syscalltick.load(std::memory_order_relaxed))
      oldp->syscalltick.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  // Try to get any other idle P (Go: exitsyscallfast_pidle).
  if (rt->sched.npidle.load() > 0) {
    P* pp;
    {
      std::lock_guard lock(rt->sched.lock);
      pp = pidleget(rt);
    }
    if (pp) {
      acquirep(mp, pp);
      return true;
    }
  }
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
