// mallocgc: one allocation, from the request size to an address.
//
// Lesson. Go's allocator is TCMalloc's three tiers, rebuilt around a GC:
//
//   mallocgc ─▶ mcache (per P, no locks) ─▶ mcentral (per span class, lock)
//                                         ─▶ mheap (pages, one lock) ─▶ OS
//
// mallocgc sorts a request into one of three kinds:
//   tiny   noscan and smaller than 16 B: bump-allocate inside a 16-byte block
//          (several small strings or counters share one block; the block is
//          freed only when all of them are dead, so only pointer-free
//          objects qualify — the course seed's "≤ 16 B" is wrong twice);
//   small  up to 32 KB: round up to a size class, take the next free slot of
//          the mcache's span for that class;
//   large  a span of its own, straight from mheap.
//
// Memory handed out is zeroed (Go's needzero), but only when it might not be
// already: fresh OS pages are zero, so span.needzero is 0 for them.
//
// Lab-only: labFree. Go has no free; the GC finds dead objects and sweep
// reclaims them. The lab and the peer benchmark need an explicit free, so
// labFree marks the object dead in its span's side bitmap and lets the next
// lab sweep (when the owner gives the span back, or at once if no mcache
// holds it) reclaim it exactly as the GC's sweep would. See mspan.hpp.
#pragma once

#include <cstring>

#include "mem/mcache.hpp"
#include "mem/nextfreefast.hpp"
#include "mem/sizeclass_lookup.hpp"
#include "mem/sizeclasses.hpp"

namespace rt::mem {

// Go: internal/goarch PtrSize. The lab models a 64-bit Go in every build, as
// Go's own wasm port does (GOARCH=wasm: PtrSize 8, with 4 MB arenas); what
// the host's pointers are (4 bytes under wasm32) is not the modelled Go's.
inline constexpr uintptr PtrSize = 8;

// Go: runtime/malloc.go zerobase — the address of every 0-byte allocation.
extern uintptr zerobase;

// Out-of-line halves of mallocgc (malloc.cpp).
void* mallocgcTinyBlock(mcache* c, uintptr size);
void* mallocgcSmallSlow(mcache* c, spanClass spc, bool needzero);
void* mallocgcLarge(mcache* c, uintptr size, bool noscan, bool needzero);

// Go: runtime/malloc.go mallocgc. `noscan` replaces Go's typ (a type
// without pointers). Returns nullptr only if the heap cannot grow; then
// c->lastError says why. Owner-only: c belongs to the calling thread.
inline void* mallocgc(mcache* c, uintptr size, bool noscan, bool needzero = true) {
  if (size == 0) return &zerobase;
  if (size <= MaxSmallSize) [[likely]] {
    if (noscan && size < maxTinySize) {
      // Tiny allocator: combine several tiny allocation requests into a
      // single 16-byte block.
      uintptr off = c->tinyoffset;
      // Align tiny pointer for required (conservative) alignment.
      if ((size & 7) == 0) {
        off = alignUp(off, 8);
      } else if (PtrSize == 4 && size == 12) {
        // Conservatively align 12-byte objects to 8 bytes on 32-bit systems
        // so that objects whose first field is a 64-bit value is aligned to
        // 8 bytes and does not cause a fault on atomic access (issue 37262).
        off = alignUp(off, 8);
      } else if ((size & 3) == 0) {
        off = alignUp(off, 4);
      } else if ((size & 1) == 0) {
        off = alignUp(off, 2);
      }
      if (off + size <= maxTinySize && c->tiny != 0) {
        // The object fits into existing tiny block.
        void* x = reinterpret_cast<void*>(c->tiny + off);
        c->tinyoffset = off + size;
        c->tinyAllocs++;
        c->lastPath = AllocPath::Tiny;
        c->pathCount[static_cast<int>(AllocPath::Tiny)]++;
        return x;
      }
      // Allocate a new maxTinySize block.
      return mallocgcTinyBlock(c, size);
    }
    uint8_t sizeclass = sizeToClass(size);  // size_to_class8 or size_to_class128
    spanClass spc = makeSpanClass(sizeclass, noscan);
    mspan* span = c->alloc[spc.v];
    uintptr v = nextFreeFast(span);
    if (v == 0) [[unlikely]] return mallocgcSmallSlow(c, spc, needzero);
    c->lastPath = AllocPath::Fast;
    c->pathCount[static_cast<int>(AllocPath::Fast)]++;
    if (needzero && span->needzero != 0) std::memset(reinterpret_cast<void*>(v), 0, class_to_size[sizeclass]);
    return reinterpret_cast<void*>(v);
  }
  return mallocgcLarge(c, size, noscan, needzero);
}

// Lab-only explicit free. Not part of Go.
enum class FreeStatus : uint8_t {
  Freed,           // the object is dead; its slot is reusable after the next lab sweep
  NotHeapPointer,  // p is not inside an in-use span of this heap
  NotObjectStart,  // p points into an object, not at its start
  DoubleFree,      // the object was already freed (detected when the span is ours or idle)
  NotAllocated,    // the slot was never handed out
  TinyObject,      // p is a block of the tiny allocator, shared by several objects
};
const char* freeStatusName(FreeStatus s);

// labFree's case 1 (malloc.cpp): slot idx of s, a span the caller's mcache
// holds, so only this thread reads or writes it now. No lock, no atomic.
inline FreeStatus labFreeOwned(mspan* s, uintptr idx) {
  if (!s->isAllocated(idx)) return FreeStatus::NotAllocated;
  if (s->tinyBlocks.isMarked(idx)) return FreeStatus::TinyObject;
  if (s->labFreeLocal.isMarked(idx)) return FreeStatus::DoubleFree;
  s->labFreeLocal.setNonAtomic(idx);
  s->nLabFreeLocal++;
  return FreeStatus::Freed;
}

// labFree after its inline first try (malloc.cpp).
FreeStatus labFreeSlow(mheap* h, mcache* c, void* p);

// Free the object at p. c is the caller's own mcache (or nullptr): frees to
// a span c holds are recorded without locks; frees to other spans take the
// span class's mcentral lock. Large objects return their pages at once.
// Like Go's tiny objects, objects from the tiny allocator (noscan, < 16 B)
// must not be freed: the block they share would be freed with them. labFree
// refuses them (TinyObject or NotObjectStart) when the span is the caller's
// or idle; a remote free of one is dropped at the next lab sweep and counted
// in badFrees.
//
// Inline, like mallocgc's fast path: a free into the span c holds for the
// class of c's previous free (case 1 of malloc.cpp, the common one) needs
// no lookup and no lock, and is a few instructions here. Everything else
// (another span, another P's span, a bad pointer) is labFreeSlow.
inline FreeStatus labFree(mheap* h, mcache* c, void* ptr) {
  const uintptr p = reinterpret_cast<uintptr>(ptr);
  if (c != nullptr) {
    // emptymspan's base and limit are 0: no p is inside it.
    mspan* s = c->alloc[c->lastFreeClass.v];
    if (p >= s->base() && p < s->limit && c->heap == h) {
      const uintptr idx = s->objIndex(p);
      if (s->base() + idx * s->elemsize != p) return FreeStatus::NotObjectStart;
      return labFreeOwned(s, idx);
    }
  }
  return labFreeSlow(h, c, ptr);
}

}  // namespace rt::mem
