#include <algorithm>
#include <string>

#include "lab/scenarios/builtin.hpp"
#include "runtime/throw.hpp"
#include "util/duration.hpp"

namespace lab {

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = [] {
    std::vector<Scenario> v = {skynetScenario(), pingpongScenario(), fanoutScenario(), hogScenario(),
                               syscallsScenario(), timersScenario(), deadlockScenario(), parallelScenario(),
                               allocstressScenario(), binarytreesScenario(), linkedlistScenario(),
                               churnScenario(), mutatorRaceScenario(), serviceScenario()};
    std::sort(v.begin(), v.end(), [](const Scenario& a, const Scenario& b) { return a.name < b.name; });
    return v;
  }();
  return all;
}

const Scenario* findScenario(std::string_view name) {
  for (const auto& s : scenarios())
    if (s.name == name) return &s;
  return nullptr;
}

int64_t ScenarioParams::option(std::string_view name) const {
  auto it = options.find(name);
  // Every option of the scenario is filled in by `run`: a missing one is a
  // scenario asking for a flag it did not declare.
  if (it == options.end()) rt::throwFatal(("scenario option --" + std::string(name) + " was not declared").c_str());
  return it->second;
}

int64_t optionValue(const FlagSpec& option, std::string_view text) {
  switch (option.type) {
    case FlagType::Bool: return text == "true" || text == "1";
    case FlagType::Duration: return util::parseDuration(text).value_or(0);
    case FlagType::Choice: {
      auto it = std::find(option.choices.begin(), option.choices.end(), text);
      return it == option.choices.end() ? 0 : int64_t(it - option.choices.begin());
    }
    default: return std::stoll(std::string(text));
  }
}

std::map<std::string, int64_t, std::less<>> defaultOptions(const Scenario& sc) {
  std::map<std::string, int64_t, std::less<>> options;
  for (const FlagSpec& f : sc.options) options[f.name] = optionValue(f, f.defaultValue);
  return options;
}

std::vector<std::string> scenarioNames() {
  std::vector<std::string> names;
  for (const auto& s : scenarios()) names.push_back(s.name);
  return names;
}

}  // namespace lab
