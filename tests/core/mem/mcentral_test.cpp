// mcentral and the sweepgen protocol: swept/unswept role swap, the sweep
// budget, stale cached spans, sweeping by mark bits.
#include <gtest/gtest.h>

#include <vector>

#include "mem_test_util.hpp"

namespace rt::mem {
namespace {

using testing::HeapTest;

// Mark every allocated object of every span of class spc (what the GC's
// mark phase would do if everything were reachable), except those for
// which dead(index) says otherwise.
template <typename Dead>
void markSpans(mheap* h, spanClass spc, Dead dead) {
  h->forEachSpan([&](mspan* s) {
    if (s->spanclass != spc) return;
    for (uintptr i = 0; i < s->nelems; i++)
      if (s->isAllocated(i) && !dead(s, i)) s->gcmarkBits->setMarked(i);
  });
}

TEST_F(HeapTest, SweptAndUnsweptSwapRoles) {
  spanClass spc = makeSpanClass(sizeToClass(64), true);
  mcentral& central = heap->central[spc.v].mcentral;
  for (int i = 0; i < 10; i++) alloc(64);
  mspan* s = c->alloc[spc.v];
  uint32_t h0 = heap->sweepgen.load();
  EXPECT_EQ(s->sweepgen.load(), h0 + 3) << "cached after being swept";
  c->releaseAll();
  EXPECT_EQ(s->sweepgen.load(), h0) << "uncached: swept and ready";
  EXPECT_EQ(s->list, central.partialSwept(h0));
  markSpans(heap.get(), spc, [](mspan*, uintptr) { return false; });
  heap->startSweepCycle();
  uint32_t h1 = heap->sweepgen.load();
  EXPECT_EQ(h1, h0 + 2);
  // Nothing moved, yet the span is now unswept: the sets traded roles.
  EXPECT_EQ(s->list, central.partialUnswept(h1));
  EXPECT_EQ(central.partialUnswept(h1), central.partialSwept(h0));
  EXPECT_EQ(s->sweepgen.load(), h1 - 2) << "needs sweeping";
  // The next refill sweeps it (all ten objects marked: all survive).
  alloc(64);
  EXPECT_EQ(c->lastPath, AllocPath::Refill);
  EXPECT_EQ(c->alloc[spc.v], s);
  EXPECT_EQ(s->allocCount, 11);
  EXPECT_EQ(s->sweepgen.load(), h1 + 3);
  testing::checkReadMemStatsSlow(heap.get());
}

TEST_F(HeapTest, SweepFreesUnmarkedObjects) {
  spanClass spc = makeSpanClass(sizeToClass(1024), false);
  std::vector<uintptr> objs;
  for (int i = 0; i < 8 * 4; i++) objs.push_back(reinterpret_cast<uintptr>(alloc(1024, false)));  // 4 full spans
  c->releaseAll();
  // Mark the even-indexed objects only.
  markSpans(heap.get(), spc, [](mspan*, uintptr i) { return i % 2 == 1; });
  MemStats before;
  ReadMemStats(heap.get(), &before);
  heap->startSweepCycle();
  // Refill: partial unswept is empty, full unswept spans are swept one at a
  // time; the first one has 4 free slots now.
  auto p = reinterpret_cast<uintptr>(alloc(1024, false));
  EXPECT_EQ(c->lastPath, AllocPath::Refill);
  mspan* s = heap->spanOf(p);
  EXPECT_EQ(s->allocCount, 5) << "4 survivors + the new object";
  EXPECT_EQ((p - s->base()) / 1024 % 2, 1u) << "reuses an unmarked slot";
  MemStats after;
  ReadMemStats(heap.get(), &after);
  EXPECT_EQ(after.Frees, before.Frees + 4);
  EXPECT_EQ(after.Mallocs, before.Mallocs + 1);
  testing::checkReadMemStatsSlow(heap.get());
}

// Go: cacheSpan's spanBudget. "for ; spanBudget >= 0; spanBudget--" runs
// 101 times: 101 unswept spans are swept before the mcentral grows.
TEST_F(HeapTest, CacheSpanSweepBudget) {
  spanClass spc = makeSpanClass(sizeToClass(1024), true);
  mcentral& central = heap->central[spc.v].mcentral;
  constexpr int nspans = 150;
  for (int i = 0; i < 8 * nspans; i++) alloc(1024);
  c->releaseAll();
  ASSERT_EQ(central.fullSwept(heap->sweepgen.load())->n, uintptr(nspans));
  markSpans(heap.get(), spc, [](mspan*, uintptr) { return false; });  // all live
  heap->startSweepCycle();
  uint32_t h = heap->sweepgen.load();
  ASSERT_EQ(central.fullUnswept(h)->n, uintptr(nspans));

  bool grew = false;
  int swept = 0;
  mspan* s = central.cacheSpan(nullptr, &grew, &swept);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(grew);
  EXPECT_EQ(swept, 101);
  EXPECT_EQ(central.fullSwept(h)->n, 101u);
  EXPECT_EQ(central.fullUnswept(h)->n, uintptr(nspans - 101));
  // Give the fresh, empty span straight back to the heap.
  heap->freeSpan(s);

  // Sweeping everything the rest of the way: the next cacheSpan sweeps the 49.
  s = central.cacheSpan(nullptr, &grew, &swept);
  EXPECT_EQ(swept, nspans - 101);
  EXPECT_EQ(central.fullSwept(h)->n, uintptr(nspans));
  heap->freeSpan(s);
  testing::checkReadMemStatsSlow(heap.get());
}

// A span cached when a new cycle starts is "h+1": stale. Its owner must
// sweep it when giving it back (Go: uncacheSpan; mcache.prepareForSweep).
TEST_F(HeapTest, StaleCachedSpanIsSweptOnRelease) {
  spanClass spc = makeSpanClass(sizeToClass(256), true);
  for (int i = 0; i < 10; i++) alloc(256);
  mspan* s = c->alloc[spc.v];
  markSpans(heap.get(), spc, [](mspan*, uintptr i) { return i >= 4; });  // keep 4
  heap->startSweepCycle();
  uint32_t h = heap->sweepgen.load();
  EXPECT_EQ(s->sweepgen.load(), h + 1) << "cached before sweep began";
  MemStats before;
  ReadMemStats(heap.get(), &before);  // flushes: releaseAll sweeps the stale span
  EXPECT_EQ(s->sweepgen.load(), h);
  EXPECT_EQ(s->allocCount, 4);
  EXPECT_EQ(before.Frees, 6u);
  c->prepareForSweep();  // flushGen catches up; nothing left to flush
  EXPECT_EQ(c->flushGen, h);
  testing::checkReadMemStatsSlow(heap.get());
}

TEST_F(HeapTest, SweepReturnsEmptySpansAndLargeObjectsToTheHeap) {
  for (int i = 0; i < 100; i++) alloc(512);
  void* big = alloc(1 << 20);
  (void)big;
  c->releaseAll();
  MemStats before;
  ReadMemStats(heap.get(), &before);
  EXPECT_GT(before.HeapInuse, uintptr(1 << 20));
  // Nothing marked: a GC would find everything dead.
  heap->startSweepCycle();
  // Sweep every span the way the background sweeper will: pop unswept sets.
  uint32_t h = heap->sweepgen.load();
  for (int i = 0; i < numSpanClasses; i++) {
    mcentral& central = heap->central[i].mcentral;
    std::lock_guard<std::mutex> g(central.lock);
    for (spanSet* set : {central.partialUnswept(h), central.fullUnswept(h)}) {
      while (mspan* s = set->pop()) {
        uint32_t want = h - 2;
        ASSERT_TRUE(s->sweepgen.compare_exchange_strong(want, h - 1));
        s->sweep(heap.get(), false);
      }
    }
  }
  MemStats after;
  ReadMemStats(heap.get(), &after);
  EXPECT_EQ(after.HeapInuse, 0u);
  EXPECT_EQ(after.HeapObjects, 0u);
  EXPECT_EQ(after.HeapAlloc, 0u);
  EXPECT_EQ(heap->pagesInUse.load(), 0u);
  testing::checkReadMemStatsSlow(heap.get());
}

}  // namespace
}  // namespace rt::mem
