// The real engine end to end: goroutines on real threads, checked against the
// behaviour Go's own runtime tests demand (runtime/proc_test.go).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <regex>
#include <thread>

#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/runtime.hpp"
#include "sched/select.hpp"
#include "sched/sync.hpp"
#include "sched/time.hpp"
#include "support/scale.hpp"
#include "support/wait.hpp"

namespace rt {
namespace {

constexpr int64_t kMs = 1000000;

struct Harness {
  explicit Harness(int procs, DebugVars debug = {}) {
    cfg.gomaxprocs = procs;
    cfg.debug = debug;
    cfg.output = [this](std::string_view s) { output += s; };
  }
  RunResult operator()(Goroutine main) {
    runtime = std::make_unique<Runtime>(cfg);
    return runtime->run(std::move(main));
  }
  Runtime::Config cfg;
  std::string output;
  std::unique_ptr<Runtime> runtime;
};

// ------------------------------------------------------------------ skynet

Goroutine skynet(Chan<int64_t>* c, int64_t num, int64_t size, int64_t div) {
  if (size == 1) {
    co_await c->send(num);
    co_return;
  }
  Chan<int64_t> rc;
  int64_t sum = 0;
  for (int64_t i = 0; i < div; i++) go(skynet(&rc, num + i * (size / div), size / div, div));
  for (int64_t i = 0; i < div; i++) sum += co_await rc.recv();
  co_await c->send(sum);
}

Goroutine skynetMain(int64_t size, int64_t* result) {
  Chan<int64_t> c;
  go(skynet(&c, 0, size, 10));
  *result = co_await c.recv();
}

TEST(Engine, SkynetGivesTheRightSumOnAnyNumberOfPs) {
  RTLAB_NEEDS_THREADS();
  for (int procs : {1, 2, 4}) {
    int64_t result = 0;
    Harness run(procs);
    RunResult r = run(skynetMain(10000, &result));
    ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
    EXPECT_EQ(result, 49995000) << "procs=" << procs;
    EXPECT_EQ(run.runtime->stats.goroutinesCreated.load(), 11112u);
  }
}

// A million goroutines (scaled down under sanitizers and wasm): every one is
// created, runs and exits, and the dead ones are reused rather than leaked.
TEST(Engine, AMillionGoroutines) {
  RTLAB_NEEDS_THREADS();
  const int64_t size = testscale::kSanitized ? 10000 : testscale::kWasm ? 100000 : 1000000;
  int64_t result = 0;
  Harness run(2);
  RunResult r = run(skynetMain(size, &result));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_EQ(result, size * (size - 1) / 2);
  EXPECT_EQ(run.runtime->stats.goroutinesCreated.load(), static_cast<uint64_t>(size + size / 9 + 1));
  // gfput/gfget recycle Gs: far fewer G structs than goroutines.
  EXPECT_LT(run.runtime->allglen, size / 4);
}

// ------------------------------------------------------------ parallelism

// Go: TestGoroutineParallelism — P goroutines spin, each waiting for its
// turn; only possible if all P run at the same time.
Goroutine turnTaker(int P, int p, std::atomic<uint32_t>* x, Chan<bool>* done, std::atomic<bool>* gaveUp) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; i++) {
    uint32_t expected = static_cast<uint32_t>(P * i + p);
    while (x->load() != expected) {
      if (std::chrono::steady_clock::now() - start > std::chrono::seconds(10)) {
        gaveUp->store(true);
        break;
      }
    }
    x->store(expected + 1);
  }
  co_await done->send(true);
}

Goroutine parallelismMain(int P, int N, std::atomic<bool>* gaveUp) {
  for (int t = 0; t < N; t++) {
    Chan<bool> done;
    std::atomic<uint32_t> x{0};
    for (int p = 0; p < P; p++) go(turnTaker(P, p, &x, &done, gaveUp));
    for (int p = 0; p < P; p++) co_await done.recv();
  }
}

TEST(Engine, GoroutineParallelism) {
  RTLAB_NEEDS_THREADS();
  const int P = 4, N = 10;
  std::atomic<bool> gaveUp{false};
  Harness run(P);
  RunResult r = run(parallelismMain(P, N, &gaveUp));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_FALSE(gaveUp.load()) << "the " << P << " goroutines did not all run at once";
}

