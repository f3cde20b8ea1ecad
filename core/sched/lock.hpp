// The runtime's own lock for short critical sections (sched.lock, channels,
// WaitGroup and Mutex queues).
//
// Go: runtime/lock_futex.go. Go's runtime mutex spins briefly, then yields,
// then sleeps on a futex. Critical sections here are a few dozen instructions
// (move an element, link a sudog), so the lab's version spins with backoff
// and then yields the thread; it never parks. Unlike std::mutex it may be
// released by the M that parks the goroutine that took it (park_m runs the
// unlock function), which is exactly the hand-over chansend needs.
#pragma once

#include <atomic>
#include <thread>

namespace rt {

class RuntimeLock {
 public:
  void lock() noexcept {
    // acquire: pairs with the release in unlock; the critical section sees
    // what the previous holder wrote.
    for (int spins = 0; held_.exchange(true, std::memory_order_acquire); spins++) {
      // Test before test-and-set: wait on a shared cache line instead of
      // bouncing it between cores with writes. Spin with growing pauses
      // first (the holder is likely running and nearly done), then yield the
      // thread (the holder may have been descheduled).
      while (held_.load(std::memory_order_relaxed)) {
        if (spins < 8) {
          for (int i = 0; i < (1 << spins); i++) cpuRelax();
          spins++;
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() noexcept { held_.store(false, std::memory_order_release); }

 private:
  static void cpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  std::atomic<bool> held_{false};
};

}  // namespace rt
