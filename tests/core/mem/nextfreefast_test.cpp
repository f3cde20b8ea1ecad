// The allocator's fast path (nextfreefast.hpp: nextFreeFast and
// mspan::refillAllocCache) on spans built by hand: every free slot comes
// out exactly once, in order, never a used one, across the 64-slot windows
// of allocCache, with mspan::nextFreeIndex (given) as the slow path, the
// way mcache.nextFree uses it.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mem/nextfreefast.hpp"

namespace rt::mem {
namespace {

constexpr uintptr kBase = uintptr{1} << 20;  // any span base (wasm's uintptr is 32 bits): nextFreeFast only computes addresses
constexpr uintptr kElem = 48;

// A span of n slots whose allocBits are `used` (bit i: slot i in use), as
// a sweep leaves it: freeindex 0, allocCache loaded from the first window.
std::unique_ptr<mspan> makeSpan(uintptr n, const std::vector<bool>& used) {
  auto s = std::make_unique<mspan>();
  s->init(kBase, 1);
  s->nelems = n;
  s->elemsize = kElem;
  s->limit = kBase + n * kElem;
  uint16_t count = 0;
  for (uintptr i = 0; i < n; i++)
    if (used[i]) {
      s->allocBits->setNonAtomic(i);
      count++;
    }
  s->allocCount = count;
  s->freeindex = 0;
  s->refillAllocCache(0);
  return s;
}

// The cache's invariant while the span has slots left: bit 0 of allocCache
// stands for slot freeindex, and the bits above it for the rest of its
// window, complemented.
void expectCacheCoversFreeindex(const mspan& s, const std::string& where) {
  if (s.freeindex >= s.nelems) return;
  const uint64_t want = ~s.allocBits->w[s.freeindex / 64] >> (s.freeindex % 64);
  EXPECT_EQ(s.allocCache, want) << where << ": allocCache does not match the window at freeindex " << s.freeindex;
}

struct Drained {
  std::vector<uintptr> slots;  // in the order they were handed out
  int fast = 0, slow = 0;
};

// Allocates until the span is full: nextFreeFast, and when it says 0,
// mcache.nextFree's nextFreeIndex.
Drained drain(mspan* s, const std::string& what) {
  Drained d;
  for (uintptr guard = 0; guard <= 2 * s->nelems + 2; guard++) {
    const uintptr before = s->freeindex;
    uintptr v = nextFreeFast(s);
    uintptr idx;
    if (v != 0) {
      d.fast++;
      EXPECT_EQ((v - s->base()) % s->elemsize, 0u) << what << ": not the start of a slot";
      idx = (v - s->base()) / s->elemsize;
      EXPECT_EQ(s->freeindex, idx + 1) << what << ": freeindex must move just past the slot taken";
    } else {
      EXPECT_EQ(s->freeindex, before) << what << ": a refusal must leave freeindex alone";
      idx = s->nextFreeIndex();
      if (idx == s->nelems) return d;
      d.slow++;
      s->allocCount++;
    }
    d.slots.push_back(idx);
    expectCacheCoversFreeindex(*s, what + " after slot " + std::to_string(idx));
  }
  ADD_FAILURE() << what << ": the span never filled up";
  return d;
}

std::vector<uintptr> freeSlots(uintptr n, const std::vector<bool>& used) {
  std::vector<uintptr> out;
  for (uintptr i = 0; i < n; i++)
    if (!used[i]) out.push_back(i);
  return out;
}

// Go: runtime/mbitmap.go refillAllocCache — the complement of the eight
// bytes (one word) of allocBits at whichByte.
TEST(NextFreeFast, RefillAllocCacheLoadsTheComplementOfOneWindow) {
  std::vector<bool> used(1024, false);
  auto s = makeSpan(1024, used);
  for (uintptr k = 0; k < gcBits::nwords; k++) s->allocBits->w[k] = 0x0123456789abcdefull * (k + 1) ^ (uint64_t{k} << 60);
  for (uintptr k = 0; k < gcBits::nwords; k++) {
    s->refillAllocCache(k * 8);
    EXPECT_EQ(s->allocCache, ~s->allocBits->w[k]) << "window " << k;
  }
}

// The property that matters: with the slow path between them, every free
// slot is handed out exactly once, in increasing order, and never a slot
// that is in use — for spans of every shape (one window, a partial last
// window, up to the 1024 slots of class 1) and every kind of bitmap.
TEST(NextFreeFast, EveryFreeSlotExactlyOnceAcrossWindows) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto rnd = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (uintptr n : {1, 2, 63, 64, 65, 127, 128, 129, 170, 256, 341, 512, 1000, 1024}) {
    for (int pattern = 0; pattern < 7; pattern++) {
      std::vector<bool> used(n);
      for (uintptr i = 0; i < n; i++) {
        switch (pattern) {
          case 0: used[i] = false; break;                     // a fresh span
          case 1: used[i] = true; break;                      // a full one
          case 2: used[i] = i % 2 == 1; break;                // every other slot
          case 3: used[i] = i + 1 != n; break;                // only the last slot free
          case 4: used[i] = (i / 64) % 2 == 0; break;         // whole windows used
          case 5: used[i] = rnd() % 10 != 0; break;           // 90% used
          default: used[i] = rnd() % 3 == 0; break;           // 33% used
        }
      }
      const std::string what = "nelems " + std::to_string(n) + " pattern " + std::to_string(pattern);
      auto s = makeSpan(n, used);
      const uintptr usedBefore = s->allocCount;
      Drained d = drain(s.get(), what);
      EXPECT_EQ(d.slots, freeSlots(n, used)) << what;
      EXPECT_EQ(s->allocCount, n) << what << ": allocCount counts every slot handed out";
      EXPECT_EQ(uintptr(d.fast + d.slow), n - usedBefore) << what;
      if (pattern == 0 && n > 1) {
        EXPECT_GT(d.fast, d.slow) << what << ": a fresh span is mostly the fast path";
      }
    }
  }
}

// nextFreeFast does not step onto a window it has not loaded: in a fresh
// span of 256 slots it takes slots 0..62, refuses slot 63 (it would move
// freeindex to 64), and so on; the span's last slot needs no new window.
TEST(NextFreeFast, RefusesOnlyWhereFreeindexWouldEnterTheNextWindow) {
  auto s = makeSpan(256, std::vector<bool>(256, false));
  std::vector<uintptr> refused;
  for (uintptr i = 0; i < 256; i++) {
    const uint64_t cache = s->allocCache;
    const uint16_t count = s->allocCount;
    uintptr v = nextFreeFast(s.get());
    if (v == 0) {
      refused.push_back(i);
      EXPECT_EQ(s->allocCache, cache) << "a refusal changes nothing";
      EXPECT_EQ(s->allocCount, count) << "a refusal changes nothing";
      ASSERT_EQ(s->nextFreeIndex(), i);
      s->allocCount++;
    } else {
      ASSERT_EQ(v, kBase + i * kElem);
    }
  }
  EXPECT_EQ(refused, (std::vector<uintptr>{63, 127, 191}));
  EXPECT_EQ(s->freeindex, 256u);
  EXPECT_EQ(nextFreeFast(s.get()), 0u) << "a full span";
}

// The span every empty mcache slot points to, and a span whose cache holds
// no free slot: 0, and nothing moves.
TEST(NextFreeFast, EmptyCacheOrFullSpanGivesZero) {
  EXPECT_EQ(nextFreeFast(&emptymspan), 0u);
  EXPECT_EQ(emptymspan.freeindex, 0u);
  std::vector<bool> used(128, false);
  for (uintptr i = 0; i < 64; i++) used[i] = true;
  auto s = makeSpan(128, used);
  EXPECT_EQ(nextFreeFast(s.get()), 0u) << "the first window is all in use";
  EXPECT_EQ(s->freeindex, 0u);
  EXPECT_EQ(s->allocCount, 64u);
}

}  // namespace
}  // namespace rt::mem
