// The object graph of a run's heap, for the page's marking view: every
// reachable object with its depth from the roots, its colour and who shaded
// it, the edges, the grey queue, the pointer stores the write barrier saw
// recently, and, while marking, the objects `verify` finds hidden behind
// black ones with the verifier's path to each and the stores that hid it.
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

// Writes {"phase":..,"nodes":[..],"edges":[..],"roots":[..],"lost":[..],
// "grey":[..],"shades":[..]} or, for a large heap, {"phase":..,"spans":[..]}.
// A node: {"id": its address as Go prints it, "type", "depth", "color",
// "size", "shadedBy": {"by": roots|workers|assists|barrier|termination|
// allocation, "goid", "p", "atNs", "at"}} (shadedBy: marked this cycle, in a run
// that records stores). "lost" (while marking): the objects `verify` lists
// as hidden, each {"id", "type", "root", "path": the objects from the root
// down to it as the verifier reached them, "reachedBy": the verifier's
// words, "hiddenBy": [{"goid", "atNs", "at", "slot", "slotType", "deleted",
// "value", "intoMarked", "text": the verifier's words}]}. World stopped or
// paused.
void gcGraphJson(JsonWriter& j, rt::gc::Collector& c, const GraphOptions& opt);

}  // namespace lab
