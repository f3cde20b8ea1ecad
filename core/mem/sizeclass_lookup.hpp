// From a request's size to its size class: two table lookups.
//
// Lesson. sizeclasses.hpp generates Go's 68 classes and, with them, two
// lookup tables, so that mallocgc never searches the classes:
//
//   size_to_class8[i]    the class of a size of at most i*8 bytes, for
//                        sizes up to smallSizeMax-8 = 1016 B (129 entries);
//   size_to_class128[i]  the class of a size of at most 1024 + i*128
//                        bytes, up to 32768 B (249 entries).
//
// A size s is looked up at index divRoundUp(s, 8) (or divRoundUp(s - 1024,
// 128)): the entry for the next multiple of 8 (or 128) at or above s. That
// is enough because every class size up to 1024 B is a multiple of 8 and
// every one above is a multiple of 128 (mksizeclasses keeps them so), so no
// class boundary falls between s and that multiple. The small table ends
// at 1016 B because 1024 B, size_to_class128[0], already covers 1017..1024
// (for 1017..1023, size - 1024 wraps around and divRoundUp wraps back to 0,
// in Go as here).
//
// roundupsize is what a request costs: its class's size for small objects,
// whole pages for large ones (append and make use it to grow slices).
//
// The exercises build can replace this header with the learner's copy
// (course/day4/handwrite/sizeclass_lookup.hpp), so it includes nothing that
// includes it.
#pragma once

#include "mem/sizeclasses.hpp"

namespace rt::mem {

// The size class of a request of size bytes, 0 <= size <= MaxSmallSize
// (size 0 gives class 0, which holds no object: mallocgc returns zerobase).
// Go: runtime/malloc.go mallocgc (the two-table lookup)
constexpr uint8_t sizeToClass(uintptr size) {
  if (size <= SmallSizeMax - 8) return size_to_class8[divRoundUp(size, SmallSizeDiv)];
  return size_to_class128[divRoundUp(size - SmallSizeMax, LargeSizeDiv)];
}

// The size a request is rounded up to: its class's size below MaxSmallSize,
// else a whole number of pages (or size itself, if that would overflow).
// Go: runtime/msize.go roundupsize
constexpr uintptr roundupsize(uintptr size) {
  if (size < MaxSmallSize) return class_to_size[sizeToClass(size)];
  if (size + PageSize < size) return size;
  return alignUp(size, PageSize);
}

}  // namespace rt::mem
