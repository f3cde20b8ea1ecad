// The size-class lookup (sizeclass_lookup.hpp: sizeToClass, roundupsize),
// judged against Go's own table (tests/fixtures/go-sizeclasses.txt) rather
// than against the lab's generated tables, and through mallocgc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mem/sizeclass_lookup.hpp"
#include "mem_test_util.hpp"
#include "support/go_sizeclasses.hpp"

namespace rt::mem {
namespace {

// Go's bytes/obj per class, from the fixture: goClassSize[c] for c in 1..67
// (goClassSize[0] = 0, Go's dummy class).
std::vector<uintptr> goClassSizes() {
  std::vector<uintptr> sizes{0};
  for (const auto& cols : testdata::goSizeClassRows()) {
    EXPECT_EQ(std::stoul(cols[0]), sizes.size()) << "the fixture lists the classes in order";
    sizes.push_back(std::stoul(cols[1]));
  }
  return sizes;
}

// What Go's mallocgc picks for a size: the first class whose objects hold
// it (class 0 for 0 bytes, which mallocgc never looks up).
int goClassFor(const std::vector<uintptr>& sizes, uintptr size) {
  if (size == 0) return 0;
  for (size_t c = 1; c < sizes.size(); c++)
    if (sizes[c] >= size) return int(c);
  return -1;
}

// Go: mallocgc's two-table lookup. Every size from 0 to 32768, with the
// class Go's table gives: the smallest class that fits it.
TEST(SizeClassLookup, EverySizeMapsToTheSmallestGoClassThatFits) {
  const std::vector<uintptr> sizes = goClassSizes();
  ASSERT_EQ(sizes.size(), size_t(NumSizeClasses));
  for (uintptr size = 0; size <= MaxSmallSize; size++) {
    const int want = goClassFor(sizes, size);
    ASSERT_EQ(int(sizeToClass(size)), want) << "size " << size;
  }
}

// Go: runtime/msize.go roundupsize, below 32 KB: the size of the class.
TEST(SizeClassLookup, RoundupsizeOfASmallSizeIsItsClassSize) {
  const std::vector<uintptr> sizes = goClassSizes();
  for (uintptr size = 0; size <= MaxSmallSize; size++)
    ASSERT_EQ(roundupsize(size), sizes[goClassFor(sizes, size)]) << "size " << size;
}

// The sizes on both sides of the two tables' seam (1016 B is the last entry
// of size_to_class8, 1024 B the first of size_to_class128) and of each
// class boundary.
TEST(SizeClassLookup, ClassBoundariesAndTheSeamBetweenTheTables) {
  const std::vector<uintptr> sizes = goClassSizes();
  for (size_t c = 1; c < sizes.size(); c++) {
    EXPECT_EQ(sizeToClass(sizes[c]), c) << "exactly " << sizes[c] << " B";
    if (c + 1 < sizes.size()) {
      EXPECT_EQ(sizeToClass(sizes[c] + 1), c + 1) << "one byte over " << sizes[c] << " B";
    }
  }
  for (uintptr size : {1016, 1017, 1023, 1024}) EXPECT_EQ(sizes[sizeToClass(size)], 1024u) << size;
  EXPECT_EQ(sizes[sizeToClass(1025)], 1152u);
}

// Above 32 KB a request takes whole 8 KB pages; near the top of the address
// space, where rounding up would wrap around, Go returns the size itself.
TEST(SizeClassLookup, RoundupsizeOfALargeSizeIsWholePages) {
  EXPECT_EQ(roundupsize(MaxSmallSize), MaxSmallSize);
  EXPECT_EQ(roundupsize(MaxSmallSize + 1), MaxSmallSize + PageSize);
  EXPECT_EQ(roundupsize(40000), 40960u);
  EXPECT_EQ(roundupsize(uintptr(1) << 20), uintptr(1) << 20);
  EXPECT_EQ(roundupsize((uintptr(1) << 20) + 1), (uintptr(1) << 20) + PageSize);
  const uintptr top = ~uintptr(0) - 100;
  EXPECT_EQ(roundupsize(top), top) << "size + PageSize overflows: Go gives the size back";
}

// mallocgc serves each size from the span class of its size class: the
// lookup is the one allocation uses, not a copy of it.
class SizeClassLookupMalloc : public testing::HeapTest {};

TEST_F(SizeClassLookupMalloc, MallocgcTakesEachSizeFromItsGoClass) {
  const std::vector<uintptr> sizes = goClassSizes();
  for (uintptr size = 16; size <= MaxSmallSize; size += size < 1100 ? 1 : 61) {
    for (bool noscan : {false, true}) {
      auto p = reinterpret_cast<uintptr>(alloc(size, noscan));
      mspan* s = heap->spanOf(p);
      ASSERT_NE(s, nullptr) << size;
      ASSERT_EQ(s->spanclass, makeSpanClass(goClassFor(sizes, size), noscan)) << "size " << size;
      ASSERT_EQ(s->elemsize, sizes[goClassFor(sizes, size)]) << "size " << size;
    }
  }
}

}  // namespace
}  // namespace rt::mem
