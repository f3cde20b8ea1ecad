// mallocgc, the tiny allocator, the paths, large objects, labFree.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "mem/os_mem.hpp"
#include "mem_test_util.hpp"
#include "support/scale.hpp"

namespace rt::mem {
namespace {

using testing::HeapTest;

// Go: runtime/malloc_test.go TestTinyAlloc
TEST_F(HeapTest, TinyAllocPacksBytes) {
  constexpr int N = 16;
  void* v[N];
  for (auto& p : v) p = alloc(1, /*noscan=*/true);
  std::set<uintptr> chunks;
  for (void* p : v) chunks.insert(reinterpret_cast<uintptr>(p) & ~uintptr(7));
  EXPECT_LT(chunks.size(), size_t(N)) << "no bytes allocated within the same 8-byte chunk";
  // Stronger than Go's check: 16 bytes fill exactly one 16-byte block.
  std::set<uintptr> blocks;
  for (void* p : v) blocks.insert(reinterpret_cast<uintptr>(p) & ~uintptr(15));
  EXPECT_EQ(blocks.size(), 1u);
  EXPECT_EQ(c->tinyAllocs, uintptr(N - 1));  // the first one allocated the block
}

// Go: mallocgc's tiny alignment rules.
TEST_F(HeapTest, TinyAlignment) {
  for (uintptr size = 1; size < maxTinySize; size++) {
    alloc(1);  // make the current offset odd (or start a new block)
    auto p = reinterpret_cast<uintptr>(alloc(size));
    uintptr want = 1;
    if ((size & 7) == 0) want = 8;
    else if (PtrSize == 4 && size == 12) want = 8;  // Go issue 37262
    else if ((size & 3) == 0) want = 4;
    else if ((size & 1) == 0) want = 2;
    EXPECT_EQ(p % want, 0u) << "size " << size;
    // The object lies inside one 16-byte block.
    EXPECT_EQ(p & ~uintptr(15), (p + size - 1) & ~uintptr(15)) << "size " << size;
  }
}

// Go: runtime/malloc_test.go TestTinyAllocIssue37262 — a 12-byte object
// whose first field is a uint64 must be 8-aligned for 64-bit atomics; on
// 64-bit such a struct is 16 bytes and never tiny.
TEST_F(HeapTest, TinyAllocIssue37262) {
  alloc(1);
  auto p = reinterpret_cast<uintptr>(alloc(PtrSize == 4 ? 12 : 16));
  EXPECT_EQ(p % 8, 0u);
}

// Go: mallocgc keeps the block with more free space.
TEST_F(HeapTest, TinyBlockReplacement) {
  // Replace: the new block will have more room left than the old one.
  auto a = reinterpret_cast<uintptr>(alloc(10));  // block A, offset 10
  auto b = reinterpret_cast<uintptr>(alloc(8));   // align 8 -> 16: no fit; new block B, 8 < 10: B replaces A
  EXPECT_NE(a & ~uintptr(15), b & ~uintptr(15));
  EXPECT_NE(c->lastPath, AllocPath::Tiny);
  EXPECT_EQ(c->tiny, b);
  EXPECT_EQ(c->tinyoffset, 8u);
  auto d = reinterpret_cast<uintptr>(alloc(4));
  EXPECT_EQ(d, b + 8);
  EXPECT_EQ(c->lastPath, AllocPath::Tiny);

  // Keep: a new block for a 15-byte object would have less room than the old.
  c->releaseAll();  // start without a tiny block
  auto e = reinterpret_cast<uintptr>(alloc(2));   // block E, offset 2
  auto f = reinterpret_cast<uintptr>(alloc(15));  // 2+15 > 16: new block F, 15 < 2 is false: keep E
  EXPECT_NE(e & ~uintptr(15), f & ~uintptr(15));
  EXPECT_EQ(c->tiny, e);
  EXPECT_EQ(c->tinyoffset, 2u);
  auto g = reinterpret_cast<uintptr>(alloc(1));
  EXPECT_EQ(g, e + 2);
}

TEST_F(HeapTest, TinyOnlyForSmallNoscan) {
  alloc(1, true);
  auto scan = reinterpret_cast<uintptr>(alloc(1, /*noscan=*/false));
  EXPECT_NE(c->lastPath, AllocPath::Tiny);
  EXPECT_EQ(heap->spanOf(scan)->spanclass, makeSpanClass(1, false));  // 8-byte scan class
  auto sixteen = reinterpret_cast<uintptr>(alloc(16, true));  // < 16 only
  EXPECT_NE(c->lastPath, AllocPath::Tiny);
  EXPECT_EQ(heap->spanOf(sixteen)->spanclass, tinySpanClass);  // same span class as tiny blocks
  EXPECT_NE(sixteen & ~uintptr(15), c->tiny);
}

TEST_F(HeapTest, PathsOfAFreshMcache) {
  // 32 B noscan: class 4, 256 objects per 8 KB span.
  std::vector<AllocPath> paths;
  std::vector<uintptr> ptrs;
  for (int i = 0; i < 257; i++) {
    ptrs.push_back(reinterpret_cast<uintptr>(alloc(32)));
    paths.push_back(c->lastPath);
  }
  EXPECT_EQ(paths[0], AllocPath::Grow) << "an empty mcentral must grow from mheap";
  for (int i = 1; i < 256; i++) {
    // nextFreeFast refuses to step onto a new 64-slot window: slot 63, 127, 191.
    // (The last slot is fine: freeindex == nelems ends the span instead.)
    AllocPath want = (i + 1) % 64 == 0 && i + 1 != 256 ? AllocPath::NextFree : AllocPath::Fast;
    EXPECT_EQ(paths[i], want) << "slot " << i;
    EXPECT_EQ(ptrs[i], ptrs[0] + uintptr(i) * 32);
  }
  EXPECT_EQ(paths[256], AllocPath::Grow);
  EXPECT_EQ(c->pathCount[int(AllocPath::Fast)], 252u);
  EXPECT_EQ(c->pathCount[int(AllocPath::NextFree)], 3u);
  EXPECT_EQ(c->pathCount[int(AllocPath::Grow)], 2u);

  // Refill from the mcentral: give the partial span back, take it again.
  c->releaseAll();
  auto p = reinterpret_cast<uintptr>(alloc(32));
  EXPECT_EQ(c->lastPath, AllocPath::Refill);
  EXPECT_EQ(p, ptrs[256] + 32) << "allocation continues at the span's freeindex";

  alloc(MaxSmallSize + 1);
  EXPECT_EQ(c->lastPath, AllocPath::Large);
  EXPECT_EQ(c->pathCount[int(AllocPath::Large)], 1u);
}

TEST_F(HeapTest, SmallObjectsAreAlignedAndInsideTheirSpan) {
  for (int sc = 1; sc < NumSizeClasses; sc++) {
    uintptr size = class_to_size[sc];
    for (uintptr req : {size, class_to_size[sc - 1] + uintptr(1)}) {
      auto p = reinterpret_cast<uintptr>(alloc(req, sc % 2 == 0));
      mspan* s = heap->spanOf(p);
      ASSERT_NE(s, nullptr);
      EXPECT_EQ(s->spanclass.sizeclass(), sc);
      EXPECT_EQ(s->elemsize, size);
      EXPECT_EQ((p - s->base()) % size, 0u);
      EXPECT_LE(p + size, s->limit);
      uintptr align = uintptr(1) << std::min<unsigned>(std::countr_zero(size), PageShift);
      EXPECT_EQ(p % align, 0u) << "class " << sc;
      EXPECT_EQ(s->npages, class_to_allocnpages[sc]);
      EXPECT_EQ(s->sweepgen.load(), heap->sweepgen.load() + 3) << "cached spans are h+3";
    }
  }
}

TEST_F(HeapTest, ZeroSizeAndFailure) {
  EXPECT_EQ(mallocgc(c, 0, true), &zerobase);
  EXPECT_EQ(mallocgc(c, 0, false), &zerobase);
  EXPECT_EQ(labFree(heap.get(), c, &zerobase), FreeStatus::Freed);
  // A request the heap cannot satisfy returns nullptr and says why.
  constexpr unsigned bits = sizeof(void*) * 8;
  EXPECT_EQ(mallocgc(c, (uintptr(1) << (bits - 1)) + (uintptr(1) << (bits - 2)), true), nullptr);
  EXPECT_EQ(c->lastPath, AllocPath::Failed);
  ASSERT_NE(c->lastError, nullptr);
  EXPECT_NE(std::strstr(c->lastError, "out of memory"), nullptr) << c->lastError;
  EXPECT_EQ(mallocgc(c, ~uintptr(0) - 10, true), nullptr);
  // The heap still works afterwards.
  EXPECT_NE(mallocgc(c, 100, true), nullptr);
}

TEST_F(HeapTest, LargeObjects) {
  MemStats before;
  ReadMemStats(heap.get(), &before);
  uintptr size = 100000;
  auto p = reinterpret_cast<uintptr>(alloc(size, false));
  EXPECT_EQ(p % PageSize, 0u);
  mspan* s = heap->spanOf(p);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->spanclass, makeSpanClass(0, false));
  EXPECT_EQ(s->npages, divRoundUp(size, PageSize));
  EXPECT_EQ(s->elemsize, s->npages * PageSize);
  EXPECT_EQ(heap->spanOf(p + size - 1), s);
  EXPECT_EQ(heap->spanOf(p + size), nullptr) << "beyond limit";
  std::memset(reinterpret_cast<void*>(p), 0xab, size);
  MemStats mid;
  ReadMemStats(heap.get(), &mid);
  EXPECT_EQ(mid.HeapInuse - before.HeapInuse, s->npages * PageSize);
  EXPECT_EQ(mid.HeapObjects, before.HeapObjects + 1);
  EXPECT_EQ(labFree(heap.get(), c, reinterpret_cast<void*>(p + 8)), FreeStatus::NotObjectStart);
  EXPECT_EQ(labFree(heap.get(), c, reinterpret_cast<void*>(p)), FreeStatus::Freed);
  EXPECT_EQ(heap->spanOf(p), nullptr);
  MemStats after;
  ReadMemStats(heap.get(), &after);
  EXPECT_EQ(after.HeapInuse, before.HeapInuse);
  EXPECT_EQ(after.HeapObjects, before.HeapObjects);
  EXPECT_EQ(after.Frees, before.Frees + 1);
  // The pages come back, dirty: the next large object there must be zeroed.
  auto q = reinterpret_cast<uintptr>(alloc(size, false));
  EXPECT_EQ(q, p) << "first fit reuses the same pages";
  for (uintptr i = 0; i < size; i++) ASSERT_EQ(reinterpret_cast<uint8_t*>(q)[i], 0) << i;
  testing::checkReadMemStatsSlow(heap.get());
}

TEST_F(HeapTest, HugeObjectSpansSeveralArenas) {
  uintptr size = heapArenaBytes + 3 * pallocChunkBytes + 5;
  auto p = reinterpret_cast<uintptr>(alloc(size));
  mspan* s = heap->spanOf(p);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(heap->spanOf(p + size - 1), s);
  reinterpret_cast<volatile char*>(p)[size - 1] = 1;
  auto q = reinterpret_cast<uintptr>(alloc(64));
  EXPECT_NE(heap->spanOf(q), s);
  EXPECT_EQ(labFree(heap.get(), c, reinterpret_cast<void*>(p)), FreeStatus::Freed);
  testing::checkReadMemStatsSlow(heap.get());
}

TEST_F(HeapTest, LabFreeStatuses) {
  int local = 0;
  EXPECT_EQ(labFree(heap.get(), c, &local), FreeStatus::NotHeapPointer);
  auto p = static_cast<char*>(alloc(48));
  EXPECT_EQ(labFree(heap.get(), c, p + 1), FreeStatus::NotObjectStart);
  EXPECT_EQ(labFree(heap.get(), c, p + 48), FreeStatus::NotAllocated) << "the next slot was never handed out";
  EXPECT_EQ(labFree(heap.get(), c, p), FreeStatus::Freed);
  EXPECT_EQ(labFree(heap.get(), c, p), FreeStatus::DoubleFree);
  // After the span went back to the mcentral, the free was applied:
  c->releaseAll();
  EXPECT_EQ(heap->spanOf(reinterpret_cast<uintptr>(p)), nullptr) << "the span was empty and went to the heap";
  auto q = static_cast<char*>(alloc(48));
  auto r = static_cast<char*>(alloc(48));
  c->releaseAll();
  mspan* s = heap->spanOf(reinterpret_cast<uintptr>(q));
  EXPECT_EQ(labFree(heap.get(), c, q), FreeStatus::Freed);  // span idle in the mcentral: recorded
  EXPECT_EQ(labFree(heap.get(), c, q), FreeStatus::DoubleFree);
  EXPECT_EQ(s->allocCount, 2);
  EXPECT_EQ(labFree(heap.get(), nullptr, r), FreeStatus::Freed);  // the last object: swept at once
  EXPECT_EQ(heap->spanOf(reinterpret_cast<uintptr>(r)), nullptr) << "empty span went back to the heap";
  // Tiny blocks are shared by several objects: never freed explicitly.
  auto* t1 = static_cast<char*>(alloc(4));
  auto* t2 = static_cast<char*>(alloc(4));
  EXPECT_EQ(t2, t1 + 4);
  EXPECT_EQ(labFree(heap.get(), c, t1), FreeStatus::TinyObject);
  EXPECT_EQ(labFree(heap.get(), c, t2), FreeStatus::NotObjectStart);
  auto* sixteen = alloc(16);  // same span class, but an ordinary object
  EXPECT_EQ(labFree(heap.get(), c, sixteen), FreeStatus::Freed);
  c->releaseAll();
  EXPECT_EQ(labFree(heap.get(), c, t1), FreeStatus::TinyObject) << "also when the span is idle";
  testing::checkReadMemStatsSlow(heap.get());
}

// Freed memory is handed out again, and zeroed.
TEST_F(HeapTest, FreedSlotsAreReusedAndZeroed) {
  constexpr uintptr size = 48;
  const uintptr nelems = PageSize / size;  // 170 per one-page span
  std::vector<char*> objs;
  for (uintptr i = 0; i < 3 * nelems; i++) {  // exactly three full spans
    objs.push_back(static_cast<char*>(alloc(size)));
    std::memset(objs.back(), 0x5a, size);
  }
  MemStats before;
  ReadMemStats(heap.get(), &before);
  auto grows = heap->growth().grows;
  std::set<uintptr> freedInLiveSpans;  // spans 0 and 2
  uint64_t x = 12345;
  for (uintptr i = 0; i < objs.size(); i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    bool middle = i >= nelems && i < 2 * nelems;
    if (middle || (x >> 33) % 3 == 0 || i == 5) {
      ASSERT_EQ(labFree(heap.get(), c, objs[i]), FreeStatus::Freed);
      if (!middle) freedInLiveSpans.insert(reinterpret_cast<uintptr>(objs[i]));
    }
  }
  c->releaseAll();
  // The middle span, emptied, went back to the heap.
  EXPECT_EQ(heap->spanOf(reinterpret_cast<uintptr>(objs[nelems])), nullptr);
  // The partial spans are used before any new span is taken.
  std::set<uintptr> got;
  for (size_t i = 0; i < freedInLiveSpans.size(); i++) {
    auto p = static_cast<char*>(alloc(size));
    got.insert(reinterpret_cast<uintptr>(p));
    for (uintptr b = 0; b < size; b++) ASSERT_EQ(p[b], 0) << "reused slot not zeroed";
  }
  EXPECT_EQ(got, freedInLiveSpans) << "every freed slot, and only those, is reused";
  MemStats after;
  ReadMemStats(heap.get(), &after);
  EXPECT_EQ(after.HeapSys, before.HeapSys);
  EXPECT_EQ(heap->growth().grows, grows);
  EXPECT_EQ(after.HeapObjects, before.HeapObjects - nelems);
  testing::checkReadMemStatsSlow(heap.get());
}

// Lab-only (mcentral.labKeepEmptied): a span whose every object its mcache
// freed is swept in place and kept, when the heap would only have handed an
// empty span back. Its slots are reused and zeroed, the heap neither grows
// nor takes the span back, and MemStats count every allocation and free.
// With a partial span of the class waiting, the span goes back as in Go.
TEST_F(HeapTest, ASpanWhoseObjectsWereAllFreedByItsMcacheIsKept) {
  constexpr uintptr size = 32;
  const uintptr nelems = PageSize / size;
  MemStats before;
  ReadMemStats(heap.get(), &before);  // (it flushes the mcache: read it first)
  char* first = static_cast<char*>(alloc(size));
  mspan* const s = heap->spanOf(reinterpret_cast<uintptr>(first));
  ASSERT_NE(s, nullptr);
  std::memset(first, 0x5a, size);
  ASSERT_EQ(labFree(heap.get(), c, first), FreeStatus::Freed);
  const auto grows = heap->growth().grows;
  const uint64_t refills = c->pathCount[int(AllocPath::Refill)], fresh = c->pathCount[int(AllocPath::Grow)];
  // Allocate and free at once, through four more refills of the class.
  for (uintptr i = 0; i < 4 * nelems; i++) {
    char* p = static_cast<char*>(alloc(size));
    ASSERT_EQ(heap->spanOf(reinterpret_cast<uintptr>(p)), s) << "allocation " << i << ": another span";
    for (uintptr b = 0; b < size; b++) ASSERT_EQ(p[b], 0) << "reused slot not zeroed";
    std::memset(p, 0x5a, size);
    ASSERT_EQ(labFree(heap.get(), c, p), FreeStatus::Freed);
  }
  EXPECT_EQ(heap->growth().grows, grows);
  EXPECT_EQ(c->pathCount[int(AllocPath::Refill)] - refills, 4u) << "each refill kept the span";
  EXPECT_EQ(c->pathCount[int(AllocPath::Grow)], fresh) << "no span came from the heap";
  MemStats after;
  ReadMemStats(heap.get(), &after);
  EXPECT_EQ(after.Mallocs - before.Mallocs, 4 * nelems + 1);
  EXPECT_EQ(after.Frees - before.Frees, 4 * nelems + 1);
  EXPECT_EQ(after.HeapObjects, 0u);
  testing::checkMemStatsRules(after);
  testing::checkReadMemStatsSlow(heap.get());

  // A second mcache leaves a partial span of the class in the mcentral: the
  // next refill takes it, and the emptied span goes back to the heap.
  mcache* other = heap->allocmcache();
  void* kept = mallocgc(other, size, true);
  ASSERT_NE(kept, nullptr);
  heap->freemcache(other);
  mspan* partial = heap->spanOf(reinterpret_cast<uintptr>(kept));
  ASSERT_NE(partial, s);
  mspan* from = s;
  for (uintptr i = 0; i <= nelems && from == s; i++) {
    char* p = static_cast<char*>(alloc(size));
    from = heap->spanOf(reinterpret_cast<uintptr>(p));
    ASSERT_EQ(labFree(heap.get(), c, p), FreeStatus::Freed);
  }
  EXPECT_EQ(from, partial) << "the refill takes the partial span first";
  EXPECT_NE(heap->spanOf(reinterpret_cast<uintptr>(first)), s) << "the emptied span went back to the heap";
  testing::checkReadMemStatsSlow(heap.get());
}

// Lab-only: what lets two Ps empty spans of one class side by side
// (bench/mem/threads) is that keeping a span writes no line another P
// writes. labKeepEmptied takes no mcentral lock, and refill holds the kept
// span's counts in the mcache (labKept) until labKeptFlushEvery spans or
// releaseAll. Here the class's mcentral lock is held by another thread all
// along: a kept refill that took it would wait, and the test would fail on
// its deadline instead of hanging.
TEST_F(HeapTest, AKeptSpanTakesNoLockAndWritesNoSharedCounter) {
  RTLAB_NEEDS_THREADS();
  constexpr uintptr size = 32;
  const uintptr nelems = PageSize / size;
  const spanClass spc = makeSpanClass(sizeToClass(size), /*noscan=*/true);
  const int cl = spc.sizeclass();
  MemStats before;
  ReadMemStats(heap.get(), &before);
  void* first = alloc(size);  // its span is the one every later refill keeps
  ASSERT_EQ(labFree(heap.get(), c, first), FreeStatus::Freed);
  const heapStatsCounters& st = heap->stats;
  const uint64_t alloc0 = st.smallAllocCount[cl].load(), free0 = st.smallFreeCount[cl].load(),
                 total0 = st.totalAlloc.load(), totalFree0 = st.totalFree.load(), live0 = st.heapLive.load();
  const uint64_t refills0 = c->pathCount[int(AllocPath::Refill)];
  const int kept = mcache::labKeptFlushEvery - 1;

  // kept * nelems + 1 pairs after the first: kept refills, each keeping it.
  std::mutex& centralLock = heap->central[spc.v].mcentral.lock;
  centralLock.lock();
  std::atomic<bool> done{false};
  std::thread p([&] {
    for (uintptr i = 0; i < uintptr(kept) * nelems + 1; i++) {
      void* q = mallocgc(c, size, true);
      if (q == nullptr || labFree(heap.get(), c, q) != FreeStatus::Freed) break;
    }
    done.store(true);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  const bool tookNoLock = done.load();
  centralLock.unlock();
  p.join();
  ASSERT_TRUE(tookNoLock) << "a kept refill waited for the mcentral lock";
  ASSERT_EQ(c->pathCount[int(AllocPath::Refill)] - refills0, uint64_t(kept)) << "each refill kept the span";
  EXPECT_EQ(st.smallAllocCount[cl].load(), alloc0);
  EXPECT_EQ(st.smallFreeCount[cl].load(), free0);
  EXPECT_EQ(st.totalAlloc.load(), total0);
  EXPECT_EQ(st.totalFree.load(), totalFree0);
  EXPECT_EQ(st.heapLive.load(), live0);

  // One more kept span: the counts reach the heap's, heapLive with them.
  for (uintptr i = 0; i < nelems; i++) ASSERT_EQ(labFree(heap.get(), c, alloc(size)), FreeStatus::Freed);
  EXPECT_EQ(c->pathCount[int(AllocPath::Refill)] - refills0, uint64_t(kept) + 1);
  EXPECT_EQ(st.smallAllocCount[cl].load() - alloc0, uint64_t(kept + 1) * nelems);
  EXPECT_EQ(st.smallFreeCount[cl].load() - free0, uint64_t(kept + 1) * nelems);
  EXPECT_EQ(st.totalAlloc.load() - total0, uint64_t(kept + 1) * nelems * size);
  EXPECT_EQ(st.totalFree.load() - totalFree0, uint64_t(kept + 1) * nelems * size);
  EXPECT_EQ(st.heapLive.load() - live0, uint64_t(kept + 1) * PageSize) << "each kept refill counts a whole span";

  // And ReadMemStats (which flushes every mcache) counts every pair: the
  // first, the thread's and the loop's.
  MemStats after;
  ReadMemStats(heap.get(), &after);
  EXPECT_EQ(after.Mallocs - before.Mallocs, uint64_t(kept + 1) * nelems + 2);
  EXPECT_EQ(after.Frees - before.Frees, after.Mallocs - before.Mallocs);
  EXPECT_EQ(after.HeapObjects, 0u);
  testing::checkMemStatsRules(after);
  testing::checkReadMemStatsSlow(heap.get());
}

// Go: runtime/gc_test.go TestPageAccounting
TEST_F(HeapTest, PageAccounting) {
  // Grow the heap in small increments (issue 15022).
  constexpr uintptr blockSize = 64 << 10;
  std::vector<void*> blocks;
  for (int i = 0; i < (64 << 20) / int(blockSize); i++) blocks.push_back(alloc(blockSize));
  auto pc = heap->countPagesInUse();
  EXPECT_EQ(pc.pagesInUse, pc.counted);
  EXPECT_EQ(pc.pagesInUse, blocks.size() * blockSize / PageSize);
  for (size_t i = 0; i < blocks.size(); i += 2) ASSERT_EQ(labFree(heap.get(), c, blocks[i]), FreeStatus::Freed);
  for (int i = 0; i < 5000; i++) alloc(1 + (i * 7919) % 5000);
  pc = heap->countPagesInUse();
  EXPECT_EQ(pc.pagesInUse, pc.counted);
  MemStats st;
  ReadMemStats(heap.get(), &st);
  EXPECT_EQ(st.HeapInuse, heap->pagesInUse.load() * PageSize);
}

TEST_F(HeapTest, MemStatsConsistency) {
  MemStats st;
  ReadMemStats(heap.get(), &st);
  testing::checkMemStatsRules(st);
  EXPECT_EQ(st.HeapObjects, 0u);
  std::vector<void*> keep;
  for (int i = 0; i < 20000; i++) {
    uintptr size = (i % 97 == 0) ? 40000 + i : 1 + (uintptr(i) * 2654435761u) % 2048;
    void* p = alloc(size, i % 3 == 0);
    if (i % 4 == 0 && (size >= maxTinySize || i % 3 != 0)) {
      ASSERT_EQ(labFree(heap.get(), c, p), FreeStatus::Freed);
    } else {
      keep.push_back(p);
    }
  }
  ReadMemStats(heap.get(), &st);
  testing::checkMemStatsRules(st);
  EXPECT_GT(st.Mallocs, 19000u);
  EXPECT_GT(st.MSpanInuse, 0u);
  EXPECT_GT(st.MCacheInuse, 0u);
  EXPECT_GT(st.GCSys, 0u);
  EXPECT_GT(st.HeapReleased, 0u) << "fresh pages count as released until used";
  testing::checkReadMemStatsSlow(heap.get());
  // OS requests: one arena reserved (natively), mapped 4 MB at a time.
  OSMemStats os = osMemStats();
  EXPECT_GT(os.reserveCalls, 0u);
  EXPECT_GT(os.mapCalls, 0u);
  EXPECT_GE(heap->growth().grows, 1u);
}

}  // namespace
}  // namespace rt::mem
