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
// `newThread` (which the goroutine whose `go` created it also spends: see
// newosproc); and the runtime operations a goroutine performs on the way —
// `go` (newproc), a channel operation, a select, an allocation — cost what
// they cost the real engine (charge). The seed adds jitter to every cost but
// the goroutine's own, so different seeds explore different interleavings,
// while steal order comes from each M's cheaprand, seeded from the same seed.
//
// A runtime operation happens in the middle of an M's step, where its
// coroutine cannot suspend (`go f()` is a plain call). So charge() moves the
// clock forward on the spot and, before going on, lets the other Ms whose
// events fall due in that time take their steps — as far as they stay in the
// scheduler: an M woken from its park or just started finds work and steals
// it while a loop of `go` statements is still filling the run queue, as on
// real threads. An event that would resume a goroutine (the end of a cpu
// burst, of a system call, of the scheduling trip before it runs) waits
// until the charging M's step ends: goroutine code never runs nested inside
// another goroutine's operation. Those nested steps are part of the step
// that charged (eventsProcessed counts the outer one), so stepping and the
// lab's snapshots only ever stop between two outer steps.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform/platform.hpp"
#include "platform/sim/event_queue.hpp"

namespace rt {

// The runtime's own costs are the real engine's, measured natively on the
// project's 2-core machine by bench/sched/sched_bench and bench/mem/alloc_bench
// (README.md, "Performance"; bench/README.md says what one op is).
struct SimCosts {
  // One trip through schedule(): BM_GoschedTwoGoroutines, 21.2 ns per
  // Gosched, which is one schedule() plus a global-queue put and get.
  int64_t schedule = 20;
  // newproc (`go f()`): BM_ChainedSpawn, 39.5 ns to create, run and exit a
  // goroutine, less the schedule() trip that runs it.
  int64_t newproc = 20;
  // A channel send, receive or close: BM_ChanPingPong, 78.0 ns per round
  // trip, which is four channel operations and two schedule() trips.
  int64_t chanOp = 10;
  // Per case of a select: no recorded row; selectgo locks and polls every
  // case's channel, so each case is priced as one channel operation.
  int64_t selectCase = 10;
  // A small GC'd allocation: BM_rtlab_AllocOnly32, 4.08 ns per 32 B object
  // (mcache fast path; refills are amortized in that figure).
  int64_t mallocSmall = 4;
  // A large one (> 32 KB): no recorded row; an estimate — a page-allocator
  // call under the heap lock plus zeroing at least 32 KB at ~30 GB/s.
  int64_t mallocLarge = 1000;
  int64_t wakeLatency = 5000;   // notewakeup -> the woken M runs
  int64_t newThread = 20000;    // newosproc -> the new M runs
  int64_t jitterPercent = 50;   // +- this much of every cost above, from the seed
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
  void charge(RuntimeOp op, int64_t n) override;
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
  // The lab's brake (Go has none; lab/interrupt.hpp): polled between two
  // events, every kStopCheckEvery events; when it says stop, runSome returns
  // there as if `until` had been reached, and the run stays paused.
  void setStopCheck(std::function<bool()> check) { stopCheck_ = std::move(check); }
  static constexpr uint64_t kStopCheckEvery = 256;
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
    int64_t debt = 0;          // time spent in a nested step, paid at its next wait
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
  void resumeThread(const Event& ev);
  void runNestedUntil(int64_t target);
  void spend(int64_t ns);
  int64_t jitter(int64_t base);
  Thread* threadOf(M* mp) const;

  SimCosts costs_;
  uint64_t rng_;
  int64_t now_ = kEpoch;
  uint64_t seq_ = 0;
  uint64_t events_ = 0;
  int64_t timeLimit_ = INT64_MAX;
  std::function<void(uint64_t)> eventHook_;
  std::function<bool()> stopCheck_;
  uint64_t sinceStopCheck_ = 0;
  std::vector<std::unique_ptr<Thread>> threads_;
  sim::EventQueue<Event> queue_;
  // While an outer step runs: its thread, whether a charge is letting other
  // Ms step (nested), the events that must wait for the step's end (they
  // would resume a goroutine), and the run's done note.
  Thread* stepping_ = nullptr;
  bool nested_ = false;
  std::vector<Event> deferred_;
  Note* done_ = nullptr;
};

}  // namespace rt
