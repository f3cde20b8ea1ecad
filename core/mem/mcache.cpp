// mcache: see mcache.hpp.
#include "mem/mcache.hpp"

#include "mem/mheap.hpp"
#include "runtime/throw.hpp"

namespace rt::mem {

const char* allocPathName(AllocPath p) {
  switch (p) {
    case AllocPath::Tiny: return "tiny";
    case AllocPath::Fast: return "fast";
    case AllocPath::NextFree: return "nextFree";
    case AllocPath::Refill: return "refill";
    case AllocPath::Grow: return "grow";
    case AllocPath::Large: return "large";
    case AllocPath::Failed: return "failed";
  }
  return "?";
}

void mcache::init(mheap* h) {
  heap = h;
  for (auto& s : alloc) s = &emptymspan;
}

// Go: runtime/malloc.go (*mcache).nextFree
uintptr mcache::nextFree(spanClass spc, mspan** sp, AllocPath* path) {
  mspan* s = alloc[spc.v];
  *path = AllocPath::NextFree;
  uintptr freeIndex = s->nextFreeIndex();
  if (freeIndex == s->nelems) {
    // The span is full.
    if (s->allocCount != s->nelems) rt::throwFatal("s.allocCount != s.nelems && freeIndex == s.nelems");
    bool grew = false;
    if (!refill(spc, &grew)) return 0;
    *path = grew ? AllocPath::Grow : AllocPath::Refill;
    s = alloc[spc.v];
    freeIndex = s->nextFreeIndex();
  }
  if (freeIndex >= s->nelems) rt::throwFatal("freeIndex is not valid");
  uintptr v = freeIndex * s->elemsize + s->base();
  s->allocCount++;
  if (s->allocCount > s->nelems) rt::throwFatal("s.allocCount > s.nelems");
  *sp = s;
  return v;
}

// Go: runtime/mcache.go (*mcache).refill — acquire a new span of span class
// spc for c. c must not have an allocated span of that class with free
// space (the current one is full).
bool mcache::refill(spanClass spc, bool* grew) {
  // Return the current cached span to the central lists.
  mspan* s = alloc[spc.v];
  if (s->allocCount != s->nelems) rt::throwFatal("refill of span with free space remaining");
  if (s != &emptymspan) {
    // Mark this span as no longer cached.
    if (s->sweepgen.load(std::memory_order_relaxed) != heap->sweepgen.load(std::memory_order_relaxed) + 3)
      rt::throwFatal("bad sweepgen in refill");
    // Count up how many slots were used and record it. (Go counts after
    // uncacheSpan; we count first, because once the span is back in the
    // mcentral a lab free on another thread may sweep it at once.)
    int64_t slotsUsed = int64_t(s->allocCount) - int64_t(s->allocCountBeforeCache);
    // Flush tinyAllocs.
    if (spc == tinySpanClass) {
      heap->stats.tinyAllocCount.add(static_cast<int64_t>(tinyAllocs));
      tinyAllocs = 0;
    }
    // Clear the second allocCount just to be safe.
    s->allocCountBeforeCache = 0;
    // Lab-only: every object freed by us, so the span is kept, swept in
    // place, and its counts wait in labKept (see labKeepEmptied).
    // Otherwise, as in Go, it is counted and goes back.
    mspan::labSweepResult swept;
    if (s->nLabFreeLocal == s->allocCount && heap->central[spc.v].mcentral.labKeepEmptied(s, &swept)) {
      labKept.smallAllocCount[spc.sizeclass()] += slotsUsed;
      labKept.smallFreeCount[spc.sizeclass()] += static_cast<int64_t>(swept.nfreed);
      if (swept.bad > 0) heap->stats.badFrees.add(static_cast<int64_t>(swept.bad));
    } else {
      heap->stats.smallAllocCount[spc.sizeclass()].add(slotsUsed);
      // Count the allocs in inconsistent, internal stats.
      heap->stats.totalAlloc.add(slotsUsed * static_cast<int64_t>(s->elemsize));
      heap->central[spc.v].mcentral.uncacheSpan(s, this);
      alloc[spc.v] = &emptymspan;  // ours: if cacheSpan fails, hold nothing
    }
  }

  if (alloc[spc.v] == &emptymspan) {
    // Get a new cached span from the central lists.
    s = heap->central[spc.v].mcentral.cacheSpan(this, grew);
    if (s == nullptr) {
      lastError = heap->lastError();
      return false;  // Go: throw("out of memory"); the lab reports it instead
    }
  }
  if (s->allocCount == s->nelems) rt::throwFatal("span has no free space");

  // Indicate that this span is cached and prevent asynchronous sweeping in
  // the next sweep phase.
  // relaxed: the span is ours now (we got it under the mcentral lock, or
  // kept it).
  s->sweepgen.store(heap->sweepgen.load(std::memory_order_relaxed) + 3, std::memory_order_relaxed);

  // Store the current alloc count for accounting later.
  s->allocCountBeforeCache = s->allocCount;

  // Update heapLive. We have not yet allocated anything new into the span,
  // but we assume that all of its slots will get used, so this makes
  // heapLive an overestimate (an underestimate makes the pacer believe it
  // is in better shape than it is, see Go issue 53738). releaseAll fixes it.
  uintptr usedBytes = uintptr(s->allocCount) * s->elemsize;
  int64_t dHeapLive = static_cast<int64_t>(s->npages * PageSize) - static_cast<int64_t>(usedBytes);
  if (alloc[spc.v] == s) {
    // Kept (labKeepEmptied): counted with its other figures.
    labKept.heapLive += dHeapLive;
    if (++labKept.spans == labKeptFlushEvery) flushLabKept();
  } else {
    heap->stats.heapLive.add(dHeapLive);
  }

  alloc[spc.v] = s;
  return true;
}

void mcache::flushLabKept() {
  if (labKept.spans == 0) return;
  heapStatsCounters& st = heap->stats;
  int64_t totalAlloc = 0, totalFree = 0;
  for (int i = 0; i < NumSizeClasses; i++) {
    if (labKept.smallAllocCount[i] != 0) st.smallAllocCount[i].add(labKept.smallAllocCount[i]);
    if (labKept.smallFreeCount[i] != 0) st.smallFreeCount[i].add(labKept.smallFreeCount[i]);
    totalAlloc += labKept.smallAllocCount[i] * int64_t(class_to_size[i]);
    totalFree += labKept.smallFreeCount[i] * int64_t(class_to_size[i]);
  }
  st.totalAlloc.add(totalAlloc);
  st.totalFree.add(totalFree);
  st.heapLive.add(labKept.heapLive);
  labKept = LabKeptStats{};
}

// Go: runtime/mcache.go (*mcache).allocLarge
mspan* mcache::allocLarge(uintptr size, bool noscan) {
  if (size + PageSize < size) {
    lastError = "out of memory: allocation size overflows the address space";
    return nullptr;
  }
  uintptr npages = size >> PageShift;
  if ((size & PageMask) != 0) npages++;
  if (npages > (uintptr(1) << (heapAddrBits - PageShift - 1))) {
    lastError = "out of memory: allocation larger than the heap's address range";
    return nullptr;
  }
  // (Go calls deductSweepCredit here, its proportional sweep; the lab has
  // none and sweeps on demand: see core/gc/sweep.cpp.)
  spanClass spc = makeSpanClass(0, noscan);
  mspan* s = heap->alloc(npages, spc, this);
  if (s == nullptr) {
    lastError = heap->lastError();
    return nullptr;
  }
  // Count the alloc in consistent, external stats.
  heap->stats.largeAlloc.add(static_cast<int64_t>(npages * PageSize));
  heap->stats.largeAllocCount.add(1);
  // Count the alloc in inconsistent, internal stats.
  heap->stats.totalAlloc.add(static_cast<int64_t>(npages * PageSize));
  // Update heapLive.
  heap->stats.heapLive.add(static_cast<int64_t>(s->npages * PageSize));

  s->limit = s->base() + size;
  // (Go sets freeindex/allocCount in mallocgc; doing it here, before the
  // span is visible to other threads through the mcentral, avoids a race
  // with a lab free on another thread.)
  s->freeindex = 1;
  s->allocCount = 1;
  // Put the large span in the mcentral swept list so that it's visible to
  // the background sweeper.
  mcentral& c = heap->central[spc.v].mcentral;
  {
    std::lock_guard<std::mutex> g(c.lock);
    c.fullSwept(heap->sweepgen.load(std::memory_order_relaxed))->push(s);
  }
  return s;
}

// Go: runtime/mcache.go (*mcache).releaseAll
void mcache::releaseAll() {
  uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
  int64_t dHeapLive = 0;
  for (int i = 0; i < numSpanClasses; i++) {
    mspan* s = alloc[i];
    if (s == &emptymspan) continue;
    spanClass spc{static_cast<uint8_t>(i)};
    int64_t slotsUsed = int64_t(s->allocCount) - int64_t(s->allocCountBeforeCache);
    s->allocCountBeforeCache = 0;
    // Adjust smallAllocCount for whatever was allocated.
    heap->stats.smallAllocCount[spc.sizeclass()].add(slotsUsed);
    // Adjust the actual allocs in inconsistent, internal stats. We assumed
    // earlier that the full span gets allocated.
    heap->stats.totalAlloc.add(slotsUsed * static_cast<int64_t>(s->elemsize));
    if (s->sweepgen.load(std::memory_order_relaxed) != sg + 1) {
      // refill conservatively counted unallocated slots in heapLive. Undo
      // this. (A span cached before sweep had heapLive recomputed since.)
      dHeapLive -= int64_t(s->nelems - s->allocCount) * int64_t(s->elemsize);
    }
    // Release the span to the mcentral.
    heap->central[i].mcentral.uncacheSpan(s, this);
    alloc[i] = &emptymspan;
  }
  // Clear tinyalloc pool.
  tiny = 0;
  tinyoffset = 0;
  // Flush tinyAllocs.
  heap->stats.tinyAllocCount.add(static_cast<int64_t>(tinyAllocs));
  tinyAllocs = 0;
  // The kept spans' counts first: if the span cached now was kept, the
  // heapLive its refill counted is there, and dHeapLive takes part of it
  // back (its unused slots); in this order heapLive never dips below truth.
  flushLabKept();
  // Update heapLive.
  heap->stats.heapLive.add(dHeapLive);
}

// Go: runtime/mcache.go (*mcache).prepareForSweep
void mcache::prepareForSweep() {
  // Alternatively, instead of making sure we do this on every P between GC
  // cycles, we could have the GC flush every mcache at mark termination.
  uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
  if (flushGen == sg) return;
  if (flushGen != sg - 2) rt::throwFatal("bad flushGen");
  releaseAll();
  flushGen = sg;  // Go: atomic.Store; only this mcache's owner reads it here
}

}  // namespace rt::mem
