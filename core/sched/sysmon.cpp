#include "sched/sysmon.hpp"

#include "sched/proc.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"
#include "sched/stw.hpp"
#include "trace/schedtrace.hpp"

namespace rt {

// Go: runtime/proc.go retake
uint32_t retake(Runtime* rt, int64_t now) {
  uint32_t n = 0;
  std::unique_lock<std::mutex> allpLock(rt->allpLock);
  for (size_t i = 0; i < rt->allp.size(); i++) {
    P* pp = rt->allp[i];
    auto& pd = pp->sysmontick;
    Pstatus s = pp->status.load(std::memory_order_acquire);
    bool sysretake = false;
    if (s == Pstatus::Running || s == Pstatus::Syscall) {
      // Preempt G if it's running for too long.
      uint32_t t = pp->schedtick.load();
      if (pd.schedtick != t) {
        pd.schedtick = t;
        pd.schedwhen = now;
      } else if (const int64_t slice = pp->timeSlice.load(std::memory_order_relaxed);
                 pd.schedwhen + (slice > 0 ? slice : kForcePreemptNS) <= now) {
        preemptone(rt, pp);
        // In case of syscall, preemptone() doesn't work, because there is
        // no M wired to P.
        sysretake = true;
      }
    }
    if (s == Pstatus::Syscall) {
      // Retake P from syscall if it's there for more than 1 sysmon tick (at least 20us).
      uint32_t t = pp->syscalltick.load(std::memory_order_relaxed);
      if (!sysretake && pd.syscalltick != t) {
        pd.syscalltick = t;
        pd.syscallwhen = now;
        continue;
      }
      // On the one hand we don't want to retake Ps if there is no other work
      // to do, but on the other hand we want to retake them eventually
      // because they can prevent the sysmon thread from deep sleep.
      if (runqempty(pp) && rt->sched.nmspinning.load() + rt->sched.npidle.load() > 0 &&
          pd.syscallwhen + 10 * 1000 * 1000 > now)
        continue;
      // Drop allpLock so we can take sched.lock.
      allpLock.unlock();
      // Need to decrement number of idle locked Ms (pretending that one more
      // is running) before the CAS. Otherwise the M from which we retake can
      // exit the syscall, increment nmidle and report deadlock.
      {
        std::lock_guard lock(rt->sched.lock);
        rt->sched.nmidlelocked--;
      }
      Pstatus expected = Pstatus::Syscall;
      if (pp->status.compare_exchange_strong(expected, Pstatus::Idle, std::memory_order_acq_rel)) {
        n++;
        rt->stats.syscallRetakes.fetch_add(1, std::memory_order_relaxed);
        pp->syscalltick.fetch_add(1, std::memory_order_relaxed);
        handoffp(rt, pp);
      }
      {
        std::lock_guard lock(rt->sched.lock);
        rt->sched.nmidlelocked++;
        checkdead(rt);  // Go: incidlelocked(1)
      }
      allpLock.lock();
    }
  }
  return n;
}

// Go: runtime/proc.go sysmon. The lab leaves out the deep sleep (with every
// P idle Go parks sysmon until work appears; here it keeps its 10 ms rounds),
// netpoll and the scavenger.
MTask sysmon(M* mp) {
  Runtime* rt = mp->rt;
  Platform* pl = rt->platform;
  {
    std::lock_guard lock(rt->sched.lock);
    rt->sched.nmsys++;
    checkdead(rt);
  }
  int64_t lasttrace = 0;
  int idle = 0;  // how many cycles in succession we had not woken somebody up
  int64_t delay = 0;
  while (!rt->exiting.load(std::memory_order_acquire)) {
    if (idle == 0) {  // start with 20us sleep...
      delay = 20;
    } else if (idle > 50) {  // start doubling the sleep after 1ms...
      delay *= 2;
    }
    if (delay > 10 * 1000) {  // up to 10ms
      delay = 10 * 1000;
    }
    // Sleep on a note rather than usleep, so the end of the run wakes us.
    if (co_await MWait{pl, mp, WaitKind::NoteTimeout, &rt->sched.sysmonnote, delay * 1000}) break;
    int64_t now = pl->nanotime();
    // retake P's blocked in syscalls and preempt long running G's
    if (retake(rt, now) != 0) idle = 0;
    else idle++;
    // Go: "check if we need to force a GC" — the collector hands back its
    // parked forcegc helper when the last cycle is older than forcegcperiod.
    if (rt->gcSysmonCheck) {
      if (G* gp = rt->gcSysmonCheck(rt->gcState, now)) {
        // Go: injectglist — onto the global queue, and an M for an idle P.
        casgstatus(gp, Gstatus::Waiting, Gstatus::Runnable);
        {
          std::lock_guard lock(rt->sched.lock);
          globrunqput(rt, gp);
        }
        wakep(rt);
        idle = 0;
      }
    }
    const DebugVars& debug = rt->cfg.debug;
    if (debug.schedtrace > 0 && lasttrace + static_cast<int64_t>(debug.schedtrace) * 1000000 <= now) {
      lasttrace = now;
      rt->print(schedtrace(rt, debug.scheddetail > 0));
    }
  }
}

}  // namespace rt
