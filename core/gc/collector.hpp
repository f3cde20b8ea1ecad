// The collector: Go's GC state (mgc.go `work`, `gcphase`, `writeBarrier`,
// `gcController`) for one runtime, and the cycle that uses it.
//
// Lesson. A Go GC cycle, and where each step lives in this directory:
//
//   _GCoff        the program runs; spans are swept lazily (sweep.cpp)
//      │  heapLive reaches the pacer's trigger (pacer.hpp), or runtime.GC()
//      ▼
//   sweep termination   STOP THE WORLD #1 (cycle.cpp gcStart)
//      finish sweeping, compute the goal and worker split, turn the write
//      barrier on (barrier.cpp), queue the roots, allocate black from now on
//      ▼
//   _GCmark       the world runs again. Background workers (workers.cpp)
//      and allocating goroutines (assists, assist.cpp) take grey objects
//      from gcWork buffers (gcwork.hpp) and scan them (mark.cpp: shade,
//      greyobject, scanobject, gcDrain); stacks are scanned one goroutine at
//      a time, never while it runs (stackscan.cpp)
//      │  no grey object and no root left
//      ▼
//   mark termination    STOP THE WORLD #2 (cycle.cpp gcMarkDone,
//      gcMarkTermination): drain what barriers shaded last, rescan stacks if
//      the barrier needs it (Dijkstra), turn the barrier off, account, start
//      a sweep cycle (sweepgen += 2), print the gctrace line
//      ▼
//   _GCoff        sweeping frees every unmarked slot as spans are reused
//
// With the STW marker (`gc --stw`, `run … --marker stw`), all of the marking happens inside the
// first pause instead: simple, and the pause is as long as the mark.
//
// Both engines run this code. On real threads marking really runs in
// parallel with the goroutines; on the simulator every scan costs virtual
// time (CostModel), so a cycle can be stepped event by event.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gc/gcwork.hpp"
#include "gc/limiter.hpp"
#include "gc/object.hpp"
#include "gc/pacer.hpp"
#include "gc/roots.hpp"
#include "mem/mcache.hpp"
#include "mem/mheap.hpp"
#include "mem/memstats.hpp"
#include "runtime/histogram.hpp"

namespace rt {
class Runtime;
struct P;
}  // namespace rt

