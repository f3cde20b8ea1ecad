// Where the scheduler records trace events (core/trace): one small inline
// function per kind of fact, each a no-op unless the runtime is traced —
// the lab's `if trace.ok()` (Go: runtime/traceruntime.go).
#pragma once

#include "sched/runtime.hpp"
#include "trace/tracer.hpp"

namespace rt {

// Records one event: out of line, so that the untraced path through the
// scheduler is a single test of rt->tracer, with no registers spent on
// building an event it will not record.
[[gnu::noinline]] void emitTraceEvent(Runtime* rt, M* mp, trace::EvType type, uint64_t g, int p, int p2, int32_t a,
                                      int32_t b, Gstatus from, Gstatus to);

inline void traceEvent(Runtime* rt, M* mp, trace::EvType type, uint64_t g, int p, int p2 = -1, int32_t a = 0,
                       int32_t b = 0, Gstatus from = Gstatus::Idle, Gstatus to = Gstatus::Idle) {
  if (rt->tracer) [[unlikely]]
    emitTraceEvent(rt, mp, type, g, p, p2, a, b, from, to);
}

inline int pid(const P* pp) { return pp ? pp->id : -1; }

}  // namespace rt
