// mheap: see mheap.hpp.
#include "mem/mheap.hpp"

#include <new>

#include "mem/mcache.hpp"
#include "mem/os_mem.hpp"
#include "runtime/throw.hpp"

namespace rt::mem {

mheap::mheap() : persistent_(&stats) {
  // Go: runtime/mheap.go (*mheap).init
  spanalloc.init(sizeof(mspan), &persistent_, &stats.mspan_sys);
  cachealloc.init(sizeof(mcache), &persistent_, &stats.mcache_sys);
  for (int i = 0; i < numSpanClasses; i++) central[i].mcentral.init(spanClass{static_cast<uint8_t>(i)}, this);
  pages.init(&persistent_, &stats);
  // The arena index: Go allocates it with sysAllocOS and does not count it
  // in any stat (it is mostly untouched virtual memory: 32 MB natively).
  arenas_ = static_cast<std::atomic<heapArena*>*>(sysAllocOS(sizeof(std::atomic<heapArena*>) << arenaL2Bits));
  if (arenas_ == nullptr) rt::throwFatal("mheap: cannot allocate the arena index");
}

mheap::~mheap() {
  for (uintptr i = 0; i < nReservations_; i++) sysFree(reinterpret_cast<void*>(reservations_[i].base), reservations_[i].size);
  sysFree(arenas_, sizeof(std::atomic<heapArena*>) << arenaL2Bits);
  // persistent_'s destructor returns every metadata chunk.
}

mspan* mheap::alloc(uintptr npages, spanClass spanclass, mcache* c) {
  // Go: "Don't do any operations that lock the heap on the G stack", and if
  // sweeping is not done, reclaim (sweep) at least npages first, so that
  // the heap does not grow while unswept spans still hold free pages.
  // Simplification: the lab does not reclaim here. Its collector sweeps
  // through mcentral.cacheSpan (per size class), bgsweep and finishsweep
  // (core/gc/sweep.cpp), so a large allocation right after a cycle may take
  // fresh pages that a reclaim would have found among the unswept spans.
  return allocSpan(npages, spanclass, c);
}

// Go: runtime/mheap.go (*mheap).allocSpan, for spanAllocHeap.
//
// A small span comes from the P's page cache and mspancache without the
// lock. Otherwise the lock covers only the page allocator and the mspan free
// list, as in Go: the pages and the mspan are ours once taken, so initSpan,
// the zeroing check and the span map stores run unlocked (atomics where
// others read).
mspan* mheap::allocSpan(uintptr npages, spanClass spanclass, mcache* c) {
  uintptr scav = 0;
  uintptr base = 0;
  void* mem = nullptr;
  if (c != nullptr && npages < pageCachePages / 4) {
    // If the cache is empty, refill it.
    if (c->pcache.empty()) {
      std::lock_guard<std::mutex> g(lock);
      c->pcache = pages.allocToCache();
    }
    // Try to allocate from the cache.
    base = c->pcache.alloc(npages, &scav);
    if (base != 0) mem = tryAllocMSpan(c);
  }
  if (base == 0 || mem == nullptr) {
    // For one reason or another, we couldn't get the whole job done
    // without the heap lock.
    std::lock_guard<std::mutex> g(lock);
    if (base == 0) {
      base = pages.alloc(npages, &scav);
      if (base == 0) {
        // Try to acquire a base address.
        if (!grow(npages)) return nullptr;  // lastError_ set by grow
        base = pages.alloc(npages, &scav);
        if (base == 0) rt::throwFatal("grew heap, but no adequate free space found");
      }
    }
    mem = allocMSpanLocked(c);
    if (mem == nullptr) {
      pages.free(base, npages);
      lastError_.store("out of memory: no OS memory for span metadata (mspan)", std::memory_order_relaxed);
      return nullptr;
    }
  }
  mspan* s = new (mem) mspan();
  s->init(base, npages);
  if (allocNeedsZero(base, npages)) s->needzero = 1;
  uintptr nbytes = npages * PageSize;
  if (scav != 0) {
    // sysUsed all the pages that are actually available in the span since
    // some of them might be scavenged.
    stats.heapReleased.add(-static_cast<int64_t>(scav));
  }
  // Update stats.
  stats.heapFree.add(-static_cast<int64_t>(nbytes - scav));
  stats.heapInUse.add(static_cast<int64_t>(nbytes));

  // Go: runtime/mheap.go (*mheap).initSpan
  s->spanclass = spanclass;
  if (int sizeclass = spanclass.sizeclass(); sizeclass == 0) {
    s->elemsize = nbytes;
    s->nelems = 1;
    s->divMul = 0;
  } else {
    s->elemsize = class_to_size[sizeclass];
    s->nelems = nbytes / s->elemsize;
    s->divMul = class_to_divmagic[sizeclass];
  }
  // Initialize mark and allocation structures.
  s->freeindex = 0;
  s->allocCache = ~uint64_t(0);  // all 1s indicating all free.
  s->allocBits->clearAll(s->nelems);
  s->gcmarkBits->clearAll(s->nelems);
  s->limit = s->base() + s->elemsize * s->nelems;
  // It's safe to access h.sweepgen without the heap lock because it's only
  // ever updated with the world stopped and we run on the systemstack which
  // blocks a STW transition.
  s->sweepgen.store(sweepgen.load(std::memory_order_relaxed), std::memory_order_relaxed);
  s->state.store(mSpanState::InUse, std::memory_order_relaxed);
  // Publish the span in various locations: the span map (release stores,
  // see setSpans).
  setSpans(s->base(), npages, s);
  pagesInUse.fetch_add(npages, std::memory_order_relaxed);  // relaxed: a statistic
  return s;
}

// Go: runtime/mheap.go (*mheap).tryAllocMSpan — an mspan from the P's
// cache, without the lock; nullptr if there is no P or its cache is empty.
void* mheap::tryAllocMSpan(mcache* c) {
  if (c == nullptr || c->mspancache.len == 0) return nullptr;
  // Pull off the last entry in the cache.
  return c->mspancache.buf[--c->mspancache.len];
}

// Go: runtime/mheap.go (*mheap).allocMSpanLocked — refill the P's cache
// with half its capacity at once, so the next 63 spans need no lock for
// their mspan. The caller holds the lock.
void* mheap::allocMSpanLocked(mcache* c) {
  if (c == nullptr) return spanalloc.alloc();
  // Refill the cache if necessary.
  if (c->mspancache.len == 0) {
    constexpr int refillCount = mcache::mspanCacheSize / 2;
    for (int i = 0; i < refillCount; i++) {
      void* mem = spanalloc.alloc();
      if (mem == nullptr) break;  // out of OS memory: keep what we got
      c->mspancache.buf[c->mspancache.len++] = mem;
    }
    if (c->mspancache.len == 0) return nullptr;
  }
  // Pull off the last entry in the cache.
  return c->mspancache.buf[--c->mspancache.len];
}

// Go: runtime/mheap.go (*mheap).setSpans
void mheap::setSpans(uintptr base, uintptr npage, mspan* s) {
  for (uintptr n = 0; n < npage; n++) {
    uintptr p = base + n * PageSize;
    heapArena* ha = arenaOf(p);
    // release: pairs with the acquire load in spanOf — a thread that finds
    // s through the map also sees s's initialized fields.
    ha->spans[(p / PageSize) % pagesPerArena].store(s, std::memory_order_release);
  }
}

// Go: runtime/mheap.go (*mheap).allocNeedsZero
bool mheap::allocNeedsZero(uintptr base, uintptr npage) {
  bool needZero = false;
  while (npage > 0) {
    heapArena* ha = arenaOf(base);
    uintptr zeroedBase = ha->zeroedBase.load(std::memory_order_relaxed);
    uintptr arenaBase = base % heapArenaBytes;
    // We extended into the non-zeroed part of the arena, so this region
    // needs to be zeroed before use.
    if (arenaBase < zeroedBase) needZero = true;
    // Compute how far into the arena we extend into, capped at heapArenaBytes.
    uintptr arenaLimit = arenaBase + npage * PageSize;
    if (arenaLimit > heapArenaBytes) arenaLimit = heapArenaBytes;
    // Increase ha.zeroedBase so it's >= arenaLimit. We may be racing with
    // other updates (allocSpan calls us without the heap lock).
    // relaxed: zeroedBase guards no other data; the pages are ours.
    while (arenaLimit > zeroedBase) {
      if (ha->zeroedBase.compare_exchange_strong(zeroedBase, arenaLimit, std::memory_order_relaxed)) break;
      // (strong: a spurious failure would trip the check below.) zeroedBase
      // now holds the current value. It moving into the space we
      // are claiming would mean someone allocated the same region we did.
      if (zeroedBase <= arenaLimit && zeroedBase > arenaBase)
        rt::throwFatal("potentially overlapping in-use allocations detected");
    }
    // Move base forward and subtract from npage to move into the next arena.
    base += arenaLimit - arenaBase;
    npage -= (arenaLimit - arenaBase) / PageSize;
  }
  return needZero;
}

// Go: runtime/mheap.go (*mheap).grow
bool mheap::grow(uintptr npage) {
  growth_.grows++;
  // We must grow the heap in whole palloc chunks.
  uintptr ask = alignUp(npage, pallocChunkPages) * PageSize;
  uintptr end = curArena_.base + ask;
  uintptr nBase = alignUp(end, physPageSize());
  if (nBase > curArena_.end || /* overflow */ end < curArena_.base) {
    // Not enough room in the current arena. Allocate more arena space. This
    // may not be contiguous with the current arena, so we have to request
    // the full ask.
    uintptr asize = 0;
    void* av = sysAlloc(ask, &asize);
    if (av == nullptr) {
      lastError_.store("out of memory: the OS refused to reserve a new heap arena", std::memory_order_relaxed);
      return false;
    }
    if (reinterpret_cast<uintptr>(av) == curArena_.end) {
      // The new space is contiguous with the old space, so just extend the
      // current space.
      curArena_.end = reinterpret_cast<uintptr>(av) + asize;
    } else {
      // The new space is discontiguous. Track what remains of the current
      // space and switch to the new space.
      if (uintptr size = curArena_.end - curArena_.base; size != 0) {
        // Transition this space from Reserved to Prepared and mark it as
        // released since we'll be able to start using it.
        if (!sysMap(reinterpret_cast<void*>(curArena_.base), size)) {
          lastError_.store("out of memory: the OS refused to map heap memory", std::memory_order_relaxed);
          return false;
        }
        stats.heapReleased.add(static_cast<int64_t>(size));
        stats.mappedReady.add(static_cast<int64_t>(size));
        if (!pages.grow(curArena_.base, size)) {
          lastError_.store("out of memory: no OS memory for page allocator metadata", std::memory_order_relaxed);
          return false;
        }
        growth_.bytesGrown += size;
      }
      // Switch to the new space.
      curArena_.base = reinterpret_cast<uintptr>(av);
      curArena_.end = reinterpret_cast<uintptr>(av) + asize;
    }
    // Recalculate nBase.
    nBase = alignUp(curArena_.base + ask, physPageSize());
  }
  // Grow into the current arena.
  uintptr v = curArena_.base;
  curArena_.base = nBase;
  // Transition the space we're going to use from Reserved to Prepared.
  if (!sysMap(reinterpret_cast<void*>(v), nBase - v)) {
    lastError_.store("out of memory: the OS refused to map heap memory", std::memory_order_relaxed);
    return false;
  }
  // The memory just allocated counts as both released and idle, even though
  // it's not yet backed by spans.
  stats.heapReleased.add(static_cast<int64_t>(nBase - v));
  stats.mappedReady.add(static_cast<int64_t>(nBase - v));
  // Update the page allocator's structures to make this space ready for
  // allocation.
  if (!pages.grow(v, nBase - v)) {
    lastError_.store("out of memory: no OS memory for page allocator metadata", std::memory_order_relaxed);
    return false;
  }
  growth_.bytesGrown += nBase - v;
  return true;
}

// Go: runtime/malloc.go (*mheap).sysAlloc — reserve n bytes (rounded up to
// whole arenas), aligned to heapArenaBytes, and create their metadata.
void* mheap::sysAlloc(uintptr n, uintptr* size) {
  n = alignUp(n, heapArenaBytes);
  void* v = sysReserve(n, heapArenaBytes);
  if (v == nullptr) return nullptr;
  uintptr base = reinterpret_cast<uintptr>(v);
  if (((base + n - 1) >> logHeapArenaBytes) >= (uintptr(1) << arenaL2Bits)) {
    sysFree(v, n);  // outside the address range the arena index covers
    return nullptr;
  }
  // Remember the reservation so ~mheap can give it back.
  if (nReservations_ == capReservations_) {
    uintptr ncap = capReservations_ == 0 ? 16 : capReservations_ * 2;
    auto* r = static_cast<reservation*>(persistent_.alloc(sizeof(reservation) * ncap, 8, &stats.other_sys));
    if (r == nullptr) {
      sysFree(v, n);
      return nullptr;
    }
    for (uintptr i = 0; i < nReservations_; i++) r[i] = reservations_[i];
    reservations_ = r;
    capReservations_ = ncap;
  }
  reservations_[nReservations_++] = reservation{base, n};
  // Create arena metadata.
  for (uintptr ri = base >> logHeapArenaBytes; ri <= (base + n - 1) >> logHeapArenaBytes; ri++) {
    auto* r = static_cast<heapArena*>(persistent_.alloc(sizeof(heapArena), 64, &stats.gcMiscSys));
    if (r == nullptr) return nullptr;
    new (r) heapArena();
    r->base = ri << logHeapArenaBytes;
    r->ordinal = arenasCreated_++;
    // Add the arena to the arenas list, in address order (Go keeps
    // allocation order; sorted makes forEachSpan walk by address).
    if (nAllArenas_ == capAllArenas_) {
      uintptr ncap = capAllArenas_ == 0 ? 16 : capAllArenas_ * 2;
      auto* a = static_cast<uintptr*>(persistent_.alloc(sizeof(uintptr) * ncap, 8, &stats.gcMiscSys));
      if (a == nullptr) return nullptr;
      for (uintptr i = 0; i < nAllArenas_; i++) a[i] = allArenas_[i];
      allArenas_ = a;
      capAllArenas_ = ncap;
    }
    uintptr i = nAllArenas_;
    while (i > 0 && allArenas_[i - 1] > ri) {
      allArenas_[i] = allArenas_[i - 1];
      i--;
    }
    allArenas_[i] = ri;
    nAllArenas_++;
    // Store atomically just in case an object from the new heap arena
    // becomes visible before the heap lock is released (which shouldn't
    // happen, but there's little downside to this).
    // release: pairs with the acquire load in arenaOf.
    arenas_[ri].store(r, std::memory_order_release);
  }
  growth_.arenaAllocs++;
  *size = n;
  return v;
}

// Go: runtime/mheap.go (*mheap).freeSpan / freeSpanLocked (spanAllocHeap)
void mheap::freeSpan(mspan* s, mcache* c) {
  std::lock_guard<std::mutex> g(lock);
  if (s->allocCount != 0 || s->sweepgen.load(std::memory_order_relaxed) != sweepgen.load(std::memory_order_relaxed))
    rt::throwFatal("mheap.freeSpanLocked - invalid free");
  if (s->state.load(std::memory_order_relaxed) != mSpanState::InUse) rt::throwFatal("mheap.freeSpanLocked - invalid span state");
  pagesInUse.fetch_sub(s->npages, std::memory_order_relaxed);  // relaxed: a statistic
  // Update stats.
  uintptr nbytes = s->npages * PageSize;
  stats.heapFree.add(static_cast<int64_t>(nbytes));
  stats.heapInUse.add(-static_cast<int64_t>(nbytes));
  // Mark the space as free.
  setSpans(s->base(), s->npages, nullptr);
  pages.free(s->base(), s->npages);
  // Free the span structure. We no longer have a use for it.
  s->state.store(mSpanState::Dead, std::memory_order_relaxed);
  s->~mspan();
  freeMSpanLocked(s, c);
}

// Go: runtime/mheap.go (*mheap).freeMSpanLocked — first try the P's cache,
// failing that (or without a P) the heap's spanalloc. The caller holds the lock.
void mheap::freeMSpanLocked(void* s, mcache* c) {
  if (c != nullptr && c->mspancache.len < mcache::mspanCacheSize) {
    c->mspancache.buf[c->mspancache.len++] = s;
    return;
  }
  spanalloc.free(s);
}

// Go: runtime/mcache.go allocmcache
mcache* mheap::allocmcache() {
  std::lock_guard<std::mutex> g(lock);
  void* mem = cachealloc.alloc();
  if (mem == nullptr) return nullptr;
  auto* c = new (mem) mcache();
  c->init(this);
  c->flushGen = sweepgen.load(std::memory_order_relaxed);
  c->nextInHeap = allmcaches;
  if (allmcaches != nullptr) allmcaches->prevInHeap = c;
  allmcaches = c;
  return c;
}

// Go: runtime/proc.go (*p).destroy — the P's mspancache and page cache go
// back to the heap.
void mheap::flushPCaches(mcache* c) {
  std::lock_guard<std::mutex> g(lock);
  while (c->mspancache.len > 0) spanalloc.free(c->mspancache.buf[--c->mspancache.len]);
  c->pcache.flush(&pages);
}

// Go: runtime/mcache.go freemcache
void mheap::freemcache(mcache* c) {
  c->releaseAll();
  flushPCaches(c);
  std::lock_guard<std::mutex> g(lock);
  if (c->prevInHeap != nullptr) {
    c->prevInHeap->nextInHeap = c->nextInHeap;
  } else {
    allmcaches = c->nextInHeap;
  }
  if (c->nextInHeap != nullptr) c->nextInHeap->prevInHeap = c->prevInHeap;
  c->~mcache();
  cachealloc.free(c);
}

void mheap::startSweepCycle() {
  // Go: runtime/mgc.go gcSweep: "lock(&mheap_.lock); mheap_.sweepgen += 2"
  std::lock_guard<std::mutex> g(lock);
  // relaxed: the world is stopped; restarting it orders this store.
  sweepgen.store(sweepgen.load(std::memory_order_relaxed) + 2, std::memory_order_relaxed);
}

mheap::pageCount mheap::countPagesInUse() {
  std::lock_guard<std::mutex> g(lock);
  pageCount pc{pagesInUse.load(std::memory_order_relaxed), 0};
  forEachSpan([&](mspan* s) { pc.counted += s->npages; });
  return pc;
}

mheap::growStats mheap::growth() const {
  std::lock_guard<std::mutex> g(const_cast<std::mutex&>(lock));
  return growth_;
}

}  // namespace rt::mem
