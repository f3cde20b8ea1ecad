// libFuzzer entry point for fuzz::envValue (targets.hpp).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::envValue(data, size);
  return 0;
}