// ---------------------------------------------------------------- yielding

// Go: TestYieldProgress — a goroutine calling Gosched in a loop must not
// starve main's wake-up from sleep, even on one P. (The sleep is what is
// tested. The yielder gives up after testwait's limit, so a starved sleeper
// fails the test on its measured sleep instead of hanging it.)
Goroutine yielder(std::atomic<bool>* stop, Chan<bool>* ack) {
  const testwait::Deadline deadline;
  while (!stop->load() && !deadline.passed()) co_await Gosched();
  co_await ack->send(true);
}

Goroutine yieldProgressMain(int64_t* sleptNs) {
  std::atomic<bool> stop{false};
  Chan<bool> ack;
  go(yielder(&stop, &ack));
  int64_t t0 = nanotime();
  co_await Sleep{10 * kMs};
  *sleptNs = nanotime() - t0;
  stop.store(true);
  co_await ack.recv();
}

TEST(Engine, YieldLoopDoesNotStarveASleeper) {
  RTLAB_NEEDS_THREADS();
  int64_t slept = 0;
  Harness run(1);
  RunResult r = run(yieldProgressMain(&slept));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_GE(slept, 10 * kMs);
  EXPECT_LT(slept, 2000 * kMs) << "a generous bound: the sleeper was starved";
}

// -------------------------------------------------------------- preemption

// Go: TestPreemption — two goroutines hand `x` back and forth while spinning
// through safe points; on one P that needs preemption to make progress.
Goroutine preemptSpinner(uint32_t g, int n, std::atomic<uint32_t>* x, Chan<bool>* c, std::atomic<bool>* gaveUp) {
  const testwait::Deadline deadline;
  for (int i = 0; i < n; i++) {
    while (x->load() != g) {
      if (deadline.passed()) {
        gaveUp->store(true);
        break;
      }
      co_await checkpoint();
    }
    x->store(1 - g);
  }
  co_await c->send(true);
}

Goroutine preemptionMain(std::atomic<bool>* gaveUp) {
  Chan<bool> c;
  std::atomic<uint32_t> x{0};
  for (uint32_t g = 0; g < 2; g++) go(preemptSpinner(g, 5, &x, &c, gaveUp));
  co_await c.recv();
  co_await c.recv();
}

TEST(Engine, SpinningGoroutinesArePreemptedOnOneP) {
  RTLAB_NEEDS_THREADS();
  std::atomic<bool> gaveUp{false};
  Harness run(1);
  RunResult r = run(preemptionMain(&gaveUp));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_FALSE(gaveUp.load()) << "a spinner waited " << testwait::kWaitLimit.count()
                              << " s for its turn: the other was never preempted";
  EXPECT_GT(run.runtime->stats.preemptions.load(), 0u);
}

// A hog spinning through safe points on the only P: the other goroutine
// must get the P within one time slice plus one sysmon delay. The bound here
// is generous (a machine shared with other builds); the benchmark measures it.
Goroutine hogUntilFlag(std::atomic<bool>* flag, std::atomic<bool>* gaveUp) {
  auto start = std::chrono::steady_clock::now();
  while (!flag->load()) {
    co_await checkpoint();
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(10)) {
      gaveUp->store(true);
      break;
    }
  }
}

Goroutine setFlag(std::atomic<bool>* flag, int64_t* ranAt) {
  *ranAt = nanotime();
  flag->store(true);
  co_return;
}

Goroutine preemptLatencyMain(int64_t* latency, std::atomic<bool>* gaveUp) {
  std::atomic<bool> flag{false};
  int64_t ranAt = 0;
  int64_t t0 = nanotime();
  go(hogUntilFlag(&flag, gaveUp));
  co_await Gosched();  // let the hog take the P; we go to the global queue
  go(setFlag(&flag, &ranAt));
  const bool ran = co_await testwait::goschedUntil([&flag] { return flag.load(); });
  if (!ran) gaveUp->store(true);
  *latency = ranAt - t0;
  co_return;  // explicit: the hog may still read `flag` (see goroutine.hpp)
}

TEST(Engine, HogIsPreemptedWithinATimeSlice) {
  RTLAB_NEEDS_THREADS();
  int64_t latency = 0;
  std::atomic<bool> gaveUp{false};
  Harness run(1);
  RunResult r = run(preemptLatencyMain(&latency, &gaveUp));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_FALSE(gaveUp.load()) << "the hog was never preempted, or setFlag never ran";
  EXPECT_LT(latency, 1000 * kMs) << "10 ms slice + sysmon delay, with a wide margin for loaded machines";
}

