#include "lab/rollout_gate.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "util/duration.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

struct SignalName {
  std::string_view name;
  GateCondition::Signal signal;
  bool duration;
};
constexpr SignalName kSignals[] = {
    {"goroutines", GateCondition::Signal::Goroutines, false},
    {"gcp99", GateCondition::Signal::GcPauseP99, true},
    {"reqp99", GateCondition::Signal::ReqP99, true},
    {"timeouts", GateCondition::Signal::Timeouts, false},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string shown(std::string_view s) { return util::quoteForDisplay(s); }

}  // namespace

std::optional<std::vector<GateCondition>> parseGate(std::string_view spec, std::string* err) {
  std::vector<GateCondition> out;
  if (trim(spec).empty()) {
    *err = "the gate has no condition: give one or more of goroutines<N, gcp99<D, reqp99<D, timeouts<N, "
           "joined by commas (e.g. goroutines<50,gcp99<12ms)";
    return std::nullopt;
  }
  for (bool more = true; more;) {
    const size_t comma = spec.find(',');
    const std::string_view part = trim(spec.substr(0, comma));
    more = comma != std::string_view::npos;  // "a<1," has an empty last condition
    if (more) spec = spec.substr(comma + 1);
    const size_t lt = part.find('<');
    if (part.empty() || lt == std::string_view::npos) {
      *err = "gate condition " + shown(part) + " is not signal<limit (e.g. goroutines<50)";
      return std::nullopt;
    }
    const std::string_view name = trim(part.substr(0, lt)), value = trim(part.substr(lt + 1));
    const SignalName* sig = nullptr;
    for (const SignalName& s : kSignals)
      if (s.name == name) sig = &s;
    if (!sig) {
      std::vector<std::string> names;
      for (const SignalName& s : kSignals) names.emplace_back(s.name);
      *err = "gate condition " + shown(part) + ": no signal " + shown(name);
      if (auto guess = util::suggest(name, names); !guess.empty()) *err += "; did you mean \"" + guess + "\"?";
      *err += " (signals: goroutines, gcp99, reqp99, timeouts)";
      return std::nullopt;
    }
    int64_t limit = 0;
    if (sig->duration) {
      const auto d = util::parseDuration(value);
      if (!d || *d <= 0) {
        *err = "gate condition " + shown(part) + ": " + std::string(sig->name) +
               " needs a positive duration like 12ms";
        return std::nullopt;
      }
      limit = *d;
    } else {
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc{} || end != value.data() + value.size() || limit <= 0 || limit > 100000000) {
        *err = "gate condition " + shown(part) + ": " + std::string(sig->name) + " needs a count in 1..100000000";
        return std::nullopt;
      }
    }
    out.push_back(GateCondition{sig->signal, limit, std::string(name) + "<" + std::string(value)});
  }
  return out;
}

RolloutDecision decideRollout(const Gate& gate, const std::vector<MetricsRow>& baseline,
                              const std::vector<MetricsRow>& canary) {
  RolloutDecision d;
  size_t stage = 0;
  int metInARow = 0;
  d.stagePercent = kRolloutStages[0];
  const size_t n = std::min(baseline.size(), canary.size());
  for (size_t i = 1; i + 1 < n; i++) {
    const MetricsRow &b = baseline[i], &c = canary[i];
    auto at = [](const MetricsRow& r, Metric m) { return r[size_t(m)]; };
    WindowVerdict w;
    w.window = int(i);
    w.endNs = at(c, Metric::T);
    w.stagePercent = kRolloutStages[stage];
    w.goroutinesDelta = at(c, Metric::Goroutines) - at(b, Metric::Goroutines);
    w.gcPauseP99 = at(c, Metric::GcPauseP99);
    w.reqP99 = at(c, Metric::ReqP99);
    w.timeouts = std::max<int64_t>(at(c, Metric::Timeouts), 0);
    for (const GateCondition& cond : gate.conditions) {
      int64_t value = 0;
      std::string shownValue;
      switch (cond.signal) {
        case GateCondition::Signal::Goroutines:
          value = w.goroutinesDelta;
          shownValue = (value >= 0 ? "+" : "") + std::to_string(value);
          break;
        case GateCondition::Signal::GcPauseP99:
        case GateCondition::Signal::ReqP99:
          value = cond.signal == GateCondition::Signal::GcPauseP99 ? w.gcPauseP99 : w.reqP99;
          if (value < 0) continue;  // nothing to measure in this window: met
          shownValue = util::formatDurationShort(value);
          break;
        case GateCondition::Signal::Timeouts:
          value = w.timeouts;
          shownValue = std::to_string(value);
          break;
      }
      if (value >= cond.limit) {
        w.met = false;
        const std::string name = cond.text.substr(0, cond.text.find('<'));
        w.failed = name + " " + shownValue + " >= " + cond.text.substr(cond.text.find('<') + 1);
        break;
      }
    }
    d.windows.push_back(w);
    if (!w.met) {
      d.outcome = RolloutDecision::Outcome::RolledBack;
      d.reason = w.failed;
      return d;
    }
    if (++metInARow == gate.windowsPerStage) {
      metInARow = 0;
      if (++stage == std::size(kRolloutStages)) {
        d.outcome = RolloutDecision::Outcome::Promoted;
        d.stagePercent = 100;
        return d;
      }
      d.stagePercent = kRolloutStages[stage];
    }
  }
  return d;  // the runs ended first: undecided
}

}  // namespace lab
