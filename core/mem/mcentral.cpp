// mcentral: see mcentral.hpp.
#include "mem/mcentral.hpp"

#include "mem/mheap.hpp"
#include "mem/nextfreefast.hpp"
#include "runtime/throw.hpp"

namespace rt::mem {

// Go: runtime/mcentral.go (*mcentral).init
void mcentral::init(spanClass spc, mheap* h) {
  spanclass = spc;
  heap = h;
}

// Go: runtime/mgcsweep.go (*sweepLocker).tryAcquire
bool mcentral::tryAcquire(mspan* s, uint32_t sg) {
  uint32_t want = sg - 2;
  // acq_rel: the winner owns the span; pairs with the release store of
  // sweepgen at the end of sweep (and with other sweepers' CAS).
  return s->sweepgen.compare_exchange_strong(want, sg - 1, std::memory_order_acq_rel);
}

// Go: runtime/mcentral.go (*mcentral).cacheSpan, without sweep credit and
// tracing (the GC issue brings the pacer's deductSweepCredit).
mspan* mcentral::cacheSpan(mcache* c, bool* grew, int* swept) {
  *grew = false;
  int nswept = 0;
  // If we sweep spanBudget spans without finding any free space, just
  // allocate a fresh span. This limits the amount of time we can spend
  // trying to find free space and amortizes the cost of small object
  // sweeping over the benefit of having a full free span to allocate from.
  // By setting this to 100, we limit the space overhead to 1%.
  int spanBudget = 100;
  mspan* s = nullptr;
  {
    std::lock_guard<std::mutex> g(lock);
    uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
    // Try partial swept spans first.
    s = partialSwept(sg)->pop();
    // Lab-only: a swept span may carry explicit frees recorded while it sat
    // here (labFree moved it from full to partial); fold them in now.
    while (s != nullptr && s->hasLabFrees()) {
      s->labSweep(heap);
      if (s->allocCount < s->nelems) break;
      fullSwept(sg)->push(s);  // every recorded free was bogus: still full
      s = partialSwept(sg)->pop();
    }
    if (s == nullptr) {
      // Now try partial unswept spans.
      for (; spanBudget >= 0; spanBudget--) {
        mspan* u = partialUnswept(sg)->pop();
        if (u == nullptr) break;
        if (tryAcquire(u, sg)) {
          // We got ownership of the span, so let's sweep it and use it.
          u->sweep(heap, true);
          nswept++;
          s = u;
          break;
        }
        // Someone else owns it (a background sweeper): ignore it.
      }
    }
    if (s == nullptr) {
      // Now try full unswept spans, sweeping them and putting them into the
      // right list if we fail to get a span.
      for (; spanBudget >= 0; spanBudget--) {
        mspan* u = fullUnswept(sg)->pop();
        if (u == nullptr) break;
        if (tryAcquire(u, sg)) {
          // We got ownership of the span, so let's sweep it.
          u->sweep(heap, true);
          nswept++;
          // Check if there's any free space.
          uintptr freeIndex = u->nextFreeIndex();
          if (freeIndex != u->nelems) {
            u->freeindex = freeIndex;
            s = u;
            break;
          }
          // Add it to the swept list, because sweeping didn't give us any free space.
          fullSwept(sg)->push(u);
        }
      }
    }
  }
  if (swept != nullptr) *swept = nswept;
  if (s == nullptr) {
    // We failed to get a span from the mcentral so get one from mheap.
    s = grow(c);
    if (s == nullptr) return nullptr;
    *grew = true;
  }
  // At this point s is a span that should have free slots.
  uintptr n = s->nelems - s->allocCount;
  if (n == 0 || s->freeindex == s->nelems || s->allocCount == s->nelems)
    rt::throwFatal("span has no free objects");
  uintptr freeByteBase = s->freeindex & ~uintptr(64 - 1);
  uintptr whichByte = freeByteBase / 8;
  // Init alloc bits cache.
  s->refillAllocCache(whichByte);
  // Adjust the allocCache so that s.freeindex corresponds to the low bit in
  // s.allocCache.
  s->allocCache >>= s->freeindex % 64;
  return s;
}

// Go: runtime/mgcsweep.go sweepone / nextSpanForSweep, for one mcentral.
bool mcentral::sweepOne() {
  std::lock_guard<std::mutex> g(lock);
  uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
  for (spanSet* set : {partialUnswept(sg), fullUnswept(sg)}) {
    while (mspan* s = set->pop()) {
      if (tryAcquire(s, sg)) {
        // Sweeping files it under the swept sets, or frees it to the heap.
        s->sweep(heap, false);
        return true;
      }
    }
  }
  return false;
}

// Go: runtime/mcentral.go (*mcentral).uncacheSpan
void mcentral::uncacheSpan(mspan* s, mcache* c) {
  if (s->allocCount == 0) rt::throwFatal("uncaching span but s.allocCount == 0");
  std::unique_lock<std::mutex> g(lock);
  uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
  bool stale = s->sweepgen.load(std::memory_order_relaxed) == sg + 1;
  // Fix up sweepgen.
  if (stale) {
    // Span was cached before sweep began. It's our responsibility to sweep
    // it. Set sweepgen to indicate it's not cached but needs sweeping and
    // can't be allocated from. sweep will set s.sweepgen to indicate s is
    // swept.
    // relaxed: we hold the lock every other owner-changer takes.
    s->sweepgen.store(sg - 1, std::memory_order_relaxed);
    // It's stale, so just sweep it. Sweeping will put it on the right list.
    s->sweep(heap, false);
    return;
  }
  // Indicate that s is no longer cached.
  s->sweepgen.store(sg, std::memory_order_relaxed);
  // Lab-only: frees that arrived while the span was cached become free
  // slots now, as if the span had been swept.
  if (s->hasLabFrees()) s->labSweep(heap);
  if (s->allocCount != 0) {
    refileSweptLocked(s, sg);
    return;
  }
  // Every object was freed: the span goes back to the heap, after we
  // release our lock. In no set, it is reachable by nobody but us. (Go's
  // spanSets take no lock, so its sweep never frees a span under one; this
  // keeps two Ps refilling the same class from waiting on each other's
  // freeSpan.) A free that finds it through the span map before it is gone
  // sees labEmptied under our lock: a double free, since all were freed.
  s->labEmptied = true;
  g.unlock();
  heap->freeSpan(s, c);
}

// The placement half of sweep (and of uncacheSpan), for a swept span.
void mcentral::refileSweptLocked(mspan* s, uint32_t sg) {
  if (s->allocCount == 0) {
    // Free totally free span directly back to the heap (as sweep does).
    heap->freeSpan(s);
  } else if (s->nelems - s->allocCount > 0) {
    // Put it back on the partial swept list.
    partialSwept(sg)->push(s);
  } else {
    // There's no free space and it's not stale, so put it on the full swept list.
    fullSwept(sg)->push(s);
  }
}

void mcentral::labSweepAndRefileLocked(mspan* s) {
  uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
  s->list->remove(s);
  s->labSweep(heap);
  refileSweptLocked(s, sg);
}

void mcentral::labSweepIdle() {
  std::lock_guard<std::mutex> g(lock);
  uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
  spanSet* set = partialSwept(sg);
  // Take the whole list, then re-file each span in order.
  spanSet taken;
  while (mspan* s = set->pop()) taken.push(s);
  while (mspan* s = taken.pop()) {
    if (s->hasLabFrees()) {
      s->labSweep(heap);
      refileSweptLocked(s, sg);
    } else {
      set->push(s);
    }
  }
}

// No lock, so that two Ps emptying spans of one class do not pass this
// mcentral's lock line between their cores every 256 pairs (bench/mem). The
// span is cached by the caller: nobody else reads or writes its allocation
// state, and the fold below leaves labFreeRemote, the one part other
// threads write, alone. Every object was freed by the caller, so a remote
// free into s before s hands its slots out again is a double free. If one
// was recorded, s goes back (uncacheSpan's sweep counts it); if one lands
// after the check, it waits in labFreeRemote like any free of a slot a P
// holds, as it would have after a check made under the lock. The partial
// sets' sizes are read racily: a stale one only keeps s where Go's path
// would have taken a partial span, or the reverse.
bool mcentral::labKeepEmptied(mspan* s, mspan::labSweepResult* r) {
  uint32_t sg = heap->sweepgen.load(std::memory_order_relaxed);
  if (partialSwept(sg)->n != 0 || partialUnswept(sg)->n != 0) return false;
  if (s->nLabFreeRemote != 0) return false;
  *r = s->labFold(/*remoteToo=*/false);
  return s->allocCount < s->nelems;
}

// Go: runtime/mcentral.go (*mcentral).grow
mspan* mcentral::grow(mcache* c) {
  uintptr npages = class_to_allocnpages[spanclass.sizeclass()];
  uintptr size = class_to_size[spanclass.sizeclass()];
  mspan* s = heap->alloc(npages, spanclass, c);
  if (s == nullptr) return nullptr;
  // Use division by multiplication and shifts to quickly compute:
  // n := (npages << _PageShift) / size
  uintptr n = s->divideByElemSize(npages << PageShift);
  s->limit = s->base() + size * n;
  return s;
}

}  // namespace rt::mem