// Go: TestPingPongHog — ratio of hog to light work within [1/20, 20].
Goroutine pair(int64_t limit, int64_t* counter, Chan<bool>* wake, std::atomic<bool>* done) {
  for (;;) {
    co_await wake->recv();
    for (int64_t i = 0; i < limit; i++) {
      ++*counter;
      if (i % 1024 == 1023) co_await checkpoint();
    }
    co_await wake->send(true);
    if (done->load()) co_return;
  }
}

Goroutine pingPongHogMain(int64_t* hog, int64_t* light) {
  std::atomic<bool> done{false};
  Chan<bool> hogChan, lightChan;
  for (int i = 0; i < 2; i++) go(pair(1000000, hog, &hogChan, &done));
  for (int i = 0; i < 2; i++) go(pair(1000, light, &lightChan, &done));
  co_await hogChan.send(true);
  co_await lightChan.send(true);
  co_await Sleep{100 * kMs};  // the window the two kinds of work are counted over (Go's is 100 ms too)
  done.store(true);
  co_await hogChan.recv();
  co_await lightChan.recv();
  co_return;  // explicit: a pair goroutine may still read `done` (see goroutine.hpp)
}

TEST(Engine, PingPongHogStaysFair) {
  RTLAB_NEEDS_THREADS();
  int64_t hog = 0, light = 0;
  Harness run(1);
  RunResult r = run(pingPongHogMain(&hog, &light));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_FALSE(hog / 20 > light || light / 20 > hog) << "hogCount/lightCount = " << hog << "/" << light;
}

// Go: TestTimerFairness — a timer must fire although two goroutines are
// always runnable. (The sleep is what is tested; the busy goroutines give up
// after testwait's limit, so a timer that never fires fails the test on the
// measured sleep instead of hanging it.)
Goroutine alwaysRunnable(std::atomic<bool>* done) {
  const testwait::Deadline deadline;
  while (!done->load() && !deadline.passed()) co_await Gosched();
}

Goroutine timerFairnessMain(int64_t* slept) {
  std::atomic<bool> done{false};
  for (int i = 0; i < 2; i++) go(alwaysRunnable(&done));
  int64_t t0 = nanotime();
  co_await Sleep{20 * kMs};
  *slept = nanotime() - t0;
  done.store(true);
  co_return;  // explicit: the hogs still use `done` (see goroutine.hpp)
}

TEST(Engine, TimersFireDespiteBusyGoroutines) {
  RTLAB_NEEDS_THREADS();
  int64_t slept = 0;
  Harness run(1);
  RunResult r = run(timerFairnessMain(&slept));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_GE(slept, 20 * kMs);
  EXPECT_LT(slept, 2000 * kMs);
}

// ---------------------------------------------------------------- syscalls

// Go: TestPreemptionAfterSyscall — goroutines looping over short blocking
// calls on 2 Ps all finish (exitsyscall finds a P, or queues and an M stops).
// Like Go's, each makes a fixed number of calls and main waits for them with
// a time limit.
Goroutine syscaller(int64_t d, int64_t calls, Chan<int>* done, uint64_t* made) {
  for (int64_t i = 0; i < calls; i++) {
    co_await syscall([d] {
      auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(d);
      while (std::chrono::steady_clock::now() < until) {
      }
    });
    ++*made;
  }
  co_await done->send(1);
}

constexpr int kSyscallers = 8;

// How many calls of d ns each goroutine makes: about 50 ms of the 2 Ps' time
// in all, whatever d is.
int64_t syscallsEach(int64_t d) { return std::max<int64_t>(4, 2 * 50 * kMs / (kSyscallers * d)); }

Goroutine syscallsMain(int64_t d, uint64_t* made, bool* timedOut) {
  Chan<int> done(kSyscallers);
  for (int i = 0; i < kSyscallers; i++) go(syscaller(d, syscallsEach(d), &done, &made[i]));
  for (int i = 0; i < kSyscallers; i++) {
    // Go: select { case <-c: case <-time.After(maxDuration): t.Fatal(...) }
    const int chosen = co_await select(recvCase(done), recvCase(time::After(testwait::kWaitLimitNs)));
    if (chosen == 1) {
      *timedOut = true;
      break;
    }
  }
  co_return;  // explicit: after a time-out, the syscallers still use `done`
}

