#include "sched/runtime.hpp"

#include <algorithm>

#include "platform/real/real_platform.hpp"
#include "runtime/throw.hpp"
#include "sched/proc.hpp"
#include "sched/runq.hpp"
#include "sched/stw.hpp"
#include "sched/sysmon.hpp"

namespace rt {

Runtime::Runtime(Config c, std::unique_ptr<Platform> owned) : cfg(std::move(c)), ownedPlatform_(std::move(owned)) {
  if (ownedPlatform_) {
    platform = ownedPlatform_.get();
  } else if (cfg.platform) {
    platform = cfg.platform;
  } else {
    ownedPlatform_ = std::make_unique<RealPlatform>();
    platform = ownedPlatform_.get();
  }
  sched.maxmcount = cfg.maxThreads;
  if (cfg.gomaxprocs < 1 || cfg.gomaxprocs > kMaxGomaxprocs) throwFatal("Runtime: GOMAXPROCS out of range");
  // Go: schedinit -> procresize(procs). No M runs yet, so every P starts idle.
  std::lock_guard lock(sched.lock);
  procresize(this, nullptr, cfg.gomaxprocs);
}

Runtime::~Runtime() {
  // run() has waited for every thread; a Runtime that never ran has none.
  // The tracer may outlive us: hand it the Ms' events.
  if (tracer)
    for (auto& mp : ownedMs_) tracer->releaseBuffer(&mp->traceBuf);
  // Goroutines still alive when the run ended (main returned, or a fatal
  // error) never finish: destroy their frames, as process exit would.
  for (G* gp = allgs; gp; gp = gp->alllink) {
    if (gp->root) {
      gp->root.destroy();  // no M on this thread: frames go back to the global allocator
      gp->root = {};
    }
  }
}

void Runtime::attachTracer(trace::Tracer* t) {
  std::lock_guard<std::mutex> lock(allmLock);
  for (auto& mp : ownedMs_) t->addBuffer(&mp->traceBuf);
  tracer = t;
}

P* Runtime::pForId(int32_t id) {
  while (static_cast<int32_t>(ownedPs_.size()) <= id) {
    auto pp = std::make_unique<P>(&frameDepot);
    pp->id = static_cast<int32_t>(ownedPs_.size());
    pp->rt = this;
    ownedPs_.push_back(std::move(pp));
  }
  return ownedPs_[id].get();
}

// Go: runtime/proc.go allocm + mcommoninit. The id was reserved by the
// caller (sched.mnext++ under sched.lock, Go's mReserveID).
M* Runtime::allocm() {
  std::lock_guard<std::mutex> lock(allmLock);
  auto mp = std::make_unique<M>();
  mp->id = static_cast<int64_t>(ownedMs_.size());
  mp->rt = this;
  // cheaprand state: from the run's seed, so a seeded run replays its choices.
  mp->cheaprand = cfg.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(mp->id) * 0xBF58476D1CE4E5B9ULL + 1;
  mp->alllink = allm;
  allm = mp.get();
  if (tracer) tracer->addBuffer(&mp->traceBuf);
  M* raw = mp.get();
  ownedMs_.push_back(std::move(mp));
  int32_t n = static_cast<int32_t>(ownedMs_.size());
  int32_t prev = stats.maxMs.load(std::memory_order_relaxed);
  while (prev < n && !stats.maxMs.compare_exchange_weak(prev, n)) {
  }
  return raw;
}

// Go: runtime/proc.go malg + allgadd
G* Runtime::allocg() {
  std::lock_guard<std::mutex> lock(allgLock);
  auto gp = std::make_unique<G>();
  gp->alllink = allgs;
  allgs = gp.get();
  allglen++;
  G* raw = gp.get();
  ownedGs_.push_back(std::move(gp));
  return raw;
}

// Go: runtime/traceback.go goroutineheader, for every goroutine: what a
// fatal error prints after its message (the lab has no stack frames to show,
// so each goroutine gets the function that started it). After a panic, as
// Go's default GOTRACEBACK=single: only the goroutine that panicked, which
// was running when it did (the lab has parked it for good since; one that
// panicked in a plain call and then returned is gone, and every goroutine
// is listed instead).
std::string Runtime::goroutineDump() {
  uint64_t panicked = panicGoid.load();
  std::vector<G*> gs;
  {
    std::lock_guard<std::mutex> lock(allgLock);
    for (G* gp = allgs; gp; gp = gp->alllink)
      if (readgstatus(gp) != Gstatus::Dead && readgstatus(gp) != Gstatus::Idle) gs.push_back(gp);
  }
  if (panicked != 0) {
    auto it = std::find_if(gs.begin(), gs.end(), [panicked](G* gp) { return gp->goid == panicked; });
    if (it != gs.end()) gs = {*it};
    else panicked = 0;
  }
  std::sort(gs.begin(), gs.end(), [](G* a, G* b) { return a->goid < b->goid; });
  // Go prints every goroutine; the lab stops after a screenful, since a run
  // may have a million of them.
  constexpr size_t kShown = 50;
  std::string out;
  size_t shown = 0;
  for (G* gp : gs) {
    if (shown++ == kShown) {
      out += "... " + std::to_string(gs.size() - kShown) + " more goroutines\n\n";
      break;
    }
    const std::string status = panicked != 0 ? "running" : std::string(tracebackStatus(readgstatus(gp), gp->waitreason));
    const char* name = gp->name;
    out += "goroutine " + std::to_string(gp->goid) + " [" + status + "]:\n" +
           (name && *name ? name : "goroutine") + "(...)\n\n";
  }
  return out;
}

void Runtime::print(std::string_view text) {
  if (cfg.output) cfg.output(text);
}

void Runtime::requestExit(RunStatus status, std::string fatal, uint64_t panickedGoid) {
  {
    std::lock_guard<std::mutex> lock(exitLock);
    if (exiting.load()) return;  // the first reason wins
    result_.status = status;
    result_.fatal = std::move(fatal);
    panicGoid.store(panickedGoid);
    exiting.store(true);  // seq_cst: pairs with mstart's count of running Ms
  }
  platform->notewakeup(&done_);
}

RunResult Runtime::run(Goroutine main, const char* name) {
  start(std::move(main), name);
  return finish(awaitEnd());
}

std::string Runtime::awaitEnd() {
  // Wait for the end (on the simulator: run the event loop until then).
  // Then wake every idle M and sysmon so they see `exiting` and return. Idle
  // Ms are in sched.midle (stopmBegin checks `exiting` under sched.lock
  // before joining it, so none can slip in after this loop).
  return platform->runUntil(&done_, [this] {
    std::lock_guard lock(sched.lock);
    for (M* mp = sched.midle; mp; mp = mp->schedlink) platform->notewakeup(&mp->park);
    platform->notewakeup(&sched.sysmonnote);
  });
}

void Runtime::start(Goroutine main, const char* name) {
  if (mainG) throwFatal("Runtime::run called twice");
  starttime = platform->nanotime();
  sched.lastpoll.store(starttime);
  if (cfg.seed == 0) cfg.seed = static_cast<uint64_t>(starttime);

  // Go: runtime.main is goroutine 1, created on m0 with P0. The calling
  // thread is not an M here (it only waits), so G1 goes to P0's run queue
  // and an M is started for P0.
  P* p0;
  {
    std::lock_guard lock(sched.lock);
    p0 = pidleget(this);
  }
  mainG = newproc1(this, main.release(), p0, 0, name);
  runqput(p0, mainG, false);
  mainStarted.store(true);

  bool ok;
  {
    std::lock_guard lock(sched.lock);
    ok = sched.mnext + 2 <= sched.maxmcount;
    if (ok) sched.mnext += 2;  // sysmon's M and P0's M
  }
  if (!ok) {
    requestExit(RunStatus::Fatal, "thread exhaustion");
    return;
  }
  M* sysmonM = allocm();
  sysmonM->isSysmon = true;
  if (!platform->newosproc(sysmonM, sysmon(sysmonM))) {
    requestExit(RunStatus::Fatal, "newosproc: no thread available (this build cannot start threads)");
    return;
  }
  M* m0 = allocm();
  m0->nextp = p0;
  if (!platform->newosproc(m0, mstart(m0))) requestExit(RunStatus::Fatal, "newosproc: no thread available");
}

RunResult Runtime::finish(const std::string& cutShort) {
  if (!cutShort.empty()) requestExit(RunStatus::Fatal, cutShort);
  result_.wallNs = platform->nanotime() - starttime;
  return result_;
}

}  // namespace rt
