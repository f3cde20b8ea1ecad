#include <algorithm>

#include "lab/scenarios/builtin.hpp"

namespace lab {

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = [] {
    std::vector<Scenario> v = {skynetScenario(), pingpongScenario(), fanoutScenario(), hogScenario(),
                               syscallsScenario(), timersScenario(), deadlockScenario(), parallelScenario(),
                               allocstressScenario(), binarytreesScenario(), linkedlistScenario(),
                               churnScenario(), mutatorRaceScenario()};
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

std::vector<std::string> scenarioNames() {
  std::vector<std::string> names;
  for (const auto& s : scenarios()) names.push_back(s.name);
  return names;
}

}  // namespace lab
