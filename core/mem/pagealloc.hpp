// The page allocator: which 8 KB pages of the heap are free?
//
// Lesson. mheap hands out runs of pages (a span is npages contiguous pages).
// Go keeps one bit per page — 1 = in use — in chunks of 512 pages (4 MB,
// pallocChunkPages), and for every chunk a summary of its free runs:
//
//   pallocSum{start, max, end}
//     start  free pages at the beginning of the chunk
//     max    the longest free run anywhere in the chunk
//     end    free pages at the end of the chunk
//
// Three numbers are enough to answer "is there a run of n free pages here,
// possibly continuing from the previous chunk?" without reading the bitmap:
// a run crossing a chunk boundary is prev.end + this.start, and a run inside
// a chunk exists iff max >= n. Only when a summary says yes do we open the
// chunk's bitmap (find, findSmallN, findLargeN use ctz/clz tricks over 64
// pages at a time). Allocation is first-fit by address, which keeps the heap
// compact: low addresses fill up first, high ones stay free.
//
// Go stacks these summaries in a 5-level radix tree (each level summarizes 8
// children of the one below, up to one entry per 16 GB), so a search touches
// O(levels) summaries even in a huge heap. Named simplification: we keep
// only the leaf level — one summary per chunk — and scan the summaries of the
// chunks in use from `searchAddr` upwards, merging runs across chunk
// boundaries exactly as Go's mergeSummaries does at each tree level. A lab
// heap has a few hundred chunks at most, so a linear walk over 8-byte
// summaries is cheap; the bitmaps, the summary encoding and the search
// functions are Go's.
//
// Each chunk also has a `scavenged` bitmap: pages that hold no data the OS
// must keep (fresh from the OS, or returned to it). Allocating a scavenged
// page moves its bytes from HeapReleased to HeapInuse.
//
// Not thread-safe: the caller holds mheap.lock.
#pragma once

#include <cstdint>

#include "mem/fixalloc.hpp"
#include "mem/pagecache.hpp"
#include "mem/sizeclasses.hpp"

namespace rt::mem {

// Go: runtime/mpagealloc.go constants (64-bit values; the L1 split is Go's
// pallocChunksL1Bits: 13 on 64-bit, 0 on 32-bit/wasm).
inline constexpr uintptr logPallocChunkPages = 9;
inline constexpr uintptr pallocChunkPages = uintptr(1) << logPallocChunkPages;  // 512
inline constexpr uintptr pallocChunkBytes = pallocChunkPages * PageSize;           // 4 MB
inline constexpr uintptr logPallocChunkBytes = logPallocChunkPages + PageShift;    // 22
inline constexpr unsigned summaryLevels = sizeof(void*) == 8 ? 5 : 4;
inline constexpr unsigned summaryLevelBits = 3;
inline constexpr unsigned logMaxPackedValue =
    logPallocChunkPages + (summaryLevels - 1) * summaryLevelBits;  // 21 on 64-bit
inline constexpr uintptr maxPackedValue = uintptr(1) << logMaxPackedValue;
// Go: runtime/malloc.go heapAddrBits (48 on amd64; 32 for wasm).
inline constexpr unsigned heapAddrBits = sizeof(void*) == 8 ? 48 : 32;
inline constexpr unsigned pallocChunksL1Bits = sizeof(void*) == 8 ? 13 : 0;
inline constexpr unsigned pallocChunksL2Bits = heapAddrBits - logPallocChunkBytes - pallocChunksL1Bits;

// Go: runtime/mpagealloc.go pallocSum — start, max, end packed in 64 bits,
// 21 bits each; a completely free summary of 2^21 pages sets the top bit.
struct pallocSum {
  uint64_t v = 0;
  unsigned start() const;
  unsigned max() const;
  unsigned end() const;
};
pallocSum packPallocSum(unsigned start, unsigned max, unsigned end);

// Go: runtime/mpallocbits.go pageBits — one bit per page of a chunk.
struct pageBits {
  uint64_t b[pallocChunkPages / 64] = {};
  bool get(unsigned i) const { return (b[i / 64] >> (i % 64)) & 1; }
  void set(unsigned i) { b[i / 64] |= uint64_t(1) << (i % 64); }
  void clear(unsigned i) { b[i / 64] &= ~(uint64_t(1) << (i % 64)); }
  void setRange(unsigned i, unsigned n);
  void clearRange(unsigned i, unsigned n);
  void setAll();
  void clearAll();
  unsigned popcntRange(unsigned i, unsigned n) const;
};

// Go: runtime/mpallocbits.go pallocBits — 1 = page in use.
struct pallocBits : pageBits {
  static constexpr unsigned notFound = ~0u;
  pallocSum summarize() const;
  // First fit of npages at or after searchIdx: {index or notFound, new searchIdx}.
  struct findResult {
    unsigned index, searchIdx;
  };
  findResult find(uintptr npages, unsigned searchIdx) const;
  unsigned find1(unsigned searchIdx) const;
  findResult findSmallN(uintptr npages, unsigned searchIdx) const;
  findResult findLargeN(uintptr npages, unsigned searchIdx) const;
  void allocRange(unsigned i, unsigned n) { setRange(i, n); }
  void free(unsigned i, unsigned n) { clearRange(i, n); }
};

// Go: runtime/mpallocbits.go findBitRange64
unsigned findBitRange64(uint64_t c, unsigned n);

// Go: runtime/mpallocbits.go pallocData — alloc bits plus scavenged bits.
struct pallocData {
  pallocBits alloc;
  pageBits scavenged;
};

// Go: runtime/mpagealloc.go pageAlloc (one summary level; see the lesson).
class pageAlloc {
 public:
  void init(persistentAlloc* persistent, heapStatsCounters* stats);

