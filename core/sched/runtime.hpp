// Runtime: one Go runtime instance — Go's `sched` global plus allp, allm and
// allgs — and the entry point that runs a main goroutine to completion.
//
// Go has exactly one runtime per process, kept in globals. The lab needs many
// (every `run` command, every test) and two platforms under them, so the same
// state lives in an object, and every G, M and P points back to it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "runtime/env.hpp"
#include "runtime/histogram.hpp"
#include "sched/framecache.hpp"
#include "sched/g.hpp"
#include "sched/goroutine.hpp"
#include "sched/lock.hpp"
#include "sched/m.hpp"
#include "sched/p.hpp"
#include "sched/randomorder.hpp"
#include "trace/tracer.hpp"

namespace rt {

// Go: runtime/proc.go _GoidCacheBatch.
inline constexpr uint64_t kGoidCacheBatch = 16;
// Go: runtime/proc.go forcePreemptNS — the time slice.
inline constexpr int64_t kForcePreemptNS = 10 * 1000 * 1000;
// Go: runtime/proc.go stealTries... (the literal 4 in stealWork).
inline constexpr int kStealTries = 4;

// Counters for the lab's reports (Go keeps fewer; these are what learners ask for).
struct SchedStats {
  std::atomic<uint64_t> goroutinesCreated{0};
  std::atomic<uint64_t> steals{0};          // successful runqsteal calls
  std::atomic<uint64_t> stolenGs{0};        // Gs moved by them
  std::atomic<uint64_t> handoffs{0};        // handoffp that started an M
  std::atomic<uint64_t> preemptRequests{0}; // preemptone
  std::atomic<uint64_t> preemptions{0};     // requests honoured at a safe point
  std::atomic<uint64_t> syscalls{0};
  std::atomic<uint64_t> syscallRetakes{0};  // Ps taken from Gs in syscalls by sysmon
  std::atomic<uint64_t> globalQueueSpills{0};  // runqputslow
  std::atomic<int32_t> maxMs{0};
};

// Go: runtime/runtime2.go schedt (the fields the lab models).
struct Sched {
  std::atomic<uint64_t> goidgen{0};

  // Go: sched.timeToRun — how long goroutines waited runnable before they
  // ran (a sample: casgstatus tracks one stretch in kGTrackingPeriod).
  TimeHistogram timeToRun;
  // Go 1.22: sched.stwTotalTimeOther (/sched/pauses/total/other:seconds) —
  // stop-the-worlds that are not the GC's (GOMAXPROCS, ReadMemStats), from
  // when the M holds worldsema and starts stopping to the restart, as Go
  // 1.22 times them. The GC's are the collector's pauseDist.
  TimeHistogram stwTotalTimeOther;

  // Go: sched.lock — protects midle, pidle, the global runq and stop-the-world
  // state. Held for a few dozen instructions at a time, so it is the
  // runtime's spinning lock, not a sleeping mutex (see lock.hpp).
  RuntimeLock lock;

  M* midle = nullptr;        // idle Ms waiting for work
  int32_t nmidle = 0;        // number of idle Ms
  int32_t nmidlelocked = 0;  // locked Ms waiting (always 0: no LockOSThread)
  int64_t mnext = 0;         // number of Ms created, and the next M id
  int32_t maxmcount = 10000; // Go: sched.maxmcount
  int32_t nmsys = 0;         // system Ms not counted by checkdead (sysmon)
  int64_t nmfreed = 0;       // Ms that exited

  P* pidle = nullptr;              // idle Ps
  // Go: sched.npidle / sched.nmspinning / sched.needspinning. Read without
  // the lock by wakep and findRunnable's spinning limit; seq_cst, because
  // the "submit work, then check spinning" protocol in the header of proc.go
  // needs a StoreLoad barrier between the two.
  std::atomic<int32_t> npidle{0};
  // Go: gcCPULimiter.idleTimePool — idle stretches that pidleget ended
  // since the GC CPU limiter last took them (P::idleSince).
  std::atomic<int64_t> idleTimePool{0};
  std::atomic<int32_t> nmspinning{0};
  std::atomic<uint32_t> needspinning{0};

