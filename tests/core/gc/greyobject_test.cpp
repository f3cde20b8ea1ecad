// Shading (mark.cpp: greyobject, shade) and the write barrier (barrier.cpp:
// gcWriteBarrier, wbBufFlush), called directly inside a hand-stepped mark,
// then the course's barrier experiment swept across seeds on both engines.
//
// A hand-stepped mark (GcConfig::backgroundWorkers = false) marks nothing
// until the test does: objects allocated before StartCycle stay white until
// shaded here, and the grey queue holds only what the test put there.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "gc_harness.hpp"
#include "lab/lab.hpp"
#include "sched/api.hpp"
#include "sched/m.hpp"
#include "sched/sync.hpp"
#include "support/json_value.hpp"
#include "support/scale.hpp"
#include "support/test_host.hpp"

namespace rt::gc {
namespace {

const Type kBox("box", 2, {0});  // a pointer and a scalar
const Type kLeaf("leaf", 2, {});  // no pointers: a noscan span

GcConfig handStepped() {
  GcConfig cfg;
  cfg.backgroundWorkers = false;
  cfg.nglobals = 64;
  return cfg;
}

bool isMarked(Collector* c, uintptr p) {
  mem::mspan* s = nullptr;
  uintptr idx = 0;
  if (findObject(&c->heap, p, &s, &idx) == 0) return false;
  return s->gcmarkBits->isMarkedAtomic(idx);
}

// Everything grey in pp's gcWork (and the global lists), popped.
std::vector<uintptr> popAll(PerP& pp) {
  std::vector<uintptr> out;
  while (uintptr b = pp.gcw.tryGet()) out.push_back(b);
  return out;
}

uintptr addr(Obj o) { return reinterpret_cast<uintptr>(o); }

// Go: greyobject — mark, count, and queue once; a noscan object is black
// at once.
TEST(GreyObject, MarksAWhiteObjectOnceAndQueuesIt) {
  auto r = testing::runWithGc(true, 1, 1, handStepped(), [&](Collector* c) -> Goroutine {
    setGlobal(0, co_await New(&kBox));
    setGlobal(1, co_await New(&kLeaf));
    co_await StartCycle{};
    PerP& pp = c->perP(getm()->p);
    EXPECT_TRUE(popAll(pp).empty()) << "a hand-stepped mark starts with no grey object";
    const uintptr box = addr(global(0)), leaf = addr(global(1));
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    if (findObject(&c->heap, box, &s, &idx) != box) {  // (no ASSERT_ in a coroutine)
      ADD_FAILURE() << "the box is not a heap object";
      co_await EndMark{};
      co_return;
    }
    EXPECT_FALSE(isMarked(c, box)) << "allocated before the mark: white";
    const uint64_t bytes0 = pp.gcw.bytesMarked, objs0 = pp.markedObjects[int(MarkedBy::Worker)];
    EXPECT_TRUE(c->greyobject(box, s, idx, pp, MarkedBy::Worker));
    EXPECT_TRUE(isMarked(c, box));
    EXPECT_FALSE(c->greyobject(box, s, idx, pp, MarkedBy::Worker)) << "marked already: nothing to do";
    EXPECT_EQ(pp.gcw.bytesMarked - bytes0, s->elemsize) << "the bytes marked pace the next cycle";
    EXPECT_EQ(pp.markedObjects[int(MarkedBy::Worker)] - objs0, 1u);
    EXPECT_EQ(pp.markedBytes[int(MarkedBy::Worker)], pp.gcw.bytesMarked - bytes0);
    EXPECT_EQ(popAll(pp), std::vector<uintptr>{box}) << "grey: queued exactly once";

    if (findObject(&c->heap, leaf, &s, &idx) != leaf) {
      ADD_FAILURE() << "the leaf is not a heap object";
      co_await EndMark{};
      co_return;
    }
    EXPECT_TRUE(s->spanclass.noscan());
    EXPECT_TRUE(c->greyobject(leaf, s, idx, pp, MarkedBy::Barrier));
    EXPECT_TRUE(isMarked(c, leaf));
    EXPECT_EQ(pp.markedObjects[int(MarkedBy::Barrier)], 1u);
    EXPECT_TRUE(popAll(pp).empty()) << "noscan: black at once, never queued";
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

// Not in Go: where only one thread can mark (the simulator, or one P), the
// mark bit is set without a locked instruction (Collector::oneMarker). The
// answer follows GOMAXPROCS, which changes only while the world is stopped,
// and a marked object is marked exactly once either way.
TEST(GreyObject, MarksWithoutALockedInstructionOnlyWhereOneThreadMarks) {
  struct Case {
    bool sim;
    int procs;
    bool alone;
  };
  for (Case k : {Case{true, 1, true}, Case{true, 4, true}, Case{false, 1, true}, Case{false, 2, false}}) {
    if (!k.sim && !testscale::kThreads) continue;  // the single-threaded build has the simulator only
    SCOPED_TRACE(std::string(k.sim ? "simulator" : "real threads") + ", GOMAXPROCS=" + std::to_string(k.procs));
    auto r = testing::runWithGc(k.sim, k.procs, 1, handStepped(), [&](Collector* c) -> Goroutine {
      EXPECT_EQ(c->oneMarker(), k.alone);
      if (!k.sim && k.procs > 1) {
        co_await rt::GOMAXPROCS{1};
        EXPECT_TRUE(c->oneMarker()) << "one P: one marker";
        co_await rt::GOMAXPROCS{k.procs};
        EXPECT_FALSE(c->oneMarker()) << "Ps again: the bits are set atomically";
      }
      setGlobal(0, co_await New(&kBox));
      co_await StartCycle{};
      PerP& pp = c->perP(getm()->p);
      const uintptr box = addr(global(0));
      mem::mspan* s = nullptr;
      uintptr idx = 0;
      if (findObject(&c->heap, box, &s, &idx) == box) {
        EXPECT_TRUE(c->greyobject(box, s, idx, pp, MarkedBy::Worker));
        EXPECT_FALSE(c->greyobject(box, s, idx, pp, MarkedBy::Worker));
        EXPECT_TRUE(isMarked(c, box));
        EXPECT_EQ(popAll(pp), std::vector<uintptr>{box}) << "queued exactly once";
      } else {
        ADD_FAILURE() << "the box is not a heap object";
      }
      co_await EndMark{};
      co_return;
    });
    EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  }
}

// Go: shade — any pointer into an object greys that object; nil and
// pointers outside the heap grey nothing.
TEST(GreyObject, ShadeGreysTheObjectAPointerPointsInto) {
  auto r = testing::runWithGc(true, 1, 1, handStepped(), [&](Collector* c) -> Goroutine {
    setGlobal(0, co_await New(&kBox));
    setGlobal(1, co_await New(&kBox));
    co_await StartCycle{};
    PerP& pp = c->perP(getm()->p);
    const uintptr a = addr(global(0)), b = addr(global(1));
    int local = 0;
    c->shade(0, pp, MarkedBy::Worker);
    c->shade(reinterpret_cast<uintptr>(&local), pp, MarkedBy::Worker);
    EXPECT_TRUE(popAll(pp).empty()) << "nil and a non-heap pointer grey nothing";
    c->shade(a + 8, pp, MarkedBy::Worker);  // the scalar word: an interior pointer
    c->shade(a, pp, MarkedBy::Worker);
    EXPECT_TRUE(isMarked(c, a));
    EXPECT_FALSE(isMarked(c, b));
    EXPECT_EQ(popAll(pp), std::vector<uintptr>{a}) << "the object's base, once";
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

// Two Ps on real threads shade the same objects at the same time: each
// object is marked once and queued once in all, and counted once. (The
// exercises build runs this under ThreadSanitizer: a check-then-set that is
// not one atomic step is a reported race.)
TEST(GreyObject, PsShadingTheSameObjectsQueueEachOnce) {
  RTLAB_NEEDS_THREADS();
  constexpr int kObjects = 3000;
  std::vector<uintptr> objs;
  std::vector<uintptr> popped;
  std::mutex mu;
  uint64_t marked = 0;
  GcConfig cfg = handStepped();
  cfg.gogc = -1;  // no cycle but the test's
  auto r = testing::runWithGc(false, 2, 1, cfg, [&](Collector* c) -> Goroutine {
    for (int i = 0; i < kObjects; i++) objs.push_back(addr(co_await New(i % 3 == 0 ? &kLeaf : &kBox)));
    co_await StartCycle{};
    rt::WaitGroup wg;
    wg.Add(2);
    auto shader = [&](int dir) -> Goroutine {
      for (int k = 0; k < kObjects; k++) {
        const int i = dir > 0 ? k : kObjects - 1 - k;
        c->shade(objs[size_t(i)], c->perP(getm()->p), MarkedBy::Worker);
        if (k % 256 == 0) co_await rt::Gosched();
      }
      wg.Done();
    };
    rt::go(shader(1), "main.shader");
    rt::go(shader(-1), "main.shader");
    co_await wg.Wait();
    for (int id = 0; id < 2; id++) {
      PerP* pp = c->perPIfAny(id);
      if (pp == nullptr) continue;
      std::vector<uintptr> got = popAll(*pp);
      std::lock_guard<std::mutex> g(mu);
      popped.insert(popped.end(), got.begin(), got.end());
      marked += pp->markedObjects[int(MarkedBy::Worker)];
    }
    for (uintptr p : objs) EXPECT_TRUE(isMarked(c, p));
    co_await EndMark{};
    co_return;
  });
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  std::vector<uintptr> want;
  for (int i = 0; i < kObjects; i++)
    if (i % 3 != 0) want.push_back(objs[size_t(i)]);
  std::sort(want.begin(), want.end());
  std::sort(popped.begin(), popped.end());
  EXPECT_EQ(popped, want) << "every object with pointers queued exactly once, noscan ones never";
  EXPECT_EQ(marked, uint64_t(kObjects)) << "every object counted once";
}

// Each barrier buffers exactly its pointers: after the flush, hybrid has
// shaded the overwritten and the stored pointer, Dijkstra the stored one,
// Yuasa the overwritten one, none neither. nil is never shaded.
TEST(WriteBarrier, EachBarrierShadesItsPointers) {
  struct Want {
    BarrierKind b;
    bool oldMarked, newMarked;
  };
  for (Want w : {Want{BarrierKind::Hybrid, true, true}, Want{BarrierKind::Dijkstra, false, true},
                 Want{BarrierKind::Yuasa, true, false}, Want{BarrierKind::None, false, false}}) {
    GcConfig cfg = handStepped();
    cfg.barrier = w.b;
    auto r = testing::runWithGc(true, 1, 1, cfg, [&](Collector* c) -> Goroutine {
      setGlobal(0, co_await New(&kBox));  // what the store overwrites
      setGlobal(1, co_await New(&kBox));  // what it stores
      setGlobal(2, co_await New(&kBox));  // stored over nil
      co_await StartCycle{};
      PerP& pp = c->perP(getm()->p);
      const uintptr oldv = addr(global(0)), newv = addr(global(1)), third = addr(global(2));
      c->gcWriteBarrier(pp, oldv, newv);
      c->gcWriteBarrier(pp, 0, third);  // a store into a nil slot
      c->gcWriteBarrier(pp, third, 0);  // a store of nil
      EXPECT_LE(pp.wbuf.next, wbBuf::kEntries);
      c->wbBufFlush(pp);
      EXPECT_EQ(pp.wbuf.next, 0u) << "a flush empties the buffer";
      EXPECT_EQ(isMarked(c, oldv), w.oldMarked) << barrierName(w.b) << ": the overwritten pointer";
      EXPECT_EQ(isMarked(c, newv), w.newMarked) << barrierName(w.b) << ": the stored pointer";
      EXPECT_EQ(isMarked(c, third), w.oldMarked || w.newMarked) << barrierName(w.b);
      std::vector<uintptr> grey = popAll(pp);
      std::set<uintptr> unique(grey.begin(), grey.end());
      EXPECT_EQ(unique.size(), grey.size()) << barrierName(w.b) << ": queued twice";
      EXPECT_EQ(c->perP(getm()->p).markedObjects[int(MarkedBy::Barrier)], grey.size())
          << barrierName(w.b) << ": the barrier's marks are counted as the barrier's";
      co_await EndMark{};
      co_return;
    });
    EXPECT_EQ(r.rr.status, RunStatus::Ok) << barrierName(w.b) << ": " << r.rr.fatal;
  }
}

// Thousands of stores: the buffer is flushed when it fills, never overrun,
// and in the end every pointer stored has been shaded, each object once.
TEST(WriteBarrier, AFullBufferIsFlushedNotOverrun) {
  constexpr int kObjects = 3 * int(wbBuf::kEntries) + 7;
  GcConfig cfg = handStepped();
  cfg.barrier = BarrierKind::Hybrid;
  cfg.gogc = -1;
  auto r = testing::runWithGc(true, 1, 1, cfg, [&](Collector* c) -> Goroutine {
    std::vector<uintptr> objs;
    for (int i = 0; i < kObjects; i++) objs.push_back(addr(co_await New(&kLeaf)));
    co_await StartCycle{};
    PerP& pp = c->perP(getm()->p);
    uint32_t most = 0;
    for (int i = 0; i + 1 < kObjects; i += 2) {
      c->gcWriteBarrier(pp, objs[size_t(i)], objs[size_t(i) + 1]);
      most = std::max(most, pp.wbuf.next);
      if (pp.wbuf.next > wbBuf::kEntries) break;
    }
    c->gcWriteBarrier(pp, objs.back(), 0);
    EXPECT_LE(most, wbBuf::kEntries) << "the buffer was overrun";
    EXPECT_GT(most, wbBuf::kEntries / 2) << "flushed long before it was full";
    int white = 0;
    for (uintptr p : objs) white += !isMarked(c, p);
    EXPECT_GT(white, 0) << "what is still buffered is not shaded yet";
    c->wbBufFlush(pp);
    for (uintptr p : objs) EXPECT_TRUE(isMarked(c, p));
    EXPECT_EQ(pp.markedObjects[int(MarkedBy::Barrier)], uint64_t(kObjects));
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

// Go: wbBufFlush1 — every buffered pointer, interior ones included, greys
// its object (objects of several size classes, so several spans); what is
// not a heap object is skipped.
TEST(WriteBarrier, AFlushShadesEveryBufferedPointer) {
  static const Type kBig("big", 40, {0, 39});
  auto r = testing::runWithGc(true, 1, 1, handStepped(), [&](Collector* c) -> Goroutine {
    std::vector<uintptr> objs;
    for (int i = 0; i < 60; i++) objs.push_back(addr(co_await New(i % 3 == 0 ? &kBig : i % 3 == 1 ? &kBox : &kLeaf)));
    co_await StartCycle{};
    PerP& pp = c->perP(getm()->p);
    int local = 0;
    for (size_t i = 0; i < objs.size(); i++) pp.wbuf.buf[pp.wbuf.next++] = objs[i] + (i % 2 == 0 ? 0 : 8);
    pp.wbuf.buf[pp.wbuf.next++] = reinterpret_cast<uintptr>(&local);
    pp.wbuf.buf[pp.wbuf.next++] = objs[5];  // twice
    c->wbBufFlush(pp);
    EXPECT_EQ(pp.wbuf.next, 0u);
    for (uintptr p : objs) EXPECT_TRUE(isMarked(c, p));
    std::vector<uintptr> grey = popAll(pp);
    std::sort(grey.begin(), grey.end());
    std::vector<uintptr> want;
    for (size_t i = 0; i < objs.size(); i++)
      if (i % 3 != 2) want.push_back(objs[i]);
    std::sort(want.begin(), want.end());
    EXPECT_EQ(grey, want) << "each object with pointers queued once, at its base";
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

// The course's experiment (`run mutator-race`), its verifier after every
// cycle: with each barrier, no seed loses an object on the simulator, and
// no run does on real threads (where the OS picks the interleaving: as
// many runs as seeds).
TEST(BarrierSweep, MutatorRaceLosesNothingWithAnyBarrierOnBothEngines) {
  const int seeds = testscale::kSanitized || testscale::kWasm ? 3 : 8;
  lab::Lab lab(testhost::fixed(2));
  for (const char* engine : {"sim", "real"}) {
    if (std::string_view(engine) == "real" && !testscale::kThreads) continue;
    for (const char* barrier : {"hybrid", "dijkstra", "yuasa"}) {
      for (int seed = 1; seed <= seeds; seed++) {
        const bool sim = std::string_view(engine) == "sim";
        const std::string cmd = std::string("run mutator-race --size 150 --engine ") + engine + " --barrier " +
                                barrier + (sim ? " --seed " + std::to_string(seed) : std::string());
        lab::Reply reply = lab.exec(cmd);
        ASSERT_TRUE(reply.ok) << cmd << "\n" << reply.text;
        auto j = testjson::parse(reply.json);
        ASSERT_TRUE(j.has_value()) << reply.json;
        EXPECT_EQ((*j)["gc"]["lostObjects"].number, 0) << cmd << "\n" << reply.text;
        EXPECT_TRUE((*j)["passed"].b) << cmd << "\n" << reply.text;
      }
    }
  }
}

}  // namespace
}  // namespace rt::gc
