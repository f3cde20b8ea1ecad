// Day 5, hand-write: the write barrier — gcWriteBarrier and wbBufFlush.
//
// This is core/gc/barrier.cpp with two function bodies left for you (each
// says TODO(you)); the rest of the file is the lab's own code, unchanged.
// The exercises build compiles this file instead of core/gc/barrier.cpp:
//
//   npm run grade -- day5     build with your day-5 files (the other days'
//                             from core/), run the day-5 tests, print a score
//   ctest --preset exercises -L day5 -R 'WriteBarrier|BarrierSweep'
//
// What Go does (go.dev/src/runtime/mbarrier.go, the comment at its top;
// mwbbuf.go wbBuf, wbBufFlush, wbBufFlush1; asm_amd64.s gcWriteBarrier):
//   While the GC marks, the program keeps moving pointers. An object is
//   lost if a black object ends up pointing to it while no grey object
//   (or unscanned stack) still does. The compiler puts a barrier before
//   every heap pointer store *slot = ptr while writeBarrier.enabled. Go's
//   hybrid barrier (Go 1.8) shades both the pointer overwritten (*slot,
//   Yuasa's deletion barrier: nothing reachable at the start of the mark
//   can be hidden) and the one stored (ptr, Dijkstra's insertion barrier:
//   a stack that was scanned cannot be the only holder of a white
//   pointer). The barrier itself only appends the pointers to a per-P
//   buffer; when it is full, or the P runs out of marking work, or at
//   mark termination, wbBufFlush1 shades them all. The lab lets you pick
//   one barrier or none (`run mutator-race --barrier none`) to see why.
//
// Invariants the tests check:
//   - each barrier buffers exactly its pointers: after a flush, hybrid has
//     shaded both, Dijkstra the stored one, Yuasa the overwritten one,
//     none neither; nil is skipped;
//   - the buffer is flushed when full, never overrun, however many stores;
//   - a flush shades every buffered pointer (interior ones too: their
//     object) and leaves the buffer empty;
//   - the course's experiment: with hybrid, Dijkstra or Yuasa, mutator-race
//     loses no object on any seed, on the simulator and on real threads,
//     and the GC stress test's mutators lose nothing.
//
// Which tests judge it (ctest label day5):
//   WriteBarrier.*    the above (tests/core/gc/greyobject_test.cpp)
//   BarrierSweep.*    mutator-race across seeds, both engines, every
//                     barrier, the verifier after every cycle
//   Barrier.*         the lost-object pattern, one store at a time
//   GcStress.*, Gc*   the collector on top of it
// The lab's own version is core/gc/barrier.cpp. Copied here it scores full
// marks, which is how CI proves the tests fair; write yours first.
#include "gc/collector.hpp"
#include "sched/goroutine.hpp"
#include "sched/m.hpp"

namespace rt::gc {

const char* barrierName(BarrierKind b) {
  switch (b) {
    case BarrierKind::Hybrid: return "hybrid";
    case BarrierKind::Dijkstra: return "dijkstra";
    case BarrierKind::Yuasa: return "yuasa";
    case BarrierKind::None: return "none";
  }
  return "?";
}

bool parseBarrier(std::string_view s, BarrierKind* out) {
  for (BarrierKind b : {BarrierKind::Hybrid, BarrierKind::Dijkstra, BarrierKind::Yuasa, BarrierKind::None}) {
    if (s == barrierName(b)) {
      *out = b;
      return true;
    }
  }
  return false;
}

// Go: runtime/asm_amd64.s gcWriteBarrier (with mbarrier.go's choice of
// pointers): put what the barrier must shade in this P's buffer
// (mwbbuf.go wbBuf.putFast), flushing it first if it is full. Go's buffer
// takes both pointers, nil or not, and its flush skips nil; the lab puts
// only the non-nil ones.
void Collector::gcWriteBarrier(PerP& pp, uintptr oldval, uintptr val) {
  // TODO(you): the write barrier's fast path (Go: gcWriteBarrier and
  // wbBuf.putFast). oldval is the pointer the store overwrites, val the one
  // it stores (either may be 0, nil: skip it).
  //   - If the buffer pp.wbuf has no room for two more pointers
  //     (next + 2 > wbBuf::kEntries), flush it first: wbBufFlush(pp).
  //   - Append to b.buf[b.next++] what cfg.barrier must shade:
  //       Hybrid    both, oldval then val (Go's, since 1.8)
  //       Dijkstra  val only (insertion)
  //       Yuasa     oldval only (deletion)
  //       None      nothing
}

// The barrier as the store functions call it: Go's, then the lab's log of
// the store for the verifier.
void Collector::writeBarrier(uintptr obj, uint32_t word, uintptr oldval, uintptr val) {
  gcWriteBarrier(perP(getm()->p), oldval, val);
  if (cfg.recordStores) recordStore(obj, word, oldval, val);
}

// Lab-only: the pointer-store log the verifier explains a lost object with.
void Collector::recordStore(uintptr obj, uint32_t word, uintptr oldval, uintptr val) {
  StoreRecord r;
  r.when = nanotime();
  r.goid = getg()->goid;
  r.obj = obj;
  r.word = word;
  r.oldval = oldval;
  r.newval = val;
  if (obj != 0) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    // Black: marked and no longer in any grey buffer. The lab cannot tell
    // grey from black cheaply, so "marked" is what is recorded.
    if (findObject(&heap, obj, &s, &idx)) r.objWasBlack = s->gcmarkBits->isMarkedAtomic(idx);
  }
  std::lock_guard<std::mutex> g(storesLock);
  if (stores.size() < 1 << 16) stores.push_back(r);
}

// Go: runtime/mwbbuf.go wbBufFlush1 — for each pointer: find its object,
// skip it if already marked, else grey it. Pointers stored one after the
// other often point into the same span (objects allocated together), so
// the span found last is tried first; no span is freed while marking.
void Collector::wbBufFlush(PerP& pp) {
  // TODO(you): Go's wbBufFlush1: shade every pointer in pp.wbuf.buf[0 ..
  // next) — find its object (findObject; 0: not a heap object, skip it)
  // and greyobject it with MarkedBy::Barrier — then empty the buffer
  // (next = 0). (Faster: pointers stored one after the other are often in
  // the same span; the lab's own version tries the last span first.)
}

}  // namespace rt::gc