  // Go: runtime/mpagealloc.go (*pageAlloc).grow — [base, base+size) is new,
  // free and scavenged. base and size are multiples of pallocChunkBytes.
  bool grow(uintptr base, uintptr size);
  // Go: runtime/mpagealloc.go (*pageAlloc).alloc — first fit of npages;
  // returns the base address (0 if nothing fits) and, in *scav, how many of
  // those bytes were scavenged.
  uintptr alloc(uintptr npages, uintptr* scav);
  // Go: runtime/mpagealloc.go (*pageAlloc).free
  void free(uintptr base, uintptr npages);
  // Go: runtime/mpagecache.go (*pageAlloc).allocToCache — the free pages of
  // the 64-page block holding the first free page, all marked in use; an
  // empty cache if no page is free (pagecache.cpp).
  pageCache allocToCache();
  // The page-by-page half of (*pageCache).flush (pagecache.cpp).
  void freeCache(const pageCache& c);

  // For tests and the lab's heap view.
  uintptr scavengedPages() const;  // Σ popcount(scavenged) over chunks in use
  uintptr freePages() const;       // Σ zero bits of alloc over chunks in use
  uintptr searchAddr() const { return searchAddr_; }
  bool pageInUse(uintptr addr) const;

 private:
  struct chunkData {
    pallocData data;
    pallocSum sum;
  };
  struct addrRange {
    uintptr base, limit;
  };
  static uintptr chunkIndex(uintptr p) { return p >> logPallocChunkBytes; }
  static uintptr chunkBase(uintptr ci) { return ci << logPallocChunkBytes; }
  static unsigned chunkPageIndex(uintptr p) { return static_cast<unsigned>((p % pallocChunkBytes) / PageSize); }
  chunkData* chunkOf(uintptr ci) const;
  uintptr find(uintptr npages, uintptr* firstFree) const;
  uintptr allocRange(uintptr base, uintptr npages);  // returns scavenged bytes
  template <typename F>
  void forEachChunk(F&& f) const;

  persistentAlloc* persistent_ = nullptr;
  heapStatsCounters* stats_ = nullptr;
  chunkData** chunks_ = nullptr;  // [1 << pallocChunksL1Bits] -> [1 << pallocChunksL2Bits]chunkData
  addrRange* inUse_ = nullptr;    // Go: pageAlloc.inUse, sorted, merged when contiguous
  int nInUse_ = 0, capInUse_ = 0;
  uintptr searchAddr_ = ~uintptr(0);  // no free page below this address
};

}  // namespace rt::mem
