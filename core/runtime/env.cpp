#include "runtime/env.hpp"

#include <charconv>
#include <limits>

#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace rt {

namespace {

// Go: runtime/string.go atoi64 — an optional '-' and decimal digits, nothing
// else (no '+', no spaces, no hex), rejecting overflow.
std::optional<int64_t> atoi64(std::string_view s) {
  if (s.empty() || s.front() == '+') return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Input quoted in an error: cut and escaped (util/utf8.hpp).
std::string quote(std::string_view s) { return util::quoteForDisplay(s); }

}  // namespace

const std::vector<DebugVar>& DebugVars::table() {
  static const std::vector<DebugVar> vars = {
      {"asyncpreemptoff", 0, 1, "1 disables signal-based (asynchronous) goroutine preemption"},
      {"gccheckmark", 0, 1, "1 verifies the concurrent mark with a second, stop-the-world mark"},
      {"gcpacertrace", 0, 1, "1 prints the pacer's internal state at each GC"},
      {"gcstoptheworld", 0, 2, "1 makes every GC stop the world; 2 also sweeps with the world stopped"},
      {"gctrace", 0, 2, "1 prints one line per GC cycle (gc # @#s #%: ...)"},
      {"scheddetail", 0, 1, "1 with schedtrace=X prints every P, M and G"},
      {"schedtrace", 0, 1000000, "X prints one SCHED line every X milliseconds"},
  };
  return vars;
}

int* DebugVars::field(std::string_view name) {
  if (name == "asyncpreemptoff") return &asyncpreemptoff;
  if (name == "gccheckmark") return &gccheckmark;
  if (name == "gcpacertrace") return &gcpacertrace;
  if (name == "gcstoptheworld") return &gcstoptheworld;
  if (name == "gctrace") return &gctrace;
  if (name == "scheddetail") return &scheddetail;
  if (name == "schedtrace") return &schedtrace;
  return nullptr;
}

int DebugVars::get(std::string_view name) const {
  int* f = const_cast<DebugVars*>(this)->field(name);
  return f ? *f : 0;
}

std::string DebugVars::str() const {
  std::string out;
  for (const auto& v : table()) {
    int value = get(v.name);
    if (value == 0) continue;
    if (!out.empty()) out += ',';
    out += std::string(v.name) + "=" + std::to_string(value);
  }
  return out;
}

// Go: runtime/proc.go schedinit (the GOMAXPROCS part)
std::optional<int> parseGOMAXPROCS(std::string_view s, std::string* err) {
  auto n = atoi64(s);
  if (!n || *n <= 0 || *n > kMaxGomaxprocs) {
    *err = "GOMAXPROCS=" + util::truncateForDisplay(s) + " is not an integer in 1.." + std::to_string(kMaxGomaxprocs) +
           " (Go would silently use the number of CPUs)";
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

// Go: runtime/mgcpacer.go readGOGC
std::optional<int> parseGOGC(std::string_view s, std::string* err) {
  if (s == "off") return -1;
  auto n = atoi64(s);
  if (!n || *n > std::numeric_limits<int32_t>::max() || *n < std::numeric_limits<int32_t>::min()) {
    *err = "GOGC=" + util::truncateForDisplay(s) + " is neither an integer percentage nor \"off\" (Go would silently use 100)";
    return std::nullopt;
  }
  // Go treats any negative percentage as off.
  return *n < 0 ? -1 : static_cast<int>(*n);
}

// Go: runtime/mgcpacer.go readGOMEMLIMIT and runtime/string.go parseByteCount
std::optional<int64_t> parseGOMEMLIMIT(std::string_view s, std::string* err) {
  if (s == "off") return -1;
  std::string_view digits = s;
  int shift = 0;
  struct Suffix {
    std::string_view text;
    int shift;
  };
  for (const Suffix& suf : {Suffix{"KiB", 10}, Suffix{"MiB", 20}, Suffix{"GiB", 30}, Suffix{"TiB", 40}, Suffix{"B", 0}}) {
    if (digits.size() > suf.text.size() && digits.ends_with(suf.text)) {
      digits.remove_suffix(suf.text.size());
      shift = suf.shift;
      break;
    }
  }
  auto n = atoi64(digits);
  if (!n || *n < 0 || *n > (std::numeric_limits<int64_t>::max() >> shift)) {
    *err = "GOMEMLIMIT=" + util::truncateForDisplay(s) +
           " is not \"off\" or a byte count like 512MiB (suffixes B, KiB, MiB, GiB, TiB; Go would refuse to start)";
    return std::nullopt;
  }
  return *n << shift;
}

// Go: runtime/runtime1.go parsedebugvars
std::optional<DebugVars> parseGODEBUG(std::string_view s, std::string* err) {
  DebugVars vars;
  std::vector<std::string> names;
  for (const auto& v : DebugVars::table()) names.emplace_back(v.name);

  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view field = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
    if (field.empty()) continue;  // Go skips empty fields ("a=1,,b=2")

    size_t eq = field.find('=');
    if (eq == std::string_view::npos) {
      *err = "GODEBUG entry " + quote(field) + " is not key=value";
      return std::nullopt;
    }
    std::string_view key = field.substr(0, eq), value = field.substr(eq + 1);
    int* slot = vars.field(key);
    if (!slot) {
      *err = "GODEBUG key " + quote(key) + " is unknown to the lab";
      if (auto guess = util::suggest(key, names); !guess.empty()) *err += "; did you mean " + quote(guess) + "?";
      *err += " (known: ";
      for (size_t i = 0; i < names.size(); i++) *err += (i ? ", " : "") + names[i];
      *err += ")";
      return std::nullopt;
    }
    const DebugVar* spec = nullptr;
    for (const auto& v : DebugVars::table())
      if (v.name == key) spec = &v;
    auto n = atoi64(value);
    if (!n || *n < spec->min || *n > spec->max) {
      *err = "GODEBUG " + util::truncateForDisplay(key) + "=" + util::truncateForDisplay(value) + " needs an integer in " +
             std::to_string(spec->min) + ".." + std::to_string(spec->max);
      return std::nullopt;
    }
    *slot = static_cast<int>(*n);  // a later duplicate wins, as in Go
  }
  return vars;
}

std::string formatGOGC(int gogc) { return gogc < 0 ? "off" : std::to_string(gogc); }

std::string formatGOMEMLIMIT(int64_t bytes) {
  if (bytes < 0) return "off";
  // The largest exact binary unit, the way a person would write it back.
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (u < 4 && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    u++;
  }
  return std::to_string(bytes) + units[u];
}

}  // namespace rt
