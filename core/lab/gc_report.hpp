// What a run's collector did, for `run`'s report and the `gc` command.
#pragma once

#include <string>

#include "gc/collector.hpp"
#include "lab/json.hpp"

namespace lab {

// "GC: 12 cycles (1 forced), concurrent marker, hybrid barrier; ..."
std::string gcSummaryText(rt::gc::Collector& c);
// The per-cycle table: one gctrace-like line per cycle with coverage.
std::string gcCycleTable(rt::gc::Collector& c, size_t lastN);
void gcJson(JsonWriter& j, rt::gc::Collector& c);

}  // namespace lab
