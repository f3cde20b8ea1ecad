// The scheduler (Go: runtime/proc.go).
//
// Goroutine scheduler. The scheduler's job is to distribute ready-to-run
// goroutines over worker threads. The main concepts are:
//   G - goroutine.
//   M - worker thread, or machine.
//   P - processor, a resource that is required to execute Go code.
//       M must have an associated P to execute Go code, however it can be
//       blocked or in a syscall w/o an associated P.
//
// Worker thread parking/unparking (from the header of Go's proc.go). We must
// keep enough running Ms to use the available Ps, and park the rest to save
// CPU. Go's answer: unpark an additional M when (1) there is an idle P and
// (2) there are no "spinning" Ms (Ms that are out of work and looking for
// it). A spinning M that finds work stops spinning and, if it was the last
// spinning M, unparks a new spinning M (resetspinning -> wakep). This bounds
// spinning Ms while never losing a wakeup:
//   - a producer of work (newproc, ready) publishes the work, then checks for
//     idle Ps and spinning Ms (wakep) — with a StoreLoad barrier in between;
//   - a spinning M that gives up first decrements nmspinning, then re-checks
//     every run queue (the "delicate dance" in findRunnable).
// Either the producer sees no spinning M and wakes one, or the M re-checking
// sees the work.
//
// How the lab differs from Go here, on purpose:
//   - Goroutines are C++20 coroutines. execute resumes the G's innermost frame;
//     the G returns control at a co_await and leaves a Handoff saying what it
//     wants (park, yield, exit, a syscall) — this is Go's mcall(fn) on g0.
//   - No netpoller, no locked threads, no cgo: the corresponding branches
//     of findRunnable and handoffp are left out. The collector's mark
//     workers are goroutines it starts itself (gc/workers.cpp); findRunnable
//     only asks it for an idle-priority worker before giving up its P.
//   - An M with nothing to do waits for the earliest timer on its note with a
//     timeout, where Go would block in netpoll(delay) (see timers.cpp).
#include "sched/proc.hpp"

#include <string>

#include "runtime/throw.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"
#include "sched/stw.hpp"
#include "sched/syscall.hpp"
#include "sched/timers.hpp"
#include "sched/traceev.hpp"

