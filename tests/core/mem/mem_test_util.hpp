// Shared helpers for the allocator tests: a fresh heap per test with one
// mcache, and the MemStats consistency rules of Go's TestMemStats.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "mem/malloc.hpp"
#include "mem/mheap.hpp"
#include "mem/memstats.hpp"

namespace rt::mem::testing {

class HeapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    heap = std::make_unique<mheap>();
    c = heap->allocmcache();
    ASSERT_NE(c, nullptr);
  }
  void TearDown() override {
    if (c != nullptr) heap->freemcache(c);
    heap.reset();
  }
  void* alloc(uintptr size, bool noscan = true) {
    void* p = mallocgc(c, size, noscan);
    EXPECT_NE(p, nullptr) << (c->lastError ? c->lastError : "");
    return p;
  }
  std::unique_ptr<mheap> heap;
  mcache* c = nullptr;
};

// Go: runtime/malloc_test.go TestMemStats — the rules that always hold.
inline void checkMemStatsRules(const MemStats& st) {
  EXPECT_EQ(st.Sys, st.HeapSys + st.StackSys + st.MSpanSys + st.MCacheSys + st.BuckHashSys + st.GCSys + st.OtherSys)
      << "Sys must be the sum of its parts";
  EXPECT_EQ(st.HeapIdle + st.HeapInuse, st.HeapSys);
  EXPECT_EQ(st.Alloc, st.HeapAlloc);
  EXPECT_EQ(st.HeapObjects, st.Mallocs - st.Frees);
  EXPECT_LE(st.HeapReleased, st.HeapIdle);
  EXPECT_LE(st.HeapAlloc, st.HeapInuse);
  EXPECT_LE(st.MSpanInuse, st.MSpanSys);
  EXPECT_LE(st.MCacheInuse, st.MCacheSys);
  EXPECT_LE(st.HeapAlloc, st.TotalAlloc);
  EXPECT_LE(st.NumForcedGC, st.NumGC);
  EXPECT_EQ(st.HeapInuse % PageSize, 0u);
  EXPECT_EQ(st.HeapSys % pallocChunkBytes, 0u);
}

// Go: runtime/export_test.go ReadMemStatsSlow + malloc_test.go TestReadMemStats.
inline void checkReadMemStatsSlow(mheap* h) {
  MemStats base, slow;
  ReadMemStatsSlow(h, &base, &slow);
  EXPECT_EQ(base.Alloc, slow.Alloc);
  EXPECT_EQ(base.TotalAlloc, slow.TotalAlloc);
  EXPECT_EQ(base.Mallocs, slow.Mallocs);
  EXPECT_EQ(base.Frees, slow.Frees);
  EXPECT_EQ(base.HeapAlloc, slow.HeapAlloc);
  EXPECT_EQ(base.HeapObjects, slow.HeapObjects);
  EXPECT_EQ(base.HeapInuse, slow.HeapInuse);
  EXPECT_EQ(base.HeapReleased, slow.HeapReleased);
  for (int i = 0; i < 61; i++) {
    EXPECT_EQ(base.BySize[i].Mallocs, slow.BySize[i].Mallocs) << "class " << i;
    EXPECT_EQ(base.BySize[i].Frees, slow.BySize[i].Frees) << "class " << i;
  }
  EXPECT_TRUE(base == slow) << "MemStats and the span walk disagree";
  // The running totals (Go's gcController.totalAlloc/totalFree) must agree
  // with the per-class counts, as readmemstats_m checks.
  EXPECT_EQ(h->stats.totalAlloc.load(), base.TotalAlloc);
  EXPECT_EQ(h->stats.totalFree.load(), base.TotalAlloc - base.HeapAlloc);
  // Go: mappedReady == totalMapped - released... we never release: == Sys.
  EXPECT_EQ(h->stats.mappedReady.load(), base.Sys);
  // Every byte lab-freed named a real object.
  EXPECT_EQ(h->stats.badFrees.load(), 0u);
  checkMemStatsRules(base);
}

}  // namespace rt::mem::testing
