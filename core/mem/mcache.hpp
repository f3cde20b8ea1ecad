// mcache: the per-P cache that makes most allocations lock-free.
//
// Lesson. Every P owns one mcache, and only the goroutine running on that P
// touches it, so the common allocation needs no lock and no atomic: look up
// the span class, take the cached span for it, and ask its allocCache for the
// next free slot (nextFreeFast: a ctz, a shift, two increments). When that
// span is full, refill trades it at the mcentral for one with free slots;
// only then is a lock taken. The paths, from cheapest to dearest:
//
//   Tiny      noscan < 16 B, packed into the current 16-byte tiny block
//   Fast      nextFreeFast found a slot in the cached allocCache
//   NextFree  the 64-slot allocCache ran dry: reload it from allocBits
//   Refill    the span is full: mcentral gave us a partial span (lock), or
//             (lab-only) kept ours, swept in place, once we freed all of it
//   Grow      the mcentral had none: a fresh span from mheap (two locks)
//   Large     > 32 KB: a dedicated span straight from mheap
//
// The lab counts each path per mcache (pathCount) and remembers the path of
// the latest call (lastPath), so "which path served this allocation?" has an
// answer. The counting is a plain increment on memory only this thread
// touches.
//
// Statistics are flushed lazily: allocCountBeforeCache records the span's
// count when it was cached, and refill/releaseAll add the difference to the
// heap's counters (see memstats.hpp).
//
// An mcache is an explicit object its caller owns (heap.allocmcache /
// heap.freemcache): the collector keeps one for each P (gc::PerP, in
// core/gc), where Go keeps it in the p struct.
#pragma once

#include <cstdint>

#include "mem/mspan.hpp"
#include "mem/pagecache.hpp"

namespace rt::mem {

class mheap;

enum class AllocPath : uint8_t { Tiny, Fast, NextFree, Refill, Grow, Large, Failed };
inline constexpr int numAllocPaths = 7;
const char* allocPathName(AllocPath p);

// Go: runtime/mcache.go mcache
struct alignas(64) mcache {
  // The following members are accessed on every malloc, so they are grouped
  // here for better caching. (Go: nextSample, scanAlloc: no profiling or
  // scan accounting yet.)

  // Allocator cache for tiny objects w/o pointers. tiny points to the
  // beginning of the current tiny block, or 0 if there is no current block.
  uintptr tiny = 0;
  uintptr tinyoffset = 0;
  uintptr tinyAllocs = 0;  // number of tiny allocations by this mcache

  // Lab: which path served each allocation.
  AllocPath lastPath = AllocPath::Fast;
  uint64_t pathCount[numAllocPaths] = {};
  const char* lastError = nullptr;  // why the last nullptr was returned
  // Lab-only: the span class of the latest explicit free, so that a free
  // into the span this mcache holds for it skips the span map (labFree).
  spanClass lastFreeClass{};

  mspan* alloc[numSpanClasses];  // spans to allocate from, indexed by spanClass

  // flushGen indicates the sweepgen during which this mcache was last
  // flushed. If flushGen != mheap.sweepgen, the spans in this mcache are
  // stale and need to the flushed so they can be swept.
  uint32_t flushGen = 0;

  // Go keeps these two in the P (runtime/runtime2.go p.mcache's neighbours);
  // the lab's mcache is its P's allocator state, so they live here.
  // Go: p.pcache — pages this P allocates spans from without the heap lock.
  pageCache pcache;
  // Go: p.mspancache — mspan structs for the same purpose (raw memory from
  // spanalloc; allocSpan constructs the mspan).
  static constexpr int mspanCacheSize = 128;
  struct {
    int len = 0;
    void* buf[mspanCacheSize];
  } mspancache;

  // Lab-only: what refill would have added to heap->stats for the spans
  // labKeepEmptied kept (their allocations, their frees, heapLive), held
  // here so that a P emptying span after span writes no line another P
  // writes too; Go's refill adds them to shared counters every time.
  // Added to heap->stats by releaseAll (so ReadMemStats, which flushes
  // every mcache, sees all of them) and every labKeptFlushEvery kept spans
  // (so heapLive, which the pacer reads, lags by a bounded amount).
  // (totalAlloc and totalFree follow from the counts: a small object's
  // bytes are its class's size.)
  struct LabKeptStats {
    int64_t smallAllocCount[NumSizeClasses] = {};
    int64_t smallFreeCount[NumSizeClasses] = {};
    int64_t heapLive = 0;
    int spans = 0;
  };
  static constexpr int labKeptFlushEvery = 64;
  LabKeptStats labKept;
  void flushLabKept();

  mheap* heap = nullptr;  // Go has one global mheap_; we may have several
  mcache* nextInHeap = nullptr;
  mcache* prevInHeap = nullptr;

  void init(mheap* h);

  // Go: runtime/malloc.go (*mcache).nextFree — a slot from the cached span
  // of spc, refilling it if full. Returns 0 if the heap is out of memory.
  // *s is the span used; *path is NextFree, Refill or Grow.
  uintptr nextFree(spanClass spc, mspan** s, AllocPath* path);
  // Go: runtime/mcache.go (*mcache).refill
  bool refill(spanClass spc, bool* grew);
  // Go: runtime/mcache.go (*mcache).allocLarge
  mspan* allocLarge(uintptr size, bool noscan);
  // Go: runtime/mcache.go (*mcache).releaseAll — give every span back.
  void releaseAll();
  // Go: runtime/mcache.go (*mcache).prepareForSweep
  void prepareForSweep();
};

}  // namespace rt::mem
