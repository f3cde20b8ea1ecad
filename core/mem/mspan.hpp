// mspan: a run of pages cut into objects of one size class.
//
// Lesson. A span is npages contiguous 8 KB pages holding nelems objects of
// elemsize bytes (or one large object). To find a free slot Go does not keep
// a free list; it keeps two bitmaps, one bit per object:
//
//   allocBits   which slots were in use when the span was last swept
//   gcmarkBits  which objects the GC found reachable in this cycle
//
// and a cursor, freeindex. Every slot below freeindex is taken; at or above
// it, a 0 in allocBits means free. Allocation scans forward from freeindex
// and never looks back — a span is refilled only by sweeping, which makes
// the marks the new truth: allocBits = gcmarkBits, gcmarkBits = fresh zeros,
// freeindex = 0. (Allocation itself never writes allocBits; that is why the
// fast path is so short.)
//
// allocCache holds the complement of 64 allocBits starting at freeindex, so
// "next free slot" is one count-trailing-zeros instruction (nextFreeFast,
// in nextfreefast.hpp); every 64 slots nextFreeIndex reloads it from the
// bitmap.
//
// sweepgen tells where a span is in the GC cycle, relative to
// mheap.sweepgen (h), which the GC bumps by 2 each cycle:
//   h-2  needs sweeping            h-1  being swept       h    swept, ready
//   h+1  cached before sweep began (still cached; needs sweeping)
//   h+3  swept, then cached (still cached)
//
// Lab-only extension: Go has no free(), the GC decides. The lab (and the
// peer benchmark) need one, so labFree records "this object is dead" in a
// side bitmap and the next lab sweep folds it into allocBits exactly the way
// sweep folds in the mark bits: freeindex = 0, allocBits = the survivors.
// Nothing on the allocation path changes, and the GC can later sweep the
// same span by swapping mark bits. Two side bitmaps: labFreeLocal is written
// only by the span's current holder (no atomics), labFreeRemote by other
// threads under the mcentral lock (the thread-free list idea of mimalloc).
//
// Named simplifications: the bitmaps live inline in the mspan (Go allocates
// them from gcBits arenas freed in bulk each cycle), so a sweep swaps two
// pointers between two inline arrays; no specials, no freeIndexForScan
// (conservative scanning), no manual (stack) spans yet.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>

#include "mem/sizeclasses.hpp"
#include "util/relaxed.hpp"

namespace rt::mem {

class mheap;
struct spanSet;

// Go: runtime/mheap.go mSpanState
enum class mSpanState : uint8_t { Dead, InUse, Manual };

// Go: runtime/mheap.go gcBits (one bit per object, 1024 objects at most).
struct gcBits {
  static constexpr uintptr nwords = MaxObjsPerSpan / 64;
  uint64_t w[nwords] = {};
  bool isMarked(uintptr i) const { return (w[i / 64] >> (i % 64)) & 1; }
  // Go: runtime/mbitmap.go markBits.setMarked — atomic because several GC
  // workers may mark objects of one span at once.
  // relaxed: mark termination (a stop-the-world) orders these with sweep.
  void setMarked(uintptr i) { __atomic_fetch_or(&w[i / 64], uint64_t(1) << (i % 64), __ATOMIC_RELAXED); }
  // Go: greyobject's "if mbits.isMarked() { return }; mbits.setMarked()",
  // as one atomic step: true if this call set the bit.
  bool tryMark(uintptr i) {
    const uint64_t bit = uint64_t(1) << (i % 64);
    if (__atomic_load_n(&w[i / 64], __ATOMIC_RELAXED) & bit) return false;
    return (__atomic_fetch_or(&w[i / 64], bit, __ATOMIC_RELAXED) & bit) == 0;
  }
  // Not in Go: tryMark for a caller that is the only thread able to set mark
  // bits (gc::Collector::oneMarker): an atomic load, then an atomic store of
  // the word with the bit set. No locked read-modify-write: that one
  // instruction waits for every load before it, and marking a linked list
  // took a quarter longer with it (bench/gc). The word stays atomic, so a
  // reader elsewhere (the lab's views) still sees whole words. Relaxed, as in
  // tryMark: mark termination (a stop-the-world) orders them with sweep.
  bool tryMarkAlone(uintptr i) {
    const uint64_t bit = uint64_t(1) << (i % 64);
    const uint64_t word = __atomic_load_n(&w[i / 64], __ATOMIC_RELAXED);
    if (word & bit) return false;
    __atomic_store_n(&w[i / 64], word | bit, __ATOMIC_RELAXED);
    return true;
  }
  bool isMarkedAtomic(uintptr i) const { return (__atomic_load_n(&w[i / 64], __ATOMIC_RELAXED) >> (i % 64)) & 1; }
  void setNonAtomic(uintptr i) { w[i / 64] |= uint64_t(1) << (i % 64); }
  void clearNonAtomic(uintptr i) { w[i / 64] &= ~(uint64_t(1) << (i % 64)); }
  void clearAll(uintptr nelems);
};

struct alignas(64) mspan {
  // Go: runtime/mheap.go mspan (the fields we need, with Go's names)
  mspan* next = nullptr;    // next span in list, or nil if none
  mspan* prev = nullptr;    // previous span in list, or nil if none
  spanSet* list = nullptr;  // the set holding this span (mcentral lock), or nil
  uintptr startAddr = 0;    // address of first byte of span aka s.base()
  uintptr npages = 0;       // number of pages in span
  uintptr freeindex = 0;    // slots below are taken; scan for free ones from here
  uintptr nelems = 0;       // number of objects in the span
  uint64_t allocCache = 0;  // ^allocBits from freeindex on, bit 0 = freeindex
  gcBits* allocBits = nullptr;
  gcBits* gcmarkBits = nullptr;
  std::atomic<uint32_t> sweepgen{0};  // see the table in the lesson
  uint32_t divMul = 0;                // for divide by elemsize
  uint16_t allocCount = 0;            // number of allocated objects
  spanClass spanclass{};              // size class and noscan
  std::atomic<mSpanState> state{mSpanState::Dead};
  uint8_t needzero = 0;                // needs to be zeroed before allocation
  uint16_t allocCountBeforeCache = 0;  // allocCount when an mcache took the span
  uintptr elemsize = 0;                // computed from sizeclass or from npages
  uintptr limit = 0;                   // end of data in span

