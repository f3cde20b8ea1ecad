#include "lab/run_session.hpp"

#include <algorithm>
#include <cstddef>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "lab/gc_report.hpp"
#include "lab/json.hpp"
#include "lab/shell/shell.hpp"
#include "platform/sim/sim_platform.hpp"
#include "sched/runtime.hpp"
#include "trace/chrome.hpp"
#include "util/duration.hpp"

namespace lab {

namespace {

// The real engine's run ended by the lab (interrupt.hpp), as its Fatal
// reason: how runToEnd tells its own stop from an end the run reached first.
constexpr const char* kStoppedByLab = "stopped by the lab";

void statsJson(JsonWriter& j, rt::Runtime& r) {
  const rt::SchedStats& s = r.stats;
  j.field("goroutines", static_cast<uint64_t>(s.goroutinesCreated.load()));
  j.field("steals", static_cast<uint64_t>(s.steals.load()));
  j.field("stolenGs", static_cast<uint64_t>(s.stolenGs.load()));
  j.field("handoffs", static_cast<uint64_t>(s.handoffs.load()));
  j.field("preemptRequests", static_cast<uint64_t>(s.preemptRequests.load()));
  j.field("preemptions", static_cast<uint64_t>(s.preemptions.load()));
  j.field("syscalls", static_cast<uint64_t>(s.syscalls.load()));
  j.field("syscallRetakes", static_cast<uint64_t>(s.syscallRetakes.load()));
  j.field("globalQueueSpills", static_cast<uint64_t>(s.globalQueueSpills.load()));
  j.field("maxMs", static_cast<int64_t>(s.maxMs.load()));
}

std::string statsText(rt::Runtime& r) {
  const rt::SchedStats& s = r.stats;
  return "goroutines=" + std::to_string(s.goroutinesCreated.load()) + " steals=" + std::to_string(s.steals.load()) +
         " (" + std::to_string(s.stolenGs.load()) + " Gs) handoffs=" + std::to_string(s.handoffs.load()) +
         " preemptions=" + std::to_string(s.preemptions.load()) + "/" + std::to_string(s.preemptRequests.load()) +
         " syscalls=" + std::to_string(s.syscalls.load()) + " retakes=" + std::to_string(s.syscallRetakes.load()) +
         " threads=" + std::to_string(s.maxMs.load());
}

}  // namespace

std::string tracePartialPath(const std::string& path) { return path + ".partial"; }

RunSession::RunSession(RunSetup setup) : RunSession(std::move(setup), true) {}

RunSession::RunSession(RunSetup setup, Untraced) : RunSession(std::move(setup), false) {}

RunSession::RunSession(RunSetup setup, bool traceFromStart) : setup_(std::move(setup)) {
  const bool simulated = setup_.engine == "sim";
  const bool traced = setup_.traced || !setup_.tracePath.empty();
  const bool ownHeap = setup_.scenario->usesGC || setup_.scenario->usesOwnHeap;
  if (simulated && traced && traceFromStart && !ownHeap) arena_ = std::make_unique<rt::sim::Arena>();
  // Everything the run is made of is allocated from here on in its arena
  // (with no arena: as usual).
  rt::sim::Arena::Scope inRun(arena_.get());
  rt::Runtime::Config cfg;
  cfg.gomaxprocs = setup_.params.procs;
  cfg.debug = setup_.debug;
  cfg.maxThreads = setup_.maxThreads;
  cfg.output = [this](std::string_view text) {
    rt::sim::Arena::Scope outside(nullptr);  // the session's log, not the run's memory
    std::lock_guard<std::mutex> lock(outMu_);
    // A reply shows at most kMaxReplyBytes (the shell cuts it and says so):
    // what would be cut is not kept either, so GODEBUG=scheddetail=1 over a
    // million goroutines cannot exhaust memory.
    if (output_.size() > kMaxReplyBytes) return;
    output_ += text;
  };
  std::unique_ptr<rt::SimPlatform> sim;
  if (simulated) {
    sim = std::make_unique<rt::SimPlatform>(setup_.seed);
    sim_ = sim.get();
    cfg.seed = setup_.seed;
    // A script may sleep for hours in a loop; the simulator stops after an
    // hour of virtual time rather than compute for ever.
    if (setup_.script) sim_->setTimeLimit(3600LL * 1000 * 1000 * 1000);
  }
  if (traced) tracer_ = std::make_unique<trace::Tracer>(setup_.traceLimit, simulated);
  if (sim_ && tracer_) sim_->setEventHook([this](uint64_t n) { afterSimEvent(n); });
  if (sim_) sim_->setStopCheck([this] { return budgetSpent(); });
  runtime_ = std::make_unique<rt::Runtime>(cfg, std::move(sim));
  if (setup_.scenario->usesGC) collector_ = std::make_unique<rt::gc::Collector>(runtime_.get(), setup_.gc);
  if (tracer_ && traceFromStart) runtime_->attachTracer(tracer_.get());
  result_ = std::make_unique<ScenarioResult>();
  runtime_->start(setup_.scenario->main(setup_.params, result_.get()), "main.main");
  if (tracer_) eventsAtStart_ = tracer_->emitted();
  if (arena_) takeSnapshot(0);
}

// A real run still going has threads running its goroutines: they stop
// (at their next scheduling point) before the runtime they run on is
// destroyed. The run may never end by itself (a script's endless loop).
RunSession::~RunSession() {
  if (!running()) return;
  runtime_->requestExit(rt::RunStatus::Fatal, "the lab quit while the run was going");
  runToEnd();
}

void RunSession::runToEnd() {
  if (over_) return;
  if (sim_) {
    advance(UINT64_MAX, INT64_MAX);
    return;
  }
  // The real engine: the rest of Runtime::run. Within a budget, this thread
  // polls the lab's brakes while the Ms run, and ends the run when it is
  // spent: every M leaves at its next scheduling point (a cpu burst or a
  // sleeping system call at once), as when main returns.
  const int64_t t0 = hostNanos();
  if (budget_.active()) {
    const rt::Note* done = runtime_->done();
    while (done->key.load(std::memory_order_acquire) == 0) {
      if (budgetSpent()) {
        runtime_->requestExit(rt::RunStatus::Fatal, kStoppedByLab);
        break;
      }
      runtime_->platform->usleep(5000);
    }
  }
  std::string cutShort = runtime_->awaitEnd();
  hostNs_ += hostNanos() - t0;
  end(cutShort);
  // The run may have ended by itself just before the lab asked (the first
  // reason wins): then it was not stopped.
  if (stopped_ != StopReason::None && fatal_ != kStoppedByLab) stopped_ = StopReason::None;
}

RunSession::Budget::Budget(RunSession& s, const RunLimits& limits) : s_(s) {
  s_.budget_ = RunBudget(limits, s_.setup_.interrupt, s_.sim_ ? s_.sim_->eventsProcessed() : 0);
  s_.lastLimits_ = limits;
  s_.stopped_ = StopReason::None;
}

RunSession::Budget::~Budget() { s_.budget_ = RunBudget(); }

bool RunSession::budgetSpent() {
  if (stopped_ != StopReason::None) return true;
  stopped_ = budget_.check(sim_ ? sim_->eventsProcessed() : 0);
  return stopped_ != StopReason::None;
}

bool RunSession::advance(uint64_t maxEvents, int64_t until) {
  if (over_) return false;
  if (budget_.active() && stopped_ != StopReason::None) return true;  // spent: stays where it is
  // The event limit is exact: the simulator is told to stop there.
  const uint64_t left = budget_.eventsLeft(sim_->eventsProcessed());
  if (left == 0) {
    stopped_ = StopReason::SimEvents;
    return true;
  }
  const bool limited = left <= maxEvents;
  maxEvents = std::min(maxEvents, left);
  const uint64_t before = sim_->eventsProcessed();
  const int64_t t0 = hostNanos();
  advanceStartNs_ = t0;
  std::string cutShort;
  bool finished;
  {
    rt::sim::Arena::Scope inRun(arena_.get());
    // In batches of events, not in one call: under wasm a function that has
    // not returned keeps running the code V8 first compiled it to (Liftoff,
    // its baseline compiler: V8 replaces no wasm frame on the stack), so one
    // call for a whole run kept the simulator's event loop unoptimized to
    // its end. Each new call runs the optimized code once V8 has it. The
    // calls together do exactly what one would: runSome keeps no state of
    // its own between events, and stops short of a batch only when the run
    // is over, `until` is reached or the brake says stop.
    constexpr uint64_t kBatch = 4096;
    for (uint64_t toRun = maxEvents;;) {
      const uint64_t batch = std::min(toRun, kBatch);
      const uint64_t at = sim_->eventsProcessed();
      finished = sim_->runSome(runtime_->done(), batch, until, &cutShort);
      const uint64_t ran = sim_->eventsProcessed() - at;
      toRun -= ran;
      if (finished || ran < batch || toRun == 0) break;
    }
  }
  advanceStartNs_ = 0;
  hostNs_ += hostNanos() - t0;
  if (finished) end(cutShort);
  else if (limited && sim_->eventsProcessed() - before == maxEvents && stopped_ == StopReason::None)
    stopped_ = StopReason::SimEvents;
  return true;
}

void RunSession::afterSimEvent(uint64_t simEvents) {
  rt::sim::Arena::Scope outside(nullptr);  // the session's own records
  traceAt_.push_back(tracer_->emitted());
  heapAt_.push_back(tracer_->heapCount());
  if (!arena_) return;
  // The tracer's list is in the arena: emptied whenever it holds 512
  // events (a copy, as it is kept in order), it stays under 64 KB, and so do
  // the snapshots' copies of it.
  if (tracer_->pending() >= 512) events();
  // After a rewind the later snapshots are still valid (the run is the same
  // run), so a new one is only taken beyond the last.
  const uint64_t last = snapshots_.back().simEvents;
  if (simEvents > last && simEvents - last >= snapshotEvery_) takeSnapshot(simEvents);
}

// Snapshots are spaced so that copying them costs a few percent of running:
// one simulator event takes about as long as copying 64 bytes. Their total
// stays within the budget: to make room, every other one after the first
// is dropped and the spacing doubles; a snapshot that still does not fit is
// not taken (back then runs forward from an earlier one).
void RunSession::takeSnapshot(uint64_t simEvents) {
  rt::sim::Arena::Scope outside(nullptr);  // the list of snapshots is the session's
  // Collected first: the tracer's list is in the arena, and a snapshot
  // should not copy (nor a restore bring back) events already collected.
  events();
  const size_t need = arena_->bytesInUse();
  snapshotEvery_ = std::max<uint64_t>(snapshotEvery_, need / 64);
  while (snapshotBytes_ + need > setup_.snapshotBudget && snapshots_.size() > 1) {
    std::vector<Snapshot> kept;
    for (size_t i = 0; i < snapshots_.size(); i++) {
      if (i % 2 == 0) kept.push_back(std::move(snapshots_[i]));
      else snapshotBytes_ -= snapshots_[i].memory->bytes();
    }
    snapshots_ = std::move(kept);
    snapshotEvery_ *= 2;
  }
  if (!snapshots_.empty() && snapshotBytes_ + need > setup_.snapshotBudget) {
    snapshotEvery_ *= 2;
    return;
  }
  const int64_t hostNs = hostNs_ + (advanceStartNs_ != 0 ? hostNanos() - advanceStartNs_ : 0);
  Snapshot snap{simEvents, events_.size(), output_.size(), hostNs, arena_->save()};
  snapshotBytes_ += snap.memory->bytes();
  snapshots_.push_back(std::move(snap));
}

// The simulator events to be at for a position of traceEvents events: a
// point the learner stood at with exactly that many (the latest), so that
// `until 330us; step 3; back 3` returns to 330µs and not to wherever the
// run had got just before the next event; else the point just after the
// event that brought the count to traceEvents, where `step` lands. One
// simulator event may record several trace events at once: a count inside
// such a group means the position before the group, found the same way.
// Collects first, so events_ holds everything recorded so far.
uint64_t RunSession::simEventsAt(size_t traceEvents) {
  events();
  for (auto it = stoodAt_.rbegin(); it != stoodAt_.rend(); ++it)
    if (it->first == traceEvents) return it->second;
  if (traceEvents <= eventsAtStart_) return 0;
  const auto at = std::lower_bound(traceAt_.begin(), traceAt_.end(), static_cast<uint64_t>(traceEvents));
  const auto j = static_cast<uint64_t>(at - traceAt_.begin());
  if (at != traceAt_.end() && *at == traceEvents) return j + 1;
  // Inside a group: the count before it (that of the previous simulator event).
  const size_t before = j == 0 ? eventsAtStart_ : static_cast<size_t>(traceAt_[j - 1]);
  return before < traceEvents ? simEventsAt(before) : j;
}

void RunSession::noteStandingPoint() {
  if (!sim_ || over_) return;
  const std::pair<size_t, uint64_t> here{events().size(), static_cast<uint64_t>(traceAt_.size())};
  if (stoodAt_.empty() || stoodAt_.back() != here) stoodAt_.push_back(here);
}

void RunSession::rewindTo(size_t traceEvents) {
  const uint64_t steps = simEventsAt(traceEvents);
  // The latest snapshot at or before that simulator event (the first one is
  // the start, so there always is one).
  auto it = std::upper_bound(snapshots_.begin(), snapshots_.end(), steps,
                             [](uint64_t n, const Snapshot& snap) { return n < snap.simEvents; });
  const Snapshot& from = *(it - 1);
  arena_->restore(*from.memory);
  traceAt_.resize(static_cast<size_t>(from.simEvents));
  heapAt_.resize(static_cast<size_t>(from.simEvents));
  events_.resize(from.collected);
  output_.resize(from.output);
  hostNs_ = from.hostNs;  // the report's host time: that of the path to here
  over_ = false;
  status_.clear();
  fatal_.clear();
  if (steps > from.simEvents) advance(steps - from.simEvents, INT64_MAX);
  events();
}

bool RunSession::stepEvents(size_t n) {
  if (over_) return false;
  const size_t target = events().size() + n;
  // One platform event at a time: an event records zero or more trace events.
  // A full trace records none, so stepping stops where it filled up (else it
  // would run to the end looking for events that are never recorded).
  if (!tracer_) return advance(UINT64_MAX, INT64_MAX);
  while (!over_ && stopped_ == StopReason::None && !tracer_->truncated() && tracer_->emitted() < target)
    advance(1, INT64_MAX);
  return true;
}

bool RunSession::stepUntil(int64_t ns) {
  if (over_) return false;
  advance(UINT64_MAX, runtime_->starttime + ns);
  return true;
}

std::unique_ptr<RunSession> RunSession::replayTo(size_t traceEvents) {
  const uint64_t steps = simEventsAt(traceEvents);
  const size_t kept = steps == 0 ? 0 : static_cast<size_t>(traceAt_[steps - 1]);
  auto s = std::make_unique<RunSession>(setup_, Untraced{});
  if (steps > 0) s->advance(steps, INT64_MAX);
  s->eventsAtStart_ = eventsAtStart_;
  s->stoodAt_ = stoodAt_;
  s->traceAt_.assign(traceAt_.begin(), traceAt_.begin() + static_cast<std::ptrdiff_t>(steps));
  s->heapAt_.assign(heapAt_.begin(), heapAt_.begin() + static_cast<std::ptrdiff_t>(steps));
  if (tracer_) {
    s->tracer_->continueFrom(*tracer_, kept, steps == 0 ? 0 : static_cast<size_t>(heapAt_[steps - 1]));
    s->events_.assign(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(std::min(kept, events_.size())));
  }
  if (s->tracer_) s->runtime_->attachTracer(s->tracer_.get());
  return s;
}

void RunSession::end(const std::string& cutShort) {
  rt::sim::Arena::Scope inRun(arena_.get());
  rt::RunResult rr = runtime_->finish(cutShort);
  rt::sim::Arena::Scope outside(nullptr);  // the session's own fields
  over_ = true;
  status_ = rr.status == rt::RunStatus::Ok ? "ok" : "fatal";
  fatal_ = rr.fatal;
}

const std::vector<trace::Event>& RunSession::events() {
  // A real run's Ms are still writing their buffers until it ends.
  if (tracer_ && !running()) {
    // On the simulator every new event comes after every older one, so the
    // increments of collecting append in order.
    tracer_->collectInto(events_);
  }
  return events_;
}

// A goid is never reused within a run, and a run replayed or restored
// creates each goroutine with the same name, so entries for goroutines a
// rewind undid stay as they are.
const std::vector<int32_t>& RunSession::goroutineNames() {
  const std::vector<trace::Event>& evs = events();
  namesScanned_ = std::min(namesScanned_, evs.size());
  for (; namesScanned_ < evs.size(); namesScanned_++) {
    const trace::Event& e = evs[namesScanned_];
    if (e.type != trace::EvType::GoCreate) continue;
    if (e.g >= goroutineNames_.size()) goroutineNames_.resize(static_cast<size_t>(e.g) + 1, -1);
    goroutineNames_[static_cast<size_t>(e.g)] = e.b;
  }
  return goroutineNames_;
}

std::vector<std::string> RunSession::names() const { return tracer_ ? tracer_->names() : std::vector<std::string>{}; }

std::vector<trace::HeapSample> RunSession::heapSamples() const {
  return tracer_ ? tracer_->heapSamples() : std::vector<trace::HeapSample>{};
}

int64_t RunSession::now() const { return runtime_->platform->nanotime() - runtime_->starttime; }

int64_t RunSession::lastEventNs() {
  const std::vector<trace::Event>& evs = events();
  return evs.empty() ? 0 : evs.back().ts;
}

std::string RunSession::position() {
  if (over_) return "the end";
  if (running())
    return runtime_->exiting.load(std::memory_order_relaxed) ? "its end (`continue` prints the report)"
                                                              : util::formatDuration(now()) + " into it, live";
  if (pastTrace())
    return util::formatDuration(now()) + ", past the trace's last event (" + std::to_string(events().size()) + ")";
  return "event " + std::to_string(events().size()) + " at " + util::formatDuration(now());
}

Reply RunSession::stoppedReply(Language lang) {
  const bool zh = lang == Language::Zh;
  const RunLimits& l = lastLimits_;
  std::string what, hint;
  // How to raise the limit that stopped it: a suggested value, or 0 for none.
  auto raise = [zh](const std::string& flag, const std::string& suggested) {
    return zh ? "（用 " + flag + " " + suggested + " 放宽上限，" + flag + " 0 表示不限）"
              : " (raise the limit with " + flag + " " + suggested + ", or " + flag + " 0 for none)";
  };
  switch (stopped_) {
    case StopReason::Interrupted:
      what = zh ? "已中断" : "interrupted";
      break;
    case StopReason::HostTime:
      what = zh ? "主机时间用满 " + util::formatDuration(l.hostNs) + " 后停下"
                : "stopped after " + util::formatDuration(l.hostNs) + " of host time";
      hint = raise("--timeout", util::formatDuration(l.hostNs * 6));
      break;
    case StopReason::SimEvents:
      what = zh ? "处理 " + std::to_string(l.simEvents) + " 个模拟器事件后停下"
                : "stopped after " + std::to_string(l.simEvents) + " simulator events";
      hint = raise("--max-events", std::to_string(l.simEvents * 10));
      break;
    case StopReason::None:
      break;
  }
  const std::string name = setup_.scenario->name + (zh ? "：" : ": ");
  const std::string t = util::formatDuration(now());
  std::string line;
  if (sim_) {
    const std::string n = std::to_string(sim_->eventsProcessed());
    line = zh ? name + what + "，位于 " + t + "（虚拟时间），本次运行的第 " + n +
                    " 个事件；运行暂停在这里：gs、ps、ms、runq 可查看，step 或 continue 继续" + hint
              : name + what + " at " + t + " (virtual), " + n +
                    " events into the run; it is paused there: gs, ps, ms and runq show it, step or continue goes on" +
                    hint;
  } else {
    line = zh ? name + what + "，运行在 " + t + "（实际耗时）处结束；gs、ps、ms、runq 显示它停下时的状态" + hint
              : name + what + "; the run was ended " + t + " into it (wall): gs, ps, ms and runq show where it stood" +
                    hint;
  }
  JsonWriter j;
  j.beginObject().field("scenario", setup_.scenario->name).field("engine", setup_.engine);
  j.field("stopped", stopReasonName(stopped_)).field("paused", !over_).field("runNs", now());
  j.field("position", static_cast<uint64_t>(events().size()));
  if (sim_) j.field("seed", setup_.seed).field("simEvents", sim_->eventsProcessed());
  j.field("hostNs", hostNs_).field("timeoutNs", l.hostNs).field("maxEvents", l.simEvents);
  j.field("output", output_).endObject();
  // A real run is over: what it printed comes first, as in its report.
  return Reply::programFailure((sim_ ? "" : output_) + line, j.str());
}

std::string RunSession::writeTrace() {
  if (setup_.tracePath.empty() || !tracer_) return "";
  const std::vector<trace::Event>& evs = events();
  trace::ChromeTraceInfo info{setup_.scenario->name, setup_.engine, setup_.params.procs, setup_.seed,
                              tracer_->truncated(), names(), tracer_->heapSamples()};
  const std::string partial = tracePartialPath(setup_.tracePath);
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  out << trace::chromeTraceJson(evs, info);
  out.close();
  if (!out || std::rename(partial.c_str(), setup_.tracePath.c_str()) != 0) {
    std::remove(partial.c_str());
    return "\ntrace: writing " + setup_.tracePath + " failed";
  }
  return "\ntrace: " + std::to_string(evs.size()) + " events written to " + setup_.tracePath +
         (tracer_->truncated() ? " (truncated: the run recorded more than the limit)" : "") +
         " (open it in ui.perfetto.dev)";
}

Reply RunSession::report(Language lang) {
  const Scenario& sc = *setup_.scenario;
  rt::Runtime& r = *runtime_;
  r.cfg.output = nullptr;  // nothing more will be printed
  const std::string traceNote = writeTrace();
  const bool ok = status_ == "ok";

  JsonWriter j;
  j.beginObject().field("scenario", sc.name).field("engine", setup_.engine).field("procs", setup_.params.procs);
  j.field("size", setup_.params.size).field("godebug", setup_.debug.str());
  // The scenario's own flags as the run had them (a Bool as 0/1, a Duration in ns).
  j.key("options").beginObject();
  for (const auto& [k, v] : setup_.params.options) j.field(k, v);
  j.endObject();
  if (sim_) j.field("seed", setup_.seed).field("simEvents", sim_->eventsProcessed()).field("hostNs", hostNs_);
  j.field("status", status_);
  if (ok) {
    j.field("result", result_->result).field("passed", result_->passed).field("wallNs", result_->wallNs);
  } else {
    j.field("fatal", fatal_).field("exitStatus", 2);
  }
  j.field("runNs", now());
  statsJson(j, r);
  if (collector_) gcJson(j, *collector_);
  j.key("metrics").beginObject();
  for (const auto& [k, v] : result_->metrics) j.field(k, v);
  j.endObject();
  j.field("output", output_).endObject();

  if (!ok) {
    // What `go run` shows for a program that dies: the runtime's message, the
    // goroutines, and the exit status.
    const bool isPanic = fatal_.rfind("panic: ", 0) == 0;
    std::string text = output_ + (isPanic ? "" : "fatal error: ") + fatal_ + "\n\n" + r.goroutineDump() +
                       "exit status 2" + traceNote;
    return Reply::programFailure(text, j.str());
  }
  // On the simulator the time is virtual, and the run is named by its seed.
  const bool zh = lang == Language::Zh;
  const std::string when = sim_ ? (zh ? "虚拟时间 " : "virtual time ") : (zh ? "实际耗时 " : "wall ");
  const std::string how =
      sim_ ? (zh ? "，种子 " : ", seed ") + std::to_string(setup_.seed) + (zh ? "，" : ", ") +
                 std::to_string(sim_->eventsProcessed()) + (zh ? " 个事件" : " events")
           : "";
  const std::string gcLines = collector_ ? gcSummaryText(*collector_) + "\n" : "";
  const std::string& said = zh && !result_->textZh.empty() ? result_->textZh : result_->text;
  std::string text = output_ + sc.name + ": " + said + "\n" + statsText(r) + "\n" + gcLines + when +
                     std::to_string(result_->wallNs / 1000) + (zh ? " µs（GOMAXPROCS=" : " µs (GOMAXPROCS=") +
                     std::to_string(setup_.params.procs) + (zh ? "，引擎 " : ", engine ") + setup_.engine + how +
                     (zh ? "）" : ")") + traceNote;
  return Reply{true, text, j.str()};
}

}  // namespace lab
