// parallel: Go's TestGoroutineParallelism (runtime/proc_test.go). GOMAXPROCS
// goroutines take turns incrementing a counter — goroutine p may only move it
// from P*i+p — and spin without yielding while they wait. That finishes only
// if all of them run at the same time, on different Ms with different Ps.
#include <atomic>

#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"

namespace lab {

namespace {

constexpr int64_t kGiveUpNs = 2000000000;  // a failing run must still end

rt::Goroutine turnTaker(int P, int p, std::atomic<uint32_t>* x, std::atomic<bool>* failed,
                        rt::Chan<bool>* done) {
  int64_t start = rt::nanotime();
  for (int i = 0; i < 3; i++) {
    uint32_t expected = static_cast<uint32_t>(P * i + p);
    // Spin without a safe point, as Go's test does: only parallelism helps.
    // (Each turn of the loop computes for 100 ns, which is how a spin loop
    // spends time on the simulator too.)
    while (x->load(std::memory_order_acquire) != expected) {
      co_await rt::cpu(100);
      if (failed->load(std::memory_order_relaxed)) break;
      if (rt::nanotime() - start > kGiveUpNs) failed->store(true);
    }
    x->store(expected + 1, std::memory_order_release);
  }
  co_await done->send(true);
}

rt::Goroutine parallelMain(ScenarioParams params, ScenarioResult* out) {
  const int P = params.procs;
  const int64_t tries = params.size;
  std::atomic<bool> failed{false};
  int64_t start = rt::nanotime();
  int64_t completed = 0;
  for (int64_t t = 0; t < tries && !failed.load(); t++) {
    rt::Chan<bool> done;
    std::atomic<uint32_t> x{0};
    for (int p = 0; p < P; p++) rt::go(turnTaker(P, p, &x, &failed, &done), "main.turnTaker");
    for (int p = 0; p < P; p++) co_await done.recv();
    if (!failed.load()) completed++;
  }
  out->wallNs = rt::nanotime() - start;
  out->result = completed;
  out->passed = completed == tries;
  out->text = std::to_string(completed) + "/" + std::to_string(tries) + " tries had all " + std::to_string(P) +
              " goroutines running at once" + (out->passed ? "" : " (gave up after 2 s: not parallel)");
  out->textZh = std::to_string(tries) + " 次尝试中 " + std::to_string(completed) + " 次 " + std::to_string(P) +
                " 个 goroutine 同时在运行" + (out->passed ? "" : "（2 秒后放弃：没有并行）");
}

}  // namespace

Scenario parallelScenario() {
  return Scenario{
      .name = "parallel",
      .summary = {"Go's TestGoroutineParallelism: GOMAXPROCS goroutines must run at the same time",
                  "Go 的 TestGoroutineParallelism：GOMAXPROCS 个 goroutine 必须同时运行"},
      .details = {"--size is the number of tries (default 10).", "--size 为尝试次数（默认 10）。"},
      .defaultSize = 10,
      .sizeMeaning = "tries",
      .minSize = 1,
      .maxSize = 10000,
      .fixedProcs = 0,
      .checkSize = {},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return parallelMain(p, out); },
  };
}

}  // namespace lab
