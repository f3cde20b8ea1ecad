// GODEBUG=gctrace=1: one line per GC cycle, in Go's exact format.
//
//   gc 1 @0.022s 3%: 0.019+2.3+0.13 ms clock, 0.039+0.33/1.1/1.0+0.27 ms cpu,
//      3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P
//
// Field by field (Go: runtime/extern.go, printed by mgc.go gcMarkTermination):
//   gc 1        the cycle number
//   @0.022s     seconds since the program started
//   3%          share of CPU time spent in GC since the program started
//   clock       wall time of sweep termination (STW) + concurrent mark +
//               mark termination (STW)
//   cpu         CPU time of sweep termination + assists/background
//               workers(dedicated+fractional)/idle workers + mark termination
//   3->4->3 MB  heap at GC start -> heap at mark end -> live heap marked
//   goal        the heap goal the pacer set for this cycle
//   stacks, globals   scannable stack and global bytes
//   2 P         GOMAXPROCS
//   (forced)    the cycle was started by runtime.GC()
#pragma once

#include <cstdint>
#include <string>

namespace rt::gc {

// Go: runtime/mgc.go fmtNSAsMS — ms with two significant digits.
std::string fmtNSAsMS(uint64_t ns);
// Go: runtime/print.go itoaDiv — val / 10^dec with dec decimals.
std::string itoaDiv(uint64_t val, int dec);

struct GcTraceLine {
  uint32_t numgc = 0;
  int64_t sinceStartNs = 0;  // tSweepTerm - runtimeInitTime
  int utilPercent = 0;       // int(gc_cpu_fraction*100)
  int64_t sweepTermNs = 0, markNs = 0, markTermNs = 0;  // clock
  int64_t sweepTermCpuNs = 0, assistCpuNs = 0, backgroundCpuNs = 0, idleCpuNs = 0, markTermCpuNs = 0;
  uint64_t heap0 = 0, heap1 = 0, heap2 = 0, goal = 0, stacks = 0, globals = 0;
  int procs = 1;
  bool forced = false;
};

std::string formatGcTrace(const GcTraceLine& l);  // without the newline

}  // namespace rt::gc
