// The coroutine types goroutines are written with.
//
//   rt::Goroutine worker(rt::Chan<int>* c, int n) {   // a goroutine body
//     co_await c->send(n);
//   }
//   rt::go(worker(&c, 42));                           // Go: go worker(c, 42)
//
//   rt::Task<int> helper(...) { ...; co_return 7; }   // a function that may block
//   int x = co_await helper(...);                     // called from a goroutine
//
// A goroutine's frames come from its P's frame cache (framecache.hpp), not
// from a global allocator lock, the way Go's stacks come from per-P caches.
//
// No symmetric transfer: when a goroutine enters or leaves a nested Task, it
// suspends with Handoff::Call / Handoff::Return and its M resumes the right
// frame. The M's loop is the trampoline, just as Go's g0 is.
#pragma once

#include <cstddef>
#include <exception>
#include <type_traits>
#include <utility>

#include "compat/coroutine.hpp"
#include "sched/framecache.hpp"
#include "sched/g.hpp"

namespace rt {

G* getg();  // the G running on this thread's M (Go: getg().m.curg)

namespace detail {

// Frame allocation for every coroutine a goroutine runs.
struct FrameAllocated {
  static void* operator new(std::size_t size) { return frameAlloc(size); }
  static void operator delete(void* p, std::size_t size) { frameFree(p, size); }
};

// Called at `co_return`, while the goroutine's locals still exist: for main
// it ends the run and waits until no other M runs goroutine code, so nothing
// can touch main's locals once they are destroyed (proc.cpp). Note: when a
// coroutine body just ends without `co_return;`, g++ and clang destroy the
// locals *before* calling return_void, so a main whose goroutines may still
// be running must end with an explicit `co_return;`.
void goroutineReturning();

// At the end of a goroutine: hand the G to its M to run goexit0.
struct ExitAwaiter {
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<>) const noexcept { getg()->handoff = Handoff::Exit; }
  void await_resume() const noexcept {}
};

}  // namespace detail

class Goroutine {
 public:
  struct promise_type : detail::FrameAllocated {
    Goroutine get_return_object() noexcept {
      return Goroutine(coro::coroutine_handle<promise_type>::from_promise(*this));
    }
    // Created suspended: newproc puts it on a run queue, an M starts it.
    coro::suspend_always initial_suspend() noexcept { return {}; }
    detail::ExitAwaiter final_suspend() noexcept { return {}; }
    void return_void() noexcept { detail::goroutineReturning(); }
    void unhandled_exception() noexcept { std::terminate(); }  // goroutines do not throw
  };

  Goroutine(Goroutine&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Goroutine(const Goroutine&) = delete;
  ~Goroutine() {
    if (h_) h_.destroy();  // never handed to go(): nothing else owns it
  }

  // Transfers ownership of the frame (to newproc).
  coro::coroutine_handle<> release() { return std::exchange(h_, {}); }

 private:
  explicit Goroutine(coro::coroutine_handle<promise_type> h) : h_(h) {}
  coro::coroutine_handle<promise_type> h_;
};

namespace detail {

struct TaskPromiseBase : FrameAllocated {
  coro::coroutine_handle<> continuation;  // the frame that awaits this task

  coro::suspend_always initial_suspend() noexcept { return {}; }
  // Hand control back to the caller through the M (no symmetric transfer).
  struct FinalAwaiter {
    TaskPromiseBase* self;
    bool await_ready() const noexcept { return false; }
    void await_suspend(coro::coroutine_handle<>) const noexcept;
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {this}; }
  void unhandled_exception() noexcept { std::terminate(); }
};

// Enters a nested task: the M resumes it next, its caller stays suspended.
void enterTask(coro::coroutine_handle<> task);

template <typename T>
struct TaskPromise : TaskPromiseBase {
  T value{};
  void return_value(T v) noexcept { value = std::move(v); }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
  void return_void() noexcept {}
};

}  // namespace detail

template <typename T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::TaskPromise<T> {
    Task get_return_object() noexcept { return Task(coro::coroutine_handle<promise_type>::from_promise(*this)); }
  };

  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task(const Task&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<> caller) noexcept {
    h_.promise().continuation = caller;
    detail::enterTask(h_);
  }
  T await_resume() noexcept {
    if constexpr (!std::is_void_v<T>) return std::move(h_.promise().value);
  }

 private:
  explicit Task(coro::coroutine_handle<promise_type> h) : h_(h) {}
  coro::coroutine_handle<promise_type> h_;
};

}  // namespace rt
