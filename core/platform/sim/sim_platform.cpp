#include "platform/sim/sim_platform.hpp"

#include <algorithm>
#include <utility>

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
  // Go's newosproc is a clone on the calling thread: the caller is busy
  // creating the thread, and the new one runs as the call returns. The
  // simulator charges the caller when a goroutine's own code got here (`go`
  // or a wake-up -> wakep -> newm): its loop goes on only after the new M
  // has started. From the scheduler's own paths (startTheWorld, handoffp)
  // the new M just starts that much later, so that no other M steps in the
  // middle of them (a simplification).
  const int64_t cost = jitter(costs_.newThread);
  schedule(t.get(), now_ + cost, 0);
  threads_.push_back(std::move(t));
  M* caller = getm();
  G* gp = caller ? caller->curg.load(std::memory_order_relaxed) : nullptr;
  if (gp && gp->handoff == Handoff::None) spend(cost);  // in goroutine code (mstart sets None to resume it)
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
    if (stopCheck_ && ++sinceStopCheck_ >= kStopCheckEvery) {
      sinceStopCheck_ = 0;
      if (stopCheck_()) break;
    }
    queue_.pop();
    events_++;
    done_ = done;
    stepping_ = ev.t;
    resumeThread(ev);  // runs the M until its next wait; its charges may run others (charge)
    stepping_ = nullptr;
    // What had to wait for the end of this step: due now or earlier, so it
    // runs next, in its original order (seq).
    for (const Event& d : deferred_) queue_.push(d);
    deferred_.clear();
    if (eventHook_) eventHook_(events_);
  }
  if (done->key.load(std::memory_order_relaxed) != 0) over = true;
  setm(caller);
  return over;
}

// One event: the thread's wait is over, and it runs until its next wait (or
// the end of its body). A deferred event (see charge) may be due before the
// clock: time never goes back, so it runs at the current time.
void SimPlatform::resumeThread(const Event& ev) {
  Thread* t = ev.t;
  now_ = std::max(now_, ev.when);
  t->gen++;
  if (t->wait) {
    t->wait->result = ev.result;
    if (t->wait->note) t->wait->note->simWaiter = nullptr;
    t->wait = nullptr;
  }
  setm(t->mp);
  t->h.resume();
  if (t->h.done()) {
    t->h.destroy();
    t->h = {};
  }
}

// The running M's goroutine performed n runtime operations (newproc, a
// channel operation, a select's cases, an allocation): they take virtual
// time, during which the other Ms go on (see the header).
void SimPlatform::charge(RuntimeOp op, int64_t n) {
  int64_t base = 0;
  switch (op) {
    case RuntimeOp::Newproc: base = costs_.newproc; break;
    case RuntimeOp::ChanOp: base = costs_.chanOp; break;
    case RuntimeOp::SelectCase: base = costs_.selectCase; break;
    case RuntimeOp::MallocSmall: base = costs_.mallocSmall; break;
    case RuntimeOp::MallocLarge: base = costs_.mallocLarge; break;
  }
  if (n > 0) spend(jitter(base * n));
}

// The running M is busy for ns. The outer step's M moves the clock, and the
// others step meanwhile; an M stepping nested inside it (scheduler code
// that creates a thread, say) cannot move the clock under the outer M: its
// next wait ends that much later instead (a park does not: it sleeps anyway).
void SimPlatform::spend(int64_t ns) {
  if (!stepping_ || ns <= 0) return;  // not from an M's step (nothing runs)
  if (nested_) {
    if (Thread* t = threadOf(getm())) t->debt += ns;
    return;
  }
  const int64_t target = now_ + ns;
  runNestedUntil(target);
  now_ = std::max(now_, target);
}

// The events due up to target, except those that would resume a goroutine
// (deferred to the end of the outer step) and the outer M's own.
void SimPlatform::runNestedUntil(int64_t target) {
  Thread* outer = stepping_;
  M* outerM = outer->mp;
  nested_ = true;
  while (!queue_.empty() && queue_.top().when <= target) {
    if (done_ && done_->key.load(std::memory_order_relaxed) != 0) break;  // the run is over
    const Event ev = queue_.top();
    queue_.pop();
    Thread* t = ev.t;
    if (ev.gen != t->gen || !t->h) continue;  // stale: its wait already ended
    // An M with a current goroutine (in its cpu burst, its system call, the
    // scheduling trip before it runs, a stop-the-world it asked for) would
    // run goroutine code next.
    if (t == outer || t->mp->curg.load(std::memory_order_relaxed) != nullptr) {
      deferred_.push_back(ev);
      continue;
    }
    resumeThread(ev);
  }
  nested_ = false;
  setm(outerM);
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
  // The wait starts once what a nested step spent (spend) is paid.
  const int64_t start = now_ + std::exchange(t->debt, 0);
  switch (w.kind) {
    case WaitKind::Note:
      w.note->simWaiter = t;
      break;
    case WaitKind::NoteTimeout:
      // Even a timeout that has already passed costs a trip into the kernel
      // and back. (Without that, an M whose timer is due but whose P is
      // taken would retry at the same virtual instant forever.)
      w.note->simWaiter = t;
      schedule(t, start + std::max(w.ns, jitter(costs_.schedule)), 0);
      break;
    case WaitKind::Compute:
      t->computeEnd = start + w.ns;
      schedule(t, t->computeEnd, 0);
      break;
    case WaitKind::Syscall: {
      // The call's own code (if any) runs at once; the time it "takes" is
      // the duration the goroutine gave it.
      G* gp = w.gp;
      if (gp->call.fn) gp->call.fn(gp->call.arg);
      schedule(t, start + (gp->call.ns > 0 ? gp->call.ns : 0), 0);
      break;
    }
    case WaitKind::Overhead:
      schedule(t, start + jitter(w.ns > 0 ? w.ns : costs_.schedule), 0);
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
