// allocstress: the course seed's allocator stress test — 10^7 allocations of
// a 32-byte object — with the count of each path mallocgc took and the time
// per allocation.
//
// What to expect (size class 4: 256 objects of 32 B per 8 KB span): out of
// every 256 allocations, 252 take the mcache fast path (nextFreeFast: one
// ctz over allocCache), 3 reload allocCache from allocBits (nextFree, every
// 64 slots) and 1 needs a new span. No object is ever freed, so no span ever
// comes back with free slots: the new span is always a fresh one from mheap
// ("grow"), never a refill from a partial span in the mcentral. The slow
// paths are rare, which is why the average is a few nanoseconds.
//
// The objects are noscan (a [32]byte has no pointers), so the GC would never
// scan them; 32 B is not below 16 B, so the tiny allocator is not involved.
//
// The program owns its heap: one mheap and one mcache, which Go would attach
// to the P. One goroutine does all the work, so the mcache has exactly one
// user even if the goroutine is preempted and resumed on another M.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "lab/scenarios/builtin.hpp"
#include "mem/malloc.hpp"
#include "mem/mheap.hpp"
#include "sched/api.hpp"
#include "sched/runtime.hpp"

namespace lab {

namespace {

using namespace rt::mem;

constexpr uintptr kObjectSize = 32;
// Go's program drops every object at once and the GC recycles the spans;
// this scenario runs the allocator alone (core/mem, no collector), so
// instead, when the heap passes this much memory in spans, the program
// starts a fresh heap and carries the counts over. The time spent swapping
// heaps (munmap + the first mmap of the new one) is not part of the
// allocator's cost and is left out of nsPerAlloc.
constexpr uint64_t kFreshHeapBytes = uint64_t(64) << 20;
constexpr int64_t kCheckEvery = 4096;  // allocations between heap checks and safe points

struct OwnHeap {
  std::unique_ptr<mheap> heap;
  mcache* cache = nullptr;
  OwnHeap() : heap(std::make_unique<mheap>()), cache(heap->allocmcache()) {}
  ~OwnHeap() {
    if (cache != nullptr) heap->freemcache(cache);
  }
};

rt::Goroutine allocstressMain(ScenarioParams params, ScenarioResult* out) {
  const int64_t n = params.size;
  auto own = std::make_unique<OwnHeap>();
  uint64_t paths[numAllocPaths] = {};
  int64_t heaps = 1, swapNs = 0, done = 0;
  uintptr sink = 0;  // keeps every result observable
  const char* failure = nullptr;

  int64_t start = rt::nanotime();
  while (done < n && failure == nullptr) {
    int64_t batch = std::min(kCheckEvery, n - done);
    mcache* c = own->cache;
    for (int64_t i = 0; i < batch; i++) {
      void* p = mallocgc(c, kObjectSize, /*noscan=*/true);  // Go: p := new([32]byte); _ = p
      if (p == nullptr) [[unlikely]] {
        failure = c->lastError != nullptr ? c->lastError : "out of memory";
        batch = i;
        break;
      }
      sink += reinterpret_cast<uintptr>(p);
    }
    done += batch;
    if (own->heap->stats.heapInUse.load() >= kFreshHeapBytes && done < n) {
      int64_t t0 = rt::nanotime();
      for (int k = 0; k < numAllocPaths; k++) paths[k] += own->cache->pathCount[k];
      own.reset();
      own = std::make_unique<OwnHeap>();
      heaps++;
      swapNs += rt::nanotime() - t0;
    }
    co_await rt::checkpoint();  // a safe point, as Go's loop back-edge would have
  }
  int64_t elapsed = rt::nanotime() - start;
  for (int k = 0; k < numAllocPaths; k++) paths[k] += own->cache->pathCount[k];
  own.reset();

  out->wallNs = elapsed;
  out->result = done;
  out->passed = failure == nullptr && done == n && sink != 0;
  int64_t allocNs = elapsed - swapNs;
  int64_t psPerAlloc = done > 0 ? allocNs * 1000 / done : 0;
  // On the simulator the allocator's code runs but takes no virtual time
  // (only goroutine operations have a price there): the paths are counted,
  // and the time per allocation is a real-engine number.
  const bool timed = rt::currentRuntime()->platform->parallel();
  out->metrics = {
      {"objectSize", static_cast<int64_t>(kObjectSize)},
      {"tiny", static_cast<int64_t>(paths[static_cast<int>(AllocPath::Tiny)])},
      {"fast", static_cast<int64_t>(paths[static_cast<int>(AllocPath::Fast)])},
      {"nextFree", static_cast<int64_t>(paths[static_cast<int>(AllocPath::NextFree)])},
      {"refill", static_cast<int64_t>(paths[static_cast<int>(AllocPath::Refill)])},
      {"grow", static_cast<int64_t>(paths[static_cast<int>(AllocPath::Grow)])},
      {"large", static_cast<int64_t>(paths[static_cast<int>(AllocPath::Large)])},
      {"heaps", heaps},
      {"heapSwapNs", swapNs},
  };
  if (timed) {
    out->metrics.insert(out->metrics.begin(), {{"nsPerAlloc", done > 0 ? (allocNs + done / 2) / done : 0},
                                               {"psPerAlloc", psPerAlloc}});
  }
  char per[32];
  std::snprintf(per, sizeof per, "%.2f", double(psPerAlloc) / 1000);
  const std::string timing = timed ? " in " + std::to_string(elapsed / 1000000) + " ms: " + per + " ns per allocation"
                                   : ": the simulator counts the paths but does not time them (--engine real does)";
  const std::string timingZh = timed ? "，用时 " + std::to_string(elapsed / 1000000) + " ms：每次 " + per + " ns"
                                     : "：模拟器只统计路径，不计时（--engine real 会计时）";
  out->text = std::to_string(done) + " x 32 B noscan" + timing + "\npaths: mcache fast path " +
              std::to_string(paths[static_cast<int>(AllocPath::Fast)]) + ", nextFree " +
              std::to_string(paths[static_cast<int>(AllocPath::NextFree)]) + ", refill from mcentral " +
              std::to_string(paths[static_cast<int>(AllocPath::Refill)]) + ", mheap grow " +
              std::to_string(paths[static_cast<int>(AllocPath::Grow)]) + ", tiny " +
              std::to_string(paths[static_cast<int>(AllocPath::Tiny)]) + ", large " +
              std::to_string(paths[static_cast<int>(AllocPath::Large)]) + "\n" + std::to_string(heaps) +
              (heaps == 1 ? " heap" : " heaps of ~64 MiB (no collector here: a fresh heap stands in for reclaimed spans)");
  const std::string pathsZh =
      "mcache 快速路径 " + std::to_string(paths[static_cast<int>(AllocPath::Fast)]) + "，nextFree " +
      std::to_string(paths[static_cast<int>(AllocPath::NextFree)]) + "，从 mcentral refill " +
      std::to_string(paths[static_cast<int>(AllocPath::Refill)]) + "，mheap grow " +
      std::to_string(paths[static_cast<int>(AllocPath::Grow)]) + "，tiny " +
      std::to_string(paths[static_cast<int>(AllocPath::Tiny)]) + "，large " +
      std::to_string(paths[static_cast<int>(AllocPath::Large)]);
  out->textZh = std::to_string(done) + " 次 32 B noscan 分配" + timingZh + "\n路径：" + pathsZh + "\n" +
                std::to_string(heaps) + (heaps == 1 ? " 个堆" : " 个约 64 MiB 的堆（这里没有回收器：用新堆代替回收的 span）");
  if (failure != nullptr) {
    out->text += "\nstopped early: " + std::string(failure);
    out->textZh += "\n提前停止：" + std::string(failure);
  }
}

}  // namespace

Scenario allocstressScenario() {
  return Scenario{
      .name = "allocstress",
      .summary = {"the seed's allocator stress test: N x 32 B objects, counts per mallocgc path and ns per allocation",
                  "课程原文的分配器压力测试：N 个 32 B 对象，统计 mallocgc 各路径次数和每次分配耗时"},
      .details = {"--size is the number of allocations (default 10000000, at most 100000000). Objects are noscan "
                  "and never freed; the allocator runs without the collector, so the program starts a fresh heap "
                  "every ~64 MiB instead. Metrics: nsPerAlloc (psPerAlloc for more digits; real engine only: the "
                  "simulator does not time the allocator) and one count per path (fast, nextFree, refill, grow, "
                  "tiny, large). 32 B is size class 4 (the seed says 5).",
                  "--size 为分配次数（默认 10000000，最多 100000000）。对象为 noscan 且从不释放；分配器在这里不带回收器运行，"
                  "所以程序每约 64 MiB 换一个新堆。指标：nsPerAlloc（psPerAlloc 精度更高；只有真实引擎有：模拟器不给分配器计时）"
                  "以及各路径次数（fast、nextFree、refill、grow、tiny、large）。32 B 属于 size class 4（原文说是 5）。"},
      .defaultSize = 10000000,
      .sizeMeaning = "allocations",
      .minSize = 1,
      .maxSize = 100000000,
      .fixedProcs = 0,
      .checkSize = {},
      .usesOwnHeap = true,
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return allocstressMain(p, out); },
  };
}

}  // namespace lab
