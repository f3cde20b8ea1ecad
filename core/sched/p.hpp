// P: a processor, the right to run Go code.
//
// GOMAXPROCS Ps exist. An M must hold a P to run goroutines; the P carries
// everything a running M needs without locks: the local run queue (a 256-slot
// ring plus runnext), caches of dead Gs and of coroutine frames, goid batches,
// and (later chapters) an mcache and GC work buffers. When an M blocks in a
// system call its P can be handed to another M (handoffp), which is why these
// caches live on the P and not on the M.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "sched/framecache.hpp"
#include "sched/g.hpp"

namespace rt {

class Runtime;
struct M;

struct runtimeTimer;

// An entry of a P's timer heap (Go: runtime/time.go timer, in p.timers):
// either a sleeping goroutine to wake (time.Sleep), or a timer with a
// function (package time's Timer and Ticker; see timers.hpp).
struct Timer {
  int64_t when = 0;
  uint64_t seq = 0;
  G* g = nullptr;
  runtimeTimer* t = nullptr;
};

// Go: runtime/runtime2.go _Pidle.._Pdead (Go 1.19 numbering, which still has
// a live _Psyscall; tip keeps the number but no longer uses the state).
enum class Pstatus : uint32_t {
  Idle = 0,     // _Pidle: on the idle list, run queue empty
  Running = 1,  // _Prunning: owned by an M running user code or the scheduler
  Syscall = 2,  // _Psyscall: its M is in a system call; sysmon may retake it
  Gcstop = 3,   // _Pgcstop: halted for stop-the-world
  Dead = 4,     // _Pdead: no longer used (GOMAXPROCS shrank)
};

// Go: runtime/runtime2.go p.runq — 256 slots.
inline constexpr uint32_t kRunqSize = 256;

struct P {
  int32_t id = 0;
  Runtime* rt = nullptr;

  // Go: p.status. CASed by sysmon (retake: _Psyscall -> _Pidle) and by
  // stop-the-world (-> _Pgcstop) against the owner's exitsyscall; acq_rel CAS
  // and acquire loads make the winner see the P's state as the loser left it.
  std::atomic<Pstatus> status{Pstatus::Gcstop};
  P* link = nullptr;   // Go: p.link — next on sched.pidle
  // Go: p.limiterEvent, for limiterEventIdle — when the P went on the idle
  // list (-1: it is not idle). The GC CPU limiter (core/gc/limiter.hpp)
  // leaves idle time out of its window: it restarts the stretch at each
  // update, and pidleget adds the rest to Sched::idleTimePool. Relaxed
  // everywhere: it publishes no other data, and the exchange/CAS pair alone
  // keeps a stretch from being counted twice.
  std::atomic<int64_t> idleSince{-1};
  // Go: p.m — the M that owns this P. Read racily by runqgrab and sysmon.
  std::atomic<M*> m{nullptr};

  // Go: p.schedtick / p.syscalltick: bumped by the owner, sampled by sysmon
  // to notice a G that has run (or a syscall that has lasted) too long.
  // relaxed: sysmon only compares successive samples; staleness delays a
  // preemption by one sysmon round, as it can in Go.
  util::Relaxed<uint32_t> schedtick = 0;
  std::atomic<uint32_t> syscalltick{0};
  // NOT GO: the time slice the running G started (priority.hpp's
  // SchedPolicy::Slice); 0 means Go's forcePreemptNS. Relaxed: sysmon's
  // read may be a round late, as with schedtick.
  std::atomic<int64_t> timeSlice{0};
  // Go: p.sysmontick — sysmon's last observation; only sysmon touches it.
  struct {
    uint32_t schedtick = 0;
    int64_t schedwhen = 0;
    uint32_t syscalltick = 0;
    int64_t syscallwhen = 0;
  } sysmontick;

  // Go: p.goidcache, p.goidcacheend — goids handed out in batches of 16.
  uint64_t goidcache = 0;
  uint64_t goidcacheend = 0;

  // The local run queue: a ring written only by the owner (tail) and consumed
  // by the owner and thieves (head, CAS). See runq.hpp for the protocol.
  std::atomic<uint32_t> runqhead{0};
  std::atomic<uint32_t> runqtail{0};
  std::atomic<G*> runq[kRunqSize] = {};
  // Go: p.runnext — a G readied by the running G that should run next,
  // inheriting the rest of the time slice. Only the owner sets it non-nil;
  // thieves may CAS it to nil.
  std::atomic<G*> runnext{nullptr};

  // Go: p.timers — this P's timers, a 4-ary min-heap by (when, seq) (see timers.cpp).
  // Other Ps' Ms may run them (stealWork), hence the lock.
  std::mutex timersLock;
  std::vector<Timer> timers;
  // Go: p.timer0When — the earliest `when`, 0 if none: read without the
  // lock by Ms deciding how long they may sleep. relaxed: a stale value only
  // makes a sleeper wake early or check a P for nothing.
  std::atomic<int64_t> timer0When{0};
  uint64_t timerSeq = 0;  // ties between equal `when`s break by insertion order

  GList gFree;  // Go: p.gFree — dead Gs for reuse
  FrameCache frames;

  // Go: p.preempt — set by sysmon with the G's flag so that the next
  // scheduling decision on this P counts as a preemption point.
  std::atomic<bool> preempt{false};

  explicit P(FrameDepot* depot) : frames(depot) {}
};

}  // namespace rt
