// The GC CPU limiter (limiter.hpp): Go's arithmetic, and the collector's
// side of it — what it feeds the limiter, and when.
#include "gc/limiter.hpp"

#include <mutex>

#include "gc/collector.hpp"
#include "gc/pacer.hpp"
#include "sched/p.hpp"
#include "sched/runtime.hpp"
#include "runtime/throw.hpp"

namespace rt::gc {

// Go: runtime/mgclimit.go (*gcCPULimiterState).startGCTransition
void gcCPULimiterState::startGCTransition(bool enableGC, int64_t now) {
  if (!tryLock()) {
    // This must happen during a STW, so we can't fail to acquire the lock.
    throwFatal("failed to acquire lock to start a GC transition");
  }
  if (gcEnabled_ == enableGC) throwFatal("transitioning GC to the same state as before?");
  // Flush whatever was left between the last update and now.
  updateLocked(now);
  gcEnabled_ = enableGC;
  transitioning_ = true;
  // finishGCTransition releases the lock.
}

// Go: runtime/mgclimit.go (*gcCPULimiterState).finishGCTransition
void gcCPULimiterState::finishGCTransition(int64_t now) {
  if (!transitioning_) throwFatal("finishGCTransition called without starting one?");
  // Count the full nprocs set of CPU time because the world is stopped
  // between startGCTransition and finishGCTransition. Even though the GC
  // isn't running on all CPUs, it is preventing user code from doing so,
  // so it might as well be.
  if (const int64_t lastUpdate = lastUpdate_.load(std::memory_order_relaxed); now >= lastUpdate)
    accumulate(0, (now - lastUpdate) * int64_t(nprocs()));
  lastUpdate_.store(now, std::memory_order_relaxed);
  transitioning_ = false;
  unlock();
}

// Go: runtime/mgclimit.go (*gcCPULimiterState).update
void gcCPULimiterState::update(int64_t now) {
  if (!tryLock()) return;
  if (transitioning_) throwFatal("update during transition");
  updateLocked(now);
  unlock();
}

// Go: runtime/mgclimit.go (*gcCPULimiterState).updateLocked
void gcCPULimiterState::updateLocked(int64_t now) {
  const int64_t lastUpdate = lastUpdate_.load(std::memory_order_relaxed);
  if (now < lastUpdate) {
    // Defensive: avoid updating if the clock went backwards.
    return;
  }
  int64_t windowTotalTime = (now - lastUpdate) * int64_t(nprocs());
  lastUpdate_.store(now, std::memory_order_relaxed);

  // Drain the pool of assist and idle time.
  const int64_t assistTime = assistTimePool_.exchange(0, std::memory_order_relaxed);
  const int64_t idleTime = idleTimePool_.exchange(0, std::memory_order_relaxed);

  // Compute total GC time.
  int64_t windowGCTime = assistTime;
  if (gcEnabled_) windowGCTime += int64_t(double(windowTotalTime) * gcBackgroundUtilization);

  // Subtract out all idle time from the total time. Do this after computing
  // GC time, because the background utilization is dependent on the *real*
  // total time, not the total time after idle time is subtracted.
  windowTotalTime -= idleTime;

  accumulate(windowTotalTime - windowGCTime, windowGCTime);
}

// Go: runtime/mgclimit.go (*gcCPULimiterState).accumulate
void gcCPULimiterState::accumulate(int64_t mutatorTime, int64_t gcTime) {
  const uint64_t headroom = capacity_ - fill_;
  const bool enabled = headroom == 0;

  // Let's be careful about three things here:
  // 1. The possibility that we're filling or draining the bucket.
  // 2. The possibility that we're turning the limiter on or off.
  // 3. The possibility of overflow.
  const int64_t change = gcTime - mutatorTime;

  // Handle limiting case.
  if (change > 0 && headroom <= uint64_t(change)) {
    overflow_ += uint64_t(change) - headroom;
    fill_ = capacity_;
    if (!enabled) turnOn();
    return;
  }

  // Handle non-limiting cases.
  if (change < 0 && fill_ <= uint64_t(-change)) {
    // We're draining the bucket, but it's going to be empty.
    fill_ = 0;
  } else {
    // All other cases are simple adds (Go: fill -= uint64(-change), which
    // wraps to an add when change is positive).
    fill_ += uint64_t(change);
  }
  if (change != 0 && enabled) enabled_.store(false, std::memory_order_relaxed);
}

void gcCPULimiterState::turnOn() {
  enabled_.store(true, std::memory_order_relaxed);
  // Go: lastEnabledCycle.Store(memstats.numgc + 1) — the cycle under way.
  lastEnabledCycle_.store((numgc_ ? numgc_->load(std::memory_order_relaxed) : 0) + 1, std::memory_order_relaxed);
}

void gcCPULimiterState::unlock() {
  if (lock_.exchange(0, std::memory_order_release) != 1) throwFatal("double unlock");
}

// Go: runtime/mgclimit.go (*gcCPULimiterState).resetCapacity
void gcCPULimiterState::resetCapacity(int64_t now, int32_t nprocs) {
  if (!tryLock()) throwFatal("failed to acquire lock to reset capacity");
  // Flush the rest of the time for this period.
  updateLocked(now);
  nprocs_.store(nprocs, std::memory_order_relaxed);

  capacity_ = uint64_t(nprocs) * capacityPerProc_;
  if (fill_ > capacity_) {
    fill_ = capacity_;
    turnOn();
  } else if (fill_ < capacity_) {
    enabled_.store(false, std::memory_order_relaxed);
  }
  unlock();
}

// ------------------------------------------------- what the collector feeds

// Go: the limiterEventIdle half of updateLocked's walk over allp, and
// pidleget's limiterEvent.stop — idle P time, taken out of the window.
int64_t Collector::consumeIdleTime(int64_t now) {
  int64_t idle = rt->sched.idleTimePool.exchange(0, std::memory_order_relaxed);
  std::lock_guard<std::mutex> g(rt->allpLock);
  for (P* pp : rt->allp) {
    // Go: limiterEvent.consume — count the stretch so far and restart it now.
    int64_t since = pp->idleSince.load(std::memory_order_relaxed);
    while (since >= 0 && now > since) {
      if (pp->idleSince.compare_exchange_weak(since, now, std::memory_order_relaxed)) {
        idle += now - since;
        break;
      }
    }
  }
  return idle;
}

// Go: gcCPULimiter.update(now), with the idle time the scheduler kept.
void Collector::limiterUpdate(int64_t now) {
  limiter.addIdleTime(consumeIdleTime(now));
  limiter.update(now);
}

// Go: gcStart's startGCTransition(true) / gcMarkDone's startGCTransition(false).
// The world is stopped, so this is also where a GOMAXPROCS change reaches
// the limiter: Go's procresize calls resetCapacity with the world stopped,
// since it must not meet an update holding the limiter's lock.
void Collector::limiterStartTransition(bool enableGC, int64_t now) {
  limiter.addIdleTime(consumeIdleTime(now));
  if (const int32_t procs = rt->gomaxprocs.load(std::memory_order_relaxed); procs != limiter.nprocs())
    limiter.resetCapacity(now, procs);
  limiter.startGCTransition(enableGC, now);
}

// Go: the end of gcAssistAlloc1 — "_p_.gcAssistTime += duration ... if
// _p_.gcAssistTime > gcAssistTimeSlack { ...; gcCPULimiter.update(now) }".
void Collector::noteAssistTime(PerP& pp, int64_t duration) {
  limiter.addAssistTime(duration);
  pp.gcAssistTime += duration;
  if (pp.gcAssistTime > gcAssistTimeSlack) {
    pp.gcAssistTime = 0;
    limiterUpdate(nanotime());
  }
}

// Go: deductAssistCredit (the debit; an assist only when in debt), then
// gcAssistAlloc's "retry: if gcCPULimiter.limiting() { return }" — with the
// limiter on, the goroutine allocates in debt — and the time accounting at
// the end of gcAssistAlloc1.
int64_t Collector::assist(G* gp, uintptr size) {
  gp->gcAssistBytes -= int64_t(size);
  if (gp->gcAssistBytes >= 0) return 0;
  if (limiter.limiting()) return 0;
  const int64_t t0 = nanotime();
  const int64_t cost = gcAssistAlloc(gp, 0);  // already debited
  const int64_t duration = simulated() ? cost : nanotime() - t0;
  if (duration > 0) noteAssistTime(perP(getm()->p), duration);
  return cost;
}

}  // namespace rt::gc
