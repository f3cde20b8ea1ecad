#include "runtime/throw.hpp"

#include <cstdio>
#include <cstdlib>

namespace rt {

// Go: runtime/panic.go throw
void throwFatal(const char* msg) {
  std::fprintf(stderr, "fatal error: %s\n", msg);
  std::fflush(stderr);
  std::abort();
}

}  // namespace rt
