#include "sched/runq.hpp"

#include <cassert>

#include "sched/runtime.hpp"
#include "runtime/throw.hpp"
#include "util/prefetch.hpp"

namespace rt {

namespace {
constexpr uint32_t kMask = kRunqSize - 1;  // 256 is a power of two: i % 256 == i & 255

// NOT GO: GQueue::pop for globrunqget's walk: it also asks for the G the
// popped one's schedlinkAhead names (g.hpp), which the walk reaches
// kSchedlinkAhead pops later, and clears the hint.
G* globrunqpop(Sched& s) {
  G* gp = s.runq.pop();
  if (G* ahead = gp->schedlinkAhead) {
    util::prefetch(ahead);
    gp->schedlinkAhead = nullptr;
  }
  return gp;
}
}  // namespace

// Go: runtime/proc.go runqput
void runqput(P* pp, G* gp, bool next) {
  if (next) {
    // Only the owner stores non-nil into runnext, but thieves may CAS it to
    // nil concurrently, hence the loop. acq_rel: a thief that takes the G
    // sees the writes made to it before it was published here.
    G* oldnext = pp->runnext.load(std::memory_order_relaxed);
    while (!pp->runnext.compare_exchange_weak(oldnext, gp, std::memory_order_acq_rel, std::memory_order_relaxed)) {
    }
    if (oldnext == nullptr) return;
    gp = oldnext;  // kick the old runnext out to the tail of the ring
  }
  for (;;) {
    // acquire: pairs with the release CAS of consumers, so the slots they
    // have consumed are free for us to overwrite.
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_relaxed);  // we are its only writer
    if (t - h < kRunqSize) {
      pp->runq[t & kMask].store(gp, std::memory_order_relaxed);
      // release: makes the slot's contents visible to consumers that
      // acquire-load the tail (runqget, runqgrab).
      pp->runqtail.store(t + 1, std::memory_order_release);
      return;
    }
    if (runqputslow(pp, gp, h, t)) return;
    // The ring was not full after all (a thief took from it): retry.
  }
}

// Go: runtime/proc.go runqputslow
bool runqputslow(P* pp, G* gp, uint32_t h, uint32_t t) {
  G* batch[kRunqSize / 2 + 1];
  uint32_t n = (t - h) / 2;
  if (n != kRunqSize / 2) throwFatal("runqputslow: queue is not full");
  for (uint32_t i = 0; i < n; i++) batch[i] = pp->runq[(h + i) & kMask].load(std::memory_order_relaxed);
  // release: commits the consumption (pairs with the acquire load of head in
  // runqput/runqgrab); acquire on failure is not needed, we return.
  if (!pp->runqhead.compare_exchange_strong(h, h + n, std::memory_order_release, std::memory_order_relaxed))
    return false;
  batch[n] = gp;
  // Link the goroutines: the 128 oldest first, the new one last.
  for (uint32_t i = 0; i < n; i++) batch[i]->schedlink = batch[i + 1];
  // NOT GO: and the prefetch hints globrunqget follows (g.hpp schedlinkAhead).
  for (uint32_t i = 0; i <= n; i++)
    batch[i]->schedlinkAhead = i + kSchedlinkAhead <= n ? batch[i + kSchedlinkAhead] : nullptr;
  GQueue q;
  q.head = batch[0];
  q.tail = batch[n];
  q.tail->schedlink = nullptr;
  q.size = static_cast<int32_t>(n + 1);
  Runtime* rt = pp->rt;
  rt->stats.globalQueueSpills.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(rt->sched.lock);
  globrunqputbatch(rt, &q);
  return true;
}

// Go: runtime/proc.go runqputbatch
void runqputbatch(P* pp, GQueue* q) {
  uint32_t h = pp->runqhead.load(std::memory_order_acquire);  // pairs with consumers' release CAS
  uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
  while (!q->empty() && t - h < kRunqSize) {
    pp->runq[t & kMask].store(q->pop(), std::memory_order_relaxed);
    t++;
  }
  pp->runqtail.store(t, std::memory_order_release);  // publishes the slots, as in runqput
  if (!q->empty()) {
    std::lock_guard lock(pp->rt->sched.lock);
    globrunqputbatch(pp->rt, q);
  }
}

// Go: runtime/proc.go runqget
G* runqget(P* pp, bool* inheritTime) {
  // If there's a runnext, it's the next G to run. A failed CAS can only mean
  // a thief took it (only we set it non-nil), so there is no need to retry.
  G* next = pp->runnext.load(std::memory_order_acquire);
  if (next && pp->runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) {
    *inheritTime = true;
    return next;
  }
  *inheritTime = false;
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);  // synchronize with other consumers
    uint32_t t = pp->runqtail.load(std::memory_order_relaxed);  // we are the producer
    if (t == h) return nullptr;
    G* gp = pp->runq[h & kMask].load(std::memory_order_relaxed);
    // release: commits the consume (pairs with the acquire load in runqput).
    if (pp->runqhead.compare_exchange_weak(h, h + 1, std::memory_order_release, std::memory_order_relaxed))
      return gp;
  }
}

// Go: runtime/proc.go runqempty
bool runqempty(P* pp) {
  // Defend against a race where (1) pp has G1 in runnext but head == tail,
  // (2) runqput kicks G1 into the ring, (3) runqget empties runnext. Seeing
  // head == tail and then runnext == nil does not mean the queue is empty,
  // unless the tail did not move in between. seq_cst, as Go's atomic.Load.
  for (;;) {
    uint32_t head = pp->runqhead.load();
    uint32_t tail = pp->runqtail.load();
    G* runnext = pp->runnext.load();
    if (tail == pp->runqtail.load()) return head == tail && runnext == nullptr;
  }
}

