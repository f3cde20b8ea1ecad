// G: a goroutine.
//
// In Go a G is a stack plus saved registers (g.sched) that gogo jumps into.
// In the lab a G owns a C++20 coroutine: the goroutine's body is a coroutine
// function, its "stack" is the chain of coroutine frames, and every co_await
// is a safe point where the G gives its M back control — the lab's mcall.
// What the G wants done when it gives control back (park, yield, exit, a
// system call...) is left in g->handoff for the M to act on, exactly the role
// of the function that Go's mcall(fn) runs on g0.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "compat/coroutine.hpp"
#include "sched/gstatus.hpp"
#include "sched/priority.hpp"
#include "trace/event.hpp"
#include "util/relaxed.hpp"

namespace rt {

struct M;
struct P;
struct Sudog;

// What a G asks of its M when it suspends (the fn of Go's mcall(fn)).
enum class Handoff : uint8_t {
  None,          // running; the M never sees this
  Park,          // Go: gopark -> park_m
  Gosched,       // Go: Gosched -> gosched_m (to the global queue)
  Preempt,       // Go: a preemption request honoured -> gopreempt_m
  Exit,          // Go: goexit1 -> goexit0
  Call,          // entered a nested coroutine: resume g->top
  Return,        // a nested coroutine returned: resume g->top, its caller
  Syscall,       // Go: entersyscall ... exitsyscall around a blocking call
  SyscallBlock,  // Go: entersyscallblock (hand the P off at once)
  Cpu,           // rt::cpu: the G computes for g->call.ns nanoseconds
  StopTheWorld,  // Go: stopTheWorldGC ... startTheWorldGC (GOMAXPROCS(n), a GC's two pauses)
};

// What the M runs for Handoff::Syscall/SyscallBlock/Cpu/StopTheWorld: for a
// system call a plain function pointer and argument (so an M can run it
// without knowing anything about the goroutine) and/or a duration; for
// rt::cpu the duration; for a stop-the-world the function to run while the
// world is stopped (it may set ns: how long the pause lasts on the
// simulator) and the new GOMAXPROCS in n (0: unchanged).
struct BlockingCall {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  int64_t ns = 0;  // how long the call blocks or computes
  int64_t n = 0;   // StopTheWorld: the new GOMAXPROCS, 0 to keep it
  int32_t stwReason = 0;  // StopTheWorld: why (trace::StwReason), for the trace
};

// A goroutine's GC roots: frames of pointer slots on its "stack" (see
// core/gc/roots.hpp). The scheduler only carries the list.
struct GcRootFrame;

struct G {
  // Go: g.atomicstatus. Written by the G's owner of the moment (its M, or
  // whoever readies it while holding the lock it parked under); read racily
  // by sysmon, schedtrace and NumGoroutine, hence atomic.
  std::atomic<Gstatus> atomicstatus{Gstatus::Idle};
  // The next four fill the status's word: every status change or
  // scheduling step reads them, so they share its cache line (a G comes
  // to the scheduler cold when many are runnable).
  Handoff handoff = Handoff::None;
  // Go: g.preempt — sysmon asks the G to yield at its next safe point.
  // relaxed: a hint; the G polls it at every co_await and a stale read only
  // delays the preemption to the next safe point, as in Go.
  util::Relaxed<bool> preempt = false;
  bool tracking = false;    // Go: g.tracking (see the scheduling latency fields below)
  uint8_t trackingSeq = 0;  // Go: g.trackingSeq
  // Go: g.goid. Relaxed: sysmon's trace of a preemption request reads it
  // while the G may be exiting and being reused by newproc1.
  util::Relaxed<uint64_t> goid = 0;
  uint64_t parentGoid = 0;
  util::Relaxed<M*> m = nullptr;  // Go: g.m — the M running this G (read by schedtrace)
  G* schedlink = nullptr;    // Go: g.schedlink — next G in a gList/gQueue
  // NOT GO: a prefetch hint for globrunqget's walk of the global queue: the
  // G kSchedlinkAhead places further down the batch runqputslow linked, set
  // there and cleared when globrunqget takes this G. The walk is a chain of
  // dependent loads of Gs that waited long enough to go cold; the hint lets
  // it ask for each G several steps before it gets there. Only ever
  // prefetched, never dereferenced.
  G* schedlinkAhead = nullptr;

  coro::coroutine_handle<> root;  // the goroutine's own coroutine frame
  coro::coroutine_handle<> top;   // the innermost frame: where to resume
  G* alllink = nullptr;           // Go: allgs — every G ever created, for dumps and shutdown

  util::Relaxed<WaitReason> waitreason = WaitReason::Zero;  // Go: g.waitreason, valid in _Gwaiting
  int64_t waitsince = 0;                     // Go: g.waitsince
  BlockingCall call;                         // Handoff::Syscall/SyscallBlock/Cpu/StopTheWorld
  // The rest of an rt::cpu burst that a preemption cut short (simulator):
  // the G computes it first when it next runs.
  int64_t cpuLeft = 0;
  // A stop-the-world this G asked for while another was in progress: the
  // G waited for worldsema and repeats the request when it next runs.
  bool retryStopTheWorld = false;

