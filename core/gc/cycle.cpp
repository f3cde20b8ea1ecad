// The GC cycle: Go's gcStart, gcMarkDone and gcMarkTermination.
//
// Each function here runs with the world stopped, on the M of the goroutine
// that asked (an allocation that crossed the trigger, runtime.GC(), or the
// mark worker that found no work left): see Handoff::StopTheWorld in
// core/sched/proc.cpp. They return what the pause costs in virtual time on
// the simulator (its work is instantaneous there; the M then waits that
// long with the world still stopped).
//
// A pause is timed as Go times it (work.pauseStart, work.pauseNS): from
// just before the world starts stopping (the goroutine's request, recorded
// in startRequestedAt_ and markDoneRequestedAt_) to the restart, so the
// wait for every P to reach a safe point counts. A cycle's pause is the sum of its stop-the-worlds: sweep
// termination, every gcMarkDone flush that found more work and restarted
// the world, and mark termination. (Go takes pauseStart after acquiring
// worldsema; the lab's request is just before the M acquires it, so a
// request that waits for another stop-the-world, a GOMAXPROCS, counts that
// wait too.)
#include <algorithm>

#include "gc/collector.hpp"
#include "gc/gctrace.hpp"
#include "gc/heaptrace.hpp"
#include "gc/type.hpp"
#include "sched/goroutine.hpp"
#include "sched/m.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"
#include "sched/traceev.hpp"

namespace rt::gc {

const char* gcPhaseName(GCPhase p) {
  switch (p) {
    case GCPhase::Off: return "_GCoff";
    case GCPhase::Mark: return "_GCmark";
    case GCPhase::MarkTermination: return "_GCmarktermination";
  }
  return "?";
}

const char* markedByName(MarkedBy b) {
  switch (b) {
    case MarkedBy::Roots: return "roots";
    case MarkedBy::Worker: return "workers";
    case MarkedBy::Assist: return "assists";
    case MarkedBy::Barrier: return "barrier";
    case MarkedBy::Termination: return "termination";
    case MarkedBy::Allocation: return "allocation";
  }
  return "?";
}

namespace {

// The end of a pause that started at `start` and cost `cost` virtual ns: on
// the simulator the clock stands still during the work, so it is start+cost;
// on real threads it is now.
int64_t endOfPause(const Collector* c, int64_t start, int64_t cost) {
  return c->simulated() ? start + cost : c->nanotime();
}

// Clears a "someone is stopping the world for this" flag when the pause's
// work is done, however it ends.
struct ClearOnExit {
  std::atomic<bool>* f;
  ~ClearOnExit() { f->store(false, std::memory_order_release); }
};

}  // namespace

void Collector::tracePhase(GCPhase p) {
  M* mp = getm();
  traceEvent(rt, mp, trace::EvType::GCPhase, 0, pid(mp ? mp->p.load() : nullptr), -1, int32_t(p), int32_t(work.cycles));
}

// Go: runtime/mgc.go gcStart, from stopTheWorldWithSema to startTheWorld.
int64_t Collector::sweepTermination(bool forced) {
  ClearOnExit clear{&startPending};
  if (gcphase.load(std::memory_order_relaxed) != GCPhase::Off) return 0;

  // The world is stopped now; the pause began when it was requested.
  const int64_t start = nanotime();
  work.cur = CycleStats{};
  CycleStats& cs = work.cur;
  // Go: work.tSweepTerm = work.pauseStart = now, before stopTheWorldWithSema.
  work.pauseStart = std::min(startRequestedAt_, start);
  work.pauseNS = 0;
  cs.tSweepTerm = work.pauseStart;
  cs.forced = forced;
  cs.marker = cfg.marker;
  cs.barrier = cfg.barrier;
  cs.procs = rt->gomaxprocs.load();
  int64_t cost = cfg.cost.sweepTermNs;

  // Go: finishsweep_m — "Sweep all spans eagerly." Usually nothing is left:
  // whoever started the cycle swept the rest before stopping the world, as
  // Go's gcStart loop does (sweepBeforeStart for runtime.GC() and forcegc,
  // gc/api.cpp New for an allocation past the trigger). What is still
  // unswept (a sweep that stopped when its trigger no longer held) is swept
  // here, as in Go.
  cs.pauseSweptSpans = finishsweep();
  cost += int64_t(cs.pauseSweptSpans) * cfg.cost.sweepSpanNs;

  work.cycles++;
  work.stackGen.store(2 * work.cycles, std::memory_order_relaxed);
  // Go starts forcegchelper at init; the lab at the first cycle (the
  // periodic GC only counts from the last one anyway).
  if (!forcegcStarted_) {
    forcegcStarted_ = true;
    startForcegcHelper();
  }
  work.userForced = forced;
  const uint64_t heapLive = heap.stats.heapLive.load();
  cs.heap0 = heapLive;

  // Go: gcController.startCycle.
  gcController.globalsScan = globalBytes();
  gcController.maxStackScan = stackBytes();
  commitMemoryLimit();
  // (heapScan: the lab counts the whole live heap as scannable.)
  std::string pacer = gcController.startCycle(heapLive, cs.procs, heapLive);
  if (cfg.gcpacertrace) rt->print(pacer + "\n");
  cs.goal = gcController.heapGoal();
  traceHeap(this);  // Go: traceHeapGoal — the goal of this cycle
  publishHeapGoal();
  // Go: "Notify the CPU limiter that assists may begin" — from the time the
  // world began to stop; this pause counts as GC time on every P.
  limiterStartTransition(true, work.pauseStart);

  // Go: gcResetMarkState + gcMarkRootPrepare: the roots are the globals
  // and the stack of every goroutine that exists now.
  work.bytesMarked.store(0, std::memory_order_relaxed);
  for (auto* t : {&work.heapScanWork, &work.stackScanWork, &work.globalsScanWork, &work.assistTime,
                  &work.dedicatedTime, &work.fractionalTime, &work.idleTime, &work.bgScanCredit})
    t->store(0, std::memory_order_relaxed);
  for (auto& a : perP_) {
    PerP* ps = a.load(std::memory_order_relaxed);
    if (!ps) continue;
    ps->gcw.bytesMarked = 0;
    ps->gcw.heapScanWork = 0;
    ps->fractionalMarkTime = 0;
    std::fill(std::begin(ps->markedObjects), std::end(ps->markedObjects), 0);
    std::fill(std::begin(ps->markedBytes), std::end(ps->markedBytes), 0);
  }
  work.stackRoots.clear();
  {
    std::lock_guard<std::mutex> g(rt->allgLock);
    for (G* gp = rt->allgs; gp; gp = gp->alllink) {
      gp->gcAssistBytes = 0;
      Gstatus st = readgstatus(gp);
      if (st != Gstatus::Dead && st != Gstatus::Idle) work.stackRoots.push_back(gp);
    }
  }
  work.markrootJobs = 1 + static_cast<uint32_t>(work.stackRoots.size());
  work.markrootNext.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> g(storesLock);
    stores.clear();
  }
  {
    std::lock_guard<std::mutex> g(shadesLock);
    shades.clear();
  }

