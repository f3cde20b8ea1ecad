#include "lab/scenarios/timing_wheel.hpp"

#include <algorithm>
#include <bit>

namespace lab {

TimingWheel::TimingWheel(int64_t tickNs, uint32_t ticksPerWheel, int64_t startNs)
    : tick_(std::max<int64_t>(tickNs, 1)),
      start_(startNs),
      mask_(std::bit_ceil(std::max<uint32_t>(ticksPerWheel, 1)) - 1),
      wheel_(size_t(mask_) + 1) {}

void TimingWheel::link(Bucket& b, WheelTimeout* t) {
  t->next = nullptr;
  t->prev = b.tail;
  if (b.tail) b.tail->next = t;
  else b.head = t;
  b.tail = t;
}

void TimingWheel::unlink(Bucket& b, WheelTimeout* t) {
  if (t->prev) t->prev->next = t->next;
  else b.head = t->next;
  if (t->next) t->next->prev = t->prev;
  else b.tail = t->prev;
  t->prev = t->next = nullptr;
}

// Netty: transferTimeoutsToBuckets, for one timeout.
void TimingWheel::add(WheelTimeout* t, int64_t deadline) {
  t->deadline = deadline;
  // The tick the deadline falls in, counted from the start (a deadline
  // before the start is in tick 0).
  const int64_t calculated = deadline > start_ ? (deadline - start_) / tick_ : 0;
  // Turns of the wheel to wait from the next tick the driver processes.
  t->remainingRounds = std::max<int64_t>(calculated - ticks_, 0) >> std::countr_one(mask_);
  // Never into a tick already processed: a late add expires at the next one.
  const int64_t ticks = std::max(calculated, ticks_);
  t->bucket = uint32_t(ticks) & mask_;
  t->state = WheelTimeout::State::Pending;
  link(wheel_[t->bucket], t);
  pending_++;
}

bool TimingWheel::cancel(WheelTimeout* t) {
  if (t->state != WheelTimeout::State::Pending) return false;
  unlink(wheel_[t->bucket], t);
  t->state = WheelTimeout::State::Cancelled;
  pending_--;
  return true;
}

// Netty: the worker's loop (waitForNextTick, then the bucket of this tick)
// and HashedWheelBucket.expireTimeouts.
void TimingWheel::advance(int64_t now, std::vector<WheelTimeout*>* expired) {
  while (nextTickAt() <= now) {
    Bucket& b = wheel_[uint32_t(ticks_) & mask_];
    for (WheelTimeout* t = b.head; t != nullptr;) {
      WheelTimeout* next = t->next;
      if (t->remainingRounds <= 0) {
        // Due in this tick: its deadline is before the tick's end.
        unlink(b, t);
        t->state = WheelTimeout::State::Expired;
        pending_--;
        expired->push_back(t);
      } else {
        t->remainingRounds--;
      }
      t = next;
    }
    ticks_++;
  }
}

}  // namespace lab
