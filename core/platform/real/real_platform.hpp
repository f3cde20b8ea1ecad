// The real platform: goroutines run on OS threads (Web Workers under the wasm
// pthreads build), time is the steady clock, and Ms sleep on futexes
// (Atomics.wait under wasm, through the C++20 atomic wait).
#pragma once

#include <mutex>
#include <thread>
#include <vector>

#include "platform/platform.hpp"

namespace rt {

class RealPlatform final : public Platform {
 public:
  ~RealPlatform() override;
  const char* name() const override { return "real"; }
  int64_t nanotime() override;
  bool newosproc(M* mp, void (*fn)(M*)) override;
  void joinThreads() override;
  void notesleep(Note* n) override;
  bool notetsleep(Note* n, int64_t ns) override;
  void notewakeup(Note* n) override;
  void noteclear(Note* n) override;
  void usleep(int64_t us) override;
  void osyield() override;

  // Whether this build can start threads at all (false in the
  // single-threaded wasm build).
  static bool threadsAvailable();

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

}  // namespace rt