// Eight goroutines in a loop of system calls on 2 Ps: all finish, and the
// runtime counted every call exactly once (entersyscall), however the Ps
// moved between them meanwhile.
TEST(Engine, GoroutinesLoopingOverSyscallsAllFinish) {
  RTLAB_NEEDS_THREADS();
  for (int64_t d : {int64_t{10000}, int64_t{100000}, int64_t{1000000}}) {
    uint64_t made[kSyscallers] = {};
    bool timedOut = false;
    Harness run(2);
    RunResult r = run(syscallsMain(d, made, &timedOut));
    ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal << " d=" << d;
    ASSERT_FALSE(timedOut) << "d=" << d << ": the syscallers had not all finished after "
                           << testwait::kWaitLimit.count() << " s";
    uint64_t total = 0;
    for (uint64_t n : made) total += n;
    EXPECT_EQ(total, uint64_t(kSyscallers * syscallsEach(d))) << "d=" << d;
    EXPECT_EQ(run.runtime->stats.syscalls.load(), total) << "d=" << d;
  }
}

// A 20 ms blocking call holds no P for long: sysmon retakes it and the other
// goroutine keeps running (handoffp). The call itself counts the other
// goroutine's progress while it blocks (its sleep is the blocking call under
// test, not a wait).
Goroutine longCall(const std::atomic<int64_t>* n, int64_t* progressDuringCall, Chan<bool>* done) {
  co_await syscall([n, progressDuringCall] {
    const int64_t before = n->load();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    *progressDuringCall = n->load() - before;
  });
  co_await done->send(true);
}

Goroutine counter(std::atomic<bool>* stop, std::atomic<int64_t>* n) {
  while (!stop->load()) {
    n->fetch_add(1);
    co_await Gosched();
  }
}

Goroutine handoffMain(int64_t* progressDuringCall) {
  Chan<bool> done;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> n{0};
  go(counter(&stop, &n));
  go(longCall(&n, progressDuringCall, &done));
  co_await done.recv();
  stop.store(true);
  co_return;  // explicit: the counter may still read `stop` and `n`
}

TEST(Engine, SysmonRetakesThePOfALongSyscall) {
  RTLAB_NEEDS_THREADS();
  int64_t progress = 0;
  Harness run(1);  // one P: the counter can only run if the P is handed off
  RunResult r = run(handoffMain(&progress));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_GE(run.runtime->stats.syscallRetakes.load(), 1u);
  EXPECT_GT(progress, 0);
}

// ------------------------------------------------------------- GOMAXPROCS

// Go: TestStopTheWorldDeadlock — GOMAXPROCS changes while a goroutine keeps
// respawning itself; the world stops and restarts every time.
// Each one starts the next and exits; the one that sees `stop` ends the
// chain and says so on `ended` (buffered: it does not wait for main).
Goroutine perpetuumMobile(std::atomic<bool>* stop, std::atomic<int64_t>* spawned, Chan<bool>* ended) {
  if (stop->load()) {
    co_await ended->send(true);
    co_return;
  }
  spawned->fetch_add(1);
  go(perpetuumMobile(stop, spawned, ended));
}

Task<> procChanger(int times, std::vector<int32_t>* seen) {
  for (int i = 0; i < times; i++) {
    int32_t want = 1 + i % 3;
    co_await GOMAXPROCS{want};
    seen->push_back(currentRuntime()->gomaxprocs.load());
    co_await Gosched();  // let the respawning goroutine run between changes
  }
}

Goroutine gomaxprocsMain(std::vector<int32_t>* seen, int64_t* spawned, bool* chainEnded) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> n{0};
  Chan<bool> ended(1);
  go(perpetuumMobile(&stop, &n, &ended));
  WaitGroup wg;
  wg.Add(1);
  go([](std::vector<int32_t>* s, WaitGroup* w) -> Goroutine {
    co_await procChanger(static_cast<int>(testscale::scaled(200, 4)), s);
    w->Done();
  }(seen, &wg));
  co_await wg.Wait();
  stop.store(true);
  *spawned = n.load();
  // Wait until the chain has seen `stop` and ended.
  const int chosen = co_await select(recvCase(ended), recvCase(time::After(testwait::kWaitLimitNs)));
  *chainEnded = chosen == 0;
  co_return;  // explicit: after a time-out, the respawning goroutine still reads `stop`
}

