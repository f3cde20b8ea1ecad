// Allocation for the collector: typed objects, allocated black while marking.
#include "gc/collector.hpp"
#include "gc/heaptrace.hpp"
#include "gc/type.hpp"
#include "mem/malloc.hpp"
#include "sched/p.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

PerP& Collector::perP(P* pp) {
  // acquire: pairs with the release store below (the PerP is initialized).
  PerP* s = perP_[pp->id].load(std::memory_order_acquire);
  if (s) [[likely]] return *s;
  std::lock_guard<std::mutex> g(perPLock_);
  s = perP_[pp->id].load(std::memory_order_relaxed);
  if (!s) {
    s = new PerP;
    s->mcache = heap.allocmcache();
    s->gcw.pool = &pool;
    perP_[pp->id].store(s, std::memory_order_release);
  }
  return *s;
}

// Go: runtime/proc.go (*p).destroy — freemcache(pp.mcache) and
// pp.pcache.flush. The world is stopped. The PerP itself stays: Ps are kept
// by id, and a GOMAXPROCS that grows again reuses it.
void Collector::destroyP(void* self, P* pp) {
  auto* c = static_cast<Collector*>(self);
  PerP* s = c->perP_[pp->id].load(std::memory_order_acquire);
  if (s == nullptr) return;
  s->mcache->releaseAll();
  c->heap.flushPCaches(s->mcache);
}

// Go: runtime/malloc.go mallocgc, the parts a typed allocation adds to the
// allocator's: the type header, and gcmarknewobject.
uintptr Collector::mallocgc(const Type* t, P* pp) {
  PerP& ps = perP(pp);
  const uintptr size = t->allocSize();
  chargeOp(rt->platform, size > mem::MaxSmallSize ? RuntimeOp::MallocLarge : RuntimeOp::MallocSmall);  // SimCosts
  void* x = mem::mallocgc(ps.mcache, size == 0 ? 1 : size, t->noscan());
  if (x == nullptr) return outOfMemory(size);
  // Go: mcache.refill and allocLarge call gcController.update, which
  // traces the new heapLive and revises the assist ratio while marking.
  const mem::AllocPath path = ps.mcache->lastPath;
  const bool heapLiveChanged =
      path == mem::AllocPath::Refill || path == mem::AllocPath::Grow || path == mem::AllocPath::Large;
  if (heapLiveChanged) traceHeap(this);
  if (heapLiveChanged && gcBlackenEnabled.load(std::memory_order_relaxed)) reviseAssistRatio();
  uintptr base = reinterpret_cast<uintptr>(x);
  if (!t->noscan()) {
    // release: a marker that reaches this object through a published
    // pointer reads the header (acquire in typeOf).
    storeType(base, t);
  }
  // Go: gcmarknewobject — "Allocate black during GC. All slots hold nil so
  // no scanning is needed."
  if (gcphase.load(std::memory_order_relaxed) != GCPhase::Off) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    uintptr obj = findObject(&heap, base, &s, &idx);
    if (obj != 0 && tryMark(s, idx)) {
      ps.gcw.bytesMarked += s->elemsize;
      ps.markedObjects[int(MarkedBy::Allocation)]++;
      ps.markedBytes[int(MarkedBy::Allocation)] += s->elemsize;
      if (cfg.recordStores) noteShade(obj, MarkedBy::Allocation);
    }
  }
  return base;
}

void Collector::commitMemoryLimit() {
  const mem::heapStatsCounters& st = heap.stats;
  gcController.commitMemoryLimit(st.mappedReady.load(), st.heapFree.load(), st.heapInUse.load());
}

void Collector::reviseAssistRatio() {
  const int64_t done = work.heapScanWork.load(std::memory_order_relaxed) +
                       work.stackScanWork.load(std::memory_order_relaxed) +
                       work.globalsScanWork.load(std::memory_order_relaxed);
  gcController.revise(heap.stats.heapLive.load(), done);
}

// Go: runtime/mgc.go gcTrigger.test for gcTriggerHeap.
bool Collector::heapTriggered() const {
  if (gcphase.load(std::memory_order_relaxed) != GCPhase::Off) return false;
  // GOGC=off with no memory limit: never (the trigger would be infinite).
  if (gcController.gcPercent < 0 && gcController.memoryLimit == maxInt64) return false;
  uint64_t live = heap.stats.heapLive.load();
  return live >= trigger_.load(std::memory_order_relaxed);
}

}  // namespace rt::gc
