// The per-P page cache: 64 pages a P allocates from without the heap lock.
//
// Lesson. Every span an mcache refills with needs pages, and pages come from
// the page allocator under mheap.lock. With several Ps allocating at once,
// that one lock (and the bitmap words and summaries behind it) would be
// touched by every P on every refill. Go gives each P a pageCache: one
// 64-page-aligned block of the heap, as a 64-bit bitmap of the pages in it
// that were free when the P took it (1 = free). A span of fewer than 16 pages
// is then a ctz (one page) or findBitRange64 (a few) on the P's own word.
// The P takes the heap lock only to take a new block, once per up to 64
// spans, and its spans sit in its own block, so two Ps do not write the same
// bitmap word or the same cache line of the span map.
//
// The same reasoning gives each P an mspancache: mspan structs taken from
// spanalloc 64 at a time (mheap.hpp, allocMSpanLocked).
//
// Pages in a P's cache are "in use" for the page allocator and free for
// MemStats (HeapIdle), exactly as in Go: only allocSpan moves bytes to
// HeapInuse. flush gives the free pages back when the P goes away.
#pragma once

#include <cstdint>

#include "mem/sizeclasses.hpp"

namespace rt::mem {

class pageAlloc;

// Go: runtime/mpagecache.go pageCachePages
inline constexpr uintptr pageCachePages = 64;

// Go: runtime/mpagecache.go pageCache
struct pageCache {
  uintptr base = 0;    // base address of the 64-page block
  uint64_t cache = 0;  // free pages of the block (1 = free)
  uint64_t scav = 0;   // which of them are scavenged (1 = scavenged)

  // Go: runtime/mpagecache.go (*pageCache).empty
  bool empty() const { return cache == 0; }
  // Go: runtime/mpagecache.go (*pageCache).alloc — npages contiguous pages
  // from the cache: the base address (0 if they do not fit) and, in *scav,
  // how many of those bytes were scavenged.
  uintptr alloc(uintptr npages, uintptr* scavBytes);
  // Go: runtime/mpagecache.go (*pageCache).flush — give every free page back
  // to p and empty the cache. The caller holds mheap.lock.
  void flush(pageAlloc* p);

 private:
  // Go: runtime/mpagecache.go (*pageCache).allocN
  uintptr allocN(uintptr npages, uintptr* scavBytes);
};

}  // namespace rt::mem
