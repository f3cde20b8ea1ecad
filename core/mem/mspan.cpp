// mspan: bitmaps, the slow free-slot search, sweeping. See mspan.hpp.
#include "mem/mspan.hpp"

#include <cstring>

#include "mem/mheap.hpp"
#include "mem/nextfreefast.hpp"
#include "runtime/throw.hpp"

namespace rt::mem {

mspan emptymspan;

namespace {
// The bits of word k that belong to slots [0, nelems).
inline uint64_t validMask(uintptr k, uintptr nelems) {
  uintptr lo = k * 64;
  if (nelems >= lo + 64) return ~uint64_t(0);
  if (nelems <= lo) return 0;
  return (uint64_t(1) << (nelems - lo)) - 1;
}
inline uintptr wordsFor(uintptr nelems) { return (nelems + 63) / 64; }
}  // namespace

void gcBits::clearAll(uintptr nelems) { std::memset(w, 0, wordsFor(nelems) * sizeof(uint64_t)); }

// Go: runtime/mheap.go (*mspan).init
void mspan::init(uintptr base, uintptr np) {
  next = prev = nullptr;
  list = nullptr;
  startAddr = base;
  npages = np;
  allocCount = 0;
  spanclass = spanClass{};
  elemsize = 0;
  state.store(mSpanState::Dead, std::memory_order_relaxed);
  sweepgen.store(0, std::memory_order_relaxed);
  limit = 0;
  needzero = 0;
  allocCountBeforeCache = 0;
  nLabFreeLocal = 0;
  nLabFreeRemote = 0;
  allocBits = &bitsStore[0];
  gcmarkBits = &bitsStore[1];
}

// Go: runtime/mbitmap.go (*mspan).nextFreeIndex
uintptr mspan::nextFreeIndex() {
  uintptr sfreeindex = freeindex;
  uintptr snelems = nelems;
  if (sfreeindex == snelems) return sfreeindex;
  if (sfreeindex > snelems) rt::throwFatal("s.freeindex > s.nelems");

  uint64_t aCache = allocCache;
  unsigned bitIndex = static_cast<unsigned>(std::countr_zero(aCache));
  while (bitIndex == 64) {
    // Move index to start of next cached bits.
    sfreeindex = (sfreeindex + 64) & ~uintptr(64 - 1);
    if (sfreeindex >= snelems) {
      freeindex = snelems;
      return snelems;
    }
    uintptr whichByte = sfreeindex / 8;
    // Refill s.allocCache with the next 64 alloc bits.
    refillAllocCache(whichByte);
    aCache = allocCache;
    bitIndex = static_cast<unsigned>(std::countr_zero(aCache));
    // nothing available in cached bits: grab the next 8 bytes and try again.
  }
  uintptr result = sfreeindex + bitIndex;
  if (result >= snelems) {
    freeindex = snelems;
    return snelems;
  }
  allocCache = (allocCache >> bitIndex) >> 1;  // Go: >>= bitIndex+1 (which may be 64)
  sfreeindex = result + 1;
  if (sfreeindex % 64 == 0 && sfreeindex != snelems) {
    // We just used the last bit of the cache: refill it so that it
    // corresponds to the bits at allocBits starting at the new freeindex.
    uintptr whichByte = sfreeindex / 8;
    refillAllocCache(whichByte);
  }
  freeindex = sfreeindex;
  return result;
}

// Go: runtime/mbitmap.go (*mspan).countAlloc
uintptr mspan::countAlloc() const {
  uintptr count = 0;
  for (uintptr k = 0; k < wordsFor(nelems); k++)
    count += static_cast<uintptr>(std::popcount(gcmarkBits->w[k] & validMask(k, nelems)));
  return count;
}

// Go: runtime/mgcsweep.go (*sweepLocked).sweep, without specials, tracing,
// debug checks and user arenas.
bool mspan::sweep(mheap* h, bool preserve) {
  uint32_t sg = h->sweepgen.load(std::memory_order_relaxed);
  if (state.load(std::memory_order_relaxed) != mSpanState::InUse || sweepgen.load(std::memory_order_relaxed) != sg - 1)
    rt::throwFatal("mspan.sweep: bad span state");

  // An object freed explicitly by the lab is dead whatever the marks say.
  if (hasLabFrees()) {
    for (uintptr k = 0; k < wordsFor(nelems); k++) {
      gcmarkBits->w[k] &= ~(labFreeLocal.w[k] | labFreeRemote.w[k]);
      labFreeLocal.w[k] = labFreeRemote.w[k] = 0;
    }
    nLabFreeLocal = 0;
    nLabFreeRemote = 0;
  }

  // Count the number of free objects in this span.
  uintptr nalloc = countAlloc();
  if (nalloc > allocCount) rt::throwFatal("sweep increased allocation count");
  uintptr nfreed = allocCount - nalloc;
  allocCount = static_cast<uint16_t>(nalloc);
  freeindex = 0;  // reset allocation index to start of span.

  // gcmarkBits becomes the allocBits; get a fresh cleared gcmarkBits in
  // preparation for next GC. (Go: s.gcmarkBits = newMarkBits(s.nelems))
  gcBits* old = allocBits;
  allocBits = gcmarkBits;
  gcmarkBits = old;
  gcmarkBits->clearAll(nelems);
  // Lab: tiny blocks that died are ordinary free slots again.
  for (uintptr k = 0; k < wordsFor(nelems); k++) tinyBlocks.w[k] &= allocBits->w[k];
  // Initialize alloc bits cache.
  refillAllocCache(0);

  // We need to set s.sweepgen = h.sweepgen only when all blocks are swept,
  // because of the potential for a concurrent free/SetFinalizer.
  // release: pairs with the acquire loads of sweepgen by sweepers that
  // check "already swept" without the span's mcentral lock (the GC issue).
  sweepgen.store(sg, std::memory_order_release);

  heapStatsCounters& st = h->stats;
  mcentral& c = h->central[spanclass.v].mcentral;
  if (spanclass.sizeclass() != 0) {
    // Handle spans for small objects.
    if (nfreed > 0) {
      // Only mark the span as needing zeroing if we've freed any objects,
      // because a fresh span that had been allocated into, wasn't totally
      // filled, but then swept, still has all of its free slots zeroed.
      needzero = 1;
      st.smallFreeCount[spanclass.sizeclass()].add(static_cast<int64_t>(nfreed));
      st.totalFree.add(static_cast<int64_t>(nfreed * elemsize));
    }
    if (!preserve) {
      if (nalloc == 0) {
        // Free totally free span directly back to the heap.
        h->freeSpan(this);
        return true;
      }
      // Return span back to the right mcentral list.
      if (nalloc == nelems) {
        c.fullSwept(sg)->push(this);
      } else {
        c.partialSwept(sg)->push(this);
      }
    }
  } else if (!preserve) {
    // Handle spans for large objects.
    if (nfreed != 0) {
      st.largeFreeCount.add(1);
      st.largeFree.add(static_cast<int64_t>(elemsize));
      st.totalFree.add(static_cast<int64_t>(elemsize));
      h->freeSpan(this);
      return true;
    }
    // Add a large span directly onto the full+swept list.
    c.fullSwept(sg)->push(this);
  }
  return false;
}

// Lab-only: the explicit-free counterpart of sweep. The survivors are the
// slots that were handed out (below freeindex, or set in allocBits) minus
// the ones freed since the last sweep; they become the new allocBits in
// place and allocation restarts at slot 0. gcmarkBits is not touched, so a
// GC cycle in progress keeps its marks. With remoteToo false, labFreeRemote
// is neither read nor cleared (labKeepEmptied: other threads may write it).
mspan::labSweepResult mspan::labFold(bool remoteToo) {
  labSweepResult r;
  uintptr nalloc = 0;
  for (uintptr k = 0; k < wordsFor(nelems); k++) {
    uint64_t valid = validMask(k, nelems);
    uint64_t below = k * 64 >= freeindex ? 0 : validMask(k, freeindex);
    uint64_t alloc = (allocBits->w[k] | below) & valid;
    uint64_t freed = (labFreeLocal.w[k] | (remoteToo ? labFreeRemote.w[k] : 0)) & valid;
    r.bad += static_cast<uintptr>(std::popcount(freed & (~alloc | tinyBlocks.w[k])));
    freed &= ~tinyBlocks.w[k];  // a tiny block is never freed explicitly
    r.nfreed += static_cast<uintptr>(std::popcount(freed & alloc));
    allocBits->w[k] = alloc & ~freed;
    nalloc += static_cast<uintptr>(std::popcount(allocBits->w[k]));
    labFreeLocal.w[k] = 0;
    if (remoteToo) labFreeRemote.w[k] = 0;
  }
  nLabFreeLocal = 0;
  if (remoteToo) nLabFreeRemote = 0;
  if (nalloc + r.nfreed != allocCount) rt::throwFatal("labSweep: allocCount does not match the alloc bits");
  allocCount = static_cast<uint16_t>(nalloc);
  freeindex = 0;
  refillAllocCache(0);
  if (r.nfreed > 0) needzero = 1;
  return r;
}

void mspan::labSweep(mheap* h) {
  const labSweepResult r = labFold(/*remoteToo=*/true);
  heapStatsCounters& st = h->stats;
  if (r.nfreed > 0) {
    st.smallFreeCount[spanclass.sizeclass()].add(static_cast<int64_t>(r.nfreed));
    st.totalFree.add(static_cast<int64_t>(r.nfreed * elemsize));
  }
  if (r.bad > 0) st.badFrees.add(static_cast<int64_t>(r.bad));
}

// ---- spanSet ----------------------------------------------------------------

void spanSet::push(mspan* s) {
  s->list = this;
  s->next = nullptr;
  s->prev = tail;
  if (tail != nullptr) {
    tail->next = s;
  } else {
    head = s;
  }
  tail = s;
  ++n;
}

mspan* spanSet::pop() {
  mspan* s = head;
  if (s != nullptr) remove(s);
  return s;
}

void spanSet::remove(mspan* s) {
  if (s->list != this) rt::throwFatal("spanSet.remove: span is not in this set");
  if (s->prev != nullptr) {
    s->prev->next = s->next;
  } else {
    head = s->next;
  }
  if (s->next != nullptr) {
    s->next->prev = s->prev;
  } else {
    tail = s->prev;
  }
  s->next = s->prev = nullptr;
  s->list = nullptr;
  --n;
}

}  // namespace rt::mem
