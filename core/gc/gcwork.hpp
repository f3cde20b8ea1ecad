// gcWork: the grey set, as per-P buffers of pointers with a global pool.
//
// Lesson. "Grey" means "marked, fields not yet scanned". Go keeps grey
// objects in fixed-size workbufs of pointers (2 KB each). Every P owns a
// gcWork with two of them, so pushing and popping a grey object is a plain
// array access with no lock:
//
//   put     into wbuf1; if full, swap with wbuf2; if that is full too, hand
//           wbuf1 to the global `full` list and take an empty one
//   tryGet  from wbuf1; if empty, swap; if both are empty, take a full
//           buffer from the global list
//
// Two buffers, not one, are hysteresis: a P alternating put and get at a
// buffer boundary does not bounce buffers through the global lock. When a
// P's worker finds the global list empty while it holds a spare buffer,
// balance() gives it away so idle workers have something to do.
//
// gcWork also counts what its P did for the cycle (bytesMarked,
// heapScanWork), flushed into the cycle's totals (Go: gcw.dispose).
//
// Named simplification: Go's global lists are lock-free stacks (lfstack);
// here they are a mutex-protected list with an atomic count for the
// fast "is there any?" check.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "gc/object.hpp"

namespace rt::gc {

// Go: runtime/mgcwork.go _WorkbufSize and workbuf (obj: 253 pointers).
inline constexpr uintptr kWorkbufSize = 2048;

struct workbuf {
  workbuf* next = nullptr;  // Go: workbufhdr.node
  uintptr nobj = 0;
  uintptr obj[(kWorkbufSize - 2 * sizeof(uintptr)) / sizeof(uintptr)];
  static constexpr uintptr capacity = (kWorkbufSize - 2 * sizeof(uintptr)) / sizeof(uintptr);
};
static_assert(sizeof(workbuf) == kWorkbufSize);

// Go: runtime/mgc.go work.full / work.empty.
class WorkPool {
 public:
  ~WorkPool();
  workbuf* getempty();           // Go: getempty (allocates when none is spare)
  void putempty(workbuf* b);     // Go: putempty
  void putfull(workbuf* b);      // Go: putfull
  workbuf* trygetfull();         // Go: trygetfull
  bool fullEmpty() const { return nfull_.load(std::memory_order_acquire) == 0; }
  // Every object queued in the full list (world stopped, for the lab's views).
  template <typename F>
  void forEachQueued(F&& f) {
    std::lock_guard<std::mutex> g(lock_);
    for (workbuf* b = full_; b; b = b->next)
      for (uintptr i = 0; i < b->nobj; i++) f(b->obj[i]);
  }
  int64_t nfull() const { return nfull_.load(std::memory_order_acquire); }

 private:
  std::mutex lock_;
  workbuf* full_ = nullptr;
  workbuf* empty_ = nullptr;
  // release on putfull / acquire in fullEmpty: a worker that sees a count
  // also sees the buffer's contents once it takes the lock.
  std::atomic<int64_t> nfull_{0};
};

// Go: runtime/mgcwork.go gcWork.
struct gcWork {
  WorkPool* pool = nullptr;
  workbuf* wbuf1 = nullptr;
  workbuf* wbuf2 = nullptr;
  // Go: gcw.bytesMarked / gcw.heapScanWork — this cycle's work, until dispose.
  uint64_t bytesMarked = 0;
  int64_t heapScanWork = 0;

  // Go: (*gcWork).put
  void put(uintptr obj);
  // Go: (*gcWork).putFast — put without the buffer swap: false if wbuf1 is
  // missing or full (then put). Inline, for greyobject's every object.
  bool putFast(uintptr obj) {
    workbuf* b = wbuf1;
    if (b == nullptr || b->nobj == workbuf::capacity) return false;
    b->obj[b->nobj++] = obj;
    return true;
  }
  // Go: (*gcWork).tryGet — 0 if no grey object is left here or globally.
  uintptr tryGet();
  // Go: (*gcWork).tryGetFast — 0 if wbuf1 is empty.
  uintptr tryGetFast() {
    workbuf* b = wbuf1;
    if (b == nullptr || b->nobj == 0) return 0;
    return b->obj[--b->nobj];
  }
  // Go: (*gcWork).balance — give work to the global list if it has none.
  void balance();
  // Go: (*gcWork).empty
  bool empty() const { return (wbuf1 == nullptr || wbuf1->nobj == 0) && (wbuf2 == nullptr || wbuf2->nobj == 0); }
  // Go: (*gcWork).dispose — return both buffers (full ones to the global list).
  void dispose();
  // Every object queued here (its owner stopped, for the lab's views).
  template <typename F>
  void forEachQueued(F&& f) const {
    for (const workbuf* b : {wbuf1, wbuf2})
      if (b)
        for (uintptr i = 0; i < b->nobj; i++) f(b->obj[i]);
  }

 private:
  void init();
};

}  // namespace rt::gc
