// The write barrier: what a pointer store must do while the GC marks.
//
// Lesson. Concurrent marking can lose an object only if, at some moment,
//   (1) a black object points to a white one, and
//   (2) no grey object (or unscanned stack) still reaches that white one.
// A write barrier is a small piece of code run at every heap pointer store
// `*slot = ptr` during marking that prevents one of the two:
//
//   Dijkstra (insertion, 1978)  shade(ptr): the stored pointer is never
//       white, so (1) never happens through the heap. But stack writes have
//       no barrier, so a stack that was scanned can later hold a white
//       pointer: every stack must be re-scanned at mark termination, with
//       the world stopped (Go 1.5-1.7 did this; the pause grew with the
//       number of goroutines).
//   Yuasa (deletion, 1990)      shade(*slot): the overwritten pointer is
//       greyed, so nothing reachable when marking began can be hidden
//       ("snapshot at the beginning") — as long as every stack is scanned
//       before its goroutine runs during the mark.
//   Go's hybrid (Go 1.8)        shade(*slot); if the current stack is grey,
//       shade(ptr). Go always shades both — goroutines do run with grey
//       stacks, and testing the colour at every store is not worth its
//       cost (mbarrier.go, mwbbuf.go wbBufFlush1) — and so does the lab. No
//       stack re-scan, and a goroutine's stack is scanned once, on its own.
//   none                        for the experiment: run `mutator-race` with
//       it and the verifier shows the object that got lost.
//
// Like Go, the barrier itself only records the pointers in a per-P buffer
// (wbBuf); they are shaded in batches (wbBufFlush).
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
  wbBuf& b = pp.wbuf;
  if (b.next + 2 > wbBuf::kEntries) [[unlikely]] wbBufFlush(pp);
  switch (cfg.barrier) {
    case BarrierKind::Hybrid:
      if (oldval) b.buf[b.next++] = oldval;
      if (val) b.buf[b.next++] = val;
      break;
    case BarrierKind::Dijkstra:
      if (val) b.buf[b.next++] = val;
      break;
    case BarrierKind::Yuasa:
      if (oldval) b.buf[b.next++] = oldval;
      break;
    case BarrierKind::None: break;
  }
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
  wbBuf& b = pp.wbuf;
  mem::mspan* last = nullptr;
  for (uint32_t i = 0; i < b.next; i++) {
    const uintptr p = b.buf[i];
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    uintptr obj;
    if (last != nullptr && p >= last->base() && p < last->limit) {
      s = last;
      idx = s->objIndex(p);
      obj = s->base() + idx * s->elemsize;
    } else {
      obj = findObject(&heap, p, &s, &idx);
      if (obj == 0) continue;
      last = s;
    }
    greyobject(obj, s, idx, pp, MarkedBy::Barrier);
  }
  b.next = 0;
}

}  // namespace rt::gc
