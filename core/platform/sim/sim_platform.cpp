#include "platform/sim/sim_platform.hpp"

#include <algorithm>

#include "runtime/throw.hpp"
#include "sched/g.hpp"
#include "sched/m.hpp"

namespace rt {

SimPlatform::SimPlatform(uint64_t seed, SimCosts costs) : costs_(costs), rng_(seed * 0x9E3779B97F4A7C15ULL + 7) {
  chargesOverhead = true;
}

SimPlatform::~SimPlatform() {
  // Ms still suspended when the run ended hold no locks (waits never do):
  // their frames can simply go.
  for (auto& t : threads_)
    if (t->h) t->h.destroy();
}

// splitmix64: the simulator's own seeded generator, for cost jitter only.
int64_t SimPlatform::jitter(int64_t base) {
  if (base <= 0 || costs_.jitterPercent <= 0) return base;
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  const int64_t span = base * costs_.jitterPercent / 100;
  if (span <= 0) return base;
  return base - span + static_cast<int64_t>(z % static_cast<uint64_t>(2 * span + 1));
}

SimPlatform::Thread* SimPlatform::threadOf(M* mp) const { return static_cast<Thread*>(mp->osThread); }

void SimPlatform::schedule(Thread* t, int64_t when, int64_t result) {
  queue_.push(Event{when, seq_++, t, t->gen, result});
}

bool SimPlatform::newosproc(M* mp, MTask body) {
  auto t = std::make_unique<Thread>();
  t->mp = mp;
  t->h = body.h;
  mp->osThread = t.get();
  schedule(t.get(), now_ + jitter(costs_.newThread), 0);
  threads_.push_back(std::move(t));
  return true;
}

std::string SimPlatform::runUntil(Note* done, const std::function<void()>&) {
  std::string cutShort;
  while (!runSome(done, UINT64_MAX, INT64_MAX, &cutShort)) {
  }
  return cutShort;
}

bool SimPlatform::runSome(Note* done, uint64_t maxEvents, int64_t until, std::string* cutShort) {
  M* caller = getm();
  bool over = false;
  for (uint64_t n = 0; n < maxEvents; n++) {
    if (done->key.load(std::memory_order_relaxed) != 0) {
      over = true;
      break;
    }
    // Drop events whose wait already ended another way.
    while (!queue_.empty() && (queue_.top().gen != queue_.top().t->gen || !queue_.top().t->h)) queue_.pop();
    if (queue_.empty()) {
      *cutShort = "simulator: every M is blocked and no event is pending (a lost wakeup)";
      over = true;
      break;
    }
    const Event ev = queue_.top();
    if (ev.when > timeLimit_) {
      *cutShort = "simulator: time limit reached";
      over = true;
      break;
    }
    if (ev.when > until) break;
    queue_.pop();
    Thread* t = ev.t;
    now_ = ev.when;
    events_++;
    t->gen++;
    if (t->wait) {
      t->wait->result = ev.result;
      if (t->wait->note) t->wait->note->simWaiter = nullptr;
      t->wait = nullptr;
    }
    setm(t->mp);
    t->h.resume();  // runs the M until its next wait (or the end of its body)
    if (t->h.done()) {
      t->h.destroy();
      t->h = {};
    }
    if (eventHook_) eventHook_(events_);
  }
  if (done->key.load(std::memory_order_relaxed) != 0) over = true;
  setm(caller);
  return over;
}

bool SimPlatform::waitNow(MWait& w) {
  switch (w.kind) {
    case WaitKind::Note:
    case WaitKind::NoteTimeout:
      if (w.note->key.load(std::memory_order_relaxed) != 0) {
        w.result = 1;  // already woken: a note is one-shot, not a queue
        return true;
      }
      return false;
    case WaitKind::Compute:
      w.result = 0;
      return w.ns <= 0;
    case WaitKind::Syscall:
    case WaitKind::Overhead:
      return false;
  }
  return false;
}

void SimPlatform::waitLater(MWait& w, coro::coroutine_handle<> h) {
  Thread* t = threadOf(w.mp);
  t->h = h;
  t->wait = &w;
  switch (w.kind) {
    case WaitKind::Note:
      w.note->simWaiter = t;
      break;
    case WaitKind::NoteTimeout:
      // Even a timeout that has already passed costs a trip into the kernel
      // and back. (Without that, an M whose timer is due but whose P is
      // taken would retry at the same virtual instant forever.)
      w.note->simWaiter = t;
      schedule(t, now_ + std::max(w.ns, jitter(costs_.schedule)), 0);
      break;
    case WaitKind::Compute:
      t->computeEnd = now_ + w.ns;
      schedule(t, t->computeEnd, 0);
      break;
    case WaitKind::Syscall: {
      // The call's own code (if any) runs at once; the time it "takes" is
      // the duration the goroutine gave it.
      G* gp = w.gp;
      if (gp->call.fn) gp->call.fn(gp->call.arg);
      schedule(t, now_ + (gp->call.ns > 0 ? gp->call.ns : 0), 0);
      break;
    }
    case WaitKind::Overhead:
      schedule(t, now_ + jitter(w.ns > 0 ? w.ns : costs_.schedule), 0);
      break;
  }
}

void SimPlatform::notewakeup(Note* n) {
  n->key.store(1, std::memory_order_relaxed);
  if (auto* t = static_cast<Thread*>(n->simWaiter)) {
    n->simWaiter = nullptr;
    t->gen++;  // cancels a pending timeout
    schedule(t, now_ + jitter(costs_.wakeLatency), 1);
  }
}

bool SimPlatform::backoffForVictim(int64_t us) {
  Thread* t = threadOf(getm());
  const int64_t ns = us * 1000;
  if (t->backoffEnd != 0 && now_ >= t->backoffEnd && now_ <= t->backoffEnd + ns) {
    t->backoffEnd = 0;  // backed off already: steal now
    return false;
  }
  t->backoffEnd = now_ + ns;
  return true;
}

void SimPlatform::noteclear(Note* n) { n->key.store(0, std::memory_order_relaxed); }

// Go: preemptM sends SIGURG; the G stops where it is. Here: a G in the
// middle of a cpu burst stops now, and its M gets back how much was left.
void SimPlatform::preemptM(M* mp) {
  Thread* t = threadOf(mp);
  if (!t || !t->wait || t->wait->kind != WaitKind::Compute) return;
  const int64_t left = t->computeEnd - now_;
  if (left <= 0) return;  // completing at this very instant anyway
  t->gen++;
  schedule(t, now_, left);
}

}  // namespace rt
