// timers: many goroutines wait for timeouts of different lengths. With
// `--timers heap` (Go's way) each wait is a timer on the sleeper's P: Ms
// run due timers in findRunnable, thieves steal them in stealWork's last
// round, and an idle M waits for the earliest one. With `--timers wheel`
// (not Go: the course's source text's HashedWheelTimer, wheel_timers.hpp)
// every timeout goes into one hashed timing wheel that a driver goroutine
// advances each --tick. The run reports how late the wake-ups were.
#include <algorithm>
#include <memory>
#include <vector>

#include "lab/scenarios/builtin.hpp"
#include "lab/scenarios/wheel_timers.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"
#include "util/duration.hpp"

namespace lab {

namespace {

rt::Goroutine sleeper(int64_t ns, WheelTimers* wheel, rt::WaitGroup* wg, int64_t* lateness) {
  const int64_t deadline = rt::nanotime() + ns;
  int64_t firedAt = 0;
  if (wheel == nullptr) {
    co_await rt::Sleep{ns};
    firedAt = rt::nanotime();
  } else {
    std::shared_ptr<WheelTimers::Timeout> t = wheel->After(deadline);
    firedAt = co_await t->C.recv();
  }
  *lateness = firedAt - deadline;
  wg->Done();
}

// The p-quantile of sorted values (nearest rank).
int64_t quantile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = size_t(p * double(sorted.size()));
  return sorted[std::min(rank, sorted.size() - 1)];
}

rt::Goroutine timersMain(ScenarioParams params, ScenarioResult* out) {
  const int64_t n = params.size;
  const bool useWheel = params.option("timers") == kTimersWheel;
  std::vector<int64_t> lateness(static_cast<size_t>(n));
  rt::WaitGroup wg;
  wg.Add(static_cast<int>(n));
  const int64_t start = rt::nanotime();
  std::unique_ptr<WheelTimers> wheel;
  rt::Chan<int64_t> stop(0);
  rt::WaitGroup driverExited;
  if (useWheel) {
    // Netty's default wheel: 512 buckets.
    wheel = std::make_unique<WheelTimers>(params.option("tick"), 512, start);
    driverExited.Add(1);
    rt::go(
        [](WheelTimers* w, rt::Chan<int64_t>* s, rt::WaitGroup* exited) -> rt::Goroutine {
          co_await w->drive(s);
          exited->Done();
        }(wheel.get(), &stop, &driverExited),
        "main.wheelDriver");
  }
  for (int64_t i = 0; i < n; i++)
    rt::go(sleeper((i % 10 + 1) * 1000000, wheel.get(), &wg, &lateness[static_cast<size_t>(i)]), "main.sleeper");
  co_await wg.Wait();
  if (useWheel) {
    co_await stop.close();
    co_await driverExited.Wait();
  }
  out->wallNs = rt::nanotime() - start;
  std::vector<int64_t> sorted = lateness;
  std::sort(sorted.begin(), sorted.end());
  int64_t sum = 0;
  for (int64_t l : sorted) sum += l;
  const int64_t mean = n ? sum / n : 0, p50 = quantile(sorted, 0.50), p99 = quantile(sorted, 0.99),
                maxLate = sorted.empty() ? 0 : sorted.back();
  out->result = n;
  out->passed = sorted.empty() || sorted.front() >= 0;  // nobody woke before its deadline
  out->metrics.emplace_back("maxLatenessNs", maxLate);
  out->metrics.emplace_back("meanLatenessNs", mean);
  out->metrics.emplace_back("p50LatenessNs", p50);
  out->metrics.emplace_back("p99LatenessNs", p99);
  if (useWheel) out->metrics.emplace_back("wheelTicks", int64_t(wheel->ticks()));
  const std::string how = useWheel ? "a timing wheel of " + util::formatDuration(params.option("tick")) + " ticks"
                                   : "the per-P timer heaps";
  const std::string howZh = useWheel ? util::formatDuration(params.option("tick")) + " 一格的时间轮" : "每个 P 的定时器堆";
  out->text = std::to_string(n) + " sleepers woke up on " + how + "; lateness p50 " + util::formatDuration(p50) +
              ", p99 " + util::formatDuration(p99) + ", max " + util::formatDuration(maxLate) + ", mean " +
              util::formatDuration(mean);
  out->textZh = std::to_string(n) + " 个睡眠者在" + howZh + "上被唤醒；迟到 p50 " + util::formatDuration(p50) +
                "，p99 " + util::formatDuration(p99) + "，最大 " + util::formatDuration(maxLate) + "，平均 " +
                util::formatDuration(mean);
}

}  // namespace

Scenario timersScenario() {
  return Scenario{
      .name = "timers",
      .summary = {"goroutines wait 1..10 ms on Go's per-P timer heaps, or on a timing wheel; reports lateness",
                  "goroutine 在 Go 的每 P 定时器堆或时间轮上等待 1..10 ms；报告唤醒延迟"},
      .details = {"--size is the number of sleepers (default 100, at most 500000). --timers wheel puts every "
                  "timeout into one hashed timing wheel (not Go's: the course's source text's HashedWheelTimer) "
                  "advanced every --tick by a driver goroutine.",
                  "--size 为睡眠的 goroutine 数（默认 100，最多 500000）。--timers wheel 把所有超时放进一个哈希时间轮"
                  "（不是 Go 的做法：课程原文中的 HashedWheelTimer），由一个驱动 goroutine 每 --tick 推进一次。"},
      .defaultSize = 100,
      .sizeMeaning = "sleepers",
      .minSize = 1,
      .maxSize = 500000,
      .fixedProcs = 0,
      .checkSize = {},
      .options = timerOptions(),
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return timersMain(p, out); },
  };
}

}  // namespace lab
