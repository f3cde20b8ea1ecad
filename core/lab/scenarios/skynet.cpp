// skynet: the classic goroutine benchmark (github.com/atemerev/skynet).
// A 10-ary tree of goroutines: each node makes a channel, starts 10 children
// and sums what they send; each leaf sends its number. With 10^6 leaves that
// is 1,111,111 goroutines and as many channel sends; the answer is
// 0 + 1 + ... + 999999 = 499999500000.
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"

namespace lab {

namespace {

rt::Goroutine skynet(rt::Chan<int64_t>* c, int64_t num, int64_t size, int64_t div) {
  if (size == 1) {
    co_await c->send(num);
    co_return;
  }
  rt::Chan<int64_t> rc;
  int64_t sum = 0;
  for (int64_t i = 0; i < div; i++) {
    int64_t subNum = num + i * (size / div);
    rt::go(skynet(&rc, subNum, size / div, div), "main.skynet");
  }
  for (int64_t i = 0; i < div; i++) sum += co_await rc.recv();
  co_await c->send(sum);
}

rt::Goroutine skynetMain(ScenarioParams params, ScenarioResult* out) {
  rt::Chan<int64_t> c;
  int64_t start = rt::nanotime();
  rt::go(skynet(&c, 0, params.size, 10), "main.skynet");
  out->result = co_await c.recv();
  out->wallNs = rt::nanotime() - start;
  out->text = "result " + std::to_string(out->result);
  out->textZh = "结果 " + std::to_string(out->result);
  int64_t want = params.size * (params.size - 1) / 2;
  out->passed = out->result == want;
}

}  // namespace

Scenario skynetScenario() {
  return Scenario{
      .name = "skynet",
      .summary = {"a 10-ary tree of goroutines summing 0..size-1 over unbuffered channels",
                  "10 叉 goroutine 树，通过无缓冲 channel 求 0..size-1 之和"},
      .details = {"--size is the number of leaves (a power of 10; default 1000000: 1,111,111 goroutines).",
                  "--size 为叶子数（10 的幂；默认 1000000，共 1,111,111 个 goroutine）。"},
      .defaultSize = 1000000,
      .sizeMeaning = "leaves",
      .minSize = 1,
      .maxSize = 10000000,
      .fixedProcs = 0,
      .checkSize = [](int64_t n) -> std::string {
        while (n % 10 == 0) n /= 10;
        return n == 1 ? "" : "skynet needs --size to be a power of 10 (1, 10, 100, ... 10000000)";
      },
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return skynetMain(p, out); },
  };
}

}  // namespace lab
