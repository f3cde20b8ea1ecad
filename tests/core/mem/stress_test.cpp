// Several threads, each with its own mcache, sharing the mcentrals and the
// mheap. Objects also travel between threads and are freed by a thread that
// did not allocate them (the mcentral-locked "remote" free path). Run under
// ThreadSanitizer and AddressSanitizer: the point is that they stay silent.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "mem_test_util.hpp"
#include "support/scale.hpp"

namespace rt::mem {
namespace {

struct Mailbox {
  std::mutex mu;
  std::vector<std::pair<uint8_t*, uintptr>> items;  // object, size
};

TEST(MemStress, ThreadsShareCentralAndHeap) {
  RTLAB_NEEDS_THREADS();
  constexpr int kThreads = 4;
  const int kOps = int(testscale::scaled(60000, 4));
  auto heap = std::make_unique<mheap>();
  Mailbox boxes[kThreads];
  std::atomic<uint64_t> mallocs{0}, frees{0}, tinyAllocs{0};
  std::atomic<int> failures{0};

  auto worker = [&](int id) {
    mcache* c = heap->allocmcache();
    std::mt19937_64 rng(1000 + id);
    std::vector<std::pair<uint8_t*, uintptr>> mine;
    uint8_t fill = static_cast<uint8_t>(id + 1);
    auto check = [&](uint8_t* p, uintptr size, uint8_t want) {
      for (uintptr i = 0; i < size; i++)
        if (p[i] != want) {
          failures.fetch_add(1);
          return;
        }
    };
    for (int op = 0; op < kOps; op++) {
      uint64_t r = rng() % 100;
      if (r < 50 || mine.empty()) {
        uint64_t k = rng() % 100;
        uintptr size = k < 10 ? 1 + rng() % 15 : k < 97 ? 16 + rng() % 2000 : 40000 + rng() % 100000;
        bool noscan = k >= 10 || rng() % 2 == 0;
        auto* p = static_cast<uint8_t*>(mallocgc(c, size, noscan));
        if (p == nullptr) {
          failures.fetch_add(1);
          continue;
        }
        mallocs.fetch_add(1, std::memory_order_relaxed);
        check(p, size, 0);
        std::memset(p, fill, size);
        if (noscan && size < maxTinySize) {
          tinyAllocs.fetch_add(1, std::memory_order_relaxed);
          continue;  // tiny objects are never freed
        }
        mine.emplace_back(p, size);
      } else if (r < 80) {
        size_t i = rng() % mine.size();
        auto [p, size] = mine[i];
        mine[i] = mine.back();
        mine.pop_back();
        check(p, size, fill);
        if (labFree(heap.get(), c, p) != FreeStatus::Freed) failures.fetch_add(1);
        frees.fetch_add(1, std::memory_order_relaxed);
      } else if (r < 90) {
        // Hand an object to another thread; it will free it.
        size_t i = rng() % mine.size();
        auto obj = mine[i];
        mine[i] = mine.back();
        mine.pop_back();
        std::memset(obj.first, 0xee, obj.second);
        Mailbox& b = boxes[(id + 1 + rng() % (kThreads - 1)) % kThreads];
        std::lock_guard<std::mutex> g(b.mu);
        b.items.push_back(obj);
      } else {
        std::vector<std::pair<uint8_t*, uintptr>> got;
        {
          std::lock_guard<std::mutex> g(boxes[id].mu);
          got.swap(boxes[id].items);
        }
        for (auto [p, size] : got) {
          check(p, size, 0xee);
          if (labFree(heap.get(), c, p) != FreeStatus::Freed) failures.fetch_add(1);
          frees.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (op % 5000 == 4999) c->releaseAll();  // like a P flushing at a GC
    }
    for (auto [p, size] : mine) {
      check(p, size, fill);
      if (labFree(heap.get(), c, p) != FreeStatus::Freed) failures.fetch_add(1);
      frees.fetch_add(1, std::memory_order_relaxed);
    }
    heap->freemcache(c);
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++) threads.emplace_back(worker, i);
  for (auto& t : threads) t.join();
  // Objects still in mailboxes: free them from here (no mcache).
  for (auto& b : boxes)
    for (auto [p, size] : b.items) {
      ASSERT_EQ(labFree(heap.get(), nullptr, p), FreeStatus::Freed);
      frees.fetch_add(1);
    }
  EXPECT_EQ(failures.load(), 0);

  MemStats st;
  ReadMemStats(heap.get(), &st);
  EXPECT_EQ(st.Mallocs, mallocs.load());
  EXPECT_EQ(st.Frees, frees.load() + tinyAllocs.load() - (st.HeapObjects));
  EXPECT_EQ(st.Mallocs - st.Frees, st.HeapObjects);
  EXPECT_EQ(st.HeapAlloc, 16 * st.HeapObjects) << "only tiny blocks are left";
  testing::checkReadMemStatsSlow(heap.get());
  auto pc = heap->countPagesInUse();
  EXPECT_EQ(pc.pagesInUse, pc.counted);
}

// The lab-only keep path (mcentral.labKeepEmptied) runs without the
// mcentral lock. Two threads free each object right after allocating it, so
// their refills keep span after span, and now and then hand one to the
// other, whose free lands in a span its owner is refilling: the owner reads
// the span's remote-free count while the other thread, under the lock,
// writes it. A span with a handed object must go back, not be kept: every
// pair is counted once, no free is refused, none is found bad.
TEST(MemStress, KeptSpansRaceRemoteFrees) {
  RTLAB_NEEDS_THREADS();
  constexpr int kThreads = 2;
  const int kOps = int(testscale::scaled(1000000, 10));
  constexpr uintptr kSize = 32;
  auto heap = std::make_unique<mheap>();
  Mailbox boxes[kThreads];
  std::atomic<uint64_t> handed{0};
  std::atomic<int> failures{0}, ready{0};

  auto worker = [&](int id) {
    mcache* c = heap->allocmcache();
    std::mt19937_64 rng(2000 + id);
    // Start together, so that the two threads' refills overlap.
    ready.fetch_add(1);
    while (ready.load() != kThreads) std::this_thread::yield();
    for (int op = 0; op < kOps; op++) {
      auto* p = static_cast<uint8_t*>(mallocgc(c, kSize, true));
      if (p == nullptr) {
        failures.fetch_add(1);
        continue;
      }
      std::memset(p, id + 1, kSize);
      if (rng() % 1000 == 0) {
        handed.fetch_add(1, std::memory_order_relaxed);
        std::lock_guard<std::mutex> g(boxes[1 - id].mu);
        boxes[1 - id].items.emplace_back(p, kSize);
      } else if (labFree(heap.get(), c, p) != FreeStatus::Freed) {
        failures.fetch_add(1);
      }
      if (op % 64 == 0) {
        std::vector<std::pair<uint8_t*, uintptr>> got;
        {
          std::lock_guard<std::mutex> g(boxes[id].mu);
          got.swap(boxes[id].items);
        }
        for (auto [q, size] : got)
          if (q[0] != 2 - id || labFree(heap.get(), c, q) != FreeStatus::Freed) failures.fetch_add(1);
      }
    }
    heap->freemcache(c);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++) threads.emplace_back(worker, i);
  for (auto& t : threads) t.join();
  for (auto& b : boxes)
    for (auto [q, size] : b.items) ASSERT_EQ(labFree(heap.get(), nullptr, q), FreeStatus::Freed);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(handed.load(), 0u);

  MemStats st;
  ReadMemStats(heap.get(), &st);
  EXPECT_EQ(st.Mallocs, uint64_t(kThreads) * kOps);
  EXPECT_EQ(st.Frees, st.Mallocs);
  EXPECT_EQ(st.HeapObjects, 0u);
  EXPECT_EQ(heap->stats.badFrees.load(), 0u);
  testing::checkReadMemStatsSlow(heap.get());
}

}  // namespace
}  // namespace rt::mem
