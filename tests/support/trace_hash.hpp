// A hash of a run's trace: FNV-1a over the raw 40-byte records, the whole
// trace, order included. The golden hashes (core/sched/sim_test.cpp) are of
// this; the records have the same layout natively and in wasm.
#pragma once

#include <cstdint>
#include <vector>

#include "trace/event.hpp"

namespace testtrace {

inline uint64_t traceHash(const std::vector<trace::Event>& events) {
  uint64_t h = 1469598103934665603ULL;
  const auto* bytes = reinterpret_cast<const unsigned char*>(events.data());
  for (size_t i = 0; i < events.size() * sizeof(trace::Event); i++) {
    h ^= bytes[i];
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace testtrace
