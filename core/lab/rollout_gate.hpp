// A progressive rollout gated on runtime signals — day 7's last story: a
// release goes to 1%, then 10%, then 100% of the traffic, and moves on only
// while the canary's runtime metrics stay close to the baseline's, window
// after window (the course's source text: ΔGoroutines < 50 and GC pause
// p99 < 12 ms for 3 windows in a row). `rollout` runs the two services on
// the simulator and this file decides, from their metrics logs.
//
// Simplification, named: the lab does not split traffic between the two.
// Each window compares a whole canary with a whole baseline (run with the
// next seed, so they differ the way two processes do); the stages count
// windows passed, as the gate sees them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/metrics_log.hpp"

namespace lab {

// One condition a window must meet, "signal<limit".
struct GateCondition {
  enum class Signal : uint8_t {
    Goroutines,  // the canary's goroutines minus the baseline's, at the window's end
    GcPauseP99,  // the canary's GC stop-the-world p99 in the window (none: met)
    ReqP99,      // the canary's request latency p99 in the window (none: met)
    Timeouts,    // the canary's timed-out requests in the window
  };
  Signal signal;
  int64_t limit;     // ns for the two p99s, a count otherwise
  std::string text;  // as written: "goroutines<50"
};

struct Gate {
  std::vector<GateCondition> conditions;
  int windowsPerStage = 3;  // consecutive windows met to promote
};

// The gate's grammar: conditions joined by commas, each `signal<limit`, with
// signals goroutines, gcp99, reqp99, timeouts and durations in Go's syntax
// for the p99s ("goroutines<50,gcp99<12ms"). The problem in *err otherwise.
std::optional<std::vector<GateCondition>> parseGate(std::string_view spec, std::string* err);

// The stages of the rollout, in percent of the traffic.
inline constexpr int kRolloutStages[] = {1, 10, 100};

struct WindowVerdict {
  int window = 0;          // 1-based
  int64_t endNs = 0;       // the window's end, since the runs' start
  int stagePercent = 0;    // the stage the canary was at during the window
  int64_t goroutinesDelta = 0, gcPauseP99 = -1, reqP99 = -1, timeouts = 0;  // -1: nothing measured
  bool met = true;
  std::string failed;      // the first condition not met ("goroutines +61 >= 50")
};

struct RolloutDecision {
  enum class Outcome : uint8_t { Promoted, RolledBack, Undecided };
  Outcome outcome = Outcome::Undecided;
  int stagePercent = 0;    // promoted: 100; rolled back or undecided: the stage it was at
  std::vector<WindowVerdict> windows;
  std::string reason;      // for a rollback: the condition not met
};

// Goes through the windows both logs have (every row but the first, the
// state at the start, and the last, a partial window at the end) in order:
// a window that meets every condition counts towards the stage; after
// windowsPerStage in a row the canary is promoted to the next stage (and
// after the last, fully); the first window that does not rolls it back.
RolloutDecision decideRollout(const Gate& gate, const std::vector<MetricsRow>& baseline,
                              const std::vector<MetricsRow>& canary);

}  // namespace lab
