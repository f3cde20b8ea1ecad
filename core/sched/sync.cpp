#include "sched/sync.hpp"

#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt {

namespace {
// The park_m unlock function for both: release the object's lock once the G
// is parked, so a concurrent Done/Unlock can only ready a fully parked G.
bool unlockRuntimeLock(G*, void* lock) {
  static_cast<RuntimeLock*>(lock)->unlock();
  return true;
}
}  // namespace

// Go: sync/waitgroup.go (*WaitGroup).Add
void WaitGroup::Add(int delta) {
  lock_.lock();
  counter_ += delta;
  if (counter_ < 0) {
    lock_.unlock();
    gopanic("sync: negative WaitGroup counter");
    return;
  }
  if (counter_ > 0 || waiters_.empty()) {
    lock_.unlock();
    return;
  }
  // Counter is 0 and there are waiters: wake them all (Go: runtime_Semrelease
  // once per waiter).
  GQueue ready = waiters_;
  waiters_ = GQueue{};
  lock_.unlock();
  while (G* gp = ready.pop()) goready(gp);
}

bool WaitGroup::WaitAwaiter::await_ready() noexcept {
  wg->lock_.lock();
  if (wg->counter_ == 0) {
    wg->lock_.unlock();
    return !preemptRequested();
  }
  wg->waiters_.pushBack(getg());
  park = true;
  return false;  // lock held until the G is parked
}

void WaitGroup::WaitAwaiter::await_suspend(coro::coroutine_handle<>) noexcept {
  if (park) gopark(unlockRuntimeLock, &wg->lock_, WaitReason::Semacquire);
  else detail::yieldForPreemption();
}

// Go: sync/mutex.go (*Mutex).Lock
bool Mutex::LockAwaiter::await_ready() noexcept {
  mu->lock_.lock();
  if (!mu->locked_) {
    mu->locked_ = true;
    mu->lock_.unlock();
    return !preemptRequested();
  }
  mu->waiters_.pushBack(getg());
  park = true;
  return false;  // lock held until the G is parked
}

void Mutex::LockAwaiter::await_suspend(coro::coroutine_handle<>) noexcept {
  if (park) gopark(unlockRuntimeLock, &mu->lock_, WaitReason::SyncMutexLock);
  else detail::yieldForPreemption();
}

bool Mutex::TryLock() {
  lock_.lock();
  bool ok = !locked_;
  locked_ = true;
  lock_.unlock();
  return ok;
}

// Go: sync/mutex.go (*Mutex).Unlock — hand off to the first waiter.
void Mutex::Unlock() {
  lock_.lock();
  if (!locked_) {
    lock_.unlock();
    gopanic("sync: unlock of unlocked mutex");
    return;
  }
  G* next = waiters_.pop();
  if (!next) locked_ = false;  // otherwise the mutex passes to `next`, still locked
  lock_.unlock();
  if (next) goready(next);
}

}  // namespace rt
