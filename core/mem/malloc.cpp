// mallocgc's slow paths and the lab's explicit free. See malloc.hpp.
#include "mem/malloc.hpp"

#include "mem/mheap.hpp"
#include "runtime/throw.hpp"

namespace rt::mem {

uintptr zerobase = 0;

namespace {
inline void countPath(mcache* c, AllocPath p) {
  c->lastPath = p;
  c->pathCount[static_cast<int>(p)]++;
}
}  // namespace

// Go: runtime/malloc.go mallocgc, the tiny path after the current block
// turned out too small.
void* mallocgcTinyBlock(mcache* c, uintptr size) {
  mspan* span = c->alloc[tinySpanClass.v];
  AllocPath path = AllocPath::Fast;
  uintptr v = nextFreeFast(span);
  if (v == 0) {
    v = c->nextFree(tinySpanClass, &span, &path);
    if (v == 0) {
      countPath(c, AllocPath::Failed);
      return nullptr;
    }
  }
  // Lab: remember that this slot is a tiny block (we hold the span).
  span->tinyBlocks.setNonAtomic(span->objIndex(v));
  // The new block's slot is counted under the path that produced it; the
  // Tiny counter counts only requests packed into an existing block.
  countPath(c, path);
  auto* x = reinterpret_cast<uint64_t*>(v);
  x[0] = 0;
  x[1] = 0;
  // See if we need to replace the existing tiny block with the new one based
  // on amount of remaining free space.
  if (size < c->tinyoffset || c->tiny == 0) {
    c->tiny = v;
    c->tinyoffset = size;
  }
  return x;
}

// Go: runtime/malloc.go mallocgc, small objects after nextFreeFast failed.
void* mallocgcSmallSlow(mcache* c, spanClass spc, bool needzero) {
  mspan* span = nullptr;
  AllocPath path;
  uintptr v = c->nextFree(spc, &span, &path);
  if (v == 0) {
    countPath(c, AllocPath::Failed);
    return nullptr;
  }
  countPath(c, path);
  if (needzero && span->needzero != 0) std::memset(reinterpret_cast<void*>(v), 0, span->elemsize);
  return reinterpret_cast<void*>(v);
}

// Go: runtime/malloc.go mallocgc, the large-object branch.
void* mallocgcLarge(mcache* c, uintptr size, bool noscan, bool needzero) {
  mspan* span = c->allocLarge(size, noscan);
  if (span == nullptr) {
    countPath(c, AllocPath::Failed);
    return nullptr;
  }
  countPath(c, AllocPath::Large);
  void* x = reinterpret_cast<void*>(span->base());
  // Go may delay zeroing of large noscan objects until it can be preempted;
  // we have no preemption inside malloc, so we zero here.
  if (needzero && span->needzero != 0) std::memset(x, 0, span->elemsize);
  return x;
}

const char* freeStatusName(FreeStatus s) {
  switch (s) {
    case FreeStatus::Freed: return "freed";
    case FreeStatus::NotHeapPointer: return "not a heap pointer";
    case FreeStatus::NotObjectStart: return "not the start of an object";
    case FreeStatus::DoubleFree: return "double free";
    case FreeStatus::NotAllocated: return "slot was never allocated";
    case FreeStatus::TinyObject: return "object of the tiny allocator (its block is shared)";
  }
  return "?";
}

// Lab-only. Three cases, by who holds the object's span:
//   1. the caller's own mcache: mark the slot in labFreeLocal (no lock, no
//      atomic); uncacheSpan folds it in when the span goes back.
//   2. nobody (it sits in its mcentral, swept): under the mcentral lock,
//      mark the slot in labFreeRemote and make sure the span is on the
//      partial list, where cacheSpan will fold the frees in; if that was the
//      span's last object, sweep it now and return its pages to the heap.
//   3. another mcache, or it awaits the GC's sweep: under the mcentral lock,
//      mark the slot in labFreeRemote; the holder's uncacheSpan (or sweep)
//      takes it from there.
// Large objects: their span is always idle in its mcentral; free it now.
namespace {

// Cases 2 and 3 and large objects: everything that takes the mcentral lock.
// Out of line, so that the lock's code does not weigh on case 1's.
[[gnu::noinline]] FreeStatus labFreeLocked(mheap* h, mspan* s, uintptr idx) {
  spanClass spc = s->spanclass;
  mcentral& central = h->central[spc.v].mcentral;
  std::lock_guard<std::mutex> g(central.lock);
  uint32_t sg = h->sweepgen.load(std::memory_order_relaxed);
  if (spc.sizeclass() == 0) {
    if (s->list == nullptr || s->allocCount != 1) return FreeStatus::DoubleFree;
    s->list->remove(s);
    // What sweep does for a dead large object (Go: mgcsweep.go sweep).
    s->allocCount = 0;
    s->sweepgen.store(sg, std::memory_order_relaxed);
    h->stats.largeFreeCount.add(1);
    h->stats.largeFree.add(static_cast<int64_t>(s->elemsize));
    h->stats.totalFree.add(static_cast<int64_t>(s->elemsize));
    h->freeSpan(s);
    return FreeStatus::Freed;
  }
  // On its way back to the heap (uncacheSpan): all its objects were freed.
  if (s->labEmptied) return FreeStatus::DoubleFree;
  if (s->list != nullptr && s->sweepgen.load(std::memory_order_relaxed) == sg) {
    // Case 2: idle and swept; the lock makes it ours.
    if (!s->isAllocated(idx)) return FreeStatus::NotAllocated;
    if (s->tinyBlocks.isMarked(idx)) return FreeStatus::TinyObject;
    if (s->labFreeRemote.isMarked(idx)) return FreeStatus::DoubleFree;
    s->labFreeRemote.setNonAtomic(idx);
    ++s->nLabFreeRemote;
    if (s->nLabFreeRemote >= s->allocCount) {
      // Every object is dead: sweep now, so the pages go back to the heap.
      central.labSweepAndRefileLocked(s);
    } else if (s->list == central.fullSwept(sg)) {
      // It has a free slot now: move it where cacheSpan looks (cacheSpan
      // folds the pending frees in when it takes the span). Sweeping on
      // every free would cost O(nelems) per free.
      s->list->remove(s);
      central.partialSwept(sg)->push(s);
    }
    return FreeStatus::Freed;
  }
  // Case 3: someone else holds it. Its allocation state is not ours to
  // read; a double free is still caught if it repeats a pending one.
  if (s->labFreeRemote.isMarked(idx)) return FreeStatus::DoubleFree;
  s->labFreeRemote.setNonAtomic(idx);
  ++s->nLabFreeRemote;
  return FreeStatus::Freed;
}

}  // namespace

FreeStatus labFreeSlow(mheap* h, mcache* c, void* ptr) {
  uintptr p = reinterpret_cast<uintptr>(ptr);
  if (ptr == &zerobase) return FreeStatus::Freed;  // zero-size objects cost nothing
  // labFree found p outside the span we hold for the class of our previous
  // free (that try needs no lookup: the span map's cache lines are shared
  // with other Ps, which write them as their spans come and go). Look it up,
  // and remember its class for the next free.
  mspan* s = h->spanOf(p);
  if (s == nullptr) return FreeStatus::NotHeapPointer;
  if (c != nullptr) c->lastFreeClass = s->spanclass;
  spanClass spc = s->spanclass;  // immutable while the span holds our object
  if (spc.sizeclass() == 0) {
    if (p != s->base()) return FreeStatus::NotObjectStart;
    return labFreeLocked(h, s, 0);
  }
  uintptr idx = s->objIndex(p);
  if (s->base() + idx * s->elemsize != p) return FreeStatus::NotObjectStart;

  // Case 1: our own span.
  if (c != nullptr && c->heap == h && c->alloc[spc.v] == s) return labFreeOwned(s, idx);
  return labFreeLocked(h, s, idx);
}

}  // namespace rt::mem
