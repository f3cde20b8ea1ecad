// MemStats: what the allocator tells the program about itself.
//
// Lesson. Counting on every malloc would put a shared counter on the fast
// path, so Go counts lazily: an mcache remembers how many objects its span
// held when it got it (allocCountBeforeCache) and adds the difference to the
// global per-size-class counters only when it gives the span back (refill,
// releaseAll). Frees are counted by whoever sweeps. ReadMemStats therefore
// first flushes every mcache — with the world stopped — and then derives
// everything from a few counters:
//
//   Mallocs     = large + Σ small[class] + tiny     (tiny objects count as
//   Frees       = large + Σ small[class] + tiny      both: their 16-byte
//   HeapObjects = Mallocs - Frees                    block is the real object)
//   HeapAlloc   = bytes allocated - bytes freed (small objects at class size)
//   HeapSys     = HeapInuse + HeapIdle, HeapIdle = free + released pages
//   Sys         = HeapSys + StackSys + MSpanSys + MCacheSys + BuckHashSys
//                 + GCSys + OtherSys
//
// A second, independent count keeps this honest: Go's ReadMemStatsSlow walks
// every span and recomputes the same numbers; a test compares the two.
//
// Named simplifications: one set of atomic counters per heap instead of Go's
// per-P sharded consistentHeapStats (the counters are only touched on slow
// paths, so contention is low); no stacks, no profiling buckets and no GC
// yet, so StackSys, BuckHashSys and the GC fields stay 0 until the GC issue;
// no scavenger, so HeapReleased only shrinks (memory that was mapped but
// never used counts as released, exactly like Go's fresh heap growth).
#pragma once

#include <atomic>
#include <cstdint>

#include "mem/sizeclasses.hpp"

namespace rt::mem {

class mheap;

// Go: runtime/mstats.go sysMemStat — bytes of OS memory held for one purpose.
// relaxed: a statistic; ReadMemStats runs with the world stopped.
struct sysMemStat {
  std::atomic<int64_t> v{0};
  void add(int64_t n) { v.fetch_add(n, std::memory_order_relaxed); }
  uint64_t load() const { return static_cast<uint64_t>(v.load(std::memory_order_relaxed)); }
};

// The counters behind MemStats, one set per mheap. Every field is a Go name
// from mstats.go (heapStatsDelta, memstats) or mgcpacer.go (gcController).
struct heapStatsCounters {
  // Go: runtime/mstats.go heapStatsDelta — the "consistent" counts.
  sysMemStat smallAllocCount[NumSizeClasses];
  sysMemStat smallFreeCount[NumSizeClasses];
  sysMemStat largeAlloc, largeAllocCount, largeFree, largeFreeCount;
  sysMemStat tinyAllocCount;
  // Go: runtime/mgcpacer.go gcController.heapInUse/heapFree/heapReleased,
  // totalAlloc/totalFree (the "inconsistent" running totals, checked against
  // the consistent counts above), heapLive (for the pacer), mappedReady.
  sysMemStat heapInUse, heapFree, heapReleased;
  sysMemStat totalAlloc, totalFree;
  sysMemStat heapLive;
  sysMemStat mappedReady;
  // Go: runtime/mstats.go memstats.*_sys
  sysMemStat mspan_sys, mcache_sys, gcMiscSys, other_sys, stacks_sys, buckhash_sys;
  // Lab only: explicit frees that named a slot that was not allocated
  // (found at sweep time, when the freeing thread is long gone).
  sysMemStat badFrees;
};

// Go: runtime/mstats.go MemStats — the same fields and meanings.
struct MemStats {
  // General statistics.
  uint64_t Alloc = 0, TotalAlloc = 0, Sys = 0, Lookups = 0, Mallocs = 0, Frees = 0;
  // Heap memory statistics.
  uint64_t HeapAlloc = 0, HeapSys = 0, HeapIdle = 0, HeapInuse = 0, HeapReleased = 0, HeapObjects = 0;
  // Stack memory statistics.
  uint64_t StackInuse = 0, StackSys = 0;
  // Off-heap memory statistics.
  uint64_t MSpanInuse = 0, MSpanSys = 0, MCacheInuse = 0, MCacheSys = 0, BuckHashSys = 0, GCSys = 0,
           OtherSys = 0;
  // Garbage collector statistics (filled in by the GC issue).
  uint64_t NextGC = 0, LastGC = 0, PauseTotalNs = 0;
  uint64_t PauseNs[256] = {}, PauseEnd[256] = {};
  uint32_t NumGC = 0, NumForcedGC = 0;
  double GCCPUFraction = 0;
  bool EnableGC = true, DebugGC = false;
  // Per-size-class allocation statistics: Go keeps 61 entries for
  // compatibility (the table had 61 classes in Go 1.0's days).
  struct BySizeEntry {
    uint32_t Size = 0;
    uint64_t Mallocs = 0, Frees = 0;
    bool operator==(const BySizeEntry&) const = default;
  } BySize[61];

  bool operator==(const MemStats&) const = default;
};

// Go: runtime/mstats.go ReadMemStats.
// The world must be stopped: no thread may be using any mcache of this heap
// (Go stops the world; we have no scheduler yet, so the caller promises it).
// Like Go, it first flushes every mcache of the heap (releaseAll); then it
// applies pending lab frees (labFree), so they are all counted.
void ReadMemStats(mheap* h, MemStats* m);

// Go: runtime/export_test.go ReadMemStatsSlow — `base` as ReadMemStats, and
// `slow` recomputed by walking every in-use span. Same precondition.
void ReadMemStatsSlow(mheap* h, MemStats* base, MemStats* slow);

}  // namespace rt::mem