namespace rt::gc {

// Go: runtime/mgc.go _GCoff, _GCmark, _GCmarktermination.
enum class GCPhase : uint32_t { Off = 0, Mark = 1, MarkTermination = 2 };
const char* gcPhaseName(GCPhase p);  // "_GCoff"

// The write barrier, selectable for the course's experiments (barrier.cpp).
enum class BarrierKind : uint8_t { Hybrid, Dijkstra, Yuasa, None };
const char* barrierName(BarrierKind b);
bool parseBarrier(std::string_view s, BarrierKind* out);

// The course's two markers.
enum class Marker : uint8_t { Concurrent, STW };

// Go: runtime/proc.go forcegcperiod — the longest time between collections.
inline constexpr int64_t forcegcperiod = 2 * 60 * int64_t(1'000'000'000);

// Go's gcMarkDone retries as long as flushing finds work; the lab stops
// retrying after this many and drains the rest in mark termination.
inline constexpr uint32_t kMaxMarkDoneRestarts = 64;

// Who greyed an object: the coverage statistics of one cycle.
enum class MarkedBy : uint8_t { Roots, Worker, Assist, Barrier, Termination, Allocation };
inline constexpr int kNumMarkedBy = 6;
const char* markedByName(MarkedBy b);

// What a cycle costs in virtual time on the simulator. Go marks about
// 1-2 MB per ms of CPU (mgcmark.go maxObletBytes comment); the lab uses
// 1 ns per scanned byte plus a little per object and per pause.
struct CostModel {
  int64_t scanNsPerByte = 1;
  int64_t objectNs = 20;
  int64_t sweepTermNs = 20'000;   // STW #1 before finishsweep's work
  int64_t markTermNs = 30'000;    // STW #2 before its work
  int64_t sweepSpanNs = 500;      // per span swept in a pause
  int64_t drainBudgetBytes = 4096;  // scan work per worker step (one event on the timeline)
  int64_t allocNs = 25;           // one mallocgc, charged in batches of allocBatchNs
  int64_t allocBatchNs = 2000;
};

struct GcConfig {
  Marker marker = Marker::Concurrent;
  BarrierKind barrier = BarrierKind::Hybrid;
  int32_t gogc = 100;              // GOGC; < 0 is GOGC=off
  int64_t memoryLimit = maxInt64;  // GOMEMLIMIT (bytes)
  bool gctrace = false;            // GODEBUG=gctrace=1
  bool gcpacertrace = false;       // GODEBUG=gcpacertrace=1
  bool verifyEachCycle = false;    // run the verifier at every mark termination
  bool recordStores = false;       // keep the pointer-store log the verifier explains losses with
  uint32_t nglobals = 64;
  // Start background mark workers each cycle. Off, the mark advances only
  // through assists and explicit steps (tests, and stepping by hand).
  bool backgroundWorkers = true;
  // The GC CPU limiter's bucket per P (Go: capacityPerProc, one second).
  // Smaller only in tests, so that a short run can fill it.
  uint64_t limiterCapacityPerProcNs = capacityPerProc;
  CostModel cost;
};

// A pointer store seen by the write barrier while marking, for the
// verifier's "which event hid it". Slot: object `obj` word `word`, or
// global `word` when obj == 0.
struct StoreRecord {
  int64_t when = 0;
  uint64_t goid = 0;
  uintptr obj = 0;
  uint32_t word = 0;
  uintptr oldval = 0, newval = 0;
  bool objWasBlack = false;  // the object had been scanned already
};

// Who shaded an object in the current cycle, for the lab's marking view
// (recorded with cfg.recordStores): the goroutine running when its mark bit
// was set (a worker, an assist's mutator, the goroutine that flushed a
// barrier buffer or stopped the world), its P, when, and in which role.
struct ShadeRecord {
  int64_t when = 0;
  uint64_t goid = 0;
  int32_t p = -1;
  MarkedBy by = MarkedBy::Roots;
};

// One finished cycle, for gctrace, MemStats and the lab's reports.
struct CycleStats {
  uint32_t numgc = 0;
  bool forced = false;
  Marker marker = Marker::Concurrent;
  BarrierKind barrier = BarrierKind::Hybrid;
  int64_t tSweepTerm = 0, tMark = 0, tMarkTerm = 0, tEnd = 0;
  // The first and the last stop-the-world (Go's gctrace clock: tMark -
  // tSweepTerm and tEnd - tMarkTerm), and all of the cycle's stop-the-world
  // time together, gcMarkDone's restarts included (Go: work.pauseNS).
  int64_t pauseSweepTermNs = 0, pauseMarkTermNs = 0, pauseNs = 0;
  int64_t assistTimeNs = 0, dedicatedTimeNs = 0, fractionalTimeNs = 0, idleTimeNs = 0;
  int64_t rescanNs = 0;          // Dijkstra's stack re-scan inside STW #2
  uint64_t rescannedStacks = 0;
  uint64_t heap0 = 0, heap1 = 0, heap2 = 0, goal = 0, stacks = 0, globals = 0;
  int procs = 1;
  uint64_t markedObjects[kNumMarkedBy] = {};
  uint64_t markedBytes[kNumMarkedBy] = {};
  uint64_t lost = 0;             // verifier: reachable objects left white
  uint32_t markDoneRestarts = 0; // gcMarkDone found work in P buffers and resumed the mark
  uint64_t assistParks = 0;      // assists that waited for background credit ("GC assist wait")
  uint64_t pauseSweptSpans = 0;  // spans sweep termination still had to sweep (Go: sweep.npausesweep)
  std::string gctrace;           // the line, as GODEBUG=gctrace=1 prints it
};

// How an object was first reached in the verifier's walk.
struct Parent {
  uintptr from = 0;   // 0: a root
  uint32_t word = 0;  // field of `from`, or root index
  int rootKind = 0;   // 0 global, 1 stack (when from == 0)
  uint64_t goid = 0;
};

// How far a mark has come: the reachable heap, and how much of it is marked.
struct MarkProgress {
  uint64_t reachableObjects = 0, reachableBytes = 0;
  uint64_t markedObjects = 0, markedBytes = 0;
};

// Go: runtime/mwbbuf.go wbBuf — the write barrier's per-P buffer. The
// barrier only appends the pointers it must shade; they are shaded in a
// batch when the buffer fills, when this P's marking runs out of work, and
// at mark termination.
struct wbBuf {
  static constexpr uint32_t kEntries = 512;  // Go: wbBufEntries
  uint32_t next = 0;
  uintptr buf[kEntries];
};

// Per-P GC state (Go keeps these in the p struct: mcache, gcw, wbBuf,
// gcFractionalMarkTime, gcAssistTime...).
struct PerP {
  mem::mcache* mcache = nullptr;
  gcWork gcw;
  wbBuf wbuf;
  int64_t fractionalMarkTime = 0;
  uint64_t markedObjects[kNumMarkedBy] = {};
  uint64_t markedBytes[kNumMarkedBy] = {};
  // Simulator: the cost of allocations not yet charged as virtual time.
  int64_t allocDebtNs = 0;
  // Go: p.gcAssistTime — assist time not yet reported to the GC CPU limiter.
  int64_t gcAssistTime = 0;
};

class Collector {
 public:
  // Attaches to rt (rt->gcState). Goroutines of rt then allocate from this
  // collector's heap through gc::New.
  Collector(Runtime* rt, GcConfig cfg);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // The collector of the running goroutine's runtime.
  static Collector* current();

  Runtime* const rt;
  GcConfig cfg;
  mem::mheap heap;
  Globals globals;
  gcControllerState gcController;

  // Go: gcphase, writeBarrier.enabled, gcBlackenEnabled. Changed only with
  // the world stopped; relaxed loads by mutators are published by the
  // restart of the world.
  std::atomic<GCPhase> gcphase{GCPhase::Off};
  std::atomic<bool> writeBarrierEnabled{false};
  std::atomic<bool> gcBlackenEnabled{false};
  // The heap size that starts the next cycle (the pacer's trigger),
  // recomputed at every mark termination. relaxed: written with the world
  // stopped and read as a hint by allocators; a stale value only moves a
  // cycle's start by one allocation, as Go's racy heapLive read does.
  std::atomic<uint64_t> trigger_{defaultHeapMinimum};
  // The pacer's heap goal as of its last change (start-up and every
  // cycle's two stop-the-worlds), for readers that run beside the world:
  // runtime/metrics' /gc/heap/goal:bytes. ~0: no goal (GOGC=off, no limit).
  std::atomic<uint64_t> heapGoalNow{0};
  void publishHeapGoal() { heapGoalNow.store(gcController.heapGoal(), std::memory_order_relaxed); }

  // --- Allocation (alloc.cpp) ---
  // Go: mallocgc for a typed object, on P pp for goroutine gp: zeroed,
  // header written, allocated black while marking. 0 if out of memory.
  uintptr mallocgc(const Type* t, P* pp);
  // The heap is exhausted: end the run ("runtime: out of memory") and give
  // the goroutine a block outside the heap so it reaches its safe point.
  uintptr outOfMemory(uintptr size);
  // Go: gcTrigger{kind: gcTriggerHeap}.test().
  bool heapTriggered() const;
  // Go: gcControllerState.update's "gcController.heapLive changed" —
  // revise the assist ratio while marking (after an mcache took a span or
  // a large object was allocated).
  void reviseAssistRatio();
  // Feed the heap's mapped memory to the pacer's memory-limit goal.
  void commitMemoryLimit();
  PerP& perP(P* pp);
  // The state of P id if it was ever used (for the lab's views).
  PerP* perPIfAny(int id) const { return id >= 0 && id < 1024 ? perP_[id].load(std::memory_order_acquire) : nullptr; }

  // Go: the "atomic.Xadd(&work.nwait, -1)" ... "+1" around a worker's or an
  // assist's gcDrain: counts this drain in work.draining while it lasts.
  struct DrainingScope {
    Collector* c;
    explicit DrainingScope(Collector* col) : c(col) { c->work.draining.fetch_add(1, std::memory_order_acq_rel); }
    ~DrainingScope() { c->work.draining.fetch_sub(1, std::memory_order_acq_rel); }
    DrainingScope(const DrainingScope&) = delete;
    DrainingScope& operator=(const DrainingScope&) = delete;
  };

  // --- Marking (mark.cpp) ---
  // Go: greyobject — mark obj (slot idx of span s); queue it if it has
  // pointers. True if this call marked it.
  bool greyobject(uintptr obj, mem::mspan* s, uintptr idx, PerP& pp, MarkedBy by);
  // Go: shade — grey the object p points into, if any.
  void shade(uintptr p, PerP& pp, MarkedBy by);
  // Go: scanobject — grey everything obj points to; returns bytes scanned.
  uintptr scanobject(uintptr obj, PerP& pp, MarkedBy by);
  // Go: scanstack — grey everything a goroutine's frames point to.
  uintptr scanstack(G* gp, PerP& pp, MarkedBy by);
  // Go: markroot for the globals (the data/BSS root jobs).
  uintptr markrootGlobals(PerP& pp, MarkedBy by);
  // Go: gcDrain / gcDrainN — scan until about `budget` bytes of scan work
  // are done (or no work is left). Returns the scan work done (bytes) and
  // adds the objects and stacks scanned to *objects.
  int64_t gcDrain(PerP& pp, int64_t budget, MarkedBy by, int64_t* objects = nullptr);
  // Virtual nanoseconds that scanning `bytes` in `objects` costs.
  int64_t scanCost(int64_t bytes, int64_t objects) const {
    return bytes * cfg.cost.scanNsPerByte + objects * cfg.cost.objectNs;
  }
  // True if every root job is claimed and no grey object is queued globally.
  bool noGlobalWork() const;

  // --- Stacks (stackscan.cpp) ---
  // Claim and scan gp's stack for this cycle if nobody has.
  bool tryScanStack(G* gp, PerP& pp, MarkedBy by);
  static void beforeResume(void* self, G* gp);  // Runtime::gcBeforeResume

  // --- Write barrier (barrier.cpp) ---
  // Go: the compiler's write barrier before *slot = val (slot: word `word`
  // of obj, or global `word` when obj == 0): gcWriteBarrier, then the
  // lab's store log (recordStore, when cfg.recordStores).
  void writeBarrier(uintptr obj, uint32_t word, uintptr oldval, uintptr val);
  // Go: gcWriteBarrier — buffer in pp's wbBuf the pointers cfg.barrier
  // shades (oldval: the pointer overwritten, val: the one stored).
  void gcWriteBarrier(PerP& pp, uintptr oldval, uintptr val);
  // Lab-only: append the store to `stores` for the verifier's explanations.
  void recordStore(uintptr obj, uint32_t word, uintptr oldval, uintptr val);
  // Go: wbBufFlush1 — shade everything pp's write-barrier buffer holds.
  void wbBufFlush(PerP& pp);

  // --- The cycle (cycle.cpp) ---
  // Go: gcStart's stop-the-world body (sweep termination, and with the STW
  // marker the whole mark). Returns the pause's virtual cost.
  int64_t sweepTermination(bool forced);
  // Go: gcMarkDone + gcMarkTermination's stop-the-world body. Unless
  // forced, it resumes the mark instead when the Ps' buffers held work.
  int64_t markTermination(bool force);
  // Claimed by the one goroutine that will stop the world to start or end
  // a cycle; others go on (Go: work.startSema / work.markDoneSema).
  std::atomic<bool> startPending{false};
  std::atomic<bool> markDonePending{false};
  // Hands the calling goroutine's M a stop-the-world that runs
  // sweepTermination (the caller won startPending).
  void requestCycleStart(bool forced);
  // The same for mark termination (the caller won markDonePending); see
  // markTermination for `force`.
  void requestMarkTermination(bool force);
  // Go: gcAssistAlloc — pay for `size` bytes in scan work while marking.
  // Returns the virtual time it cost (0 on real threads: it was real time).
  int64_t gcAssistAlloc(G* gp, uintptr size);
  // Go: work.assistQueue — goroutines whose assist found nothing to scan
  // and are still in debt wait here ("GC assist wait") until background
  // work pays for them (gcFlushBgCredit) or the mark ends (gcWakeAllAssists).
  struct {
    std::mutex lock;
    GQueue q;
  } assistQueue;
  // Go: gcParkAssist's test — should gp (still in debt, no grey object
  // left for it) park? Only while background workers run to pay for it.
  bool assistShouldPark(G* gp);
  // Go: gcFlushBgCredit — background scan work pays queued assists first;
  // the rest becomes bgScanCredit.
  void gcFlushBgCredit(int64_t scanWork);
  // Go: gcWakeAllAssists — the mark is over: nobody needs to wait.
  void gcWakeAllAssists();
  // Go: gdestroy's "Flush assist credit to the global pool" — an exiting
  // goroutine's unused assist credit becomes background credit while
  // marking (Runtime::gcGoexit).
  static void goexit(void* self, G* gp);

  // --- The GC CPU limiter (limiter.hpp, limiter.cpp) ---
  // While it is on, allocating goroutines do not assist.
  gcCPULimiterState limiter;
  // What an allocation of `size` bytes pays while marking: the debit, and an
  // assist (gcAssistAlloc) if that left gp in debt and the limiter is off.
  // Returns the assist's virtual time, as gcAssistAlloc does.
  int64_t assist(G* gp, uintptr size);
  // Go: gcCPULimiter.update(now), after taking the idle time of the Ps.
  void limiterUpdate(int64_t now);
  // Go: gcCPULimiter.startGCTransition / finishGCTransition, around the
  // stop-the-worlds that turn marking on and off (where a GOMAXPROCS change
  // also resets the limiter's capacity, as procresize does in Go).
  void limiterStartTransition(bool enableGC, int64_t now);
  void limiterFinishTransition(int64_t now) { limiter.finishGCTransition(now); }
  // An assist took `duration` (its virtual cost on the simulator): Go's
  // accounting at the end of gcAssistAlloc1.
  void noteAssistTime(PerP& pp, int64_t duration);
  // The Ps' idle time since the last call (Go: limiterEventIdle).
  int64_t consumeIdleTime(int64_t now);

  // --- Sweeping (sweep.cpp) ---
  // Go: sweepone — sweep one unswept span; false if none is left.
  bool sweepone();
  // Go: finishsweep_m — sweep everything (world stopped). Returns spans swept.
  uint64_t finishsweep();

  // --- Verification (verify.cpp) ---
  // Run with the world stopped at the end of mark. Returns the report
  // (empty when nothing is wrong) and counts the lost objects; with
  // repair, marks them so that sweep keeps them.
  std::string verify(uint64_t* lost, bool repair = true);
  // Everything reachable from the roots, and how it was reached.
  std::unordered_map<uintptr, Parent> reachable();
  // The share of the reachable heap marked so far (the lab's coverage).
  MarkProgress markProgress();
  // During a mark: reachable white objects that no grey object or unscanned
  // root still leads to — lost if the mark ended now.
  std::vector<uintptr> hiddenWhiteObjects();
  // The verifier's words, shared with the lab's marking view: the chain of
  // pointers from a root to obj ("global[3] -> 0xc… (holder).w2 -> …", the
  // part after "reached by: "), and one recorded store that moved a pointer
  // to obj (the part after "hidden by: ").
  std::string reachedByText(const std::unordered_map<uintptr, Parent>& seen, uintptr obj);
  std::string hiddenByText(const StoreRecord& r, uintptr obj);

  // --- State of the cycle (Go: work) ---
  struct Work {
    uint32_t cycles = 0;            // Go: work.cycles — completed + in progress
    std::atomic<uint32_t> stackGen{0};  // 2*cycles: G::gcscangen when scanned
    std::atomic<uint32_t> markrootNext{0};
    uint32_t markrootJobs = 0;
    std::vector<G*> stackRoots;     // Gs that existed at sweep termination
    std::atomic<uint64_t> bytesMarked{0};
    // Go: gcController.heapScanWork, stackScanWork, globalsScanWork — the
    // scan work done so far, flushed by gcDrain and added by every stack
    // and globals scan, read by revise during the mark.
    std::atomic<int64_t> heapScanWork{0}, stackScanWork{0}, globalsScanWork{0};
    std::atomic<int64_t> assistTime{0}, dedicatedTime{0}, fractionalTime{0}, idleTime{0};
    std::atomic<int64_t> bgScanCredit{0};  // Go: gcController.bgScanCredit
    std::atomic<int32_t> workersRunning{0};
    // Go: work.nproc - work.nwait — the mark workers and assists inside a
    // gcDrain right now. They hold grey objects in their own buffers, so a
    // worker that runs out of work ends the mark only when nobody drains
    // (Go: gcBgMarkWorker's "incnwait == work.nproc"): otherwise mark
    // termination would stop the world, wait for a drain to reach its next
    // safe point, and find its work (a restart).
    std::atomic<int32_t> draining{0};
    std::atomic<uint64_t> assistParks{0};
    bool userForced = false;
    // Go: work.pauseStart (when the stop-the-world in progress was asked
    // for) and work.pauseNS (the cycle's stop-the-world time so far).
    int64_t pauseStart = 0, pauseNS = 0;
    CycleStats cur;
  } work;
  WorkPool pool;

  // Finished cycles and Go's MemStats GC fields.
  std::mutex statsLock;
  std::vector<CycleStats> history;   // the latest cycles (the lab's `gc` report; trimmed)
  // Totals over every cycle, including those trimmed from history: reports
  // must not depend on how much history is kept.
  uint64_t lostTotal = 0;          // reachable objects the verifier found white
  int64_t longestPauseNs = 0;      // the longest stop-the-world pause
  uint64_t pauseNs[256] = {}, pauseEnd[256] = {};
  // Go: memstats.gcPauseDist (/gc/pauses:seconds) — every stop-the-world of
  // every cycle on its own, where PauseNs holds one sum per cycle.
  TimeHistogram pauseDist;
  uint64_t pauseTotalNs = 0, lastGC = 0;
  std::atomic<uint32_t> numGC{0};  // completed cycles (read by runtime.GC() waiters)
  uint32_t numForcedGC = 0;
  // Go: work.totaltime — GC CPU time so far, idle marking left out ("it's
  // free"), for the gctrace % and GCCPUFraction.
  int64_t gcCpuNs = 0;
  std::string lastVerify;            // the verifier's last report
  std::vector<std::string> lossReports;  // the first reports that found lost objects

  // Pointer stores while marking (cfg.recordStores).
  std::mutex storesLock;
  std::vector<StoreRecord> stores;
  // Who shaded each object this cycle (cfg.recordStores; the first 64 Ki).
  std::mutex shadesLock;
  std::unordered_map<uintptr, ShadeRecord> shades;
  void noteShade(uintptr obj, MarkedBy by);

  // Go: forcegc — the helper goroutine sysmon wakes for the periodic GC
  // (forcegcperiod, 2 minutes), and whether it is parked waiting for that.
  struct {
    std::mutex lock;
    G* g = nullptr;
    bool idle = false;
  } forcegc;
  static G* sysmonCheck(void* self, int64_t now);  // Runtime::gcSysmonCheck
  void startForcegcHelper();

  // Idle-priority mark workers (workers.cpp): parked in a pool until a P
  // with nothing else to run takes one (Go: gcBgMarkWorkerPool, and
  // gcController's idleMarkWorkers count and limit).
  struct {
    std::mutex lock;
    std::vector<G*> pool;  // parked, _Gwaiting "GC worker (idle)"
    uint32_t cycle = 0;    // the cycle the pool serves; workers of another exit
    bool open = false;     // false once the mark is over: no worker parks again
    int running = 0, max = 0;
  } idleWorkers;
  static G* findIdleWorker(void* self, P* pp);  // Runtime::gcFindIdleWorker
  // Runtime::gcDestroyP: a P that GOMAXPROCS dropped gives its spans, pages
  // and mspans back (its PerP stays, for a later GOMAXPROCS that grows).
  static void destroyP(void* self, P* pp);
  // The mark is over: parked idle workers wake up and exit.
  void closeIdleWorkers();

  // Runtime.GC() waiters: readied when the cycle they wait for ends.
  std::mutex waitersLock;
  GQueue gcWaiters;

  // MemStats with the GC fields filled in. World stopped.
  void readMemStats(mem::MemStats* m);
  // Scannable bytes in all goroutine stacks (root frames) and in globals.
  uint64_t stackBytes() const;
  uint64_t globalBytes() const { return uint64_t(globals.n) * kPtrSize; }
  bool simulated() const;
  int64_t nanotime() const;
  // Not in Go: true when only one thread can set mark bits, so greyobject
  // may set them without a locked instruction (gcBits::tryMarkAlone). That
  // is the simulator, whose Ms all run on one host thread, and one P:
  // marking needs a P (workers, assists, barriers and allocation all run on
  // one), and GOMAXPROCS changes only while the world is stopped, when
  // nobody marks, so the answer cannot change under a marker. (Relaxed: the
  // stop-the-world that changed it orders it before every later mark.)
  bool oneMarker() const { return !parallel_ || gomaxprocs_.load(std::memory_order_relaxed) == 1; }
  // Go: greyobject's "if mbits.isMarked() { return }; mbits.setMarked()":
  // true if this call marked slot idx of s.
  bool tryMark(mem::mspan* s, uintptr idx) const {
    return oneMarker() ? s->gcmarkBits->tryMarkAlone(idx) : s->gcmarkBits->tryMark(idx);
  }

 private:
  // Read by every greyobject (oneMarker).
  const bool parallel_;                     // rt->platform->parallel()
  const std::atomic<int32_t>& gomaxprocs_;  // rt->gomaxprocs
  // Indexed by P id; created on first use (any P up to _MaxGomaxprocs).
  std::atomic<PerP*> perP_[1024] = {};
  std::mutex perPLock_;
  std::atomic<int> sweepClass_{0};
  bool startForced_ = false;  // under startPending
  // When the pending stop-the-world was asked for (Go: work.pauseStart is
  // taken just before stopTheWorldWithSema); under startPending and
  // markDonePending.
  int64_t startRequestedAt_ = 0, markDoneRequestedAt_ = 0;
  bool forcegcStarted_ = false;
  // lastGC, for sysmon; relaxed: a stale value delays a periodic GC by one sysmon round.
  std::atomic<uint64_t> lastGCTime_{0};
  bool forceMarkDone_ = false;  // under markDonePending
  static void markTerminationStopped(void* self);
  void tracePhase(GCPhase p);  // a GCPhase trace event
  std::vector<void*> oomBlocks_;  // memory handed out after the heap ran out
  static void startCycleStopped(void* self);
  void startWorkers();
  void startBgSweep();
  // gcMarkTermination's accounting and output, after the mark is complete.
  // stoppedAt: when the world was found stopped for this pause.
  void finishCycle(int64_t stoppedAt, int64_t* cost);
  friend struct MarkWorker;
};

}  // namespace rt::gc
