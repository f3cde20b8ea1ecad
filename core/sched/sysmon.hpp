// sysmon: the system monitor, a thread without a P that watches the others.
//
// Go: runtime/proc.go sysmon / retake. It sleeps 20 µs at first, doubling
// after 1 ms of finding nothing to do, up to 10 ms; each round it
//   - retakes Ps from goroutines blocked in system calls for more than one
//     tick, when there is other work (retake -> handoffp);
//   - asks goroutines that have run for more than 10 ms to yield
//     (forcePreemptNS -> preemptone);
//   - prints GODEBUG=schedtrace lines when they are due.
#pragma once

#include <cstdint>

#include "platform/platform.hpp"
#include "sched/m.hpp"

namespace rt {

class Runtime;

// The body of sysmon's M (a coroutine: see platform.hpp).
MTask sysmon(M* mp);

// Go: runtime/proc.go retake. Returns how many Ps it took from syscalls.
uint32_t retake(Runtime* rt, int64_t now);

}  // namespace rt
