// Bounded waits for tests. A test that needs something to have happened
// waits for that very thing, not for a length of time guessed to be enough
// (too short on a loaded machine or under a sanitizer, and a waste
// everywhere else); and if it never happens, the wait gives up after
// kWaitLimit and the test fails saying what it waited for, instead of
// hanging until ctest's timeout kills it without a word.
//
// Goroutines that wait for each other use the runtime's own means where
// they can, as Go's tests do: a channel, a sync.WaitGroup, or a select with
// a time.After case as the bound. These helpers are for what those cannot
// express: a condition on shared state, read by an OS thread or polled by a
// goroutine.
#pragma once

#include <chrono>
#include <cstdint>

#include "sched/api.hpp"
#include "sched/goroutine.hpp"

namespace testwait {

// Far beyond any wait that succeeds, even on a loaded two-core machine under
// ThreadSanitizer, and well within ctest's timeout.
inline constexpr std::chrono::seconds kWaitLimit{10};
// The same in nanoseconds, for the runtime's clocks: a goroutine's bound is
// `case <-time.After(testwait::kWaitLimitNs)` in a select.
inline constexpr int64_t kWaitLimitNs = std::chrono::nanoseconds(kWaitLimit).count();

// A deadline on the host's steady clock, on either engine: the simulator's
// virtual time may not move at all while a goroutine only polls.
class Deadline {
 public:
  explicit Deadline(std::chrono::nanoseconds limit = kWaitLimit) : end_(std::chrono::steady_clock::now() + limit) {}
  bool passed() const { return std::chrono::steady_clock::now() >= end_; }

 private:
  std::chrono::steady_clock::time_point end_;
};

// On an OS thread: spin until done() holds. False if it still does not once
// the limit has passed. The clock is read every 1024 tries only, so a
// rendezvous met at once costs no clock reads.
template <typename Pred>
bool spinUntil(Pred done, std::chrono::nanoseconds limit = kWaitLimit) {
  const Deadline deadline(limit);
  for (uint32_t n = 1;; n++) {
    if (done()) return true;
    if (n % 1024 == 0 && deadline.passed()) return done();
  }
}

// In a goroutine: runtime.Gosched() until done() holds, so that the
// goroutines it waits for get to run. False if it still does not once the
// limit has passed.
template <typename Pred>
rt::Task<bool> goschedUntil(Pred done, std::chrono::nanoseconds limit = kWaitLimit) {
  const Deadline deadline(limit);
  while (!done()) {
    if (deadline.passed()) co_return done();
    co_await rt::Gosched();
  }
  co_return true;
}

}  // namespace testwait