namespace rt {

// ---------------------------------------------------------------- getg, rand

constinit thread_local M* detail::tlsM = nullptr;

G* getg() {
  M* mp = getm();
  return mp ? mp->curg.load(std::memory_order_relaxed) : nullptr;
}

// Go: runtime/rand.go cheaprand (wyrand).
uint32_t cheaprand(M* mp) {
  mp->cheaprand += 0xa0761d6478bd642fULL;
  __extension__ typedef unsigned __int128 u128;
  u128 p = static_cast<u128>(mp->cheaprand) * (mp->cheaprand ^ 0xe7037ed1a0b428dbULL);
  return static_cast<uint32_t>(static_cast<uint64_t>(p >> 64) ^ static_cast<uint64_t>(p));
}

// Go: runtime/proc.go casgstatus. Go needs a CAS loop because a GC stack
// scan may hold the _Gscan bit; the lab has no scan bit and a G's status is
// only changed by whoever owns the G at that moment (its M, or the waker
// holding the lock the G parked under), so a checked store is enough.
// The two ways out of casgstatus's path, kept out of line so that the path
// itself (one load, one compare, one store) needs no stack frame: it runs
// twice for every goroutine switch.
[[gnu::cold, gnu::noinline]] static void badcasgstatus(G* gp, Gstatus oldval, Gstatus newval, Gstatus cur) {
  std::string msg = "casgstatus: bad incoming values: goid " + std::to_string(gp->goid) + " from " +
                    std::string(gstatusName(oldval)) + " to " + std::string(gstatusName(newval)) + ", was " +
                    std::string(gstatusName(cur));
  throwFatal(msg.c_str());
}

[[gnu::noinline]] static void traceGoStatus(M* mp, G* gp, Gstatus oldval, Gstatus newval, trace::GoReason why) {
  traceEvent(mp->rt, mp, trace::EvType::GoStatus, gp->goid, pid(mp->p), -1, 0, static_cast<int32_t>(why), oldval,
             newval);
}

// Go: casgstatus's "Handle tracking for scheduling latencies", for a G
// being tracked: time spent runnable adds up until the G runs, and then
// goes into sched.timeToRun. Out of line: it runs for one stretch in 8.
[[gnu::noinline]] static void trackSchedLatency(G* gp, Gstatus oldval, Gstatus newval) {
  M* mp = getm();
  if (!mp) {
    // Not on a runtime thread (the main G made before the runtime starts):
    // nothing to time it by, so this stretch goes untracked.
    gp->tracking = false;
    return;
  }
  Runtime* rt = mp->rt;
  if (oldval == Gstatus::Runnable) {
    // Out of runnable: count the time spent there.
    gp->runnableTime += rt->platform->nanotime() - gp->runnableStamp;
    gp->runnableStamp = 0;
  }
  if (newval == Gstatus::Runnable) {
    gp->runnableStamp = rt->platform->nanotime();
  } else if (newval == Gstatus::Running) {
    // Running again: the stretch is over.
    gp->tracking = false;
    rt->sched.timeToRun.record(gp->runnableTime);
    gp->runnableTime = 0;
  }
}

void casgstatus(G* gp, Gstatus oldval, Gstatus newval, trace::GoReason why) {
  const Gstatus cur = gp->atomicstatus.load(std::memory_order_relaxed);
  if (cur != oldval) [[unlikely]]
    badcasgstatus(gp, oldval, newval, cur);
  // release: whoever next acquire-reads the status (checkdead, sysmon,
  // NumGoroutine) sees the G's fields as they were when it changed.
  gp->atomicstatus.store(newval, std::memory_order_release);
  // Go: "Track every 8th time a goroutine transitions out of running."
  if (oldval == Gstatus::Running) {
    if (gp->trackingSeq % kGTrackingPeriod == 0) gp->tracking = true;
    gp->trackingSeq++;
  }
  if (gp->tracking) [[unlikely]]
    trackSchedLatency(gp, oldval, newval);
  // Traced from the first real state on: allocation (_Gidle -> _Gdead) is
  // internal, and creation (_Gdead -> _Grunnable) is the GoCreate event.
  if (M* mp = getm(); mp && mp->rt->tracer && oldval != Gstatus::Idle && oldval != Gstatus::Dead) [[unlikely]]
    traceGoStatus(mp, gp, oldval, newval, why);
}

// --------------------------------------------------------------- goroutines

// Go: runtime/proc.go gfput. Put on the P's free list; if it gets long, move
// a batch to the global list so other Ps can reuse them.
void gfput(P* pp, G* gp) {
  if (readgstatus(gp) != Gstatus::Dead) throwFatal("gfput: bad status (not Gdead)");
  pp->gFree.push(gp);
  if (pp->gFree.size >= 64) {
    Sched& s = pp->rt->sched;
    std::lock_guard<std::mutex> lock(s.gFreeLock);
    while (pp->gFree.size >= 32) s.gFree.push(pp->gFree.pop());
  }
}

// Go: runtime/proc.go gfget. If the local list is empty, grab a batch from
// the global list.
G* gfget(P* pp) {
  if (pp->gFree.empty()) {
    Sched& s = pp->rt->sched;
    std::lock_guard<std::mutex> lock(s.gFreeLock);
    while (pp->gFree.size < 32 && !s.gFree.empty()) pp->gFree.push(s.gFree.pop());
  }
  return pp->gFree.pop();
}

// Go: runtime/proc.go newproc1. Creates a G in _Grunnable for the coroutine
// frame fn (already created, suspended at its start).
G* newproc1(Runtime* rt, coro::coroutine_handle<> fn, P* pp, uint64_t parentGoid, const char* name) {
  G* newg = gfget(pp);
  if (!newg) {
    newg = rt->allocg();  // _Gidle
    casgstatus(newg, Gstatus::Idle, Gstatus::Dead);
  }
  newg->root = fn;
  newg->top = fn;
  newg->handoff = Handoff::None;
  newg->waitreason = WaitReason::Zero;
  newg->preempt = false;
  newg->param = nullptr;
  newg->waiting = nullptr;
  newg->parentGoid = parentGoid;
  newg->name = name;
  newg->createdBy = "";  // newproc names the creator

  // Go hands out goids to Ps in batches of _GoidCacheBatch, so creating a
  // goroutine touches no shared counter 15 times out of 16.
  if (pp->goidcache == pp->goidcacheend) {
    pp->goidcache = rt->sched.goidgen.fetch_add(kGoidCacheBatch, std::memory_order_relaxed) + 1;
    pp->goidcacheend = pp->goidcache + kGoidCacheBatch;
  }
  newg->goid = pp->goidcache++;
  // Go: "newg.trackingSeq = uint8(fastrand())", tracked from its creation
  // if that is a multiple of 8. The lab mixes the goid instead: a draw from
  // the random stream would change every simulator run's schedule.
  newg->trackingSeq = static_cast<uint8_t>((newg->goid * 0x9E3779B97F4A7C15ull) >> 56);
  newg->tracking = newg->trackingSeq % kGTrackingPeriod == 0;
  newg->runnableStamp = 0;
  newg->runnableTime = 0;
  if (rt->tracer)
    traceEvent(rt, getm(), trace::EvType::GoCreate, newg->goid, pp->id, -1, static_cast<int32_t>(parentGoid),
               rt->tracer->internName(name));
  casgstatus(newg, Gstatus::Dead, Gstatus::Runnable);
  rt->stats.goroutinesCreated.fetch_add(1, std::memory_order_relaxed);
  return newg;
}

int gcount(Runtime* rt) {
  int n = 0;
  std::lock_guard<std::mutex> lock(rt->allgLock);
  for (G* gp = rt->allgs; gp; gp = gp->alllink) {
    const Gstatus s = readgstatus(gp);
    if (s != Gstatus::Dead && s != Gstatus::Idle && !isSystemGoroutine(gp)) n++;
  }
  return n;
}

// Go: runtime/proc.go newproc. The new G goes into runnext: `go f()` followed
// by blocking (the common pattern) runs f next on this P, warm in cache.
void newproc(Runtime* rt, coro::coroutine_handle<> fn, const char* name, const char* createdBy,
             std::optional<Priority> priority) {
  M* mp = getm();
  G* curg = mp ? mp->curg.load(std::memory_order_relaxed) : nullptr;
  if (!curg || !mp->p) throwFatal("go: called outside a goroutine");
  G* newg = newproc1(rt, fn, mp->p, curg->goid, name);
  newg->createdBy = createdBy ? createdBy : curg->name.load();  // Go: newg.gopc = callerpc
  // NOT GO (priority.hpp): inherited like Go's pprof labels (newg.labels = curg.labels).
  newg->priority = priority.value_or(curg->priority);
  // (Under the lab-only SchedPolicy::Queue a high-priority G goes to its own queue instead.)
  if (!putHighPriority(rt, newg)) runqput(mp->p, newg, true);
  if (rt->mainStarted.load(std::memory_order_relaxed)) wakep(rt);
  chargeOp(rt->platform, RuntimeOp::Newproc);  // the simulator's price of it (SimCosts)
}

// ------------------------------------------------------------ Ps and Ms

// Go: runtime/proc.go pidleput. sched.lock held.
void pidleput(Runtime* rt, P* pp) {
  if (!runqempty(pp)) throwFatal("pidleput: P has non-empty run queue");
  pp->status.store(Pstatus::Idle, std::memory_order_release);
  pp->link = rt->sched.pidle;
  rt->sched.pidle = pp;
  rt->sched.npidle.fetch_add(1);
  // Go: _p_.limiterEvent.start(limiterEventIdle, now).
  pp->idleSince.store(rt->platform->nanotime(), std::memory_order_relaxed);
}

// Go: runtime/proc.go pidleget. sched.lock held.
P* pidleget(Runtime* rt) {
  P* pp = rt->sched.pidle;
  if (pp) {
    rt->sched.pidle = pp->link;
    rt->sched.npidle.fetch_sub(1);
    // Go: _p_.limiterEvent.stop(limiterEventIdle, now).
    const int64_t since = pp->idleSince.exchange(-1, std::memory_order_relaxed);
    if (const int64_t now = rt->platform->nanotime(); since >= 0 && now > since)
      rt->sched.idleTimePool.fetch_add(now - since, std::memory_order_relaxed);
  }
  return pp;
}

// Go: runtime/proc.go pidlegetSpinning. sched.lock held. Finding work that
// we cannot take (no idle P) must be told to Ms about to drop their P: see
// the "delicate dance" in findRunnable.
P* pidlegetSpinning(Runtime* rt) {
  P* pp = pidleget(rt);
  if (!pp) rt->sched.needspinning.store(1);
  return pp;
}

namespace {

// Go: runtime/proc.go mput. sched.lock held.
void mput(Runtime* rt, M* mp) {
  mp->schedlink = rt->sched.midle;
  rt->sched.midle = mp;
  rt->sched.nmidle++;
  checkdead(rt);
}

// Go: runtime/proc.go mget. sched.lock held.
M* mget(Runtime* rt) {
  M* mp = rt->sched.midle;
  if (mp) {
    rt->sched.midle = mp->schedlink;
    rt->sched.nmidle--;
  }
  return mp;
}

int64_t mcount(Runtime* rt) { return rt->sched.mnext - rt->sched.nmfreed; }

}  // namespace

bool mremove(Runtime* rt, M* mp) {
  for (M** link = &rt->sched.midle; *link; link = &(*link)->schedlink) {
    if (*link == mp) {
      *link = mp->schedlink;
      rt->sched.nmidle--;
      return true;
    }
  }
  return false;
}

namespace {

// Go: runtime/proc.go newm. Creates an M that will start with pp.
void newm(Runtime* rt, P* pp, bool spinning) {
  M* mp = rt->allocm();
  mp->nextp = pp;
  mp->spinning = spinning;
  bool started = !rt->exiting.load() && rt->platform->newosproc(mp, mstart(mp));
  if (!started) {
    // Give the P back, as if the M had started and found nothing to do.
    std::lock_guard lock(rt->sched.lock);
    if (spinning) rt->sched.nmspinning.fetch_sub(1);
    rt->sched.nmfreed++;
    if (!rt->exiting.load()) {
      rt->requestExit(RunStatus::Fatal, "newosproc: no thread available (this build cannot start threads)");
    }
    pp->status.store(Pstatus::Idle, std::memory_order_release);
    pp->link = rt->sched.pidle;
    rt->sched.pidle = pp;
    rt->sched.npidle.fetch_add(1);
  }
}

void becomeSpinning(M* mp) {
  traceEvent(mp->rt, mp, trace::EvType::SpinStart, 0, pid(mp->p));
  mp->spinning = true;
  mp->rt->sched.nmspinning.fetch_add(1);
  mp->rt->sched.needspinning.store(0);
}

}  // namespace

// Go: runtime/proc.go acquirep / wirep
void acquirep(M* mp, P* pp) {
  if (mp->p) throwFatal("wirep: already in go");
  if (pp->m.load(std::memory_order_relaxed) || pp->status.load(std::memory_order_relaxed) != Pstatus::Idle)
    throwFatal("wirep: invalid p state");
  mp->p = pp;
  pp->m.store(mp, std::memory_order_release);
  pp->status.store(Pstatus::Running, std::memory_order_release);
  traceEvent(mp->rt, mp, trace::EvType::ProcStart, 0, pp->id);
}

// Go: runtime/proc.go releasep
P* releasep(M* mp) {
  P* pp = mp->p;
  if (!pp || pp->m.load(std::memory_order_relaxed) != mp ||
      pp->status.load(std::memory_order_relaxed) != Pstatus::Running)
    throwFatal("releasep: invalid p state");
  mp->p = nullptr;
  pp->m.store(nullptr, std::memory_order_release);
  pp->status.store(Pstatus::Idle, std::memory_order_release);
  traceEvent(mp->rt, mp, trace::EvType::ProcStop, 0, pp->id);
  return pp;
}

// Go: runtime/proc.go startm. Schedules some M to run pp (or an idle P if
// pp is nullptr), creating an M if none is idle. Returns false if there was
// no P to run.
bool startm(Runtime* rt, P* pp, bool spinning) {
  std::unique_lock lock(rt->sched.lock);
  if (!pp) {
    pp = pidleget(rt);
    if (!pp) {
      lock.unlock();
      // The caller incremented nmspinning, but there are no idle Ps, so it
      // is fine to undo the increment and give up.
      if (spinning && rt->sched.nmspinning.fetch_sub(1) - 1 < 0) throwFatal("startm: negative nmspinning");
      return false;
    }
  }
  M* nmp = mget(rt);
  if (!nmp) {
    // No M is available: make one. Reserve its id under the lock (Go's
    // mReserveID), so checkdead counts it as running from now on.
    if (mcount(rt) + 1 > rt->sched.maxmcount) {
      lock.unlock();
      // Go prints this line and throws "thread exhaustion".
      rt->print("runtime: program exceeds " + std::to_string(rt->sched.maxmcount) + "-thread limit\n");
      rt->requestExit(RunStatus::Fatal, "thread exhaustion");
      return false;
    }
    rt->sched.mnext++;
    lock.unlock();
    newm(rt, pp, spinning);
    return true;
  }
  if (nmp->spinning) throwFatal("startm: m is spinning");
  if (nmp->nextp) throwFatal("startm: m has p");
  if (spinning && !runqempty(pp)) throwFatal("startm: p has runnable gs");
  // The caller incremented nmspinning, so set m.spinning in the new M. (Go
  // sets these after unlocking; the lab sets them under sched.lock because
  // an M waiting for timers reads nextp under the lock when it wakes.)
  nmp->spinning = spinning;
  nmp->nextp = pp;
  lock.unlock();
  rt->platform->notewakeup(&nmp->park);  // release: nmp sees nextp
  return true;
}

// Go: runtime/proc.go wakep, from the CAS of nmspinning on (see wakep).
[[gnu::noinline]] static void wakepSlow(Runtime* rt) {
  // Be conservative about spinning threads: only start one if none exist.
  int32_t zero = 0;
  if (rt->sched.nmspinning.load() != 0 || !rt->sched.nmspinning.compare_exchange_strong(zero, 1)) return;
  P* pp;
  {
    std::lock_guard lock(rt->sched.lock);
    pp = pidlegetSpinning(rt);
    if (!pp) {
      if (rt->sched.nmspinning.fetch_sub(1) - 1 < 0) throwFatal("wakep: negative nmspinning");
      return;
    }
  }
  startm(rt, pp, true);
}

// Go: runtime/proc.go wakep. Tries to add one more P to execute Gs: called
// when a G is made runnable (newproc, ready).
void wakep(Runtime* rt) {
  // No idle P, and Ms about to drop theirs have already been told to spin
  // instead (needspinning): the path below would only confirm that, under
  // the lock. Skipping it keeps wakep cheap for a busy program — and the
  // rest is out of line, so this test runs before any register is saved.
  if (rt->sched.npidle.load() == 0 && rt->sched.needspinning.load() == 1) return;
  wakepSlow(rt);
}

// Go: runtime/proc.go handoffp. Hands off pp from a syscall or a stopping M:
// starts an M for it if there is work, else puts it on the idle list.
void handoffp(Runtime* rt, P* pp) {
  // If it has local work, start it straight away.
  if (!runqempty(pp) || rt->sched.runqsize.load() != 0) {
    rt->stats.handoffs.fetch_add(1, std::memory_order_relaxed);
    traceEvent(rt, getm(), trace::EvType::Handoff, 0, pp->id);
    startm(rt, pp, false);
    return;
  }
  // No local work: if there are no spinning or idle Ms, our help is needed.
  int32_t zero = 0;
  if (rt->sched.nmspinning.load() + rt->sched.npidle.load() == 0 &&
      rt->sched.nmspinning.compare_exchange_strong(zero, 1)) {
    rt->sched.needspinning.store(0);
    rt->stats.handoffs.fetch_add(1, std::memory_order_relaxed);
    startm(rt, pp, true);
    return;
  }
  std::unique_lock lock(rt->sched.lock);
  if (rt->sched.gcwaiting.load()) {
    pp->status.store(Pstatus::Gcstop, std::memory_order_release);
    if (--rt->sched.stopwait == 0) rt->platform->notewakeup(&rt->sched.stopnote);
    return;
  }
  if (rt->sched.runqsize.load() != 0) {
    lock.unlock();
    rt->stats.handoffs.fetch_add(1, std::memory_order_relaxed);
    startm(rt, pp, false);
    return;
  }
  // If this is the last running P and nobody waits for timers, an M must
  // (Go: "nobody is polling network"; without a netpoller, only timers need it).
  if (rt->sched.npidle.load() == rt->gomaxprocs.load() - 1 && rt->sched.lastpoll != 0 && anyTimers(rt)) {
    lock.unlock();
    startm(rt, pp, false);
    return;
  }
  int64_t when = timersWakeTime(pp);
  pidleput(rt, pp);
  lock.unlock();
  if (when != 0) wakeNetPoller(rt, when);
}

namespace {

// Go: runtime/proc.go stopm, up to its sleep: join sched.midle. False if
// the run is over (see Runtime::run: its end wakes every M in midle, so
// none may join after it). The sleep itself is in mstart.
bool stopmBegin(M* mp) {
  Runtime* rt = mp->rt;
  if (mp->p) throwFatal("stopm holding p");
  if (mp->spinning) throwFatal("stopm spinning");
  std::lock_guard lock(rt->sched.lock);
  if (rt->exiting.load()) return false;
  mput(rt, mp);
  return true;
}

// Go: runtime/proc.go stopm, after its sleep: acquire the P startm handed
// over in m.nextp (none when woken for the end of the run).
void stopmEnd(M* mp) {
  Runtime* rt = mp->rt;
  P* next;
  {
    // Under the lock: startm hands over nextp under it, and an M woken for
    // the end of the run must leave midle so no startm picks it afterwards.
    std::lock_guard lock(rt->sched.lock);
    next = mp->nextp;
    mp->nextp = nullptr;
    if (!next) {
      mremove(rt, mp);
      return;  // the run is over
    }
  }
  acquirep(mp, next);
}

// Go: runtime/proc.go resetspinning
void resetspinning(M* mp) {
  if (!mp->spinning) throwFatal("resetspinning: not a spinning m");
  traceEvent(mp->rt, mp, trace::EvType::SpinStop, 0, pid(mp->p));
  mp->spinning = false;
  if (mp->rt->sched.nmspinning.fetch_sub(1) - 1 < 0) throwFatal("findrunnable: negative nmspinning");
  // M wakeup policy is deliberately somewhat conservative, so check if we
  // need to wake up another P here (see the header of this file).
  wakep(mp->rt);
}

// Go: runtime/proc.go checkRunqsNoP. After dropping our P, look for any P
// with work; if one exists, take an idle P to run it.
P* checkRunqsNoP(Runtime* rt, const std::vector<P*>& allpSnapshot) {
  for (P* p2 : allpSnapshot) {
    if (p2->status.load(std::memory_order_acquire) != Pstatus::Idle && !runqempty(p2)) {
      std::lock_guard lock(rt->sched.lock);
      return pidlegetSpinning(rt);  // nullptr: can't get a P, so we're done
    }
  }
  return nullptr;
}

// NOT GO: a prefetch of what pp will run next from its ring, right after
// runqget took the G at its head. When many Gs are runnable (skynet's tree
// queues hundreds of thousands) each waited long enough to leave the cache,
// and running it touches the whole G (status, frame pointer, the channel
// and latency fields are on different lines) and then its innermost
// coroutine frame, one miss after another. Its turn is a few Gs away, so we
// ask for them now. With h the ring's new head (the G to run after this
// one): every line of the G at h+3 (a G is 16-byte aligned, so its
// sizeof(G) bytes may touch one line more than sizeof(G)/64), and the first
// lines of the frame of the G at h+1, which an earlier call asked for as
// its h+3 (so its top is likely in cache by now). Only the simulator reads
// that G's top: there every M runs on one host thread, so nobody is running
// the G while we read its frame pointer; on real threads a thief may have
// stolen it and be running it now. (A prefetch reads nothing, so asking for
// the G is safe on both.) Prefetching changes no result and no order: the
// golden traces stay. The README gives the gain; on real threads it
// measured neutral, and under wasm, which has no prefetch instruction,
// __builtin_prefetch is nothing (a plain load in its place, what
// util::prefetch does there, gained nothing either).
void prefetchRunq(Runtime* rt, P* pp) {
  const uint32_t h = pp->runqhead.load(std::memory_order_relaxed);
  const uint32_t t = pp->runqtail.load(std::memory_order_relaxed);  // we are its producer
  if (t - h > 3) {
    const char* g = reinterpret_cast<const char*>(pp->runq[(h + 3) % kRunqSize].load(std::memory_order_relaxed));
    for (size_t off = 0; off < sizeof(G); off += 64) __builtin_prefetch(g + off);
    __builtin_prefetch(g + sizeof(G) - 1);  // the last line, when the G straddles one more
  }
  if (t - h > 1 && !rt->platform->parallel()) {
    const char* frame = static_cast<const char*>(pp->runq[(h + 1) % kRunqSize].load(std::memory_order_relaxed)->top.address());
    for (int line = 0; line < 3; line++) __builtin_prefetch(frame + 64 * line);
  }
}

}  // namespace

// stealWork, the spinning M's search of the other Ps, is in steal.cpp.

// Go: runtime/proc.go findRunnable. Finds a runnable goroutine to execute:
// tries the local queue, the global queue, and stealing. Returns nullptr
// when the M should stop (stopm), having released its P — or, on the
// simulator, keeping it when a steal must back off first (stealBackoff).
G* findRunnable(M* mp, bool* inheritTime) {
  Runtime* rt = mp->rt;
top:
  if (rt->exiting.load(std::memory_order_relaxed)) return nullptr;
  P* pp = mp->p;
  *inheritTime = false;
  if (rt->sched.gcwaiting.load()) {
    gcstopm(mp);  // gives up the P: the caller stops this M until startTheWorld
    return nullptr;
  }

  // Timers that are due make their Gs runnable here, on our P.
  checkTimers(mp, pp);

  // Did sysmon find this P's time slice used up (pp->preempt)? In Go an
  // asynchronous preemption stops whatever G is running at that moment, even
  // one that never reaches a safe point before it blocks or exits — such as
  // the members of a chain of goroutines that wake (or spawn) each other
  // through runnext, each inheriting the previous one's slice. Preempted,
  // that G goes to the global queue and the chain breaks. The lab's real
  // engine preempts only at safe points, so it breaks the chain here,
  // between goroutines: the G in runnext is treated as the preempted one and
  // goes to the global queue.
  if (pp->preempt.load(std::memory_order_relaxed) && pp->preempt.exchange(false, std::memory_order_relaxed)) {
    if (G* next = pp->runnext.exchange(nullptr, std::memory_order_acq_rel)) {
      std::lock_guard lock(rt->sched.lock);
      globrunqput(rt, next);
    }
  }

  // NOT GO (priority.hpp): under SchedPolicy::Queue a high-priority G that
  // is runnable anywhere runs before anything on this P.
  if (rt->sched.runqhighsize.load(std::memory_order_relaxed) != 0) {
    std::lock_guard lock(rt->sched.lock);
    if (G* gp = globrunqget(rt, pp, 1)) return gp;
  }

  // Check the global runnable queue once in a while to ensure fairness.
  // Otherwise two goroutines can completely occupy the local runqueue by
  // constantly respawning each other.
  if (pp->schedtick.load() % 61 == 0 && rt->sched.runqsize.load() > 0) {
    std::lock_guard lock(rt->sched.lock);
    if (G* gp = globrunqget(rt, pp, 1)) return gp;
  }

  // local runq
  if (G* gp = runqget(pp, inheritTime)) {
    prefetchRunq(rt, pp);
    return gp;
  }

  // global runq
  if (rt->sched.runqsize.load() != 0) {
    std::lock_guard lock(rt->sched.lock);
    if (G* gp = globrunqget(rt, pp, 0)) return gp;
  }

  // Spinning Ms: steal work from other Ps. Limit the number of spinning Ms
  // to half the number of busy Ps. This is necessary to prevent excessive
  // CPU consumption when GOMAXPROCS>>1 but the program parallelism is low.
  if (mp->spinning || 2 * rt->sched.nmspinning.load() < rt->gomaxprocs.load() - rt->sched.npidle.load()) {
    if (!mp->spinning) becomeSpinning(mp);
    bool newWork = false;
    if (G* gp = stealWork(mp, inheritTime, &newWork)) return gp;
    if (newWork) goto top;  // there may be new timer or GC work; restart
    // On the simulator, runqgrab's back-off happens in mstart: return with
    // our P, still spinning, and come back after it.
    if (mp->stealBackoff) return nullptr;
  }

  // We have nothing to do.
  //
  // If we're in the GC mark phase, can safely scan and blacken objects, and
  // have work to do, run idle-time marking rather than give up the P.
  if (rt->gcFindIdleWorker) {
    if (G* gp = rt->gcFindIdleWorker(rt->gcState, pp)) {
      casgstatus(gp, Gstatus::Waiting, Gstatus::Runnable);
      return gp;
    }
  }

  // Before dropping our P, take a snapshot of allp and check, under the
  // lock, what may have arrived since.
  {
    std::vector<P*> allpSnapshot = rt->allp;
    std::unique_lock lock(rt->sched.lock);
    if (rt->sched.gcwaiting.load()) goto top;
    if (rt->sched.runqsize.load() != 0) {
      G* gp = globrunqget(rt, pp, 0);
      return gp;
    }
    if (!mp->spinning && rt->sched.needspinning.load() == 1) {
      // See the "delicate dance" below.
      becomeSpinning(mp);
      lock.unlock();
      goto top;
    }
    if (releasep(mp) != pp) throwFatal("findrunnable: wrong p");
    pidleput(rt, pp);
    lock.unlock();

    // Delicate dance: thread transitions from spinning to non-spinning
    // state, potentially concurrently with submission of new work. We must
    // drop nmspinning first and then check all sources again (with a
    // StoreLoad barrier in between — the seq_cst RMW). If we did it the
    // other way around, another thread could submit work after we've
    // checked all sources but before we drop nmspinning; as a result nobody
    // would unpark a thread to run the work.
    if (mp->spinning) {
      traceEvent(rt, mp, trace::EvType::SpinStop, 0, -1);
      mp->spinning = false;
      if (rt->sched.nmspinning.fetch_sub(1) - 1 < 0) throwFatal("findrunnable: negative nmspinning");

      // Check the global and P runqueues again.
      lock.lock();
      if (rt->sched.runqsize.load() != 0) {
        if (P* p2 = pidlegetSpinning(rt)) {
          G* gp = globrunqget(rt, p2, 0);
          if (!gp) throwFatal("global runq empty with non-zero runqsize");
          lock.unlock();
          acquirep(mp, p2);
          becomeSpinning(mp);
          return gp;
        }
      }
      lock.unlock();
      if (P* p2 = checkRunqsNoP(rt, allpSnapshot)) {
        acquirep(mp, p2);
        becomeSpinning(mp);
        goto top;
      }
    }
  }
  return nullptr;  // the caller stops this M
}

// Go: runtime/proc.go execute. Schedules gp to run on the current M.
// If inheritTime is true, gp inherits the remaining time in the current
// time slice; otherwise it starts a new one.
static void execute(M* mp, G* gp, bool inheritTime) {
  // release: sysmon (preemptone) acquire-loads curg and then touches gp.
  mp->curg.store(gp, std::memory_order_release);
  gp->m = mp;
  casgstatus(gp, Gstatus::Runnable, Gstatus::Running);
  gp->waitsince = 0;
  gp->preempt = false;
  if (!inheritTime) {
    P* pp = mp->p;  // only the owner writes schedtick: no read-modify-write needed
    ++pp->schedtick;
    // NOT GO (priority.hpp): the lab-only SchedPolicy::Slice's longer slice.
    if (mp->rt->schedPolicy.load(std::memory_order_relaxed) == SchedPolicy::Slice)
      pp->timeSlice.store(timeSliceFor(mp->rt, gp), std::memory_order_relaxed);
  }
  if (mp->rt->tracer) {
    // The G waiting in runnext, if any (a racy peek on real threads: Gs are
    // never freed during a run, and goid is read relaxed).
    G* next = mp->p->runnext.load(std::memory_order_relaxed);
    traceEvent(mp->rt, mp, trace::EvType::RunqSizes, next ? uint64_t(next->goid) : 0, mp->p->id, -1,
               static_cast<int32_t>(runqlen(mp->p)), mp->rt->sched.runqsize.load(std::memory_order_relaxed));
  }
}

// Go: runtime/proc.go dropg
static void dropg(M* mp) {
  mp->curg.load(std::memory_order_relaxed)->m = nullptr;
  mp->curg.store(nullptr, std::memory_order_relaxed);
}

// Go: runtime/proc.go gopark
void gopark(bool (*unlockf)(G*, void*), void* lock, WaitReason reason) {
  M* mp = getm();
  G* gp = mp->curg.load(std::memory_order_relaxed);
  mp->waitunlockf = unlockf;
  mp->waitlock = lock;
  gp->waitreason = reason;
  gp->handoff = Handoff::Park;
}

// Go: runtime/proc.go park_m. Returns true if the G must be resumed at once
// (its unlock function said the wait is over before it began).
static bool park_m(M* mp, G* gp) {
  casgstatus(gp, Gstatus::Running, Gstatus::Waiting, trace::GoReason::Block);
  // Go does not read the clock here either: waitsince is filled in lazily
  // (by the GC's root marking) for tracebacks' "N minutes" only.
  dropg(mp);
  if (auto fn = mp->waitunlockf) {
    bool ok = fn(gp, mp->waitlock);
    mp->waitunlockf = nullptr;
    mp->waitlock = nullptr;
    if (!ok) {
      casgstatus(gp, Gstatus::Waiting, Gstatus::Runnable);
      execute(mp, gp, true);  // schedule it back, never returns
      return true;
    }
  }
  return false;
}

// Go: runtime/proc.go ready / goready
void goready(G* gp) {
  M* mp = getm();
  casgstatus(gp, Gstatus::Waiting, Gstatus::Runnable);
  if (!putHighPriority(mp->rt, gp)) runqput(mp->p, gp, true);  // (the lab-only policy: priority.hpp)
  wakep(mp->rt);
}

// Go: runtime/proc.go goschedImpl (Gosched and preemption).
static void goschedImpl(M* mp, G* gp, bool preempted, trace::GoReason why) {
  Runtime* rt = mp->rt;
  casgstatus(gp, Gstatus::Running, Gstatus::Runnable, why);
  dropg(mp);
  if (preempted && rt->sched.gcwaiting.load()) {
    // The world is stopping: keep gp on this P, it will run first after.
    if (!putHighPriority(rt, gp)) runqput(mp->p, gp, true);
  } else {
    std::lock_guard lock(rt->sched.lock);
    globrunqput(rt, gp);
  }
  wakep(rt);
}

// Go: runtime/proc.go goexit0 / gdestroy
// When main.main returns the program ends, whatever else is running: Go
// exits the process and frees nothing. In the lab other goroutines may still
// be using main's locals (a channel, a WaitGroup) when main's body returns,
// and C++ destroys those locals right after return_void. So main's return
// ends the run first and waits until every other M has left goroutine code
// (each stops at its next safe point; idle Ms are woken by Runtime::run).
void detail::goroutineReturning() {
  M* mp = getm();
  Runtime* rt = mp->rt;
  if (mp->curg.load(std::memory_order_relaxed) != rt->mainG) return;
  rt->requestExit(RunStatus::Ok, "");
  // On the simulator no other M runs while this one does: nothing to wait for.
  if (!rt->platform->parallel()) return;
  while (rt->runningMs.load() > 1) rt->platform->usleep(50);  // seq_cst: see mstart
}

static void goexit0(M* mp, G* gp) {
  Runtime* rt = mp->rt;
  if (gp == rt->mainG) {
    // The run is over (see goroutineReturning). The frame is left for
    // ~Runtime, and the G is not put up for reuse.
    casgstatus(gp, Gstatus::Running, Gstatus::Dead, trace::GoReason::Exit);
    dropg(mp);
    return;
  }
  casgstatus(gp, Gstatus::Running, Gstatus::Dead, trace::GoReason::Exit);
  if (rt->gcGoexit) rt->gcGoexit(rt->gcState, gp);
  gp->root.destroy();  // the goroutine's frame (and so its locals) go away
  gp->root = {};
  gp->top = {};
  gp->handoff = Handoff::None;
  gp->name = "";
  gp->createdBy = "";
  dropg(mp);
  gfput(mp->p, gp);
}

// Go: runtime/proc.go schedule, up to gogo: find a runnable goroutine and
// make it the M's current one. nullptr when there was nothing to run (the
// M then has no P, or the run is over).
static G* schedule(M* mp) {
  if (mp->spinning && !runqempty(mp->p)) throwFatal("schedule: spinning with local work");
  bool inheritTime = false;
  G* gp = findRunnable(mp, &inheritTime);
  if (!gp) return nullptr;
  // This thread is going to run a goroutine and is not spinning anymore, so
  // if it was marked as spinning we need to reset it now and potentially
  // start a new spinning M.
  if (mp->spinning) resetspinning(mp);
  execute(mp, gp, inheritTime);
  return gp;
}

// Go: runtime/proc.go mstart / mstart1 / schedule, and the mcall functions
// a G's handoff asks for (park_m, gosched_m, gopreempt_m, goexit0,
// entersyscall...). The body of every M.
//
// Everything an M blocks on is a co_await of an MWait in this body: the
// idle sleep of stopm, a system call, a cpu burst, waiting for the world to
// stop. On the real platform they block the thread in place; on the
// simulator they are where the simulated thread yields to the event loop.
MTask mstart(M* mp) {
  Runtime* rt = mp->rt;
  Platform* pl = rt->platform;
  // seq_cst, with the seq_cst store of `exiting` in requestExit and the
  // loads below and in goroutineReturning (a Dekker pair): either main's
  // return sees this M counted, or this M sees `exiting` and runs nothing.
  rt->runningMs.fetch_add(1);
  traceEvent(rt, mp, trace::EvType::MStart, 0, pid(mp->nextp));
  if (mp->spinning) traceEvent(rt, mp, trace::EvType::SpinStart, 0, pid(mp->nextp));  // set by newm
  if (mp->nextp) {
    acquirep(mp, mp->nextp);
    mp->nextp = nullptr;
  }
  while (!rt->exiting.load()) {
    if (!mp->p) {
      // Go: stopm. findRunnable gave the P up (nothing to do, or the world
      // is stopping), or a syscall's exit found none: sleep until handed one.
      if (!stopmBegin(mp)) break;
      traceEvent(rt, mp, trace::EvType::MPark, 0, -1);
      mp->blocked = true;
      bool leaveTimersToOthers = false;
      for (;;) {
        const int64_t until = idleWaitBegin(mp, leaveTimersToOthers);
        // (Two statements, not a ?: of two co_awaits, which g++ 12 miscompiles.)
        MWait wait{pl, mp, WaitKind::Note, &mp->park};
        if (until != 0) {
          wait.kind = WaitKind::NoteTimeout;
          wait.ns = until - pl->nanotime();
        }
        const bool woken = co_await wait;
        const IdleNext next = idleWaitEnd(mp, until, woken, &leaveTimersToOthers);
        if (next == IdleNext::Done) break;
        if (next == IdleNext::SleepThenDone) {
          co_await MWait{pl, mp, WaitKind::Note, &mp->park};
          pl->noteclear(&mp->park);
          break;
        }
      }
      mp->blocked = false;
      traceEvent(rt, mp, trace::EvType::MUnpark, 0, pid(mp->nextp));
      if (mp->spinning) traceEvent(rt, mp, trace::EvType::SpinStart, 0, pid(mp->nextp));  // set by startm
      stopmEnd(mp);
      continue;
    }

    G* gp = schedule(mp);
    if (!gp) {
      if (mp->stealBackoff) {  // the simulator's runqgrab back-off (see findRunnable)
        mp->stealBackoff = false;
        co_await MWait{pl, mp, WaitKind::Overhead, nullptr, 3000};
      }
      continue;
    }
    // The simulator's price of a trip through the scheduler, paid while gp
    // is already _Grunning on this P (so its stretch on the timeline has a
    // width, and what it does happens at the end of it). Free on real threads.
    co_await MWait{pl, mp, WaitKind::Overhead};

    // Go: gogo, then whatever the G asks for when it gives the M back.
    for (bool running = true; running;) {
      if (gp->cpuLeft > 0) {
        // The rest of a cpu burst a preemption cut short (simulator only).
        gp->call.ns = std::exchange(gp->cpuLeft, 0);
        gp->handoff = Handoff::Cpu;
      } else if (gp->retryStopTheWorld) {
        // It waited for another stop-the-world to end: ask again.
        gp->retryStopTheWorld = false;
        gp->handoff = Handoff::StopTheWorld;
      } else {
        // The GC scans a stack only while its G is not running: wait for a
        // scan in progress, or scan it now (gc/stackscan.cpp). One relaxed
        // load when no GC is marking.
        if (rt->gcStackBarrier.load(std::memory_order_relaxed)) [[unlikely]]
          rt->gcBeforeResume(rt->gcState, gp);
        gp->handoff = Handoff::None;
        gp->top.resume();
      }
      switch (gp->handoff) {
        case Handoff::Call:
        case Handoff::Return:
          break;  // trampoline: resume the frame that is now on top
        case Handoff::Park:
          running = park_m(mp, gp);
          break;
        case Handoff::Gosched:
          goschedImpl(mp, gp, false, trace::GoReason::Gosched);
          running = false;
          break;
        case Handoff::Preempt:
          rt->stats.preemptions.fetch_add(1, std::memory_order_relaxed);
          goschedImpl(mp, gp, true, trace::GoReason::Preempt);
          running = false;
          break;
        case Handoff::Exit:
          goexit0(mp, gp);
          running = false;
          break;
        case Handoff::Syscall:
        case Handoff::SyscallBlock:
          rt->stats.syscalls.fetch_add(1, std::memory_order_relaxed);
          if (gp->handoff == Handoff::SyscallBlock) entersyscallblock(mp, gp);
          else entersyscall(mp, gp);
          co_await MWait{pl, mp, WaitKind::Syscall, nullptr, 0, gp};
          // exitsyscall: true if gp keeps running here; else it was queued
          // and this M has no P (the loop's top stops it).
          running = exitsyscall(mp, gp);
          break;
        case Handoff::Cpu: {
          const int64_t left = co_await MWait{pl, mp, WaitKind::Compute, nullptr, gp->call.ns, gp};
          if (left > 0) {
            // Asynchronously preempted in the middle of the burst (Go:
            // asyncPreempt -> gopreempt_m): the rest waits for its next turn.
            gp->cpuLeft = left;
            rt->stats.preemptions.fetch_add(1, std::memory_order_relaxed);
            goschedImpl(mp, gp, true, trace::GoReason::AsyncPreempt);
            running = false;
          }
          break;
        }
        case Handoff::StopTheWorld: {
          // Go: stopTheWorldGC, the caller's work, startTheWorldGC.
          if (!acquireWorldsema(mp, gp)) {
            running = false;  // parked until the stop-the-world in progress ends
            break;
          }
          const int64_t stwStart = pl->nanotime();
          traceEvent(rt, mp, trace::EvType::STWStart, gp->goid, pid(mp->p), -1, gp->call.stwReason);
          if (stopTheWorldBegin(mp)) {
            for (;;) {
              // Wait for 100us, then try to re-preempt in case of any races.
              if (co_await MWait{pl, mp, WaitKind::NoteTimeout, &rt->sched.stopnote, 100 * 1000}) {
                pl->noteclear(&rt->sched.stopnote);
                break;
              }
              if (rt->exiting.load()) break;  // Ms are leaving instead of stopping
              std::lock_guard lock(rt->sched.lock);
              preemptall(rt);
            }
          }
          // If the run ended while the world was stopping, the G just goes
          // on: it stops at its next safe point like every other.
          if (rt->exiting.load()) {
            // Nobody restarts the world: Ms are leaving. This P stays ours
            // until mstart's end gives it back.
            mp->p->status.store(Pstatus::Running, std::memory_order_release);
            releaseWorldsema(mp);
            break;
          }
          stopTheWorldDone(rt);
          gp->call.ns = 0;
          if (gp->call.fn) gp->call.fn(gp->call.arg);
          // What the work costs in virtual time (the simulator's pause):
          // exactly that long (a Compute wait, not the jittered Overhead),
          // since the GC accounts its pauses with it.
          if (gp->call.ns > 0) co_await MWait{pl, mp, WaitKind::Compute, nullptr, gp->call.ns};
          startTheWorld(mp, static_cast<int32_t>(gp->call.n));
          traceEvent(rt, mp, trace::EvType::STWDone, gp->goid, pid(mp->p), -1, gp->call.stwReason);
          if (gp->call.stwReason != int32_t(trace::StwReason::GCSweepTerm) &&
              gp->call.stwReason != int32_t(trace::StwReason::GCMarkTerm))
            rt->sched.stwTotalTimeOther.record(pl->nanotime() - stwStart);
          releaseWorldsema(mp);
          break;
        }
        case Handoff::None:
          throwFatal("goroutine suspended without telling its M why");
      }
    }
  }
  // The run is over: give the P back so the runtime can tear it down.
  if (mp->p) releasep(mp);
  // release: main's goroutineReturning sees everything this M did.
  rt->runningMs.fetch_sub(1, std::memory_order_release);
}

// Go: runtime/proc.go checkdead. Called with sched.lock held whenever an M
// goes idle: if no M is running and no timer is pending, no goroutine can
// ever be woken again.
void checkdead(Runtime* rt) {
  if (rt->exiting.load()) return;
  int64_t run = mcount(rt) - rt->sched.nmidle - rt->sched.nmidlelocked - rt->sched.nmsys;
  if (run > 0) return;
  if (run < 0) throwFatal("checkdead: inconsistent counts");
  // A pending timer will wake the program: nothing is dead. Go looks at the
  // timers last, after walking every goroutine, but never gets here while
  // timers are pending: its M waiting for the next timer sits in
  // netpoll(delay), counted as running. The lab's waits in midle (see
  // mstart), so without this the walk over allgs would run each time the
  // last M goes idle — 500 000 goroutines' worth in `run timers --size 500000`.
  for (P* pp : rt->allp)
    if (hasTimers(pp)) return;
  int grunning = 0;
  {
    std::lock_guard<std::mutex> lock(rt->allgLock);
    for (G* gp = rt->allgs; gp; gp = gp->alllink) {
      // The runtime's own goroutines (parked mark workers, forcegc) cannot
      // keep a program alive: Go skips them here too.
      if (isSystemGoroutine(gp)) continue;
      switch (readgstatus(gp)) {
        case Gstatus::Waiting:
        case Gstatus::Preempted:
          grunning++;
          break;
        case Gstatus::Runnable:
        case Gstatus::Running:
        case Gstatus::Syscall:
          throwFatal(("checkdead: runnable g " + std::to_string(gp->goid)).c_str());
        default:
          break;
      }
    }
  }
  if (grunning == 0) {  // possible if main goroutine calls runtime.Goexit()
    rt->requestExit(RunStatus::Fatal, "no goroutines (main called runtime.Goexit) - deadlock!");
    return;
  }
  // (Go: "There are no goroutines running, so we can look at the P's"
  // timers — done first, above.)
  rt->requestExit(RunStatus::Fatal, "all goroutines are asleep - deadlock!");
}

}  // namespace rt
