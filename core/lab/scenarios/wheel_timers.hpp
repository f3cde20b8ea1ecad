// Timeouts on a hashed timing wheel (timing_wheel.hpp) instead of the
// runtime's timers, the way a Go program would build them over a
// time.Ticker — the `--timers wheel` of the timers and service scenarios.
//
//   wheel := newWheelTimers(tick)   // one driver goroutine for all timeouts
//   t := wheel.After(deadline)      // instead of time.NewTimer(d)
//   select { case <-result: wheel.Stop(t); case at := <-t.C: ... }
//
// The driver wakes at every tick (a Ticker: the runtime's timer heap holds
// one timer, not one per timeout), advances the wheel and sends the time on
// the channel of each timeout that expired. A timeout is therefore up to a
// tick late by design, plus however late the driver goroutine runs.
// Goroutines add and stop timeouts under a lock the driver also takes to
// advance (Netty queues them for its worker thread instead).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "lab/scenarios/timing_wheel.hpp"
#include "lab/shell/command.hpp"
#include "sched/chan.hpp"
#include "sched/goroutine.hpp"
#include "sched/time.hpp"

namespace lab {

// The flags that choose them, shared by the scenarios that offer both:
// --timers heap|wheel (ScenarioParams::option: kTimersHeap or kTimersWheel)
// and --tick D.
inline constexpr int64_t kTimersHeap = 0, kTimersWheel = 1;
std::vector<FlagSpec> timerOptions();

class WheelTimers {
 public:
  // One timeout: C receives the time the driver expired it. The wheel
  // does not own it: keep it until Stop returned true or C delivered (the
  // driver takes a reference of its own when it expires one, so a Stop
  // that comes too late leaves nothing dangling).
  struct Timeout : std::enable_shared_from_this<Timeout> {
    WheelTimeout entry;
    rt::Chan<rt::time::Time> C{1};
  };

  WheelTimers(int64_t tickNs, uint32_t ticksPerWheel, int64_t startNs) : wheel_(tickNs, ticksPerWheel, startNs) {}

  // A timeout at `deadline` (absolute, rt::nanotime's clock).
  std::shared_ptr<Timeout> After(int64_t deadline);
  // True if t had not expired (it never will now).
  bool Stop(const std::shared_ptr<Timeout>& t);

  // The driver: what its goroutine runs (co_await), until `stop` is closed.
  rt::Task<> drive(rt::Chan<int64_t>* stop);

  uint64_t ticks() const;

 private:
  mutable std::mutex mu_;
  TimingWheel wheel_;
};

}  // namespace lab
