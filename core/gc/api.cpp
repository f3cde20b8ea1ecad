#include "gc/api.hpp"

#include <utility>

#include "runtime/throw.hpp"
#include "sched/api.hpp"
#include "sched/m.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

G* currentG() {
  G* gp = getg();
  if (gp == nullptr) throwFatal("gc: called outside a goroutine");
  return gp;
}

Collector* Collector::current() {
  Runtime* r = currentRuntime();
  if (r == nullptr || r->gcState == nullptr) throwFatal("gc: this runtime has no garbage collector");
  return static_cast<Collector*>(r->gcState);
}

// The StopTheWorld handoff's function for a cycle start (run by the M,
// world stopped); its cost is the pause's length on the simulator (on real
// threads the pause took the real time it took).
void Collector::startCycleStopped(void* self) {
  auto* c = static_cast<Collector*>(self);
  const int64_t cost = c->sweepTermination(c->startForced_);
  getg()->call.ns = c->simulated() ? cost : 0;
}

void Collector::requestCycleStart(bool forced) {
  startForced_ = forced;
  startRequestedAt_ = nanotime();
  G* gp = getg();
  gp->call = BlockingCall{&startCycleStopped, this, 0, 0, int32_t(trace::StwReason::GCSweepTerm)};
  gp->handoff = Handoff::StopTheWorld;
}

bool New::await_ready() noexcept {
  c = Collector::current();
  // Go: mallocgc's "if t := (gcTrigger{kind: gcTriggerHeap}); t.test() {
  // gcStart(t) }". The lab starts the cycle before allocating, so the new
  // object is allocated black in the cycle it starts.
  if (c->heapTriggered()) {
    // Go: gcStart's "for trigger.test() && sweepone() != ^uintptr(0)" —
    // before anyone stops the world, the goroutine that hit the trigger
    // sweeps what the last cycle left unswept, concurrently with the other
    // goroutines, so that sweepTermination's finishsweep finds nothing left
    // and the pause does not pay for it. On the simulator the sweep's
    // virtual time is spent first; the cycle starts at the next allocation
    // past the trigger (in Go the goroutine that swept goes on to start it:
    // the lab's start is one allocation later, on any goroutine).
    int64_t swept = 0;
    while (c->heapTriggered() && c->sweepone()) swept++;
    if (swept > 0 && c->simulated()) {
      costNs = swept * c->cfg.cost.sweepSpanNs;
      then = Then::Cpu;
      return false;
    }
    bool expected = false;
    if (c->heapTriggered() && c->startPending.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
      then = Then::StartGC;
      return false;
    }
  }
  P* pp = getm()->p;
  // Go: deductAssistCredit — while marking, allocation is paid in scan work.
  if (c->gcBlackenEnabled.load(std::memory_order_relaxed)) costNs = c->assist(getg(), t->allocSize());
  if (c->simulated()) {
    // On the simulator allocating takes time too; charged in batches so
    // that a loop of allocations is not one event each.
    PerP& ps = c->perP(pp);
    ps.allocDebtNs += c->cfg.cost.allocNs;
    if (ps.allocDebtNs >= c->cfg.cost.allocBatchNs) costNs += std::exchange(ps.allocDebtNs, 0);
  }
  // Go: gcAssistAlloc — "if this is the last worker and we ran out of
  // work, signal a completion point": the assist ends the mark, but only
  // when no background worker is marking (they hold grey objects in their
  // own buffers, and end the mark themselves), and never in a mark the lab
  // steps by hand (no background workers at all).
  if (c->gcBlackenEnabled.load(std::memory_order_relaxed) && c->cfg.backgroundWorkers &&
      c->work.workersRunning.load(std::memory_order_acquire) == 0 &&
      c->work.draining.load(std::memory_order_acquire) == 0 && c->noGlobalWork() && c->perP(pp).gcw.empty() &&
      c->perP(pp).wbuf.next == 0) {
    bool expected = false;
    if (c->markDonePending.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
      then = Then::EndMark;
      return false;
    }
  }
  // Go: gcParkAssist — still in debt and nothing left to scan: wait for the
  // background workers to pay. (The scan work it did costs virtual time
  // with this P's next allocations.)
  if (c->gcBlackenEnabled.load(std::memory_order_relaxed) && c->assistShouldPark(getg()) && c->noGlobalWork() &&
      c->perP(pp).gcw.empty()) {
    c->perP(pp).allocDebtNs += costNs;
    then = Then::AssistPark;
    return false;
  }
  if (costNs > 0 && preemptRequested()) {
    // A preemption is pending (sysmon's, or the cycle's start asking its
    // goroutine to let a mark worker have the P): honour it now, and charge
    // the assist's virtual time with this P's next allocations, since a cpu
    // burst would run on without a safe point.
    c->perP(pp).allocDebtNs += costNs;
    then = Then::Yield;
    return false;
  }
  if (costNs > 0) {
    then = Then::Cpu;
    return false;
  }
  if (preemptRequested()) {
    then = Then::Yield;
    return false;
  }
  // Allocate only now that the goroutine will not suspend: a new object
  // held by this awaiter across a suspension would be in no root, and a
  // whole cycle could run and free it meanwhile.
  result = c->mallocgc(t, pp);
  return true;
}

