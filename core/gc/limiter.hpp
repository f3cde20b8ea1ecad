// The GC CPU limiter: a bound on how much of the CPU the collector may take.
//
// Lesson. When the heap goal leaves almost no room (GOMEMLIMIT below the
// live heap, or a tiny GOGC), every allocation puts its goroutine in assist
// debt, and the program can spend nearly all of its time marking: a "death
// spiral". Go 1.19 added a limiter (mgclimit.go): a leaky bucket that fills
// with GC CPU time and drains with mutator time, both in CPU-nanoseconds
// (wall time x GOMAXPROCS). Its capacity is one CPU-second per P, so the
// limiter only turns on after the GC has taken more than half of the CPU
// for a sustained stretch; while it is on, goroutines stop assisting (they
// allocate in debt), and the background workers' 25 % is all the marking
// there is. The bucket never goes below empty: an idle day earns no credit
// for tomorrow's spiral.
//
// What counts as GC time: assists, the background workers (counted as the
// 25 % they are given, not measured), and every stop-the-world times all Ps
// (the world is stopped, so nobody else runs). Idle Ps and idle-priority
// marking count as neither: they are taken out of the window.
//
// This class is only the arithmetic, with time passed in, so that Go's own
// test (mgclimit_test.go TestGCCPULimiter) runs against it as written
// (tests/core/gc/limiter_test.cpp). The collector feeds it (limiter.cpp).
//
// Named simplifications: an assist or an idle stretch is counted when it
// ends (Go also takes the part of one still in progress at each update,
// through p.limiterEvent); a change of GOMAXPROCS is noticed at the
// collector's next stop-the-world rather than in procresize; the lab has no
// scavenger, so no scavenge assists.
#pragma once

#include <atomic>
#include <cstdint>

namespace rt::gc {

// Go: runtime/mgclimit.go gcCPULimiterUpdatePeriod — the longest the limiter
// goes without an update while the GC runs.
inline constexpr int64_t gcCPULimiterUpdatePeriod = 10'000'000;  // 10ms
// Go: runtime/mgclimit.go capacityPerProc — 1 second in nanoseconds.
inline constexpr uint64_t capacityPerProc = 1'000'000'000;
// Go: runtime/mgcmark.go gcAssistTimeSlack — assist time a P accumulates
// before it updates the limiter.
inline constexpr int64_t gcAssistTimeSlack = 5000;

// Go: runtime/mgclimit.go gcCPULimiterState
class gcCPULimiterState {
 public:
  // Go: limiting — is the limiter on (assists should not run)?
  bool limiting() const { return enabled_.load(std::memory_order_relaxed); }

  // Go: startGCTransition / finishGCTransition — around a stop-the-world
  // that turns the GC's marking on (enableGC) or off. The time between the
  // two counts as GC time on every P.
  void startGCTransition(bool enableGC, int64_t now);
  void finishGCTransition(int64_t now);

  // Go: needUpdate, update, addAssistTime, addIdleTime.
  bool needUpdate(int64_t now) const { return now - lastUpdate_.load(std::memory_order_relaxed) > gcCPULimiterUpdatePeriod; }
  void update(int64_t now);
  void addAssistTime(int64_t t) { assistTimePool_.fetch_add(t, std::memory_order_relaxed); }
  void addIdleTime(int64_t t) { idleTimePool_.fetch_add(t, std::memory_order_relaxed); }

  // Go: resetCapacity — at start-up and when GOMAXPROCS changes.
  void resetCapacity(int64_t now, int32_t nprocs);
  // The bucket per P (Go's is the constant capacityPerProc; tests make it
  // smaller to fill it in a short run). Takes effect at resetCapacity.
  void setCapacityPerProc(uint64_t ns) { capacityPerProc_ = ns; }

  // The GC cycle counter (Go: memstats.numgc) that lastEnabledCycle reads;
  // nullptr counts from 0 (tests).
  void setCycleCounter(const std::atomic<uint32_t>* numgc) { numgc_ = numgc; }

  // Go: the limiter's state, as runtime/metrics and export_test.go read it.
  uint64_t fill() const { return fill_; }
  uint64_t capacity() const { return capacity_; }
  uint64_t overflow() const { return overflow_; }
  int32_t nprocs() const { return nprocs_.load(std::memory_order_relaxed); }
  // Go: /gc/limiter/last-enabled:gc-cycle — the cycle during which the
  // limiter last turned on (0: never).
  uint32_t lastEnabledCycle() const { return lastEnabledCycle_.load(std::memory_order_relaxed); }

 private:
  bool tryLock() {
    uint32_t expected = 0;
    return lock_.compare_exchange_strong(expected, 1, std::memory_order_acquire);
  }
  void unlock();
  void updateLocked(int64_t now);
  void accumulate(int64_t mutatorTime, int64_t gcTime);
  void turnOn();

  // Go: lock — the limiter is updated by one thread at a time; an update
  // that finds it taken is skipped (the next one catches up).
  std::atomic<uint32_t> lock_{0};
  std::atomic<bool> enabled_{false};
  // Go: bucket.fill, bucket.capacity (0 <= fill <= capacity).
  uint64_t fill_ = 0, capacity_ = 0;
  // Go: overflow — GC CPU time that did not fit in the full bucket.
  uint64_t overflow_ = 0;
  // Go: gcEnabled — is the mark on (assists and background workers run)?
  bool gcEnabled_ = false;
  // Go: transitioning — between startGCTransition and finishGCTransition.
  bool transitioning_ = false;
  std::atomic<int64_t> assistTimePool_{0}, idleTimePool_{0};
  std::atomic<int64_t> lastUpdate_{0};
  std::atomic<uint32_t> lastEnabledCycle_{0};
  // Written under lock_; read without it by the collector, to notice a
  // GOMAXPROCS change, and by updates (hence atomic).
  std::atomic<int32_t> nprocs_{0};
  uint64_t capacityPerProc_ = capacityPerProc;
  const std::atomic<uint32_t>* numgc_ = nullptr;
};

}  // namespace rt::gc
