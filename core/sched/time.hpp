// Package time's timers and tickers: channels that a runtime timer sends
// the time on (Go: time/sleep.go, time/tick.go, over runtime/time.go).
//
// Written as code inside namespace rt spells it (elsewhere: rt::time::...):
//
//   int64_t v;
//   int chosen = co_await select(recvCase(c, &v), recvCase(time::After(50 * time::Millisecond)));
//   if (chosen == 1) ...                       // Go: case <-time.After(50 * time.Millisecond):
//
//   time::Timer t = time::NewTimer(d);         // t := time.NewTimer(d)
//   time::Time fired = co_await t.C.recv();    // <-t.C
//   bool stopped = t.Stop();                   // t.Stop()
//   t.Reset(d);                                // t.Reset(d)
//
//   time::Ticker tk = time::NewTicker(10 * time::Millisecond);
//   co_await tk.C.recv();                      // <-tk.C
//   tk.Stop();
//
// (Not `using namespace rt::time` inside namespace rt: rt::Timer is an entry
// of a P's timer heap, so a plain Timer would be ambiguous.)
//
// As in Go 1.19: each channel has capacity 1, and the timer sends without
// blocking (sendTime), so a Ticker whose receiver is slow drops ticks; Stop
// does not drain the channel; Stop and Reset say whether the timer was
// still pending. The value sent is the time the timer ran, as rt::nanotime
// reads it (Go sends time.Now(); the lab has only the monotonic clock).
//
// Where the lab differs: Go's Timer and Ticker are pointers the garbage
// collector keeps alive while a timer is pending. Here they are handles
// that own their timer: destroying one stops it. So time.After(d) and
// time.Tick(d) return the Timer / Ticker, whose C you receive from; passed
// to recvCase, After's timer lives exactly as long as the select.
// Create, Stop and Reset them from goroutines (a timer starts on the
// current P's heap). Their panics (a non-positive Ticker interval, a zero
// Timer) end the run as Go's do; being plain calls, the goroutine stops at
// its next co_await (see gopanic in chan.cpp).
#pragma once

#include <cstdint>
#include <memory>

#include "sched/chan.hpp"
#include "sched/select.hpp"
#include "sched/timers.hpp"

namespace rt::time {

// Go: time.Duration, in nanoseconds, with its constants.
using Duration = int64_t;
inline constexpr Duration Nanosecond = 1;
inline constexpr Duration Microsecond = 1000 * Nanosecond;
inline constexpr Duration Millisecond = 1000 * Microsecond;
inline constexpr Duration Second = 1000 * Millisecond;

// What the channels carry: the time the timer ran (rt::nanotime).
using Time = int64_t;

namespace detail {
// A runtime timer and the channel it sends on, at a fixed address (the P's
// heap points at the timer, the timer at the channel).
struct timerState {
  runtimeTimer r;
  Chan<Time> c{1};
};
// A handle owns its runtime timer: dropping it, or assigning over it, stops
// the timer before freeing it. (In Go 1.19 a Timer nobody references still
// fires, and such a Ticker ticks forever, time.Tick's leak; C++ has no
// collector to keep the state alive for it.)
struct stopAndFree {
  void operator()(timerState* s) const noexcept;
};
using ownedTimer = std::unique_ptr<timerState, stopAndFree>;
}  // namespace detail

// Go: time.Timer
class Timer {
 public:
  RecvChan<Time> C;  // Go: Timer.C — the time is sent here when it fires

  // Go: (*Timer).Stop — true if the call stopped the timer, false if it had
  // already fired or been stopped. It does not drain C.
  bool Stop();
  // Go: (*Timer).Reset — re-arms it to fire after d; true if it was still
  // pending. As in Go, drain C first if the timer may have fired.
  bool Reset(Duration d);

  Timer() = default;  // like a zero time.Timer: Stop and Reset panic
  Timer(Timer&& o) noexcept = default;
  Timer& operator=(Timer&& o) noexcept = default;
  // Destroying it stops it (waits if it is firing on another thread).

 private:
  friend Timer NewTimer(Duration d);
  detail::ownedTimer s_;
};

// Go: time.NewTimer — sends the time on C once, after d (at once if d <= 0).
Timer NewTimer(Duration d);
// Go: time.After(d), which is NewTimer(d).C: receive from its C, or pass it
// to rt::recvCase, which keeps it for the select.
inline Timer After(Duration d) { return NewTimer(d); }

// Go: time.Ticker
class Ticker {
 public:
  RecvChan<Time> C;  // Go: Ticker.C

  // Go: (*Ticker).Stop — no more ticks (one already sent stays in C).
  void Stop();
  // Go: (*Ticker).Reset — stops it and resets its period to d; the next tick
  // comes after d. d must be > 0.
  void Reset(Duration d);

  Ticker() = default;
  Ticker(Ticker&& o) noexcept = default;
  Ticker& operator=(Ticker&& o) noexcept = default;

 private:
  friend Ticker NewTicker(Duration d);
  detail::ownedTimer s_;
};

// Go: time.NewTicker — a tick every d (d must be > 0: Go panics otherwise).
Ticker NewTicker(Duration d);
// Go: time.Tick — NewTicker's Ticker, or, for d <= 0, one whose C is nil
// (a receive from it never proceeds).
Ticker Tick(Duration d);

}  // namespace rt::time

namespace rt {

// rt::recvCase(rt::time::After(d), &t): the case owns the timer.
inline OwningRecvCase<time::Time, time::Timer> recvCase(time::Timer&& t, time::Time* into = nullptr,
                                                        bool* ok = nullptr) {
  Chan<time::Time>* c = t.C.chan();
  return OwningRecvCase<time::Time, time::Timer>{std::move(t), RecvCase<time::Time>{c, into, ok, {}}};
}

}  // namespace rt
