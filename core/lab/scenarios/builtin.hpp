// The built-in scenarios, one file each.
#pragma once

#include "lab/scenarios/scenario.hpp"

namespace lab {

Scenario skynetScenario();
Scenario pingpongScenario();
Scenario fanoutScenario();
Scenario hogScenario();
Scenario syscallsScenario();
Scenario timersScenario();
Scenario deadlockScenario();
Scenario parallelScenario();
Scenario allocstressScenario();
Scenario binarytreesScenario();
Scenario linkedlistScenario();
Scenario churnScenario();
Scenario mutatorRaceScenario();
Scenario serviceScenario();

}  // namespace lab