TEST(Engine, GomaxprocsChangesUnderLoad) {
  RTLAB_NEEDS_THREADS();
  std::vector<int32_t> seen;
  int64_t spawned = 0;
  bool chainEnded = false;
  Harness run(2);
  RunResult r = run(gomaxprocsMain(&seen, &spawned, &chainEnded));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_TRUE(chainEnded) << "the respawning goroutine did not see `stop` within " << testwait::kWaitLimit.count()
                          << " s";
  ASSERT_FALSE(seen.empty());
  for (size_t i = 0; i < seen.size(); i++) EXPECT_EQ(seen[i], static_cast<int32_t>(1 + i % 3));
  EXPECT_GT(spawned, 0);
}

// ---------------------------------------------------------------- deadlock

Goroutine blockForever() {
  Chan<int> c;
  co_await c.recv();
}

TEST(Engine, DeadlockEndsTheRunWithGosMessage) {
  RTLAB_NEEDS_THREADS();
  Harness run(2);
  RunResult r = run(blockForever());
  EXPECT_EQ(r.status, RunStatus::Fatal);
  EXPECT_EQ(r.fatal, "all goroutines are asleep - deadlock!");
  EXPECT_NE(run.runtime->goroutineDump().find("goroutine 1 [chan receive]:"), std::string::npos);
}

Goroutine sleepThenBlock() {
  co_await Sleep{2 * kMs};  // a pending timer is not a deadlock...
  Chan<int> c;
  co_await c.recv();  // ...but after it fired, this is
}

TEST(Engine, APendingTimerIsNotADeadlock) {
  RTLAB_NEEDS_THREADS();
  Harness run(1);
  RunResult r = run(sleepThenBlock());
  EXPECT_EQ(r.fatal, "all goroutines are asleep - deadlock!");
  EXPECT_GE(r.wallNs, 2 * kMs);
}

Goroutine sendOnClosed() {
  Chan<int> c(1);
  c.close();
  co_await c.send(1);
}

TEST(Engine, SendOnAClosedChannelPanics) {
  RTLAB_NEEDS_THREADS();
  Harness run(1);
  RunResult r = run(sendOnClosed());
  EXPECT_EQ(r.status, RunStatus::Fatal);
  EXPECT_EQ(r.fatal, "panic: send on closed channel");
}

// ---------------------------------------------------------------- channels

Goroutine bufferedProducer(Chan<int>* c, int n) {
  for (int i = 0; i < n; i++) co_await c->send(i);
  c->close();
}

Goroutine bufferedMain(std::vector<int>* got, int* lenAfterFill) {
  Chan<int> c(8);
  for (int i = 0; i < 8; i++) co_await c.send(100 + i);
  *lenAfterFill = c.len();
  for (int i = 0; i < 8; i++) got->push_back(co_await c.recv());
  go(bufferedProducer(&c, 100));
  for (;;) {
    auto [v, ok] = co_await c.recv2();
    if (!ok) break;
    got->push_back(v);
  }
}

TEST(Engine, BufferedChannelKeepsOrderAndCloseEndsReceives) {
  RTLAB_NEEDS_THREADS();
  std::vector<int> got;
  int lenAfterFill = 0;
  Harness run(2);
  RunResult r = run(bufferedMain(&got, &lenAfterFill));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_EQ(lenAfterFill, 8);
  ASSERT_EQ(got.size(), 108u);
  for (int i = 0; i < 8; i++) EXPECT_EQ(got[i], 100 + i);
  for (int i = 0; i < 100; i++) EXPECT_EQ(got[8 + i], i);
}

Goroutine numGoroutineMain(int* alone, int* withChild) {
  *alone = NumGoroutine();
  Chan<int> c;
  go([](Chan<int>* ch) -> Goroutine { co_await ch->recv(); }(&c));
  *withChild = NumGoroutine();
  co_await c.send(1);
}

