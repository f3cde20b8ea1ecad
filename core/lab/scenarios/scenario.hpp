// Built-in scenarios: small Go programs, written as goroutines, that the
// `run` command executes on the runtime. Each one exists to show one idea of
// the course (fan-out stealing, syscall handoff, preemption of a hog...).
//
// A scenario is a spec (name, help, parameters) and a main goroutine that
// fills a ScenarioResult. The engine (real threads or the simulator)
// is chosen by `run`, not by the scenario.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lab/metrics_log.hpp"
#include "lab/shell/command.hpp"
#include "sched/goroutine.hpp"

namespace lab {

struct ScenarioParams {
  int64_t size = 0;  // the scenario's main size knob (--size); 0 = its default
  int procs = 1;     // GOMAXPROCS of the run
  // The run's seed (--seed; 1 on the real engine), for scenarios that draw
  // random numbers of their own (the service's arrivals): on the simulator
  // the whole run then depends on it alone.
  uint64_t seed = 1;
  // The scenario's own flags (Scenario::options) by name, every one filled
  // in: a Bool as 0/1, an Int as given, a Duration in nanoseconds, a Choice
  // as the index of the value in its choices.
  std::map<std::string, int64_t, std::less<>> options;
  int64_t option(std::string_view name) const;
};

// What a scenario reports, beyond the runtime's own counters.
struct ScenarioResult {
  int64_t result = 0;         // the program's answer (skynet's sum, ...)
  int64_t wallNs = 0;         // measured inside the program, as Go's version does
  std::vector<std::pair<std::string, int64_t>> metrics;  // named extra numbers
  std::string text;           // a line for people, e.g. "result 499999500000"
  std::string textZh;         // the same in Chinese, when the lab speaks it ("" = as text)
  bool passed = true;         // for scenarios that check a property (hog, parallel)
  // Runtime metrics the program sampled over time (the service scenario),
  // readable while the run goes on: `metrics` and the page's metrics view.
  MetricsLog series;
};

struct Scenario {
  std::string name;
  Text summary;
  Text details;
  int64_t defaultSize = 0;
  std::string sizeMeaning;  // "leaves", "round trips", ...
  int64_t minSize = 1, maxSize = 10000000;
  int fixedProcs = 0;       // > 0: the scenario sets GOMAXPROCS itself (hog: 1)
  // Extra rule for --size, returning the problem or "" (skynet: powers of 10).
  std::function<std::string(int64_t)> checkSize;
  // The program allocates from a garbage-collected heap (core/gc): the run
  // attaches a collector, configured by `gc` and run's GC flags.
  bool usesGC = false;
  // The program's memory comes from the Go-style heap (core/mem), which
  // asks the OS layer rather than operator new: a simulator run of it
  // cannot be snapshotted (platform/sim/arena.hpp), so back replays it.
  // Implied by usesGC.
  bool usesOwnHeap = false;
  // Run the verifier at every mark termination and record pointer stores
  // to explain what it finds.
  bool verifiesGC = false;
  // The program samples the runtime's metrics over time into
  // ScenarioResult::series (the service): `metrics` shows them.
  bool samplesMetrics = false;
  // Flags of this scenario's own (`run service --rate 5000`): Bool, Int,
  // Duration or Choice, with their defaults. `run` accepts each one for the
  // scenarios that declare it, and says which those are otherwise.
  std::vector<FlagSpec> options;
  std::function<rt::Goroutine(const ScenarioParams&, ScenarioResult*)> main;
};

// A scenario option's value as a number (ScenarioParams::options) from its
// text, which must already be valid for the flag's type; and every option
// of a scenario at its default.
int64_t optionValue(const FlagSpec& option, std::string_view text);
std::map<std::string, int64_t, std::less<>> defaultOptions(const Scenario& sc);

const std::vector<Scenario>& scenarios();
const Scenario* findScenario(std::string_view name);
std::vector<std::string> scenarioNames();

}  // namespace lab
