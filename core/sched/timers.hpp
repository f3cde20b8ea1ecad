// Timers: each P keeps a min-heap of timers: goroutines sleeping on it, and
// timers with a function (package time's Timer and Ticker, time.hpp).
//
// Go: runtime/time.go. time.Sleep puts a timer on the current P's heap and
// parks the goroutine; whoever next schedules on that P (findRunnable ->
// checkTimers), or a thief in stealWork's last round, runs the timers that are
// due, which readies their goroutines — or, for a runtimeTimer, calls its
// function (time.Timer's sendTime) and re-arms it if it is periodic. An M
// with nothing to do sleeps until the earliest timer of all Ps — Go does
// that inside netpoll(delay); the lab, which has no netpoller, does it on
// the M's note with a timeout.
#pragma once

#include <atomic>
#include <cstdint>

#include "sched/m.hpp"
#include "sched/p.hpp"

namespace rt {

class Runtime;

// Go: runtime/time.go timer status values, the three the lab needs. Go also
// has timerDeleted, timerModifiedEarlier/Later, timerMoving...: it marks a
// stopped or reset timer and lets the P that owns the heap fix the heap up
// later, so that no P ever takes another's timers lock for a Stop. The lab
// takes that lock and removes the timer at once (from its heapIndex, in
// O(log n)), which needs only these.
enum : uint32_t {
  timerNoStatus = 0,  // in no heap
  timerWaiting = 1,   // in pp's heap
  timerRunning = 2,   // taken from the heap; its function is running
};

// Go: runtime/time.go timer (time.runtimeTimer in package time): a
// timer with a function, run by whichever M runs its P's due timers.
struct runtimeTimer {
  // The P whose heap holds it, nullptr while in none. Written under that
  // P's timersLock; read without it by deltimer, which then takes the lock.
  std::atomic<P*> pp{nullptr};
  int64_t when = 0;
  int64_t period = 0;                             // > 0: fires every period
  void (*f)(void* arg, uintptr_t seq) = nullptr;  // called with no lock held
  void* arg = nullptr;
  uintptr_t seq = 0;
  std::atomic<uint32_t> status{timerNoStatus};
  // Lab only: its place in pp's heap while timerWaiting, kept by the sifts
  // under pp's timersLock, so that deltimer removes it in O(log n).
  size_t heapIndex = 0;
};

// Go: runtime/time.go maxWhen — the latest time a timer can fire.
inline constexpr int64_t maxWhen = INT64_MAX;

// Go: runtime/time.go addtimer — t (timerNoStatus) goes on the current P's
// heap at t->when. From a goroutine.
void addtimer(runtimeTimer* t);
// Go: runtime/time.go deltimer — takes t off its heap; true if it was there
// (stopped before it ran). If its function is running on another M, waits
// for it to return, so that t may be freed afterwards.
bool deltimer(runtimeTimer* t);
// Go: runtime/time.go modtimer — re-arms t at `when` with `period`, on the
// current P (Go keeps a pending timer on its P; where it sits is not
// visible). Returns whether it was pending. From a goroutine.
bool modtimer(runtimeTimer* t, int64_t when, int64_t period);
// Go: runtime/time.go moveTimers — procresize gives a destroyed P's timers
// to `to` (the world stopped; the caller re-heapifies `to`).
void moveTimers(P* to, P* from);
// Rebuilds pp's heap after moveTimers (pp->timersLock held).
void heapifyTimers(P* pp);

// Go: runtime/time.go addtimer — gp wakes at `when` (called by park_m's
// unlock function, once gp is parked; see Sleep in api.hpp).
void addtimer(P* pp, int64_t when, G* gp);

// Go: runtime/proc.go checkTimers — runs pp's due timers from M mp (with a P).
void checkTimers(M* mp, P* pp);
// Same, for another P's timers (stealWork); true if any ran.
bool runTimersOf(M* mp, P* p2);

bool hasTimers(const P* pp);
// Whether any P has a timer (sched.lock held, or allp otherwise stable).
bool anyTimers(Runtime* rt);
// Go: runtime/time.go (*timers).wakeTime — earliest `when` on pp, 0 if none.
int64_t timersWakeTime(const P* pp);

// Go: runtime/proc.go wakeNetPoller — a timer at `when` was added: make sure
// some M will wake up for it.
void wakeNetPoller(Runtime* rt, int64_t when);

// An idle M's sleep (the tail of stopm, in mstart): until startm hands it a
// P, or, for the one M that waits for timers (Go's netpoll(delay) caller),
// until the earliest timer is due. It is a loop of waits, written as a pair:
//   idleWaitBegin  decides how to wait: 0 for a plain sleep on m.park, else
//                  the time to wake at, as the timer poller;
//   idleWaitEnd    decides, after the wait, whether we are done (nextp set,
//                  or the run is over), must wait again, or must first
//                  sleep once more for a wakeup that is on its way.
enum class IdleNext { Done, Again, SleepThenDone };
int64_t idleWaitBegin(M* mp, bool leaveTimersToOthers);
IdleNext idleWaitEnd(M* mp, int64_t until, bool woken, bool* leaveTimersToOthers);

}  // namespace rt
