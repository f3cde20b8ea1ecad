// GODEBUG=schedtrace=X and scheddetail=1: the scheduler's state as one line
// (or, detailed, one line per P, M and G), in current Go's exact format.
#pragma once

#include <string>

namespace rt {

class Runtime;

// Go: runtime/proc.go schedtrace (tip's format: needspinning=, "[ 0 0 ]",
// schedticks=[ ... ], and nil for a missing M/P/G in detailed mode).
std::string schedtrace(Runtime* rt, bool detailed);

}  // namespace rt
