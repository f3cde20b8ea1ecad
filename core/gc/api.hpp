// What goroutines call: the mutator's side of the garbage collector.
//
//   gc::Frame<2> f;                         pointer slots on this goroutine's stack
//   f.set(0, co_await gc::New(&node));      p := new(node)   (may assist or start a GC)
//   gc::store(a, 0, b)                      a.next = b       (through the write barrier)
//   gc::Obj b = gc::load(a, 0)              b := a.next
//   gc::setGlobal(3, a) / gc::global(3)     a global pointer variable
//   co_await gc::GC()                       runtime.GC()
//
// gc::New is a safe point, like every co_await: the allocation may start a
// cycle (a stop-the-world), pay an assist (scan work, virtual time on the
// simulator), or honour a preemption — always before the object exists, so
// a new object is never held where the GC cannot see it.
#pragma once

#include <cstdint>

#include "gc/collector.hpp"
#include "gc/type.hpp"
#include "sched/goroutine.hpp"

namespace rt::gc {

// co_await gc::New(&type): a zeroed object of that type (its base address).
struct New {
  explicit New(const Type* type) : t(type) {}
  const Type* t;
  Collector* c = nullptr;
  uintptr result = 0;
  // What await_suspend does when the allocation cannot go ahead at once.
  // Cpu spends costNs of virtual time: an assist's scan work, or the sweep
  // before a cycle's start.
  enum class Then : uint8_t { StartGC, Cpu, AssistPark, EndMark, Yield } then = Then::Yield;
  int64_t costNs = 0;
  bool retryAssist = false;  // the assist's park backed out: credit appeared
  bool await_ready() noexcept;
  void await_suspend(coro::coroutine_handle<>) noexcept;
  Obj await_resume() noexcept;
};

// Pointer fields. `word` must be a pointer word of the object's type.
Obj load(Obj obj, uint32_t word);
void store(Obj obj, uint32_t word, Obj val);
// Scalar (non-pointer) words: no barrier.
uint64_t loadScalar(Obj obj, uint32_t word);
void storeScalar(Obj obj, uint32_t word, uint64_t v);
// Global pointer variables.
Obj global(uint32_t i);
void setGlobal(uint32_t i, Obj val);

// Go: gcStart's sweep of the spans still unswept, before it stops the
// world (its virtual time is spent on the simulator).
Task<> sweepBeforeStart(Collector* c);

// Go: runtime.GC — run a full cycle (waiting for one in progress first)
// and finish its sweep before returning.
Task<> GC();

// co_await gc::ReadMemStats{&m} — Go: runtime.ReadMemStats, which stops the
// world ("read mem stats"), flushes every P's mcache and reads the
// allocator's and the GC's statistics, then starts the world again. Every
// call is one stop-the-world: what runtime/metrics (gc/metrics.hpp) avoids.
struct ReadMemStats {
  mem::MemStats* m;
  bool await_ready() const noexcept { return false; }
  void await_suspend(coro::coroutine_handle<>) noexcept;
  void await_resume() const noexcept {}
};

// Lab controls (not Go API), for stepping through a cycle by hand and for
// tests: start a cycle without waiting for it (Go: gcStart with
// gcTriggerCycle), and end the mark now (Go: gcMarkDone — what is still
// grey is drained in the pause). Both are no-ops in the wrong phase.
struct StartCycle {
  Collector* c = nullptr;
  bool forced = true;  // false: a periodic cycle (Go: gcTriggerTime), not runtime.GC
  bool await_ready() noexcept;
  void await_suspend(coro::coroutine_handle<>) noexcept;
  void await_resume() const noexcept {}
};
struct EndMark {
  Collector* c = nullptr;
  // false: Go's gcMarkDone, which resumes the mark if flushing the Ps'
  // buffers finds grey objects (what workers and assists do).
  bool force = true;
  bool await_ready() noexcept;
  void await_suspend(coro::coroutine_handle<>) noexcept;
  void await_resume() const noexcept {}
};

}  // namespace rt::gc
