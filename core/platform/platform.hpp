// The platform: everything the runtime needs from below that is mechanism,
// not policy: one runtime, two clocks (real threads, or the simulator's).
//
//   real  OS threads (Web Workers under wasm), a steady clock, futex sleeps.
//   sim   simulated threads in a discrete-event loop, virtual nanoseconds.
//
// The scheduler code (runqput, findRunnable, stealWork, handoffp, retake...)
// calls only this interface for time, threads and sleeping, so the same code
// runs on both.
//
// How one body of code can block on both: the body of every M (mstart, and
// sysmon) is a coroutine, an MTask, and every place where an M blocks is a
// `co_await` of an MWait. On the real platform the wait really happens
// inside await_ready, on the M's own thread, and the coroutine never
// suspends (so it costs nothing). On the simulator await_ready says "not
// yet", the M's coroutine suspends, and the event loop resumes it when the
// wait is over in virtual time. Everything between two waits runs without
// interruption on the simulator, which is what makes it deterministic.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <string>

#include "compat/coroutine.hpp"

namespace rt {

struct M;
struct G;
struct Note;
class Platform;

// The body of an M: a coroutine started suspended, which its platform
// resumes (once, on a real thread; at every event, on the simulator).
class MTask {
 public:
  struct promise_type {
    MTask get_return_object() noexcept {
      return MTask(coro::coroutine_handle<promise_type>::from_promise(*this));
    }
    coro::suspend_always initial_suspend() noexcept { return {}; }
    coro::suspend_always final_suspend() noexcept { return {}; }  // the platform destroys it
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
  explicit MTask(coro::coroutine_handle<> handle) : h(handle) {}
  coro::coroutine_handle<> h;
};

// What an M can block on.
enum class WaitKind : uint8_t {
  Note,         // Go: notesleep — until notewakeup
  NoteTimeout,  // Go: notetsleep — until notewakeup or ns have passed
  Compute,      // a goroutine computes for ns (rt::cpu); may be preempted
  Syscall,      // a goroutine's blocking system call (rt::syscall)
  Overhead,     // the simulator's cost of a scheduling step; free on real threads
};

// A runtime operation a goroutine performs without giving its M back: the
// simulator charges it virtual time (SimCosts), real threads pay by running.
enum class RuntimeOp : uint8_t {
  Newproc,      // go f() (Go: newproc)
  ChanOp,       // a channel send, receive or close (Go: chansend, chanrecv, closechan)
  SelectCase,   // per case of a select (Go: selectgo)
  MallocSmall,  // a GC'd object of at most 32 KB (Go: mallocgc's small paths)
  MallocLarge,  // a larger one (Go: mallocgc -> largeAlloc)
};

// Go: the futexsleep/usleep/syscall an M blocks in. Result: for Note waits,
// 1 if woken by notewakeup (0 on timeout); for Compute, the nanoseconds left
// when a preemption cut the burst short (0 when it completed).
struct MWait {
  Platform* pl;
  M* mp;
  WaitKind kind;
  Note* note = nullptr;
  int64_t ns = 0;
  G* gp = nullptr;  // Compute, Syscall: the goroutine
  int64_t result = 0;

  bool await_ready();
  void await_suspend(coro::coroutine_handle<> h);
  int64_t await_resume() const noexcept { return result; }
};

class Platform {
 public:
  virtual ~Platform() = default;
  virtual const char* name() const = 0;

  // Whether Ms run at the same time (real threads) or strictly one at a
  // time between waits (the simulator).
  virtual bool parallel() const = 0;

  // Go: runtime.nanotime — monotonic nanoseconds (virtual on the simulator).
  virtual int64_t nanotime() = 0;

  // Go: runtime/os_linux.go newosproc — start a thread running body.
  // False if no thread could be had (Go throws "newosproc"; the lab reports it).
  virtual bool newosproc(M* mp, MTask body) = 0;

  // Waits for notewakeup(done) — the runtime sets `exiting` first — then
  // calls wakeAll (which wakes every sleeping M, so each sees `exiting`) and
  // waits for every thread to finish (real). The simulator instead drives
  // its event loop until done is woken, and simply stops there. Returns why
  // the run was cut short ("" if it was not: the simulator's time limit).
  virtual std::string runUntil(Note* done, const std::function<void()>& wakeAll) = 0;

  // Blocks the M (see MWait). True if the wait is already over — always, on
  // the real platform; otherwise waitLater suspends the M.
  virtual bool waitNow(MWait& w) = 0;
  virtual void waitLater(MWait& w, coro::coroutine_handle<> h) = 0;

  virtual void notewakeup(Note* n) = 0;
  virtual void noteclear(Note* n) = 0;

  // Go: runtime/signal_unix.go preemptM — interrupt the G running on mp
  // now (asynchronous preemption). The real platform has no signals for
  // coroutines and does nothing: its Gs stop at their next safe point.
  virtual void preemptM(M* mp) = 0;

  // Go: the usleep(3) in runqgrab — a thief about to take the runnext G of
  // a running P backs off, so the victim's M, which may be about to run that
  // G itself, gets the chance. The real platform sleeps and returns false
  // (the thief then looks again). The simulator cannot pause a thief in the
  // middle of its step: it returns true, and the thief's M waits `us` in
  // mstart before it looks for work again; the thief's next call within a
  // moment after that wait returns false, so it does steal then, as Go does.
  virtual bool backoffForVictim(int64_t us) = 0;

  // Go: runtime.usleep / runtime.osyield, for short back-offs outside an M's
  // waits. The simulator does not advance time for them.
  virtual void usleep(int64_t us) = 0;
  virtual void osyield() = 0;

  // Whether a trip through the scheduler (WaitKind::Overhead) and the
  // runtime operations (charge) cost time: on the simulator they do; real
  // threads pay by running, so MWait and chargeOp skip even the call.
  bool chargesOverhead = false;

  // The simulator's price of n runtime operations done by the running M's
  // goroutine (see SimPlatform::charge). Only called when chargesOverhead.
  virtual void charge(RuntimeOp, int64_t /*n*/) {}
};

// Called where a goroutine performs a runtime operation: one load and a
// branch not taken on real threads.
inline void chargeOp(Platform* pl, RuntimeOp op, int64_t n = 1) {
  if (pl->chargesOverhead) [[unlikely]]
    pl->charge(op, n);
}

inline bool MWait::await_ready() {
  if (kind == WaitKind::Overhead && !pl->chargesOverhead) return true;
  return pl->waitNow(*this);
}
inline void MWait::await_suspend(coro::coroutine_handle<> h) { pl->waitLater(*this, h); }

}  // namespace rt
