// Day 5, hand-write: white to grey — greyobject and shade.
//
// This is core/gc/mark.cpp with two function bodies left for you (each says
// TODO(you)); the rest of the file is the lab's own code, unchanged. The
// exercises build compiles this file instead of core/gc/mark.cpp:
//
//   npm run grade -- day5     build with your day-5 files (the other days'
//                             from core/), run the day-5 tests, print a score
//   ctest --preset exercises -L day5 -R GreyObject   one group of tests
//
// What Go does (go.dev/src/runtime/mgcmark.go greyobject, shade, scanobject;
// mbitmap.go findObject):
//   Tri-colour marking: white (not marked), grey (marked, its pointers not
//   yet scanned: queued in a gcWork), black (marked and scanned). Every
//   path that finds a pointer during the mark — a root (globals, stacks),
//   scanobject reading an object's fields, the write barrier's buffer —
//   ends in shade: find the object the pointer points into, and greyobject
//   it. greyobject sets the object's bit in its span's gcmarkBits (which
//   become the span's allocBits at the sweep: an unmarked object is free)
//   and queues it, unless it was marked already; an object without
//   pointers (a noscan span) goes straight to black. gcDrain then pops
//   grey objects and scanobject blackens them, until none is left.
//
// Invariants the tests check:
//   - a white object is marked and queued exactly once, however many
//     pointers to it are shaded, and by however many Ps at once (real
//     threads, under ThreadSanitizer); a noscan one is marked, not queued;
//   - an interior pointer greys the object around it; nil and pointers
//     outside the heap grey nothing;
//   - the marked bytes are counted (they pace the next cycle);
//   - whole programs: every reachable object survives every cycle (the
//     verifier re-marks from the roots after each one), on real threads
//     and on the simulator, with every barrier.
//
// Which tests judge it (ctest label day5):
//   GreyObject.*      the above (tests/core/gc/greyobject_test.cpp)
//   WriteBarrier.*, BarrierSweep.*, Barrier.*, GcStress.*, Gc*   the
//                     collector on top of it
// The lab's own version is core/gc/mark.cpp. Copied here it scores full
// marks, which is how CI proves the tests fair; write yours first.
#include <algorithm>

#include "gc/collector.hpp"
#include "gc/type.hpp"
#include "sched/g.hpp"
#include "sched/goroutine.hpp"
#include "sched/m.hpp"
#include "sched/p.hpp"
#include "sched/runtime.hpp"

