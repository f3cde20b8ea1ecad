// fanout: main starts many CPU-bound workers at once. They all land on main's
// P (runnext, then the ring, then — when 256 are waiting — half of them spill
// to the global queue), so the other Ps only get work by stealing: watch the
// steal counters and schedtrace's per-P queue lengths.
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"

namespace lab {

namespace {

// 20 µs of computing, with a safe point every 1 µs, like the prologue
// checks of the functions a real worker would call.
rt::Goroutine worker(int64_t id, rt::Chan<int64_t>* results) {
  for (int round = 0; round < 20; round++) {
    co_await rt::cpu(1000);
    co_await rt::checkpoint();
  }
  co_await results->send(id);
}

rt::Goroutine fanoutMain(ScenarioParams params, ScenarioResult* out) {
  const int64_t n = params.size;
  rt::Chan<int64_t> results(static_cast<uint32_t>(n));
  int64_t start = rt::nanotime();
  for (int64_t i = 0; i < n; i++) rt::go(worker(i, &results), "main.worker");
  int64_t sum = 0;
  for (int64_t i = 0; i < n; i++) sum += co_await results.recv();
  out->wallNs = rt::nanotime() - start;
  out->result = sum;
  out->passed = sum == n * (n - 1) / 2;
  out->text = std::to_string(n) + " workers, sum of ids " + std::to_string(sum);
  out->textZh = std::to_string(n) + " 个 worker，id 之和 " + std::to_string(sum);
}

}  // namespace

Scenario fanoutScenario() {
  return Scenario{
      .name = "fanout",
      .summary = {"main starts many CPU-bound workers; idle Ps must steal them",
                  "main 一次启动大量 CPU 密集型 worker，空闲的 P 必须窃取它们"},
      .details = {"--size is the number of workers (default 10000). Try it with --godebug schedtrace=10.",
                  "--size 为 worker 数（默认 10000）。配合 --godebug schedtrace=10 观察。"},
      .defaultSize = 10000,
      .sizeMeaning = "workers",
      .minSize = 1,
      .maxSize = 1000000,
      .fixedProcs = 0,
      .checkSize = {},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return fanoutMain(p, out); },
  };
}

}  // namespace lab