  // Lab-only explicit frees (see the lesson).
  gcBits labFreeLocal;   // holder only
  gcBits labFreeRemote;  // other threads, under central[spanclass].lock
  uint16_t nLabFreeLocal = 0;  // holder only
  // Written under the mcentral lock; read without it by the holder's
  // labKeepEmptied.
  util::Relaxed<uint16_t> nLabFreeRemote = 0;
  // Lab-only: every object is freed and the span is on its way back to the
  // heap (set under its mcentral's lock by uncacheSpan, which then frees it
  // without that lock): any free that still finds it is a double free.
  bool labEmptied = false;
  // Lab-only: slots that are tiny blocks (tinySpanClass spans only). Set by
  // the tiny allocator while it holds the span; read only by holders. A
  // tiny block holds several objects and must never be freed explicitly.
  gcBits tinyBlocks;

  gcBits bitsStore[2];  // the two bitmaps allocBits/gcmarkBits point into

  uintptr base() const { return startAddr; }

  // Go: runtime/mheap.go (*mspan).init
  void init(uintptr base, uintptr npages);

  // Go: runtime/mbitmap.go (*mspan).divideByElemSize — n / elemsize with
  // one multiply (the divmagic mksizeclasses checked).
  uintptr divideByElemSize(uintptr n) const { return uintptr((uint64_t(n) * uint64_t(divMul)) >> 32); }
  // Go: runtime/mbitmap.go (*mspan).objIndex
  uintptr objIndex(uintptr p) const { return divideByElemSize(p - base()); }

  // Go: runtime/mbitmap.go (*mspan).refillAllocCache (nextfreefast.hpp)
  inline void refillAllocCache(uintptr whichByte);
  // Go: runtime/mbitmap.go (*mspan).nextFreeIndex
  uintptr nextFreeIndex();
  // Go: runtime/mbitmap.go (*mspan).isFree
  bool isFree(uintptr index) const { return index >= freeindex && !allocBits->isMarked(index); }
  // Go: runtime/mbitmap.go (*mspan).countAlloc — popcount of the mark bits.
  uintptr countAlloc() const;

  // Go: runtime/mgcsweep.go (*sweepLocked).sweep — lives here until core/gc
  // exists. Caller owns the span (sweepgen == h-1) and holds
  // central[spanclass].lock. With preserve, the caller keeps the span;
  // otherwise it goes back to its mcentral or, if empty, to the heap.
  // Returns true if the span was freed to the heap.
  bool sweep(mheap* h, bool preserve);

  // Lab-only: fold labFreeLocal/labFreeRemote into allocBits, as a sweep
  // would. Caller owns the span exclusively (it holds the span's mcentral
  // lock and the span is in a set or being uncached). Counts the frees in
  // h's stats.
  void labSweep(mheap* h);
  // What a lab sweep found: the objects it freed, and the frees that named
  // a slot not in use (a double free from another thread, or a tiny block).
  struct labSweepResult {
    uintptr nfreed = 0, bad = 0;
  };
  // labSweep's fold, without counting. remoteToo false: only labFreeLocal,
  // by the span's holder without the mcentral lock (labKeepEmptied).
  labSweepResult labFold(bool remoteToo);
  bool hasLabFrees() const { return nLabFreeLocal != 0 || nLabFreeRemote != 0; }
  // Was slot i handed out (and not yet freed by a lab sweep)? Holder only.
  bool isAllocated(uintptr i) const { return i < freeindex || allocBits->isMarked(i); }
};

// Go: runtime/mspanset.go spanSet. Named simplification: Go's is a
// lock-free block-based stack of spans; ours is an intrusive FIFO list
// protected by the owning mcentral's lock. It also supports remove(), which
// the lab's explicit free needs and Go never does.
struct spanSet {
  mspan* head = nullptr;
  mspan* tail = nullptr;
  // Written under the mcentral lock; labKeepEmptied reads it without.
  util::Relaxed<uintptr> n = 0;
  // Go: runtime/mspanset.go (*spanSet).push
  void push(mspan* s);
  // Go: runtime/mspanset.go (*spanSet).pop
  mspan* pop();
  void remove(mspan* s);
};

// Go: runtime/mheap.go emptymspan — the span every empty mcache slot points
// to: nelems == 0 and allocCache == 0, so nextFreeFast fails and refill runs.
extern mspan emptymspan;

}  // namespace rt::mem
