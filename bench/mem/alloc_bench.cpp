// Allocator benchmarks: our mallocgc (+ the lab's explicit free) against
// glibc malloc and mimalloc, measured in the same run.
//
// Built twice from this one file (bench/mem/CMakeLists.txt):
//   alloc_bench           rtlab mallocgc and glibc malloc
//   alloc_bench_mimalloc  mimalloc's mi_malloc (libmimalloc.so replaces the
//                         process's malloc when linked, so it cannot share an
//                         executable with the glibc numbers)
// The Go reference is bench/go/alloc/alloc_test.go.
//
// What one op is:
//   Pair/<size>    allocate one object and free it at once (LIFO reuse)
//   Batch/<size>   allocate 1000 objects, then free them (amortized per object)
//   Pair32/threads:N  the 32 B pair on N threads, one mcache per thread
//                     (one shared mheap/mcentral for rtlab)
// rtlab zeroes like Go (needzero); glibc and mimalloc do not zero malloc.
// rtlab objects are noscan like Go's [N]byte, except 8 B, which would be a
// tiny-allocator object (shared block, not freeable): it uses the 8 B scan
// class instead.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#ifdef RTLAB_BENCH_MIMALLOC
#include <mimalloc.h>
#else
#include "mem/malloc.hpp"
#include "mem/mheap.hpp"
#endif

namespace {

constexpr int kBatch = 1000;

void sizeArgs(benchmark::internal::Benchmark* b) {
  for (long s = 8; s <= 32768; s *= 2) b->Arg(s);
}

#ifdef RTLAB_BENCH_MIMALLOC

struct Mimalloc {
  static void* alloc(size_t n) { return mi_malloc(n); }
  static void release(void* p) { mi_free(p); }
};
using Peer = Mimalloc;
#define PEER_NAME "mimalloc"

#else

struct Glibc {
  static void* alloc(size_t n) { return std::malloc(n); }
  static void release(void* p) { std::free(p); }
};
using Peer = Glibc;
#define PEER_NAME "glibc"

// One heap for the whole process, like Go's mheap_.
rt::mem::mheap& sharedHeap() {
  static rt::mem::mheap* h = new rt::mem::mheap();
  return *h;
}

void BM_rtlab_Pair(benchmark::State& state) {
  auto& h = sharedHeap();
  rt::mem::mcache* c = h.allocmcache();
  const auto size = static_cast<rt::mem::uintptr>(state.range(0));
  for (auto _ : state) {
    void* p = rt::mem::mallocgc(c, size, /*noscan=*/size >= rt::mem::maxTinySize);
    benchmark::DoNotOptimize(p);
    rt::mem::labFree(&h, c, p);
  }
  h.freemcache(c);
}
BENCHMARK(BM_rtlab_Pair)->Apply(sizeArgs);

void BM_rtlab_Batch(benchmark::State& state) {
  auto& h = sharedHeap();
  rt::mem::mcache* c = h.allocmcache();
  const auto size = static_cast<rt::mem::uintptr>(state.range(0));
  std::vector<void*> ptrs(kBatch);
  for (auto _ : state) {
    for (auto& p : ptrs) p = rt::mem::mallocgc(c, size, size >= rt::mem::maxTinySize);
    benchmark::ClobberMemory();
    for (void* p : ptrs) rt::mem::labFree(&h, c, p);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  h.freemcache(c);
}
BENCHMARK(BM_rtlab_Batch)->Apply(sizeArgs);

void BM_rtlab_Pair32(benchmark::State& state) {
  auto& h = sharedHeap();
  rt::mem::mcache* c = h.allocmcache();  // each thread its own mcache (a P's)
  for (auto _ : state) {
    void* p = rt::mem::mallocgc(c, 32, true);
    benchmark::DoNotOptimize(p);
    rt::mem::labFree(&h, c, p);
  }
  state.SetItemsProcessed(state.iterations());
  h.freemcache(c);
}
BENCHMARK(BM_rtlab_Pair32)->Threads(1)->Threads(2)->UseRealTime();

// Allocation alone, as Go's `new` is measured (no free; the heap is reset
// every 1M objects outside the timed region).
void BM_rtlab_AllocOnly32(benchmark::State& state) {
  auto* h = new rt::mem::mheap();
  rt::mem::mcache* c = h->allocmcache();
  long n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rt::mem::mallocgc(c, 32, true));
    if (++n == (1 << 20)) {
      state.PauseTiming();
      h->freemcache(c);
      delete h;
      h = new rt::mem::mheap();
      c = h->allocmcache();
      n = 0;
      state.ResumeTiming();
    }
  }
  h->freemcache(c);
  delete h;
}
BENCHMARK(BM_rtlab_AllocOnly32);

#endif  // RTLAB_BENCH_MIMALLOC

void BM_peer_Pair(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    void* p = Peer::alloc(size);
    benchmark::DoNotOptimize(p);
    Peer::release(p);
  }
  state.SetLabel(PEER_NAME);
}
BENCHMARK(BM_peer_Pair)->Apply(sizeArgs);

void BM_peer_Batch(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  std::vector<void*> ptrs(kBatch);
  for (auto _ : state) {
    for (auto& p : ptrs) p = Peer::alloc(size);
    benchmark::ClobberMemory();
    for (void* p : ptrs) Peer::release(p);
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetLabel(PEER_NAME);
}
BENCHMARK(BM_peer_Batch)->Apply(sizeArgs);

void BM_peer_Pair32(benchmark::State& state) {
  for (auto _ : state) {
    void* p = Peer::alloc(32);
    benchmark::DoNotOptimize(p);
    Peer::release(p);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(PEER_NAME);
}
BENCHMARK(BM_peer_Pair32)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
