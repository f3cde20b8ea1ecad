// hog: Go's TestPingPongHog (runtime/proc_test.go) on one P.
// Two "hog" goroutines pass a token back and forth, doing 10^6 increments per
// turn; two "light" ones do 10^3. A token handed over through runnext lets
// the receiver inherit the sender's time slice, so without preemption a hog
// pair could keep the P forever. sysmon's 10 ms time slice (forcePreemptNS)
// breaks in: the test passes when both counts are within a factor of 20.
#include <algorithm>
#include <atomic>

#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"

namespace lab {

namespace {

// Go's version selects on `done` and `wake`; a flag checked after each turn
// has the same effect here. Each increment stands for 1 ns of computing, in
// bursts of 1024 with a safe point after each, the one Go's compiler would
// give a loop of function calls.
rt::Goroutine runPair(int64_t limit, int64_t* counter, rt::Chan<bool>* wake, std::atomic<bool>* done) {
  for (;;) {
    co_await wake->recv();
    for (int64_t i = 0; i < limit; i += 1024) {
      const int64_t n = std::min<int64_t>(1024, limit - i);
      co_await rt::cpu(n);
      *counter += n;
      co_await rt::checkpoint();
    }
    co_await wake->send(true);
    if (done->load(std::memory_order_acquire)) co_return;
  }
}

rt::Goroutine hogMain(ScenarioParams params, ScenarioResult* out) {
  std::atomic<bool> done{false};
  rt::Chan<bool> hogChan, lightChan;
  int64_t hogCount = 0, lightCount = 0;
  // Start two co-scheduled hog goroutines, and two light ones.
  for (int i = 0; i < 2; i++) rt::go(runPair(1000000, &hogCount, &hogChan, &done), "main.hog");
  for (int i = 0; i < 2; i++) rt::go(runPair(1000, &lightCount, &lightChan, &done), "main.light");
  // Start the pairs and wait for a few preemption rounds.
  int64_t start = rt::nanotime();
  co_await hogChan.send(true);
  co_await lightChan.send(true);
  co_await rt::Sleep{params.size * 1000000};
  done.store(true, std::memory_order_release);
  co_await hogChan.recv();
  co_await lightChan.recv();
  out->wallNs = rt::nanotime() - start;
  // Go: hogCount/20 > lightCount || lightCount/20 > hogCount is a failure.
  out->passed = !(hogCount / 20 > lightCount || lightCount / 20 > hogCount);
  out->result = out->passed ? 1 : 0;
  out->metrics.emplace_back("hogCount", hogCount);
  out->metrics.emplace_back("lightCount", lightCount);
  out->text = "hogCount " + std::to_string(hogCount) + ", lightCount " + std::to_string(lightCount) + ": " +
              (out->passed ? "within a factor of 20 (fair)" : "NOT within a factor of 20 (starvation)");
  out->textZh = "hogCount " + std::to_string(hogCount) + "，lightCount " + std::to_string(lightCount) + "：" +
                (out->passed ? "相差不到 20 倍（公平）" : "相差超过 20 倍（饥饿）");
  // Explicit co_return: the pair goroutines may still read `done` after the
  // token they sent us, and the run must end before main's locals go away
  // (see core/sched/goroutine.hpp).
  co_return;
}

}  // namespace

Scenario hogScenario() {
  return Scenario{
      .name = "hog",
      .summary = {"Go's TestPingPongHog: CPU hogs must not starve light goroutines on one P",
                  "Go 的 TestPingPongHog：在单个 P 上，CPU 密集的 goroutine 不能饿死轻量 goroutine"},
      .details = {"Runs with GOMAXPROCS=1. --size is the duration in milliseconds (default 100).",
                  "固定 GOMAXPROCS=1。--size 为持续时间（毫秒，默认 100）。"},
      .defaultSize = 100,
      .sizeMeaning = "milliseconds",
      .minSize = 1,
      .maxSize = 60000,
      .fixedProcs = 1,
      .checkSize = {},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return hogMain(p, out); },
  };
}

}  // namespace lab
