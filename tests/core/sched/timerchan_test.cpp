// Package time's timer channels (sched/time.hpp), with Go 1.19's semantics
// (time/sleep.go, time/tick.go): a select with a timeout, Stop and Reset and
// what they return, a Ticker's period, and a slow receiver dropping ticks.
// On both engines; on the simulator the times are exact, since virtual time
// only moves when the program waits.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/sched/engines.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/select.hpp"
#include "sched/time.hpp"

namespace rt {
namespace {

using testing::Engine;
using testing::runOn;
using namespace rt::time;

class TimerChan : public ::testing::TestWithParam<Engine> {};
INSTANTIATE_TEST_SUITE_P(Engines, TimerChan, ::testing::ValuesIn(testing::availableEngines()), testing::engineName);

struct Times {
  int64_t start = 0, fired = 0, resumed = 0;
  int chosen = -2;
};

Goroutine selectWithTimeout(Times* t) {
  Chan<int> never;
  int v = 0;
  Time fired = 0;
  t->start = nanotime();
  int chosen = co_await select(recvCase(never, &v), recvCase(After(5 * Millisecond), &fired));
  t->resumed = nanotime();
  t->chosen = chosen;
  t->fired = fired;
}

TEST_P(TimerChan, ASelectWithATimeoutFiresAfterTheTimeout) {
  Times t;
  auto r = runOn(GetParam(), selectWithTimeout(&t));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(t.chosen, 1);
  EXPECT_GE(t.fired, t.start + 5 * Millisecond);
  EXPECT_GE(t.resumed, t.fired);
  if (GetParam() == Engine::Sim) {
    EXPECT_EQ(t.fired, t.start + 5 * Millisecond) << "the timer ran late in virtual time";
  }
}

// The timeout's timer belongs to the select: once a case is taken it is
// stopped, so it neither fires later nor keeps a deadlock from being seen
// (checkdead waits while any timer is pending).
Goroutine timeoutNotTaken(int* chosenOut) {
  Chan<int> ready(1), never;
  co_await ready.send(1);
  int chosen = co_await select(recvCase(ready), recvCase(After(3600 * Second)));
  *chosenOut = chosen;
  co_await never.recv();
}

TEST(TimerChanSim, ATimeoutNotTakenIsStoppedWithItsSelect) {
  int chosen = -2;
  auto r = runOn(Engine::Sim, timeoutNotTaken(&chosen));
  EXPECT_EQ(chosen, 0);
  EXPECT_EQ(r.rr.fatal, "all goroutines are asleep - deadlock!");
  EXPECT_LT(r.rr.wallNs, 3600 * Second) << "the hour-long timer was still pending";
}

struct StopResults {
  bool firstStop = false, secondStop = true, sentAnyway = true;
  bool stopAfterFire = true;
};

// On real threads the host clock runs between NewTimer and Stop, and a loaded
// machine (ThreadSanitizer, two cores) can deschedule the thread for
// milliseconds: the timer is long enough that Stop always comes first.
Goroutine stopBeforeFiring(StopResults* out) {
  time::Timer t = NewTimer(200 * Millisecond);
  out->firstStop = t.Stop();
  out->secondStop = t.Stop();
  co_await Sleep{300 * Millisecond};  // past the stopped timer's deadline: it may not have sent
  int chosen = co_await select(recvCase(t.C), defaultCase());
  out->sentAnyway = chosen == 0;
  time::Timer u = NewTimer(1 * Millisecond);
  co_await u.C.recv();
  out->stopAfterFire = u.Stop();
}

TEST_P(TimerChan, StopBeforeFiringPreventsTheSendAndReturnsTrue) {
  StopResults s;
  auto r = runOn(GetParam(), stopBeforeFiring(&s));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_TRUE(s.firstStop);
  EXPECT_FALSE(s.secondStop) << "a second Stop found the timer pending";
  EXPECT_FALSE(s.sentAnyway) << "a stopped timer sent on its channel";
  EXPECT_FALSE(s.stopAfterFire) << "Stop after the timer fired returned true";
}

// A panic from a plain call (not an awaited operation) ends the run too, and
// its goroutine runs on to its next suspension; one that returns instead is
// gone by the time the traceback is printed, which then lists every
// goroutine rather than none.
Goroutine badTickerThenReturn() {
  time::Ticker t = NewTicker(0);  // panics: "non-positive interval for NewTicker"
  co_return;
}

Goroutine mainWaitsWhileAChildPanics() {
  Chan<int> never;
  go(badTickerThenReturn(), "main.child");
  co_await never.recv();
}

TEST(TimerChanSim, APanickedGoroutineThatReturnedLeavesTheOthersInTheTraceback) {
  auto r = runOn(Engine::Sim, mainWaitsWhileAChildPanics());
  EXPECT_EQ(r.rr.fatal, "panic: non-positive interval for NewTicker");
  EXPECT_NE(r.dump.find("goroutine 1 [chan receive]:"), std::string::npos) << r.dump;
}

struct ResetResults {
  bool pendingReset = false, firedReset = true;
  int64_t start = 0, firstFire = 0, resetAt = 0, secondFire = 0;
  int extra = -1;
};

Goroutine resetRearms(ResetResults* out) {
  time::Timer t = NewTimer(3600 * Second);
  out->start = nanotime();
  out->pendingReset = t.Reset(2 * Millisecond);  // pending: true
  out->firstFire = co_await t.C.recv();
  out->resetAt = nanotime();
  out->firedReset = t.Reset(3 * Millisecond);  // already fired (and drained): false
  out->secondFire = co_await t.C.recv();
  co_await Sleep{10 * Millisecond};  // time for a second send, which must not come
  out->extra = t.C.len();  // a one-shot timer sends once per Reset
}

TEST_P(TimerChan, ResetReArmsTheTimer) {
  ResetResults s;
  auto r = runOn(GetParam(), resetRearms(&s));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_TRUE(s.pendingReset);
  EXPECT_FALSE(s.firedReset);
  EXPECT_GE(s.firstFire, s.start + 2 * Millisecond);
  EXPECT_LT(s.firstFire, s.start + 3600 * Second) << "the first deadline was kept";
  EXPECT_GE(s.secondFire, s.resetAt + 3 * Millisecond);
  EXPECT_EQ(s.extra, 0);
  if (GetParam() == Engine::Sim) {
    EXPECT_EQ(s.firstFire, s.start + 2 * Millisecond);
    EXPECT_EQ(s.secondFire, s.resetAt + 3 * Millisecond);
  }
}

struct TickResults {
  int64_t start = 0, end = 0;
  std::vector<int64_t> ticks;
};

Goroutine tickerTicks(int k, TickResults* out) {
  out->start = nanotime();
  time::Ticker tk = NewTicker(10 * Millisecond);
  for (int i = 0; i < k; i++) out->ticks.push_back(co_await tk.C.recv());
  out->end = nanotime();
  tk.Stop();
}

TEST_P(TimerChan, ATickerDeliversKTicksInKPeriods) {
  const int k = 5;
  TickResults s;
  auto r = runOn(GetParam(), tickerTicks(k, &s));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  ASSERT_EQ(static_cast<int>(s.ticks.size()), k);
  for (int i = 0; i < k; i++) EXPECT_GE(s.ticks[i], s.start + (i + 1) * 10 * Millisecond) << "tick " << i;
  if (GetParam() == Engine::Sim) {
    for (int i = 0; i < k; i++) EXPECT_EQ(s.ticks[i], s.start + (i + 1) * 10 * Millisecond) << "tick " << i;
    EXPECT_LT(s.end, s.start + (k + 1) * 10 * Millisecond);
  }
}

struct SlowResults {
  int64_t start = 0;
  int buffered = -1, afterDrain = -1;
  int64_t next = 0;
};

// The channel holds one tick; sendTime drops the others while nobody
// receives, and the ticker stays on its period (Go: runOneTimer's
// t.when += t.period * (1 + -delta/t.period)). The period is long enough
// that on real threads no tick arrives between the drain and the select.
constexpr int64_t kSlowPeriod = 20 * Millisecond;

Goroutine slowReceiver(SlowResults* out) {
  out->start = nanotime();
  time::Ticker tk = NewTicker(kSlowPeriod);
  co_await Sleep{10 * kSlowPeriod + kSlowPeriod / 2};
  out->buffered = tk.C.len();
  co_await tk.C.recv();
  int chosen = co_await select(recvCase(tk.C), defaultCase());
  out->afterDrain = chosen;
  out->next = co_await tk.C.recv();
}

TEST_P(TimerChan, ASlowReceiverDropsTicks) {
  SlowResults s;
  auto r = runOn(GetParam(), slowReceiver(&s));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(s.buffered, 1) << "the channel's capacity is 1: ten ticks became one";
  EXPECT_EQ(s.afterDrain, -1) << "a second tick was kept";
  EXPECT_GE(s.next, s.start + 11 * kSlowPeriod);
  if (GetParam() == Engine::Sim) {
    EXPECT_EQ(s.next, s.start + 11 * kSlowPeriod) << "the ticker left its period";
  }
}

Goroutine tickerResetAndTick(int* zeroTick, int* resetTicks) {
  // Go: Tick(d <= 0) is nil; a receive from it never proceeds.
  time::Ticker none = Tick(0);
  *zeroTick = co_await select(recvCase(none.C), defaultCase());
  time::Ticker tk = Tick(50 * Millisecond);
  tk.Reset(1 * Millisecond);
  int64_t start = nanotime();
  co_await tk.C.recv();
  if (nanotime() - start < 50 * Millisecond) ++*resetTicks;
  tk.Stop();
}

TEST(TimerChanSim, TickerResetChangesThePeriodAndTickOfZeroIsNil) {
  int zero = -2, reset = 0;
  auto r = runOn(Engine::Sim, tickerResetAndTick(&zero, &reset));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(zero, -1);
  EXPECT_EQ(reset, 1);
}

// NewTicker is a plain call: the goroutine stops at its next co_await.
Goroutine badTicker(bool* after) {
  time::Ticker tk = NewTicker(0);
  co_await Gosched();
  *after = true;
}

TEST_P(TimerChan, ANonPositiveTickerIntervalPanicsAsGoDoes) {
  bool after = false;
  auto r = runOn(GetParam(), badTicker(&after));
  EXPECT_EQ(r.rr.fatal, "panic: non-positive interval for NewTicker");
  EXPECT_FALSE(after);
}

// Timers made on every P, then GOMAXPROCS(1): the dropped Ps' timers move
// to the remaining one (moveTimers) and still fire.
Goroutine makeTimer(Chan<int>* done, int64_t d, std::vector<time::Timer>* keep, int i) {
  (*keep)[i] = NewTimer(d);
  co_await done->send(i);
}

Goroutine timersSurviveGomaxprocs(int* fired, bool* anyStopped) {
  const int n = 16;
  std::vector<time::Timer> timers(n);
  Chan<int> done;
  for (int i = 0; i < n; i++) go(makeTimer(&done, (5 + i) * Millisecond, &timers, i));
  for (int i = 0; i < n; i++) co_await done.recv();
  co_await GOMAXPROCS(1);
  for (auto& t : timers) {
    co_await t.C.recv();
    ++*fired;
  }
  for (auto& t : timers) *anyStopped = *anyStopped || t.Stop();
  co_await GOMAXPROCS(4);
}

TEST_P(TimerChan, TimersMoveWhenGomaxprocsShrinks) {
  int fired = 0;
  bool anyStopped = false;
  auto r = runOn(GetParam(), timersSurviveGomaxprocs(&fired, &anyStopped), 4);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(fired, 16);
  EXPECT_FALSE(anyStopped);
}

// The same, stopping half of them after the move while they are still
// pending: Stop finds each one where heapifyTimers put it on the P that
// received it, and only the others fire.
// Computes first, so that idle Ps steal the goroutines and the timers are
// made on every P.
Goroutine makeTimerAfterWork(Chan<int>* done, int64_t d, std::vector<time::Timer>* keep, int i) {
  co_await cpu(2 * Millisecond);
  (*keep)[i] = NewTimer(d);
  co_await done->send(i);
}

Goroutine stopTimersAfterGomaxprocs(int* fired, int* stopped, int* strayFired) {
  const int n = 24;
  std::vector<time::Timer> timers(n);
  Chan<int> done;
  for (int i = 0; i < n; i++) go(makeTimerAfterWork(&done, 200 * Millisecond + (i % 5) * Millisecond, &timers, i));
  for (int i = 0; i < n; i++) co_await done.recv();
  co_await GOMAXPROCS(1);
  for (int i = 0; i < n; i += 2)
    if (timers[size_t(i)].Stop()) ++*stopped;
  for (int i = 1; i < n; i += 2) {
    co_await timers[size_t(i)].C.recv();
    ++*fired;
  }
  co_await Sleep{20 * Millisecond};  // past every stopped timer's deadline: none may have sent
  for (int i = 0; i < n; i += 2) {
    Time at = 0;
    if (co_await select(recvCase(timers[size_t(i)].C, &at), defaultCase()) == 0) ++*strayFired;
  }
  co_await GOMAXPROCS(4);
}

TEST_P(TimerChan, TimersMovedByGomaxprocsCanStillBeStopped) {
  int fired = 0, stopped = 0, strayFired = 0;
  auto r = runOn(GetParam(), stopTimersAfterGomaxprocs(&fired, &stopped, &strayFired), 4);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(stopped, 12);
  EXPECT_EQ(fired, 12);
  EXPECT_EQ(strayFired, 0);
}

// Many goroutines stopping and resetting timers while the Ms run them (for
// ThreadSanitizer): every timer ends either stopped or fired, never both.
Goroutine churnTimers(int rounds, Chan<int>* done, std::atomic<int>* inconsistent) {
  for (int i = 0; i < rounds; i++) {
    time::Timer t = NewTimer((i % 3) * 100 * Microsecond);
    if (i % 2) co_await Sleep{(i % 5) * 50 * Microsecond};
    bool stopped = t.Stop();
    int chosen = co_await select(recvCase(t.C), defaultCase());
    if (stopped && chosen == 0) inconsistent->fetch_add(1);  // stopped, yet it had sent
    if (i % 4 == 0) {
      t.Reset(10 * Microsecond);
      co_await t.C.recv();
    }
  }
  co_await done->send(1);
}

Goroutine timerChurnMain(std::atomic<int>* inconsistent) {
  const int g = 8;
  Chan<int> done;
  for (int i = 0; i < g; i++) go(churnTimers(200, &done, inconsistent));
  for (int i = 0; i < g; i++) co_await done.recv();
}

TEST_P(TimerChan, StopAndResetRaceWithTheTimersRunningThem) {
  std::atomic<int> inconsistent{0};
  auto r = runOn(GetParam(), timerChurnMain(&inconsistent), 2);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(inconsistent.load(), 0);
}

}  // namespace
}  // namespace rt

