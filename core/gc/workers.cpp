// Background mark workers and the background sweeper: goroutines the
// collector starts.
//
// Lesson. Go aims to spend 25% of GOMAXPROCS on marking (pacer.hpp,
// workersFor). With 4 Ps that is one dedicated worker: a goroutine that
// marks on its P until the mark is done. With 1, 2, 3 or 6 Ps, 25% is not
// a whole number of Ps, so marking gets a fraction of every P's time
// instead: fractionalUtilizationGoal is a per-P goal (0.25 with 1-3 Ps,
// 0.5/6 with 6), and any P that is under it runs a fractional worker until
// it is a little over (Go: findRunnableGCWorker, pollFractionalWorkerExit).
// With 2 Ps that is 2 x 25% of a P: 25% of GOMAXPROCS, as with 4. When a
// worker finds no grey object, no root left and nothing queued globally,
// and no other worker or assist is in the middle of a drain (work.draining,
// Go's work.nwait), the mark is over: it stops the world for mark
// termination.
//
// Beyond the 25%, a P that has nothing else to run marks instead of going
// idle: findRunnable, about to give up its P, takes an idle-priority worker
// from a pool (Runtime::gcFindIdleWorker). That worker marks until the P has
// a goroutine to run again (Go's pollWork) and then parks back in the pool.
// Idle marking is free CPU, so it is not counted in the 25% (it shows as
// the third CPU figure of a gctrace line, "assist/background/idle").
//
// Named simplifications: Go keeps one parked worker goroutine per P and
// findRunnable decides when the dedicated and fractional ones run
// (gcController.findRunnableGCWorker); the lab starts the cycle's workers as
// ordinary goroutines at sweep termination, the goroutine that starts the
// cycle yields so they run at once. Go keeps each P's fractional time in
// p.gcFractionalMarkTime and its scheduler runs a fractional worker only on
// a P under the goal; the lab queues one fractional worker on each P at
// sweep termination, and each keeps the account of its P's share (its own
// mark time over the mark's wall time) and sleeps while over it. A worker
// that another P steals takes its account along, so the total stays procs
// x fractionalUtilizationGoal, Go's total. (On the P that runs a dedicated
// worker its fractional one waits, as in Go, where that P never asks
// findRunnableGCWorker for one: at 6 Ps the share is a little under 25%.)
// A dedicated worker is preemptible here: Go 1.19's gcBgMarkWorker drains
// in dedicated mode with gcDrainUntilPreempt first and, once preempted,
// kicks its P's run queue to the global queue (runqdrain) and drains again
// with no preemption at all (only a stop-the-world stops it). The lab has
// no non-preemptible goroutines — sysmon's preemption, and on the simulator
// its cut of a cpu burst, stop any of them — so its dedicated worker, after
// a preemption, waits in the global queue like any goroutine and its P
// runs the next one.
// The idle workers are goroutines started each cycle
// too, procs - dedicated of them (Go's maxIdleMarkWorkers), parked until
// findRunnable takes one.
#include "gc/api.hpp"
#include "gc/collector.hpp"
#include "sched/api.hpp"
#include "sched/m.hpp"
#include "sched/proc.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

namespace {

enum class WorkerMode : uint8_t { Dedicated, Fractional };

}  // namespace

// Go: runtime/mgc.go gcBgMarkWorker
struct MarkWorker {
  // Is the mark of `cycle` still on?
  static bool marking(Collector* c, uint32_t cycle) {
    return c->gcphase.load(std::memory_order_relaxed) == GCPhase::Mark && c->work.cycles == cycle;
  }

  // One budget of background marking on the current P.
  struct Round {
    PerP* pp;
    int64_t done, objs;  // scan work done, objects scanned
    int64_t cost;        // its virtual time on the simulator
    int64_t t0;          // when it began
    bool idle() const { return done == 0 && objs == 0; }
    // CPU time it took: virtual on the simulator, measured on real threads.
    int64_t spent(const Collector* c) const { return c->simulated() ? cost : c->nanotime() - t0; }
  };
  // Named simplification: a worker drains cfg.cost.drainBudgetBytes of scan
  // work per step on real threads too, the simulator's step (one event on
  // the timeline). Go's workers drain until preempted, looking up every
  // drainCheckThreshold (100 000) units of work; with Go's steps the mark
  // of bench/gc's tree took the same time (A/B, 8.6 ms either way).
  static Round drain(Collector* c) {
    Round r{&c->perP(getm()->p), 0, 0, 0, c->nanotime()};
    {
      Collector::DrainingScope draining(c);
      r.done = c->gcDrain(*r.pp, c->cfg.cost.drainBudgetBytes, MarkedBy::Worker, &r.objs);
    }
    // Go: gcFlushBgCredit — background work pays parked assists, then
    // banks credit for later ones.
    if (r.done > 0) c->gcFlushBgCredit(r.done);
    r.cost = c->scanCost(r.done, r.objs);
    return r;
  }

