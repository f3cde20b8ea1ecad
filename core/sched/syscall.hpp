// System calls: what happens to a P while its M is blocked in the kernel.
//
// Go: runtime/proc.go entersyscall / exitsyscall / entersyscallblock.
// A goroutine about to block in a system call keeps its P but marks it
// _Psyscall: if the call is quick, exitsyscall takes the P back at the cost
// of one CAS (the fast path). If the call takes longer than a sysmon tick,
// sysmon retakes the P (_Psyscall -> _Pidle) and hands it to another M, so
// the other goroutines keep running. A goroutine that knows its call will
// block (entersyscallblock) hands the P off at once.
//
// On the way back, exitsyscall first tries the old P, then any idle P; with
// none, the goroutine goes to the global queue and its M stops.
#pragma once

#include "sched/g.hpp"
#include "sched/m.hpp"

namespace rt {

// Go: runtime/proc.go entersyscall / entersyscallblock / exitsyscall. The
// call itself is an MWait in mstart, between them. exitsyscall returns true
// if gp then continues on mp (with a P), false if gp was queued and mp has
// no P.
void entersyscall(M* mp, G* gp);
void entersyscallblock(M* mp, G* gp);
bool exitsyscall(M* mp, G* gp);

}  // namespace rt
