// libFuzzer entry point for fuzz::scenarioScript (targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::scenarioScript(data, size);
  return 0;
}
