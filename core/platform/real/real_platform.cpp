#include "platform/real/real_platform.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "runtime/throw.hpp"
#include "sched/g.hpp"
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

bool RealPlatform::newosproc(M* mp, MTask body) {
  if (!threadsAvailable()) {
    body.h.destroy();
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  try {
    threads_.emplace_back([mp, h = body.h]() mutable {
      setm(mp);
      h.resume();  // runs the whole body: no wait ever suspends it here
      if (!h.done()) throwFatal("real platform: an M's coroutine suspended");
      h.destroy();
    });
  } catch (const std::system_error&) {
    // The OS refused a thread (EAGAIN: ulimit -u, or memory for its
    // stack). Go's newosproc throws "newosproc" then; here newm ends the
    // run as fatal. The exception must not escape: this runs on an M's
    // thread, where it would terminate the process.
    body.h.destroy();
    return false;
  }
  return true;
}

std::string RealPlatform::runUntil(Note* done, const std::function<void()>& wakeAll) {
  // Sleep in short slices rather than one long wait: under wasm this thread
  // is the one that services requests from the workers, and the runtime's
  // own waits let it do so.
  while (!notetsleep(done, 50 * 1000 * 1000)) {
  }
  ending_.store(true, std::memory_order_relaxed);
  wakeAll();
  joinThreads();
  return {};
}

void RealPlatform::joinThreads() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

bool RealPlatform::waitNow(MWait& w) {
  switch (w.kind) {
    case WaitKind::Note:
      notesleep(w.note);
      w.result = 1;
      break;
    case WaitKind::NoteTimeout:
      w.result = notetsleep(w.note, w.ns) ? 1 : 0;
      break;
    case WaitKind::Compute: {
      // Really compute: spin on the clock. A preemption request is honoured
      // at the end of the burst, the next safe point; the end of the run
      // cuts it short.
      const int64_t end = nanotime() + w.ns;
      while (nanotime() < end && !ending_.load(std::memory_order_relaxed)) {
      }
      w.result = 0;
      break;
    }
    case WaitKind::Syscall:
      // The thread really blocks here, outside the scheduler's control.
      if (w.gp->call.fn) w.gp->call.fn(w.gp->call.arg);
      else if (w.gp->call.ns > 0) sleepUnlessEnding(w.gp->call.ns);
      break;
    case WaitKind::Overhead:
      break;  // the real cost is whatever the CPU took
  }
  return true;
}

void RealPlatform::waitLater(MWait&, coro::coroutine_handle<>) {
  throwFatal("real platform: waits never suspend");
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

// A system call that only takes time: slept in slices of at most 10 ms, so
// that the end of the run (ending_) cuts a long one short.
void RealPlatform::sleepUnlessEnding(int64_t ns) {
  const int64_t deadline = nanotime() + ns;
  for (int64_t now = nanotime(); now < deadline && !ending_.load(std::memory_order_relaxed); now = nanotime())
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(deadline - now, 10 * 1000 * 1000)));
}

void RealPlatform::usleep(int64_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }

void RealPlatform::osyield() { std::this_thread::yield(); }

}  // namespace rt