namespace rt {
namespace {

// The P's timer heap under many Stops (deltimer takes a timer out of the
// middle of the 4-ary heap by its index): stop a random half of 3000
// pending timers, and the other half still fire, each once, in the order
// of their deadlines; no stopped one ever fires.
Goroutine stopHalfOfManyTimers(int* live, int* firedInOrder, int* stoppedFired, int* stopFailed) {
  constexpr int kTimers = 3000;
  std::vector<time::Timer> timers;
  std::vector<int64_t> deadlineOf;
  uint64_t x = 88172645463325252ull;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int i = 0; i < kTimers; i++) {
    // 150 ms: long enough for every Stop to come first on a loaded machine.
    const Duration d = 150 * Millisecond + Duration(next() % 50) * 100 * Microsecond;  // many equal deadlines
    timers.push_back(NewTimer(d));
    deadlineOf.push_back(d);
  }
  std::vector<bool> stopped(kTimers, false);
  for (int i = 0; i < kTimers; i++)
    if (next() % 2 == 0) {
      stopped[size_t(i)] = true;
      if (!timers[size_t(i)].Stop()) (*stopFailed)++;
    }
  // Receive from the live ones in deadline order: each has fired by the
  // time the earlier ones have, and its time is not before theirs.
  std::vector<int> order;
  for (int i = 0; i < kTimers; i++)
    if (!stopped[size_t(i)]) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return deadlineOf[size_t(a)] < deadlineOf[size_t(b)]; });
  *live = int(order.size());
  Time last = 0;
  for (int i : order) {
    const Time at = co_await timers[size_t(i)].C.recv();
    if (at >= last) (*firedInOrder)++;
    last = at;
  }
  co_await Sleep{10 * Millisecond};  // past the stopped ones' deadlines too: none may have sent
  for (int i = 0; i < kTimers; i++) {
    if (!stopped[size_t(i)]) continue;
    Time at = 0;
    if (co_await select(recvCase(timers[size_t(i)].C, &at), defaultCase()) == 0) (*stoppedFired)++;
  }
}

TEST_P(TimerChan, StoppingHalfOfManyTimersLeavesTheRestFiringInDeadlineOrder) {
  int live = 0, inOrder = 0, stoppedFired = 0, stopFailed = 0;
  auto r = runOn(GetParam(), stopHalfOfManyTimers(&live, &inOrder, &stoppedFired, &stopFailed));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(stopFailed, 0);
  EXPECT_EQ(stoppedFired, 0);
  EXPECT_GT(live, 1200);
  EXPECT_LT(live, 1800);
  // On the simulator every live one fires in order (equal deadlines in the
  // order they were added). On threads the creating goroutine may move to
  // another P between two NewTimers, and two Ps' heaps fire independently.
  if (GetParam() == Engine::Sim) {
    EXPECT_EQ(inOrder, live);
  } else {
    EXPECT_GE(inOrder, live * 9 / 10);
  }
}

}  // namespace
}  // namespace rt