  static Goroutine run(Collector* c, WorkerMode mode, uint32_t cycle) {
    const int64_t markStart = c->work.cur.tMark;  // Go: gcController.markStartTime
    // Go: p.gcFractionalMarkTime — the mark time of the P share this worker
    // keeps (see the header).
    int64_t myTime = 0;
    const double goal = c->gcController.fractionalUtilizationGoal;
    c->work.workersRunning.fetch_add(1, std::memory_order_acq_rel);
    while (marking(c, cycle)) {
      const Round r = drain(c);
      if (c->simulated() && r.cost > 0) co_await rt::cpu(r.cost);
      else co_await rt::checkpoint();
      // The P it runs on now (a preemption may have moved it).
      PerP& pp = c->perP(getm()->p);
      const int64_t spent = r.spent(c);
      // Go: findRunnableGCWorker — "check if the GC CPU limiter hasn't had
      // an update in a while".
      if (const int64_t now = c->nanotime(); c->limiter.needUpdate(now)) c->limiterUpdate(now);
      myTime += spent;
      // Go: gcController.markWorkerStop — dedicatedMarkTime or
      // fractionalMarkTime (and the P's gcFractionalMarkTime).
      if (mode == WorkerMode::Dedicated) {
        c->work.dedicatedTime.fetch_add(spent, std::memory_order_relaxed);
      } else {
        c->work.fractionalTime.fetch_add(spent, std::memory_order_relaxed);
        pp.fractionalMarkTime += spent;
      }
      if (!marking(c, cycle)) break;
      if (r.idle()) {
        if (c->noGlobalWork() && pp.gcw.empty() && c->work.draining.load(std::memory_order_acquire) == 0) {
          // Go: gcMarkDone — "This is the last worker and we ran out of work".
          // Mark termination, or (if flushing found work) more marking.
          co_await EndMark{c, false};
          continue;
        }
        // Work may still appear (write barriers, other Ps' buffers, a drain
        // still running elsewhere, which ends the mark itself if nothing is
        // left): wait a little, as a parked Go worker would until work is
        // queued.
        co_await rt::Sleep{20'000};
        continue;
      }
      if (mode == WorkerMode::Fractional) {
        // Go: pollFractionalWorkerExit — "Add some slack to the utilization
        // goal so that the fractional worker isn't behind again the instant
        // it exits": stop once over 1.2 x the goal, and (Go:
        // findRunnableGCWorker's "Is this P behind on the fractional
        // utilization goal?") run again once back under the goal.
        const int64_t elapsed = c->nanotime() - markStart;
        if (elapsed > 0 && double(myTime) / double(elapsed) > 1.2 * goal) {
          co_await rt::Sleep{int64_t(double(myTime) / goal) - elapsed + 1};
        }
      }
    }
    c->work.workersRunning.fetch_sub(1, std::memory_order_acq_rel);
    co_return;
  }
  static Goroutine runIdle(Collector* c, uint32_t cycle);
};

namespace {

// Go: runtime/proc.go pollWork — is there a goroutine this P should run
// instead of idle marking?
bool pollWork(Runtime* rt, P* pp) {
  return rt->sched.runqsize.load(std::memory_order_relaxed) != 0 || !runqempty(pp);
}

// Parks an idle worker in the pool (Go: gopark in gcBgMarkWorker, which
// pushes the worker's node on gcBgMarkWorkerPool in its unlock function,
// once the goroutine is off its M). It does not park once the pool is
// closed or serves another cycle: the worker then sees that and exits.
struct ParkIdleWorker {
  Collector* c;
  uint32_t cycle;
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<>) noexcept {
    gopark(
        [](G* gp, void* self) {
          auto* w = static_cast<ParkIdleWorker*>(self);
          auto& idle = w->c->idleWorkers;
          std::lock_guard<std::mutex> g(idle.lock);
          if (!idle.open || idle.cycle != w->cycle) return false;
          idle.pool.push_back(gp);
          return true;
        },
        this, WaitReason::GCWorkerIdle);
  }
  void await_resume() const noexcept {}
};

}  // namespace