void New::await_suspend(coro::coroutine_handle<>) noexcept {
  G* gp = getg();
  switch (then) {
    case Then::StartGC: c->requestCycleStart(false); break;
    case Then::Cpu:
      gp->call = BlockingCall{nullptr, nullptr, costNs, 0};
      gp->handoff = Handoff::Cpu;
      break;
    case Then::AssistPark:
      // Go: gcParkAssist.
      gopark(
          [](G* g, void* self) {
            auto* n = static_cast<New*>(self);
            Collector* col = n->c;
            std::lock_guard<std::mutex> lk(col->assistQueue.lock);
            // The mark ended, or the debt was paid, meanwhile: do not wait.
            if (!col->gcBlackenEnabled.load(std::memory_order_relaxed) || g->gcAssistBytes >= 0) return false;
            // "Recheck for background credit now that this G is in the
            // queue, but can still back out": credit flushed since the
            // assist looked is stolen by retrying the assist instead.
            if (col->work.bgScanCredit.load(std::memory_order_relaxed) > 0) {
              n->retryAssist = true;
              return false;
            }
            col->assistQueue.q.pushBack(g);
            col->work.assistParks.fetch_add(1, std::memory_order_relaxed);
            return true;
          },
          this, WaitReason::GCAssistWait);
      break;
    case Then::EndMark: c->requestMarkTermination(false); break;
    case Then::Yield: detail::yieldForPreemption(); break;
  }
}

Obj New::await_resume() noexcept {
  if (retryAssist && c->gcBlackenEnabled.load(std::memory_order_relaxed)) {
    // Go: gcAssistAlloc's "if !gcParkAssist() { goto retry }" — steal the
    // credit that appeared (and scan, if work appeared too). The lab does
    // not park a second time: what is left of the debt waits for the next
    // allocation, and the scan's virtual time is charged with this P's next
    // allocations.
    const int64_t cost = c->assist(getg(), 0);
    if (cost > 0) c->perP(getm()->p).allocDebtNs += cost;
  }
  // After a suspension (a cycle started, an assist paid, a preemption
  // honoured) the allocation happens here, on whatever P the goroutine now
  // runs; allocated black if a mark is running.
  if (result == 0) result = c->mallocgc(t, getm()->p);
  return reinterpret_cast<Obj>(result);
}

namespace {

const Type* checkedType(uintptr base, uint32_t word, const char* what) {
  if (base == 0) throwFatal("invalid memory address or nil pointer dereference");
  const Type* t = typeOf(base);
  if (t == nullptr || word >= t->nwords) throwFatal(what);
  return t;
}

}  // namespace

Obj load(Obj obj, uint32_t word) {
  uintptr b = reinterpret_cast<uintptr>(obj);
  checkedType(b, word, "gc.load: word out of range");
  return reinterpret_cast<Obj>(loadField(b, word));
}

// Go: the compiler's write barrier check before a pointer store:
// "if writeBarrier.enabled { gcWriteBarrier(slot, ptr) } else { *slot = ptr }".
void store(Obj obj, uint32_t word, Obj val) {
  uintptr b = reinterpret_cast<uintptr>(obj);
  const Type* t = checkedType(b, word, "gc.store: word out of range");
  if (!t->isPointer(word)) throwFatal("gc.store: not a pointer word (use storeScalar)");
  Collector* c = static_cast<Collector*>(getm()->rt->gcState);
  uintptr v = reinterpret_cast<uintptr>(val);
  if (c->writeBarrierEnabled.load(std::memory_order_relaxed)) [[unlikely]]
    c->writeBarrier(b, word, loadField(b, word), v);
  storeField(b, word, v);
}

uint64_t loadScalar(Obj obj, uint32_t word) {
  uintptr b = reinterpret_cast<uintptr>(obj);
  checkedType(b, word, "gc.loadScalar: word out of range");
  return loadWord(b, word);
}

void storeScalar(Obj obj, uint32_t word, uint64_t v) {
  uintptr b = reinterpret_cast<uintptr>(obj);
  const Type* t = checkedType(b, word, "gc.storeScalar: word out of range");
  if (t->isPointer(word)) throwFatal("gc.storeScalar: a pointer word (use store)");
  storeWord(b, word, v);
}

Obj global(uint32_t i) {
  Collector* c = Collector::current();
  if (i >= c->globals.n) throwFatal("gc.global: index out of range");
  return reinterpret_cast<Obj>(c->globals.slots[i].load(std::memory_order_acquire));
}

