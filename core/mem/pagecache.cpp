// The per-P page cache; see pagecache.hpp for the lesson.
#include "mem/pagecache.hpp"

#include <bit>

#include "mem/pagealloc.hpp"

namespace rt::mem {

uintptr pageCache::alloc(uintptr npages, uintptr* scavBytes) {
  *scavBytes = 0;
  if (cache == 0) return 0;
  if (npages == 1) {
    unsigned i = static_cast<unsigned>(std::countr_zero(cache));
    uint64_t s = (scav >> i) & 1;
    cache &= ~(uint64_t(1) << i);  // set bit to mark in-use
    scav &= ~(uint64_t(1) << i);   // clear bit to mark unscavenged
    *scavBytes = uintptr(s) * PageSize;
    return base + i * PageSize;
  }
  return allocN(npages, scavBytes);
}

uintptr pageCache::allocN(uintptr npages, uintptr* scavBytes) {
  unsigned i = findBitRange64(cache, static_cast<unsigned>(npages));
  if (i >= 64) return 0;
  // (Go's 1<<64 is 0, so its mask of 64 pages is all ones; C++'s is undefined.)
  uint64_t mask = (npages == 64 ? ~uint64_t(0) : (uint64_t(1) << npages) - 1) << i;
  *scavBytes = uintptr(std::popcount(scav & mask)) * PageSize;
  cache &= ~mask;  // mark in-use bits
  scav &= ~mask;   // clear scavenged bits
  return base + i * PageSize;
}

void pageCache::flush(pageAlloc* p) {
  if (empty()) return;
  p->freeCache(*this);
  *this = pageCache{};
}

// Go: runtime/mpagecache.go (*pageAlloc).allocToCache. Named simplification:
// Go first looks at the chunk under searchAddr through its summary and only
// then searches; our find starts at searchAddr anyway, so one call does both.
pageCache pageAlloc::allocToCache() {
  uintptr firstFree = 0;
  uintptr addr = find(1, &firstFree);
  if (addr == 0) return pageCache{};  // nothing free: the caller grows the heap
  uintptr ci = chunkIndex(addr);
  chunkData* chunk = chunkOf(ci);
  unsigned j = chunkPageIndex(addr);
  pageCache c;
  c.base = addr & ~(pageCachePages * PageSize - 1);
  c.cache = ~chunk->data.alloc.b[j / 64];  // Go: ^chunk.pages64(j)
  c.scav = chunk->data.scavenged.b[j / 64];  // Go: chunk.scavenged.block64(j)
  // Set the page bits as allocated and clear the scavenged bits, but be
  // careful to only set and clear the relevant bits.
  chunk->data.alloc.b[j / 64] |= c.cache;                // Go: chunk.allocPages64
  chunk->data.scavenged.b[j / 64] &= ~(c.cache & c.scav);  // free and scavenged
  chunk->sum = chunk->data.alloc.summarize();  // Go: p.update(c.base, pageCachePages, false, true)
  // Every page of the block is now taken, and the search found the first
  // free page, so nothing below the block's last page is free.
  searchAddr_ = c.base + PageSize * (pageCachePages - 1);
  return c;
}

// The loop of Go's (*pageCache).flush, which needs the chunk bitmaps: free
// each cached page and give it back its scavenged bit.
void pageAlloc::freeCache(const pageCache& c) {
  chunkData* chunk = chunkOf(chunkIndex(c.base));
  unsigned pi = chunkPageIndex(c.base);
  for (unsigned i = 0; i < pageCachePages; i++) {
    if ((c.cache >> i) & 1) chunk->data.alloc.clear(pi + i);
    if ((c.scav >> i) & 1) chunk->data.scavenged.set(pi + i);
  }
  // Since this is a lot like a free, update the searchAddr just like free does.
  if (c.base < searchAddr_) searchAddr_ = c.base;
  chunk->sum = chunk->data.alloc.summarize();  // Go: p.update(c.base, pageCachePages, false, false)
}

}  // namespace rt::mem
