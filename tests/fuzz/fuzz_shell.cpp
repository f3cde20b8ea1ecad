// libFuzzer entry point for fuzz::shellLine (targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::shellLine(data, size);
  return 0;
}
