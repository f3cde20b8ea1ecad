// What goroutines call: the lab's spelling of the runtime's user API.
//
//   rt::go(f(x))                  go f(x)
//   co_await rt::Gosched()        runtime.Gosched()
//   co_await rt::checkpoint()     the preemption check Go's compiler puts in
//                                 every function prologue: long loops call it
//   co_await rt::syscall(fn)      a blocking system call (entersyscall/exitsyscall)
//   co_await rt::syscallBlock(fn) one known to block (entersyscallblock)
//   co_await rt::syscallFor(ns)   a blocking call that lasts ns
//   co_await rt::cpu(ns)          compute for ns (virtual time on the simulator)
//   co_await rt::Sleep(ns)        time.Sleep
//   rt::NumGoroutine()            runtime.NumGoroutine()
//   co_await rt::GOMAXPROCS(n)    runtime.GOMAXPROCS(n): stops the world
//
// and, in their own headers:
//   rt::Chan<T> c(n); co_await c.send(v); co_await c.recv(); co_await c.close()
//                                 chan.hpp: make(chan T, n), c <- v, <-c, close(c)
//   co_await rt::select(rt::recvCase(c, &v), rt::sendCase(d, x), rt::defaultCase())
//                                 select.hpp: select; a null Chan<T>* is a nil
//                                 channel (its case is never chosen), and
//                                 rt::SelectCases builds the cases at run time
//                                 (reflect.Select)
//   rt::time::After(d), NewTimer(d), NewTicker(d), Tick(d)
//                                 time.hpp: package time's timer channels, e.g.
//                                 a timeout: rt::recvCase(rt::time::After(d))
//   rt::WaitGroup, rt::Mutex      sync.hpp
//
// A panic (close of a closed channel, a send on a closed channel) ends the
// run with Go's "panic: ..." and stops the goroutine at the co_await that
// panicked, so nothing after it runs — the reason close is awaited too. See
// gopanic in chan.cpp (why not C++ exceptions, why no recover).
//
// Every co_await here is a safe point: if sysmon asked this goroutine to
// yield (it ran for more than 10 ms), it yields there.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "sched/goroutine.hpp"
#include "sched/proc.hpp"

namespace rt {

class Runtime;
Runtime* currentRuntime();

// Go: the `go` statement (runtime.newproc). createdBy: the function the
// goroutine profile names as its creator ("created by ..."), when that is
// not the goroutine running the statement — the runtime's own goroutines,
// which Go starts from its init functions and gcBgMarkStartWorkers.
void go(Goroutine fn, const char* name = "", const char* createdBy = nullptr);

// The preemption check at a safe point: true if this G must yield now
// (a preemption request from sysmon or stop-the-world, or the run is over).
bool preemptRequested();

namespace detail {
// Suspends the current G with a preemption handoff (Go: gopreempt_m).
void yieldForPreemption();
}  // namespace detail

// co_await rt::Gosched(). (await_suspend is out of line on purpose: clang 14,
// Emscripten 3.1.6's compiler, crashes splitting a coroutine whose only
// suspension is an awaiter it can see through completely.)
struct Gosched {
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<>) const noexcept;
  void await_resume() const noexcept {}
};

// co_await rt::checkpoint() — costs one relaxed load when nobody asked.
struct checkpoint {
  bool await_ready() const noexcept { return !preemptRequested(); }
  void await_suspend(coro::coroutine_handle<>) const noexcept { detail::yieldForPreemption(); }
  void await_resume() const noexcept {}
};

// co_await rt::syscall(fn) / rt::syscallBlock(fn): fn runs on this
// goroutine's M, outside the scheduler's control, like a real system call.
template <typename F>
class SyscallAwaiter {
 public:
  SyscallAwaiter(F fn, bool block) : fn_(std::move(fn)), block_(block) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<>) noexcept {
    G* gp = getg();
    gp->call = BlockingCall{&invoke, this, 0};
    gp->handoff = block_ ? Handoff::SyscallBlock : Handoff::Syscall;
  }
  void await_resume() const noexcept {}

 private:
  static void invoke(void* self) { static_cast<SyscallAwaiter*>(self)->fn_(); }
  F fn_;
  bool block_;
};

template <typename F>
SyscallAwaiter<std::decay_t<F>> syscall(F&& fn) {
  return SyscallAwaiter<std::decay_t<F>>(std::forward<F>(fn), false);
}
template <typename F>
SyscallAwaiter<std::decay_t<F>> syscallBlock(F&& fn) {
  return SyscallAwaiter<std::decay_t<F>>(std::forward<F>(fn), true);
}

// co_await rt::syscallFor(ns): a system call that blocks for ns — a sleep in
// the kernel on real threads, virtual time on the simulator. (A call given
// as a function runs instantly on the simulator, so scenarios meant for
// both engines use this form.)
struct syscallFor {
  explicit syscallFor(int64_t duration, bool blocks = false) : ns(duration), block(blocks) {}
  int64_t ns;
  bool block;  // true: entersyscallblock
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<>) const noexcept;
  void await_resume() const noexcept {}
};

// co_await rt::cpu(ns): compute for ns nanoseconds without a safe point. On
// real threads the goroutine really spins that long and honours a
// preemption request when the burst ends (a cooperative safe point). On the
// simulator the burst advances virtual time and a preemption can stop it in
// the middle, as Go's signal-based asynchronous preemption does; the rest
// runs when the goroutine is scheduled again.
struct cpu {
  explicit cpu(int64_t duration) : ns(duration) {}  // (clang 14 has no C++20 aggregate paren-init)
  int64_t ns;
  bool await_ready() const noexcept { return ns <= 0 && !preemptRequested(); }
  void await_suspend(coro::coroutine_handle<>) const noexcept;
  void await_resume() const noexcept {}
};

// co_await rt::Sleep(ns) — Go: time.Sleep (runtime/time.go timeSleep).
struct Sleep {
  int64_t ns;
  int64_t when = 0;  // set at suspension: the timer's deadline
  bool await_ready() const noexcept { return ns <= 0 && !preemptRequested(); }
  void await_suspend(coro::coroutine_handle<>) noexcept;
  void await_resume() const noexcept {}
};

// Go: runtime.NumGoroutine — goroutines that exist and have not exited.
int NumGoroutine();

// Go: runtime.nanotime — the clock of the platform this goroutine runs on
// (real time, or the simulator's virtual time).
int64_t nanotime();

// co_await rt::GOMAXPROCS(n): sets GOMAXPROCS (n > 0), with the world
// stopped while the Ps change; co_await yields the previous value.
struct GOMAXPROCS {
  // A constructor, so the documented spelling compiles with every toolchain
  // (clang 14 has no parenthesized aggregate initialization).
  explicit GOMAXPROCS(int32_t procs) : n(procs) {}
  int32_t n;
  int32_t previous = 0;
  bool await_ready() noexcept;
  void await_suspend(coro::coroutine_handle<>) const noexcept;
  int32_t await_resume() const noexcept { return previous; }
};

}  // namespace rt