  GQueue runq;                        // the global run queue
  // NOT GO: SchedPolicy::Queue's queue of high-priority Gs (priority.hpp),
  // taken before runq. Always empty under Go's policy.
  GQueue runqHigh;
  std::atomic<int32_t> runqhighsize{0};  // runqHigh.size, readable without the lock
  // runq.size + runqHigh.size, readable without the lock: "is there global work?"
  std::atomic<int32_t> runqsize{0};

  // Go: sched.gFree — dead Gs shared between Ps (its own lock in Go).
  std::mutex gFreeLock;
  GList gFree;

  // Stop-the-world (Go: sched.gcwaiting, stopwait, stopnote).
  std::atomic<bool> gcwaiting{false};
  int32_t stopwait = 0;
  Note stopnote;
  // Go: worldsema — one stop-the-world at a time (GOMAXPROCS, the GC's two
  // pauses). Under lock; Gs that want it wait in worldsemaWaiters.
  bool worldsemaHeld = false;
  GQueue worldsemaWaiters;
  std::atomic<bool> sysmonwait{false};
  Note sysmonnote;

  // Go: sched.lastpoll / sched.pollUntil. lastpoll is 0 while an M is
  // blocked waiting for the next timer (Go: "in netpoll"), else the time
  // that wait last ended; pollUntil is when that M will wake. Both under
  // sched.lock in the lab; atomic because handoffp and wakeNetPoller peek.
  std::atomic<int64_t> lastpoll{1};
  std::atomic<int64_t> pollUntil{0};
  M* poller = nullptr;  // the M waiting for timers, if any
};

enum class RunStatus { Ok, Fatal };

struct RunResult {
  RunStatus status = RunStatus::Ok;
  std::string fatal;      // Go's message, e.g. "all goroutines are asleep - deadlock!"
  int64_t wallNs = 0;
};

class Runtime {
 public:
  struct Config {
    int gomaxprocs = 1;
    DebugVars debug;
    Platform* platform = nullptr;  // not owned; defaults to the real platform
    int maxThreads = 10000;        // Go: sched.maxmcount; the wasm pool caps it
    uint64_t seed = 0;             // for cheaprand (0: from the clock)
    std::function<void(std::string_view)> output;  // where schedtrace lines go
  };

