// A hashed timing wheel — not Go's: the alternative to Go's timer heap that
// the course's source text says it adopted (Netty's HashedWheelTimer, after
// Varghese & Lauck 1987, "scheme 6"), written as the service program's own
// code, as a Go service would write it over a time.Ticker.
//
// Go keeps each P's timers in a 4-ary min-heap ordered by deadline
// (core/sched/timers.cpp; runtime/time.go): adding or removing a timer
// costs O(log n), and the earliest one fires at its deadline (or when its P
// next schedules). A wheel trades exactness for O(1): time is cut into
// ticks, and the wheel is an array of `ticksPerWheel` buckets (a power of
// two). A timeout due in tick k goes into bucket k mod ticksPerWheel with
// the number of whole turns of the wheel still to wait ("rounds"). Every
// tick, the driver visits one bucket: what has no rounds left expires, the
// rest wait one turn less.
//
//        tick 0    1    2    3  ...  7          ticksPerWheel = 8
//       ┌────┬────┬────┬────┬────┬────┐
//       │ a  │    │ b,c│    │... │ d  │    b: due in tick 2, rounds 0
//       └────┴────┴────┴────┴────┴────┘    c: due in tick 10, rounds 1
//
// The price is granularity: a timeout fires at the end of the tick its
// deadline falls in, so up to one tick late (never early), plus however
// late the driver itself runs. Netty's defaults: 100 ms ticks, 512 buckets.
//
// The wheel holds WheelTimeouts it does not own (intrusive lists): a
// timeout must stay alive while it is pending. One thread (or goroutine)
// at a time: the service guards it with a lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lab {

struct WheelTimeout {
  enum class State : uint8_t { Idle, Pending, Expired, Cancelled };
  int64_t deadline = 0;         // absolute, on the clock the wheel was started with
  int64_t remainingRounds = 0;  // whole turns of the wheel still to wait
  uint32_t bucket = 0;
  State state = State::Idle;
  WheelTimeout* prev = nullptr;  // the bucket's list
  WheelTimeout* next = nullptr;
  void* arg = nullptr;  // the owner's, untouched by the wheel
};

class TimingWheel {
 public:
  // Ticks of tickNs from startNs; ticksPerWheel is rounded up to a power of two.
  TimingWheel(int64_t tickNs, uint32_t ticksPerWheel, int64_t startNs);
  TimingWheel(const TimingWheel&) = delete;
  TimingWheel& operator=(const TimingWheel&) = delete;

  // Netty: HashedWheelTimer.newTimeout and transferTimeoutsToBuckets —
  // schedule t (Idle, or done with) to expire at `deadline`. A deadline in
  // the past expires at the next tick.
  void add(WheelTimeout* t, int64_t deadline);
  // Netty: HashedWheelTimeout.cancel — true if t was pending (it will not
  // expire); false if it had expired or was not added.
  bool cancel(WheelTimeout* t);
  // Netty: the worker's loop, one bucket per tick, and
  // HashedWheelBucket.expireTimeouts — process every tick that has ended
  // by `now`, appending what expires to *expired, tick by tick.
  void advance(int64_t now, std::vector<WheelTimeout*>* expired);

  // When the next unprocessed tick ends: the driver sleeps until then.
  int64_t nextTickAt() const { return start_ + (ticks_ + 1) * tick_; }
  int64_t tick() const { return tick_; }
  uint32_t size() const { return mask_ + 1; }
  uint64_t ticksProcessed() const { return uint64_t(ticks_); }
  size_t pending() const { return pending_; }

 private:
  struct Bucket {
    WheelTimeout* head = nullptr;
    WheelTimeout* tail = nullptr;
  };
  void link(Bucket& b, WheelTimeout* t);
  void unlink(Bucket& b, WheelTimeout* t);

  int64_t tick_;
  int64_t start_;
  uint32_t mask_;
  int64_t ticks_ = 0;  // ticks processed: the next tick to process is ticks_
  std::vector<Bucket> wheel_;
  size_t pending_ = 0;
};

}  // namespace lab
