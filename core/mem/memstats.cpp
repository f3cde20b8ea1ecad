// ReadMemStats and its slow twin. See memstats.hpp.
#include "mem/memstats.hpp"

#include <bit>

#include "mem/mcache.hpp"
#include "mem/mheap.hpp"

namespace rt::mem {

namespace {

// Go: runtime/mstats.go flushallmcaches
void flushallmcaches(mheap* h) {
  for (mcache* c = h->allmcaches; c != nullptr; c = c->nextInHeap) c->releaseAll();
}

}  // namespace

// Go: runtime/mstats.go readmemstats_m
void ReadMemStats(mheap* h, MemStats* stats) {
  // Flush mcaches to mcentral before doing anything else.
  flushallmcaches(h);
  // Lab-only: explicit frees still waiting in idle spans are applied now,
  // so the numbers reflect every labFree made before the call. (Go's
  // HeapAlloc instead includes dead objects the sweeper has not reached.)
  for (auto& c : h->central) c.mcentral.labSweepIdle();
  const heapStatsCounters& cs = h->stats;

  // Collect large allocation stats.
  uint64_t totalAlloc = cs.largeAlloc.load();
  uint64_t nMalloc = cs.largeAllocCount.load();
  uint64_t totalFree = cs.largeFree.load();
  uint64_t nFree = cs.largeFreeCount.load();

  // Collect per-sizeclass stats.
  MemStats::BySizeEntry bySize[NumSizeClasses];
  for (int i = 0; i < NumSizeClasses; i++) {
    bySize[i].Size = class_to_size[i];
    // Malloc stats.
    uint64_t a = cs.smallAllocCount[i].load();
    totalAlloc += a * class_to_size[i];
    nMalloc += a;
    bySize[i].Mallocs = a;
    // Free stats.
    uint64_t f = cs.smallFreeCount[i].load();
    totalFree += f * class_to_size[i];
    nFree += f;
    bySize[i].Frees = f;
  }

  // Account for tiny allocations. For historical reasons, MemStats includes
  // tiny allocations in both the total free and total alloc count. This
  // double-counts memory in some sense because their tiny allocation block
  // is also counted.
  nFree += cs.tinyAllocCount.load();
  nMalloc += cs.tinyAllocCount.load();

  // Calculate derived stats.
  uint64_t totalMapped = cs.heapInUse.load() + cs.heapFree.load() + cs.heapReleased.load() +
                         cs.stacks_sys.load() + cs.mspan_sys.load() + cs.mcache_sys.load() +
                         cs.buckhash_sys.load() + cs.gcMiscSys.load() + cs.other_sys.load();

  *stats = MemStats{};
  stats->Alloc = totalAlloc - totalFree;
  stats->TotalAlloc = totalAlloc;
  stats->Sys = totalMapped;
  stats->Mallocs = nMalloc;
  stats->Frees = nFree;
  stats->HeapAlloc = totalAlloc - totalFree;
  stats->HeapSys = cs.heapInUse.load() + cs.heapFree.load() + cs.heapReleased.load();
  // By definition, HeapIdle is memory that was mapped for the heap but is
  // not currently used to hold heap objects: HeapIdle = heapFree + heapReleased.
  stats->HeapIdle = cs.heapFree.load() + cs.heapReleased.load();
  stats->HeapInuse = cs.heapInUse.load();
  stats->HeapReleased = cs.heapReleased.load();
  stats->HeapObjects = nMalloc - nFree;
  stats->StackInuse = 0;
  stats->StackSys = cs.stacks_sys.load();
  {
    std::lock_guard<std::mutex> g(h->lock);
    stats->MSpanInuse = h->spanalloc.inuse();
    stats->MCacheInuse = h->cachealloc.inuse();
  }
  stats->MSpanSys = cs.mspan_sys.load();
  stats->MCacheSys = cs.mcache_sys.load();
  stats->BuckHashSys = cs.buckhash_sys.load();
  // MemStats defines GCSys as an aggregate of all memory related to the
  // memory management system.
  stats->GCSys = cs.gcMiscSys.load();
  stats->OtherSys = cs.other_sys.load();
  stats->EnableGC = true;
  for (int i = 0; i < 61 && i < NumSizeClasses; i++) stats->BySize[i] = bySize[i];
}

// Go: runtime/export_test.go ReadMemStatsSlow
void ReadMemStatsSlow(mheap* h, MemStats* base, MemStats* slow) {
  ReadMemStats(h, base);

  // Initialize slow from base and zero the fields we're recomputing.
  *slow = *base;
  slow->Alloc = 0;
  slow->TotalAlloc = 0;
  slow->Mallocs = 0;
  slow->Frees = 0;
  slow->HeapReleased = 0;
  struct {
    uint64_t Mallocs = 0, Frees = 0;
  } bySize[NumSizeClasses];

  // Add up current allocations in spans. (Go walks mheap_.allspans; we
  // walk the span map, which is the same set of in-use spans.)
  uint64_t inUseBytes = 0;
  {
    std::lock_guard<std::mutex> g(h->lock);
    h->forEachSpan([&](mspan* s) {
      inUseBytes += s->npages * PageSize;
      if (int sizeclass = s->spanclass.sizeclass(); sizeclass == 0) {
        slow->Mallocs++;
        slow->Alloc += s->elemsize;
      } else {
        slow->Mallocs += s->allocCount;
        slow->Alloc += uint64_t(s->allocCount) * s->elemsize;
        bySize[sizeclass].Mallocs += s->allocCount;
      }
    });
    // Go: count the scavenged bits of every chunk, and of every P's page
    // cache (allocToCache moved those out of the chunks). The caches change
    // without the heap lock: like the rest of this walk, it needs every
    // mcache's owner to be stopped.
    slow->HeapReleased = uint64_t(h->pages.scavengedPages()) * PageSize;
    for (mcache* c = h->allmcaches; c != nullptr; c = c->nextInHeap)
      slow->HeapReleased += uint64_t(std::popcount(c->pcache.scav)) * PageSize;
  }
  slow->HeapInuse = inUseBytes;

  // Add in frees by just reading the stats for those directly.
  const heapStatsCounters& m = h->stats;
  uint64_t smallFree = 0;
  for (int i = 0; i < NumSizeClasses; i++) {
    slow->Frees += m.smallFreeCount[i].load();
    bySize[i].Frees += m.smallFreeCount[i].load();
    bySize[i].Mallocs += m.smallFreeCount[i].load();
    smallFree += m.smallFreeCount[i].load() * class_to_size[i];
  }
  slow->Frees += m.tinyAllocCount.load() + m.largeFreeCount.load();
  slow->Mallocs += slow->Frees;
  slow->TotalAlloc = slow->Alloc + m.largeFree.load() + smallFree;
  slow->HeapAlloc = slow->Alloc;
  slow->HeapObjects = slow->Mallocs - slow->Frees;
  for (int i = 0; i < 61 && i < NumSizeClasses; i++) {
    slow->BySize[i].Mallocs = bySize[i].Mallocs;
    slow->BySize[i].Frees = bySize[i].Frees;
  }
}

}  // namespace rt::mem
