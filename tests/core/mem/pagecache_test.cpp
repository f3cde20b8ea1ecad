// The per-P page cache and mspancache: ports of the logic of Go's
// runtime/mpagecache_test.go (TestPageCacheAlloc, TestPageCacheFlush,
// TestPageAllocAllocToCache), and what they must guarantee in the heap:
// two Ps allocate in blocks of their own, and nothing cached is lost.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "mem/pagealloc.hpp"
#include "mem/pagecache.hpp"
#include "mem_test_util.hpp"

namespace rt::mem {
namespace {

constexpr uintptr kBase = uintptr(64) << logPallocChunkBytes;  // made up, never touched

TEST(PageCache, AllocTakesTheLowestFreePagesAndReportsScavenged) {
  // Go: TestPageCacheAlloc "Empty", "Lo1", "Hi1", "Swiss1", "Lo2"...
  pageCache empty;
  uintptr scav = 99;
  EXPECT_EQ(empty.alloc(1, &scav), 0u);
  EXPECT_EQ(scav, 0u);

  pageCache c{kBase, 0xFFFF'FFFF'FFFF'FFFFull, 0x5555'5555'5555'5555ull};  // every other page scavenged
  EXPECT_EQ(c.alloc(1, &scav), kBase);
  EXPECT_EQ(scav, PageSize) << "page 0 is scavenged";
  EXPECT_EQ(c.alloc(1, &scav), kBase + PageSize);
  EXPECT_EQ(scav, 0u) << "page 1 is not";
  // Three pages: 2..4, two of them (2 and 4) scavenged.
  EXPECT_EQ(c.alloc(3, &scav), kBase + 2 * PageSize);
  EXPECT_EQ(scav, 2 * PageSize);
  EXPECT_EQ(c.cache, 0xFFFF'FFFF'FFFF'FFE0ull);
  EXPECT_EQ(c.scav & 0x1F, 0u) << "allocated pages are no longer scavenged";

  // A run that does not fit: pages 0, 2 and 4..5 free, no 3 in a row.
  pageCache holes{kBase, 0b110101, 0};
  EXPECT_EQ(holes.alloc(3, &scav), 0u);
  EXPECT_EQ(holes.cache, 0b110101u) << "a failed alloc takes nothing";
  EXPECT_EQ(holes.alloc(2, &scav), kBase + 4 * PageSize);
  EXPECT_EQ(holes.alloc(1, &scav), kBase);
  EXPECT_EQ(holes.alloc(1, &scav), kBase + 2 * PageSize);
  EXPECT_TRUE(holes.empty());
  // All 64 at once.
  pageCache full{kBase, ~uint64_t(0), 0};
  EXPECT_EQ(full.alloc(64, &scav), kBase);
  EXPECT_TRUE(full.empty());
}

class PageAllocCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pa.init(&persistent, &stats);
    ASSERT_TRUE(pa.grow(kBase, 2 * pallocChunkBytes));
  }
  heapStatsCounters stats;
  persistentAlloc persistent{&stats};
  pageAlloc pa;
};

TEST_F(PageAllocCacheTest, AllocToCacheTakesTheBlockOfTheFirstFreePage) {
  // Go: TestPageAllocAllocToCache. Pages 0..69 in use, except 3 and 66.
  uintptr scav = 0;
  ASSERT_EQ(pa.alloc(70, &scav), kBase);
  pa.free(kBase + 3 * PageSize, 1);
  pa.free(kBase + 66 * PageSize, 1);
  pageCache c = pa.allocToCache();
  EXPECT_EQ(c.base, kBase) << "the block holding page 3";
  EXPECT_EQ(c.cache, uint64_t(1) << 3) << "only page 3 was free in it";
  EXPECT_EQ(c.scav, 0u) << "page 3 was used before, so not scavenged";
  EXPECT_TRUE(pa.pageInUse(kBase + 3 * PageSize)) << "cached pages are taken from the allocator";
  // The next block starts at page 64; page 66 is its first free page, and
  // every page from 70 on is fresh (scavenged).
  pageCache d = pa.allocToCache();
  EXPECT_EQ(d.base, kBase + 64 * PageSize);
  EXPECT_EQ(d.cache, ~uint64_t(0) << 6 | uint64_t(1) << 2);
  EXPECT_EQ(d.scav, ~uint64_t(0) << 6);
  EXPECT_EQ(pa.alloc(1, &scav), kBase + 128 * PageSize) << "the allocator's first fit skips cached blocks";
}

TEST_F(PageAllocCacheTest, FlushGivesEveryCachedPageBack) {
  // Go: TestPageCacheFlush — free pages and scavenged bits come back.
  const uintptr freeBefore = pa.freePages();
  const uintptr scavBefore = pa.scavengedPages();
  pageCache c = pa.allocToCache();
  ASSERT_EQ(c.base, kBase);
  EXPECT_EQ(pa.freePages(), freeBefore - 64);
  EXPECT_EQ(pa.scavengedPages(), scavBefore - 64) << "cached pages carry their scavenged bits";
  uintptr scav = 0;
  ASSERT_EQ(c.alloc(5, &scav), kBase);
  EXPECT_EQ(scav, 5 * PageSize);
  c.flush(&pa);
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(pa.freePages(), freeBefore - 5) << "the 59 unused pages are free again";
  EXPECT_EQ(pa.scavengedPages(), scavBefore - 5);
  EXPECT_EQ(pa.searchAddr(), kBase) << "a flush moves searchAddr back, like a free";
  EXPECT_EQ(pa.alloc(59, &scav), kBase + 5 * PageSize);
}

TEST_F(PageAllocCacheTest, AnEmptyAllocatorGivesAnEmptyCache) {
  uintptr scav = 0;
  ASSERT_EQ(pa.alloc(2 * pallocChunkPages, &scav), kBase);
  EXPECT_TRUE(pa.allocToCache().empty());
}

using testing::HeapTest;

// Two Ps (mcaches) refilling the same size class take their spans from
// blocks of their own, so they never write the same bitmap word or the same
// cache line of the span map; when both go away, every page and mspan they
// cached goes back.
TEST_F(HeapTest, TwoPsAllocateSpansInBlocksOfTheirOwn) {
  mcache* other = heap->allocmcache();
  ASSERT_NE(other, nullptr);
  // Grow the heap first: the very first span of all comes from the locked
  // path that grows the heap, and the other P's cache would then take the
  // rest of that block.
  void* big = alloc(1 << 20);
  ASSERT_EQ(labFree(heap.get(), c, big), FreeStatus::Freed);
  std::set<uintptr> blocksA, blocksB;
  std::vector<void*> objs;
  for (int i = 0; i < 20 * 256; i++) {  // 20 one-page spans of 32 B objects each
    objs.push_back(alloc(32));
    blocksA.insert(reinterpret_cast<uintptr>(objs.back()) / (pageCachePages * PageSize));
    void* q = mallocgc(other, 32, true);
    ASSERT_NE(q, nullptr);
    objs.push_back(q);
    blocksB.insert(reinterpret_cast<uintptr>(q) / (pageCachePages * PageSize));
  }
  for (uintptr b : blocksA) EXPECT_EQ(blocksB.count(b), 0u) << "block " << b << " shared by two Ps";
  EXPECT_FALSE(other->pcache.empty());
  for (size_t i = 0; i < objs.size(); i++) {
    ASSERT_EQ(labFree(heap.get(), i % 2 == 0 ? c : other, objs[i]), FreeStatus::Freed);
  }
  testing::checkReadMemStatsSlow(heap.get());
  heap->freemcache(other);
  heap->freemcache(c);
  c = nullptr;
  EXPECT_EQ(heap->spanalloc.inuse(), 0u) << "every mspan is back in spanalloc, none left in a P's cache";
  // Every page is free again, none stranded in a cache.
  MemStats st;
  ReadMemStats(heap.get(), &st);
  EXPECT_EQ(st.HeapInuse, 0u);
  EXPECT_EQ(heap->pages.freePages() * PageSize, st.HeapSys);
}

}  // namespace
}  // namespace rt::mem
