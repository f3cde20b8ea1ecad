#include "lab/commands/commands.hpp"

namespace lab {

void registerBuiltinCommands(Registry& registry) {
  registry.add(helpCommand());
  registry.add(versionCommand());
  registry.add(envCommand());
  registry.add(runCommand());
  registry.add(stepCommand());
  registry.add(untilCommand());
  registry.add(continueCommand());
  registry.add(backCommand());
  registry.add(gsCommand());
  registry.add(psCommand());
  registry.add(msCommand());
  registry.add(runqCommand());
  registry.add(sizeclassCommand());
  registry.add(allocCommand());
  registry.add(mstatsCommand());
  registry.add(spansCommand());
  registry.add(gcCommand());
  registry.add(heapCommand());
  registry.add(verifyCommand());
  registry.add(metricsCommand());
  registry.add(rolloutCommand());
}

}  // namespace lab
