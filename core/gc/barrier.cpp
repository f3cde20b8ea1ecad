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
//       shade(ptr). Go always shades both (mbarrier.go: checking the stack's
//       colour costs more than it saves), and so does the lab. No stack
//       re-scan, and a goroutine's stack is scanned once, on its own.
//   none                        for the experiment: run `mutator-race` with
//       it and the verifier shows the object that got lost.
//
// Go batches shades in a per-P buffer (wbBuf) flushed to the gcWork; the
// lab greys directly into the P's gcWork, which is the same thing unbatched.
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

// Go: runtime/mbarrier.go gcWriteBarrier -> wbBuf -> shade.
void Collector::writeBarrier(uintptr obj, uint32_t word, uintptr oldval, uintptr val) {
  M* mp = getm();
  PerP& pp = perP(mp->p);
  switch (cfg.barrier) {
    case BarrierKind::Hybrid:
      shade(oldval, pp, MarkedBy::Barrier);
      shade(val, pp, MarkedBy::Barrier);
      break;
    case BarrierKind::Dijkstra: shade(val, pp, MarkedBy::Barrier); break;
    case BarrierKind::Yuasa: shade(oldval, pp, MarkedBy::Barrier); break;
    case BarrierKind::None: break;
  }
  if (cfg.recordStores) {
    StoreRecord r;
    r.when = nanotime();
    r.goid = getg()->goid;
    r.obj = obj;
    r.word = word;
    r.oldval = oldval;
    r.newval = val;
    if (obj != 0) {
      mem::mspan* s;
      uintptr idx;
      // Black: marked and no longer in any grey buffer. The lab cannot tell
      // grey from black cheaply, so "marked" is what is recorded.
      if (findObject(&heap, obj, &s, &idx)) r.objWasBlack = s->gcmarkBits->isMarkedAtomic(idx);
    }
    std::lock_guard<std::mutex> g(storesLock);
    if (stores.size() < 1 << 16) stores.push_back(r);
  }
}

}  // namespace rt::gc
