// The runtime's environment: GOMAXPROCS, GOGC, GOMEMLIMIT and GODEBUG.
//
// A Go program reads these once, at start:
//   GOMAXPROCS  proc.go schedinit: a positive integer, else the number of CPUs;
//               capped at _MaxGomaxprocs (1024).
//   GOGC        mgcpacer.go readGOGC: "off" means -1 (no GC by heap growth),
//               otherwise an integer percentage; anything else means 100.
//   GOMEMLIMIT  mgcpacer.go readGOMEMLIMIT: "off" or a byte count with an
//               optional B/KiB/MiB/GiB/TiB suffix (Go's parseByteCount).
//   GODEBUG     runtime1.go parsedebugvars: comma-separated key=value pairs,
//               values are integers; keys the runtime does not know are skipped.
//
// Go is forgiving: a bad value silently becomes the default. The lab is strict
// instead and says what is wrong (and what Go would have done), because a
// learner who types GOGC=5O should not wonder why nothing changed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rt {

// Go: runtime/runtime2.go _MaxGomaxprocs
inline constexpr int kMaxGomaxprocs = 1 << 10;

// One GODEBUG knob the lab understands. The table is runtime1.go's dbgvars,
// restricted to the knobs the lab implements.
struct DebugVar {
  std::string_view name;
  int min;
  int max;
  std::string_view help;  // from Go's runtime/extern.go documentation
};

// The GODEBUG settings the lab reads, with Go's names. Zero means off.
struct DebugVars {
  int asyncpreemptoff = 0;
  int gccheckmark = 0;
  int gcpacertrace = 0;
  int gcstoptheworld = 0;
  int gctrace = 0;
  int scheddetail = 0;
  int schedtrace = 0;  // milliseconds between SCHED lines; 0 = off

  // The knobs in the order Go documents them, for listing and completion.
  static const std::vector<DebugVar>& table();
  int* field(std::string_view name);
  int get(std::string_view name) const;
  // "gctrace=1,schedtrace=10": the non-zero knobs, in table order.
  std::string str() const;

  bool operator==(const DebugVars&) const = default;
};

struct Env {
  int gomaxprocs = 1;
  int gogc = 100;               // -1 = off
  int64_t gomemlimit = -1;      // bytes; -1 = off (Go: math.MaxInt64)
  DebugVars debug;

  bool operator==(const Env&) const = default;
};

// Parsers for each variable. Each returns the value, or sets *err to one
// sentence that names the problem (and leaves the result empty).
std::optional<int> parseGOMAXPROCS(std::string_view s, std::string* err);
std::optional<int> parseGOGC(std::string_view s, std::string* err);
std::optional<int64_t> parseGOMEMLIMIT(std::string_view s, std::string* err);
std::optional<DebugVars> parseGODEBUG(std::string_view s, std::string* err);

std::string formatGOGC(int gogc);
std::string formatGOMEMLIMIT(int64_t bytes);

}  // namespace rt
