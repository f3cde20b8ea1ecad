// Allocating the allocator's own structures: persistentalloc and fixalloc.
//
// Lesson. The heap cannot allocate its own bookkeeping (an mspan describes
// heap memory; it cannot live in a span) and must not call malloc (Go has
// none to call). Go uses two tiny allocators underneath the heap:
//
//   persistentalloc  a bump allocator over 256 KB chunks of OS memory that
//                    is never freed (arena metadata, fixalloc chunks).
//   fixalloc         a free list of fixed-size objects carved out of 16 KB
//                    persistentalloc chunks (mspan, mcache). Freed objects go
//                    on the list and are reused; the chunk is never returned.
//
// Both charge what they take to a sysMemStat, which is how MemStats can say
// MSpanSys (bytes of chunks holding mspans) vs MSpanInuse (bytes of live
// mspans). A persistentalloc chunk is first counted as OtherSys and moves to
// the caller's stat piece by piece, exactly as in Go.
//
// Named simplification: Go's persistentalloc is global (with per-P chunks);
// ours belongs to one mheap and returns its chunks to the OS when the heap is
// destroyed, so tests can make as many heaps as they like. Callers hold
// mheap.lock.
#pragma once

#include <cstdint>

#include "mem/memstats.hpp"

namespace rt::mem {

// Go: runtime/malloc.go persistentChunkSize, runtime/malloc.go _FixAllocChunk
inline constexpr uintptr persistentChunkSize = 256 << 10;
inline constexpr uintptr FixAllocChunk = 16 << 10;

// Go: runtime/malloc.go persistentAlloc / persistentalloc
class persistentAlloc {
 public:
  explicit persistentAlloc(heapStatsCounters* stats) : stats_(stats) {}
  ~persistentAlloc();
  persistentAlloc(const persistentAlloc&) = delete;
  persistentAlloc& operator=(const persistentAlloc&) = delete;

  // Zeroed memory of `size` bytes aligned to `align` (a power of two, 0
  // means 8), charged to *sysStat. nullptr if the OS refuses.
  void* alloc(uintptr size, uintptr align, sysMemStat* sysStat);

 private:
  struct chunkHeader {  // the first bytes of each chunk: a list to free them
    chunkHeader* next;
    uintptr size;
  };
  heapStatsCounters* stats_;
  chunkHeader* chunks_ = nullptr;
  uintptr base_ = 0;  // current chunk
  uintptr off_ = 0;   // offset of the next free byte in it
  uintptr size_ = 0;  // size of the current chunk
};

// Go: runtime/mfixalloc.go fixalloc
class fixalloc {
 public:
  // Go: runtime/mfixalloc.go (*fixalloc).init
  void init(uintptr size, persistentAlloc* persistent, sysMemStat* stat);
  // Go: runtime/mfixalloc.go (*fixalloc).alloc — zeroed; nullptr if out of memory.
  void* alloc();
  // Go: runtime/mfixalloc.go (*fixalloc).free
  void free(void* p);
  uintptr inuse() const { return inuse_; }

 private:
  struct mlink {
    mlink* next;
  };
  uintptr size_ = 0;
  persistentAlloc* persistent_ = nullptr;
  mlink* list_ = nullptr;
  uintptr chunk_ = 0;
  uint32_t nchunk_ = 0;  // bytes left in chunk_
  uint32_t nalloc_ = 0;  // size of new chunks in bytes
  uintptr inuse_ = 0;    // in-use bytes now
  sysMemStat* stat_ = nullptr;
};

}  // namespace rt::mem
