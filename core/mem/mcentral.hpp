// mcentral: the shared pool of spans of one span class.
//
// Lesson. When an mcache's span for, say, 48-byte noscan objects is full, it
// trades it in at mheap.central[spc] for one with free slots (mcache.refill
// calls uncacheSpan, then cacheSpan; lab-only, labKeepEmptied may keep it
// instead, when the lab's explicit free emptied it). The mcentral keeps its spans in four
// sets, by two questions: does the span have a free slot (partial/full), and
// has it been swept in the current GC cycle (swept/unswept)?
//
//   partial[sweepgen/2%2]    partial, swept      <- take these first
//   partial[1-sweepgen/2%2]  partial, unswept    <- sweep, then take
//   full[1-sweepgen/2%2]     full, unswept       <- sweep: maybe it frees slots
//   full[sweepgen/2%2]       full, swept         (nothing to do here)
//
// Which array is "swept" depends on the parity of sweepgen/2. Every GC cycle
// adds 2 to mheap.sweepgen, so the two roles swap without moving a single
// span: last cycle's swept sets are this cycle's unswept ones.
//
// cacheSpan sweeps on demand but only up to a budget (Go's spanBudget of 100,
// "limit the space overhead to 1%"); if that finds nothing it grows: a fresh
// span from mheap. Note Go's loops run while spanBudget >= 0, so up to 101
// spans are swept before growing.
//
// Locking: Go's spanSets are lock-free and sweeping ownership is claimed by
// a CAS on sweepgen. Named simplification: one mutex per mcentral protects
// its four sets and is held while a span popped from them is swept; the
// sweepgen CAS is kept (tryAcquire) so the protocol reads like Go's. Lock
// order: mcentral.lock before mheap.lock, never the reverse. (The lab-only
// labKeepEmptied reads the sets' sizes without it.)
#pragma once

#include <mutex>

#include "mem/mspan.hpp"

namespace rt::mem {

class mheap;
struct mcache;

struct mcentral {
  std::mutex lock;  // protects partial, full and the spans' list/next/prev
  spanClass spanclass{};
  spanSet partial[2];  // list of spans with a free object
  spanSet full[2];     // list of spans with no free objects
  mheap* heap = nullptr;

  // Go: runtime/mcentral.go (*mcentral).init
  void init(spanClass spc, mheap* h);

  // Go: runtime/mcentral.go partialSwept / partialUnswept / fullUnswept / fullSwept
  spanSet* partialSwept(uint32_t sweepgen) { return &partial[sweepgen / 2 % 2]; }
  spanSet* partialUnswept(uint32_t sweepgen) { return &partial[1 - sweepgen / 2 % 2]; }
  spanSet* fullUnswept(uint32_t sweepgen) { return &full[1 - sweepgen / 2 % 2]; }
  spanSet* fullSwept(uint32_t sweepgen) { return &full[sweepgen / 2 % 2]; }

  // Go: runtime/mcentral.go (*mcentral).cacheSpan — a span with a free slot
  // for an mcache, or nullptr if the heap cannot grow. *grew tells whether
  // it came fresh from the heap (mcentral.grow). *swept counts spans swept.
  // c is the P whose page cache serves a growth (nullptr: the heap directly).
  mspan* cacheSpan(mcache* c, bool* grew, int* swept = nullptr);
  // Go: runtime/mcentral.go (*mcentral).uncacheSpan
  // c is the mcache giving s back: an empty s frees its mspan to c's cache.
  void uncacheSpan(mspan* s, mcache* c);
  // Go: runtime/mcentral.go (*mcentral).grow
  mspan* grow(mcache* c);
  // Go: runtime/mgcsweep.go sweepone, for this span class: sweep one
  // unswept span (partial first, then full); false if none is left.
  bool sweepOne();

  // The span is on one of our lists and swept in this cycle: the caller
  // (holding lock) may apply lab frees to it now and re-file it.
  void labSweepAndRefileLocked(mspan* s);
  // Put a swept span where it belongs: heap (empty), partial or full.
  void refileSweptLocked(mspan* s, uint32_t sg);
  // Lab-only: fold the pending explicit frees of every idle swept span in
  // (ReadMemStats does this after flushing the mcaches). Takes lock.
  void labSweepIdle();
  // Lab-only, for mcache.refill: s is cached by the caller, who freed every
  // object of it (labFree's case 1: an object freed right after it was
  // allocated, again and again). uncacheSpan would sweep s and give it
  // back to the heap, and cacheSpan would then take an empty span from the
  // heap: two heap locks and a new mspan for the same result. Instead s is
  // swept in place and stays cached; true if it was, with what the sweep
  // found in *r, for the caller to count. Only when that is all they would
  // do: not if this class has partial spans (cacheSpan takes those first),
  // nor if another P recorded a free in s. Takes no lock (mcentral.cpp says
  // why that is safe).
  bool labKeepEmptied(mspan* s, mspan::labSweepResult* r);

 private:
  // Go: runtime/mgcsweep.go (*sweepLocker).tryAcquire — the CAS h-2 -> h-1.
  bool tryAcquire(mspan* s, uint32_t sg);
};

}  // namespace rt::mem
