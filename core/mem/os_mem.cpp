// The two OS back ends of os_mem.hpp: mmap natively, sbrk under wasm.
// This is the only file in core/mem that looks at __EMSCRIPTEN__.
#include "mem/os_mem.hpp"

#include <atomic>
#include <cstddef>
#include <cstring>
#include <mutex>

#ifdef __EMSCRIPTEN__
#include <unistd.h>
extern "C" void* sbrk(intptr_t increment);
#else
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace rt::mem {
namespace {

// relaxed: statistics only; readers want a recent value, not an ordering.
struct Counters {
  std::atomic<uint64_t> reserveCalls{0}, mapCalls{0}, allocCalls{0}, freeCalls{0}, osCalls{0};
  std::atomic<uint64_t> bytesReserved{0}, bytesMapped{0}, bytesReused{0};
};
Counters counters;

void add(std::atomic<uint64_t>& c, uint64_t n) { c.fetch_add(n, std::memory_order_relaxed); }

constexpr uintptr_t alignUpPow2(uintptr_t n, uintptr_t a) { return (n + a - 1) & ~(a - 1); }

#ifdef __EMSCRIPTEN__

// ---- wasm: the break only grows --------------------------------------------
//
// Ranges handed back by sysFree (a destroyed test heap) or skipped to align
// an arena are kept here and reused first-fit. A fixed array: this code
// must not call malloc.
struct Range {
  uintptr_t base, size;
};
constexpr int kMaxFreeRanges = 256;
std::mutex freeLock;  // protects freeRanges/nfree
Range freeRanges[kMaxFreeRanges];
int nfree = 0;

void addFreeRangeLocked(uintptr_t base, uintptr_t size) {
  if (size == 0) return;
  if (nfree == kMaxFreeRanges) return;  // list full: the bytes are lost (rare; tests only)
  freeRanges[nfree++] = Range{base, size};
}

// First fit from the reuse list; splits off the unaligned head and the tail.
void* takeFreeRange(uintptr_t n, uintptr_t align) {
  std::lock_guard<std::mutex> g(freeLock);
  for (int i = 0; i < nfree; i++) {
    Range r = freeRanges[i];
    uintptr_t v = alignUpPow2(r.base, align);
    if (v < r.base || v + n > r.base + r.size || v + n < v) continue;
    freeRanges[i] = freeRanges[--nfree];
    addFreeRangeLocked(r.base, v - r.base);
    addFreeRangeLocked(v + n, r.base + r.size - (v + n));
    add(counters.bytesReused, n);
    std::memset(reinterpret_cast<void*>(v), 0, n);  // reused memory is dirty
    return reinterpret_cast<void*>(v);
  }
  return nullptr;
}

// Grow the break by n bytes at an `align`-aligned address. sbrk cannot align,
// so if the break is misaligned we grow by the gap as well and keep the gap
// on the reuse list. Emscripten's sbrk is thread-safe (an atomic break).
void* sbrkAligned(uintptr_t n, uintptr_t align) {
  for (int attempt = 0; attempt < 4; attempt++) {
    void* cur = sbrk(0);
    add(counters.osCalls, 1);
    if (cur == reinterpret_cast<void*>(-1)) return nullptr;
    uintptr_t c = reinterpret_cast<uintptr_t>(cur);
    uintptr_t pad = alignUpPow2(c, align) - c;
    void* got = sbrk(static_cast<intptr_t>(pad + n));
    add(counters.osCalls, 1);
    if (got == reinterpret_cast<void*>(-1)) return nullptr;
    uintptr_t g = reinterpret_cast<uintptr_t>(got);
    if (g == c) {
      std::lock_guard<std::mutex> lk(freeLock);
      addFreeRangeLocked(c, pad);
      void* v = reinterpret_cast<void*>(c + pad);
      // Fresh wasm memory is zero, but the break may have been lowered and
      // raised again by malloc's trimming: the bytes can be dirty.
      std::memset(v, 0, n);
      return v;
    }
    // Someone else moved the break between our two calls: keep what we got
    // and try again.
    std::lock_guard<std::mutex> lk(freeLock);
    addFreeRangeLocked(g, pad + n);
  }
  return nullptr;
}

}  // namespace

void* sysReserve(uintptr_t n, uintptr_t align) {
  add(counters.reserveCalls, 1);
  void* v = takeFreeRange(n, align);
  if (v == nullptr) v = sbrkAligned(n, align);
  if (v != nullptr) add(counters.bytesReserved, n);
  return v;
}

bool sysMap(void*, uintptr_t n) {
  // Reserved wasm memory is already usable: nothing to do but count.
  add(counters.mapCalls, 1);
  add(counters.bytesMapped, n);
  return true;
}

void* sysAllocOS(uintptr_t n) {
  add(counters.allocCalls, 1);
  n = alignUpPow2(n, 64);
  void* v = takeFreeRange(n, 64);
  if (v == nullptr) v = sbrkAligned(n, 64);
  if (v != nullptr) {
    add(counters.bytesReserved, n);
    add(counters.bytesMapped, n);
  }
  return v;
}

void sysFree(void* v, uintptr_t n) {
  add(counters.freeCalls, 1);
  std::lock_guard<std::mutex> g(freeLock);
  addFreeRangeLocked(reinterpret_cast<uintptr_t>(v), alignUpPow2(n, 64));
}

uintptr_t physPageSize() { return 64 << 10; }

static const char* const kMechanism = "sbrk";
#else

// ---- native: mmap ---------------------------------------------------------
}  // namespace

