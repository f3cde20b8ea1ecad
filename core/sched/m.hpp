// M: a machine — an OS thread (a Web Worker under wasm) that runs goroutines.
//
// An M runs Go code only while it holds a P. Without one it is either idle
// (parked on its note in sched.midle), spinning (looking for work to steal),
// blocked in a system call, or sysmon. Ms are created on demand (startm ->
// newm) and never destroyed while the runtime runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "sched/g.hpp"
#include "trace/event.hpp"
#include "util/relaxed.hpp"

namespace rt {

class Runtime;
struct P;

// Go: runtime/runtime2.go note — a one-shot wakeup: notewakeup before or
// after notesleep wakes the sleeper exactly once; noteclear rearms it.
// How a sleeper waits is the platform's business (a futex natively,
// Atomics.wait in a wasm worker, an event in the simulator).
struct Note {
  // release on wakeup / acquire on sleep: the sleeper sees everything the
  // waker wrote before notewakeup (e.g. m.nextp in startm).
  std::atomic<uint32_t> key{0};
  // The simulator's thread sleeping on this note, if any (unused on real
  // threads, where the futex keeps its own list).
  void* simWaiter = nullptr;
};

struct M {
  int64_t id = 0;
  Runtime* rt = nullptr;

  // Go: m.curg — the G running on this M. Written only by the M itself;
  // read by sysmon (preemptone) and schedtrace, which then touch the G: the
  // M stores with release (execute), they load with acquire.
  std::atomic<G*> curg{nullptr};
  // Go: m.p — the attached P (nullptr when idle or in a syscall). Fields
  // marked Relaxed are written by the M and read racily by schedtrace.
  util::Relaxed<P*> p = nullptr;
  P* nextp = nullptr;    // Go: m.nextp — the P to acquire when woken by startm
  P* oldp = nullptr;     // Go: m.oldp — the P held before entersyscall
  // Go: m.spinning. Written by the M itself; the shared count is
  // sched.nmspinning, this copy is only read by schedtrace.
  util::Relaxed<bool> spinning = false;
  util::Relaxed<bool> blocked = false;  // Go: m.blocked — parked on its note
  uint32_t syscalltick = 0;  // Go: m.syscalltick — the P's syscalltick at entersyscall
  bool isSysmon = false;
  // Set by runqgrab on the simulator: back off 3 µs before stealing a
  // running P's runnext (see Platform::backoffForVictim).
  bool stealBackoff = false;
  Note park;             // Go: m.park
  M* schedlink = nullptr;  // Go: m.schedlink — next on sched.midle
  M* alllink = nullptr;    // Go: allm

  // Go: m.waitunlockf / m.waitlock — what park_m runs after the G is parked.
  bool (*waitunlockf)(G*, void*) = nullptr;
  void* waitlock = nullptr;

  // Go: m.cheaprand — per-M random state for steal order and runnext jitter.
  // The simulator seeds it from the run's seed, so choices replay exactly.
  uint64_t cheaprand = 0;

  void* osThread = nullptr;  // the platform's thread handle
  std::vector<trace::Event> traceBuf;  // this M's trace events (when traced)
};

// The M this thread is, or nullptr (Go: getg().m). Inline, on a constinit
// thread_local: every status change and every safe point asks, and a
// constant-initialized thread_local is one load, with no wrapper call.
namespace detail {
extern constinit thread_local M* tlsM;
}
inline M* getm() { return detail::tlsM; }
inline void setm(M* mp) { detail::tlsM = mp; }

// Go: runtime/rand.go cheaprand — wyrand, a fast non-cryptographic PRNG.
uint32_t cheaprand(M* mp);

}  // namespace rt
