// Ports of Go's run queue tests (runtime/export_test.go, proc_runtime_test.go)
// plus the properties the course names: overflow moves exactly 129 Gs in
// order, runnext semantics, and steal order.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/scale.hpp"
#include "support/wait.hpp"
#include "sched/randomorder.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"

namespace rt {
namespace {

// A runtime that never runs: it only owns Ps and the global queue.
struct Fixture {
  Runtime rt{Runtime::Config{.gomaxprocs = 1}};
  // Fresh Ps outside allp (status _Pgcstop, like Go's `new(p)`).
  P* newP(int id) { return rt.pForId(id); }
};

// Go: RunSchedLocalQueueTest
TEST(RunQueue, LocalQueueIsFifoAtEveryFillLevel) {
  Fixture f;
  P* pp = f.newP(4);
  std::vector<G> gs(kRunqSize);
  bool inherit = false;
  for (uint32_t i = 0; i < kRunqSize; i++) {
    ASSERT_EQ(runqget(pp, &inherit), nullptr) << "runq is not empty initially";
    for (uint32_t j = 0; j < i; j++) runqput(pp, &gs[j], false);
    for (uint32_t j = 0; j < i; j++) ASSERT_EQ(runqget(pp, &inherit), &gs[j]) << "bad element at iter " << i << "/" << j;
    ASSERT_EQ(runqget(pp, &inherit), nullptr) << "runq is not empty afterwards";
  }
}

// Go: RunSchedLocalQueueStealTest
TEST(RunQueue, StealTakesHalfAndEveryGIsSeenExactlyOnce) {
  Fixture f;
  P* p1 = f.newP(4);
  P* p2 = f.newP(5);
  std::vector<G> gs(kRunqSize);
  std::vector<int> sig(kRunqSize);
  auto idx = [&](G* gp) { return gp - gs.data(); };
  bool inherit = false;
  for (uint32_t i = 0; i < kRunqSize; i++) {
    for (uint32_t j = 0; j < i; j++) {
      sig[j] = 0;
      runqput(p1, &gs[j], false);
    }
    G* gp = runqsteal(p2, p1, true);
    uint32_t s = 0;
    if (gp) {
      s++;
      sig[idx(gp)]++;
    }
    while ((gp = runqget(p2, &inherit))) {
      s++;
      sig[idx(gp)]++;
    }
    while ((gp = runqget(p1, &inherit))) sig[idx(gp)]++;
    for (uint32_t j = 0; j < i; j++) ASSERT_EQ(sig[j], 1) << "bad element " << j << " at iter " << i;
    ASSERT_TRUE(s == i / 2 || s == i / 2 + 1) << "bad steal " << s << ", want " << i / 2 << " or " << i / 2 + 1;
  }
}

TEST(RunQueue, OverflowMovesThe128OldestPlusTheNewOneToTheGlobalQueue) {
  Fixture f;
  P* pp = f.newP(4);
  std::vector<G> gs(kRunqSize + 1);
  for (uint32_t i = 0; i < kRunqSize; i++) runqput(pp, &gs[i], false);
  EXPECT_EQ(runqlen(pp), kRunqSize);
  EXPECT_EQ(f.rt.sched.runq.size, 0);
  runqput(pp, &gs[kRunqSize], false);  // the 257th
  ASSERT_EQ(f.rt.sched.runq.size, 129);
  EXPECT_EQ(runqlen(pp), 128u);
  // The global queue holds gs[0..127] then gs[256], oldest first.
  G* gp = f.rt.sched.runq.head;
  for (uint32_t i = 0; i < 128; i++, gp = gp->schedlink) ASSERT_EQ(gp, &gs[i]);
  ASSERT_EQ(gp, &gs[kRunqSize]);
  EXPECT_EQ(gp->schedlink, nullptr);
  // The local ring keeps the 128 newest, in order.
  bool inherit = false;
  for (uint32_t i = 128; i < kRunqSize; i++) ASSERT_EQ(runqget(pp, &inherit), &gs[i]);
  // globrunqget hands out oldest first too.
  std::lock_guard lock(f.rt.sched.lock);
  EXPECT_EQ(globrunqget(&f.rt, pp, 1), &gs[0]);
}

// NOT GO (g.hpp schedlinkAhead): the hint globrunqget's walk prefetches.
// The walk is only fast if each G's hint names the G kSchedlinkAhead places
// further down its own batch; it must be gone once the G leaves the queue,
// or a G would later prefetch whatever its stale hint names.
TEST(RunQueue, GlobalQueueHintsPointAheadInTheirBatchAndGoWhenTaken) {
  Fixture f;
  P* pp = f.newP(4);
  std::vector<G> gs(2 * kRunqSize);
  // Two spills: batches of 129 (the 128 oldest in the ring plus the new G).
  for (G& g : gs) runqput(pp, &g, false);
  ASSERT_EQ(f.rt.sched.runq.size, 2 * 129);
  std::vector<G*> queue;
  for (G* gp = f.rt.sched.runq.head; gp; gp = gp->schedlink) queue.push_back(gp);
  ASSERT_EQ(queue.size(), 2u * 129);
  for (size_t i = 0; i < queue.size(); i++) {
    const size_t inBatch = i % 129;
    G* want = inBatch + kSchedlinkAhead < 129 ? queue[i + kSchedlinkAhead] : nullptr;
    ASSERT_EQ(queue[i]->schedlinkAhead, want) << "G " << i << " of the global queue";
  }
  // Drain the global queue into an empty P, in order; every G taken has no hint.
  P* taker = f.newP(5);
  bool inherit = false;
  size_t next = 0;
  for (;;) {
    G* gp = nullptr;
    {
      std::lock_guard lock(f.rt.sched.lock);
      gp = globrunqget(&f.rt, taker, 0);
    }
    if (!gp) break;
    for (; gp; gp = runqget(taker, &inherit), next++) {
      ASSERT_LT(next, queue.size());
      ASSERT_EQ(gp, queue[next]) << "FIFO order";
      ASSERT_EQ(gp->schedlinkAhead, nullptr) << "G " << next << " keeps its hint after globrunqget took it";
    }
  }
  EXPECT_EQ(next, queue.size());
}

TEST(RunQueue, RunnextRunsFirstAndInheritsTheTimeSlice) {
  Fixture f;
  P* pp = f.newP(4);
  G a, b, c;
  runqput(pp, &a, false);
  runqput(pp, &b, true);
  runqput(pp, &c, true);  // kicks b to the tail
  bool inherit = false;
  EXPECT_EQ(runqget(pp, &inherit), &c);
  EXPECT_TRUE(inherit);
  EXPECT_EQ(runqget(pp, &inherit), &a);
  EXPECT_FALSE(inherit);
  EXPECT_EQ(runqget(pp, &inherit), &b);
  EXPECT_FALSE(inherit);
  EXPECT_TRUE(runqempty(pp));
}

TEST(RunQueue, RunqemptyIsFalseWhileAGSitsInRunnext) {
  Fixture f;
  P* pp = f.newP(4);
  G a;
  runqput(pp, &a, true);
  EXPECT_FALSE(runqempty(pp));
  EXPECT_EQ(runqlen(pp), 0u);
}

TEST(RunQueue, RunnextIsStolenOnlyWhenAsked) {
  Fixture f;
  P* victim = f.newP(4);
  P* thief = f.newP(5);
  G a;
  runqput(victim, &a, true);
  EXPECT_EQ(runqsteal(thief, victim, false), nullptr);
  EXPECT_EQ(runqsteal(thief, victim, true), &a);
  EXPECT_TRUE(runqempty(victim));
}

// Go: RunSchedLocalQueueEmptyTest — a concurrent observer must never see the
// queue empty while one G is in it, whichever of runq/runnext holds it.
TEST(RunQueue, NeverSpuriouslyEmptyUnderConcurrency) {
  RTLAB_NEEDS_THREADS();
  Fixture f;
  P* pp = f.newP(4);
  G gs[2];
  const int iters = 100000;  // Go runs 1e5
  // One observer thread for all iterations; each iteration both threads
  // rendezvous on `ready`, then race: the owner puts the second G and takes
  // one, while the observer asks runqempty.
  std::atomic<int> iter{-1}, ready{0}, checked{-1};
  std::atomic<int> failedAt{-1};
  // Each side waits for the other's step of the same iteration. If one never
  // comes, `stuckAt` ends both loops and the test fails, rather than hangs.
  std::atomic<int> stuckAt{-1};
  auto waitFor = [&stuckAt](int i, auto done) {
    if (stuckAt.load() < 0 && !testwait::spinUntil([&] { return done() || stuckAt.load() >= 0; })) stuckAt.store(i);
    return stuckAt.load() < 0;
  };
  std::thread observer([&] {
    for (int i = 0; i < iters; i++) {
      if (!waitFor(i, [&] { return iter.load() == i; })) return;
      ready.fetch_add(1);
      if (!waitFor(i, [&] { return ready.load() >= 2 * (i + 1); })) return;
      if (runqempty(pp) && failedAt.load() < 0) failedAt.store(i);
      checked.store(i);
    }
  });
  bool inherit = false;
  for (int i = 0; i < iters; i++) {
    bool next0 = (i & 1) == 0, next1 = (i & 2) == 0;
    runqput(pp, &gs[0], next0);
    iter.store(i);
    ready.fetch_add(1);
    if (!waitFor(i, [&] { return ready.load() >= 2 * (i + 1); })) break;
    runqput(pp, &gs[1], next1);
    runqget(pp, &inherit);
    if (!waitFor(i, [&] { return checked.load() == i; })) break;
    runqget(pp, &inherit);
  }
  observer.join();
  EXPECT_EQ(stuckAt.load(), -1) << "a thread waited " << testwait::kWaitLimit.count()
                                << " s for the other's step of iteration " << stuckAt.load();
  EXPECT_EQ(failedAt.load(), -1) << "queue is empty at iteration " << failedAt.load();
}

// Concurrent thieves against a producing owner: every G comes out exactly once.
TEST(RunQueue, ConcurrentStealsLoseNothing) {
  RTLAB_NEEDS_THREADS();
  Fixture f;
  P* owner = f.newP(4);
  P* thieves[2] = {f.newP(5), f.newP(6)};
  const int n = 200000;
  std::vector<G> gs(n);
  std::vector<std::atomic<int>> seen(n);
  std::atomic<bool> producing{true};
  std::atomic<int> taken{0};
  auto mark = [&](G* gp) {
    seen[gp - gs.data()].fetch_add(1);
    taken.fetch_add(1);
  };
  std::vector<std::thread> ts;
  for (P* t : thieves) {
    ts.emplace_back([&, t] {
      bool inherit;
      while (producing.load() || taken.load() < n) {
        if (G* gp = runqsteal(t, owner, true)) {
          mark(gp);
          while (G* g2 = runqget(t, &inherit)) mark(g2);
        }
        if (!producing.load() && runqempty(owner) && runqempty(t)) break;
      }
    });
  }
  bool inherit;
  for (int i = 0; i < n; i++) {
    runqput(owner, &gs[i], i % 7 == 0);
    if (i % 3 == 0) {
      if (G* gp = runqget(owner, &inherit)) mark(gp);
    }
  }
  producing.store(false);
  while (G* gp = runqget(owner, &inherit)) mark(gp);
  for (auto& t : ts) t.join();
  // Whatever spilled to the global queue counts too.
  while (G* gp = f.rt.sched.runq.pop()) mark(gp);
  for (int i = 0; i < n; i++) ASSERT_EQ(seen[i].load(), 1) << "G " << i;
}

// Go: RunStealOrderTest
TEST(StealOrder, EveryPIsVisitedExactlyOnceFor1To64Ps) {
  RandomOrder ord;
  for (uint32_t procs = 1; procs <= 64; procs++) {
    ord.reset(procs);
    if (procs >= 3) {
      ASSERT_GE(ord.coprimes().size(), 2u) << "procs " << procs;
    }
    std::vector<std::pair<uint32_t, uint32_t>> starts;
    for (uint32_t co = 0; co < ord.coprimes().size() * procs; co++) {
      std::vector<bool> checked(procs);
      RandomOrder::Enum e = ord.start(co);
      if (co < ord.coprimes().size() * procs) starts.emplace_back(e.pos, e.inc);
      uint32_t i = 0;
      for (; !e.done(); e.next(), i++) {
        ASSERT_FALSE(checked[e.position()]) << "procs " << procs << " co " << co << " visits P twice";
        checked[e.position()] = true;
      }
      ASSERT_EQ(i, procs) << "bad enumeration length";
    }
    if (procs >= 2) {
      std::sort(starts.begin(), starts.end());
      ASSERT_EQ(std::adjacent_find(starts.begin(), starts.end()), starts.end()) << "procs " << procs;
    }
  }
}

}  // namespace
}  // namespace rt
