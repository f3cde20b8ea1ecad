#include "lab/interrupt.hpp"

#include <chrono>

#include "util/duration.hpp"

namespace lab {

int64_t hostNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RunBudget::RunBudget(const RunLimits& limits, const InterruptFlag* interrupt, uint64_t simEventsNow)
    : active_(true),
      limits_(limits),
      interrupt_(interrupt),
      deadline_(limits.hostNs > 0 ? hostNanos() + limits.hostNs : 0),
      eventsAtStart_(simEventsNow) {}

StopReason RunBudget::check(uint64_t simEventsNow) const {
  if (!active_) return StopReason::None;
  if (interrupt_ && interrupt_->requested()) return StopReason::Interrupted;
  if (limits_.simEvents > 0 && simEventsNow - eventsAtStart_ >= limits_.simEvents) return StopReason::SimEvents;
  if (deadline_ != 0 && hostNanos() >= deadline_) return StopReason::HostTime;
  return StopReason::None;
}

uint64_t RunBudget::eventsLeft(uint64_t simEventsNow) const {
  if (!active_ || limits_.simEvents == 0) return UINT64_MAX;
  const uint64_t used = simEventsNow - eventsAtStart_;
  return used >= limits_.simEvents ? 0 : limits_.simEvents - used;
}

std::vector<FlagSpec> limitFlags() {
  return {
      FlagSpec{.name = "timeout",
               .type = FlagType::Duration,
               .valueName = "D",
               .defaultValue = util::formatDuration(kDefaultHostLimitNs),
               .help = {"stop the run after this much host time (the lab's own limit; 0: none)",
                        "运行超过这么多主机时间就停下（实验室自己的限制；0 表示不限）"}},
      FlagSpec{.name = "max-events",
               .type = FlagType::Int,
               .valueName = "N",
               .defaultValue = std::to_string(kDefaultSimEventLimit),
               .help = {"simulator: stop the run after this many events (the lab's own limit; 0: none)",
                        "模拟器：处理这么多事件后停下（实验室自己的限制；0 表示不限）"},
               .min = 0,
               .max = INT64_MAX},
  };
}

RunLimits limitsFrom(const Invocation& inv, const RunLimits& base) {
  RunLimits l = base;
  if (inv.flagGiven("timeout")) l.hostNs = inv.durationFlag("timeout");
  if (inv.flagGiven("max-events")) l.simEvents = static_cast<uint64_t>(inv.intFlag("max-events"));
  return l;
}

const char* stopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::Interrupted: return "interrupted";
    case StopReason::HostTime: return "timeout";
    case StopReason::SimEvents: return "max-events";
    case StopReason::None: break;
  }
  return "";
}

}  // namespace lab
