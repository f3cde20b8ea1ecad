// The goroutine API where Go's semantics are easy to get wrong in C++:
// a panic stops the goroutine at the panicking operation (Go's test/chan
// programs rely on it; close is awaited for that), a select case on a nil channel never proceeds, and a
// select's cases can be built at run time (reflect.Select). Every test runs
// on both engines.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "core/sched/engines.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/select.hpp"
#include "support/wait.hpp"

namespace rt {
namespace {

using testing::Engine;
using testing::runOn;

class ChanApi : public ::testing::TestWithParam<Engine> {};
INSTANTIATE_TEST_SUITE_P(Engines, ChanApi, ::testing::ValuesIn(testing::availableEngines()), testing::engineName);

// ------------------------------------------------------------------ panics

Goroutine closeTwice(bool* after) {
  Chan<int> c;
  co_await c.close();
  co_await c.close();  // panics
  *after = true;
}

TEST_P(ChanApi, CloseOfAClosedChannelStopsTheGoroutineAtOnce) {
  bool after = false;
  auto r = runOn(GetParam(), closeTwice(&after));
  EXPECT_EQ(r.rr.status, RunStatus::Fatal);
  EXPECT_EQ(r.rr.fatal, "panic: close of closed channel");
  EXPECT_FALSE(after) << "the statement after the panicking close ran";
  // The panicking goroutine is still there as the run ends, as Go lists it.
  EXPECT_NE(r.dump.find("goroutine 1 ["), std::string::npos) << r.dump;
}

Goroutine blockForever(Chan<int>* c) { co_await c->recv(); }

Goroutine panicBesideABlockedGoroutine() {
  Chan<int> never, c;
  go(blockForever(&never), "main.blocked");
  co_await Gosched();
  co_await c.close();
  co_await c.close();  // panics
}

// Go's default GOTRACEBACK=single: after a panic, the traceback shows the
// goroutine that panicked, as running, and no other.
TEST_P(ChanApi, APanicsTracebackShowsOnlyThePanickingGoroutineAsRunning) {
  auto r = runOn(GetParam(), panicBesideABlockedGoroutine());
  EXPECT_EQ(r.rr.fatal, "panic: close of closed channel");
  EXPECT_NE(r.dump.find("goroutine 1 [running]:\n"), std::string::npos) << r.dump;
  EXPECT_EQ(r.dump.find("main.blocked"), std::string::npos) << "another goroutine was listed:\n" << r.dump;
}

Goroutine sendOnClosed(bool* after) {
  Chan<int> c(1);
  co_await c.close();
  co_await c.send(1);  // panics
  *after = true;
}

TEST_P(ChanApi, SendOnAClosedChannelStopsTheGoroutineAtOnce) {
  bool after = false;
  auto r = runOn(GetParam(), sendOnClosed(&after));
  EXPECT_EQ(r.rr.fatal, "panic: send on closed channel");
  EXPECT_FALSE(after);
}

bool sendBlocked(Chan<int>* c) {
  c->raw()->lock.lock();
  bool blocked = c->raw()->sendq.first != nullptr;
  c->raw()->lock.unlock();
  return blocked;
}

Goroutine blockedSender(Chan<int>* c, std::atomic<bool>* after) {
  co_await c->send(1);  // blocks; the close wakes it with a panic
  after->store(true);
}

Goroutine closeUnderABlockedSender(std::atomic<bool>* senderAfter, std::atomic<bool>* closerAfter) {
  Chan<int> c;
  Chan<int> never;
  go(blockedSender(&c, senderAfter));
  while (!sendBlocked(&c)) co_await Gosched();
  co_await c.close();        // the sender panics, not the closer
  closerAfter->store(true);  // so this runs
  co_await never.recv();     // until the sender's panic ends the run
}

TEST_P(ChanApi, ASendBlockedWhenTheChannelIsClosedPanicsInTheSender) {
  std::atomic<bool> senderAfter{false}, closerAfter{false};
  auto r = runOn(GetParam(), closeUnderABlockedSender(&senderAfter, &closerAfter));
  EXPECT_EQ(r.rr.fatal, "panic: send on closed channel");
  EXPECT_FALSE(senderAfter.load()) << "the sender went on after its panic";
  EXPECT_TRUE(closerAfter.load());
}

Goroutine selectSendOnClosed(bool* after) {
  Chan<int> c;
  co_await c.close();
  int chosen = co_await select(sendCase(c, 1), defaultCase());
  (void)chosen;
  *after = true;
}

TEST_P(ChanApi, ASelectSendOnAClosedChannelStopsTheGoroutineAtOnce) {
  bool after = false;
  auto r = runOn(GetParam(), selectSendOnClosed(&after));
  EXPECT_EQ(r.rr.fatal, "panic: send on closed channel");
  EXPECT_FALSE(after);
}

// A panic in a nested call stops the whole goroutine: its callers never go
// on. Its frames stay intact until the run is torn down, when their
// destructors — the lab's deferred calls — run.
struct Deferred {
  bool* ran;
  ~Deferred() { *ran = true; }
};

Task<int> closesTwice(bool* innerDeferred) {
  Deferred d{innerDeferred};
  Chan<int> c;
  co_await c.close();
  co_await c.close();
  co_return 1;
}

Goroutine callsAPanickingTask(bool* innerDeferred, bool* outerDeferred, bool* after) {
  Deferred d{outerDeferred};
  int v = co_await closesTwice(innerDeferred);
  (void)v;
  *after = true;
}

TEST_P(ChanApi, APanicInANestedCallStopsEveryFrame) {
  bool inner = false, outer = false, after = false;
  auto r = runOn(GetParam(), callsAPanickingTask(&inner, &outer, &after));
  EXPECT_EQ(r.rr.fatal, "panic: close of closed channel");
  EXPECT_FALSE(after) << "the caller went on after the call that panicked";
  EXPECT_TRUE(inner) << "the panicking frame was not destroyed with the run";
  EXPECT_TRUE(outer) << "the caller's frame was not destroyed with the run";
}

// ------------------------------------------------------------ nil channels

Goroutine nilCaseNeverChosen(int* chosenOther, int* chosenNil, int* defaults) {
  Chan<int> a(1);
  Chan<int>* off = nullptr;  // a case switched off, Go-style
  int v = 0;
  for (int i = 0; i < 200; i++) {
    co_await a.send(i);
    int chosen = co_await select(recvCase(off, &v), recvCase(a, &v), sendCase(off, 7));
    if (chosen == 1 && v == i) ++*chosenOther;
    else ++*chosenNil;
  }
  // With nothing else ready, a nil case does not make the select wait: default.
  int chosen = co_await select(recvCase(off, &v), sendCase(off, 1), defaultCase());
  if (chosen == -1) ++*defaults;
}

TEST_P(ChanApi, ASelectCaseOnANilChannelIsNeverChosen) {
  int other = 0, nil = 0, defaults = 0;
  auto r = runOn(GetParam(), nilCaseNeverChosen(&other, &nil, &defaults));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(other, 200);
  EXPECT_EQ(nil, 0);
  EXPECT_EQ(defaults, 1);
}

Goroutine allNilCases() {
  Chan<int>* a = nullptr;
  Chan<int>* b = nullptr;
  int chosen = co_await select(recvCase(a), sendCase(b, 1));
  (void)chosen;
}

TEST_P(ChanApi, ASelectWhoseCasesAreAllNilBlocksForever) {
  auto r = runOn(GetParam(), allNilCases());
  EXPECT_EQ(r.rr.fatal, "all goroutines are asleep - deadlock!");
  EXPECT_NE(r.dump.find("goroutine 1 [select]:"), std::string::npos) << r.dump;
}

Goroutine receiveFromNil() {
  RecvChan<int> nilc;
  int v = co_await nilc.recv();
  (void)v;
}

TEST_P(ChanApi, AReceiveFromANilChannelBlocksForever) {
  auto r = runOn(GetParam(), receiveFromNil());
  EXPECT_EQ(r.rr.fatal, "all goroutines are asleep - deadlock!");
  EXPECT_NE(r.dump.find("goroutine 1 [chan receive (nil chan)]:"), std::string::npos) << r.dump;
}

// ------------------------------------------------------- run-time case lists

Goroutine sendOn(Chan<int>* c, int v) { co_await c->send(v); }

// Is a goroutine parked sending on c (its sudog in c's sendq)?
bool senderWaiting(Chan<int>* c) {
  hchan* h = c->raw();
  h->lock.lock();
  const bool waiting = h->sendq.first != nullptr;
  h->lock.unlock();
  return waiting;
}

// For each k: a goroutine sends on channel k of N (unbuffered); a select
// over all N, built at run time, receives it from k — whether the sender
// came first or the select had to wait.
Goroutine runTimeList(int n, std::vector<int>* chosenFor, std::vector<int>* got, bool* senderBlockedFirst) {
  std::vector<Chan<int>> chans(n);
  for (int k = 0; k < n; k++) {
    go(sendOn(&chans[k], 100 + k));
    if (k % 2 == 0) {  // half the time, the sender blocks first: wait until it has
      const bool blocked = co_await testwait::goschedUntil([&] { return senderWaiting(&chans[k]); });
      if (!blocked) *senderBlockedFirst = false;
    }
    SelectCases cases;
    int v = -1;
    bool ok = false;
    for (auto& c : chans) cases.recv(&c, &v, &ok);
    int chosen = co_await select(cases);
    chosenFor->push_back(chosen);
    got->push_back(ok ? v : -1);
  }
}

TEST_P(ChanApi, ARunTimeCaseListReceivesFromWhicheverIsReady) {
  const int n = 8;
  std::vector<int> chosenFor, got;
  bool senderBlockedFirst = true;
  auto r = runOn(GetParam(), runTimeList(n, &chosenFor, &got, &senderBlockedFirst));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_TRUE(senderBlockedFirst) << "a sender had not blocked on its channel after "
                                  << testwait::kWaitLimit.count() << " s";
  ASSERT_EQ(static_cast<int>(chosenFor.size()), n);
  for (int k = 0; k < n; k++) {
    EXPECT_EQ(chosenFor[k], k);
    EXPECT_EQ(got[k], 100 + k);
  }
}

Goroutine runTimeMixed(std::vector<int>* out) {
  Chan<int> buffered(1), closed, full(1);
  co_await closed.close();
  co_await full.send(0);
  // A nil channel, a send with room, and the default: the send is taken.
  {
    SelectCases cases;
    cases.recv<int>(nullptr);
    int send = cases.send(&buffered, 42);
    int def = cases.addDefault();
    int chosen = co_await select(cases);
    out->push_back(chosen == send ? 1 : chosen == def ? 2 : 0);
  }
  // Nothing ready but the default: reflect.Select returns the default's index.
  {
    SelectCases cases;
    cases.send(&full, 1);
    int def = cases.addDefault();
    int chosen = co_await select(cases);
    out->push_back(chosen == def ? 1 : 0);
  }
  // A closed channel: received, ok == false, the zero value.
  {
    SelectCases cases;
    int v = 5;
    bool ok = true;
    cases.recv<int>(nullptr);
    int ci = cases.recv(&closed, &v, &ok);
    int chosen = co_await select(cases);
    out->push_back(chosen == ci && !ok && v == 0 ? 1 : 0);
  }
  // The value sent above arrives.
  out->push_back(co_await buffered.recv());
}

TEST_P(ChanApi, ARunTimeCaseListHandlesSendsDefaultAndClose) {
  std::vector<int> out;
  auto r = runOn(GetParam(), runTimeMixed(&out));
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(out, (std::vector<int>{1, 1, 1, 42}));
}

Goroutine runTimeSendOnClosed(bool* after) {
  Chan<int> c;
  co_await c.close();
  SelectCases cases;
  cases.send(&c, 1);
  int chosen = co_await select(cases);
  (void)chosen;
  *after = true;
}

TEST_P(ChanApi, ARunTimeSendOnAClosedChannelPanics) {
  bool after = false;
  auto r = runOn(GetParam(), runTimeSendOnClosed(&after));
  EXPECT_EQ(r.rr.fatal, "panic: send on closed channel");
  EXPECT_FALSE(after);
}

Goroutine runTimeAllNil() {
  SelectCases cases;
  cases.recv<int>(nullptr);
  cases.recv<int>(nullptr);
  int chosen = co_await select(cases);
  (void)chosen;
}

TEST_P(ChanApi, ARunTimeListOfNilChannelsBlocksForever) {
  auto r = runOn(GetParam(), runTimeAllNil());
  EXPECT_EQ(r.rr.fatal, "all goroutines are asleep - deadlock!");
}

// A plain call that panics cannot stop the goroutine by itself: it stops at
// its select on the list.
Goroutine twoDefaults(bool* after) {
  SelectCases cases;
  cases.addDefault();
  cases.addDefault();
  int chosen = co_await select(cases);
  (void)chosen;
  *after = true;
}

TEST_P(ChanApi, ARunTimeListWithTwoDefaultsPanicsAsReflectDoes) {
  bool after = false;
  auto r = runOn(GetParam(), twoDefaults(&after));
  EXPECT_EQ(r.rr.fatal, "panic: reflect.Select: multiple default cases");
  EXPECT_FALSE(after);
}

}  // namespace
}  // namespace rt
