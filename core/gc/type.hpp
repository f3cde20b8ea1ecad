// Type: what the collector knows about an object — its size and which of
// its words hold pointers.
//
// Lesson. To scan an object the GC must know where its pointers are; a word
// that merely looks like an address must not keep anything alive. Go's
// compiler emits that knowledge as type metadata: for each type a pointer
// mask, one bit per word ("ptrdata" covers the words up to the last
// pointer). Objects whose type has no pointers are "noscan": they live in
// noscan spans, are never scanned, and only need their mark bit set.
//
// The lab's types are built at run time (C++ has no such metadata, and
// scenario scripts declare their own types): a name, a number of words, and
// which of them are pointers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rt::gc {

// Go: internal/abi/type.go Type (Size_, PtrBytes, GCData), reduced to words.
struct Type {
  std::string name;
  uint32_t nwords = 0;           // the object's payload, in words (pointer-sized)
  std::vector<uint64_t> ptrmask; // bit i set: word i is a pointer (Go: GCData)
  uint32_t nptrs = 0;            // number of pointer words
  uint32_t ptrwords = 0;         // Go: PtrBytes/8 — words up to the last pointer

  // A type of nwords words whose pointer words are listed in ptrs.
  Type(std::string name, uint32_t nwords, const std::vector<uint32_t>& ptrs);
  bool isPointer(uint32_t word) const { return word < ptrwords && ((ptrmask[word / 64] >> (word % 64)) & 1); }
  bool noscan() const { return nptrs == 0; }
  // Bytes the allocator is asked for: the payload plus, for types with
  // pointers, the one-word header that points back at the Type (object.hpp).
  uintptr_t allocSize() const;
};

}  // namespace rt::gc
