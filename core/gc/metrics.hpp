// Go: runtime/metrics.Read — the runtime's numbers, read without stopping
// the world (unlike runtime.ReadMemStats, which stops it: the difference
// day 7's sampler experiment measures).
//
// The lab reads the few metrics its views and the service scenario plot,
// under Go's names. It lives with the collector because it reads both the
// scheduler (goroutines, latencies) and the heap; without a collector the
// heap metrics are 0.
#pragma once

#include <cstdint>

#include "runtime/histogram.hpp"

namespace rt {
class Runtime;
}

namespace rt::gc {

class Collector;

struct RuntimeMetrics {
  int64_t now = 0;             // the runtime's clock (virtual on the simulator)
  int64_t goroutines = 0;      // /sched/goroutines:goroutines
  uint64_t heapInUse = 0;      // MemStats.HeapInuse: bytes in in-use spans
  uint64_t heapMarked = 0;     // /gc/heap/live:bytes (Go 1.21): marked live by the last cycle
  uint64_t heapLive = 0;       // gcController.heapLive: marked + allocated since (the pacer's)
  uint64_t heapGoal = 0;       // /gc/heap/goal:bytes; 0: no goal (GOGC=off without a limit)
  uint64_t gcCycles = 0;       // /gc/cycles/total:gc-cycles
  TimeHistogramCounts gcPauses;        // /gc/pauses:seconds (each stop-the-world)
  TimeHistogramCounts schedLatencies;  // /sched/latencies:seconds (runnable -> running)
  TimeHistogramCounts otherPauses;     // Go 1.22 /sched/pauses/total/other:seconds (ReadMemStats, GOMAXPROCS)
};

// Reads them for the runtime r (and its collector c, or nullptr). Safe
// beside running goroutines: every value is an atomic or read under the
// lock that guards it. Go: metrics.Read with these sample names.
RuntimeMetrics readMetrics(Runtime* r, Collector* c);

}  // namespace rt::gc
