// Select, timers and syscall handoff on the simulator, where what Go only
// promises statistically or "soon" can be checked exactly and reproduced by
// seed: select picks uniformly among ready cases (Go: selectgo's pollorder,
// from cheaprand), a blocked select leaves no waiter behind on the channels
// it did not take, sleepers wake at their deadline in deadline order, and a
// goroutine blocked in a system call does not hold its P.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/sched/engines.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/select.hpp"
#include "sched/sync.hpp"
#include "sched/time.hpp"

namespace rt {
namespace {

using testing::Engine;
using testing::runOn;

// Two channels always ready: which case each of n selects took.
Goroutine selectBetweenReady(int n, std::vector<int>* chosen) {
  Chan<int> a(1), b(1);
  for (int i = 0; i < n; i++) {
    co_await a.send(1);
    co_await b.send(2);
    chosen->push_back(co_await select(recvCase(a), recvCase(b)));
    // Empty the channel the select left, so both are ready again.
    co_await select(recvCase(a), recvCase(b), defaultCase());
  }
}

std::vector<int> selectSequence(uint64_t seed) {
  std::vector<int> chosen;
  auto r = runOn(Engine::Sim, selectBetweenReady(1000, &chosen), 1, seed);
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  return chosen;
}

TEST(SimSelect, ChoosesUniformlyAmongReadyCasesAndTheSeedDecidesWhich) {
  const std::vector<int> s1 = selectSequence(1);
  ASSERT_EQ(s1.size(), 1000u);
  const auto first = std::count(s1.begin(), s1.end(), 0);
  // Binomial(1000, 1/2): the standard deviation is 16, so 400..600 is six of them.
  EXPECT_GT(first, 400);
  EXPECT_LT(first, 600);
  EXPECT_EQ(std::count(s1.begin(), s1.end(), 1), 1000 - first) << "a select took neither case";
  EXPECT_EQ(selectSequence(1), s1) << "the same seed chose differently";
  EXPECT_NE(selectSequence(2), s1) << "another seed chose the same 1000 times";
}

struct BlockedSelect {
  int chosen = -2;
  int laterSendOnA = -2;
  int64_t wokeAt = 0;
};

// The sleep is what the select waits through: the send comes 1 ms later.
Goroutine senderOnB(Chan<int>* a, Chan<int>* b, Chan<bool>* selected, Chan<bool>* done, BlockedSelect* out) {
  co_await Sleep{1'000'000};
  co_await b->send(7);
  co_await selected->recv();
  // The select that waited on both has returned: nobody waits on a any more.
  out->laterSendOnA = co_await select(sendCase(*a, 1), defaultCase());
  co_await done->send(true);
}

Goroutine blockedSelect(BlockedSelect* out) {
  Chan<int> a, b;
  Chan<bool> selected(1), done;
  const int64_t start = nanotime();
  go(senderOnB(&a, &b, &selected, &done, out), "main.sender");
  out->chosen = co_await select(recvCase(a), recvCase(b));
  out->wokeAt = nanotime() - start;
  co_await selected.send(true);
  co_await done.recv();
}

// Go: selectgo enqueues a sudog on every channel, and the case that wins
// dequeues the others ("pass 3 - dequeue from unsuccessful chans").
TEST(SimSelect, ABlockedSelectTakesTheFirstSenderAndLeavesNoWaiterOnTheOtherChannel) {
  BlockedSelect s;
  auto r = runOn(Engine::Sim, blockedSelect(&s));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(s.chosen, 1);
  // The send at 1 ms, plus what the simulator charges for the timer, the
  // wake-ups and the scheduling in between.
  EXPECT_GE(s.wokeAt, 1'000'000);
  EXPECT_LT(s.wokeAt, 1'100'000) << "the select did not wake at the send";
  EXPECT_EQ(s.laterSendOnA, -1) << "a send on the other channel found the select still waiting";
}

// Sleepers with deadlines 50 µs apart in a scrambled order, spread over 4 Ps
// with nothing else to run: each wakes at its deadline, late by no more than
// the simulator's price of a timer and a wake-up, so they wake in deadline
// order (Go: each P's timer heap, checkTimers, and stealing of other Ps'
// timers in findRunnable).
struct Wake {
  int64_t deadline, at;
};
constexpr int64_t kSpacing = 50'000;

Goroutine sleeper(int64_t d, std::vector<Wake>* wakes, WaitGroup* wg) {
  const int64_t start = nanotime();
  co_await Sleep{d};
  wakes->push_back(Wake{start + d, nanotime()});
  wg->Done();
}

Goroutine sleepers(int n, std::vector<Wake>* wakes) {
  WaitGroup wg;
  wg.Add(n);
  for (int i = 0; i < n; i++) {
    // Distinct deadlines 50 µs apart from 1 ms on, out of order (7919 is
    // prime, so i * 7919 % n visits every slot once).
    const int64_t d = 1'000'000 + int64_t((i * 7919) % n) * kSpacing;
    go(sleeper(d, wakes, &wg), "main.sleeper");
  }
  co_await wg.Wait();
}

TEST(SimTimers, SleepersWakeAtTheirDeadlineInDeadlineOrder) {
  std::vector<Wake> wakes;
  auto r = runOn(Engine::Sim, sleepers(200, &wakes), 4, 3);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  ASSERT_EQ(wakes.size(), 200u);
  int64_t latest = 0;
  for (size_t i = 0; i < wakes.size(); i++) {
    EXPECT_GE(wakes[i].at, wakes[i].deadline) << "woke before its deadline";
    latest = std::max(latest, wakes[i].at - wakes[i].deadline);
    if (i > 0) {
      EXPECT_LT(wakes[i - 1].deadline, wakes[i].deadline) << "woke out of deadline order at " << i;
    }
  }
  EXPECT_LT(latest, 20'000) << "a sleeper woke more than the price of a timer and a wake-up late";
}

// Two goroutines compute 10 ms each in 100 µs steps while a third sits in a
// 30 ms system call, at GOMAXPROCS=2. Go: entersyscall leaves the P in
// _Psyscall and sysmon retakes it (retake, handoffp) after at most a sysmon
// tick, so both computations run side by side and end near 10 ms; a runtime
// that kept the P for the call would end them near 20 ms.
Goroutine computer(int64_t* doneAt, WaitGroup* wg) {
  for (int i = 0; i < 100; i++) co_await cpu(100'000);
  *doneAt = nanotime();
  wg->Done();
}

Goroutine caller(WaitGroup* wg) {
  co_await syscallFor(30'000'000);
  wg->Done();
}

Goroutine computeBesideASyscall(int64_t* start, int64_t* a, int64_t* b) {
  *start = nanotime();
  WaitGroup wg;
  wg.Add(3);
  go(caller(&wg), "main.caller");
  co_await Gosched();  // the caller enters its system call holding a P
  go(computer(a, &wg), "main.computer");
  go(computer(b, &wg), "main.computer");
  co_await wg.Wait();
}

TEST(SimSyscall, AGoroutineInASyscallDoesNotHoldItsP) {
  for (uint64_t seed = 1; seed <= 4; seed++) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    int64_t start = 0, a = 0, b = 0;
    auto r = runOn(Engine::Sim, computeBesideASyscall(&start, &a, &b), 2, seed);
    ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
    EXPECT_GE(a - start, 10'000'000);
    EXPECT_LT(std::max(a, b) - start, 12'000'000) << "the computations ran one after the other";
  }
}

}  // namespace
}  // namespace rt
