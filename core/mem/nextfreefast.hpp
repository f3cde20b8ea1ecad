// The allocator's fast path: the next free slot of a cached span.
//
// Lesson. A span does not keep a free list. Its allocBits say which slots
// were in use at its last sweep, and freeindex says how far allocation has
// come since: every slot below freeindex is taken, a slot at or above it is
// free if its allocBit is 0 (mspan.hpp). Allocation only moves freeindex
// forward; it never writes allocBits.
//
// To make "the next free slot" one instruction, the span caches the
// complement of 64 allocBits in allocCache, shifted so that bit 0 stands
// for slot freeindex: a 1 bit is a free slot, and count-trailing-zeros
// says how far ahead the next one is. The cache always covers one 64-slot
// window of the bitmap (slots 64k .. 64k+63): refillAllocCache loads the
// window that holds freeindex, and each allocation shifts the slots it
// passed over, and the one it took, out of the cache.
//
// nextFreeFast is that one step, and nothing more. When the cache has no
// free slot left, or taking this slot would move freeindex onto the next
// window (whose bits are not loaded yet), it returns 0 and mallocgc takes
// the slower way: mcache.nextFree, whose nextFreeIndex (mspan.cpp) walks
// the bitmap a window at a time, refilling the cache, and fetches a new
// span when this one is full. The last slot of a span needs no new window:
// freeindex == nelems simply means the span is full.
//
// Owner-only, no atomics: a span is cached by exactly one mcache.
//
// The exercises build can replace this header with the learner's copy
// (course/day4/handwrite/nextfreefast.hpp), so it includes nothing that
// includes it.
#pragma once

#include <bit>

#include "mem/mspan.hpp"

namespace rt::mem {

// Load allocCache with the complement of the 64 allocBits from byte
// whichByte of the bitmap on (whichByte is a multiple of 8: a window).
// Go: runtime/mbitmap.go (*mspan).refillAllocCache — Go assembles the
// eight bytes little-endian into a uint64; the lab's bitmap is already
// uint64 words, bit i of word k being slot 64k+i.
inline void mspan::refillAllocCache(uintptr whichByte) { allocCache = ~allocBits->w[whichByte / 8]; }

// The address of the next free slot of s, or 0 when the cache is empty,
// the span is full, or the slot would move freeindex onto a new window
// (then mcache.nextFree takes over).
// Go: runtime/malloc.go nextFreeFast
inline uintptr nextFreeFast(mspan* s) {
  unsigned theBit = static_cast<unsigned>(std::countr_zero(s->allocCache));  // Is there a free object in the allocCache?
  if (theBit < 64) {
    uintptr result = s->freeindex + theBit;
    if (result < s->nelems) {
      uintptr freeidx = result + 1;
      if (freeidx % 64 == 0 && freeidx != s->nelems) return 0;
      s->allocCache = (s->allocCache >> theBit) >> 1;  // two shifts: theBit+1 may be 64
      s->freeindex = freeidx;
      s->allocCount++;
      return result * s->elemsize + s->base();
    }
  }
  return 0;
}

}  // namespace rt::mem
