// timers: many goroutines sleep for different times. Each sleep is a timer
// on the sleeper's P; Ms run due timers in findRunnable, thieves steal them in
// stealWork's last round, and an idle M waits for the earliest one. The run
// reports how late the wake-ups were.
#include <algorithm>

#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"

namespace lab {

namespace {

rt::Goroutine sleeper(int64_t ns, rt::WaitGroup* wg, int64_t* lateness) {
  int64_t start = rt::nanotime();
  co_await rt::Sleep{ns};
  *lateness = rt::nanotime() - start - ns;
  wg->Done();
}

rt::Goroutine timersMain(ScenarioParams params, ScenarioResult* out) {
  const int64_t n = params.size;
  std::vector<int64_t> lateness(static_cast<size_t>(n));
  rt::WaitGroup wg;
  wg.Add(static_cast<int>(n));
  int64_t start = rt::nanotime();
  for (int64_t i = 0; i < n; i++)
    rt::go(sleeper((i % 10 + 1) * 1000000, &wg, &lateness[static_cast<size_t>(i)]), "main.sleeper");
  co_await wg.Wait();
  out->wallNs = rt::nanotime() - start;
  int64_t maxLate = 0, sum = 0;
  for (int64_t l : lateness) {
    maxLate = std::max(maxLate, l);
    sum += l;
  }
  out->result = n;
  out->passed = std::all_of(lateness.begin(), lateness.end(), [](int64_t l) { return l >= 0; });
  out->metrics.emplace_back("maxLatenessNs", maxLate);
  out->metrics.emplace_back("meanLatenessNs", n ? sum / n : 0);
  out->text = std::to_string(n) + " sleepers woke up; mean lateness " + std::to_string(n ? sum / n / 1000 : 0) +
              " µs, max " + std::to_string(maxLate / 1000) + " µs";
  out->textZh = std::to_string(n) + " 个睡眠者被唤醒；平均迟到 " + std::to_string(n ? sum / n / 1000 : 0) + " µs，最大 " +
                std::to_string(maxLate / 1000) + " µs";
}

}  // namespace

Scenario timersScenario() {
  return Scenario{
      .name = "timers",
      .summary = {"goroutines sleep 1..10 ms on per-P timer heaps; reports wake-up lateness",
                  "goroutine 在每个 P 的定时器堆上睡眠 1..10 ms；报告唤醒延迟"},
      .details = {"--size is the number of sleepers (default 100).", "--size 为睡眠的 goroutine 数（默认 100）。"},
      .defaultSize = 100,
      .sizeMeaning = "sleepers",
      .minSize = 1,
      .maxSize = 100000,
      .fixedProcs = 0,
      .checkSize = {},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return timersMain(p, out); },
  };
}

}  // namespace lab
