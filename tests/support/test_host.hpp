// A lab host with fixed properties, so tests do not depend on the machine.
#pragma once

#include "lab/lab.hpp"

namespace testhost {

inline lab::HostInfo fixed(int ncpu) {
  lab::HostInfo h;
  h.platform = "test";
  h.ncpu = ncpu;
  return h;
}

}  // namespace testhost