  // Go: setGCPhase(_GCmark) — write barrier on, allocate black.
  gcphase.store(GCPhase::Mark, std::memory_order_relaxed);
  tracePhase(GCPhase::Mark);
  writeBarrierEnabled.store(true, std::memory_order_relaxed);
  PerP& mine = perP(getm()->p);
  // Go: gcMarkTinyAllocs — the current tiny blocks are reachable through
  // objects the mcaches hand out next; mark them.
  for (auto& a : perP_) {
    PerP* ps = a.load(std::memory_order_relaxed);
    if (ps && ps->mcache->tiny != 0) shade(ps->mcache->tiny, mine, MarkedBy::Roots);
  }

  if (cfg.marker == Marker::STW) {
    // The simple marker: the whole mark inside this pause.
    int64_t objs = 0;
    int64_t scanned = gcDrain(mine, maxInt64, MarkedBy::Worker, &objs);
    cost += scanCost(scanned, objs);
    // One pause holds the whole cycle: it is all "sweep termination" in
    // the gctrace line, and mark termination takes no time of its own.
    cs.tMark = cs.tMarkTerm = endOfPause(this, start, cost);
    cs.pauseSweepTermNs = cs.tMark - cs.tSweepTerm;
    work.pauseNS += cs.pauseSweepTermNs;
    // The limiter sees marking turn on and off within the pause.
    limiterFinishTransition(cs.tMark);
    limiterStartTransition(false, cs.tMark);
    finishCycle(start, &cost);
    return cost;
  }
  // Go: "now = startTheWorldWithSema(...); work.pauseNS += now -
  // work.pauseStart; work.tMark = now".
  cs.tMark = endOfPause(this, start, cost);
  cs.pauseSweepTermNs = cs.tMark - cs.tSweepTerm;
  work.pauseNS += cs.pauseSweepTermNs;
  pauseDist.record(cs.pauseSweepTermNs);  // Go: memstats.gcPauseDist.record(now - work.pauseStart)
  limiterFinishTransition(cs.tMark);  // Go: "Release the CPU limiter."
  // Go: gcBlackenEnabled = 1, and the background workers start (Go keeps
  // one parked worker goroutine per P; the lab starts the cycle's workers).
  gcBlackenEnabled.store(true, std::memory_order_relaxed);
  rt->gcStackBarrier.store(true, std::memory_order_release);
  startWorkers();
  // Go's scheduler runs a mark worker the next time a P schedules
  // (findRunnableGCWorker). The lab's workers are ordinary goroutines in
  // this P's run queue: ask the goroutine that started the cycle to yield
  // at its next safe point, so a worker gets the P at once.
  if (cfg.backgroundWorkers) getg()->preempt = true;
  return cost;
}

