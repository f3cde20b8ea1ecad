// Objects in the heap: the layout the collector and the mutator API share.
//
// Lesson. An object is a slot of an mspan (core/mem). Given any address the
// GC must find the object around it (findObject): the span from the heap's
// span map, then the slot index from the offset (one multiply, divMul). The
// slot's mark bit lives in the span's gcmarkBits, at that index.
//
// An object whose type has pointers begins with a one-word header holding
// its Type*, and its fields (one word each) follow:
//
//     base ─▶ ┌──────────┬─────────┬─────────┬─────┐
//             │ Type*    │ word 0  │ word 1  │ ... │
//             └──────────┴─────────┴─────────┴─────┘
//
// Go 1.22+ does exactly this for objects over 512 bytes ("malloc headers",
// internal/runtime/gc/malloc.go MallocHeaderSize); smaller ones keep their
// pointer bits in the span instead. Named simplification: the lab uses the
// header for every object with pointers, so scanobject reads one format.
// Noscan objects have no header and are never scanned.
//
// A pointer field holds the address of another object's base, or 0. Fields
// are read and written with atomic instructions because on the real engine
// a mark worker reads them while mutators write them (Go relies on word
// stores being atomic on every platform it supports).
#pragma once

#include <atomic>
#include <cstdint>

#include "mem/malloc.hpp"
#include "mem/mheap.hpp"
#include "mem/mspan.hpp"

namespace rt::gc {

struct Type;
using uintptr = rt::mem::uintptr;

// Go: goarch.PtrSize — a word; objects are made of words, and the header is
// one word. A word is 8 bytes in every build: Go's own wasm port is a 64-bit
// architecture (GOARCH=wasm has PtrSize 8), so the lab models that, and under
// wasm32 a word holds a 32-bit address zero-extended. Objects then have the
// same sizes, size classes and scan work natively and in the browser, and a
// run prints the same numbers in both.
using Word = uint64_t;
inline constexpr uintptr kPtrSize = sizeof(Word);
static_assert(kPtrSize == mem::PtrSize);
inline constexpr uintptr kHeaderSize = kPtrSize;

// A heap object, seen from outside: the address of its base.
using Obj = void*;

inline Word* fieldAddr(uintptr base, uint32_t i) { return reinterpret_cast<Word*>(base + kHeaderSize) + i; }

// acquire: pairs with the release store in storeField, so whoever reads a
// pointer also sees the header and fields written before it was published.
inline uintptr loadField(uintptr base, uint32_t i) {
  return static_cast<uintptr>(__atomic_load_n(fieldAddr(base, i), __ATOMIC_ACQUIRE));
}
inline void storeField(uintptr base, uint32_t i, uintptr v) {
  __atomic_store_n(fieldAddr(base, i), static_cast<Word>(v), __ATOMIC_RELEASE);
}
// A scalar word, whole: 64 bits in every build (loadField's uintptr would cut
// a scalar to 32 bits under wasm32, where a pointer is 32 bits but a word is
// still 8 bytes). The same orders as loadField/storeField, so a scalar
// written before a pointer to its object is published is seen with it.
inline Word loadWord(uintptr base, uint32_t i) { return __atomic_load_n(fieldAddr(base, i), __ATOMIC_ACQUIRE); }
inline void storeWord(uintptr base, uint32_t i, Word v) { __atomic_store_n(fieldAddr(base, i), v, __ATOMIC_RELEASE); }
// The header: the object's Type*, written once by mallocgc (release) before
// the object is published.
inline void storeType(uintptr base, const Type* t) {
  __atomic_store_n(reinterpret_cast<Word*>(base), static_cast<Word>(reinterpret_cast<uintptr>(t)), __ATOMIC_RELEASE);
}
inline const Type* typeOf(uintptr base) {
  return reinterpret_cast<const Type*>(static_cast<uintptr>(__atomic_load_n(reinterpret_cast<Word*>(base), __ATOMIC_ACQUIRE)));
}

// Go: runtime/mbitmap.go findObject — the object containing p: its base,
// span and index in the span. Returns 0 if p does not point into an
// allocated slot of an in-use span of h (Go would throw on a bad pointer;
// the lab's fields only ever hold object bases or 0, so 0 means "nil").
inline uintptr findObject(mem::mheap* h, uintptr p, mem::mspan** sp, uintptr* objIndex) {
  if (p == 0) return 0;
  mem::mspan* s = h->spanOf(p);
  if (s == nullptr) return 0;
  uintptr idx = s->objIndex(p);
  if (idx >= s->nelems) return 0;
  *sp = s;
  *objIndex = idx;
  return s->base() + idx * s->elemsize;
}

// Go: runtime/mgcmark.go maxObletBytes — "Large objects are broken into
// oblets of at most this size for better parallelism and lower latency":
// scanning one is a bounded piece of work, so neither a stop-the-world nor
// a preemption waits for a whole 512 KB table to be scanned.
inline constexpr uintptr maxObletBytes = 128 << 10;
inline constexpr uint32_t kObletWords = uint32_t(maxObletBytes / kPtrSize);

// A gcWork entry is an object's base address or, with its low bit set, one
// oblet of a large object: base + k * kPtrSize | kObletTag, where k (a
// multiple of kObletWords) is the oblet's first pointer word. Go queues the
// oblet's address itself and finds the object from its span; the lab's
// objects begin with a header, so the tag says "not a base".
inline constexpr uintptr kObletTag = 1;
inline uintptr obletEntry(uintptr base, uint32_t firstWord) { return (base + uintptr(firstWord) * kPtrSize) | kObletTag; }
// The object an entry stands for, and (through firstWord) where its scan
// starts: word 0 for a whole object.
inline uintptr queuedObject(mem::mheap* h, uintptr entry, uint32_t* firstWord = nullptr) {
  if (!(entry & kObletTag)) {
    if (firstWord) *firstWord = 0;
    return entry;
  }
  const uintptr at = entry & ~kObletTag;
  mem::mspan* s = nullptr;
  uintptr idx = 0;
  const uintptr base = findObject(h, at, &s, &idx);
  if (firstWord) *firstWord = uint32_t((at - base) / kPtrSize);
  return base;
}

}  // namespace rt::gc
