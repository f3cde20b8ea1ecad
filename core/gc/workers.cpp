// Background mark workers and the background sweeper: goroutines the
// collector starts.
//
// Lesson. Go aims to spend 25% of GOMAXPROCS on marking (pacer.hpp,
// workersFor). With 4 Ps that is one dedicated worker: a goroutine that
// marks on its P until the mark is done. With 1, 2, 3 or 6 Ps, 25% is not
// a whole number of Ps, so a fractional worker marks for a share of one P's
// time and yields the rest. When a worker finds no grey object, no root left
// and nothing queued globally, the mark is over: it stops the world for
// mark termination.
//
// Named simplifications: Go keeps one parked worker goroutine per P and
// findRunnable decides when one runs (gcController.findRunnableGCWorker);
// the lab starts the cycle's workers as ordinary goroutines at sweep
// termination, and the fractional worker keeps to its share by sleeping.
// No idle-priority workers (Go runs them on Ps with nothing else to do).
#include "gc/api.hpp"
#include "gc/collector.hpp"
#include "sched/api.hpp"
#include "sched/m.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

namespace {

enum class WorkerMode : uint8_t { Dedicated, Fractional };

}  // namespace

// Go: runtime/mgc.go gcBgMarkWorker
struct MarkWorker {
  static Goroutine run(Collector* c, WorkerMode mode, uint32_t cycle) {
    auto marking = [c, cycle] {
      return c->gcphase.load(std::memory_order_relaxed) == GCPhase::Mark && c->work.cycles == cycle;
    };
    const int64_t markStart = c->work.cur.tMark;
    int64_t myTime = 0;
    c->work.workersRunning.fetch_add(1, std::memory_order_acq_rel);
    while (marking()) {
      PerP& pp = c->perP(getm()->p);
      const int64_t t0 = c->nanotime();
      int64_t objs = 0;
      int64_t done = c->gcDrain(pp, c->cfg.cost.drainBudgetBytes, MarkedBy::Worker, &objs);
      // Go: gcFlushBgCredit — background work pays parked assists, then
      // banks credit for later ones.
      if (done > 0) c->gcFlushBgCredit(done);
      const int64_t cost = c->scanCost(done, objs);
      if (c->simulated() && cost > 0) co_await rt::cpu(cost);
      else co_await rt::checkpoint();
      const int64_t spent = c->simulated() ? cost : c->nanotime() - t0;
      myTime += spent;
      (mode == WorkerMode::Dedicated ? c->work.dedicatedTime : c->work.fractionalTime)
          .fetch_add(spent, std::memory_order_relaxed);
      if (!marking()) break;
      if (done == 0 && objs == 0) {
        if (c->noGlobalWork() && pp.gcw.empty()) {
          // Go: gcMarkDone — "This is the last worker and we ran out of work".
          // Mark termination, or (if flushing found work) more marking.
          co_await EndMark{c, false};
          continue;
        }
        // Work may still appear (write barriers, other Ps' buffers): wait a
        // little, as a parked Go worker would until work is queued.
        co_await rt::Sleep{20'000};
        continue;
      }
      if (mode == WorkerMode::Fractional) {
        // Go: pollFractionalWorkerExit — stop once over the utilization goal.
        const int64_t elapsed = c->nanotime() - markStart;
        const double goal = c->gcController.fractionalUtilizationGoal * 1.2;
        if (elapsed > 0 && double(myTime) / double(elapsed) > goal) {
          co_await rt::Sleep{int64_t(double(myTime) / goal) - elapsed + 1};
        }
      }
    }
    c->work.workersRunning.fetch_sub(1, std::memory_order_acq_rel);
    co_return;
  }
};

void Collector::startWorkers() {
  if (!cfg.backgroundWorkers) return;
  const uint32_t cycle = work.cycles;
  for (int i = 0; i < gcController.dedicatedMarkWorkersNeeded; i++)
    rt::go(MarkWorker::run(this, WorkerMode::Dedicated, cycle), "runtime.gcBgMarkWorker");
  if (gcController.fractionalUtilizationGoal > 0)
    rt::go(MarkWorker::run(this, WorkerMode::Fractional, cycle), "runtime.gcBgMarkWorker");
}

namespace {

// Go: runtime/mgcsweep.go bgsweep — sweep one span at a time, yielding in
// between so the program runs.
Goroutine bgsweep(Collector* c, uint32_t cycle) {
  while (c->work.cycles == cycle && c->gcphase.load(std::memory_order_relaxed) == GCPhase::Off) {
    if (!c->sweepone()) break;
    if (c->simulated()) co_await rt::cpu(c->cfg.cost.sweepSpanNs);
    co_await rt::Gosched();
  }
  co_return;
}

}  // namespace

void Collector::startBgSweep() { rt::go(bgsweep(this, work.cycles), "runtime.bgsweep"); }

// Go: runtime/proc.go forcegchelper — parked until sysmon finds that no
// collection ran for forcegcperiod, then starts one (gcTriggerTime).
namespace {

struct ParkForcegc {
  Collector* c;
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<>) noexcept {
    gopark(
        [](G* gp, void* self) {
          auto* col = static_cast<Collector*>(self);
          std::lock_guard<std::mutex> g(col->forcegc.lock);
          col->forcegc.g = gp;
          col->forcegc.idle = true;
          return true;
        },
        c, WaitReason::ForceGCIdle);
  }
  void await_resume() const noexcept {}
};

Goroutine forcegchelper(Collector* c) {
  for (;;) {
    co_await ParkForcegc{c};
    // this goroutine is explicitly resumed by sysmon
    if (c->cfg.gctrace) c->rt->print("GC forced\n");
    co_await StartCycle{c, /*forced=*/false};
  }
}

}  // namespace

void Collector::startForcegcHelper() { rt::go(forcegchelper(this), "runtime.forcegchelper"); }

G* Collector::sysmonCheck(void* self, int64_t now) {
  auto* c = static_cast<Collector*>(self);
  // Go: gcTrigger{kind: gcTriggerTime}.test() — "lastgc != 0 && now - lastgc > forcegcperiod",
  // only with GOGC on.
  if (c->gcController.gcPercent < 0 || c->gcphase.load(std::memory_order_relaxed) != GCPhase::Off) return nullptr;
  const uint64_t last = c->lastGCTime_.load(std::memory_order_relaxed);
  if (last == 0 || now - int64_t(last) <= forcegcperiod) return nullptr;
  std::lock_guard<std::mutex> g(c->forcegc.lock);
  if (!c->forcegc.idle) return nullptr;
  c->forcegc.idle = false;
  return c->forcegc.g;
}

}  // namespace rt::gc
