// alloc_threads: the 32 B allocate+free pair on N threads, for one allocator,
// as one JSON line. It needs no benchmark library, so the same program builds
// natively and for the wasm-threads build (pthreads on node's workers), where
// the peer is Emscripten's default malloc (dlmalloc behind one lock).
//
//   alloc_threads --allocator rtlab|malloc [--threads N] [--ops M]
//   {"allocator":"rtlab","threads":2,"ops":20000000,"wallNs":...,"nsPerOp":...}
//
// ops is per thread. nsPerOp is wall time over all threads' ops, so a perfect
// 2-thread scaling halves it (bench/compare.mjs: "2 threads scale ≥ 1.8×" is
// nsPerOp(2 threads) ≤ nsPerOp(1 thread) / 1.8).
//
// For rtlab each thread owns an mcache (a P's) over one shared mheap, as Go's
// Ps share mheap_; the free is the lab's explicit free (mem/malloc.hpp).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "mem/malloc.hpp"
#include "mem/mheap.hpp"

namespace {

constexpr unsigned long kSize = 32;

void pairsRtlab(rt::mem::mheap* h, long ops) {
  rt::mem::mcache* c = h->allocmcache();
  [[maybe_unused]] void* volatile sink;  // a store the compiler must keep: no allocation is elided
  for (long i = 0; i < ops; i++) {
    void* p = rt::mem::mallocgc(c, kSize, /*noscan=*/true);
    sink = p;
    rt::mem::labFree(h, c, p);
  }
  h->freemcache(c);
}

void pairsMalloc(long ops) {
  [[maybe_unused]] void* volatile sink;  // per thread: a shared one would bounce between cores
  for (long i = 0; i < ops; i++) {
    void* p = std::malloc(kSize);
    sink = p;
    std::free(p);
  }
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "alloc_threads: %s\nusage: alloc_threads --allocator rtlab|malloc [--threads N] [--ops M]\n",
               why);
  std::exit(2);
}

long positive(const char* flag, const char* v) {
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (end == v || *end != '\0' || n <= 0) usage((std::string(flag) + " wants a positive integer").c_str());
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  std::string allocator;
  long threads = 1;
  long ops = 20'000'000;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage((a + " needs a value").c_str());
    if (a == "--allocator") {
      allocator = argv[++i];
    } else if (a == "--threads") {
      threads = positive("--threads", argv[++i]);
    } else if (a == "--ops") {
      ops = positive("--ops", argv[++i]);
    } else {
      usage(("unknown flag " + a).c_str());
    }
  }
  if (allocator != "rtlab" && allocator != "malloc") usage("--allocator wants rtlab or malloc");

  auto* heap = new rt::mem::mheap();  // one heap, like Go's mheap_
  // Threads start together: each checks in, the clock starts when all have.
  std::atomic<long> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (long t = 0; t < threads; t++) {
    pool.emplace_back([&] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      if (allocator == "rtlab") {
        pairsRtlab(heap, ops);
      } else {
        pairsMalloc(ops);
      }
    });
  }
  while (ready.load() != threads) std::this_thread::yield();
  auto start = std::chrono::steady_clock::now();
  go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
  auto wallNs = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"allocator\":\"%s\",\"threads\":%ld,\"ops\":%ld,\"wallNs\":%.0f,\"nsPerOp\":%.3f}\n",
              allocator.c_str(), threads, ops, wallNs, wallNs / double(threads * ops));
  delete heap;
  return 0;
}
