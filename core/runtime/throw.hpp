// Go: runtime/panic.go throw — an internal invariant is broken.
//
// In Go this kills the process with "fatal error: <msg>". In the lab it also
// stops the process: a broken scheduler invariant is a bug in the lab, and
// continuing would only produce wrong lessons. (Errors a Go *program* can
// cause, like a deadlock, are not throws: they end the run and the lab goes on.)
#pragma once

namespace rt {

[[noreturn]] void throwFatal(const char* msg);

}  // namespace rt
