// mheap: the page heap — arenas from the OS, pages to spans, spans to mcentrals.
//
// Lesson. Below the per-P caches and the per-class mcentrals sits one heap
// (Go's global mheap_). It owns
//
//   arenas     big aligned regions of address space (64 MB natively, 4 MB
//              under wasm, Go's heapArenaBytes), reserved from the OS and
//              committed 4 MB at a time as the heap grows (mheap.grow);
//   pages      the page allocator (pagealloc.hpp): which 8 KB pages are free;
//   spans      per arena, one mspan* per page: the map from an address to
//              its span (spanOf) that the GC and free need;
//   central    one mcentral per span class (136), padded to a cache line;
//   spanalloc  a fixalloc for mspan structs, cachealloc one for mcaches.
//
// mheap.alloc(npages, spanclass, c) takes a run of pages — from the P's page
// cache (pagecache.hpp) when the span is small, else first fit from the page
// allocator, growing the heap from the OS if none fits — takes an mspan from
// the P's mspancache or spanalloc, initializes
// it for its class (elemsize, nelems, divMul, fresh bitmaps) and records it
// in the span map. freeSpan undoes that. Large objects (> 32 KB) skip the
// classes: mcache.allocLarge asks for ceil(size/8 KB) pages directly.
//
// Locking: one mutex, mheap.lock, around page allocation, growth and the
// fixallocs, as in Go. A small span served by the P's caches takes no lock
// at all, and allocSpan initializes every span after releasing the lock.
// spanOf takes no lock: span map entries are published with release stores
// (see spanOf).
//
// Named simplifications: no scavenger (pages are never returned to the OS),
// no reclaim-before-alloc (the GC issue brings sweeping
// of whole spans), no user arenas; sweepgen is advanced by an explicit call.
// Unlike Go's single global heap, tests may create several heaps; each gives
// its memory back to the OS in its destructor.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "mem/fixalloc.hpp"
#include "mem/mcentral.hpp"
#include "mem/memstats.hpp"
#include "mem/mspan.hpp"
#include "mem/pagealloc.hpp"

namespace rt::mem {

struct mcache;

// Go: runtime/malloc.go heapArenaBytes (64 MB on 64-bit Linux, 4 MB on wasm
// in Go 1.19) and pagesPerArena.
inline constexpr uintptr logHeapArenaBytes = sizeof(void*) == 8 ? 26 : 22;
inline constexpr uintptr heapArenaBytes = uintptr(1) << logHeapArenaBytes;
inline constexpr uintptr pagesPerArena = heapArenaBytes / PageSize;
// Go: runtime/malloc.go arenaL1Bits/arenaL2Bits (one level: L1 has 1 entry).
inline constexpr unsigned arenaL2Bits = heapAddrBits - logHeapArenaBytes;

// Go: runtime/mheap.go heapArena — per-arena metadata.
struct heapArena {
  // spans maps from virtual address page ID within this arena to *mspan.
  // For allocated spans, their pages map to the span itself; free pages map
  // to nullptr (Go leaves them stale; we clear them so spanOf is exact).
  std::atomic<mspan*> spans[pagesPerArena];
  // zeroedBase marks the first byte of the first page in this arena which
  // hasn't been used yet and is therefore already zero.
  std::atomic<uintptr> zeroedBase{0};
  uintptr base = 0;  // the arena's first address (Go computes it from the index)
  uintptr ordinal = 0;  // how many arenas this heap created before it (goAddr)
};

// Go: runtime/malloc.go mallocinit's arena hints — on 64-bit Go asks the OS
// for its heap at 0x00c000000000 first, so a Go program's heap addresses
// read 0xc000…. (The lab's goAddr starts every heap's first arena there.)
inline constexpr uint64_t goArenaBaseHint = uint64_t(0x00c0) << 32;

class mheap {
 public:
  mheap();
  ~mheap();
  mheap(const mheap&) = delete;
  mheap& operator=(const mheap&) = delete;

  // Go: runtime/mheap.go (*mheap).alloc — a span of npages for spanclass,
  // or nullptr if the OS refused to grow the heap (see lastError()). c is
  // the calling P's mcache, whose page cache and mspancache are used (Go
  // finds them through getg().m.p); nullptr goes to the heap directly.
  mspan* alloc(uintptr npages, spanClass spanclass, mcache* c);
  // Go: runtime/mheap.go (*mheap).freeSpan — span must be swept and empty.
  // c, if not nullptr, is the calling P's mcache: the mspan struct goes to
  // its mspancache (Go: freeMSpanLocked).
  void freeSpan(mspan* s, mcache* c = nullptr);

  // Go: runtime/mheap.go spanOfHeap — the in-use span containing p, or
  // nullptr. Lock-free; valid for a p the caller knows to be live. Inline
  // (below): the mark looks up the span of every pointer it finds.
  mspan* spanOf(uintptr p) const;

  // The address p would have in a Go program whose heap grew as this one
  // did: the heap's arenas laid end to end from goArenaBaseHint, in the
  // order they were created. It is what the lab prints, so an address in a
  // lesson or a verify report is the same natively and in wasm (where a
  // heap lives wherever sbrk put it, below 4 GB) and on every machine.
  // Lab-only; p not in this heap (nil included) is returned as it is.
  uint64_t goAddr(uintptr p) const {
    const heapArena* a = p ? arenaOf(p) : nullptr;
    if (a == nullptr) return p;
    return goArenaBaseHint + uint64_t(a->ordinal) * heapArenaBytes + (p - a->base);
  }

