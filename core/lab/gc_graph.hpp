// The object graph of a run's heap, for the page's marking view: every
// reachable object with its depth from the roots and its colour, the edges,
// the grey queue, and the pointer stores the write barrier saw recently.
//
// Colours follow the tri-color abstraction exactly: an object is black if
// its mark bit is set and it is not queued in any gcWork buffer, grey if it
// is marked and still queued, white if it is not marked. A heap too large to
// draw object by object is described span by span instead (mark bits filled
// out of slots in use).
#pragma once

#include <cstdint>

#include "gc/collector.hpp"
#include "lab/json.hpp"

namespace lab {

struct GraphOptions {
  size_t maxNodes = 400;  // beyond this: the span map
  int64_t sinceNs = -1;   // barrier stores after this run time (ns since start)
  int64_t nowNs = 0;      // where the run stands (reported back, for the next sinceNs)
};

// Writes {"phase":..,"nodes":[..],"edges":[..],"grey":[..],"shades":[..]}
// or, for a large heap, {"phase":..,"spans":[..]}. World stopped or paused.
void gcGraphJson(JsonWriter& j, rt::gc::Collector& c, const GraphOptions& opt);

}  // namespace lab