  // A platform passed here is owned by the runtime (one left in
  // cfg.platform is not); with neither, the runtime makes a real one.
  explicit Runtime(Config cfg, std::unique_ptr<Platform> platform = nullptr);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runs `main` as goroutine 1 until it returns (the program ends, even if
  // other goroutines are still alive, as in Go) or a fatal error stops it.
  RunResult run(Goroutine main, const char* name = "main.main");

  // run() in parts: start creates goroutine 1 and the first Ms; awaitEnd
  // waits until the run is over (returning why it was cut short, if it
  // was); finish gives the result. A driver that advances the simulator
  // itself (the lab's stepping) runs it until done() is woken instead of
  // calling awaitEnd.
  void start(Goroutine main, const char* name = "main.main");
  std::string awaitEnd();
  Note* done() { return &done_; }
  RunResult finish(const std::string& cutShort = "");

  // --- State shared with the scheduler code (Go's globals). ---
  Sched sched;
  std::vector<P*> allp;                     // Go: allp, len == gomaxprocs
  // Go: allpLock — held by sysmon and schedtrace while they walk allp, and
  // by procresize while it changes it (under stop-the-world).
  std::mutex allpLock;
  RandomOrder stealOrder;                   // Go: stealOrder
  G* mainG = nullptr;                       // goroutine 1: its exit ends the run
  std::atomic<int32_t> gomaxprocs{0};       // Go: gomaxprocs
  std::atomic<bool> mainStarted{false};     // Go: mainStarted
  // NOT GO: the lab-only scheduling policy (priority.hpp); Go's unless the
  // program chose another. Relaxed: set before the Gs it concerns exist.
  std::atomic<SchedPolicy> schedPolicy{SchedPolicy::Go};
  Config cfg;
  Platform* platform = nullptr;
  SchedStats stats;
  // Records trace events when set (not owned). Set it before run(), or
  // later with attachTracer.
  trace::Tracer* tracer = nullptr;
  // Starts recording in the middle of a run: registers the Ms that exist.
  void attachTracer(trace::Tracer* t);
  int64_t starttime = 0;                    // Go: runtimeInitTime

  std::mutex allmLock;                      // guards allm (Ms are only added)
  M* allm = nullptr;
  std::mutex allgLock;                      // Go: allglock
  G* allgs = nullptr;
  int64_t allglen = 0;

  FrameDepot frameDepot;

  // The garbage collector attached to this runtime, if any (core/gc; the
  // scheduler does not depend on it). While the GC is marking it sets
  // gcStackBarrier, and every M calls gcBeforeResume(gcState, gp) before it
  // resumes a goroutine, so that no stack is scanned while its G runs.
  void* gcState = nullptr;
  void (*gcBeforeResume)(void* gcState, G* gp) = nullptr;
  // Called by sysmon every round: a parked goroutine to make runnable (the
  // GC's forcegc helper, when a periodic collection is due), or nullptr.
  G* (*gcSysmonCheck)(void* gcState, int64_t now) = nullptr;
  // Called by findRunnable when it has found nothing to run, before it gives
  // up its P: a parked idle-priority mark worker (still _Gwaiting) to run on
  // pp instead, or nullptr. Go: the gcMarkWorkAvailable / addIdleMarkWorker
  // / gcBgMarkWorkerPool.pop step of findRunnable.
  G* (*gcFindIdleWorker)(void* gcState, P* pp) = nullptr;
  // Called by procresize, with the world stopped, for each P beyond the new
  // GOMAXPROCS: the collector gives back what the P's allocator caches hold
  // (Go: the freemcache and pcache.flush of (*p).destroy).
  void (*gcDestroyP)(void* gcState, P* pp) = nullptr;
  // Called by goexit0 for a goroutine that exits (Go: gdestroy's "Flush
  // assist credit to the global pool").
  void (*gcGoexit)(void* gcState, G* gp) = nullptr;
  // relaxed: set and cleared with the world stopped; restarting the world
  // publishes it to every M.
  std::atomic<bool> gcStackBarrier{false};

  // The end of the run: set once, by the main goroutine's exit or a fatal
  // error; every M notices it at its next scheduling point and exits.
  std::atomic<bool> exiting{false};
  // Ms inside mstart (not sysmon): main's return waits for the others to leave.
  std::atomic<int32_t> runningMs{0};
  // Ends the run for `fatal` unless another reason came first. A panic
  // passes the goroutine that panicked (panicGoid).
  void requestExit(RunStatus status, std::string fatal, uint64_t panickedGoid = 0);
  // The goroutine whose unrecovered panic ended the run (0: none). Go's
  // default GOTRACEBACK=single then shows only it, as [running]; a fatal
  // error (a deadlock) shows every goroutine.
  std::atomic<uint64_t> panicGoid{0};

  void print(std::string_view text);  // schedtrace and friends
  std::string goroutineDump();         // "goroutine 1 [chan receive]:" ... for fatal errors

  // The P object for id, created on first use and kept for the runtime's
  // life (an M in a syscall may still point at a P that GOMAXPROCS dropped).
  P* pForId(int32_t id);

 private:
  std::mutex exitLock;
  RunResult result_;
  std::vector<std::unique_ptr<P>> ownedPs_;
  std::vector<std::unique_ptr<M>> ownedMs_;
  std::vector<std::unique_ptr<G>> ownedGs_;
  std::unique_ptr<Platform> ownedPlatform_;
  Note done_;

 public:
  // Used by proc.cpp (allocation of runtime structures the runtime owns).
  M* allocm();
  G* allocg();
};

}  // namespace rt
