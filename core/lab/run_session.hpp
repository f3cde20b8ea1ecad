// RunSession: one run of a scenario — its runtime, platform and tracer, what
// the program printed, and its report.
//
// `run` makes a session and runs it to the end. On the simulator a session
// can also stay paused (`run ... --step`) and be moved through its events:
// step, until and continue go forward; back goes backward. A traced
// simulator run keeps all its memory in an arena (platform/sim/arena.hpp)
// and copies it out every so many events, so back restores the nearest
// snapshot before the target and runs forward from there. A run with the
// garbage-collected heap, whose memory is not in the arena, is replayed
// from the start instead (a simulator run is a pure function of its inputs,
// so either way arrives at exactly the same state). The lab keeps the
// latest session, so gs, ps, ms and runq can inspect it, paused or ended.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gc/collector.hpp"
#include "lab/interrupt.hpp"
#include "lab/scenarios/scenario.hpp"
#include "lab/shell/command.hpp"
#include "platform/sim/arena.hpp"
#include "runtime/env.hpp"
#include "trace/tracer.hpp"

namespace rt {
class Runtime;
class SimPlatform;
}  // namespace rt

namespace lab {

// Everything a run depends on, validated by `run` before anything runs.
namespace script {
struct Script;
}

struct RunSetup {
  const Scenario* scenario = nullptr;
  // A script's scenario (run --file), kept alive with the setup (a replay
  // copies the setup).
  std::shared_ptr<const script::Script> script;
  std::shared_ptr<const Scenario> ownedScenario;
  ScenarioParams params;
  rt::DebugVars debug;
  std::string engine;       // "real" or "sim"
  uint64_t seed = 1;        // the simulator's seed
  int maxThreads = 10000;   // Go's maxmcount: the page's worker pool on the real engine
  bool traced = false;      // record trace events (always when paused or exporting)
  size_t traceLimit = 4'000'000;  // events recorded at most
  std::string tracePath;    // --trace: where the Chrome trace JSON goes
  // At most this many bytes of snapshots for back (older ones are thinned
  // out beyond it). A wasm page has less memory to spare.
  size_t snapshotBudget = sizeof(void*) == 8 ? size_t{512} << 20 : size_t{192} << 20;
  // The collector's settings, for scenarios that use the GC'd heap.
  rt::gc::GcConfig gc;
  // The lab's brakes (interrupt.hpp): the lab's interrupt flag, and the
  // limits of `run`'s own flags, also those of the commands that move the
  // run later unless they give their own.
  const InterruptFlag* interrupt = nullptr;
  RunLimits limits;
};

// Where a run writes its --trace file before renaming it into place when
// the run ends: an existing file is only ever replaced by a whole trace.
std::string tracePartialPath(const std::string& path);

class RunSession {
 public:
  // Creates the runtime and starts goroutine 1. On the simulator nothing
  // has run yet: the session is paused at its first event.
  explicit RunSession(RunSetup setup);
  struct Untraced {};
  RunSession(RunSetup setup, Untraced);  // for replays: the tracer is attached later
  ~RunSession();
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  const RunSetup& setup() const { return setup_; }
  bool simulated() const { return sim_ != nullptr; }
  bool over() const { return over_; }
  // A real-engine run started in the background and not yet waited for
  // (runToEnd): its threads may be running goroutines right now. Only the
  // inspectors (gs, ps, ms, runq) look at it, under the runtime's locks.
  bool running() const { return !sim_ && !over_; }
  rt::Runtime& runtime() { return *runtime_; }
  // The run's garbage collector, if its scenario uses one.
  rt::gc::Collector* collector() { return collector_.get(); }

  // Runs to the end (the real engine can only do this); for a real run in
  // the background, waits for it. Within a Budget, stops early when it is
  // spent (stopped() says why): the simulator stays paused where it was, a
  // real run is ended.
  void runToEnd();
  // Simulator: forward until at least n more trace events were recorded
  // (the simulator moves by whole M steps, and one step may record many),
  // or until virtual time `ns` after the start; false if the run was
  // already over.
  bool stepEvents(size_t n);
  bool stepUntil(int64_t ns);

  // Simulator: true if back can restore this session's snapshots (a traced
  // run without the GC'd heap); else it must use replayTo.
  bool rewindable() const { return arena_ != nullptr; }
  // Moves this session back to where `traceEvents` events had been
  // recorded (simEventsAt says which point that is): restores the latest
  // snapshot before it and runs forward to exactly the right simulator
  // event. (The events recorded as the run was made, before its first
  // simulator event, always stay: no point is earlier than that.)
  void rewindTo(size_t traceEvents);
  // Remembers the point the run is paused at, before a move forward (step,
  // until, continue), so that going back to its event count returns to
  // exactly this point, mid-way between two events included.
  void noteStandingPoint();
  // The snapshots kept, and their bytes (for tests and the benchmark).
  size_t snapshots() const { return snapshots_.size(); }
  size_t snapshotBytes() const { return snapshotBytes_; }

  // Simulator: a session at the same inputs, replayed to where
  // `traceEvents` events had been recorded (simEventsAt). The replay runs
  // untraced (the events up to there are this session's, and the same) and
  // stops at exactly the right simulator event, found in traceAt_.
  std::unique_ptr<RunSession> replayTo(size_t traceEvents);

