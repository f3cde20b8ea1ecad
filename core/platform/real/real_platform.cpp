#include "platform/real/real_platform.hpp"

#include <chrono>

#include "sched/m.hpp"

namespace rt {

RealPlatform::~RealPlatform() { joinThreads(); }

int64_t RealPlatform::nanotime() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool RealPlatform::threadsAvailable() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return false;
#else
  return true;
#endif
}

bool RealPlatform::newosproc(M* mp, void (*fn)(M*)) {
  if (!threadsAvailable()) return false;
  std::lock_guard<std::mutex> lock(mu_);
  threads_.emplace_back([mp, fn] {
    setm(mp);
    fn(mp);
  });
  return true;
}

void RealPlatform::joinThreads() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

// A note's key is 0 (clear) or 1 (woken). The sleeper waits while it is 0.
void RealPlatform::notesleep(Note* n) {
  // acquire: pairs with the release store in notewakeup.
  while (n->key.load(std::memory_order_acquire) == 0) n->key.wait(0, std::memory_order_acquire);
}

bool RealPlatform::notetsleep(Note* n, int64_t ns) {
  // C++20 has no timed atomic wait; poll in short sleeps, doubling from 1 µs
  // up to 1 ms so that short timeouts stay precise and long ones stay cheap.
  const int64_t deadline = nanotime() + ns;
  int64_t step = 1000;
  while (n->key.load(std::memory_order_acquire) == 0) {
    int64_t now = nanotime();
    if (now >= deadline) return false;
    int64_t d = std::min(step, deadline - now);
    std::this_thread::sleep_for(std::chrono::nanoseconds(d));
    step = std::min<int64_t>(step * 2, 1000000);
  }
  return true;
}

void RealPlatform::notewakeup(Note* n) {
  // release: the sleeper sees what we wrote before waking it.
  n->key.store(1, std::memory_order_release);
  n->key.notify_one();
}

void RealPlatform::noteclear(Note* n) { n->key.store(0, std::memory_order_relaxed); }

void RealPlatform::usleep(int64_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }

void RealPlatform::osyield() { std::this_thread::yield(); }

}  // namespace rt
