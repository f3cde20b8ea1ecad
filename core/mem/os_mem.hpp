// Where heap memory comes from: the operating system (or the wasm engine).
//
// Lesson. Go's runtime never calls malloc. It asks the OS for address space
// and walks each region through four states (runtime/mem.go):
//
//   None ──sysReserve──▶ Reserved ──sysMap──▶ Prepared ──sysUsed──▶ Ready
//
// Reserved means "these addresses are mine, but touching them faults"; on
// Linux that is mmap(PROT_NONE). sysMap makes the range accessible
// (mmap(MAP_FIXED, PROT_READ|PROT_WRITE)); the kernel still hands out
// physical pages lazily, zero-filled, on first touch. So the heap can
// reserve a 64 MB arena once and commit it 4 MB at a time.
//
// WebAssembly has no mmap: a module owns one linear memory that can only
// grow (memory.grow), and everything is "Ready" the moment it exists. The
// C library owns the break (sbrk), and Emscripten's own malloc moves it too,
// so we must ask sbrk, never memory.grow directly (that would hand the same
// bytes to both allocators). Reserving is therefore committing, and sbrk
// cannot align: to get an aligned arena we grow past the misaligned head
// and keep that padding for small metadata requests. Go's own wasm port
// (runtime/mem_js.go) faces the same problem.
//
// This file is the only place that knows which of the two worlds we are in.
// It counts every request, because "how often did we go to the OS, and how
// much did it give us" is the first thing to look at in Day 4.
#pragma once

#include <cstdint>

namespace rt::mem {

// Counters of OS requests, process-wide (every mheap shares the OS).
struct OSMemStats {
  const char* mechanism = "";   // "mmap" natively, "sbrk" under wasm
  uint64_t reserveCalls = 0;     // sysReserve: mmap(PROT_NONE) / sbrk
  uint64_t mapCalls = 0;         // sysMap: mmap(MAP_FIXED, RW) / nothing under wasm
  uint64_t allocCalls = 0;       // sysAllocOS: reserve+map in one step (metadata)
  uint64_t freeCalls = 0;        // sysFree: munmap / back to the reuse list under wasm
  uint64_t osCalls = 0;          // real system calls (mmap, munmap, sbrk) made
  uint64_t bytesReserved = 0;    // total ever reserved
  uint64_t bytesMapped = 0;      // total ever made accessible
  uint64_t bytesReused = 0;      // wasm: bytes served from ranges given back earlier
};

// Go: runtime/mem.go sysReserve — address space only (wasm: committed too).
// The result is aligned to `align` (a power of two). nullptr if refused.
void* sysReserve(uintptr_t n, uintptr_t align);

// Go: runtime/mem.go sysMap — make a reserved range readable and writable.
bool sysMap(void* v, uintptr_t n);

// Go: runtime/mem.go sysAlloc (named sysAllocOS in Go 1.20+) — reserve and
// map in one step, for metadata. The memory is zeroed. nullptr if refused.
void* sysAllocOS(uintptr_t n);

// Go: runtime/mem.go sysFree — give the range back. Natively munmap; under
// wasm the range goes on a reuse list (the break cannot shrink under
// someone else's allocations). Go's heap never does this; our mheap does it
// in its destructor so tests can create many heaps.
void sysFree(void* v, uintptr_t n);

// The OS page size we must respect (4 KB natively, 64 KB wasm pages).
uintptr_t physPageSize();

OSMemStats osMemStats();

}  // namespace rt::mem