TEST(Engine, NumGoroutineCountsLiveGoroutines) {
  RTLAB_NEEDS_THREADS();
  int alone = 0, withChild = 0;
  Harness run(1);
  ASSERT_EQ(run(numGoroutineMain(&alone, &withChild)).status, RunStatus::Ok);
  EXPECT_EQ(alone, 1);
  EXPECT_EQ(withChild, 2);
}

// ------------------------------------------------------------ stress mixes

// Random mixes of spawning, blocking and waking: every goroutine must run to
// completion exactly once, whatever the interleaving.
struct Mix {
  std::vector<std::atomic<int>> finished;
  Mutex mu;
  int64_t guarded = 0;
  explicit Mix(size_t n) : finished(n) {}
};

Goroutine mixWorker(Mix* mix, int id, int depth, uint64_t seed, Chan<int>* parent) {
  std::mt19937_64 rng(seed);
  Chan<int> children;
  int spawned = 0;
  int kids = depth > 0 ? static_cast<int>(rng() % 4) : 0;
  for (int k = 0; k < kids; k++) {
    int child = id * 4 + 1 + k;
    if (child >= static_cast<int>(mix->finished.size())) break;
    go(mixWorker(mix, child, depth - 1, rng(), &children));
    spawned++;
  }
  switch (rng() % 5) {
    case 0: co_await Gosched(); break;
    case 1: co_await Sleep{static_cast<int64_t>(rng() % 50000)}; break;
    case 2: {
      co_await mix->mu.Lock();
      mix->guarded++;
      mix->mu.Unlock();
      break;
    }
    case 3: co_await syscall([] {}); break;
    default: co_await checkpoint(); break;
  }
  int sum = 0;
  for (int k = 0; k < spawned; k++) sum += co_await children.recv();
  mix->finished[static_cast<size_t>(id)].fetch_add(1);
  co_await parent->send(sum + 1);
}

Goroutine mixMain(Mix* mix, uint64_t seed, int* total) {
  Chan<int> top;
  go(mixWorker(mix, 0, 8, seed, &top));
  *total = co_await top.recv();
}

TEST(Engine, RandomMixesRunEveryGoroutineExactlyOnce) {
  RTLAB_NEEDS_THREADS();
  const int seeds = static_cast<int>(testscale::scaled(30, 5));
  for (int s = 1; s <= seeds; s++) {
    Mix mix(4 * 4 * 4 * 4 * 4 * 4 * 4 * 4 * 2);
    int total = 0;
    Harness run(1 + s % 4);
    RunResult r = run(mixMain(&mix, static_cast<uint64_t>(s), &total));
    ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal << " seed " << s;
    int ran = 0;
    for (auto& f : mix.finished) {
      ASSERT_LE(f.load(), 1) << "a goroutine finished twice, seed " << s;
      ran += f.load();
    }
    EXPECT_EQ(ran, total) << "seed " << s;  // every spawned goroutine reported once
  }
}

// ---------------------------------------------------------------- schedtrace

Goroutine busyFor(int64_t ns) {
  int64_t end = nanotime() + ns;
  while (nanotime() < end) co_await checkpoint();
}

TEST(Engine, SchedtraceLinesComeFromSysmonInGosFormat) {
  RTLAB_NEEDS_THREADS();
  DebugVars d;
  d.schedtrace = 5;
  Harness run(2, d);
  ASSERT_EQ(run(busyFor(30 * kMs)).status, RunStatus::Ok);
  ASSERT_FALSE(run.output.empty());
  // SCHED 0ms: gomaxprocs=2 idleprocs=1 threads=3 spinningthreads=0 needspinning=0 idlethreads=1 runqueue=0 [ 0 0 ] schedticks=[ 1 0 ]
  std::string first = run.output.substr(0, run.output.find('\n'));
  std::regex line(R"(SCHED \d+ms: gomaxprocs=2 idleprocs=\d+ threads=\d+ spinningthreads=\d+ needspinning=[01] )"
                  R"(idlethreads=\d+ runqueue=\d+ \[ \d+ \d+ \] schedticks=\[ \d+ \d+ \])");
  EXPECT_TRUE(std::regex_match(first, line)) << first;
}

}  // namespace
}  // namespace rt

// ------------------------------------------------------------------ select

