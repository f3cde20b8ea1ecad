// sync.WaitGroup and sync.Mutex for goroutines.
//
// Go builds both on runtime semaphores (runtime/sema.go: semacquire parks the
// goroutine on a queue keyed by the semaphore's address; semrelease readies
// one). The lab gives each object its own small queue instead of Go's shared
// semaphore table — same behaviour, one less indirection to read through.
#pragma once

#include <atomic>
#include <cstdint>

#include "sched/goroutine.hpp"
#include "sched/lock.hpp"

namespace rt {

// Go: sync.WaitGroup. Add/Done change the counter; Wait parks until it is 0.
class WaitGroup {
 public:
  void Add(int delta);
  void Done() { Add(-1); }

  struct WaitAwaiter {
    WaitGroup* wg;
    bool park = false;  // await_ready queued us and kept the lock
    bool await_ready() noexcept;
    void await_suspend(coro::coroutine_handle<>) noexcept;
    void await_resume() const noexcept {}
  };
  WaitAwaiter Wait() { return WaitAwaiter{this}; }

 private:
  RuntimeLock lock_;
  int64_t counter_ = 0;
  GQueue waiters_;  // parked in Wait, "semacquire"
};

// Go: sync.Mutex. The lab's version is always fair: Unlock hands the mutex
// to the longest waiter (Go's "starvation mode"); Go's normal mode, where a
// running goroutine may barge in first, and its spinning are left out.
class Mutex {
 public:
  struct LockAwaiter {
    Mutex* mu;
    bool park = false;  // await_ready queued us and kept the lock
    bool await_ready() noexcept;
    void await_suspend(coro::coroutine_handle<>) noexcept;
    void await_resume() const noexcept {}
  };
  LockAwaiter Lock() { return LockAwaiter{this}; }
  bool TryLock();
  void Unlock();

 private:
  RuntimeLock lock_;
  bool locked_ = false;
  GQueue waiters_;  // parked in Lock, "sync.Mutex.Lock"
};

}  // namespace rt
