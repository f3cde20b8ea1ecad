// Where the scheduler records trace events (core/trace): one small inline
// function per kind of fact, each a no-op unless the runtime is traced —
// the lab's `if trace.ok()` (Go: runtime/traceruntime.go).
#pragma once

#include "sched/runtime.hpp"
#include "trace/tracer.hpp"

namespace rt {

inline void traceEvent(Runtime* rt, M* mp, trace::EvType type, uint64_t g, int p, int p2 = -1, int32_t a = 0,
                       int32_t b = 0, Gstatus from = Gstatus::Idle, Gstatus to = Gstatus::Idle) {
  trace::Tracer* tr = rt->tracer;
  if (!tr) return;
  trace::Event e{};
  e.ts = rt->platform->nanotime() - rt->starttime;
  e.g = g;
  e.a = a;
  e.b = b;
  e.p = static_cast<int16_t>(p);
  e.p2 = static_cast<int16_t>(p2);
  e.m = mp ? static_cast<int32_t>(mp->id) : -1;
  e.type = type;
  e.from = static_cast<uint8_t>(from);
  e.to = static_cast<uint8_t>(to);
  tr->emit(mp ? &mp->traceBuf : nullptr, e);
}

inline int pid(const P* pp) { return pp ? pp->id : -1; }

}  // namespace rt
