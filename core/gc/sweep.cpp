// Sweeping: turning the marks into free slots.
//
// Lesson. After mark termination every unmarked slot is garbage, but nobody
// frees it yet: mark termination only adds 2 to mheap.sweepgen, which makes
// every span "unswept" at once (mspan.hpp has the sweepgen table). A span is
// swept (allocBits = gcmarkBits: the survivors) the first time somebody
// needs it:
//   - an allocating goroutine whose mcache runs dry: mcentral.cacheSpan
//     sweeps unswept spans of its class until one has room;
//   - the background sweeper goroutine (bgsweep, workers.cpp), spans of every
//     class one at a time while the program runs;
//   - the goroutine that starts the next cycle, before it stops the world,
//     as Go's gcStart does (api.cpp: New past the trigger, and
//     sweepBeforeStart for runtime.GC() and forcegc);
//   - that cycle's sweep termination (finishsweep), inside the pause, which
//     must find every span swept before new marks are made; it counts what
//     it still had to sweep (CycleStats.pauseSweptSpans, Go's
//     sweep.npausesweep), usually nothing.
// A span whose objects all died goes back to the page heap.
//
// Named simplification: the lab sweeps only on demand, as above. Go also
// has proportional sweep — mcentral.cacheSpan and largeAlloc call
// deductSweepCredit, which makes an allocating goroutine sweep pages in
// proportion to the bytes it allocates (mheap_.sweepPagesPerByte, set by
// gcPaceSweeper) so that sweeping is done before the next trigger — and
// mheap.reclaim, which sweeps before a large allocation grows the heap.
// Neither is modelled: in the lab the background sweeper and the sweep
// before the stop-the-world finish the job.
#include "gc/collector.hpp"

namespace rt::gc {

// Go: runtime/mgcsweep.go sweepone
bool Collector::sweepone() {
  // Start where the last sweep found work (Go keeps a cursor too:
  // mheap.nextSpanForSweep's sweepClass).
  const int start = sweepClass_.load(std::memory_order_relaxed);
  for (int k = 0; k < mem::numSpanClasses; k++) {
    int i = (start + k) % mem::numSpanClasses;
    if (heap.central[i].mcentral.sweepOne()) {
      sweepClass_.store(i, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

// Go: runtime/mgc.go finishsweep_m
uint64_t Collector::finishsweep() {
  uint64_t n = 0;
  while (sweepone()) n++;
  return n;
}

}  // namespace rt::gc
