// The Chrome trace exporter: a run's events as Trace Event Format JSON, the
// format ui.perfetto.dev and chrome://tracing open (and the one Go's own
// `go tool trace` feeds its viewer: Go's src/internal/trace/traceviewer;
// the format is documented in Perfetto's docs, "Trace Event Format").
//
//   pid 0 "Ps"            one track per P; a slice per stretch of a
//                         goroutine running there ("G7 main.worker"),
//                         with preemption requests and timer firings as
//                         instants, and steal arrows (flow v2: bind_id +
//                         flow_out on the victim's slice, flow_in on the
//                         thief's next one)
//   pid 1 "Runtime stats" counters: run-queue lengths, goroutines by state,
//                         and in GC runs "Heap" (Allocated, NextGC) from the
//                         tracer's heap series (HeapSample)
//   pid 2 "Ms"            one track per M: syscalls, spinning, parked
//
// Times are microseconds with nanosecond decimals, from the run's integer
// nanosecond clock, and events come in the tracer's stable order, so a
// simulator run exports byte-identical files for the same seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trace/event.hpp"
#include "trace/tracer.hpp"

namespace trace {

struct ChromeTraceInfo {
  std::string scenario;
  std::string engine;
  int procs = 0;
  uint64_t seed = 0;
  bool truncated = false;
  std::vector<std::string> names;  // Tracer::names()
  std::vector<HeapSample> heap;    // Tracer::heapSamples()
};

std::string chromeTraceJson(const std::vector<Event>& events, const ChromeTraceInfo& info);

}  // namespace trace
