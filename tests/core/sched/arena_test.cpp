// The simulator's arena (platform/sim/arena.hpp): what a snapshot promises.
//
//   - while a scope is active, operator new (containers, make_unique) takes
//     memory from the arena, and delete gives it back from anywhere;
//   - alignment is honoured, up to a page;
//   - restore puts every byte back, frees what was allocated after the
//     snapshot and revives what was freed, and the allocations that follow
//     a restore land exactly where they landed after the save — which is what
//     makes a restored run continue exactly as the original did.
#include "platform/sim/arena.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rt::sim {
namespace {

TEST(Arena, AScopeRoutesOperatorNewAndDeleteFindsTheOwner) {
  Arena arena;
  std::vector<int>* v;
  {
    Arena::Scope in(&arena);
    v = new std::vector<int>(1000, 7);
    EXPECT_EQ(Arena::owner(v), &arena);
    EXPECT_EQ(Arena::owner(v->data()), &arena);
    {
      Arena::Scope outside(nullptr);
      auto* p = new int(3);
      EXPECT_EQ(Arena::owner(p), nullptr);
      delete p;
    }
    EXPECT_EQ(Arena::current(), &arena) << "scopes nest";
  }
  EXPECT_EQ(Arena::current(), nullptr);
  auto* mine = new int(1);
  EXPECT_EQ(Arena::owner(mine), nullptr);
  delete mine;
  delete v;  // outside the scope: still goes back to the arena
}

TEST(Arena, FreedBlocksAreReusedBySize) {
  Arena arena;
  Arena::Scope in(&arena);
  void* a = ::operator new(48);
  ::operator delete(a);
  void* b = ::operator new(40);  // the same 16-byte class
  EXPECT_EQ(a, b);
  void* big = ::operator new(5 << 20);  // larger than a chunk's minimum
  EXPECT_EQ(Arena::owner(big), &arena);
  EXPECT_EQ(Arena::owner(static_cast<char*>(big) + (5 << 20) - 1), &arena);
  ::operator delete(big);
  ::operator delete(b);
}

TEST(Arena, OverAlignedRequestsAreAligned) {
  Arena arena;
  Arena::Scope in(&arena);
  for (size_t align : {32, 64, 128, 4096}) {
    for (size_t n : {1, 63, 64, 1000, 70000}) {
      void* p = ::operator new(n, std::align_val_t{align});
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % align, 0u) << align << " " << n;
      std::memset(p, 0xab, n);
      ::operator delete(p, std::align_val_t{align});
    }
  }
  struct alignas(64) Line {
    char bytes[64];
  };
  auto line = std::make_unique<Line>();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(line.get()) % 64, 0u);
}

TEST(Arena, RestoreBringsBackEveryByteAndEveryAllocation) {
  Arena arena;
  std::vector<void*> after;  // outside the arena: the restore must not touch it
  after.reserve(8);
  Arena::Scope in(&arena);
  auto* m = new std::map<int, std::string>();
  for (int i = 0; i < 500; i++) (*m)[i] = "value " + std::to_string(i) + std::string(40, 'x');
  // A block freed after the snapshot, through the arena itself (a delete
  // would end an object's life as far as the compiler knows, and the
  // restore brings it back).
  auto* doomed = static_cast<int*>(::operator new(300 * sizeof(int)));
  std::fill(doomed, doomed + 300, 1);
  std::unique_ptr<Arena::Snapshot> snap = arena.save();
  EXPECT_EQ(snap->bytes(), arena.bytesInUse());

  // After the snapshot: what the next allocations return.
  for (size_t n : {24, 24, 200, 3000, 100000}) after.push_back(::operator new(n));
  // Change, free and grow things.
  for (int i = 0; i < 500; i += 2) m->erase(i);
  (*m)[1] = "changed";
  arena.deallocate(doomed);
  std::memset(::operator new(300 * sizeof(int)), 0, 300 * sizeof(int));  // reuses it
  for (int i = 0; i < 2000; i++) (*m)[1000 + i] = std::string(100, 'y');

  arena.restore(*snap);
  // (Compared first: the checks below allocate temporaries.)
  for (size_t i = 0; size_t n : {24, 24, 200, 3000, 100000}) {
    EXPECT_EQ(::operator new(n), after[i]) << "allocation " << i << " lands where it did after the save";
    i++;
  }
  ASSERT_EQ(m->size(), 500u);
  for (int i = 0; i < 500; i++) ASSERT_EQ((*m)[i], "value " + std::to_string(i) + std::string(40, 'x'));
  EXPECT_EQ(doomed[0], 1) << "a block freed after the snapshot is back, with its contents";
  EXPECT_EQ(doomed[299], 1);
  EXPECT_NE(::operator new(300 * sizeof(int)), doomed) << "and allocated again";
  // The same snapshot restores again (going back twice to one point).
  (*m)[7] = "again";
  arena.restore(*snap);
  EXPECT_EQ((*m)[7], "value 7" + std::string(40, 'x'));
  delete m;
}

TEST(Arena, ChunksTakenAfterASnapshotAreReusedAfterTheRestore) {
  Arena arena;
  std::vector<void*> blocks;  // outside the arena
  blocks.reserve(40);
  Arena::Scope in(&arena);
  std::unique_ptr<Arena::Snapshot> snap = arena.save();
  const size_t before = arena.bytesInUse();
  for (int i = 0; i < 40; i++) blocks.push_back(::operator new(1 << 20));  // 10+ chunks
  EXPECT_GT(arena.bytesInUse(), before + (40u << 20));
  arena.restore(*snap);
  EXPECT_EQ(arena.bytesInUse(), before);
  // The same requests again get the same addresses: the spare chunks are
  // taken back in order rather than new ones made.
  for (int i = 0; i < 40; i++) EXPECT_EQ(::operator new(1 << 20), blocks[static_cast<size_t>(i)]);
}

}  // namespace
}  // namespace rt::sim
