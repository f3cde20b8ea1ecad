// Scheduler micro-benchmarks, one per Go benchmark in
// bench/go/sched/sched_test.go (same definition of "one op"):
//
//   BM_ChainedSpawn          Go's BenchmarkCreateGoroutines: `go f(n-1)` chain
//   BM_ChanPingPong          one unbuffered round trip between two goroutines
//   BM_GoschedTwoGoroutines  one Gosched call, two goroutines, GOMAXPROCS=1
//   BM_SpawnWaitGroup        wg.Add(1); go func(){ wg.Done() }(); wg.Wait()
//
// Each batch of N ops runs inside one runtime; the time is measured inside
// the main goroutine (like Go's b.N loop), so starting threads is not counted.
// GOMAXPROCS comes from the environment variable, as for Go.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"

namespace {

using namespace rt;

int gomaxprocsFromEnv() {
  const char* v = std::getenv("GOMAXPROCS");
  int n = v ? std::atoi(v) : 0;
  return n > 0 ? n : 2;
}

// Runs main(n, &elapsedNs) on a fresh runtime and reports the time per op.
template <typename Main>
void runBatches(benchmark::State& state, int procs, Main main) {
  while (state.KeepRunningBatch(state.max_iterations)) {
    Runtime::Config cfg;
    cfg.gomaxprocs = procs;
    Runtime r(cfg);
    int64_t elapsed = 0;
    RunResult rr = r.run(main(static_cast<int64_t>(state.max_iterations), &elapsed));
    if (rr.status != RunStatus::Ok) {
      state.SkipWithError(rr.fatal.c_str());
      return;
    }
    state.SetIterationTime(static_cast<double>(elapsed) / 1e9);
  }
}

// --- BM_ChainedSpawn

Goroutine chain(int64_t n, Chan<bool>* c) {
  if (n == 0) {
    co_await c->send(true);
    co_return;
  }
  go(chain(n - 1, c));
}

Goroutine chainedSpawnMain(int64_t n, int64_t* elapsed) {
  Chan<bool> c;
  int64_t t0 = nanotime();
  go(chain(n, &c));
  co_await c.recv();
  *elapsed = nanotime() - t0;
}

void BM_ChainedSpawn(benchmark::State& state) { runBatches(state, gomaxprocsFromEnv(), chainedSpawnMain); }

// --- BM_ChanPingPong

Goroutine echo(Chan<int64_t>* ping, Chan<int64_t>* pong) {
  for (;;) {
    auto [v, ok] = co_await ping->recv2();
    if (!ok) co_return;
    co_await pong->send(v);
  }
}

Goroutine pingPongMain(int64_t n, int64_t* elapsed) {
  Chan<int64_t> ping, pong;
  go(echo(&ping, &pong));
  int64_t t0 = nanotime();
  for (int64_t i = 0; i < n; i++) {
    co_await ping.send(i);
    if (co_await pong.recv() != i) std::abort();
  }
  *elapsed = nanotime() - t0;
  ping.close();
}

void BM_ChanPingPong(benchmark::State& state) { runBatches(state, gomaxprocsFromEnv(), pingPongMain); }

// --- BM_GoschedTwoGoroutines

Goroutine yielder(int64_t n, WaitGroup* wg) {
  for (int64_t i = 0; i < n; i++) co_await Gosched();
  wg->Done();
}

Goroutine goschedMain(int64_t n, int64_t* elapsed) {
  WaitGroup wg;
  wg.Add(2);
  int64_t t0 = nanotime();
  go(yielder((n + 1) / 2, &wg));
  go(yielder(n / 2, &wg));
  co_await wg.Wait();
  *elapsed = nanotime() - t0;
}

void BM_GoschedTwoGoroutines(benchmark::State& state) { runBatches(state, 1, goschedMain); }

// --- BM_SpawnWaitGroup

Goroutine done(WaitGroup* wg) {
  wg->Done();
  co_return;
}

Goroutine spawnWaitGroupMain(int64_t n, int64_t* elapsed) {
  WaitGroup wg;
  int64_t t0 = nanotime();
  for (int64_t i = 0; i < n; i++) {
    wg.Add(1);
    go(done(&wg));
    co_await wg.Wait();
  }
  *elapsed = nanotime() - t0;
}

void BM_SpawnWaitGroup(benchmark::State& state) { runBatches(state, gomaxprocsFromEnv(), spawnWaitGroupMain); }

}  // namespace

BENCHMARK(BM_ChainedSpawn)->UseManualTime();
BENCHMARK(BM_ChanPingPong)->UseManualTime();
BENCHMARK(BM_GoschedTwoGoroutines)->UseManualTime();
BENCHMARK(BM_SpawnWaitGroup)->UseManualTime();

BENCHMARK_MAIN();
