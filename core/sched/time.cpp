#include "sched/time.hpp"

#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt::time {

namespace {

// Go: time/sleep.go when — the nanotime at which a timer set for d fires.
int64_t when(Duration d) {
  const int64_t now = rt::nanotime();
  if (d <= 0) return now;
  int64_t t = now + d;
  if (t < 0) t = maxWhen;  // N.B. the result of overflow
  return t;
}

// Go: time/sleep.go sendTime — runs on whichever M runs the timer, with no
// goroutine of its own: a non-blocking send, so a slow receiver of a Ticker
// drops ticks instead of blocking the timer.
void sendTime(void* c, uintptr_t) {
  Time now = getm()->rt->platform->nanotime();
  chansendNB(static_cast<hchan*>(c), &now);
}

detail::ownedTimer startTimer(int64_t whenNs, int64_t period) {
  detail::ownedTimer s(new detail::timerState());
  s->r.when = whenNs;
  s->r.period = period;
  s->r.f = sendTime;
  s->r.arg = s->c.raw();
  addtimer(&s->r);  // Go: startTimer
  return s;
}

}  // namespace

void detail::stopAndFree::operator()(timerState* s) const noexcept {
  deltimer(&s->r);  // Go: stopTimer
  delete s;
}

Timer NewTimer(Duration d) {
  Timer t;
  t.s_ = startTimer(when(d), 0);
  t.C = RecvChan<Time>(&t.s_->c);
  return t;
}

bool Timer::Stop() {
  if (!s_) {
    gopanic("time: Stop called on uninitialized Timer");
    return false;
  }
  return deltimer(&s_->r);  // Go: stopTimer
}

bool Timer::Reset(Duration d) {
  if (!s_) {
    gopanic("time: Reset called on uninitialized Timer");
    return false;
  }
  return modtimer(&s_->r, when(d), 0);  // Go: resetTimer
}


Ticker NewTicker(Duration d) {
  Ticker t;
  if (d <= 0) {
    gopanic("non-positive interval for NewTicker");
    return t;  // nil C
  }
  t.s_ = startTimer(when(d), d);
  t.C = RecvChan<Time>(&t.s_->c);
  return t;
}

Ticker Tick(Duration d) {
  if (d <= 0) return Ticker();
  return NewTicker(d);
}

void Ticker::Stop() {
  if (s_) deltimer(&s_->r);  // Go: stopTimer
}

void Ticker::Reset(Duration d) {
  if (d <= 0) {
    gopanic("non-positive interval for Ticker.Reset");
    return;
  }
  if (!s_) {
    gopanic("time: Reset called on uninitialized Ticker");
    return;
  }
  modtimer(&s_->r, when(d), d);  // Go: modTimer
}

}  // namespace rt::time
