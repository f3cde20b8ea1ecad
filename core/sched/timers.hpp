// Timers: each P keeps a min-heap of the goroutines sleeping on it.
//
// Go: runtime/time.go. time.Sleep puts a timer on the current P's heap and
// parks the goroutine; whoever next schedules on that P (findRunnable ->
// checkTimers), or a thief in stealWork's last round, runs the timers that are
// due, which readies their goroutines. An M with nothing to do sleeps until
// the earliest timer of all Ps — Go does that inside netpoll(delay); the lab,
// which has no netpoller, does it on the M's note with a timeout.
#pragma once

#include <cstdint>

#include "sched/m.hpp"
#include "sched/p.hpp"

namespace rt {

class Runtime;

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
