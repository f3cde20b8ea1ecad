// The simulated platform: Ms are coroutines in a discrete-event loop, and
// time is virtual nanoseconds that move only from event to event.
//
// The scheduler does not know it is simulated. Its Ms run the same mstart
// and sysmon bodies as on real threads; where the real platform blocks a
// thread (a note sleep, a system call, a cpu burst), the simulator suspends
// the M's coroutine and puts an event on its queue for when the wait ends.
// Exactly one M runs at a time, between two of its waits, so a run is a
// pure function of its inputs: the same scenario, flags and seed give the
// same events in the same order, on every machine and in the browser.
//
// What costs virtual time (SimCosts): cpu bursts and system calls take what
// the goroutine asked for; each trip through the scheduler costs
// `schedule`; a woken M starts running `wakeLatency` later (a futex wake is
// not instantaneous, which is why Go keeps spinning Ms); a new thread
// `newThread`. The seed adds jitter to the last three, so different seeds
// explore different interleavings, while steal order comes from each M's
// cheaprand, seeded from the same seed.
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "platform/platform.hpp"

namespace rt {

struct SimCosts {
  int64_t schedule = 200;       // one trip through the scheduler
  int64_t wakeLatency = 5000;   // notewakeup -> the woken M runs
  int64_t newThread = 20000;    // newosproc -> the new M runs
  int64_t jitterPercent = 50;   // +- this much of the three above, from the seed
};

class SimPlatform final : public Platform {
 public:
  explicit SimPlatform(uint64_t seed, SimCosts costs = {});
  ~SimPlatform() override;
  SimPlatform(const SimPlatform&) = delete;
  SimPlatform& operator=(const SimPlatform&) = delete;

  const char* name() const override { return "sim"; }
  bool parallel() const override { return false; }
  int64_t nanotime() override { return now_; }
  bool newosproc(M* mp, MTask body) override;
  std::string runUntil(Note* done, const std::function<void()>& wakeAll) override;
  bool waitNow(MWait& w) override;
  void waitLater(MWait& w, coro::coroutine_handle<> h) override;
  void notewakeup(Note* n) override;
  void noteclear(Note* n) override;
  void preemptM(M* mp) override;
  bool backoffForVictim(int64_t us) override;
  void usleep(int64_t) override {}
  void osyield() override {}

  // runUntil stops early, and says why, when virtual time would pass this,
  // or when no event is left while the runtime still waits (a lost wakeup).
  void setTimeLimit(int64_t ns) { timeLimit_ = ns; }

  // Stepping: processes at most maxEvents events, none due after `until`,
  // stopping early if done is woken. True when the run is over — done woken,
  // or cut short (then *cutShort says why).
  bool runSome(Note* done, uint64_t maxEvents, int64_t until, std::string* cutShort);
  // Called after every event with the number of events processed so far
  // (the lab's stepping keeps a map from events to trace positions).
  void setEventHook(std::function<void(uint64_t)> hook) { eventHook_ = std::move(hook); }
  // When the next event is due (INT64_MAX if none).
  int64_t nextEventTime() const { return queue_.empty() ? INT64_MAX : queue_.top().when; }
  uint64_t eventsProcessed() const { return events_; }

  // Virtual time starts here, not at 0: Go's clocks never read 0, and the
  // scheduler uses sched.lastpoll == 0 to mean "an M is waiting in netpoll".
  static constexpr int64_t kEpoch = 1;

 private:
  struct Thread {
    M* mp = nullptr;
    coro::coroutine_handle<> h;
    MWait* wait = nullptr;     // what it is blocked on, while suspended
    uint64_t gen = 0;          // bumped when its wait ends: older events are stale
    int64_t computeEnd = 0;    // while in a Compute wait: when it completes
    int64_t backoffEnd = 0;    // when its last runqgrab back-off ended
  };
  struct Event {
    int64_t when;
    uint64_t seq;  // ties in time run in the order they were scheduled
    Thread* t;
    uint64_t gen;
    int64_t result;
    bool operator>(const Event& o) const { return when != o.when ? when > o.when : seq > o.seq; }
  };

  void schedule(Thread* t, int64_t when, int64_t result);
  int64_t jitter(int64_t base);
  Thread* threadOf(M* mp) const;

  SimCosts costs_;
  uint64_t rng_;
  int64_t now_ = kEpoch;
  uint64_t seq_ = 0;
  uint64_t events_ = 0;
  int64_t timeLimit_ = INT64_MAX;
  std::function<void(uint64_t)> eventHook_;
  std::vector<std::unique_ptr<Thread>> threads_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
};

}  // namespace rt
