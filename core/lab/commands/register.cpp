#include "lab/commands/commands.hpp"

namespace lab {

void registerBuiltinCommands(Registry& registry) {
  registry.add(helpCommand());
  registry.add(versionCommand());
  registry.add(envCommand());
  registry.add(runCommand());
  registry.add(sizeclassCommand());
  registry.add(allocCommand());
  registry.add(mstatsCommand());
  registry.add(spansCommand());
}

}  // namespace lab
