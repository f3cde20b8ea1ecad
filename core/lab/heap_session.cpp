// HeapSession: see heap_session.hpp.
#include "lab/heap_session.hpp"

#include <chrono>
#include <cstdio>

#include "mem/malloc.hpp"
#include "runtime/throw.hpp"

namespace lab {

using namespace rt::mem;

HeapSession::HeapSession() { create(); }

HeapSession::~HeapSession() { destroy(); }

void HeapSession::create() {
  heap_ = std::make_unique<mheap>();
  cache_ = heap_->allocmcache();  // P 0's mcache
  if (cache_ == nullptr) rt::throwFatal("lab: cannot allocate the session's mcache");
  objects_ = 0;
}

void HeapSession::destroy() {
  if (cache_ != nullptr) heap_->freemcache(cache_);
  cache_ = nullptr;
  heap_.reset();  // gives every arena back to the OS
}

void HeapSession::reset() {
  destroy();
  create();
}

uint64_t HeapSession::worstCaseGrowth(uint64_t size, uint64_t count, bool noscan) {
  if (size == 0 || count == 0) return 0;
  if (size > MaxSmallSize) {
    // Each large object is a span of its own: whole pages.
    uint64_t pages = (size + PageSize - 1) / PageSize;
    return count * pages * PageSize;
  }
  int sizeclass = noscan && size < maxTinySize ? TinySizeClass : sizeToClass(size);
  // At worst every object (or tiny request) needs a fresh slot, and no
  // span has a free slot yet: ceil(count / nelems) new spans.
  uint64_t spanBytes = uint64_t(class_to_allocnpages[sizeclass]) * PageSize;
  uint64_t nelems = spanBytes / class_to_size[sizeclass];
  return (count + nelems - 1) / nelems * spanBytes;
}

uint64_t HeapSession::heapInUse() const { return heap_->stats.heapInUse.load(); }

AllocOutcome HeapSession::alloc(uint64_t size, uint64_t count, bool noscan) {
  AllocOutcome out;
  out.size = size;
  out.count = count;
  out.noscan = noscan;
  mheap::growStats before = heap_->growth();
  uint64_t pathsBefore[numAllocPaths];
  for (int i = 0; i < numAllocPaths; i++) pathsBefore[i] = cache_->pathCount[i];

  auto start = std::chrono::steady_clock::now();
  mcache* c = cache_;
  const uintptr sz = static_cast<uintptr>(size);
  // The first few objects one by one, noting each one's path...
  uint64_t i = 0;
  for (; i < count && i < AllocOutcome::kListedObjects; i++) {
    void* p = mallocgc(c, sz, noscan);
    if (p == nullptr) break;
    const uint64_t addr = heap_->goAddr(reinterpret_cast<uintptr>(p));
    out.objects.push_back({addr, c->lastPath});
    if (i == 0) out.firstAddr = addr;
    out.lastAddr = addr;
  }
  // ...the rest in a tight loop: mcache.pathCount does the counting.
  if (i == AllocOutcome::kListedObjects) {
    void* last = nullptr;
    for (; i < count; i++) {
      void* p = mallocgc(c, sz, noscan);
      if (p == nullptr) break;
      last = p;
    }
    if (last != nullptr) out.lastAddr = heap_->goAddr(reinterpret_cast<uintptr>(last));
  }
  out.wallNs = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  out.done = i;
  objects_ += i;
  if (i < count) out.error = c->lastError != nullptr ? c->lastError : "out of memory";

  for (int k = 0; k < numAllocPaths; k++) out.pathCount[k] = cache_->pathCount[k] - pathsBefore[k];
  mheap::growStats after = heap_->growth();
  out.heapGrows = after.grows - before.grows;
  out.arenaAllocs = after.arenaAllocs - before.arenaAllocs;
  out.bytesGrown = after.bytesGrown - before.bytesGrown;
  return out;
}

MemStats HeapSession::readMemStats() {
  MemStats m;
  ReadMemStats(heap_.get(), &m);
  return m;
}

namespace {

// Go: the sweepgen table in runtime/mheap.go (see mspan.hpp).
const char* sweepState(uint32_t s, uint32_t h) {
  if (s == h - 2) return "unswept";
  if (s == h - 1) return "sweeping";
  if (s == h) return "swept";
  if (s == h + 1) return "cached, unswept";
  if (s == h + 3) return "cached, swept";
  return "?";
}

}  // namespace

std::vector<SpanInfo> HeapSession::spans(int sizeclass) {
  std::vector<SpanInfo> out;
  mheap& h = *heap_;
  const uint32_t hsg = sweepgen();
  // Arena positions in address order, for the heap view's layout.
  std::vector<uintptr> arenaBases;
  for (uintptr i = 0; i < h.arenaCount(); i++) arenaBases.push_back(h.arenaAt(i)->base);
  // Walking the span map needs the heap lock (and a stopped world: we are
  // the only thread using this heap). The mcentral sets are only read.
  std::lock_guard<std::mutex> g(h.lock);
  h.forEachSpan([&](mspan* s) {
    if (sizeclass >= 0 && s->spanclass.sizeclass() != sizeclass) return;
    SpanInfo info;
    info.base = h.goAddr(s->base());
    info.npages = s->npages;
    info.spanclass = s->spanclass.v;
    info.sizeclass = s->spanclass.sizeclass();
    info.noscan = s->spanclass.noscan();
    info.elemsize = s->elemsize;
    info.nelems = s->nelems;
    info.allocCount = s->allocCount;
    info.freeindex = s->freeindex;
    info.sweepgen = s->sweepgen.load(std::memory_order_relaxed);
    info.sweepState = sweepState(info.sweepgen, hsg);
    info.needzero = s->needzero != 0;
    if (cache_->alloc[s->spanclass.v] == s) {
      info.where = "mcache";
    } else {
      mcentral& c = h.central[s->spanclass.v].mcentral;
      if (s->list == &c.partial[0] || s->list == &c.partial[1]) info.where = "partial";
      else if (s->list == &c.full[0] || s->list == &c.full[1]) info.where = "full";
      else info.where = "none";
    }
    info.arena = info.base >> logHeapArenaBytes;
    for (size_t k = 0; k < arenaBases.size(); k++)
      if (arenaBases[k] == (s->base() & ~(heapArenaBytes - 1))) info.arenaSeq = k;
    info.pageInArena = (s->base() % heapArenaBytes) / PageSize;
    out.push_back(info);
  });
  return out;
}

std::string hexAddress(uint64_t a) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(a));
  return buf;
}

std::string humanBytes(uint64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n) / 1024;
  int u = 0;
  while (v >= 1024 && u < 3) {
    v /= 1024;
    u++;
  }
  char buf[32];
  const char* format = v == static_cast<double>(static_cast<uint64_t>(v)) ? "%.0f %s"
                       : v < 10                                          ? "%.2f %s"
                       : v < 100                                         ? "%.1f %s"
                                                                         : "%.0f %s";
  std::snprintf(buf, sizeof buf, format, v, units[u]);
  return buf;
}

}  // namespace lab
