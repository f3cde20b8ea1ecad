// The out-of-line half of traceEvent (traceev.hpp).
#include "sched/traceev.hpp"

namespace rt {

void emitTraceEvent(Runtime* rt, M* mp, trace::EvType type, uint64_t g, int p, int p2, int32_t a, int32_t b,
                    Gstatus from, Gstatus to) {
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
  rt->tracer->emit(mp ? &mp->traceBuf : nullptr, e);
}

}  // namespace rt
