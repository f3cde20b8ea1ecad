// Size classes: our compile-time port of mksizeclasses.go must produce Go's
// table exactly (the header comment of Go's runtime/sizeclasses.go, kept in
// tests/fixtures/go-sizeclasses.txt), and the lookups must pick the smallest class that fits.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "mem/sizeclass_lookup.hpp"
#include "mem/sizeclasses.hpp"
#include "support/go_sizeclasses.hpp"

namespace rt::mem {
namespace {

struct TsvRow {
  int cls;
  uintptr bytesPerObj, bytesPerSpan, objects, tailWaste;
  double maxWastePct;
  uintptr minAlign;
};

std::vector<TsvRow> readGoTable() {
  std::vector<TsvRow> rows;
  for (const auto& cols : testdata::goSizeClassRows()) {
    std::istringstream ss(cols[0] + " " + cols[1] + " " + cols[2] + " " + cols[3] + " " + cols[4] + " " + cols[5] +
                          " " + cols[6]);
    TsvRow r{};
    ss >> r.cls >> r.bytesPerObj >> r.bytesPerSpan >> r.objects >> r.tailWaste >> r.maxWastePct >> r.minAlign;
    EXPECT_FALSE(ss.fail()) << "bad row for class " << cols[0];
    rows.push_back(r);
  }
  return rows;
}

TEST(SizeClasses, EqualGoTable) {
  std::vector<TsvRow> rows = readGoTable();
  // 67 real classes in the file; with the dummy class 0 that is Go's 68.
  ASSERT_EQ(rows.size() + 1, size_t(NumSizeClasses));
  EXPECT_EQ(class_to_size[0], 0);
  EXPECT_EQ(class_to_allocnpages[0], 0);
  uintptr prevSize = 0;
  for (const TsvRow& r : rows) {
    SCOPED_TRACE("class " + std::to_string(r.cls));
    ASSERT_GE(r.cls, 1);
    ASSERT_LT(r.cls, NumSizeClasses);
    // The derived columns, computed as mksizeclasses.go printComment does.
    uintptr size = class_to_size[r.cls];
    uintptr spanSize = uintptr(class_to_allocnpages[r.cls]) * PageSize;
    uintptr objects = spanSize / size;
    uintptr tailWaste = spanSize - size * objects;
    double maxWaste = double((size - prevSize - 1) * objects + tailWaste) / double(spanSize);
    unsigned alignBits = static_cast<unsigned>(std::countr_zero(size));
    if (alignBits > PageShift) alignBits = PageShift;  // capped at page alignment
    EXPECT_EQ(size, r.bytesPerObj);
    EXPECT_EQ(spanSize, r.bytesPerSpan);
    EXPECT_EQ(objects, r.objects);
    EXPECT_EQ(tailWaste, r.tailWaste);
    EXPECT_NEAR(100 * maxWaste, r.maxWastePct, 0.005 + 1e-9);
    EXPECT_EQ(uintptr(1) << alignBits, r.minAlign);
    // mksizeclasses' own promise: tail waste at most 1/8 of the span.
    EXPECT_LE(tailWaste * 8, spanSize);
    EXPECT_LE(objects, MaxObjsPerSpan);
    EXPECT_LE(class_to_allocnpages[r.cls], MaxSizeClassNPages);
    prevSize = size;
  }
}

TEST(SizeClasses, SeedCorrections) {
  // The course seed: "class 1 is 8 B, class 5 is 32 B, 67 classes, 4 KB pages".
  EXPECT_EQ(class_to_size[1], 8);
  EXPECT_EQ(class_to_size[4], 32);
  EXPECT_EQ(class_to_size[5], 48);
  EXPECT_EQ(NumSizeClasses, 68);
  EXPECT_EQ(PageSize, 8192u);
  EXPECT_EQ(numSpanClasses, 136);
}

// Go: runtime/mksizeclasses.go computeDivMagic — the brute-force check that
// n / size == (n * divmagic) >> 32 for every offset n in the span.
TEST(SizeClasses, DivMagicIsExact) {
  for (int c = 1; c < NumSizeClasses; c++) {
    uint32_t m = class_to_divmagic[c];
    ASSERT_EQ(m, ~uint32_t(0) / class_to_size[c] + 1);
    uintptr max = uintptr(class_to_allocnpages[c]) * PageSize;
    for (uintptr n = 0; n <= max; n++) {
      if (uint32_t((uint64_t(n) * uint64_t(m)) >> 32) != uint32_t(n / class_to_size[c])) {
        FAIL() << "bad 32-bit multiply magic: class " << c << " n=" << n;
      }
    }
  }
}

// Every size 1..32768 maps to the smallest class that fits it.
TEST(SizeClasses, LookupRoundTripExhaustive) {
  for (uintptr size = 1; size <= MaxSmallSize; size++) {
    int c = sizeToClass(size);
    ASSERT_GE(c, 1) << size;
    ASSERT_LT(c, NumSizeClasses) << size;
    ASSERT_GE(class_to_size[c], size) << "class too small for " << size;
    ASSERT_LT(class_to_size[c - 1], size) << "a smaller class fits " << size;
    ASSERT_EQ(roundupsize(size), class_to_size[c]);
  }
}

TEST(SizeClasses, LookupTablesMatchGoShape) {
  // Go: size_to_class8 has 129 entries, size_to_class128 has 249.
  EXPECT_EQ(size_to_class8.size(), 129u);
  EXPECT_EQ(size_to_class128.size(), 249u);
  const uint8_t head8[] = {0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12};
  for (size_t i = 0; i < sizeof head8; i++) EXPECT_EQ(size_to_class8[i], head8[i]) << i;
  const uint8_t head128[] = {32, 33, 34, 35, 36, 37, 37, 38, 38, 39, 39, 40, 40, 40, 41, 41, 41, 42, 43, 43, 44};
  for (size_t i = 0; i < sizeof head128; i++) EXPECT_EQ(size_to_class128[i], head128[i]) << i;
  for (size_t i = size_to_class128.size() - 32; i < size_to_class128.size(); i++) EXPECT_EQ(size_to_class128[i], 67);
  // Go: SizeClassToNPages
  const uint8_t npages[] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                            1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3,
                            2, 3, 4, 5, 6, 1, 7, 6, 5, 4, 3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4};
  for (int i = 0; i < NumSizeClasses; i++) EXPECT_EQ(class_to_allocnpages[i], npages[i]) << i;
}

TEST(SizeClasses, SpanClasses) {
  for (int sc = 0; sc < NumSizeClasses; sc++) {
    for (bool noscan : {false, true}) {
      spanClass spc = makeSpanClass(sc, noscan);
      EXPECT_EQ(spc.sizeclass(), sc);
      EXPECT_EQ(spc.noscan(), noscan);
      EXPECT_LT(spc.v, numSpanClasses);
      EXPECT_EQ(spc.v, (sc << 1) | (noscan ? 1 : 0));
    }
  }
  EXPECT_EQ(tinySpanClass.v, 5);
}

TEST(SizeClasses, RoundupsizeLarge) {
  EXPECT_EQ(roundupsize(MaxSmallSize + 1), MaxSmallSize + PageSize);
  EXPECT_EQ(roundupsize(100000), alignUp(100000, PageSize));
}

}  // namespace
}  // namespace rt::mem