// Go: runtime/mgc.go gcBgMarkWorker in gcMarkWorkerIdleMode, with
// gcDrain's gcDrainIdle flag: mark until pollWork says the P has other work.
Goroutine MarkWorker::runIdle(Collector* c, uint32_t cycle) {
  for (;;) {
    co_await ParkIdleWorker{c, cycle};
    if (!marking(c, cycle)) break;
    // findIdleWorker counted us in idleWorkers.running.
    c->work.workersRunning.fetch_add(1, std::memory_order_acq_rel);
    while (marking(c, cycle)) {
      const Round r = drain(c);
      // A safe point between budgets, as the dedicated worker has: a
      // stop-the-world or sysmon's preemption does not wait for the mark.
      if (c->simulated() && r.cost > 0) co_await rt::cpu(r.cost);
      else co_await rt::checkpoint();
      c->work.idleTime.fetch_add(r.spent(c), std::memory_order_relaxed);
      // Go: limiterEventIdleMarkWork — idle marking is idle time to the
      // GC CPU limiter, not GC time.
      c->limiter.addIdleTime(r.spent(c));
      // Nothing left to mark here (the other workers finish the mark), or
      // the P has a goroutine to run: back to the pool.
      if (r.idle() || pollWork(c->rt, getm()->p)) break;
    }
    c->work.workersRunning.fetch_sub(1, std::memory_order_acq_rel);
    std::lock_guard<std::mutex> g(c->idleWorkers.lock);
    // Go: gcController.removeIdleMarkWorker. (A worker of an earlier cycle,
    // caught in a cpu burst when the next began, is not counted in its pool.)
    if (c->idleWorkers.cycle == cycle) c->idleWorkers.running--;
  }
  co_return;
}

void Collector::startWorkers() {
  if (!cfg.backgroundWorkers) return;
  const uint32_t cycle = work.cycles;
  // The idle workers first: each goroutine started goes to runnext, and the
  // last one, a dedicated or fractional worker, must be the one there when
  // the cycle's starter yields.
  // Go: gcController.startCycle — setMaxIdleMarkWorkers(procs - dedicated).
  const int maxIdle = rt->gomaxprocs.load(std::memory_order_relaxed) - gcController.dedicatedMarkWorkersNeeded;
  {
    std::lock_guard<std::mutex> g(idleWorkers.lock);
    idleWorkers.cycle = cycle;
    idleWorkers.open = true;
    idleWorkers.running = 0;
    idleWorkers.max = maxIdle;
  }
  for (int i = 0; i < maxIdle; i++) rt::go(MarkWorker::runIdle(this, cycle), "runtime.gcBgMarkWorker", "runtime.gcBgMarkStartWorkers");
  for (int i = 0; i < gcController.dedicatedMarkWorkersNeeded; i++)
    rt::go(MarkWorker::run(this, WorkerMode::Dedicated, cycle), "runtime.gcBgMarkWorker",
          "runtime.gcBgMarkStartWorkers");
  // fractionalUtilizationGoal is per P: a fractional worker for each P's
  // share, queued on that P (the world is stopped, so every P's run queue
  // is ours to fill), where it runs the next time that P schedules, as Go's
  // findRunnableGCWorker would pick one there (see the header).
  if (gcController.fractionalUtilizationGoal > 0) {
    const int procs = rt->gomaxprocs.load(std::memory_order_relaxed);
    const uint64_t parent = getg()->goid;
    for (int i = 0; i < procs; i++) {
      P* pp = rt->allp[size_t(i)];
      G* gp = newproc1(rt, MarkWorker::run(this, WorkerMode::Fractional, cycle).release(), pp, parent,
                       "runtime.gcBgMarkWorker");
      runqput(pp, gp, false);
    }
  }
}

G* Collector::findIdleWorker(void* self, P* pp) {
  auto* c = static_cast<Collector*>(self);
  if (!c->gcBlackenEnabled.load(std::memory_order_relaxed)) return nullptr;
  // Go: gcMarkWorkAvailable — grey objects in this P's buffers, full
  // buffers on the global list, or roots not yet scanned.
  if (c->noGlobalWork() && c->perP(pp).gcw.empty()) return nullptr;
  std::lock_guard<std::mutex> g(c->idleWorkers.lock);
  auto& idle = c->idleWorkers;
  // Go: gcController.addIdleMarkWorker — at most max at once.
  if (!idle.open || idle.pool.empty() || idle.running >= idle.max) return nullptr;
  idle.running++;
  G* gp = idle.pool.back();
  idle.pool.pop_back();
  return gp;
}

void Collector::closeIdleWorkers() {
  std::vector<G*> parked;
  {
    std::lock_guard<std::mutex> g(idleWorkers.lock);
    idleWorkers.open = false;
    parked.swap(idleWorkers.pool);
  }
  for (G* gp : parked) goready(gp);
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

void Collector::startBgSweep() { rt::go(bgsweep(this, work.cycles), "runtime.bgsweep", "runtime.gcenable"); }

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
    co_await sweepBeforeStart(c);
    co_await StartCycle{c, /*forced=*/false};
  }
}

}  // namespace

void Collector::startForcegcHelper() { rt::go(forcegchelper(this), "runtime.forcegchelper", "runtime.init.6"); }

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