uint32_t runqlen(const P* pp) {
  return pp->runqtail.load(std::memory_order_relaxed) - pp->runqhead.load(std::memory_order_relaxed);
}

// Go: runtime/proc.go runqgrab
uint32_t runqgrab(P* pp, std::atomic<G*>* batch, uint32_t batchHead, bool stealRunNextG) {
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);  // synchronize with other consumers
    uint32_t t = pp->runqtail.load(std::memory_order_acquire);  // synchronize with the producer
    uint32_t n = t - h;
    n = n - n / 2;  // half, rounded up
    if (n == 0) {
      if (stealRunNextG) {
        G* next = pp->runnext.load(std::memory_order_acquire);
        if (next) {
          if (pp->status.load(std::memory_order_acquire) == Pstatus::Running) {
            // The victim's running G may have just readied `next` and be
            // about to block, in which case the victim will run it in a few
            // nanoseconds. Back off (a sync chan send/recv takes ~50ns, so
            // 3us gives ~50x overshoot) instead of thrashing Gs between Ps.
            if (pp->rt->platform->backoffForVictim(3)) {
              // The simulator: the thief's M waits in mstart instead (see
              // findRunnable) and then looks for work again.
              if (M* thief = getm()) thief->stealBackoff = true;
              return 0;
            }
          }
          if (!pp->runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) continue;
          batch[batchHead & kMask].store(next, std::memory_order_relaxed);
          return 1;
        }
      }
      return 0;
    }
    if (n > kRunqSize / 2) continue;  // read an inconsistent h and t
    for (uint32_t i = 0; i < n; i++)
      batch[(batchHead + i) & kMask].store(pp->runq[(h + i) & kMask].load(std::memory_order_relaxed),
                                          std::memory_order_relaxed);
    // release: commits the consume; if another consumer moved head first, the
    // slots we copied may be stale and we start over.
    if (pp->runqhead.compare_exchange_weak(h, h + n, std::memory_order_release, std::memory_order_relaxed)) return n;
  }
}

// Go: runtime/proc.go runqsteal
G* runqsteal(P* pp, P* p2, bool stealRunNextG) {
  uint32_t t = pp->runqtail.load(std::memory_order_relaxed);  // we own pp's tail
  uint32_t n = runqgrab(p2, pp->runq, t, stealRunNextG);
  if (n == 0) return nullptr;
  n--;
  G* gp = pp->runq[(t + n) & kMask].load(std::memory_order_relaxed);
  if (n == 0) return gp;
  uint32_t h = pp->runqhead.load(std::memory_order_acquire);  // synchronize with consumers
  if (t - h + n >= kRunqSize) throwFatal("runqsteal: runq overflow");
  pp->runqtail.store(t + n, std::memory_order_release);  // makes the items available for consumption
  return gp;
}

static void publishRunqsize(Sched& s) {
  s.runqsize.store(s.runq.size + s.runqHigh.size, std::memory_order_relaxed);
  s.runqhighsize.store(s.runqHigh.size, std::memory_order_relaxed);
}

// Go: runtime/proc.go globrunqput
void globrunqput(Runtime* rt, G* gp) {
  // NOT GO: a high-priority G under SchedPolicy::Queue (priority.hpp).
  (queuedHigh(rt, gp) ? rt->sched.runqHigh : rt->sched.runq).pushBack(gp);
  publishRunqsize(rt->sched);
}

// Go: runtime/proc.go globrunqputhead
void globrunqputhead(Runtime* rt, G* gp) {
  rt->sched.runq.push(gp);
  publishRunqsize(rt->sched);
}

// Go: runtime/proc.go globrunqputbatch
void globrunqputbatch(Runtime* rt, GQueue* batch) {
  rt->sched.runq.pushBackAll(batch->head, batch->tail, batch->size);
  publishRunqsize(rt->sched);
  *batch = GQueue{};
}

// Go: runtime/proc.go globrunqget (Go 1.19)
G* globrunqget(Runtime* rt, P* pp, int32_t max) {
  Sched& s = rt->sched;
  if (s.runqHigh.size != 0) {
    // NOT GO (priority.hpp): high-priority Gs first, one at a time, so
    // none waits in a P's ring behind normal ones.
    G* gp = s.runqHigh.pop();
    publishRunqsize(s);
    return gp;
  }
  if (s.runq.size == 0) return nullptr;
  int32_t n = s.runq.size / rt->gomaxprocs.load(std::memory_order_relaxed) + 1;
  if (n > s.runq.size) n = s.runq.size;
  if (max > 0 && n > max) n = max;
  if (n > static_cast<int32_t>(kRunqSize) / 2) n = kRunqSize / 2;

  G* gp = globrunqpop(s);
  n--;
  // Move the rest to pp's ring and publish them with one tail store (tip's
  // runqputbatch). Callers take from the global queue only when their ring
  // is empty (or take a single G), so half a ring always fits; runqput here
  // could spill to the global queue, whose lock we hold.
  uint32_t h = pp->runqhead.load(std::memory_order_acquire);  // pairs with consumers' release CAS
  uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
  if (static_cast<uint32_t>(n) > kRunqSize - (t - h)) throwFatal("globrunqget: no room in the local run queue");
  for (; n > 0; n--, t++) pp->runq[t & kMask].store(globrunqpop(s), std::memory_order_relaxed);
  pp->runqtail.store(t, std::memory_order_release);  // makes the slots available, as in runqput
  publishRunqsize(s);
  return gp;
}

}  // namespace rt
