// deadlock: every goroutine ends up blocked. When the last M goes idle,
// checkdead finds no running M, no runnable G and no timer, and the program
// dies with Go's message: "fatal error: all goroutines are asleep - deadlock!"
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/sync.hpp"

namespace lab {

namespace {

rt::Goroutine waiter(rt::Chan<int>* c, rt::WaitGroup* wg) {
  co_await c->recv();  // nobody ever sends
  wg->Done();
}

rt::Goroutine deadlockMain(ScenarioParams params, ScenarioResult* out) {
  rt::Chan<int> c;
  rt::WaitGroup wg;
  wg.Add(static_cast<int>(params.size));
  for (int64_t i = 0; i < params.size; i++) rt::go(waiter(&c, &wg), "main.waiter");
  co_await wg.Wait();  // never returns
  out->text = "unreachable";
}

}  // namespace

Scenario deadlockScenario() {
  return Scenario{
      .name = "deadlock",
      .summary = {"every goroutine blocks: checkdead ends the program with Go's fatal error",
                  "所有 goroutine 都阻塞：checkdead 以 Go 的 fatal error 结束程序"},
      .details = {"--size is the number of blocked workers besides main (default 3).",
                  "--size 为除 main 以外阻塞的 worker 数（默认 3）。"},
      .defaultSize = 3,
      .sizeMeaning = "blocked goroutines",
      .minSize = 0,
      .maxSize = 10000,
      .fixedProcs = 0,
      .checkSize = {},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return deadlockMain(p, out); },
  };
}

}  // namespace lab
