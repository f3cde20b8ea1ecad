// The lab's commands. Each file in this directory defines one command (its
// spec and its handler); register.cpp lists them.
#pragma once

#include "lab/shell/command.hpp"

namespace lab {

void registerBuiltinCommands(Registry& registry);

// Completion values for a size-class argument: "0" .. "67" (sizeclass, spans).
std::vector<std::string> sizeClassNumbers(const Lab&);

CommandSpec helpCommand();
CommandSpec versionCommand();
CommandSpec envCommand();
CommandSpec runCommand();
CommandSpec stepCommand();
CommandSpec untilCommand();
CommandSpec continueCommand();
CommandSpec backCommand();
CommandSpec gsCommand();
CommandSpec psCommand();
CommandSpec msCommand();
CommandSpec runqCommand();
CommandSpec sizeclassCommand();
CommandSpec allocCommand();
CommandSpec mstatsCommand();
CommandSpec spansCommand();
CommandSpec gcCommand();
CommandSpec heapCommand();
CommandSpec verifyCommand();
CommandSpec metricsCommand();
CommandSpec rolloutCommand();

}  // namespace lab
