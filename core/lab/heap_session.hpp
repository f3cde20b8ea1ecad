// HeapSession: the heap the lab's memory commands work on.
//
// Lesson. A Go program has one heap (mheap_) and one mcache per P. The lab
// gives the learner the same pieces to poke at by hand: one mheap and one
// mcache (P 0's), created on the first memory command and kept across
// commands, so that
//
//   alloc 33 x1000      fills spans of size class 5 through P 0's mcache,
//   spans 5             shows those spans (allocCount, freeindex, sweepgen),
//   mstats              reads MemStats the way runtime.ReadMemStats does.
//
// The lab never frees: every object stays alive, like a program that keeps a
// pointer to everything it allocates (there is no GC yet to find dead ones).
// So the session is bounded: an allocation that could push the spans in use
// past kMaxHeapBytes is refused before anything is allocated.
//
// Single-threaded: commands run one at a time on one thread, which plays the
// role of the M running P 0, and ReadMemStats's "world stopped" precondition
// holds trivially.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mem/mcache.hpp"
#include "mem/memstats.hpp"
#include "mem/mheap.hpp"

namespace lab {

// What one `alloc` did.
struct AllocOutcome {
  uint64_t size = 0;        // bytes requested per object
  uint64_t count = 0;       // objects requested
  uint64_t done = 0;        // objects allocated (== count unless the OS refused memory)
  bool noscan = false;
  uint64_t pathCount[rt::mem::numAllocPaths] = {};  // per path, for this command only
  // The first few objects, each with the path that served it.
  // Addresses are as a Go program's would read (mheap::goAddr), the same in
  // every build.
  struct Object {
    uint64_t addr = 0;
    rt::mem::AllocPath path = rt::mem::AllocPath::Fast;
  };
  std::vector<Object> objects;  // at most kListedObjects
  uint64_t firstAddr = 0, lastAddr = 0;
  // mheap.grow calls (pages from the OS) and new arenas caused by this command.
  uint64_t heapGrows = 0, arenaAllocs = 0, bytesGrown = 0;
  int64_t wallNs = 0;
  std::string error;  // non-empty: the OS refused memory after `done` objects

  static constexpr size_t kListedObjects = 16;
};

// A span as the `spans` command and the web heap view see it.
struct SpanInfo {
  uint64_t base = 0;  // as a Go program's would read (mheap::goAddr)
  uint64_t npages = 0;
  uint8_t spanclass = 0;
  int sizeclass = 0;
  bool noscan = false;
  uint64_t elemsize = 0, nelems = 0, allocCount = 0, freeindex = 0;
  uint32_t sweepgen = 0;
  const char* sweepState = "";  // relative to mheap.sweepgen, see mspan.hpp
  const char* where = "";       // "mcache", "partial", "full" (in its mcentral)
  uint64_t arena = 0;           // arena number (goAddr(base) >> logHeapArenaBytes)
  uint64_t arenaSeq = 0;        // position in the heap's arena list (address order)
  uint64_t pageInArena = 0;     // page index of base inside its arena
  bool needzero = false;
};

class HeapSession {
 public:
  // The session's bound on bytes of spans in use (HeapInuse).
  static constexpr uint64_t kMaxHeapBytes = uint64_t(1) << 30;
  // The most objects one `alloc` may ask for.
  static constexpr uint64_t kMaxCount = 10000000;

  HeapSession();
  ~HeapSession();
  HeapSession(const HeapSession&) = delete;
  HeapSession& operator=(const HeapSession&) = delete;

  // Drop every object: a fresh mheap and mcache.
  void reset();

  // An upper bound on the span bytes `count` objects of `size` can add to
  // the heap (as if no span had a free slot left).
  static uint64_t worstCaseGrowth(uint64_t size, uint64_t count, bool noscan);
  // Bytes of spans in use now (MemStats.HeapInuse, without a flush).
  uint64_t heapInUse() const;

  // Allocate count objects of size bytes through P 0's mcache (mallocgc).
  // The caller has checked the bound (worstCaseGrowth + heapInUse).
  AllocOutcome alloc(uint64_t size, uint64_t count, bool noscan);

  // Go: runtime.ReadMemStats. Like Go it flushes the mcache first, so the
  // next allocation of each class starts with a refill.
  rt::mem::MemStats readMemStats();

  // The in-use spans in address order; sizeclass < 0: all of them.
  std::vector<SpanInfo> spans(int sizeclass);

  rt::mem::mheap& heap() { return *heap_; }
  rt::mem::mcache& cache() { return *cache_; }
  uint32_t sweepgen() const { return heap_->sweepgen.load(std::memory_order_relaxed); }
  // Objects allocated by `alloc` since the session started (or was reset).
  uint64_t objectsAllocated() const { return objects_; }

 private:
  void create();
  void destroy();

  std::unique_ptr<rt::mem::mheap> heap_;
  rt::mem::mcache* cache_ = nullptr;  // P 0's mcache, from heap_->allocmcache()
  uint64_t objects_ = 0;
};

// "0xc000012000": an address (already goAddr'ed) as Go prints pointers.
std::string hexAddress(uint64_t a);
// 1536 -> "1.50 KiB", 8192 -> "8 KiB"; below 1 KiB, "NNN B".
std::string humanBytes(uint64_t n);

}  // namespace lab
