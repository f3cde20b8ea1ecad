// syscalls: goroutines that alternate computing and blocking system calls.
// While a goroutine blocks, its P sits in _Psyscall; after one sysmon tick
// sysmon retakes it and hands it to another M (handoffp), so the other
// goroutines keep the CPUs busy. Watch threads= grow in schedtrace and the
// handoff and retake counters.
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"

namespace lab {

namespace {

rt::Goroutine caller(int rounds, rt::WaitGroup* wg, std::atomic<int64_t>* calls) {
  for (int r = 0; r < rounds; r++) {
    co_await rt::cpu(20 * 1000);
    // A blocking call: on real threads, this thread sleeps in the kernel for 1 ms.
    co_await rt::syscallFor(1000 * 1000);
    calls->fetch_add(1, std::memory_order_relaxed);
  }
  wg->Done();
}

rt::Goroutine syscallsMain(ScenarioParams params, ScenarioResult* out) {
  rt::WaitGroup wg;
  std::atomic<int64_t> calls{0};
  const int rounds = 20;
  int64_t start = rt::nanotime();
  wg.Add(static_cast<int>(params.size));
  for (int64_t i = 0; i < params.size; i++) rt::go(caller(rounds, &wg, &calls), "main.caller");
  co_await wg.Wait();
  out->wallNs = rt::nanotime() - start;
  out->result = calls.load();
  out->passed = out->result == params.size * rounds;
  out->text = std::to_string(out->result) + " blocking calls by " + std::to_string(params.size) +
              " goroutines in " + std::to_string(out->wallNs / 1000000) + " ms";
  out->textZh = std::to_string(params.size) + " 个 goroutine 在 " + std::to_string(out->wallNs / 1000000) + " ms 内完成 " +
                std::to_string(out->result) + " 次阻塞调用";
}

}  // namespace

Scenario syscallsScenario() {
  return Scenario{
      .name = "syscalls",
      .summary = {"goroutines alternate work and 1 ms blocking calls: sysmon hands their Ps off",
                  "goroutine 交替计算与 1 ms 的阻塞系统调用：sysmon 把它们的 P 转交出去"},
      .details = {"--size is the number of goroutines (default 8), each making 20 calls.",
                  "--size 为 goroutine 数（默认 8），每个调用 20 次。"},
      .defaultSize = 8,
      .sizeMeaning = "goroutines",
      .minSize = 1,
      .maxSize = 64,
      .fixedProcs = 0,
      .checkSize = {},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return syscallsMain(p, out); },
  };
}

}  // namespace lab
