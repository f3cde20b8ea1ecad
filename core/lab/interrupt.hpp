// The lab's brakes on a command that runs a program: an interrupt (Ctrl-C in
// the CLI; Ctrl-C or the stop button in the page) and runaway limits, in host
// time and in work.
//
// Go's runtime has no such thing. A Go program runs until it exits or the OS
// ends it (Ctrl-C sends SIGINT, whose default action kills the process), and
// nothing limits how long it may compute. These are the lab's own: a lab
// session holds many runs, and a script that never ends (a `repeat` of
// `yield`s, `cpu 1h` on real threads, `until 99999h`) must not take the
// session with it. So each command that runs a program polls them at safe
// points — the simulator between two of its events, the real engine's
// waiting thread every few milliseconds — and the run stops there:
//
//   simulator    the run stays paused at that event: gs, ps, ms, runq and
//                the views show it, step / continue go on from there;
//   real engine  the run is ended (threads cannot be paused): every M stops
//                at its next scheduling point, a cpu burst or a sleeping
//                system call at once, and the inspectors show where it stood.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "lab/shell/command.hpp"

namespace lab {

// A request to stop the command under way, raised from another thread: the
// CLI's SIGINT handler, the page (with threads: an Atomics.store on the
// module's shared memory), a test. Each command starts with it cleared.
class InterruptFlag {
 public:
  void request() noexcept { word_.store(1, std::memory_order_relaxed); }
  bool requested() const noexcept { return word_.load(std::memory_order_relaxed) != 0; }
  void clear() noexcept { word_.store(0, std::memory_order_relaxed); }
  // The flag's 32-bit word: the page's threads build writes it directly.
  const std::atomic<int32_t>* word() const noexcept { return &word_; }

 private:
  // Lock-free, so a signal handler may store to it.
  static_assert(std::atomic<int32_t>::is_always_lock_free);
  std::atomic<int32_t> word_{0};
};

// Host time a command may spend running a program, where a learner waits
// for it: the CLI and the page set it as their HostInfo::runTimeoutNs. A
// lab made without it (the tests, whose machines may be loaded or slowed
// by sanitizers) has no host-time limit unless --timeout gives one, and
// relies on the event limit, which does not depend on the machine.
inline constexpr int64_t kDefaultHostLimitNs = 10LL * 1000 * 1000 * 1000;
// Simulator events a command may process by default: about 5 s natively,
// more in the page, and far more than any built-in scenario needs. Unlike
// host time it stops a run at the same event on every machine.
inline constexpr uint64_t kDefaultSimEventLimit = 50'000'000;

struct RunLimits {
  int64_t hostNs = 0;                          // 0: no limit
  uint64_t simEvents = kDefaultSimEventLimit;  // 0: no limit
};

enum class StopReason {
  None,
  Interrupted,  // the interrupt flag
  HostTime,     // RunLimits::hostNs
  SimEvents,    // RunLimits::simEvents
};

// One command's budget: from when the command starts moving a run.
class RunBudget {
 public:
  RunBudget() = default;  // inactive: never spent
  RunBudget(const RunLimits& limits, const InterruptFlag* interrupt, uint64_t simEventsNow);
  bool active() const { return active_; }
  // Polled at safe points: the reason to stop now, if any.
  StopReason check(uint64_t simEventsNow) const;
  // Simulator events this command may still process (UINT64_MAX: no limit),
  // so that the simulator stops exactly at the limit.
  uint64_t eventsLeft(uint64_t simEventsNow) const;
  const RunLimits& limits() const { return limits_; }

 private:
  bool active_ = false;
  RunLimits limits_;
  const InterruptFlag* interrupt_ = nullptr;
  int64_t deadline_ = 0;  // host nanoseconds (steady clock); 0: none
  uint64_t eventsAtStart_ = 0;
};

// The steady clock, in nanoseconds.
int64_t hostNanos();

// --timeout and --max-events, shared by run, step, until and continue.
std::vector<FlagSpec> limitFlags();
// The limits an invocation asks for: its flags over `base`.
RunLimits limitsFrom(const Invocation& inv, const RunLimits& base);

// Why a run stopped, as JSON names it: "interrupted", "timeout", "max-events".
const char* stopReasonName(StopReason reason);

}  // namespace lab
