#include "util/duration.hpp"

#include <cstdio>

#include <limits>

namespace util {

namespace {

struct Unit {
  std::string_view name;
  int64_t ns;
};

constexpr Unit kUnits[] = {
    {"ns", 1},           {"us", 1000},           {"µs", 1000}, {"μs", 1000}, {"ms", 1000000},
    {"s", 1000000000},   {"m", 60000000000},     {"h", 3600000000000},
};

}  // namespace

// Go: time/format.go ParseDuration, leadingInt and leadingFraction. The
// fraction is applied in float64 exactly as Go does ("float64 is needed to be
// nanosecond accurate for fractions of hours"); IEEE doubles give the same
// result natively and in wasm.
std::optional<int64_t> parseDuration(std::string_view s) {
  constexpr uint64_t kLimit = 1ULL << 63;  // |d| may reach 2^63 when negative
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;

  uint64_t d = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return std::nullopt;
    // leadingInt
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; i++) {
      if (v > kLimit / 10) return std::nullopt;
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kLimit) return std::nullopt;
    }
    bool pre = i != 0;
    s.remove_prefix(i);
    // leadingFraction
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      for (i = 0; i < s.size() && s[i] >= '0' && s[i] <= '9'; i++) {
        if (overflow) continue;
        if (f > (kLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[i] - '0');
        if (y > kLimit) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i != 0;
      s.remove_prefix(i);
    }
    if (!pre && !post) return std::nullopt;  // no digits, e.g. ".s"

    const Unit* unit = nullptr;
    for (const auto& u : kUnits)
      if (s.starts_with(u.name) && (!unit || u.name.size() > unit->name.size())) unit = &u;
    if (!unit) return std::nullopt;  // Go: "missing unit" or "unknown unit"
    s.remove_prefix(unit->name.size());

    const uint64_t per = static_cast<uint64_t>(unit->ns);
    if (v > kLimit / per) return std::nullopt;
    v *= per;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(per) / scale));
      if (v > kLimit) return std::nullopt;
    }
    d += v;
    if (d > kLimit) return std::nullopt;
  }
  if (neg) return static_cast<int64_t>(0 - d);  // two's complement: -2^63 is representable
  if (d > kLimit - 1) return std::nullopt;
  return static_cast<int64_t>(d);
}

// Go: time/time.go Duration.String
std::string formatDuration(int64_t d) {
  if (d == 0) return "0s";
  bool neg = d < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(d + 1)) + 1 : static_cast<uint64_t>(d);
  std::string out;

  // Writes v/10^prec with trailing zeros of the fraction removed.
  auto fmtFrac = [](uint64_t v, int prec) {
    std::string frac;
    bool print = false;
    for (int i = 0; i < prec; i++) {
      int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) frac.insert(frac.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) frac.insert(frac.begin(), '.');
    return std::make_pair(frac, v);
  };

  if (u < 1000000000ULL) {
    // Less than a second: ns, µs or ms with a fraction.
    int prec;
    const char* unit;
    if (u < 1000ULL) {
      out = std::to_string(u) + "ns";
      return neg ? "-" + out : out;
    } else if (u < 1000000ULL) {
      prec = 3;
      unit = "µs";
    } else {
      prec = 6;
      unit = "ms";
    }
    auto [frac, whole] = fmtFrac(u, prec);
    out = std::to_string(whole) + frac + unit;
  } else {
    auto [frac, secs] = fmtFrac(u, 9);
    out = std::to_string(secs % 60) + frac + "s";
    uint64_t mins = secs / 60;
    if (mins > 0) {
      out = std::to_string(mins % 60) + "m" + out;
      uint64_t hours = mins / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

std::string formatDurationShort(int64_t ns) {
  char buf[32];
  // The unit is chosen after rounding to three digits: 999.7µs is "1ms".
  if (ns < 1000) std::snprintf(buf, sizeof buf, "%lldns", static_cast<long long>(ns));
  else if (ns < 999'500) std::snprintf(buf, sizeof buf, "%.3gµs", double(ns) / 1e3);
  else if (ns < 999'500'000) std::snprintf(buf, sizeof buf, "%.3gms", double(ns) / 1e6);
  else if (ns < 999'500'000'000) std::snprintf(buf, sizeof buf, "%.3gs", double(ns) / 1e9);
  else std::snprintf(buf, sizeof buf, "%.0fs", double(ns) / 1e9);
  return buf;
}

}  // namespace util
