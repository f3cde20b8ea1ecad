#include "lab/scenarios/wheel_timers.hpp"

#include <vector>

#include "sched/api.hpp"
#include "sched/select.hpp"

namespace lab {

std::vector<FlagSpec> timerOptions() {
  return {FlagSpec{.name = "timers",
                   .type = FlagType::Choice,
                   .valueName = "T",
                   .defaultValue = "heap",
                   .help = {"timers, service: Go's per-P timer heaps, or one hashed timing wheel (not Go)",
                            "timers、service：Go 的每 P 定时器堆，或一个哈希时间轮（不是 Go 的）"},
                   .choices = {"heap", "wheel"}},
          FlagSpec{.name = "tick",
                   .type = FlagType::Duration,
                   .valueName = "D",
                   .defaultValue = "1ms",
                   .help = {"timers, service: the timing wheel's tick (with --timers wheel)",
                            "timers、service：时间轮一格的时长（配合 --timers wheel）"},
                   .choices = {},
                   .min = 10'000,
                   .max = 1'000'000'000}};
}

std::shared_ptr<WheelTimers::Timeout> WheelTimers::After(int64_t deadline) {
  auto t = std::make_shared<Timeout>();
  std::lock_guard<std::mutex> g(mu_);
  t->entry.arg = t.get();
  wheel_.add(&t->entry, deadline);
  return t;
}

bool WheelTimers::Stop(const std::shared_ptr<Timeout>& t) {
  std::lock_guard<std::mutex> g(mu_);
  return wheel_.cancel(&t->entry);
}

uint64_t WheelTimers::ticks() const {
  std::lock_guard<std::mutex> g(mu_);
  return wheel_.ticksProcessed();
}

rt::Task<> WheelTimers::drive(rt::Chan<int64_t>* stop) {
  rt::time::Ticker ticker = rt::time::NewTicker(wheel_.tick());
  std::vector<WheelTimeout*> expired;
  std::vector<std::shared_ptr<Timeout>> due;
  for (;;) {
    // A slow driver misses ticks (the Ticker drops them); advance catches
    // up on every tick that has ended.
    const int chosen = co_await rt::select(rt::recvCase(ticker.C), rt::recvCase(*stop));
    if (chosen == 1) break;
    const int64_t now = rt::nanotime();
    {
      std::lock_guard<std::mutex> g(mu_);
      wheel_.advance(now, &expired);
      // Its owner still holds each one (it has not seen C yet): take a reference.
      for (WheelTimeout* e : expired) due.push_back(static_cast<Timeout*>(e->arg)->shared_from_this());
      expired.clear();
    }
    // Each channel has room for the one send it ever gets: none blocks.
    for (const auto& t : due) co_await t->C.send(now);
    due.clear();
  }
  ticker.Stop();
}

}  // namespace lab
