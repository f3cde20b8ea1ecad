// Model-based randomized test: random allocations (tiny, small, large) and
// frees through two mcaches, checked against a plain reference model.
//
// The model knows which byte ranges are live and what pattern each object
// holds. After every step: the new object does not overlap any live one,
// is aligned as its size class promises, and arrives zeroed; at checkpoints
// every live object still holds its pattern, and MemStats equals what the
// model predicts (Mallocs, Frees, HeapObjects, HeapAlloc) and what a walk of
// the spans finds.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "mem_test_util.hpp"

namespace rt::mem {
namespace {

struct Obj {
  uintptr size;   // requested
  bool tiny;      // from the tiny allocator (never freed)
  uint8_t fill;   // pattern byte
};

class Model {
 public:
  // Returns false (with a gtest failure) if [p, p+size) overlaps a live object.
  bool add(uintptr p, const Obj& o) {
    auto next = live_.lower_bound(p);
    if (next != live_.end() && next->first < p + o.size) {
      ADD_FAILURE() << "overlap: new " << p << "+" << o.size << " vs live " << next->first;
      return false;
    }
    if (next != live_.begin()) {
      auto prev = std::prev(next);
      if (prev->first + prev->second.size > p) {
        ADD_FAILURE() << "overlap: new " << p << " vs live " << prev->first << "+" << prev->second.size;
        return false;
      }
    }
    live_.emplace(p, o);
    return true;
  }
  std::map<uintptr, Obj>& live() { return live_; }

 private:
  std::map<uintptr, Obj> live_;
};

uintptr expectedAlign(uintptr size, bool noscan) {
  if (size > MaxSmallSize) return PageSize;
  if (noscan && size < maxTinySize) {
    if ((size & 7) == 0) return 8;
    if (PtrSize == 4 && size == 12) return 8;
    if ((size & 3) == 0) return 4;
    if ((size & 1) == 0) return 2;
    return 1;
  }
  uintptr cs = class_to_size[sizeToClass(size)];
  return uintptr(1) << std::min<unsigned>(std::countr_zero(cs), PageShift);
}

// The first byte of [p, p+n) that is not `want`, or n.
uintptr firstMismatch(const uint8_t* p, uintptr n, uint8_t want) {
  for (uintptr i = 0; i < n; i++)
    if (p[i] != want) return i;
  return n;
}

uintptr heapBytes(uintptr size) {
  return size > MaxSmallSize ? alignUp(size, PageSize) : class_to_size[sizeToClass(size)];
}

void runModel(uint64_t seed, int steps) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  auto heap = std::make_unique<mheap>();
  mcache* caches[2] = {heap->allocmcache(), heap->allocmcache()};
  std::mt19937_64 rng(seed);
  Model model;
  std::vector<uintptr> freeable;  // live, non-tiny objects (for random frees)
  std::set<uintptr> tinyBlocks;
  uint64_t mallocs = 0, frees = 0, tinyRequests = 0;
  uint8_t nextFill = 1;

  auto checkpoint = [&] {
    for (auto& [p, o] : model.live()) {
      uintptr i = firstMismatch(reinterpret_cast<uint8_t*>(p), o.size, o.fill);
      if (i != o.size) {
        ADD_FAILURE() << "object at " << p << " corrupted at byte " << i;
        return;
      }
    }
    MemStats st;
    ReadMemStats(heap.get(), &st);  // flushes both mcaches, like Go
    testing::checkMemStatsRules(st);
    uint64_t heapAlloc = 16 * tinyBlocks.size();
    for (uintptr p : freeable) heapAlloc += heapBytes(model.live()[p].size);
    EXPECT_EQ(st.Mallocs, mallocs);
    EXPECT_EQ(st.Frees, frees + (tinyRequests - tinyBlocks.size()));
    EXPECT_EQ(st.HeapObjects, freeable.size() + tinyBlocks.size());
    EXPECT_EQ(st.HeapAlloc, heapAlloc);
    testing::checkReadMemStatsSlow(heap.get());
    auto pc = heap->countPagesInUse();
    EXPECT_EQ(pc.pagesInUse, pc.counted);
  };

  for (int step = 0; step < steps && !::testing::Test::HasFailure(); step++) {
    mcache* c = caches[rng() % 2];
    uint64_t r = rng() % 100;
    if (r < 55 || freeable.empty()) {
      // Allocate: 20% tiny-sized, 70% small (log-uniform), 10% large.
      uint64_t k = rng() % 100;
      uintptr size;
      if (k < 20) {
        size = 1 + rng() % 15;
      } else if (k < 90) {
        size = uintptr(1) << (rng() % 15);
        size += rng() % size;
        if (size > MaxSmallSize) size = MaxSmallSize;
      } else {
        size = MaxSmallSize + 1 + rng() % (300 << 10);
      }
      bool noscan = rng() % 2 == 0;
      void* ptr = mallocgc(c, size, noscan);
      ASSERT_NE(ptr, nullptr) << c->lastError;
      auto p = reinterpret_cast<uintptr>(ptr);
      mallocs++;
      ASSERT_EQ(p % expectedAlign(size, noscan), 0u) << "size " << size;
      ASSERT_EQ(firstMismatch(static_cast<uint8_t*>(ptr), size, 0), size) << "not zeroed: size " << size;
      mspan* s = heap->spanOf(p);
      ASSERT_NE(s, nullptr);
      ASSERT_LE(p + size, s->limit);
      bool tiny = noscan && size < maxTinySize;
      Obj o{size, tiny, nextFill};
      nextFill = static_cast<uint8_t>(nextFill % 250 + 1);
      ASSERT_TRUE(model.add(p, o));
      std::memset(ptr, o.fill, size);
      if (tiny) {
        tinyRequests++;
        tinyBlocks.insert(p & ~uintptr(15));
      } else {
        freeable.push_back(p);
      }
    } else {
      size_t i = rng() % freeable.size();
      uintptr p = freeable[i];
      freeable[i] = freeable.back();
      freeable.pop_back();
      Obj o = model.live()[p];
      ASSERT_EQ(firstMismatch(reinterpret_cast<uint8_t*>(p), o.size, o.fill), o.size) << "corrupted before free";
      ASSERT_EQ(labFree(heap.get(), c, reinterpret_cast<void*>(p)), FreeStatus::Freed);
      model.live().erase(p);
      frees++;
    }
    if (step % 997 == 0) checkpoint();
  }
  checkpoint();

  // Free everything that can be freed: the heap shrinks to the tiny blocks.
  for (uintptr p : freeable) {
    ASSERT_EQ(labFree(heap.get(), caches[p % 2], reinterpret_cast<void*>(p)), FreeStatus::Freed);
    model.live().erase(p);
    frees++;
  }
  freeable.clear();
  checkpoint();
  MemStats st;
  ReadMemStats(heap.get(), &st);
  EXPECT_EQ(st.HeapObjects, tinyBlocks.size());
  std::set<uintptr> tinySpans;
  for (uintptr b : tinyBlocks) tinySpans.insert(heap->spanOf(b)->base());
  EXPECT_EQ(st.HeapInuse, tinySpans.size() * PageSize) << "only spans holding tiny blocks stay in use";
  for (mcache* c : caches) heap->freemcache(c);
}

TEST(MemModel, RandomSequences) {
  for (uint64_t seed = 1; seed <= 6; seed++) runModel(seed, 6000);
}

TEST(MemModel, LongSequence) { runModel(20240601, 40000); }

}  // namespace
}  // namespace rt::mem
