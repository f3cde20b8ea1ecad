// The page allocator; see pagealloc.hpp for the lesson.
#include "mem/pagealloc.hpp"

#include <bit>
#include <cstring>

namespace rt::mem {

namespace {
inline unsigned tz64(uint64_t x) { return static_cast<unsigned>(std::countr_zero(x)); }
inline unsigned lz64(uint64_t x) { return static_cast<unsigned>(std::countl_zero(x)); }
// Bits [lo, lo+n) of one 64-bit word, 0 < n <= 64.
inline uint64_t wordMask(unsigned lo, unsigned n) {
  return (n == 64 ? ~uint64_t(0) : ((uint64_t(1) << n) - 1)) << lo;
}
}  // namespace

// ---- pallocSum --------------------------------------------------------------

// Go: runtime/mpagealloc.go packPallocSum
pallocSum packPallocSum(unsigned start, unsigned max, unsigned end) {
  if (max == maxPackedValue) return pallocSum{uint64_t(1) << 63};
  constexpr uint64_t m = maxPackedValue - 1;
  return pallocSum{(uint64_t(start) & m) | ((uint64_t(max) & m) << logMaxPackedValue) |
                   ((uint64_t(end) & m) << (2 * logMaxPackedValue))};
}
// Go: runtime/mpagealloc.go pallocSum.start / max / end
unsigned pallocSum::start() const {
  if (v & (uint64_t(1) << 63)) return maxPackedValue;
  return static_cast<unsigned>(v & (maxPackedValue - 1));
}
unsigned pallocSum::max() const {
  if (v & (uint64_t(1) << 63)) return maxPackedValue;
  return static_cast<unsigned>((v >> logMaxPackedValue) & (maxPackedValue - 1));
}
unsigned pallocSum::end() const {
  if (v & (uint64_t(1) << 63)) return maxPackedValue;
  return static_cast<unsigned>((v >> (2 * logMaxPackedValue)) & (maxPackedValue - 1));
}

// ---- pageBits ---------------------------------------------------------------

// Go: runtime/mpallocbits.go (*pageBits).setRange
void pageBits::setRange(unsigned i, unsigned n) {
  while (n > 0) {
    unsigned lo = i % 64, k = 64 - lo < n ? 64 - lo : n;
    b[i / 64] |= wordMask(lo, k);
    i += k;
    n -= k;
  }
}
// Go: runtime/mpallocbits.go (*pageBits).clearRange
void pageBits::clearRange(unsigned i, unsigned n) {
  while (n > 0) {
    unsigned lo = i % 64, k = 64 - lo < n ? 64 - lo : n;
    b[i / 64] &= ~wordMask(lo, k);
    i += k;
    n -= k;
  }
}
void pageBits::setAll() { std::memset(b, 0xff, sizeof b); }
void pageBits::clearAll() { std::memset(b, 0, sizeof b); }
// Go: runtime/mpallocbits.go (*pageBits).popcntRange
unsigned pageBits::popcntRange(unsigned i, unsigned n) const {
  unsigned s = 0;
  while (n > 0) {
    unsigned lo = i % 64, k = 64 - lo < n ? 64 - lo : n;
    s += static_cast<unsigned>(std::popcount(b[i / 64] & wordMask(lo, k)));
    i += k;
    n -= k;
  }
  return s;
}

// ---- pallocBits -------------------------------------------------------------

// Go: runtime/mpallocbits.go (*pallocBits).summarize
pallocSum pallocBits::summarize() const {
  unsigned start, max = 0, cur = 0;
  constexpr unsigned notSetYet = ~0u;  // sentinel for start value
  start = notSetYet;
  constexpr unsigned nwords = sizeof(b) / sizeof(b[0]);
  for (unsigned i = 0; i < nwords; i++) {
    uint64_t x = b[i];
    if (x == 0) {
      cur += 64;
      continue;
    }
    unsigned t = tz64(x), l = lz64(x);
    // Finish any region spanning the uint64s
    cur += t;
    if (start == notSetYet) start = cur;
    if (cur > max) max = cur;
    // Final region that might span to next uint64
    cur = l;
  }
  if (start == notSetYet) {
    // Made it all the way through without finding a single 1 bit.
    constexpr unsigned n = 64 * nwords;
    return packPallocSum(n, n, n);
  }
  if (cur > max) max = cur;
  if (max >= 64 - 2) {
    // There is no way an internal run of zeros could beat max.
    return packPallocSum(start, max, cur);
  }
  // Now look inside each uint64 for runs of zeros. Go shrinks runs with
  // shifts; the idea: after x |= x>>k every zero run got k shorter, so a run
  // survives p rounds only if it was longer than the current max.
  for (unsigned i = 0; i < nwords; i++) {
    uint64_t x = b[i];
    // We already know the trailing zeros are no larger than max. Remove them.
    x >>= tz64(x) & 63;
    if ((x & (x + 1)) == 0) continue;  // no more zeros (except at the top).
    unsigned p = max;                  // number of zeros we still need to shrink by.
    unsigned k = 1;                    // current minimum length of runs of ones in x.
    bool next = false;
    for (;;) {
      // Shrink all runs of zeros by p places (except the top zeros).
      while (p > 0) {
        if (p <= k) {
          // Shift p ones down into the top of each run of zeros.
          x |= x >> (p & 63);
          if ((x & (x + 1)) == 0) next = true;
          break;
        }
        // Shift k ones down into the top of each run of zeros.
        x |= x >> (k & 63);
        if ((x & (x + 1)) == 0) {
          next = true;
          break;
        }
        p -= k;
        // We've just doubled the minimum length of 1-runs.
        k *= 2;
      }
      if (next) break;
      // The length of the lowest-order zero run is an increment to our maximum.
      unsigned j = tz64(~x);  // count contiguous trailing ones
      x >>= j & 63;           // remove trailing ones
      j = tz64(x);            // count contiguous trailing zeros
      x >>= j & 63;           // remove zeros
      max += j;               // we have a new maximum!
      if ((x & (x + 1)) == 0) break;  // no more zeros (except at the top).
      p = j;                          // remove j more zeros from each zero run.
    }
  }
  return packPallocSum(start, max, cur);
}

// Go: runtime/mpallocbits.go (*pallocBits).find
pallocBits::findResult pallocBits::find(uintptr npages, unsigned searchIdx) const {
  if (npages == 1) {
    unsigned addr = find1(searchIdx);
    return {addr, addr};
  }
  if (npages <= 64) return findSmallN(npages, searchIdx);
  return findLargeN(npages, searchIdx);
}

// Go: runtime/mpallocbits.go (*pallocBits).find1
unsigned pallocBits::find1(unsigned searchIdx) const {
  for (unsigned i = searchIdx / 64; i < pallocChunkPages / 64; i++) {
    uint64_t x = b[i];
    if (~x == 0) continue;
    return i * 64 + tz64(~x);
  }
  return notFound;
}

// Go: runtime/mpallocbits.go (*pallocBits).findSmallN
pallocBits::findResult pallocBits::findSmallN(uintptr npages, unsigned searchIdx) const {
  unsigned end = 0, newSearchIdx = notFound;
  for (unsigned i = searchIdx / 64; i < pallocChunkPages / 64; i++) {
    uint64_t bi = b[i];
    if (~bi == 0) {
      end = 0;
      continue;
    }
    // First see if we can pack our allocation in the trailing zeros plus the
    // end of the last 64 bits.
    if (newSearchIdx == notFound) newSearchIdx = i * 64 + tz64(~bi);
    unsigned start = tz64(bi);
    if (end + start >= npages) return {i * 64 - end, newSearchIdx};
    // Next, check the interior of the 64-bit chunk.
    unsigned j = findBitRange64(~bi, static_cast<unsigned>(npages));
    if (j < 64) return {i * 64 + j, newSearchIdx};
    end = lz64(bi);
  }
  return {notFound, newSearchIdx};
}

// Go: runtime/mpallocbits.go (*pallocBits).findLargeN
pallocBits::findResult pallocBits::findLargeN(uintptr npages, unsigned searchIdx) const {
  unsigned start = notFound, size = 0, newSearchIdx = notFound;
  for (unsigned i = searchIdx / 64; i < pallocChunkPages / 64; i++) {
    uint64_t x = b[i];
    if (x == ~uint64_t(0)) {
      size = 0;
      continue;
    }
    if (newSearchIdx == notFound) newSearchIdx = i * 64 + tz64(~x);
    if (size == 0) {
      size = lz64(x);
      start = i * 64 + 64 - size;
      continue;
    }
    unsigned s = tz64(x);
    if (s + size >= npages) return {start, newSearchIdx};
    if (s < 64) {
      size = lz64(x);
      start = i * 64 + 64 - size;
      continue;
    }
    size += 64;
  }
  if (size < npages) return {notFound, newSearchIdx};
  return {start, newSearchIdx};
}

// Go: runtime/mpallocbits.go findBitRange64 — the first run of n 1 bits in c
// (n >= 1), or 64. Shrinks every run of ones by n-1 from the top; whatever
// survives marks a long-enough run at its original position.
unsigned findBitRange64(uint64_t c, unsigned n) {
  unsigned p = n - 1;  // number of 1s we want to remove.
  unsigned k = 1;      // current minimum width of runs of 0 in c.
  while (p > 0) {
    if (p <= k) {
      // Shift p 0s down into the top of each run of 1s.
      c &= c >> (p & 63);
      break;
    }
    // Shift k 0s down into the top of each run of 1s.
    c &= c >> (k & 63);
    if (c == 0) return 64;
    p -= k;
    // We've just doubled the minimum length of 0-runs.
    k *= 2;
  }
  // Find first remaining 1. Since we shrunk from the top down, the first 1
  // is in its correct original position.
  return tz64(c);
}

// ---- pageAlloc --------------------------------------------------------------

void pageAlloc::init(persistentAlloc* persistent, heapStatsCounters* stats) {
  persistent_ = persistent;
  stats_ = stats;
  chunks_ = nullptr;
  inUse_ = nullptr;
  nInUse_ = capInUse_ = 0;
  searchAddr_ = ~uintptr(0);
}

pageAlloc::chunkData* pageAlloc::chunkOf(uintptr ci) const {
  uintptr l1 = ci >> pallocChunksL2Bits, l2 = ci & ((uintptr(1) << pallocChunksL2Bits) - 1);
  return &chunks_[l1][l2];
}

template <typename F>
void pageAlloc::forEachChunk(F&& f) const {
  for (int r = 0; r < nInUse_; r++)
    for (uintptr ci = chunkIndex(inUse_[r].base); ci < chunkIndex(inUse_[r].limit); ci++) f(ci, chunkOf(ci));
}

// Go: runtime/mpagealloc.go (*pageAlloc).grow
bool pageAlloc::grow(uintptr base, uintptr size) {
  if (base % pallocChunkBytes != 0 || size % pallocChunkBytes != 0) return false;
  uintptr limit = base + size;
  // The L1 array (lazily, like Go's sysAlloc of p.chunks' L2 blocks).
  if (chunks_ == nullptr) {
    chunks_ = static_cast<chunkData**>(persistent_->alloc(
        sizeof(chunkData*) << pallocChunksL1Bits, 8, &stats_->gcMiscSys));
    if (chunks_ == nullptr) return false;
  }
  for (uintptr ci = chunkIndex(base); ci < chunkIndex(limit); ci++) {
    uintptr l1 = ci >> pallocChunksL2Bits;
    if (chunks_[l1] == nullptr) {
      chunks_[l1] = static_cast<chunkData*>(
          persistent_->alloc(sizeof(chunkData) << pallocChunksL2Bits, 64, &stats_->gcMiscSys));
      if (chunks_[l1] == nullptr) return false;
    }
  }
  // Go: p.inUse.add(makeAddrRange(base, limit)) — keep the ranges sorted and merged.
  if (nInUse_ == capInUse_) {
    int ncap = capInUse_ == 0 ? 16 : capInUse_ * 2;
    auto* n = static_cast<addrRange*>(persistent_->alloc(sizeof(addrRange) * ncap, 8, &stats_->gcMiscSys));
    if (n == nullptr) return false;
    for (int i = 0; i < nInUse_; i++) n[i] = inUse_[i];  // the old array is leaked, as in Go
    inUse_ = n;
    capInUse_ = ncap;
  }
  int i = 0;
  while (i < nInUse_ && inUse_[i].base < base) i++;
  for (int j = nInUse_; j > i; j--) inUse_[j] = inUse_[j - 1];
  inUse_[i] = addrRange{base, limit};
  nInUse_++;
  for (int k = 0; k + 1 < nInUse_;) {  // merge contiguous neighbours
    if (inUse_[k].limit == inUse_[k + 1].base) {
      inUse_[k].limit = inUse_[k + 1].limit;
      for (int j = k + 1; j + 1 < nInUse_; j++) inUse_[j] = inUse_[j + 1];
      nInUse_--;
    } else {
      k++;
    }
  }
  // Newly-grown memory is always considered scavenged, and free.
  for (uintptr ci = chunkIndex(base); ci < chunkIndex(limit); ci++) {
    chunkData* c = chunkOf(ci);
    c->data.alloc.clearAll();
    c->data.scavenged.setAll();
    c->sum = packPallocSum(pallocChunkPages, pallocChunkPages, pallocChunkPages);
  }
  if (base < searchAddr_) searchAddr_ = base;
  return true;
}

// Go: runtime/mpagealloc.go (*pageAlloc).find, leaf level only: walk the
// chunk summaries in address order from searchAddr, carrying the free run
// that ends at the previous chunk's end (Go's mergeSummaries at each level).
uintptr pageAlloc::find(uintptr npages, uintptr* firstFree) const {
  *firstFree = 0;
  for (int r = 0; r < nInUse_; r++) {
    if (inUse_[r].limit <= searchAddr_) continue;
    uintptr from = inUse_[r].base > searchAddr_ ? inUse_[r].base : searchAddr_;
    uintptr runBase = 0, runLen = 0;  // a new range never continues the previous one
    for (uintptr ci = chunkIndex(from); ci < chunkIndex(inUse_[r].limit); ci++) {
      const chunkData* c = chunkOf(ci);
      uintptr cbase = chunkBase(ci);
      unsigned searchIdx = (from > cbase) ? chunkPageIndex(from) : 0;
      pallocSum sum = c->sum;
      if (*firstFree == 0 && sum.max() > 0) {
        unsigned i = c->data.alloc.find1(searchIdx);
        if (i != pallocBits::notFound) *firstFree = cbase + i * PageSize;
      }
      // A run that started in an earlier chunk and continues into this one.
      if (runLen > 0 && runLen + sum.start() >= npages) return runBase;
      // A run inside this chunk.
      if (sum.max() >= npages) {
        auto res = c->data.alloc.find(npages, searchIdx);
        if (res.index != pallocBits::notFound) return cbase + uintptr(res.index) * PageSize;
      }
      // Carry the run that reaches this chunk's end into the next chunk.
      if (sum.start() == pallocChunkPages) {
        if (runLen == 0) runBase = cbase;
        runLen += pallocChunkPages;
      } else {
        runLen = sum.end();
        runBase = cbase + (pallocChunkPages - runLen) * PageSize;
      }
    }
  }
  return 0;
}

// Go: runtime/mpagealloc.go (*pageAlloc).allocRange — mark [base, base+npages)
// in use, clear their scavenged bits, refresh the summaries. Returns the
// number of scavenged bytes in the range.
uintptr pageAlloc::allocRange(uintptr base, uintptr npages) {
  uintptr scav = 0;
  uintptr limit = base + npages * PageSize;
  for (uintptr ci = chunkIndex(base); ci <= chunkIndex(limit - 1); ci++) {
    chunkData* c = chunkOf(ci);
    uintptr lo = ci == chunkIndex(base) ? chunkPageIndex(base) : 0;
    uintptr hi = ci == chunkIndex(limit - 1) ? chunkPageIndex(limit - 1) + 1 : pallocChunkPages;
    unsigned n = static_cast<unsigned>(hi - lo);
    scav += c->data.scavenged.popcntRange(static_cast<unsigned>(lo), n) * PageSize;
    c->data.alloc.allocRange(static_cast<unsigned>(lo), n);
    c->data.scavenged.clearRange(static_cast<unsigned>(lo), n);
    c->sum = c->data.alloc.summarize();  // Go: p.update(base, npages, true, true)
  }
  return scav;
}

// Go: runtime/mpagealloc.go (*pageAlloc).alloc
uintptr pageAlloc::alloc(uintptr npages, uintptr* scav) {
  *scav = 0;
  uintptr firstFree = 0;
  uintptr addr = find(npages, &firstFree);
  if (addr == 0) {
    // Nothing fits; remember the first free page anyway (or that none exist).
    if (firstFree != 0) searchAddr_ = firstFree;
    return 0;
  }
  *scav = allocRange(addr, npages);
  // Keep "no free page below searchAddr" true.
  searchAddr_ = (addr == firstFree) ? addr + npages * PageSize : firstFree;
  return addr;
}

// Go: runtime/mpagealloc.go (*pageAlloc).free
void pageAlloc::free(uintptr base, uintptr npages) {
  if (base < searchAddr_) searchAddr_ = base;
  uintptr limit = base + npages * PageSize;
  for (uintptr ci = chunkIndex(base); ci <= chunkIndex(limit - 1); ci++) {
    chunkData* c = chunkOf(ci);
    uintptr lo = ci == chunkIndex(base) ? chunkPageIndex(base) : 0;
    uintptr hi = ci == chunkIndex(limit - 1) ? chunkPageIndex(limit - 1) + 1 : pallocChunkPages;
    c->data.alloc.free(static_cast<unsigned>(lo), static_cast<unsigned>(hi - lo));
    c->sum = c->data.alloc.summarize();  // Go: p.update(base, npages, true, false)
  }
}

uintptr pageAlloc::scavengedPages() const {
  uintptr n = 0;
  forEachChunk([&](uintptr, const chunkData* c) { n += c->data.scavenged.popcntRange(0, pallocChunkPages); });
  return n;
}

uintptr pageAlloc::freePages() const {
  uintptr n = 0;
  forEachChunk([&](uintptr, const chunkData* c) { n += pallocChunkPages - c->data.alloc.popcntRange(0, pallocChunkPages); });
  return n;
}

bool pageAlloc::pageInUse(uintptr addr) const {
  for (int r = 0; r < nInUse_; r++)
    if (addr >= inUse_[r].base && addr < inUse_[r].limit) return chunkOf(chunkIndex(addr))->data.alloc.get(chunkPageIndex(addr));
  return false;
}

}  // namespace rt::mem
