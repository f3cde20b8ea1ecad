#include "sched/stw.hpp"

#include "runtime/throw.hpp"
#include "sched/proc.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"
#include "sched/timers.hpp"
#include "sched/traceev.hpp"

namespace rt {

// Go: runtime/preempt.go + proc.go preemptone. Asks the G running on pp to
// stop at its next safe point. In Go that is the next function prologue (the
// stack guard is poisoned) or, since Go 1.14, right away via a signal
// (asynchronous preemption). The lab's real engine is cooperative only: the
// G honours the flag at its next co_await (rt::checkpoint in long loops).
bool preemptone(Runtime* rt, P* pp) {
  M* mp = pp->m.load(std::memory_order_acquire);
  if (!mp || mp == getm()) return false;
  G* gp = mp->curg.load(std::memory_order_acquire);  // pairs with the release in execute
  if (!gp) return false;
  // relaxed: a hint polled by the G at its safe points.
  gp->preempt = true;
  pp->preempt.store(true, std::memory_order_relaxed);
  rt->stats.preemptRequests.fetch_add(1, std::memory_order_relaxed);
  traceEvent(rt, getm(), trace::EvType::PreemptRequest, gp->goid, pp->id);
  // Go: preemptM — a signal stops the G wherever it is. Only the simulator
  // can do that to a coroutine (it cuts an rt::cpu burst short).
  rt->platform->preemptM(mp);
  return true;
}

// Go: runtime/proc.go preemptall
void preemptall(Runtime* rt) {
  for (P* pp : rt->allp)
    if (pp->status.load(std::memory_order_acquire) == Pstatus::Running) preemptone(rt, pp);
}

bool acquireWorldsema(M* mp, G* gp) {
  Runtime* rt = mp->rt;
  std::lock_guard lock(rt->sched.lock);
  if (!rt->sched.worldsemaHeld) {
    rt->sched.worldsemaHeld = true;
    return true;
  }
  gp->waitreason = WaitReason::StoppingTheWorld;
  casgstatus(gp, Gstatus::Running, Gstatus::Waiting, trace::GoReason::Block);
  mp->curg.load(std::memory_order_relaxed)->m = nullptr;
  mp->curg.store(nullptr, std::memory_order_relaxed);
  gp->retryStopTheWorld = true;
  rt->sched.worldsemaWaiters.pushBack(gp);
  return false;
}

void releaseWorldsema(M* mp) {
  Runtime* rt = mp->rt;
  G* next;
  {
    std::lock_guard lock(rt->sched.lock);
    rt->sched.worldsemaHeld = false;
    next = rt->sched.worldsemaWaiters.pop();
  }
  if (next) goready(next);
}

// Go: runtime/proc.go gcstopm
void gcstopm(M* mp) {
  Runtime* rt = mp->rt;
  if (!rt->sched.gcwaiting.load()) throwFatal("gcstopm: not waiting for gc");
  if (mp->spinning) {
    traceEvent(rt, mp, trace::EvType::SpinStop, 0, pid(mp->p));
    mp->spinning = false;
    // OK to just drop nmspinning here: startTheWorld unparks threads as necessary.
    if (rt->sched.nmspinning.fetch_sub(1) - 1 < 0) throwFatal("gcstopm: negative nmspinning");
  }
  P* pp = releasep(mp);
  // The preemption request that brought this P here was the stop-the-world's
  // (preemptall), not sysmon's "time slice used up": it is served. Left set,
  // findRunnable would take it for sysmon's when the world restarts and move
  // the preempted G out of runnext to the global queue — but the G must run
  // first (Go clears pp.preempt at the top of every schedule()).
  pp->preempt.store(false, std::memory_order_relaxed);
  {
    std::lock_guard lock(rt->sched.lock);
    pp->status.store(Pstatus::Gcstop, std::memory_order_release);
    if (--rt->sched.stopwait == 0) rt->platform->notewakeup(&rt->sched.stopnote);
  }
  // The caller (findRunnable) has no P now: returning nullptr makes the M stop.
}

// Go: runtime/proc.go stopTheWorldWithSema, up to its wait. Stops this P,
// the idle ones and those in syscalls, and asks the running ones to stop.
// True if some are still running: the caller (mstart) then waits on
// sched.stopnote, calling preemptall again every 100 µs in case of races,
// and finishes with stopTheWorldDone.
bool stopTheWorldBegin(M* mp) {
  Runtime* rt = mp->rt;
  std::lock_guard lock(rt->sched.lock);
  rt->sched.stopwait = rt->gomaxprocs.load();
  rt->sched.gcwaiting.store(true);
  preemptall(rt);
  // Stop the current P.
  mp->p->status.store(Pstatus::Gcstop, std::memory_order_release);
  rt->sched.stopwait--;
  // Try to retake all Ps in _Psyscall status.
  for (P* pp : rt->allp) {
    Pstatus s = Pstatus::Syscall;
    if (pp->status.compare_exchange_strong(s, Pstatus::Gcstop, std::memory_order_acq_rel)) {
      pp->syscalltick.fetch_add(1, std::memory_order_relaxed);
      rt->sched.stopwait--;
    }
  }
  // Stop idle Ps.
  while (P* pp = pidleget(rt)) {
    pp->status.store(Pstatus::Gcstop, std::memory_order_release);
    rt->sched.stopwait--;
  }
  return rt->sched.stopwait > 0;
}

void stopTheWorldDone(Runtime* rt) {
  std::lock_guard lock(rt->sched.lock);
  if (rt->sched.stopwait != 0) throwFatal("stopTheWorld: not stopped (stopwait != 0)");
  for (P* pp : rt->allp)
    if (pp->status.load(std::memory_order_acquire) != Pstatus::Gcstop)
      throwFatal("stopTheWorld: not stopped (status != _Pgcstop)");
}

namespace {

// Go: runtime/proc.go (*p).destroy — a P beyond the new GOMAXPROCS gives its
// work to the global queue and its timers to the P that runs procresize.
void destroyP(Runtime* rt, P* pp, P* plocal) {
  // Move all runnable goroutines to the global queue, keeping their order.
  uint32_t h = pp->runqhead.load(std::memory_order_relaxed);
  uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
  while (t != h) {
    t--;
    globrunqputhead(rt, pp->runq[t % kRunqSize].load(std::memory_order_relaxed));
  }
  pp->runqtail.store(t, std::memory_order_relaxed);
  if (G* next = pp->runnext.exchange(nullptr)) globrunqputhead(rt, next);
  moveTimers(plocal, pp);
  // Go: gfpurge — dead Gs to the global free list.
  {
    std::lock_guard<std::mutex> lock(rt->sched.gFreeLock);
    while (G* gp = pp->gFree.pop()) rt->sched.gFree.push(gp);
  }
  pp->frames.flush();
  if (rt->gcDestroyP) rt->gcDestroyP(rt->gcState, pp);
  pp->status.store(Pstatus::Dead, std::memory_order_release);
}

}  // namespace

P* procresize(Runtime* rt, M* mp, int32_t nprocs) {
  const int32_t old = rt->gomaxprocs.load();
  if (nprocs <= 0) throwFatal("procresize: invalid arg");
  {
    std::lock_guard<std::mutex> lock(rt->allpLock);
    // Grow allp if necessary, reusing Ps that an earlier shrink destroyed.
    while (static_cast<int32_t>(rt->allp.size()) < nprocs) {
      int32_t id = static_cast<int32_t>(rt->allp.size());
      rt->allp.push_back(rt->pForId(id));
    }
  }
  for (int32_t i = old; i < nprocs; i++) {
    P* pp = rt->allp[i];
    pp->status.store(Pstatus::Gcstop, std::memory_order_relaxed);
  }

  if (mp && mp->p && mp->p->id < nprocs) {
    // Continue to use the current P.
    mp->p->status.store(Pstatus::Running, std::memory_order_release);
  } else if (mp) {
    // Release the current P and acquire allp[0].
    if (mp->p) mp->p->m.store(nullptr, std::memory_order_relaxed);
    mp->p = nullptr;
    P* p0 = rt->allp[0];
    p0->m.store(nullptr, std::memory_order_relaxed);
    p0->status.store(Pstatus::Idle, std::memory_order_relaxed);
    acquirep(mp, p0);
  }
  P* timersTo = mp ? mp->p.load() : rt->allp[0];
  // Release resources from unused Ps. A P itself is never freed: an M in a
  // syscall may still point at it.
  for (int32_t i = nprocs; i < old; i++) destroyP(rt, rt->allp[i], timersTo);
  if (static_cast<int32_t>(rt->allp.size()) != nprocs) {
    std::lock_guard<std::mutex> lock(rt->allpLock);
    rt->allp.resize(nprocs);
  }
  if (timersTo) {
    std::lock_guard<std::mutex> lock(timersTo->timersLock);
    heapifyTimers(timersTo);
  }

  P* runnablePs = nullptr;
  for (int32_t i = nprocs - 1; i >= 0; i--) {
    P* pp = rt->allp[i];
    if (mp && mp->p == pp) continue;
    pp->status.store(Pstatus::Idle, std::memory_order_release);
    if (runqempty(pp)) {
      pp->link = nullptr;
      pidleput(rt, pp);
    } else {
      // Go: p.m.set(mget()) — an idle M for it, or nullptr for a new one.
      pp->link = runnablePs;
      runnablePs = pp;
    }
  }
  rt->stealOrder.reset(static_cast<uint32_t>(nprocs));
  rt->gomaxprocs.store(nprocs);
  if (old != nprocs) traceEvent(rt, mp, trace::EvType::Gomaxprocs, 0, pid(mp ? mp->p.load() : nullptr), -1, nprocs, old);
  return runnablePs;
}

// Go: runtime/proc.go startTheWorldWithSema
void startTheWorld(M* mp, int32_t newprocs) {
  Runtime* rt = mp->rt;
  P* p1;
  {
    std::lock_guard lock(rt->sched.lock);
    p1 = procresize(rt, mp, newprocs > 0 ? newprocs : rt->gomaxprocs.load());
    rt->sched.gcwaiting.store(false);
  }
  while (p1) {
    P* pp = p1;
    p1 = p1->link;
    pp->link = nullptr;
    startm(rt, pp, false);
  }
  // Wake up an additional proc in case we have excessive runnable goroutines
  // in local queues or in the global queue.
  wakep(rt);
}

}  // namespace rt
