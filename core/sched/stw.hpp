// Stopping the world, and GOMAXPROCS.
//
// Go: runtime/proc.go stopTheWorldWithSema / startTheWorldWithSema /
// procresize. To change GOMAXPROCS (and, in later chapters, to start and end a
// GC cycle) the runtime stops every P: it sets sched.gcwaiting, asks running
// goroutines to yield (preemptall), takes Ps that sit in syscalls or idle, and
// waits for the rest to stop at their next safe point (gcstopm). Then it
// resizes allp and restarts the Ps that have work.
#pragma once

#include <cstdint>

#include "sched/m.hpp"
#include "sched/p.hpp"

namespace rt {

class Runtime;

// Go: runtime/proc.go stopTheWorldWithSema / startTheWorldWithSema. Called
// by a goroutine's M, which keeps its P (in _Pgcstop) throughout. The wait
// in between is in mstart (an M's waits live in its coroutine body); if the
// run ends while it waits (an M that exits never stops its P), the caller
// gives up and must not restart the world.
bool stopTheWorldBegin(M* mp);
void stopTheWorldDone(Runtime* rt);
void startTheWorld(M* mp, int32_t newprocs);

// Go: semacquire(&worldsema) / semrelease(&worldsema), by the M on behalf
// of its G. acquire returns false if another stop-the-world is in progress:
// gp is then parked ("stopping the world") and repeats its request when
// release readies it.
bool acquireWorldsema(M* mp, G* gp);
void releaseWorldsema(M* mp);

// Go: runtime/proc.go gcstopm — an M noticed gcwaiting: give up the P.
void gcstopm(M* mp);

// Go: runtime/proc.go procresize. sched.lock held, world stopped (or not yet
// started). Returns the list (through P::link) of Ps with local work that
// need an M.
P* procresize(Runtime* rt, M* mp, int32_t nprocs);

// Go: runtime/proc.go preemptone / preemptall.
bool preemptone(Runtime* rt, P* pp);
void preemptall(Runtime* rt);

}  // namespace rt
