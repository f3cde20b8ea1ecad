// Randomized mutators while the collector runs, with the verifier after
// every cycle (and ThreadSanitizer in the tsan build).
//
// Each goroutine owns some global slots, each the head of a list of nodes;
// it keeps the sum of the values its lists must hold. It also shares
// objects with the other goroutines, as Go programs share heap objects
// between goroutines: a table reachable from a global, and a `ref` field in
// every node, which any goroutine may overwrite. At random a goroutine
//   - pushes, pops and drops nodes of its own lists, and moves a node from
//     one of them to another through its stack (heap -> stack -> heap);
//   - publishes a node in the table, overwriting the pointer there;
//   - takes a shared node out of the table or out of another goroutine's
//     node (often deleting that pointer, sometimes the last one in the
//     heap), holds it on its stack across safe points for a while, then
//     stores it into the table, another goroutine's node or its own, or
//     drops it;
//   - overwrites refs in other goroutines' nodes, deleting pointers to
//     objects that yet another goroutine may hold on its stack;
//   - reads other goroutines' lists.
// So pointer stores delete the last heap pointer to objects that some other
// goroutine's stack still reaches, and hide white objects behind scanned
// ones, while the collector marks: what a write barrier exists for.
// GOGC=10 and a goroutine calling runtime.GC() in a loop keep cycles coming.
//
// What must hold: no cycle leaves a reachable object white (the verifier,
// Go's gccheckmark), and every object the program reaches is intact: a
// node's value is unique and carries a checksum, so a node freed and reused
// while still reachable shows up as a wrong value, a wrong checksum or a
// wrong list sum. With no write barrier (BarrierKind::None, the lab's
// deliberately unsound mode) the same program loses objects: the test can
// fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "gc_harness.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"
#include "support/scale.hpp"

