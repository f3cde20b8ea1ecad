// The scheduler's internal entry points (Go: runtime/proc.go). Learners:
// read proc.cpp from the top; this header only lists what other files call.
#pragma once

#include <cstdint>
#include <optional>

#include "platform/platform.hpp"
#include "sched/g.hpp"
#include "sched/m.hpp"
#include "sched/p.hpp"

namespace rt {

class Runtime;

// The thread function of every M (Go: mstart -> mstart1 -> schedule).
MTask mstart(M* mp);

// Creating and finishing goroutines.
G* newproc1(Runtime* rt, coro::coroutine_handle<> fn, P* pp, uint64_t parentGoid, const char* name);
// The new G's priority is the creator's unless one is given (priority.hpp; not Go).
void newproc(Runtime* rt, coro::coroutine_handle<> fn, const char* name, const char* createdBy = nullptr,
             std::optional<Priority> priority = std::nullopt);
// Go: runtime/proc.go gcount — user goroutines that exist and have not
// exited: the runtime's own (isSystemGoroutine: the GC's workers, sweeper
// and forcegc helper) do not count. Go subtracts free-list lengths from
// allglen; the lab walks allgs under allgLock, so any thread may ask.
int gcount(Runtime* rt);

// Go: gopark — called from an awaitable's await_suspend: the G suspends, and
// its M runs unlockf(gp, lock) once the G is in _Gwaiting. unlockf returning
// false resumes the G at once.
void gopark(bool (*unlockf)(G*, void*), void* lock, WaitReason reason);
// Go: goready — called with a P (from a running G): gp becomes runnable in
// this P's runnext.
void goready(G* gp);

// Go: stealWork (steal.cpp) — a spinning M looks at every other P, four
// times, for Gs (and, the last time, timers and runnext) to take. Returns a
// G to run on mp's P, or nullptr; *newWork is set when there may be new work
// elsewhere (timers ran, or the world is stopping) and findRunnable should
// start over.
G* stealWork(M* mp, bool* inheritTime, bool* newWork);

// Go: wakep / startm / handoffp / acquirep / releasep.
void wakep(Runtime* rt);
bool startm(Runtime* rt, P* pp, bool spinning);
void handoffp(Runtime* rt, P* pp);
void acquirep(M* mp, P* pp);
P* releasep(M* mp);

// Go: pidleput / pidleget / mput / mget — callers hold sched.lock.
void pidleput(Runtime* rt, P* pp);
P* pidleget(Runtime* rt);
P* pidlegetSpinning(Runtime* rt);
// Takes one particular M off sched.midle (sched.lock held); false if absent.
bool mremove(Runtime* rt, M* mp);

// Go: checkdead — with sched.lock held, ends the run if no M can make progress.
void checkdead(Runtime* rt);

// Go: gfput / gfget.
void gfput(P* pp, G* gp);
G* gfget(P* pp);

}  // namespace rt