void setGlobal(uint32_t i, Obj val) {
  Collector* c = Collector::current();
  if (i >= c->globals.n) throwFatal("gc.setGlobal: index out of range");
  uintptr v = reinterpret_cast<uintptr>(val);
  if (c->writeBarrierEnabled.load(std::memory_order_relaxed)) [[unlikely]]
    c->writeBarrier(0, i, c->globals.slots[i].load(std::memory_order_relaxed), v);
  c->globals.slots[i].store(v, std::memory_order_release);
}

namespace {

// Parks the calling goroutine until cycle `n` has completed.
struct WaitCycle {
  Collector* c;
  uint32_t n;
  bool await_ready() const noexcept { return c->numGC.load(std::memory_order_acquire) >= n; }
  void await_suspend(coro::coroutine_handle<>) noexcept {
    gopark(
        [](G* gp, void* self) {
          auto* w = static_cast<WaitCycle*>(self);
          std::lock_guard<std::mutex> g(w->c->waitersLock);
          if (w->c->numGC.load(std::memory_order_acquire) >= w->n) return false;  // it ended meanwhile
          w->c->gcWaiters.pushBack(gp);
          return true;
        },
        this, WaitReason::GarbageCollection);
  }
  void await_resume() const noexcept {}
};

}  // namespace

bool StartCycle::await_ready() noexcept {
  if (c == nullptr) c = Collector::current();
  if (c->gcphase.load(std::memory_order_relaxed) != GCPhase::Off) return true;
  bool expected = false;
  return !c->startPending.compare_exchange_strong(expected, true, std::memory_order_acq_rel);
}

void StartCycle::await_suspend(coro::coroutine_handle<>) noexcept { c->requestCycleStart(forced); }

// The StopTheWorld function for mark termination.
void Collector::markTerminationStopped(void* self) {
  auto* c = static_cast<Collector*>(self);
  const int64_t cost = c->markTermination(c->forceMarkDone_);
  getg()->call.ns = c->simulated() ? cost : 0;
}

bool EndMark::await_ready() noexcept {
  if (c == nullptr) c = Collector::current();
  if (c->gcphase.load(std::memory_order_relaxed) != GCPhase::Mark) return true;
  bool expected = false;
  return !c->markDonePending.compare_exchange_strong(expected, true, std::memory_order_acq_rel);
}

void EndMark::await_suspend(coro::coroutine_handle<>) noexcept { c->requestMarkTermination(force); }

void Collector::requestMarkTermination(bool force) {
  forceMarkDone_ = force;
  markDoneRequestedAt_ = nanotime();
  G* gp = getg();
  gp->call = BlockingCall{&markTerminationStopped, this, 0, 0, int32_t(trace::StwReason::GCMarkTerm)};
  gp->handoff = Handoff::StopTheWorld;
}

// Go: runtime/mgc.go gcStart's first loop: "for trigger.test() &&
// sweepone() != ^uintptr(0)" — sweep what is left concurrently, before the
// stop-the-world, whose finishsweep_m then has nothing left to do.
Task<> sweepBeforeStart(Collector* c) {
  int64_t swept = 0;
  while (c->gcphase.load(std::memory_order_relaxed) == GCPhase::Off && c->sweepone()) swept++;
  if (c->simulated() && swept > 0) co_await rt::cpu(swept * c->cfg.cost.sweepSpanNs);
}

// Go: runtime/mgc.go GC
Task<> GC() {
  Collector* c = Collector::current();
  // "We consider a cycle to be: sweep termination, mark, mark termination,
  // and sweep. This function shouldn't return until a full cycle has been
  // completed, from beginning to end." A cycle already marking does not
  // count: wait for it, then run one of our own.
  uint32_t target = c->numGC.load(std::memory_order_acquire) + 1;
  if (c->gcphase.load(std::memory_order_relaxed) != GCPhase::Off || c->startPending.load()) target++;
  while (c->numGC.load(std::memory_order_acquire) < target) {
    co_await sweepBeforeStart(c);
    co_await StartCycle{c};
    co_await WaitCycle{c, std::min(target, c->numGC.load(std::memory_order_acquire) + 1)};
  }
  // Go: "Finish sweep before we start concurrent scan" — sweep everything
  // so that the heap is what the cycle found.
  int64_t swept = 0;
  while (c->sweepone()) swept++;
  if (c->simulated() && swept > 0) co_await rt::cpu(swept * c->cfg.cost.sweepSpanNs);
  co_return;
}

// Go: runtime/mstats.go ReadMemStats — stopTheWorld("read mem stats"),
// readmemstats_m, startTheWorld. The M runs it with the world stopped
// (Handoff::StopTheWorld in core/sched/proc.cpp).
static void readMemStatsStopped(void* arg) {
  auto* self = static_cast<ReadMemStats*>(arg);
  Collector::current()->readMemStats(self->m);
}

void ReadMemStats::await_suspend(coro::coroutine_handle<>) noexcept {
  G* gp = getg();
  gp->call = BlockingCall{&readMemStatsStopped, this, 0, 0, int32_t(trace::StwReason::ReadMemStats)};
  gp->handoff = Handoff::StopTheWorld;
}

}  // namespace rt::gc
