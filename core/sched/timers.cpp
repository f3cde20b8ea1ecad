#include "sched/timers.hpp"

#include <algorithm>
#include <thread>

#include "runtime/throw.hpp"

#include "sched/proc.hpp"
#include "sched/runtime.hpp"
#include "sched/traceev.hpp"

namespace rt {

namespace {

// Go: runtime/time.go keeps each P's timers in a 4-ary min-heap by `when`
// (siftupTimer, siftdownTimer): a shallower tree than a binary heap, so a
// sift touches fewer cache lines. The lab orders by (when, seq): equal
// deadlines fire in the order they were added, so that a simulator run
// does not depend on the heap's shape. It also keeps each runtimeTimer's
// place in the heap (heapIndex), so that deltimer can take it out in
// O(log n) (see there).
bool before(const Timer& a, const Timer& b) { return a.when != b.when ? a.when < b.when : a.seq < b.seq; }

void place(std::vector<Timer>& h, size_t i, const Timer& e) {
  h[i] = e;
  if (e.t) e.t->heapIndex = i;
}

// Go: runtime/time.go siftupTimer
void siftupTimer(std::vector<Timer>& h, size_t i) {
  const Timer tmp = h[i];
  while (i > 0) {
    const size_t p = (i - 1) / 4;  // parent
    if (!before(tmp, h[p])) break;
    place(h, i, h[p]);
    i = p;
  }
  place(h, i, tmp);
}

// Go: runtime/time.go siftdownTimer
void siftdownTimer(std::vector<Timer>& h, size_t i) {
  const size_t n = h.size();
  const Timer tmp = h[i];
  for (;;) {
    size_t c = i * 4 + 1;  // left child
    size_t c3 = c + 2;     // mid child
    if (c >= n) break;
    if (c + 1 < n && before(h[c + 1], h[c])) c++;
    if (c3 < n) {
      if (c3 + 1 < n && before(h[c3 + 1], h[c3])) c3++;
      if (before(h[c3], h[c])) c = c3;
    }
    if (!before(h[c], tmp)) break;
    place(h, i, h[c]);
    i = c;
  }
  place(h, i, tmp);
}

// Takes entry i out of the heap (Go: dodeltimer, which removes t[i] the same way).
Timer removeAt(std::vector<Timer>& h, size_t i) {
  const Timer e = h[i];
  const size_t last = h.size() - 1;
  if (i != last) place(h, i, h[last]);
  h.pop_back();
  if (i != last) {
    // The moved entry may belong above or below its new place.
    if (i > 0 && before(h[i], h[(i - 1) / 4])) siftupTimer(h, i);
    else siftdownTimer(h, i);
  }
  return e;
}

void updateTimer0When(P* pp) {
  pp->timer0When.store(pp->timers.empty() ? 0 : pp->timers.front().when, std::memory_order_relaxed);
}

void pushTimer(P* pp, Timer e) {
  pp->timers.push_back(e);
  siftupTimer(pp->timers, pp->timers.size() - 1);
}

// Pops every due timer of pp (pp->timersLock held) into `due`. A
// runtimeTimer becomes timerRunning; a periodic one goes back on the heap at
// its next time (Go: runOneTimer, before it calls f).
int takeDue(P* pp, int64_t now, Timer* due, int max) {
  int n = 0;
  while (n < max && !pp->timers.empty() && pp->timers.front().when <= now) {
    due[n++] = removeAt(pp->timers, 0);
    if (runtimeTimer* t = due[n - 1].t) {
      t->status.store(timerRunning, std::memory_order_release);
      if (t->period > 0) {
        // Leave in heap but adjust next time to fire.
        int64_t delta = t->when - now;
        t->when += t->period * (1 + -delta / t->period);
        if (t->when < 0) t->when = maxWhen;  // check for overflow
        pushTimer(pp, Timer{t->when, pp->timerSeq++, nullptr, t});
      } else {
        t->pp.store(nullptr, std::memory_order_release);  // after the status: see deltimer
      }
    }
  }
  updateTimer0When(pp);
  return n;
}

// Go: runtime/time.go runtimer / runOneTimer / goroutineReady. A sleeping G
// becomes runnable on mp's P (the P running the timers, not necessarily its
// own); a runtimeTimer's function runs here, with no lock held, as in Go.
bool runDue(M* mp, P* from) {
  const int64_t now = mp->rt->platform->nanotime();
  bool ran = false;
  for (;;) {
    Timer due[16];
    int n;
    {
      std::lock_guard<std::mutex> lock(from->timersLock);
      n = takeDue(from, now, due, 16);
    }
    for (int i = 0; i < n; i++) {
      if (runtimeTimer* t = due[i].t) {
        // (No TimerFire event: it names the goroutine a timer readies. A
        // receiver that sendTime readies is traced as goready traces it.)
        t->f(t->arg, t->seq);
        // Done: deltimer may take it now (a periodic one is on the heap again).
        t->status.store(t->period > 0 ? timerWaiting : timerNoStatus, std::memory_order_release);
        continue;
      }
      traceEvent(mp->rt, mp, trace::EvType::TimerFire, due[i].g->goid, pid(mp->p));
      goready(due[i].g);
    }
    ran = ran || n > 0;
    if (n < 16) return ran;
  }
}

int64_t earliestTimer(Runtime* rt) {
  int64_t when = 0;
  for (P* pp : rt->allp) {
    int64_t w = pp->timer0When.load(std::memory_order_relaxed);
    if (w != 0 && (when == 0 || w < when)) when = w;
  }
  return when;
}

}  // namespace

// Go: runtime/time.go addtimer / doaddtimer
void addtimer(P* pp, int64_t when, G* gp) {
  {
    std::lock_guard<std::mutex> lock(pp->timersLock);
    pushTimer(pp, Timer{when, pp->timerSeq++, gp, nullptr});
    updateTimer0When(pp);
  }
  wakeNetPoller(pp->rt, when);
}

// Go: runtime/time.go addtimer / doaddtimer
void addtimer(runtimeTimer* t) {
  // when must be positive. A negative value will cause runtimer to overflow
  // during its delta calculation and never expire other runtime timers.
  if (t->when < 0) t->when = maxWhen;
  if (t->status.load(std::memory_order_relaxed) != timerNoStatus) throwFatal("addtimer called with initialized timer");
  P* pp = getm()->p;
  const int64_t when = t->when;
  {
    std::lock_guard<std::mutex> lock(pp->timersLock);
    t->status.store(timerWaiting, std::memory_order_relaxed);
    t->pp.store(pp, std::memory_order_relaxed);
    pushTimer(pp, Timer{when, pp->timerSeq++, nullptr, t});
    updateTimer0When(pp);
  }
  wakeNetPoller(pp->rt, when);
}

// Go: runtime/time.go deltimer (and dodeltimer)
bool deltimer(runtimeTimer* t) {
  for (;;) {
    P* pp = t->pp.load(std::memory_order_acquire);
    if (!pp) {
      // In no heap. takeDue clears pp after setting timerRunning: if its
      // function is still running, wait for it (Go: "The timer is being run
      // ... by a different P. Wait for it to complete.").
      if (t->status.load(std::memory_order_acquire) != timerRunning) return false;
      std::this_thread::yield();  // Go: osyield
      continue;
    }
    std::unique_lock<std::mutex> lock(pp->timersLock);
    if (t->pp.load(std::memory_order_relaxed) != pp) continue;  // moved or run meanwhile: look again
    if (t->status.load(std::memory_order_acquire) == timerRunning) {
      lock.unlock();  // a periodic timer's function is running: wait for it
      std::this_thread::yield();
      continue;
    }
    // Go marks the timer timerDeleted and leaves it in the heap for the P
    // that owns it to clean up later (cleantimers, adjusttimers), so that a
    // Stop never takes another P's lock. The lab takes the lock and removes
    // it at once, from the place the sifts keep in heapIndex: O(log n).
    const size_t i = t->heapIndex;
    if (i >= pp->timers.size() || pp->timers[i].t != t) throwFatal("deltimer: timer not in its P's heap");
    removeAt(pp->timers, i);
    updateTimer0When(pp);
    t->pp.store(nullptr, std::memory_order_relaxed);
    t->status.store(timerNoStatus, std::memory_order_relaxed);
    return true;
  }
}

// Go: runtime/time.go modtimer
bool modtimer(runtimeTimer* t, int64_t when, int64_t period) {
  const bool pending = deltimer(t);
  t->when = when;
  t->period = period;
  addtimer(t);
  return pending;
}

// Go: runtime/time.go moveTimers
void moveTimers(P* to, P* from) {
  std::lock_guard<std::mutex> lock(from->timersLock);
  {
    std::lock_guard<std::mutex> lock2(to->timersLock);
    for (const Timer& e : from->timers) {
      to->timers.push_back(Timer{e.when, to->timerSeq++, e.g, e.t});
      if (e.t) e.t->pp.store(to, std::memory_order_relaxed);
    }
  }
  from->timers.clear();
  from->timer0When.store(0, std::memory_order_relaxed);
}

// After moveTimers appended a destroyed P's timers (Go's moveTimers adds
// them one by one with doaddtimer, each sifted up), the lab rebuilds the
// heap once: every inner entry sifted down, from the last parent up
// (pp->timersLock held).
void heapifyTimers(P* pp) {
  std::vector<Timer>& h = pp->timers;
  for (size_t i = 0; i < h.size(); i++) place(h, i, h[i]);
  for (size_t i = h.size() / 4 + 1; i-- > 0;)
    if (i < h.size()) siftdownTimer(h, i);
  updateTimer0When(pp);
}

bool hasTimers(const P* pp) { return pp->timer0When.load(std::memory_order_relaxed) != 0; }

bool anyTimers(Runtime* rt) { return earliestTimer(rt) != 0; }

int64_t timersWakeTime(const P* pp) { return pp->timer0When.load(std::memory_order_relaxed); }

// Go: runtime/proc.go checkTimers
void checkTimers(M* mp, P* pp) {
  int64_t next = pp->timer0When.load(std::memory_order_relaxed);
  if (next == 0 || next > mp->rt->platform->nanotime()) return;  // nothing due: no lock
  runDue(mp, pp);
}

bool runTimersOf(M* mp, P* p2) {
  int64_t next = p2->timer0When.load(std::memory_order_relaxed);
  if (next == 0 || next > mp->rt->platform->nanotime()) return false;
  return runDue(mp, p2);
}

// Go: runtime/proc.go wakeNetPoller
void wakeNetPoller(Runtime* rt, int64_t when) {
  if (rt->sched.lastpoll.load() == 0) {
    // An M is waiting for timers. If it would sleep past `when`, wake it
    // so it recomputes (Go: netpollBreak).
    std::lock_guard lock(rt->sched.lock);
    int64_t until = rt->sched.pollUntil.load();
    if (rt->sched.poller && (until == 0 || until > when)) rt->platform->notewakeup(&rt->sched.poller->park);
  } else {
    wakep(rt);
  }
}

int64_t idleWaitBegin(M* mp, bool leaveTimersToOthers) {
  Runtime* rt = mp->rt;
  std::lock_guard lock(rt->sched.lock);
  int64_t until;
  if (!leaveTimersToOthers && !mp->nextp && !rt->exiting.load() && rt->sched.lastpoll.load() != 0 &&
      (until = earliestTimer(rt)) != 0) {
    rt->sched.lastpoll.store(0);
    rt->sched.pollUntil.store(until);
    rt->sched.poller = mp;
    return until;
  }
  return 0;  // a plain idle M: sleep until startm (or the end of the run) wakes us
}

IdleNext idleWaitEnd(M* mp, int64_t until, bool woken, bool* leaveTimersToOthers) {
  Runtime* rt = mp->rt;
  Platform* pl = rt->platform;
  if (until == 0) {
    pl->noteclear(&mp->park);
    // Decide under the lock: startm sets nextp under it, and a stale wakeup
    // (one meant for the timer poller) may have woken us just before
    // startm's, whose key our noteclear may then have erased.
    std::lock_guard lock(rt->sched.lock);
    return mp->nextp || rt->exiting.load() ? IdleNext::Done : IdleNext::Again;
  }
  std::lock_guard lock(rt->sched.lock);
  rt->sched.poller = nullptr;
  rt->sched.pollUntil.store(0);
  rt->sched.lastpoll.store(pl->nanotime());
  if (woken) {
    pl->noteclear(&mp->park);
    // Handed a P or the end of the run; else an earlier timer arrived
    // (netpollBreak): recompute.
    return mp->nextp || rt->exiting.load() ? IdleNext::Done : IdleNext::Again;
  }
  // startm handed us a P just as we timed out: its wakeup is on its way.
  if (mp->nextp || rt->exiting.load()) return IdleNext::SleepThenDone;
  // A timer is due. Like Go after netpoll returns: take an idle P and go
  // back to findRunnable, which runs the timers.
  if (P* pp = pidleget(rt)) {
    mremove(rt, mp);
    mp->nextp = pp;
    return IdleNext::Done;
  }
  // Every P is busy: their Ms run the timers in findRunnable, and the next M
  // to go idle takes over the waiting; this one just sleeps (else it would
  // spin on a deadline that has already passed).
  *leaveTimersToOthers = true;
  return IdleNext::Again;
}

}  // namespace rt
