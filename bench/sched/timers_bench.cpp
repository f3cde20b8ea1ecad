// Timer benchmarks: Go's per-P timer heap as the lab has it (time.Timer on
// core/sched/timers.cpp) and the hashed timing wheel of day 7
// (core/lab/scenarios/wheel_timers.hpp), each with N timers pending. Their
// Go peers are in bench/go/timers/timers_test.go (same definition of "one
// op"); bench/compare.mjs prints the ratios.
//
//   BM_HeapStartStop/N    NewTimer(1h) + Stop, with N other timers pending
//   BM_WheelStartStop/N   After(now + 1h) + Stop on a wheel of 1 ms ticks, N pending
//   BM_HeapFire/N         N timers due at the same instant: from that instant
//                         until the last one has been received, per timer
//   BM_WheelFire/N        the same on a wheel of 100 µs ticks (the wait for
//                         the end of the tick is part of it: by design)
//
// One runtime per measurement, GOMAXPROCS=1 (timers go on the current P's
// heap, so one P holds them all on both sides); times are taken inside the
// main goroutine, like Go's b.N loop.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "lab/scenarios/wheel_timers.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"
#include "sched/time.hpp"

namespace {

using namespace rt;
using time::Microsecond;
using time::Millisecond;
constexpr int64_t Hour = 3600 * time::Second;

template <typename Main>
void runOnce(benchmark::State& state, Main main) {
  Runtime::Config cfg;
  cfg.gomaxprocs = 1;
  Runtime r(cfg);
  int64_t elapsed = 0;
  RunResult rr = r.run(main(&elapsed));
  if (rr.status != RunStatus::Ok) state.SkipWithError(rr.fatal.c_str());
  state.SetIterationTime(static_cast<double>(elapsed) / 1e9);
}

// ---- start + stop

Goroutine heapStartStop(int64_t pending, int64_t n, int64_t* elapsed) {
  std::vector<time::Timer> others;
  for (int64_t i = 0; i < pending; i++) others.push_back(time::NewTimer(Hour + i));
  const int64_t t0 = nanotime();
  for (int64_t i = 0; i < n; i++) {
    time::Timer t = time::NewTimer(Hour + i);
    t.Stop();
  }
  *elapsed = nanotime() - t0;
  co_return;
}

void BM_HeapStartStop(benchmark::State& state) {
  while (state.KeepRunningBatch(state.max_iterations))
    runOnce(state, [&](int64_t* e) { return heapStartStop(state.range(0), int64_t(state.max_iterations), e); });
}

Goroutine wheelStartStop(int64_t pending, int64_t n, int64_t* elapsed) {
  lab::WheelTimers wheel(Millisecond, 512, nanotime());
  std::vector<std::shared_ptr<lab::WheelTimers::Timeout>> others;
  const int64_t now = nanotime();
  for (int64_t i = 0; i < pending; i++) others.push_back(wheel.After(now + Hour + i));
  const int64_t t0 = nanotime();
  for (int64_t i = 0; i < n; i++) wheel.Stop(wheel.After(now + Hour + i));
  *elapsed = nanotime() - t0;
  co_return;
}

void BM_WheelStartStop(benchmark::State& state) {
  while (state.KeepRunningBatch(state.max_iterations))
    runOnce(state, [&](int64_t* e) { return wheelStartStop(state.range(0), int64_t(state.max_iterations), e); });
}

// ---- firing: N timers due at `due`, received in the order they were made.
// The deadline leaves room to make them all first (about 1 µs each).

int64_t dueAfter(int64_t n) { return 20 * Millisecond + n * Microsecond; }

Goroutine heapFire(int64_t n, int64_t* perTimer) {
  const int64_t due = nanotime() + dueAfter(n);
  std::vector<time::Timer> timers;
  timers.reserve(size_t(n));
  for (int64_t i = 0; i < n; i++) timers.push_back(time::NewTimer(due - nanotime()));
  for (auto& t : timers) co_await t.C.recv();
  *perTimer = (nanotime() - due) / n;
}

Goroutine wheelDriver(lab::WheelTimers* w, Chan<int64_t>* stop, WaitGroup* exited) {
  co_await w->drive(stop);
  exited->Done();
}

Goroutine wheelFire(int64_t n, int64_t* perTimer) {
  const int64_t due = nanotime() + dueAfter(n);
  lab::WheelTimers wheel(100 * Microsecond, 512, nanotime());
  Chan<int64_t> stop;
  WaitGroup exited;
  exited.Add(1);
  go(wheelDriver(&wheel, &stop, &exited));
  std::vector<std::shared_ptr<lab::WheelTimers::Timeout>> timers;
  timers.reserve(size_t(n));
  for (int64_t i = 0; i < n; i++) timers.push_back(wheel.After(due));
  for (auto& t : timers) co_await t->C.recv();
  *perTimer = (nanotime() - due) / n;
  co_await stop.close();
  co_await exited.Wait();
}

void BM_HeapFire(benchmark::State& state) {
  for (auto _ : state) runOnce(state, [&](int64_t* e) { return heapFire(state.range(0), e); });
}

void BM_WheelFire(benchmark::State& state) {
  for (auto _ : state) runOnce(state, [&](int64_t* e) { return wheelFire(state.range(0), e); });
}

}  // namespace

BENCHMARK(BM_HeapStartStop)->Arg(100000)->Arg(500000)->UseManualTime();
BENCHMARK(BM_WheelStartStop)->Arg(100000)->Arg(500000)->UseManualTime();
// One op is one timer; each iteration fires all N of them.
BENCHMARK(BM_HeapFire)->Arg(100000)->Arg(500000)->UseManualTime()->Iterations(3);
BENCHMARK(BM_WheelFire)->Arg(100000)->Arg(500000)->UseManualTime()->Iterations(3);

BENCHMARK_MAIN();
