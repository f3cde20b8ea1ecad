#include "gc/collector.hpp"

#include <cstdlib>

#include "runtime/throw.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

Collector::Collector(Runtime* r, GcConfig c)
    : rt(r), cfg(c), globals(c.nglobals), parallel_(r->platform->parallel()), gomaxprocs_(r->gomaxprocs) {
  gcController.setGCPercent(cfg.gogc);
  gcController.memoryLimit = cfg.memoryLimit;
  commitMemoryLimit();
  trigger_.store(gcController.trigger(gcController.heapGoal()), std::memory_order_relaxed);
  publishHeapGoal();
  // Go: procresize's gcCPULimiter.resetCapacity, at start-up.
  limiter.setCycleCounter(&numGC);
  limiter.setCapacityPerProc(cfg.limiterCapacityPerProcNs);
  limiter.resetCapacity(nanotime(), rt->gomaxprocs.load());
  rt->gcState = this;
  rt->gcBeforeResume = &Collector::beforeResume;
  rt->gcSysmonCheck = &Collector::sysmonCheck;
  rt->gcFindIdleWorker = &Collector::findIdleWorker;
  rt->gcDestroyP = &Collector::destroyP;
  rt->gcGoexit = &Collector::goexit;
}

Collector::~Collector() {
  rt->gcState = nullptr;
  rt->gcBeforeResume = nullptr;
  rt->gcSysmonCheck = nullptr;
  rt->gcFindIdleWorker = nullptr;
  rt->gcDestroyP = nullptr;
  rt->gcGoexit = nullptr;
  for (auto& a : perP_) {
    PerP* ps = a.load(std::memory_order_relaxed);
    if (!ps) continue;
    ps->gcw.dispose();
    heap.freemcache(ps->mcache);
    delete ps;
  }
  for (void* b : oomBlocks_) std::free(b);
}

bool Collector::simulated() const { return !rt->platform->parallel(); }
int64_t Collector::nanotime() const { return rt->platform->nanotime(); }

uint64_t Collector::stackBytes() const {
  uint64_t n = 0;
  std::lock_guard<std::mutex> g(rt->allgLock);
  for (G* gp = rt->allgs; gp; gp = gp->alllink)
    for (GcRootFrame* f = gp->gcroots; f; f = f->next) n += uint64_t(f->n) * kPtrSize;
  return n;
}

uintptr Collector::outOfMemory(uintptr size) {
  // Go: throw("out of memory") — the program ends. The goroutine still gets
  // memory (outside the heap, never scanned) so it can run to its next safe
  // point, where it stops with every other one.
  rt->requestExit(RunStatus::Fatal, "runtime: out of memory");
  void* b = std::calloc(1, size < 16 ? 16 : size);
  if (b == nullptr) throwFatal("runtime: out of memory");
  std::lock_guard<std::mutex> g(perPLock_);
  oomBlocks_.push_back(b);
  return reinterpret_cast<uintptr>(b);
}

// Go: runtime/mstats.go readmemstats_m — the allocator's numbers plus the
// GC's. World stopped.
void Collector::readMemStats(mem::MemStats* m) {
  mem::ReadMemStats(&heap, m);
  std::lock_guard<std::mutex> g(statsLock);
  m->NumGC = numGC.load();
  m->NumForcedGC = numForcedGC;
  m->PauseTotalNs = pauseTotalNs;
  for (int i = 0; i < 256; i++) {
    m->PauseNs[i] = pauseNs[i];
    m->PauseEnd[i] = pauseEnd[i];
  }
  m->LastGC = lastGC;
  m->NextGC = gcController.heapGoal();
  const int64_t elapsed = nanotime() - rt->starttime;
  const int procs = rt->gomaxprocs.load();
  m->GCCPUFraction = elapsed > 0 ? double(gcCpuNs) / (double(elapsed) * procs) : 0;
  m->EnableGC = true;
}

}  // namespace rt::gc
