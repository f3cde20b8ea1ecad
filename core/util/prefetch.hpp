// Asking for memory before it is used.
#pragma once

namespace util {

// Brings the cache line holding p closer ahead of its use, changing nothing
// else. Natively that is the CPU's prefetch instruction, which never
// faults: p may be anything, even null. WebAssembly has no prefetch
// instruction, so there it is a load whose value is thrown away (volatile,
// so that the compiler keeps it): the CPU still issues it early, out of
// order, and the miss overlaps the work up to the real use. Under wasm p
// must therefore be null (skipped) or point into the module's memory.
inline void prefetch(const void* p) {
#if defined(__wasm__)
  if (p) (void)*static_cast<const volatile char*>(p);
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace util