namespace rt {
namespace {

Goroutine selectProducer(Chan<int>* a, Chan<int>* b, int n) {
  for (int i = 0; i < n; i++) {
    if (i % 2) co_await a->send(i);
    else co_await b->send(i);
  }
  a->close();
}

Goroutine selectMain(std::vector<int>* got, int* defaults, int* closedSeen) {
  Chan<int> a, b;
  // Nothing ready: the default case is taken.
  int v = -1;
  int chosen = co_await select(recvCase(a, &v), defaultCase());
  if (chosen == -1) ++*defaults;
  go(selectProducer(&a, &b, 200));
  for (;;) {
    bool ok = false;
    int x = 0, y = 0;
    int i = co_await select(recvCase(a, &x, &ok), recvCase(b, &y));
    if (i == 0 && !ok) {
      ++*closedSeen;
      break;
    }
    got->push_back(i == 0 ? x : y);
  }
}

TEST(Engine, SelectReceivesFromWhicheverChannelIsReadyAndSeesClose) {
  RTLAB_NEEDS_THREADS();
  for (int procs : {1, 2}) {
    std::vector<int> got;
    int defaults = 0, closedSeen = 0;
    Harness run(procs);
    RunResult r = run(selectMain(&got, &defaults, &closedSeen));
    ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
    EXPECT_EQ(defaults, 1);
    EXPECT_EQ(closedSeen, 1);
    ASSERT_EQ(got.size(), 200u);
    std::sort(got.begin(), got.end());
    for (int i = 0; i < 200; i++) ASSERT_EQ(got[static_cast<size_t>(i)], i) << "every value exactly once";
  }
}

// When several cases are ready, select picks one at random (pollorder):
// with both buffers full every time, both cases must be chosen often.
Goroutine selectRandomMain(int* counts) {
  Chan<int> c1(1), c2(1);
  co_await c1.send(0);
  co_await c2.send(1);
  for (int i = 0; i < 1000; i++) {
    int v = -1;
    int k = co_await select(recvCase(c1, &v), recvCase(c2, &v));
    counts[k]++;
    if (v != k) counts[2]++;                  // the value must come from the chosen case
    co_await (k == 0 ? c1 : c2).send(int{k});  // refill the one we emptied
  }
}

TEST(Engine, SelectChoosesAtRandomAmongReadyCases) {
  RTLAB_NEEDS_THREADS();
  int counts[3] = {0, 0, 0};
  Harness run(1);
  RunResult r = run(selectRandomMain(counts));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_GT(counts[0], 300);
  EXPECT_GT(counts[1], 300);
  EXPECT_EQ(counts[2], 0);
}

Goroutine selectSendOnClosed() {
  Chan<int> c;
  c.close();
  co_await select(sendCase(c, 1), defaultCase());
}

TEST(Engine, SelectSendOnAClosedChannelPanics) {
  RTLAB_NEEDS_THREADS();
  Harness run(1);
  EXPECT_EQ(run(selectSendOnClosed()).fatal, "panic: send on closed channel");
}

Goroutine selectNothing() { co_await select(); }

TEST(Engine, EmptySelectBlocksForever) {
  RTLAB_NEEDS_THREADS();
  Harness run(1);
  RunResult r = run(selectNothing());
  EXPECT_EQ(r.fatal, "all goroutines are asleep - deadlock!");
  EXPECT_NE(run.runtime->goroutineDump().find("[select (no cases)]"), std::string::npos);
}

}  // namespace
}  // namespace rt

namespace rt {
namespace {

// main returns while another goroutine still uses a channel that lives in
// main's frame: the program ends (as in Go), and the frame must outlive every
// M that might still touch it (ASan would see the use after free).
Goroutine sendForever(Chan<int>* c) {
  for (;;) co_await c->send(1);
}

Goroutine mainReturnsEarly() {
  Chan<int> c(8);
  go(sendForever(&c));
  go(sendForever(&c));
  for (int i = 0; i < 100; i++) co_await c.recv();
  co_return;  // explicit, so the run ends before `c` is destroyed (goroutine.hpp)
}

TEST(Engine, MainReturningWhileOthersRunEndsTheRunSafely) {
  RTLAB_NEEDS_THREADS();
  for (int i = 0; i < static_cast<int>(testscale::scaled(200, 10)); i++) {
    Harness run(2);
    RunResult r = run(mainReturnsEarly());
    ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  }
}

}  // namespace
}  // namespace rt
