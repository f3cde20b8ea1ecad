// pingpong: two goroutines bounce a value over two unbuffered channels.
// Each round trip is two handoffs; on one P they go through runnext, so the
// pair shares one time slice and never touches the other queues.
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"

namespace lab {

namespace {

rt::Goroutine ponger(rt::Chan<int64_t>* ping, rt::Chan<int64_t>* pong, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    int64_t v = co_await ping->recv();
    co_await pong->send(v + 1);
  }
}

rt::Goroutine pingpongMain(ScenarioParams params, ScenarioResult* out) {
  rt::Chan<int64_t> ping, pong;
  const int64_t n = params.size;
  rt::go(ponger(&ping, &pong, n), "main.ponger");
  int64_t start = rt::nanotime();
  int64_t v = 0;
  for (int64_t i = 0; i < n; i++) {
    co_await ping.send(v);
    v = co_await pong.recv();
  }
  out->wallNs = rt::nanotime() - start;
  out->result = v;
  out->passed = v == n;
  out->metrics.emplace_back("nsPerRoundTrip", n ? out->wallNs / n : 0);
  out->text = std::to_string(n) + " round trips, " + std::to_string(n ? out->wallNs / n : 0) + " ns each";
  out->textZh = std::to_string(n) + " 次往返，每次 " + std::to_string(n ? out->wallNs / n : 0) + " ns";
}

}  // namespace

Scenario pingpongScenario() {
  return Scenario{
      .name = "pingpong",
      .summary = {"two goroutines pass a value back and forth over unbuffered channels",
                  "两个 goroutine 通过无缓冲 channel 来回传值"},
      .details = {"--size is the number of round trips (default 100000).", "--size 为往返次数（默认 100000）。"},
      .defaultSize = 100000,
      .sizeMeaning = "round trips",
      .minSize = 1,
      .maxSize = 100000000,
      .fixedProcs = 0,
      .checkSize = {},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return pingpongMain(p, out); },
  };
}

}  // namespace lab