void* sysReserve(uintptr_t n, uintptr_t align) {
  add(counters.reserveCalls, 1);
  // mmap only promises page alignment: reserve n+align and trim both ends.
  uintptr_t size = n + align;
  void* p = mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  add(counters.osCalls, 1);
  if (p == MAP_FAILED) return nullptr;
  uintptr_t base = reinterpret_cast<uintptr_t>(p);
  uintptr_t v = alignUpPow2(base, align);
  if (v > base) {
    munmap(p, v - base);
    add(counters.osCalls, 1);
  }
  uintptr_t end = base + size, vend = v + n;
  if (end > vend) {
    munmap(reinterpret_cast<void*>(vend), end - vend);
    add(counters.osCalls, 1);
  }
  add(counters.bytesReserved, n);
  return reinterpret_cast<void*>(v);
}

bool sysMap(void* v, uintptr_t n) {
  add(counters.mapCalls, 1);
  // Go: runtime/mem_linux.go sysMapOS — the same mmap call.
  void* p = mmap(v, n, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_FIXED | MAP_PRIVATE, -1, 0);
  add(counters.osCalls, 1);
  if (p != v) return false;
  add(counters.bytesMapped, n);
  return true;
}

void* sysAllocOS(uintptr_t n) {
  add(counters.allocCalls, 1);
  void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  add(counters.osCalls, 1);
  if (p == MAP_FAILED) return nullptr;
  add(counters.bytesReserved, n);
  add(counters.bytesMapped, n);
  return p;
}

void sysFree(void* v, uintptr_t n) {
  add(counters.freeCalls, 1);
  munmap(v, n);
  add(counters.osCalls, 1);
}

uintptr_t physPageSize() {
  static const uintptr_t sz = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  return sz;
}

static const char* const kMechanism = "mmap";
#endif

OSMemStats osMemStats() {
  OSMemStats s;
  s.mechanism = kMechanism;
  s.reserveCalls = counters.reserveCalls.load(std::memory_order_relaxed);
  s.mapCalls = counters.mapCalls.load(std::memory_order_relaxed);
  s.allocCalls = counters.allocCalls.load(std::memory_order_relaxed);
  s.freeCalls = counters.freeCalls.load(std::memory_order_relaxed);
  s.osCalls = counters.osCalls.load(std::memory_order_relaxed);
  s.bytesReserved = counters.bytesReserved.load(std::memory_order_relaxed);
  s.bytesMapped = counters.bytesMapped.load(std::memory_order_relaxed);
  s.bytesReused = counters.bytesReused.load(std::memory_order_relaxed);
  return s;
}

}  // namespace rt::mem
