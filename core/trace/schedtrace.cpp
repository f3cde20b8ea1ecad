#include "trace/schedtrace.hpp"

#include "sched/runq.hpp"
#include "sched/runtime.hpp"

namespace rt {

namespace {

std::string idOrNil(int64_t id, bool present) { return present ? std::to_string(id) : std::string("nil"); }
const char* boolStr(bool b) { return b ? "true" : "false"; }

}  // namespace

// Go: runtime/proc.go schedtrace
std::string schedtrace(Runtime* rt, bool detailed) {
  const int64_t now = rt->platform->nanotime();
  std::string out;
  std::lock_guard lock(rt->sched.lock);
  std::lock_guard<std::mutex> allpLock(rt->allpLock);
  Sched& s = rt->sched;
  out += "SCHED " + std::to_string((now - rt->starttime) / 1000000) + "ms: gomaxprocs=" +
         std::to_string(rt->gomaxprocs.load()) + " idleprocs=" + std::to_string(s.npidle.load()) +
         " threads=" + std::to_string(s.mnext - s.nmfreed) + " spinningthreads=" + std::to_string(s.nmspinning.load()) +
         " needspinning=" + std::to_string(s.needspinning.load()) + " idlethreads=" + std::to_string(s.nmidle) +
         " runqueue=" + std::to_string(s.runqsize.load(std::memory_order_relaxed));
  if (detailed) {
    out += std::string(" gcwaiting=") + boolStr(s.gcwaiting.load()) + " nmidlelocked=" +
           std::to_string(s.nmidlelocked) + " stopwait=" + std::to_string(s.stopwait) + " sysmonwait=" +
           boolStr(s.sysmonwait.load()) + "\n";
  }
  // We must be careful while reading data from Ps, Ms and Gs. Even if we
  // hold schedlock, most data can be changed concurrently.
  const size_t np = rt->allp.size();
  for (size_t i = 0; i < np; i++) {
    P* pp = rt->allp[i];
    M* mp = pp->m.load(std::memory_order_acquire);
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_acquire);
    if (detailed) {
      size_t timerslen;
      {
        std::lock_guard<std::mutex> tl(pp->timersLock);
        timerslen = pp->timers.size();
      }
      out += "  P" + std::to_string(i) + ": status=" + std::to_string(static_cast<uint32_t>(pp->status.load())) +
             " schedtick=" + std::to_string(pp->schedtick.load()) + " syscalltick=" +
             std::to_string(pp->syscalltick.load()) + " m=" + idOrNil(mp ? mp->id : 0, mp != nullptr) +
             " runqsize=" + std::to_string(t - h) + " gfreecnt=" + std::to_string(pp->gFree.size) +
             " timerslen=" + std::to_string(timerslen) + "\n";
    } else {
      // In non-detailed mode format lengths of per-P run queues as:
      // [ len1 len2 len3 len4 ]
      out += " ";
      if (i == 0) out += "[ ";
      out += std::to_string(t - h);
      if (i == np - 1) out += " ]";
    }
  }
  if (!detailed) {
    // Format per-P schedticks as: schedticks=[ tick1 tick2 tick3 tick4 ]
    out += " schedticks=[ ";
    for (P* pp : rt->allp) out += std::to_string(pp->schedtick.load()) + " ";
    out += "]\n";
    return out;
  }
  {
    std::lock_guard<std::mutex> ml(rt->allmLock);
    for (M* mp = rt->allm; mp; mp = mp->alllink) {
      P* pp = mp->p;
      G* gp = mp->curg.load(std::memory_order_acquire);
      out += "  M" + std::to_string(mp->id) + ": p=" + idOrNil(pp ? pp->id : 0, pp != nullptr) +
             " curg=" + idOrNil(gp ? static_cast<int64_t>(gp->goid) : 0, gp != nullptr) +
             " mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=" + boolStr(mp->spinning) +
             " blocked=" + boolStr(mp->blocked) + " lockedg=nil\n";
    }
  }
  std::lock_guard<std::mutex> gl(rt->allgLock);
  for (G* gp = rt->allgs; gp; gp = gp->alllink) {
    M* mp = gp->m;
    out += "  G" + std::to_string(gp->goid) + ": status=" + std::to_string(static_cast<uint32_t>(readgstatus(gp))) +
           "(" + std::string(waitReasonString(gp->waitreason)) + ") m=" + idOrNil(mp ? mp->id : 0, mp != nullptr) +
           " lockedm=nil\n";
  }
  return out;
}

}  // namespace rt