// Go: runtime/mgc.go gcMarkDone (the ragged barrier and the re-check) and
// gcMarkTermination, in one pause.
int64_t Collector::markTermination(bool force) {
  ClearOnExit clear{&markDonePending};
  if (gcphase.load(std::memory_order_relaxed) != GCPhase::Mark) return 0;
  const int64_t start = nanotime();
  // Go: "work.tMarkTerm = now; work.pauseStart = now", before stopTheWorldWithSema.
  work.pauseStart = std::min(markDoneRequestedAt_, start);
  gcBlackenEnabled.store(false, std::memory_order_relaxed);
  // Go: setGCPhase(_GCmarktermination)
  gcphase.store(GCPhase::MarkTermination, std::memory_order_relaxed);
  tracePhase(GCPhase::MarkTermination);
  PerP& mine = perP(getm()->p);

  // Go: gcMarkDone's ragged barrier — flush every P's gcWork (forEachP)
  // and, if that turned up grey objects, go back to concurrent marking.
  // (Named simplification: the lab's flush is a short stop-the-world, not a
  // handshake with one P at a time.) After kMaxMarkDoneRestarts the rest is
  // drained in the pause, so a mutator that keeps shading cannot stall the
  // cycle for ever.
  for (auto& a : perP_) {
    if (PerP* ps = a.load(std::memory_order_relaxed)) {
      wbBufFlush(*ps);
      ps->gcw.dispose();
    }
  }
  if (!force && !pool.fullEmpty() && work.cur.markDoneRestarts < kMaxMarkDoneRestarts) {
    work.cur.markDoneRestarts++;
    gcphase.store(GCPhase::Mark, std::memory_order_relaxed);
    tracePhase(GCPhase::Mark);
    gcBlackenEnabled.store(true, std::memory_order_relaxed);
    const int64_t flushCost = cfg.cost.sweepSpanNs;  // a flush, not a mark termination
    // Go: gcMarkDone's restart — "now := startTheWorldWithSema(true);
    // work.pauseNS += now - work.pauseStart": this stop-the-world counts in
    // the cycle's pause too.
    const int64_t restartPause = endOfPause(this, start, flushCost) - work.pauseStart;
    work.pauseNS += restartPause;
    pauseDist.record(restartPause);
    return flushCost;
  }
  work.cur.tMarkTerm = work.pauseStart;
  // Go: "Notify the CPU limiter that GC assists will now cease."
  limiterStartTransition(false, work.pauseStart);
  int64_t cost = cfg.cost.markTermNs;
  int64_t objs = 0;
  // Stacks nobody scanned yet (goroutines that neither ran nor were reached).
  {
    std::lock_guard<std::mutex> g(rt->allgLock);
    for (G* gp = rt->allgs; gp; gp = gp->alllink)
      if (readgstatus(gp) != Gstatus::Dead && tryScanStack(gp, mine, MarkedBy::Termination)) objs++;
  }
  if (cfg.barrier == BarrierKind::Dijkstra) {
    // Dijkstra's barrier leaves stacks grey: re-scan all of them, world
    // stopped (what Go 1.5-1.7 did, and why Go 1.8 replaced the barrier).
    const int64_t t0 = nanotime();
    int64_t bytes = 0;
    std::lock_guard<std::mutex> g(rt->allgLock);
    for (G* gp = rt->allgs; gp; gp = gp->alllink) {
      if (readgstatus(gp) == Gstatus::Dead) continue;
      bytes += int64_t(scanstack(gp, mine, MarkedBy::Termination));
      work.cur.rescannedStacks++;
    }
    int64_t rescanCost = scanCost(bytes, int64_t(work.cur.rescannedStacks));
    cost += rescanCost;
    work.cur.rescanNs = simulated() ? rescanCost : nanotime() - t0;
  }
  cost += scanCost(gcDrain(mine, maxInt64, MarkedBy::Termination, &objs), objs);
  finishCycle(start, &cost);
  return cost;
}