namespace rt::gc {

// Go: runtime/mgcmark.go greyobject
bool Collector::greyobject(uintptr obj, mem::mspan* s, uintptr idx, PerP& pp, MarkedBy by) {
  // TODO(you): Go's greyobject. Return true only if this call marked obj.
  //   - Mark it: bit idx of s->gcmarkBits. Several Ps mark at once, and
  //     two may reach the same object: the check "already marked?" and
  //     the marking must be one atomic step, or both would queue it (and
  //     ThreadSanitizer reports the plain write). gcBits has it:
  //     tryMark(idx) is true only for the caller that set the bit. If the
  //     object was marked already, there is nothing to do: return false.
  //     (core's greyobject calls Collector::tryMark(s, idx), which skips
  //     the locked instruction where only one thread can mark: the
  //     simulator, or GOMAXPROCS=1. Either passes the tests.)
  //   - Count it: pp.gcw.bytesMarked (the cycle's heapMarked, which paces
  //     the next cycle) and the lab's pp.markedObjects[int(by)] and
  //     pp.markedBytes[int(by)] (who marked what, in the report) each grow
  //     by the object, s->elemsize bytes (markedObjects by one). And, for
  //     the lab's marking view, if cfg.recordStores: noteShade(obj, by)
  //     (given, below).
  //   - A noscan span's objects have no pointers: black at once, not
  //     queued (s->spanclass.noscan()). Any other object is grey: queue it
  //     for scanning with pp.gcw.put(obj) (Go tries the inline
  //     pp.gcw.putFast(obj) first).
  return false;
}

// Not in Go: the lab's record of who shaded obj, for the marking view.
void Collector::noteShade(uintptr obj, MarkedBy by) {
  M* mp = getm();
  G* gp = getg();
  ShadeRecord r{rt->platform->nanotime(), gp ? uint64_t(gp->goid) : 0, mp && mp->p ? mp->p->id : -1, by};
  std::lock_guard<std::mutex> g(shadesLock);
  if (shades.size() < (1u << 16)) shades.emplace(obj, r);
}

// Go: runtime/mgcmark.go shade
void Collector::shade(uintptr p, PerP& pp, MarkedBy by) {
  // TODO(you): Go's shade: find the object p points into (findObject, in
  // object.hpp: 0 if p is not a heap object — nil, or not the GC's heap)
  // and grey it with greyobject, marked by `by`.
}

// Go: runtime/mgcmark.go scanobject. An object with more than
// maxObletBytes of pointer words is scanned one oblet at a time: scanning
// its first oblet queues the others (object.hpp obletEntry).
uintptr Collector::scanobject(uintptr entry, PerP& pp, MarkedBy by) {
  uint32_t from = 0;
  const uintptr b = queuedObject(&heap, entry, &from);
  const Type* t = b ? typeOf(b) : nullptr;
  if (t == nullptr) return 0;  // allocated but its header not yet published: nothing to scan
  // Go counts scan work up to the last pointer word (ptrdata).
  uint32_t to = t->ptrwords;
  if (to > kObletWords) [[unlikely]] {
    // Go: "Large object. Break into oblets for better parallelism and
    // lower latency" — "if b == s.base()", enqueue the other oblets.
    if (from == 0)
      for (uint32_t k = kObletWords; k < to; k += kObletWords) pp.gcw.put(obletEntry(b, k));
    to = std::min(to, from + kObletWords);
  }
  for (uint32_t i = from; i < to; i++) {
    if (!t->isPointer(i)) continue;
    uintptr obj = loadField(b, i);
    if (obj != 0) shade(obj, pp, by);
  }
  uintptr scanned = (from == 0 ? kHeaderSize : 0) + uintptr(to - from) * kPtrSize;
  pp.gcw.heapScanWork += int64_t(scanned);
  return scanned;
}

// Go: runtime/mgcmark.go scanstack (the frames' pointer slots).
uintptr Collector::scanstack(G* gp, PerP& pp, MarkedBy by) {
  uintptr scanned = 0;
  for (GcRootFrame* f = gp->gcroots; f; f = f->next) {
    for (uint32_t i = 0; i < f->n; i++)
      if (f->slots[i] != 0) shade(f->slots[i], pp, by);
    scanned += uintptr(f->n) * kPtrSize;
  }
  (void)pp;
  // Go: markroot's workCounter, gcController.stackScanWork.
  work.stackScanWork.fetch_add(int64_t(scanned), std::memory_order_relaxed);
  return scanned;
}

// Go: runtime/mgcmark.go markrootBlock for the data and BSS segments.
uintptr Collector::markrootGlobals(PerP& pp, MarkedBy by) {
  for (uint32_t i = 0; i < globals.n; i++)
    if (uintptr p = globals.slots[i].load(std::memory_order_acquire)) shade(p, pp, by);
  // Go: markroot's workCounter, gcController.globalsScanWork.
  work.globalsScanWork.fetch_add(int64_t(globalBytes()), std::memory_order_relaxed);
  return globalBytes();
}

bool Collector::noGlobalWork() const {
  return work.markrootNext.load(std::memory_order_acquire) >= work.markrootJobs && pool.fullEmpty();
}

// Go: runtime/mgcmark.go gcDrain / gcDrainN: root jobs first, then grey
// objects, until the budget of scan work is spent or there is nothing left.
int64_t Collector::gcDrain(PerP& pp, int64_t budget, MarkedBy by, int64_t* objects) {
  int64_t done = 0, nobj = 0;
  // Drain root marking jobs.
  while (done < budget && work.markrootNext.load(std::memory_order_relaxed) < work.markrootJobs) {
    uint32_t job = work.markrootNext.fetch_add(1, std::memory_order_acq_rel);
    if (job >= work.markrootJobs) break;
    MarkedBy rootBy = by == MarkedBy::Termination ? by : MarkedBy::Roots;
    if (job == 0) {
      done += int64_t(markrootGlobals(pp, rootBy));
    } else {
      G* gp = work.stackRoots[job - 1];
      if (tryScanStack(gp, pp, rootBy)) nobj++;
    }
  }
  // Drain heap marking jobs. An object is scanned up to 32 pops after it
  // leaves the gcWork: it is prefetched when popped and waits in a small
  // ring, so the cache miss on its first word overlaps with scanning the
  // objects ahead of it. (Go 1.19 scans at once; reading the object is
  // where marking spends most of its time.) Every object popped is scanned
  // before gcDrain returns: the ring never holds grey objects past the call.
  // Two lines are prefetched: the object's first, and the one holding its
  // third word. A three-word object (24 bytes: a header and two fields, as
  // a tree node or a list element) straddles two cache lines one time in
  // four, and without the second prefetch its last field missed there.
  // Objects of 16 and 32 bytes never straddle (each is aligned to its size).
  // On real threads the ring holds 32 objects: with both lines
  // prefetched, a deeper ring hides more of the wait. Measured (bench/gc, 7
  // alternating runs per pair, depth-18 tree, concurrent): the second line,
  // 9.8 -> 8.1 ms; then a ring of 32 instead of 8, 6.8 -> 4.9 ms (a quieter
  // minute; 16 gave 5.3, 64 gave 4.6). A 4M-node list's collection stayed at
  // 36-38 ms throughout: a chain never fills the ring. Prefetching the next
  // line instead of the third word (b + 56) made the tree faster still but
  // the list a third slower (50 ms). The list is marked from high addresses
  // to low; our guess, not verified, is that prefetches upwards spoil the
  // hardware's stream detection there.
  // The simulator keeps a ring of 8. The ring's depth changes the order in
  // which objects are scanned, and so, on the simulator, which objects are
  // black when a goroutine next runs: every simulated run would change
  // (its golden traces, the figures the course quotes were taken with 8),
  // for a host-time gain the simulated clock does not see.
  constexpr uintptr kStraddleWord = 2;
  constexpr unsigned kAheadReal = 32, kAheadSim = 8;
  const unsigned ahead = parallel_ ? kAheadReal : kAheadSim;  // a power of two
  uintptr ring[kAheadReal];
  unsigned head = 0, inRing = 0;
  for (;;) {
    uintptr b = 0;
    if (done < budget) {
      b = pp.gcw.tryGetFast();
      // The slow path (the other buffer, the global list) only when the
      // ring is empty: a chain (a linked list) never fills the ring.
      if (b == 0 && inRing == 0) b = pp.gcw.tryGet();
      if (b == 0 && inRing == 0) {
        // Go: "Flush the write barrier buffer; this may create more work."
        if (pp.wbuf.next == 0) break;
        wbBufFlush(pp);
        continue;
      }
    } else if (inRing == 0) {
      break;
    } else if (done >= budget + int64_t(mem::MaxSmallSize)) {
      // Past the budget by more than the largest small object: a large
      // object's oblet was scanned. What is left in the ring goes back to
      // the queue, still grey, so that a stop-the-world or a preemption
      // waits for at most about one oblet.
      for (; inRing > 0; inRing--, head = (head + 1) & (ahead - 1)) pp.gcw.put(ring[head]);
      break;
    }
    uintptr next;
    if (b != 0) {
      __builtin_prefetch(reinterpret_cast<const void*>(b));
      __builtin_prefetch(reinterpret_cast<const void*>(b + kStraddleWord * kPtrSize));
      if (inRing < ahead) {
        ring[(head + inRing++) & (ahead - 1)] = b;
        continue;
      }
      next = ring[head];
      ring[head] = b;
    } else {
      next = ring[head];
      inRing--;
    }
    head = (head + 1) & (ahead - 1);
    done += int64_t(scanobject(next, pp, by));
    nobj++;
    // Go: "If the current wbuf is empty, share work" (gcw.balance when the
    // global list is empty and this P has more than it needs).
    if (pool.fullEmpty()) pp.gcw.balance();
  }
  if (objects) *objects += nobj;
  // Go: gcDrain's "Flush remaining scan work credit" — the cycle's heap
  // scan work, as revise reads it.
  if (pp.gcw.heapScanWork > 0) {
    work.heapScanWork.fetch_add(pp.gcw.heapScanWork, std::memory_order_relaxed);
    pp.gcw.heapScanWork = 0;
  }
  return done;
}

}  // namespace rt::gc