namespace rt::gc {
namespace {

// type node struct { next *node; value uint64; check uint64; ref *node }
//   next   the owner's list; only the owner writes it
//   value  unique to the node, never changed once the node is published
//   check  checksumOf(value)
//   ref    a shared node; any goroutine may overwrite it
enum NodeWord : uint32_t { kNext = 0, kValue = 1, kCheck = 2, kRef = 3 };
const Type kNode("node", 4, {kNext, kRef});

// type table struct { slot [kTableSlots]*node }: the global every goroutine
// publishes nodes in and takes them from.
constexpr uint32_t kTableSlots = 16;
std::vector<uint32_t> allWords(uint32_t n) {
  std::vector<uint32_t> w;
  for (uint32_t i = 0; i < n; i++) w.push_back(i);
  return w;
}
const Type kTable("table", kTableSlots, allWords(kTableSlots));

constexpr int kMutators = 4;
// Lists a goroutine changes, and one more, its archive: a long list it
// builds at the start and then changes only through refs. The archive is
// the bulk of the heap, so marking takes a while, and each of its nodes
// starts out pointing to a node no one else reaches, for the others to
// take away while the collector may not have got to it.
constexpr uint32_t kSlotsEach = 6;
constexpr uint32_t kArchive = kSlotsEach;
constexpr uint32_t kListsEach = kSlotsEach + 1;
// Globals 0 .. kMutators*kListsEach-1 are the lists' heads, then the table.
constexpr uint32_t kTableGlobal = kMutators * kListsEach;
constexpr uint32_t kGlobals = kTableGlobal + 1;
// Shared nodes a goroutine holds on its stack at once, and for how many of
// its operations at most (long enough to outlast a mark).
constexpr uint32_t kHeldSlots = 4;
constexpr uint64_t kMaxHoldOps = 1024;

// At least kOps operations each (fewer under sanitizers and wasm), and on
// until the collector has finished kOverlap cycles: the cycles overlap the
// mutation however fast this machine runs the mutators. On real threads a
// concurrent mark can also be over before a stopped mutator runs again (a
// small heap, a slow wake-up under a sanitizer), so with that marker they
// go on, for up to kMaxCycles cycles, until one of them has stored into a
// shared object while marking.
constexpr int64_t kOps = 40000;
constexpr int kOverlap = 3;
constexpr int kMaxCycles = 40;

// splitmix64's finalizer: any change to a value changes its checksum.
uint64_t checksumOf(uint64_t value) {
  uint64_t z = value + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A node as it was made: still a node (its header), its value set, and the
// checksum of that value. (A slot freed and reused for another node passes
// this; the callers' value and sum checks catch that.)
bool intact(Obj n) {
  if (typeOf(reinterpret_cast<uintptr>(n)) != &kNode) return false;
  const uint64_t v = loadScalar(n, kValue);
  return v != 0 && loadScalar(n, kCheck) == checksumOf(v);
}

// p := &node{value: value, check: checksumOf(value)}
Task<Obj> newNode(uint64_t value) {
  Obj n = co_await New(&kNode);
  storeScalar(n, kValue, value);
  storeScalar(n, kCheck, checksumOf(value));
  co_return n;  // no safe point before the caller stores it: like a register
}

Obj table() { return global(kTableGlobal); }

// The node `depth` steps down a list (or its last node), nil for an empty
// list. Another goroutine's list may change meanwhile: only loads.
Obj nodeAt(uint32_t head, uint64_t depth) {
  Obj p = global(head);
  for (uint64_t d = 0; p && d < depth; d++) {
    Obj next = load(p, kNext);
    if (!next) break;
    p = next;
  }
  return p;
}

struct Outcome {
  int64_t ops = 0;
  int64_t broken = 0;  // nodes found not intact while running
  // Stores into another goroutine's node or the shared table while the
  // collector was marking: the test exercised what it is about.
  int64_t sharedStoresWhileMarking = 0;
  // What each of its lists must hold at the end.
  uint64_t sums[kListsEach] = {};
  int64_t counts[kListsEach] = {};
};

// What the mutators share: the collector's count of finished cycles, and
// their own count of stores into shared objects while marking (which the
// stop-the-world marker never sees).
struct Progress {
  const bool concurrentMark;
  std::atomic<int> cycles{0};
  std::atomic<int64_t> sharedStoresWhileMarking{0};
  bool enough(int64_t i, int64_t ops) const {
    const int c = cycles.load();
    if (i < ops || c < kOverlap) return false;
    return !concurrentMark || sharedStoresWhileMarking.load() > 0 || c >= kMaxCycles;
  }
};

rt::Goroutine mutator(int id, int64_t ops, uint64_t archiveLen, uint64_t seed, Outcome* out, rt::WaitGroup* wg,
                      Progress* progress) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + uint64_t(id) + 1;
  auto rnd = [&x](uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  Outcome& o = out[id];
  Collector* col = Collector::current();
  // Counts a store just made into a shared object, if the collector is marking.
  auto countSharedStore = [&] {
    if (col->gcphase.load(std::memory_order_relaxed) != GCPhase::Mark) return;
    o.sharedStoresWhileMarking++;
    progress->sharedStoresWhileMarking.fetch_add(1, std::memory_order_relaxed);
  };
  uint64_t serial = 0;
  auto nextValue = [id, &serial] { return (uint64_t(id) + 1) << 40 | ++serial; };
  auto slot = [id](uint32_t k) { return uint32_t(id) * kListsEach + k; };
  auto anotherGoroutine = [id, &rnd] { return (uint32_t(id) + 1 + uint32_t(rnd(kMutators - 1))) % kMutators; };
  // A node of another goroutine: near the head of a list it changes, or
  // anywhere in its archive.
  auto otherNode = [&] {
    const uint32_t other = anotherGoroutine();
    if (rnd(2) == 0) return nodeAt(other * kListsEach + kArchive, rnd(archiveLen));
    return nodeAt(other * kListsEach + uint32_t(rnd(kSlotsEach)), rnd(32));
  };
  // Stack slots (Go: the goroutine's stack; writing them has no write
  // barrier): a node being made, a node moving between two of this
  // goroutine's lists, and shared nodes held across safe points, as the
  // local variables of a function working on them would.
  enum : uint32_t { kMaking, kMoving };
  Frame<2> f;
  Frame<kHeldSlots> held;
  uint64_t heldValue[kHeldSlots] = {};  // each held node's value when it was taken
  int64_t heldUntil[kHeldSlots] = {};   // and the operation at which it is let go
  // A held node must still be the node it was: one that the collector freed
  // while this stack reached it would be reused, and hold another value.
  auto checkHeld = [&](uint32_t h) {
    if (held.get(h) && (!intact(held.get(h)) || loadScalar(held.get(h), kValue) != heldValue[h])) o.broken++;
  };

  // The archive: each node with a node of its own to point to (its payload).
  for (uint64_t n = 0; n < archiveLen; n++) {
    f.set(kMaking, co_await newNode(nextValue()));
    store(f.get(kMaking), kNext, global(slot(kArchive)));
    setGlobal(slot(kArchive), f.get(kMaking));
    o.sums[kArchive] += loadScalar(f.get(kMaking), kValue);
    o.counts[kArchive]++;
    Obj payload = co_await newNode(nextValue());
    store(global(slot(kArchive)), kRef, payload);
  }
  f.set(kMaking, nullptr);

  int64_t i = 0;
  for (; !progress->enough(i, ops); i++) {
    const uint32_t k = uint32_t(rnd(kSlotsEach));
    // Done with a held node: store it somewhere (as a function would return
    // it or hand it on), or drop it. Until then the stack may be the only
    // thing that reaches it.
    for (uint32_t h = 0; h < kHeldSlots; h++) {
      if (!held.get(h) || i < heldUntil[h]) continue;
      checkHeld(h);
      switch (rnd(4)) {
        case 0: store(table(), uint32_t(rnd(kTableSlots)), held.get(h)); break;
        case 1:
          if (Obj q = otherNode()) store(q, kRef, held.get(h));
          break;
        case 2:
          if (Obj n = global(slot(k))) store(n, kRef, held.get(h));
          break;
        default: break;
      }
      countSharedStore();
      held.set(h, nullptr);
    }
    switch (rnd(16)) {
      case 0:
      case 1:
      case 2: {  // push a node, which also points to a shared one
        f.set(kMaking, co_await newNode(nextValue()));
        store(f.get(kMaking), kNext, global(slot(k)));
        store(f.get(kMaking), kRef, load(table(), uint32_t(rnd(kTableSlots))));
        setGlobal(slot(k), f.get(kMaking));
        o.sums[k] += loadScalar(f.get(kMaking), kValue);
        o.counts[k]++;
        f.set(kMaking, nullptr);
        break;
      }
      case 3: {  // pop a node (the table or a ref may still reach it)
        if (Obj h = global(slot(k))) {
          o.sums[k] -= loadScalar(h, kValue);
          o.counts[k]--;
          setGlobal(slot(k), load(h, kNext));
        }
        break;
      }
      case 4: {  // move the head node to another list through the stack
        const uint32_t to = uint32_t(rnd(kSlotsEach));
        f.set(kMoving, global(slot(k)));
        if (!f.get(kMoving)) break;
        setGlobal(slot(k), load(f.get(kMoving), kNext));  // the list's pointer to it is gone
        co_await rt::Gosched();                            // a safe point with the node on the stack
        store(f.get(kMoving), kNext, global(slot(to)));
        setGlobal(slot(to), f.get(kMoving));
        const uint64_t v = loadScalar(f.get(kMoving), kValue);
        o.sums[k] -= v;
        o.counts[k]--;
        o.sums[to] += v;
        o.counts[to]++;
        f.set(kMoving, nullptr);
        break;
      }
      case 5: {  // drop a whole list, now and then
        if (rnd(16) == 0) {
          setGlobal(slot(k), nullptr);
          o.sums[k] = 0;
          o.counts[k] = 0;
        }
        break;
      }
      case 6: {  // publish a node in the table: a new one in no list, or one of its own
        const uint32_t s = uint32_t(rnd(kTableSlots));
        if (rnd(2) == 0) {
          f.set(kMaking, co_await newNode(nextValue()));
          store(f.get(kMaking), kRef, load(table(), uint32_t(rnd(kTableSlots))));
          store(table(), s, f.get(kMaking));
          f.set(kMaking, nullptr);
        } else if (Obj n = nodeAt(slot(k), rnd(8))) {
          store(table(), s, n);
        }
        countSharedStore();
        break;
      }
      case 7:
      case 8:
      case 9: {  // take a shared node out of the table or out of another goroutine's node
        const uint32_t h = uint32_t(rnd(kHeldSlots));
        if (held.get(h)) break;         // that stack slot is in use
        const bool take = rnd(2) == 0;  // and delete the heap pointer it came from
        if (rnd(2) == 0) {
          const uint32_t s = uint32_t(rnd(kTableSlots));
          held.set(h, load(table(), s));
          if (take) store(table(), s, nullptr);
        } else if (Obj q = otherNode()) {
          held.set(h, load(q, kRef));
          if (take) store(q, kRef, nullptr);
        }
        if (take) countSharedStore();
        if (!held.get(h)) break;
        if (!intact(held.get(h))) {
          o.broken++;
          held.set(h, nullptr);
          break;
        }
        heldValue[h] = loadScalar(held.get(h), kValue);
        heldUntil[h] = i + 1 + int64_t(rnd(kMaxHoldOps));
        break;
      }
      case 10: {  // a safe point while holding them: a cycle may start or end here
        co_await rt::Gosched();
        for (uint32_t h = 0; h < kHeldSlots; h++) checkHeld(h);
        break;
      }
      case 11: {  // give a node of its archive a new node to point to, that nobody else reaches yet
        f.set(kMaking, co_await newNode(nextValue()));
        store(nodeAt(slot(kArchive), rnd(archiveLen)), kRef, f.get(kMaking));
        f.set(kMaking, nullptr);
        break;
      }
      case 12: {  // overwrite a ref in another goroutine's node
        if (Obj q = otherNode()) {
          store(q, kRef, rnd(2) == 0 ? nullptr : load(table(), uint32_t(rnd(kTableSlots))));
          countSharedStore();
        }
        break;
      }
      default: {  // read another goroutine's list and what it shares (racy, but only loads)
        const uint32_t list = anotherGoroutine() * kListsEach + uint32_t(rnd(kListsEach));
        int64_t n = 0;
        for (Obj p = global(list); p && n < 64; p = load(p, kNext), n++) {
          if (!intact(p)) {
            o.broken++;
            break;
          }
          if (Obj r = load(p, kRef); r && !intact(r)) o.broken++;
        }
        break;
      }
    }
    if (i % 64 == 0) co_await rt::checkpoint();
  }
  for (uint32_t h = 0; h < kHeldSlots; h++) checkHeld(h);
  o.ops = i;
  wg->Done();
  co_return;
}

// runtime.GC() over and over until the mutators are done. After each, it
// waits as long as that cycle took (at least 50 µs), so that the mutators
// also run between cycles: a cycle's cost varies a lot (ThreadSanitizer
// makes the verifier many times slower), and forced cycles then take about
// half the time at most, on any build.
rt::Goroutine collector(std::atomic<bool>* done, std::atomic<int>* cycles) {
  while (!done->load()) {
    const int64_t start = rt::nanotime();
    co_await GC();
    cycles->fetch_add(1);
    co_await rt::Sleep{std::max<int64_t>(50'000, rt::nanotime() - start)};
  }
  co_return;
}

// What main finds once the mutators are done and a last cycle has swept.
struct Final {
  int64_t listMismatches = 0;  // lists whose sum or length is not what the owner made it
  int64_t broken = 0;          // nodes reachable from a list or the table, not intact
};

struct StressCase {
  bool sim;
  int procs;
  BarrierKind barrier;
  Marker marker;
  uint64_t seed;
};

std::string describe(const StressCase& k) {
  return std::string(k.sim ? "sim" : "real threads") + ", " + barrierName(k.barrier) + " barrier, " +
         (k.marker == Marker::STW ? "stop-the-world marker" : "concurrent marker") + ", " +
         std::to_string(k.procs) + " Ps, seed " + std::to_string(k.seed);
}

struct StressRun {
  testing::GcRun r;
  Outcome out[kMutators];
  Final final;
  int64_t ops = 0;  // the minimum each mutator had to do
};

// Each mutator does at least `ops` operations (testscale scales the
// default down under sanitizers and wasm).
StressRun runStress(const StressCase& k, int64_t ops = testscale::scaled(kOps, 8)) {
  StressRun s;
  s.ops = ops;
  // Sanitizers slow real threads far more than the simulator, which keeps
  // the archives whole: it is there that their size makes objects get lost
  // without a barrier.
  const uint64_t archiveLen = k.sim ? 512 : uint64_t(testscale::scaled(512, 4));
  GcConfig c;
  c.gogc = 10;
  c.marker = k.marker;
  c.barrier = k.barrier;
  c.verifyEachCycle = true;
  c.nglobals = kGlobals;
  s.r = testing::runWithGc(k.sim, k.procs, k.seed, c, [&](Collector*) -> Goroutine {
    setGlobal(kTableGlobal, co_await New(&kTable));
    rt::WaitGroup wg;
    std::atomic<bool> done{false};
    Progress progress{k.marker == Marker::Concurrent};
    wg.Add(kMutators);
    for (int id = 0; id < kMutators; id++)
      rt::go(mutator(id, s.ops, archiveLen, k.seed, s.out, &wg, &progress), "main.mutator");
    rt::go(collector(&done, &progress.cycles), "main.collector");
    co_await wg.Wait();
    done.store(true);
    co_await GC();
    // Allocate over what that cycle's sweep freed: a node freed while still
    // reachable would now be a poisoned one (its check does not match).
    for (int n = 0; n < 4096; n++) {
      Obj p = co_await New(&kNode);
      storeScalar(p, kValue, ~uint64_t(0));
    }
    // A node and the shared node it points to; false if the node itself is
    // not intact (its fields cannot be trusted to go on with).
    auto walk = [&](Obj n) {
      if (!intact(n)) {
        s.final.broken++;
        return false;
      }
      if (Obj r = load(n, kRef); r && !intact(r)) s.final.broken++;
      return true;
    };
    for (int id = 0; id < kMutators; id++) {
      for (uint32_t j = 0; j < kListsEach; j++) {
        uint64_t sum = 0;
        int64_t count = 0;
        for (Obj p = global(uint32_t(id) * kListsEach + j); p && walk(p); p = load(p, kNext), count++)
          sum += loadScalar(p, kValue);
        if (sum != s.out[id].sums[j] || count != s.out[id].counts[j]) s.final.listMismatches++;
      }
    }
    for (uint32_t j = 0; j < kTableSlots; j++)
      if (Obj p = load(table(), j)) walk(p);
    co_return;
  });
  return s;
}

uint64_t lostObjects(const testing::GcRun& r) {
  uint64_t lost = 0;
  for (const CycleStats& cs : r.history) lost += cs.lost;
  return lost;
}

// Every property, for a barrier that must be sound.
void expectNothingLostOrBroken(const StressCase& k) {
  SCOPED_TRACE(describe(k));
  const StressRun s = runStress(k);
  ASSERT_EQ(s.r.rr.status, RunStatus::Ok) << s.r.rr.fatal;
  EXPECT_GT(s.r.history.size(), size_t{kOverlap}) << "cycles should overlap the mutators";
  for (const CycleStats& cs : s.r.history) EXPECT_EQ(cs.lost, 0u) << "gc " << cs.numgc << " left reachable objects white";
  for (const std::string& report : s.r.lossReports) ADD_FAILURE() << report;
  int64_t shared = 0;
  for (int id = 0; id < kMutators; id++) {
    EXPECT_GE(s.out[id].ops, s.ops) << "mutator " << id;
    EXPECT_EQ(s.out[id].broken, 0) << "mutator " << id << " reached nodes that are not intact";
    shared += s.out[id].sharedStoresWhileMarking;
  }
  EXPECT_EQ(s.final.listMismatches, 0) << "lists that do not hold what their owner put in them";
  EXPECT_EQ(s.final.broken, 0) << "reachable nodes that are not intact at the end";
  // Not a property of the collector: that the test did what it is for.
  if (k.marker == Marker::Concurrent) {
    EXPECT_GT(shared, 0) << "no store into a shared object while marking";
  }
}

// On the simulator, where a failure replays exactly from its seed: every
// barrier the lab has with the concurrent marker (Dijkstra's with its stack
// re-scan at mark termination, Yuasa's relying on the lab's stacks being
// scanned before their goroutine runs), and the stop-the-world marker, which
// needs no barrier. Take away the hybrid barrier's shade(*slot), or
// Dijkstra's re-scan, and the held nodes taken out of the archives are lost
// here on every seed.
TEST(GcStress, SharedObjectsSurviveEveryBarrierOnTheSimulator) {
  for (BarrierKind b : {BarrierKind::Hybrid, BarrierKind::Dijkstra, BarrierKind::Yuasa})
    for (uint64_t seed = 1; seed <= 2; seed++) expectNothingLostOrBroken({true, 2, b, Marker::Concurrent, seed});
  expectNothingLostOrBroken({true, 2, BarrierKind::Hybrid, Marker::STW, 2});
}

// On real threads, where the marking really runs in parallel with the
// mutators (and ThreadSanitizer watches, in the tsan build).
TEST(GcStress, SharedObjectsSurviveEveryBarrierOnRealThreads) {
  RTLAB_NEEDS_THREADS();
  for (int procs : {2, 4})
    for (BarrierKind b : {BarrierKind::Hybrid, BarrierKind::Yuasa, BarrierKind::Dijkstra})
      expectNothingLostOrBroken({false, procs, b, Marker::Concurrent, 1});
}

// The lab's "none" barrier is unsound on purpose (barrier.cpp): the same
// program must lose objects under it, or the tests above could not fail.
// The verifier keeps what it finds lost (it marks it), so the run still
// ends normally. One seed suffices (natively each of the first four loses
// hundreds of objects); a few are tried so that a change in how the
// simulator interleaves goroutines does not make this test flaky. Always at
// full size: with the eighth of the work sanitizers and wasm do, some seeds
// lose nothing.
TEST(GcStress, WithoutABarrierTheVerifierFindsLostObjects) {
  uint64_t lost = 0;
  std::string report;
  for (uint64_t seed = 1; seed <= 4 && lost == 0; seed++) {
    const StressCase k{true, 2, BarrierKind::None, Marker::Concurrent, seed};
    const StressRun s = runStress(k, kOps);
    ASSERT_EQ(s.r.rr.status, RunStatus::Ok) << describe(k) << ": " << s.r.rr.fatal;
    lost = lostObjects(s.r);
    if (!s.r.lossReports.empty()) report = s.r.lossReports.front();
  }
  EXPECT_GT(lost, 0u) << "no seed lost an object without a write barrier: the stress test cannot fail";
  EXPECT_NE(report.find("verify: lost object"), std::string::npos) << report;
}

}  // namespace
}  // namespace rt::gc