  // The trace is full: the tracer recorded setup().traceLimit events and
  // drops the rest (trace/tracer.hpp), as a run's memory must be bounded.
  // Positions are counts of recorded events, so step, back and
  // `until <event>` move only up to the last recorded one; `until <time>` and
  // continue go on past it, unrecorded, and the views stop drawing there.
  bool traceFull() const { return tracer_ && tracer_->truncated(); }
  // The virtual time of the last recorded event (0 if none).
  int64_t lastEventNs();
  // The run stands past its last recorded event: the trace is full and
  // virtual time went on after it.
  bool pastTrace() { return traceFull() && now() > lastEventNs(); }

  // The trace events recorded so far, in order, and the goroutine names.
  const std::vector<trace::Event>& events();
  std::vector<std::string> names() const;
  // The heap counter series recorded so far (trace/tracer.hpp HeapSample).
  std::vector<trace::HeapSample> heapSamples() const;
  // By goid: the index in names() of each goroutine's function, from its
  // GoCreate event (-1: none seen). Kept as events are collected, so a
  // command need not scan them all.
  const std::vector<int32_t>& goroutineNames();
  // The runtime metrics the program sampled so far (empty unless it
  // samples: the service scenario).
  const MetricsLog& metricsLog() const { return result_->series; }
  // Virtual nanoseconds since the start (simulator), or the run's wall time.
  int64_t now() const;

  // The report of a run that is over: what `run` prints (text and JSON). A
  // program that died is a programFailure reply, like `go run`'s.
  Reply report(Language lang = Language::En);

  // The lab's brakes for one command that moves this run (interrupt.hpp):
  // while a Budget is alive, runToEnd, stepEvents and stepUntil stop at the
  // next safe point once it is spent. Other moves (back's replays) have none.
  class Budget {
   public:
    Budget(RunSession& s, const RunLimits& limits);
    ~Budget();
    Budget(const Budget&) = delete;
    Budget& operator=(const Budget&) = delete;

   private:
    RunSession& s_;
  };
  // Why the last command that moved this run stopped it early (None: it
  // did not), and the limits it had.
  StopReason stopped() const { return stopped_; }
  const RunLimits& stoppedLimits() const { return lastLimits_; }
  // The one line for a run stopped early: "interrupted at 12.3ms (virtual)
  // after 5120 events; paused there: ..." (text and JSON).
  Reply stoppedReply(Language lang);

  // "event 41 at 15.3µs" (paused), "12.1ms into it, live" (a real run in
  // the background) or "the end" — for the inspectors' headers.
  std::string position();

 private:
  RunSession(RunSetup setup, bool traceFromStart);
  bool advance(uint64_t maxEvents, int64_t until);
  void end(const std::string& cutShort);
  std::string writeTrace();
  // The simulator's hook after each of its events (inside the arena's scope).
  void afterSimEvent(uint64_t simEvents);
  uint64_t simEventsAt(size_t traceEvents);
  // Polled at safe points: true (and stopped_ set) once the budget is spent.
  bool budgetSpent();
  void takeSnapshot(uint64_t simEvents);

  // The run's memory, when it is snapshotted: declared first, so that it
  // goes last, after everything allocated in it.
  std::unique_ptr<rt::sim::Arena> arena_;
  // The state after simEvents simulator events: the arena's bytes, and how
  // far this session's own logs (outside the arena) had got.
  struct Snapshot {
    uint64_t simEvents;
    size_t collected;  // events_.size()
    size_t output;     // output_.size()
    int64_t hostNs;    // hostNs_
    std::unique_ptr<rt::sim::Arena::Snapshot> memory;
  };
  std::vector<Snapshot> snapshots_;  // by simEvents, ascending; the first is the start
  size_t snapshotBytes_ = 0;
  uint64_t snapshotEvery_ = 4096;  // simulator events between snapshots

  RunSetup setup_;
  std::unique_ptr<trace::Tracer> tracer_;
  std::unique_ptr<rt::Runtime> runtime_;
  std::unique_ptr<rt::gc::Collector> collector_;  // after runtime_: goes first
  rt::SimPlatform* sim_ = nullptr;
  // Written by the scenario's main goroutine, so part of the run (arena).
  std::unique_ptr<ScenarioResult> result_;
  std::mutex outMu_;
  std::string output_;  // what the runtime printed (schedtrace...), in order
  std::vector<trace::Event> events_;
  std::vector<int32_t> goroutineNames_;  // see goroutineNames()
  size_t namesScanned_ = 0;              // events_ read into it
  // Simulator: trace events recorded after each simulator event (index:
  // simulator events processed - 1), for replaying to a trace position.
  std::vector<uint64_t> traceAt_;
  std::vector<uint64_t> heapAt_;  // the same for the heap samples (Tracer::heapCount)
  size_t eventsAtStart_ = 0;      // trace events recorded before the first simulator event
  // Points the learner stood at (noteStandingPoint): {trace events, simulator events}.
  std::vector<std::pair<size_t, uint64_t>> stoodAt_;
  bool over_ = false;
  RunBudget budget_;  // the current command's (inactive between commands)
  StopReason stopped_ = StopReason::None;
  RunLimits lastLimits_;  // the last Budget's
  int64_t hostNs_ = 0;  // host time spent running (for the simulator's speed)
  int64_t advanceStartNs_ = 0;  // when the advance under way began (0: none)
  std::string status_, fatal_;
};

}  // namespace lab
