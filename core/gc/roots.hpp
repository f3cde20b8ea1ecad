// Roots: where marking starts — the globals and every goroutine's stack.
//
// Lesson. The GC's first grey objects are those the program can reach
// without going through the heap: global variables, and the pointers in
// each goroutine's stack frames. Go finds stack pointers with the compiler's
// stack maps; the lab's goroutines are C++ coroutines, whose frames the GC
// cannot read, so a goroutine keeps its GC pointers in explicit frames:
//
//     gc::Frame<2> f;          // two pointer slots on this goroutine's stack
//     f[0] = co_await gc::New(&node);
//
// A Frame links itself into the running G's list (G::gcroots) and unlinks
// when it goes out of scope — frames nest exactly like the coroutine calls
// that hold them. Writing a frame slot is a stack write: no write barrier,
// just as in Go. That is the whole reason Go needs its hybrid barrier: the
// collector cannot see a pointer move between a stack and the heap.
//
// A stack is scanned only while its goroutine is not running (G::gcscangen
// and gc/stackscan.cpp), so the G itself reads and writes its slots without
// atomics.
//
// Named simplification: pointers held anywhere else in a goroutine (a C++
// local, a coroutine argument, a channel buffer) are invisible to the GC; a
// goroutine must keep every pointer it needs across a co_await in a Frame, a
// global or the heap. Between two co_awaits a C++ local is fine: it is what
// Go calls a register, and no cycle can start or end (both stop the world)
// until the goroutine reaches its next safe point (gc::New allocates after
// its own suspension, never before it).
#pragma once

#include <atomic>
#include <cstdint>

#include "gc/object.hpp"
#include "sched/g.hpp"

namespace rt {

// One frame of pointer slots (declared in sched/g.hpp).
struct GcRootFrame {
  GcRootFrame* next = nullptr;  // the enclosing frame
  uint32_t n = 0;
  uintptr_t* slots = nullptr;
};

}  // namespace rt

namespace rt::gc {

G* currentG();  // the running goroutine (throws outside one)

template <uint32_t N>
class Frame {
 public:
  Frame() {
    gp_ = currentG();
    rec_.next = gp_->gcroots;
    rec_.n = N;
    rec_.slots = slots_;
    gp_->gcroots = &rec_;
  }
  ~Frame() { gp_->gcroots = rec_.next; }
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;

  uintptr& operator[](uint32_t i) { return slots_[i]; }
  Obj get(uint32_t i) const { return reinterpret_cast<Obj>(slots_[i]); }
  void set(uint32_t i, Obj p) { slots_[i] = reinterpret_cast<uintptr>(p); }

 private:
  G* gp_;
  GcRootFrame rec_;
  uintptr slots_[N] = {};
};

// Go: the data and BSS segments — global pointer variables. Writes go
// through the write barrier (writes to globals do in Go).
struct Globals {
  explicit Globals(uint32_t count) : n(count), slots(new std::atomic<uintptr>[count]) {
    for (uint32_t i = 0; i < count; i++) slots[i].store(0, std::memory_order_relaxed);
  }
  ~Globals() { delete[] slots; }
  Globals(const Globals&) = delete;
  Globals& operator=(const Globals&) = delete;
  uint32_t n;
  std::atomic<uintptr>* slots;
};

}  // namespace rt::gc
