// alloc_threads: the 32 B allocate+free pair on N threads, for one allocator,
// as one JSON line. It needs no benchmark library, so the same program builds
// natively and for the wasm-threads build (pthreads on node's workers), where
// the peer is Emscripten's default malloc (dlmalloc behind one lock).
//
//   alloc_threads --allocator rtlab|malloc [--threads N] [--ops M]
//   {"allocator":"rtlab","threads":2,"ops":20000000,"wallNs":...,"nsPerOp":...}
//
// ops is per thread. nsPerOp is wall time over all threads' ops, so a perfect
// 2-thread scaling halves it (bench/compare.mjs: "2 threads scale ≥ 1.9×" is
// nsPerOp(2 threads) ≤ nsPerOp(1 thread) / 1.9). Only the pairs are timed
// (StartLine).
//
// For rtlab each thread owns an mcache (a P's) over one shared mheap, as Go's
// Ps share mheap_; the free is the lab's explicit free (mem/malloc.hpp).
#include <algorithm>
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
using Clock = std::chrono::steady_clock;

// The threads start their pairs together: each checks in once it is set
// up, and the clock starts when all have. Each records when its last pair
// ended; the wall time runs to the latest. So only pairs are timed: not a
// thread's start, its mcache (or glibc's tcache) and first span, nor its
// teardown, one-time costs that weighed a few percent of a 60 ms run, more
// with two threads than with one.
struct StartLine {
  std::atomic<long> ready{0};
  std::atomic<bool> go{false};
  void checkIn() {
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
  }
};

Clock::time_point pairsRtlab(rt::mem::mheap* h, long ops, StartLine* start) {
  rt::mem::mcache* c = h->allocmcache();
  [[maybe_unused]] void* volatile sink;  // a store the compiler must keep: no allocation is elided
  rt::mem::labFree(h, c, rt::mem::mallocgc(c, kSize, /*noscan=*/true));  // the mcache's first span
  start->checkIn();
  for (long i = 0; i < ops; i++) {
    void* p = rt::mem::mallocgc(c, kSize, /*noscan=*/true);
    sink = p;
    rt::mem::labFree(h, c, p);
  }
  const Clock::time_point done = Clock::now();
  h->freemcache(c);
  return done;
}

Clock::time_point pairsMalloc(long ops, StartLine* start) {
  [[maybe_unused]] void* volatile sink;  // per thread: a shared one would bounce between cores
  std::free(std::malloc(kSize));  // the thread's malloc state (glibc: its tcache)
  start->checkIn();
  for (long i = 0; i < ops; i++) {
    void* p = std::malloc(kSize);
    sink = p;
    std::free(p);
  }
  return Clock::now();
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
  StartLine start;
  std::vector<Clock::time_point> done(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  for (long t = 0; t < threads; t++) {
    pool.emplace_back([&, t] {
      done[static_cast<size_t>(t)] = allocator == "rtlab" ? pairsRtlab(heap, ops, &start) : pairsMalloc(ops, &start);
    });
  }
  while (start.ready.load() != threads) std::this_thread::yield();
  const Clock::time_point begin = Clock::now();
  start.go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
  Clock::time_point end = begin;
  for (const auto& d : done) end = std::max(end, d);
  const double wallNs = std::chrono::duration<double, std::nano>(end - begin).count();
  std::printf("{\"allocator\":\"%s\",\"threads\":%ld,\"ops\":%ld,\"wallNs\":%.0f,\"nsPerOp\":%.3f}\n",
              allocator.c_str(), threads, ops, wallNs, wallNs / double(threads * ops));
  delete heap;
  return 0;
}