  // Go: runtime/mcache.go allocmcache / freemcache. freemcache flushes c.
  mcache* allocmcache();
  void freemcache(mcache* c);
  // Go: the part of (*p).destroy that gives back the P's mspancache and
  // page cache. c stays usable (it refills them on demand).
  void flushPCaches(mcache* c);

  // Go: runtime/mgc.go gcSweep (the part that starts a sweep cycle):
  // mheap.sweepgen += 2, which turns every swept span into an unswept one
  // and swaps the roles of the mcentral sets. All mcaches must have been
  // flushed (Go does it at mark termination); used by the GC and by tests.
  void startSweepCycle();

  // Go: runtime/export_test.go CountPagesInUse — {mheap.pagesInUse, pages
  // counted by walking every in-use span}. The world must be stopped.
  struct pageCount {
    uintptr pagesInUse, counted;
  };
  pageCount countPagesInUse();

  // Call f(mspan*) for every in-use span, in address order. World stopped.
  template <typename F>
  void forEachSpan(F&& f);

  // Why the last failed allocation failed (nullptr if none did).
  const char* lastError() const { return lastError_.load(std::memory_order_relaxed); }

  // Go: runtime/mheap.go mheap fields, with their Go names.
  std::mutex lock;
  pageAlloc pages;                   // page allocation data structure (lock)
  std::atomic<uint32_t> sweepgen{0};  // sweep generation, see mspan.hpp
  std::atomic<uintptr> pagesInUse{0};  // pages of spans in stats mSpanInUse
  struct alignas(64) centralPadded {
    struct mcentral mcentral;  // Go: central[spc].mcentral (padded against false sharing)
  };
  centralPadded central[numSpanClasses];
  heapStatsCounters stats;
  fixalloc spanalloc;   // allocator for span* (lock)
  fixalloc cachealloc;  // allocator for mcache* (lock)
  mcache* allmcaches = nullptr;  // every live mcache, for ReadMemStats (lock)
  uintptr arenaCount() const { return nAllArenas_; }
  heapArena* arenaAt(uintptr i) const { return arenas_[allArenas_[i]].load(std::memory_order_relaxed); }

  // Lab: how the heap got its memory.
  struct growStats {
    uint64_t grows = 0;         // calls to mheap.grow
    uint64_t arenaAllocs = 0;   // calls to mheap.sysAlloc (new arenas)
    uint64_t bytesGrown = 0;    // bytes mapped into the heap
  };
  growStats growth() const;

 private:
  friend struct mcache;
  // Go: runtime/mheap.go (*mheap).allocSpan (spanAllocHeap only)
  mspan* allocSpan(uintptr npages, spanClass spanclass, mcache* c);
  // Go: runtime/mheap.go (*mheap).tryAllocMSpan / allocMSpanLocked
  static void* tryAllocMSpan(mcache* c);
  void* allocMSpanLocked(mcache* c);
  void freeMSpanLocked(void* s, mcache* c);
  // Go: runtime/mheap.go (*mheap).grow
  bool grow(uintptr npage);
  // Go: runtime/malloc.go (*mheap).sysAlloc — reserve whole arenas.
  void* sysAlloc(uintptr n, uintptr* size);
  // Go: runtime/mheap.go (*mheap).allocNeedsZero
  bool allocNeedsZero(uintptr base, uintptr npage);
  // Go: runtime/mheap.go (*mheap).setSpans
  void setSpans(uintptr base, uintptr npage, mspan* s);
  heapArena* arenaOf(uintptr p) const {
    uintptr ai = p >> logHeapArenaBytes;
    if (ai >= (uintptr(1) << arenaL2Bits)) return nullptr;
    // acquire: pairs with the release store in sysAlloc.
    return arenas_[ai].load(std::memory_order_acquire);
  }

  persistentAlloc persistent_;
  // Read by every spanOf: a line of its own, away from fields written per span.
  alignas(64) std::atomic<heapArena*>* arenas_ = nullptr;  // Go: mheap.arenas (one L2 array)
  uintptr* allArenas_ = nullptr;               // arena indices in address order
  uintptr nAllArenas_ = 0, capAllArenas_ = 0;
  uintptr arenasCreated_ = 0;  // heapArena::ordinal of the next arena
  struct {
    uintptr base = 0, end = 0;
  } curArena_;  // Go: mheap.curArena — reserved but not yet mapped
  struct reservation {
    uintptr base, size;
  };
  reservation* reservations_ = nullptr;  // to give arenas back in ~mheap
  uintptr nReservations_ = 0, capReservations_ = 0;
  growStats growth_;  // (lock)
  std::atomic<const char*> lastError_{nullptr};
};

// Go: runtime/mheap.go spanOfHeap
inline mspan* mheap::spanOf(uintptr p) const {
  heapArena* ha = arenaOf(p);
  if (ha == nullptr) return nullptr;
  // acquire: pairs with the release store in setSpans.
  mspan* s = ha->spans[(p / PageSize) % pagesPerArena].load(std::memory_order_acquire);
  // Check that p is within the span and the span is in use.
  if (s == nullptr || p < s->base() || p >= s->limit || s->state.load(std::memory_order_relaxed) != mSpanState::InUse)
    return nullptr;
  return s;
}

template <typename F>
void mheap::forEachSpan(F&& f) {
  for (uintptr i = 0; i < nAllArenas_; i++) {
    heapArena* ha = arenaAt(i);
    for (uintptr p = 0; p < pagesPerArena; p++) {
      mspan* s = ha->spans[p].load(std::memory_order_relaxed);
      if (s != nullptr && s->base() == ha->base + p * PageSize &&
          s->state.load(std::memory_order_relaxed) == mSpanState::InUse)
        f(s);
    }
  }
}

}  // namespace rt::mem
