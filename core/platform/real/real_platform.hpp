// The real platform: goroutines run on OS threads (Web Workers under the wasm
// pthreads build), time is the steady clock, and Ms sleep on futexes
// (Atomics.wait under wasm, through the C++20 atomic wait). Every MWait is
// performed on the spot, so an M's coroutine never suspends.
#pragma once

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/platform.hpp"

namespace rt {

class RealPlatform final : public Platform {
 public:
  ~RealPlatform() override;
  const char* name() const override { return "real"; }
  bool parallel() const override { return true; }
  int64_t nanotime() override;
  bool newosproc(M* mp, MTask body) override;
  std::string runUntil(Note* done, const std::function<void()>& wakeAll) override;
  bool waitNow(MWait& w) override;
  void waitLater(MWait& w, coro::coroutine_handle<> h) override;
  void notewakeup(Note* n) override;
  void noteclear(Note* n) override;
  void preemptM(M*) override {}
  bool backoffForVictim(int64_t us) override {
    usleep(us);
    return false;
  }
  void usleep(int64_t us) override;
  void osyield() override;

  // Whether this build can start threads at all (false in the
  // single-threaded wasm build).
  static bool threadsAvailable();

 private:
  void notesleep(Note* n);
  bool notetsleep(Note* n, int64_t ns);
  void joinThreads();
  void sleepUnlessEnding(int64_t ns);

  std::mutex mu_;
  std::vector<std::thread> threads_;
  // Set once the run is over (done woken): an M still in a cpu burst or in
  // a sleeping system call stops it at once rather than at its end, so a run
  // the lab ends (an interrupt, a limit: lab/interrupt.hpp) or whose main
  // returned does not wait for a `cpu 1h`. Go has no such thing: its exit
  // simply kills the process's threads wherever they are.
  std::atomic<bool> ending_{false};
};

}  // namespace rt
