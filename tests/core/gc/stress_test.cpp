// Randomized mutators while the collector runs, with the verifier after
// every cycle (and ThreadSanitizer in the tsan build).
//
// Each goroutine owns some global slots, each the head of a list of nodes
// carrying a value; it keeps a checksum of what its lists must hold. At
// random it pushes new nodes, pops nodes, moves a node from one of its lists
// to another through its stack (heap -> stack -> heap, the pattern the
// barrier exists for), drops whole lists, and reads other goroutines' lists.
// GOGC=10 and a goroutine calling runtime.GC() in a loop keep cycles
// coming. At the end every list must match its owner's checksum, and no
// cycle may have left a reachable object white.
#include <gtest/gtest.h>

#include <vector>

#include "gc_harness.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"
#include "support/scale.hpp"

namespace rt::gc {
namespace {

// type node struct { next *node; value int; pad *node }
const Type kNode("node", 3, {0, 2});
constexpr int kMutators = 4;
constexpr uint32_t kSlotsEach = 6;

struct Outcome {
  int64_t mismatches = 0;
  int64_t ops = 0;
};

uint64_t listSum(Obj head, int64_t* count) {
  uint64_t sum = 0;
  for (Obj p = head; p; p = load(p, 0)) {
    sum += loadScalar(p, 1);
    (*count)++;
  }
  return sum;
}

// At least ops operations, and on until the collector has finished
// kOverlap cycles: the cycles overlap the mutation however fast this
// machine runs the mutators.
constexpr int kOverlap = 3;

rt::Goroutine mutator(int id, int64_t ops, uint64_t seed, Outcome* out, rt::WaitGroup* wg,
                      const std::atomic<int>* cycles) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + uint64_t(id) + 1;
  auto rnd = [&x](uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  uint64_t sums[kSlotsEach] = {};
  int64_t counts[kSlotsEach] = {};
  auto slot = [id](uint32_t k) { return uint32_t(id) * kSlotsEach + k; };
  Frame<2> f;
  int64_t i = 0;
  for (; i < ops || cycles->load() < kOverlap; i++) {
    const uint32_t k = uint32_t(rnd(kSlotsEach));
    switch (rnd(8)) {
      case 0:
      case 1:
      case 2: {  // push a node (with a second pointer to a neighbour)
        f.set(0, co_await New(&kNode));
        const uint64_t v = rnd(1000) + 1;
        storeScalar(f.get(0), 1, v);
        store(f.get(0), 0, global(slot(k)));
        store(f.get(0), 2, global(slot(uint32_t(rnd(kSlotsEach)))));
        setGlobal(slot(k), f.get(0));
        f.set(0, nullptr);
        sums[k] += v;
        counts[k]++;
        break;
      }
      case 3: {  // pop a node
        if (Obj h = global(slot(k))) {
          sums[k] -= loadScalar(h, 1);
          counts[k]--;
          setGlobal(slot(k), load(h, 0));
        }
        break;
      }
      case 4: {  // move the head node to another list through the stack
        const uint32_t to = uint32_t(rnd(kSlotsEach));
        f.set(1, global(slot(k)));
        if (!f.get(1)) break;
        setGlobal(slot(k), load(f.get(1), 0));  // the only heap pointer to it is gone
        co_await rt::Gosched();                  // a safe point with the node only on the stack
        store(f.get(1), 0, global(slot(to)));
        setGlobal(slot(to), f.get(1));
        const uint64_t v = loadScalar(f.get(1), 1);
        sums[k] -= v;
        counts[k]--;
        sums[to] += v;
        counts[to]++;
        f.set(1, nullptr);
        break;
      }
      case 5: {  // drop a whole list
        if (rnd(16) == 0) {
          setGlobal(slot(k), nullptr);
          sums[k] = 0;
          counts[k] = 0;
        }
        break;
      }
      default: {  // read another goroutine's list (racy, but only loads)
        const uint32_t other = uint32_t(rnd(uint64_t(kMutators) * kSlotsEach));
        int64_t n = 0;
        for (Obj p = global(other); p && n < 64; p = load(p, 0)) n++;
        break;
      }
    }
    if (i % 64 == 0) co_await rt::checkpoint();
  }
  for (uint32_t k = 0; k < kSlotsEach; k++) {
    int64_t n = 0;
    if (listSum(global(slot(k)), &n) != sums[k] || n != counts[k]) out[id].mismatches++;
  }
  out[id].ops = i;
  wg->Done();
  co_return;
}

// runtime.GC() over and over until the mutators are done.
rt::Goroutine collector(std::atomic<bool>* done, std::atomic<int>* cycles) {
  while (!done->load()) {
    co_await GC();
    cycles->fetch_add(1);
    co_await rt::Sleep{50'000};
  }
  co_return;
}

// On real threads with every barrier, and on the simulator (where a
// failure replays exactly) with the concurrent and the stop-the-world marker.
TEST(GcStress, RandomMutatorsLoseNothing) {
  const int64_t ops = testscale::scaled(40000, 8);
  struct Case {
    bool sim;
    int procs;
    BarrierKind barrier;
    Marker marker;
  };
  std::vector<Case> cases;
  if (testscale::kThreads)  // real threads, where the build has them
    for (int procs : {2, 4})
      for (BarrierKind b : {BarrierKind::Hybrid, BarrierKind::Yuasa, BarrierKind::Dijkstra})
        cases.push_back({false, procs, b, Marker::Concurrent});
  for (Marker m : {Marker::Concurrent, Marker::STW}) cases.push_back({true, 2, BarrierKind::Hybrid, m});
  for (const Case& k : cases) {
    {
      const int procs = k.procs;
      const BarrierKind b = k.barrier;
      GcConfig c;
      c.gogc = 10;
      c.marker = k.marker;
      c.barrier = b;
      c.verifyEachCycle = true;
      c.nglobals = kMutators * kSlotsEach;
      Outcome out[kMutators];
      testing::GcRun r = testing::runWithGc(k.sim, procs, 1, c, [&](Collector*) -> Goroutine {
        rt::WaitGroup wg;
        std::atomic<bool> done{false};
        std::atomic<int> cycles{0};
        wg.Add(kMutators);
        for (int id = 0; id < kMutators; id++)
          rt::go(mutator(id, ops, uint64_t(procs), out, &wg, &cycles), "main.mutator");
        rt::go(collector(&done, &cycles), "main.collector");
        co_await wg.Wait();
        done.store(true);
        co_await GC();
        co_return;
      });
      ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
      for (int id = 0; id < kMutators; id++) {
        EXPECT_EQ(out[id].mismatches, 0) << (k.sim ? "sim " : "real ") << barrierName(b) << " procs " << procs << " mutator " << id;
        EXPECT_GE(out[id].ops, ops);
      }
      EXPECT_GT(r.history.size(), size_t{kOverlap}) << "cycles should overlap the mutators";
      for (const CycleStats& cs : r.history)
        EXPECT_EQ(cs.lost, 0u) << barrierName(b) << " procs " << procs << " gc " << cs.numgc << "\n" << r.lastVerify;
    }
  }
}

}  // namespace
}  // namespace rt::gc
