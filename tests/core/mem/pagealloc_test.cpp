// The page allocator's bit tricks against naive reference implementations,
// and first-fit allocation across chunk boundaries.
#include <gtest/gtest.h>

#include <random>

#include "mem/pagealloc.hpp"
#include "mem_test_util.hpp"

namespace rt::mem {
namespace {

struct NaiveSum {
  unsigned start, max, end;
};
NaiveSum naiveSummarize(const pallocBits& b) {
  unsigned start = 0, max = 0, end = 0, run = 0;
  bool seenOne = false;
  for (unsigned i = 0; i < pallocChunkPages; i++) {
    if (b.get(i)) {
      if (!seenOne) start = run;
      seenOne = true;
      run = 0;
    } else {
      run++;
      if (run > max) max = run;
    }
  }
  if (!seenOne) start = run;
  end = run;
  return {start, max, end};
}
unsigned naiveFind(const pallocBits& b, unsigned npages) {
  unsigned run = 0;
  for (unsigned i = 0; i < pallocChunkPages; i++) {
    run = b.get(i) ? 0 : run + 1;
    if (run == npages) return i + 1 - npages;
  }
  return pallocBits::notFound;
}

TEST(PageAlloc, SummarizeAndFindMatchNaive) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 3000; iter++) {
    pallocBits b;
    // Random runs of ones and zeros of varied lengths.
    unsigned i = 0;
    unsigned density = 1 + rng() % 6;
    while (i < pallocChunkPages) {
      unsigned len = 1 + rng() % (iter % 3 == 0 ? 200 : 20);
      bool one = rng() % density == 0;
      for (unsigned j = i; j < i + len && j < pallocChunkPages; j++)
        if (one) b.set(j);
      i += len;
    }
    if (iter == 0) b.clearAll();
    if (iter == 1) b.setAll();
    NaiveSum want = naiveSummarize(b);
    pallocSum got = b.summarize();
    ASSERT_EQ(got.start(), want.start) << iter;
    ASSERT_EQ(got.max(), want.max) << iter;
    ASSERT_EQ(got.end(), want.end) << iter;
    for (unsigned n : {1u, 2u, 3u, 7u, 31u, 64u, 65u, 100u, 300u, 512u}) {
      ASSERT_EQ(b.find(n, 0).index, naiveFind(b, n)) << "iter " << iter << " npages " << n;
    }
  }
}

TEST(PageAlloc, PackedSums) {
  pallocSum s = packPallocSum(3, 100, 7);
  EXPECT_EQ(s.start(), 3u);
  EXPECT_EQ(s.max(), 100u);
  EXPECT_EQ(s.end(), 7u);
  pallocSum full = packPallocSum(maxPackedValue, maxPackedValue, maxPackedValue);
  EXPECT_EQ(full.start(), maxPackedValue);
  EXPECT_EQ(full.max(), maxPackedValue);
  EXPECT_EQ(full.end(), maxPackedValue);
}

TEST(PageAlloc, FirstFitAcrossChunks) {
  heapStatsCounters stats;
  persistentAlloc persistent(&stats);
  pageAlloc pa;
  pa.init(&persistent, &stats);
  // Three chunks at an aligned, made-up address range (never touched).
  uintptr base = uintptr(64) << logPallocChunkBytes;
  ASSERT_TRUE(pa.grow(base, 3 * pallocChunkBytes));
  EXPECT_EQ(pa.freePages(), 3 * pallocChunkPages);
  EXPECT_EQ(pa.scavengedPages(), 3 * pallocChunkPages);
  uintptr scav = 0;
  // Fill the first chunk except its last 10 pages.
  uintptr a = pa.alloc(pallocChunkPages - 10, &scav);
  EXPECT_EQ(a, base);
  EXPECT_EQ(scav, (pallocChunkPages - 10) * PageSize);
  // 30 pages do not fit in the 10 left: the run crosses into chunk 2, first fit.
  uintptr b = pa.alloc(30, &scav);
  EXPECT_EQ(b, base + (pallocChunkPages - 10) * PageSize);
  // A run longer than a chunk.
  uintptr c = pa.alloc(pallocChunkPages + 5, &scav);
  EXPECT_EQ(c, base + (pallocChunkPages + 20) * PageSize);
  // Free a hole and get it back first.
  pa.free(base + 100 * PageSize, 3);
  uintptr d = pa.alloc(2, &scav);
  EXPECT_EQ(d, base + 100 * PageSize);
  EXPECT_EQ(scav, 0u) << "pages that were used are no longer scavenged";
  uintptr e = pa.alloc(1, &scav);
  EXPECT_EQ(e, base + 102 * PageSize);
  EXPECT_EQ(pa.alloc(3 * pallocChunkPages, &scav), 0u) << "nothing that big is free";
  EXPECT_TRUE(pa.pageInUse(base));
  EXPECT_FALSE(pa.pageInUse(base + 3 * pallocChunkBytes - PageSize));
}

}  // namespace
}  // namespace rt::mem