// Go: runtime/mgc.go gcMarkTermination (after the mark is complete) and gcSweep.
void Collector::finishCycle(int64_t stoppedAt, int64_t* cost) {
  CycleStats& cs = work.cur;
  // The verifier runs before the marks become allocation bits. With no
  // barrier it always runs: it is what keeps a lost object from being freed.
  if (cfg.verifyEachCycle || cfg.barrier == BarrierKind::None) {
    std::string report = verify(&cs.lost);
    std::lock_guard<std::mutex> g(statsLock);
    lastVerify = report;
    if (cs.lost > 0 && lossReports.size() < 2) lossReports.push_back("gc " + std::to_string(numGC + 1) + ": " + report);
  }

  // Totals of the cycle.
  uint64_t marked = work.bytesMarked.load(std::memory_order_relaxed);
  int64_t heapScan = work.heapScanWork.load(std::memory_order_relaxed);
  const int64_t stackScan = work.stackScanWork.load(std::memory_order_relaxed);
  const int64_t globalsScan = work.globalsScanWork.load(std::memory_order_relaxed);
  for (auto& a : perP_) {
    PerP* ps = a.load(std::memory_order_relaxed);
    if (!ps) continue;
    marked += ps->gcw.bytesMarked;
    heapScan += ps->gcw.heapScanWork;
    for (int i = 0; i < kNumMarkedBy; i++) {
      cs.markedObjects[i] += ps->markedObjects[i];
      cs.markedBytes[i] += ps->markedBytes[i];
    }
  }
  cs.heap1 = heap.stats.heapLive.load();
  cs.heap2 = marked;
  cs.stacks = uint64_t(stackScan);
  cs.globals = uint64_t(globalsScan);
  cs.assistTimeNs = work.assistTime.load(std::memory_order_relaxed);
  cs.dedicatedTimeNs = work.dedicatedTime.load(std::memory_order_relaxed);
  cs.fractionalTimeNs = work.fractionalTime.load(std::memory_order_relaxed);
  cs.idleTimeNs = work.idleTime.load(std::memory_order_relaxed);
  cs.assistParks = work.assistParks.exchange(0, std::memory_order_relaxed);

  gcControllerState::CycleEnd e;
  e.heapLive = cs.heap1;
  e.heapMarked = marked;
  e.heapScanWork = heapScan;
  e.stackScanWork = stackScan;
  e.globalsScanWork = globalsScan;
  e.markDurationNs = cs.tMarkTerm - cs.tMark;
  e.assistTimeNs = cs.assistTimeNs;
  e.idleMarkTimeNs = cs.idleTimeNs;
  e.procs = cs.procs;
  std::string pacer = gcController.endCycle(e);
  if (cfg.gcpacertrace) rt->print(pacer + "\n");

  // Go: setGCPhase(_GCoff), then gcSweep: flush every mcache (their spans
  // become unswept when sweepgen moves) and start the sweep cycle.
  gcphase.store(GCPhase::Off, std::memory_order_relaxed);
  tracePhase(GCPhase::Off);
  writeBarrierEnabled.store(false, std::memory_order_relaxed);
  rt->gcStackBarrier.store(false, std::memory_order_release);
  for (auto& a : perP_)
    if (PerP* ps = a.load(std::memory_order_relaxed)) ps->mcache->releaseAll();
  heap.startSweepCycle();
  // Go: gcController.resetLive — the live heap is what was marked.
  heap.stats.heapLive.v.store(int64_t(marked), std::memory_order_relaxed);
  commitMemoryLimit();
  const uint64_t goal = gcController.heapGoal();
  trigger_.store(gcController.trigger(goal), std::memory_order_relaxed);
  traceHeap(this);  // Go: resetLive's traceHeapAlloc and gcControllerCommit's traceHeapGoal
  publishHeapGoal();
  startBgSweep();

  // Go: "work.pauseNS += now - work.pauseStart; work.tEnd = now".
  cs.tEnd = endOfPause(this, stoppedAt, *cost);
  cs.pauseMarkTermNs = cs.tEnd - cs.tMarkTerm;
  work.pauseNS += cs.pauseMarkTermNs;
  // Go: gcMarkTermination's gcPauseDist.record. The STW marker's cycle is
  // one pause (sweep termination through mark termination), recorded once.
  pauseDist.record(cfg.marker == Marker::STW ? work.pauseNS : cs.pauseMarkTermNs);
  limiterFinishTransition(cs.tEnd);  // Go: "Release the CPU limiter."
  // Go: gcMarkTermination's work.totaltime — "We report idle marking time
  // below, but omit it from the overall utilization here since it's
  // 'free'": sweepTermCpu + assist + dedicated + fractional + markTermCpu.
  const int stwprocs = cs.procs;
  const int64_t gcCpu = stwprocs * (cs.tMark - cs.tSweepTerm) + cs.assistTimeNs + cs.dedicatedTimeNs +
                        cs.fractionalTimeNs + stwprocs * (cs.tEnd - cs.tMarkTerm);

  std::lock_guard<std::mutex> g(statsLock);
  gcCpuNs += gcCpu;
  numGC++;
  cs.numgc = numGC;
  if (cs.forced) numForcedGC++;
  // Go: memstats.pause_ns — a circular buffer of the last 256 cycles'
  // stop-the-world time: work.pauseNS, every pause of the cycle together.
  const uint64_t pause = uint64_t(work.pauseNS);
  cs.pauseNs = work.pauseNS;
  pauseTotalNs += pause;
  pauseNs[(numGC + 255) % 256] = pause;
  pauseEnd[(numGC + 255) % 256] = uint64_t(cs.tEnd);
  lastGC = uint64_t(cs.tEnd);
  lastGCTime_.store(lastGC, std::memory_order_relaxed);

  GcTraceLine l;
  l.numgc = cs.numgc;
  l.sinceStartNs = cs.tSweepTerm - rt->starttime;
  const int64_t elapsed = cs.tEnd - rt->starttime;
  l.utilPercent = elapsed > 0 ? int(double(gcCpuNs) / (double(elapsed) * cs.procs) * 100) : 0;
  // Go: the clock is tMark-tSweepTerm, tMarkTerm-tMark, tEnd-tMarkTerm (a
  // gcMarkDone restart's pause falls in the mark's share).
  l.sweepTermNs = cs.pauseSweepTermNs;
  l.markNs = cs.tMarkTerm - cs.tMark;
  l.markTermNs = cs.pauseMarkTermNs;
  l.sweepTermCpuNs = stwprocs * cs.pauseSweepTermNs;
  l.assistCpuNs = cs.assistTimeNs;
  l.backgroundCpuNs = cs.dedicatedTimeNs + cs.fractionalTimeNs;
  l.idleCpuNs = cs.idleTimeNs;
  l.markTermCpuNs = stwprocs * cs.pauseMarkTermNs;
  l.heap0 = cs.heap0;
  l.heap1 = cs.heap1;
  l.heap2 = cs.heap2;
  l.goal = cs.goal;
  l.stacks = cs.stacks;
  l.globals = cs.globals;
  l.procs = cs.procs;
  l.forced = cs.forced;
  cs.gctrace = formatGcTrace(l);
  if (cfg.gctrace) rt->print(cs.gctrace + "\n");
  // Keep the last few thousand cycles, dropping the oldest in batches (a
  // vector erase per cycle would cost O(n) every cycle).
  // The totals are kept apart, so that trimming changes no report's totals.
  if (history.size() >= 4096) history.erase(history.begin(), history.begin() + 1024);
  history.push_back(cs);
  lostTotal += cs.lost;
  longestPauseNs = std::max({longestPauseNs, cs.pauseSweepTermNs, cs.pauseMarkTermNs});

  // Go: gcWakeAllAssists — assists parked for credit need no more; nor
  // does anyone need the idle workers.
  gcWakeAllAssists();
  closeIdleWorkers();
  // Wake the goroutines waiting in runtime.GC() for this cycle.
  GQueue ready;
  {
    std::lock_guard<std::mutex> w(waitersLock);
    ready = gcWaiters;
    gcWaiters = GQueue{};
  }
  while (G* gp = ready.pop()) goready(gp);
}

}  // namespace rt::gc