  // Channel and select plumbing (Go: g.param, g.waiting, g.selectDone).
  void* param = nullptr;
  Sudog* waiting = nullptr;
  std::atomic<uint32_t> selectDone{0};

  util::Relaxed<const char*> name = "";  // what created it, for gs (read live, racily)
  // Go: g.gopc — where the go statement was: the lab records the function
  // of the goroutine that ran it ("" for main), for gs --group's
  // "created by". (Go names the function containing the go statement; a
  // lab goroutine's nested calls have no names, so its entry function
  // stands for it.)
  util::Relaxed<const char*> createdBy = "";
  // NOT GO: the lab-only priority of day 7's experiment (priority.hpp),
  // set at creation. Go's scheduler has no such thing; unless the run chose
  // another SchedPolicy, nothing reads it.
  Priority priority = Priority::Normal;

  // --- The garbage collector's per-G state (core/gc). ---
  // The innermost frame of GC roots (Go scans a G's stack for pointers;
  // the lab's goroutines keep theirs in explicit frames). Only the G itself
  // changes it, while running.
  GcRootFrame* gcroots = nullptr;
  // Go: the _Gscan bit and g.gcscandone, as one word per cycle: 2c-1 while
  // someone scans this stack in GC cycle c, 2c once it is scanned (black).
  // Whoever CASes it to 2c-1 scans; the M waits for 2c before resuming the
  // G (gc/stackscan.cpp), so a stack is never scanned while it runs.
  std::atomic<uint32_t> gcscangen{0};
  // Go: g.gcAssistBytes — assist credit in bytes (> 0 credit, < 0 debt).
  int64_t gcAssistBytes = 0;

  // --- Scheduling latency (Go: g.tracking, trackingSeq, runnableStamp,
  // runnableTime): every 8th time a G stops running, casgstatus times how
  // long it then waits runnable before it runs again, for
  // /sched/latencies:seconds (Sched::timeToRun). Only the G's owner of the
  // moment touches them, as with the status. (tracking and trackingSeq,
  // read at every status change, are next to the status.)
  int64_t runnableStamp = 0;  // when it last became runnable (while tracking)
  int64_t runnableTime = 0;   // time runnable so far in this tracked stretch
};

// Go: runtime/proc.go gTrackingPeriod — the share of transitions tracked.
inline constexpr uint8_t kGTrackingPeriod = 8;

// Go: runtime/proc.go casgstatus. The lab has no _Gscan bit, so this is a
// checked store: the old status must be what the caller believes it is.
// why: for the trace, why a running G stops running.
void casgstatus(G* gp, Gstatus oldval, Gstatus newval, trace::GoReason why = trace::GoReason::None);
inline Gstatus readgstatus(const G* gp) { return gp->atomicstatus.load(std::memory_order_acquire); }

// Go: runtime/runtime2.go gList — a stack of Gs linked through schedlink.
struct GList {
  G* head = nullptr;
  util::Relaxed<int32_t> size = 0;  // read racily by schedtrace (gfreecnt)

  bool empty() const { return head == nullptr; }
  void push(G* gp) {
    gp->schedlink = head;
    head = gp;
    ++size;
  }
  G* pop() {
    G* gp = head;
    if (gp) {
      head = gp->schedlink;
      --size;
    }
    return gp;
  }
};

// Go: runtime/runtime2.go gQueue — a FIFO of Gs linked through schedlink.
struct GQueue {
  G* head = nullptr;
  G* tail = nullptr;
  int32_t size = 0;

  bool empty() const { return head == nullptr; }
  void pushBack(G* gp) {
    gp->schedlink = nullptr;
    if (tail) tail->schedlink = gp;
    else head = gp;
    tail = gp;
    ++size;
  }
  void push(G* gp) {  // at the head
    gp->schedlink = head;
    head = gp;
    if (!tail) tail = gp;
    ++size;
  }
  // Appends a chain head..tail of n Gs already linked through schedlink.
  void pushBackAll(G* h, G* t, int32_t n) {
    if (!h) return;
    t->schedlink = nullptr;
    if (tail) tail->schedlink = h;
    else head = h;
    tail = t;
    size += n;
  }
  G* pop() {
    G* gp = head;
    if (gp) {
      head = gp->schedlink;
      if (!head) tail = nullptr;
      --size;
    }
    return gp;
  }
};

// Go: runtime/traceback.go isSystemGoroutine — a goroutine whose function
// is in package runtime (the GC's mark workers, bgsweep, forcegchelper).
// gcount and checkdead leave them out. The lab knows a goroutine's function
// by the name it was started with, which the runtime's own start with
// "runtime." as Go's do (runtime.main is not one: the lab's main is main.main).
inline bool isSystemGoroutine(const G* gp) {
  const char* n = gp->name;
  return n[0] == 'r' && std::string_view(n).rfind("runtime.", 0) == 0;
}

}  // namespace rt
