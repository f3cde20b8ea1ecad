#include "lab/lab.hpp"

#include "lab/run_session.hpp"

#include <thread>

#include "lab/heap_session.hpp"
#include "sched/runtime.hpp"
#include "util/release_memory.hpp"

namespace lab {

std::string_view labVersion() { return RTLAB_VERSION; }

HostInfo nativeHostInfo() {
  HostInfo h;
#if defined(__EMSCRIPTEN__)
  h.platform = "wasm32";
  h.wasm = true;
#if defined(__EMSCRIPTEN_PTHREADS__)
  h.threads = true;
#else
  h.threads = false;
#endif
#else
#if defined(__x86_64__)
  h.platform = "linux/amd64";
#elif defined(__aarch64__)
  h.platform = "linux/arm64";
#else
  h.platform = "native";
#endif
#endif
  unsigned n = std::thread::hardware_concurrency();
  h.ncpu = n == 0 ? 1 : static_cast<int>(n);
  return h;
}

Lab::Lab(HostInfo host) : host_(std::move(host)), env_(), shell_(*this) {
  if (host_.ncpu < 1) host_.ncpu = 1;
  env_ = defaultEnv();
}

Lab::~Lab() = default;

void Lab::setSession(std::unique_ptr<RunSession> s) {
  if (session_) {
    session_.reset();  // the previous run's goroutine frames go first
    util::releaseFreedMemory();  // and the memory they held goes back to the OS
  }
  session_ = std::move(s);
  sessionSerial_++;
}

HeapSession& Lab::heapSession() {
  if (!heapSession_) heapSession_ = std::make_unique<HeapSession>();
  return *heapSession_;
}

// What a Go program gets with none of the variables set.
rt::Env Lab::defaultEnv() const {
  rt::Env e;
  e.gomaxprocs = std::min(host_.ncpu, rt::kMaxGomaxprocs);
  return e;
}

}  // namespace lab
