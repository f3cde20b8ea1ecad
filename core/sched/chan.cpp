#include "sched/chan.hpp"

#include <cstdlib>

#include "runtime/throw.hpp"
#include "sched/api.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt {

// ---------------------------------------------------------------- waitq

void WaitQ::enqueue(Sudog* sgp) {
  sgp->next = nullptr;
  sgp->prev = last;
  if (last) last->next = sgp;
  else first = sgp;
  last = sgp;
}

// Go: runtime/chan.go (*waitq).dequeueSudoG — also safe for a sudog that is
// no longer queued (a select's sudog that a waker took and then lost the
// selectDone race for).
void WaitQ::remove(Sudog* sgp) {
  Sudog* x = sgp->prev;
  Sudog* y = sgp->next;
  if (x) {
    if (y) {  // middle of queue
      x->next = y;
      y->prev = x;
    } else {  // end of queue
      x->next = nullptr;
      last = x;
    }
    sgp->next = sgp->prev = nullptr;
    return;
  }
  if (y) {  // start of queue
    y->prev = nullptr;
    first = y;
    sgp->next = nullptr;
    return;
  }
  // x == y == nil: either sgp is the only element in the queue, or it has
  // already been removed. Use first to disambiguate.
  if (first == sgp) first = last = nullptr;
}

// Go: runtime/chan.go (*waitq).dequeue
Sudog* WaitQ::dequeue() {
  for (;;) {
    Sudog* sgp = first;
    if (!sgp) return nullptr;
    remove(sgp);
    // If a goroutine was put on this queue because of a select, there is a
    // small window between the goroutine being woken up by a different case
    // and it grabbing the channel locks. Once it has the lock it removes
    // itself from the queue, so we won't see it after that. We use a flag in
    // the G struct to tell us when someone else has won the race to signal
    // this goroutine but the goroutine hasn't removed itself from the queue
    // yet.
    if (sgp->isSelect) {
      uint32_t zero = 0;
      if (!sgp->g->selectDone.compare_exchange_strong(zero, 1, std::memory_order_acq_rel)) continue;
    }
    return sgp;
  }
}

// ---------------------------------------------------------------- hchan

// The buffer comes from operator new, like everything else a goroutine
// makes, so that a simulator run's arena holds it too (platform/sim/arena.hpp).
hchan::hchan(const ElemType* t, uint32_t size) : dataqsiz(size), elemtype(t) {
  if (size > 0) buf = static_cast<unsigned char*>(::operator new(static_cast<size_t>(size) * t->size));
}

hchan::~hchan() {
  for (uint32_t i = 0; i < qcount; i++) elemtype->destroy(chanbuf((recvx + i) % dataqsiz));
  ::operator delete(buf);
}

// ---------------------------------------------------------------- buffer

// The ring-buffer halves of chansend/chanrecv (and of select's bufsend and
// bufrecv cases); c is locked and has room / has an element.
void chanbufPut(hchan* c, void* ep) {
  c->elemtype->moveConstruct(c->chanbuf(c->sendx), ep);
  if (++c->sendx == c->dataqsiz) c->sendx = 0;
  c->qcount++;
}

void chanbufTake(hchan* c, void* ep) {
  void* qp = c->chanbuf(c->recvx);
  c->elemtype->moveConstruct(ep, qp);
  c->elemtype->destroy(qp);
  if (++c->recvx == c->dataqsiz) c->recvx = 0;
  c->qcount--;
}

// The current G waits on q (c locked) for a partner to complete the
// operation on ep; the caller parks it with chanparkcommit.
static ChanOp enqueueWaiter(hchan* c, WaitQ& q, Sudog* sg, void* ep) {
  G* gp = getg();
  sg->g = gp;
  sg->elem = ep;
  sg->c = c;
  sg->isSelect = false;
  sg->success = false;
  gp->waiting = sg;
  gp->param = nullptr;
  q.enqueue(sg);
  return ChanOp::Block;  // c stays locked: chanparkcommit releases it
}

// ---------------------------------------------------------------- send

// Go: runtime/chan.go send — a receiver is waiting: hand it the value
// directly, then make it runnable. c is locked; unlockf (Go's unlockf
// argument: one channel, or all of a select's) unlocks it.
void send(hchan* c, Sudog* sg, void* ep, Unlocker unlockf) {
  if (sg->elem) c->elemtype->moveConstruct(sg->elem, ep);  // Go: sendDirect
  G* gp = sg->g;
  unlockf.unlock();
  sg->success = true;
  gp->param = sg;
  goready(gp);
}

// Go: runtime/chan.go chansend (block == true)
ChanOp chansendTry(hchan* c, void* ep, Sudog* sg) {
  chargeOp(getm()->rt->platform, RuntimeOp::ChanOp);  // the simulator's price of it (SimCosts)
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    return ChanOp::Panic;  // "send on closed channel": the awaiter parks for good
  }
  if (Sudog* rsg = c->recvq.dequeue()) {
    // Found a waiting receiver. We pass the value we want to send directly
    // to the receiver, bypassing the channel buffer (if any).
    send(c, rsg, ep, Unlocker::of(c));
    return ChanOp::Done;
  }
  if (c->qcount < c->dataqsiz) {
    // Space is available in the channel buffer. Enqueue the element to send.
    chanbufPut(c, ep);
    c->lock.unlock();
    return ChanOp::Done;
  }
  // Block on the channel. Some receiver will complete our operation for us.
  return enqueueWaiter(c, c->sendq, sg, ep);
}

// Go: runtime/chan.go chansend (block == false), as selectnbsend calls it.
// No goroutine of our own: a waiting receiver is readied onto the calling
// M's P, as goready does for timers. Only for channels nobody can close (a
// timer's C): a closed one is a runtime bug here, not a user's panic.
bool chansendNB(hchan* c, void* ep) {
  c->lock.lock();
  if (c->closed) throwFatal("chansendNB: send on closed channel");
  if (Sudog* rsg = c->recvq.dequeue()) {
    send(c, rsg, ep, Unlocker::of(c));
    return true;
  }
  if (c->qcount < c->dataqsiz) {
    chanbufPut(c, ep);
    c->lock.unlock();
    return true;
  }
  c->lock.unlock();
  return false;
}

// ---------------------------------------------------------------- recv

// Go: runtime/chan.go recv — a sender is waiting. For an unbuffered channel
// take its value directly; for a full buffer take the head of the queue and
// put the sender's value at the tail. c is locked; unlockf unlocks it.
void recv(hchan* c, Sudog* sg, void* ep, Unlocker unlockf) {
  if (c->dataqsiz == 0) {
    c->elemtype->moveConstruct(ep, sg->elem);  // Go: recvDirect
  } else {
    // Queue is full. Take the item at the head of the queue. Make the sender
    // enqueue its item at the tail of the queue. Since the queue is full,
    // those are both the same slot.
    void* qp = c->chanbuf(c->recvx);
    c->elemtype->moveConstruct(ep, qp);
    c->elemtype->destroy(qp);
    c->elemtype->moveConstruct(qp, sg->elem);
    if (++c->recvx == c->dataqsiz) c->recvx = 0;
    c->sendx = c->recvx;  // c.sendx = (c.sendx+1) % c.dataqsiz
  }
  G* gp = sg->g;
  unlockf.unlock();
  sg->success = true;
  gp->param = sg;
  goready(gp);
}

// Go: runtime/chan.go chanrecv (block == true). On Done, *ep holds a value
// (the zero value if the channel was closed and drained: *received false).
ChanOp chanrecvTry(hchan* c, void* ep, Sudog* sg, bool* received) {
  chargeOp(getm()->rt->platform, RuntimeOp::ChanOp);
  c->lock.lock();
  if (c->closed && c->qcount == 0) {
    c->lock.unlock();
    c->elemtype->zero(ep);
    *received = false;
    return ChanOp::Done;
  }
  if (Sudog* ssg = c->sendq.dequeue()) {
    // Found a waiting sender. If buffer is size 0, receive value directly
    // from sender. Otherwise, receive from head of queue and add sender's
    // value to the tail of the queue (both map to the same buffer slot
    // because the queue is full).
    recv(c, ssg, ep, Unlocker::of(c));
    *received = true;
    return ChanOp::Done;
  }
  if (c->qcount > 0) {
    // Receive directly from queue.
    chanbufTake(c, ep);
    c->lock.unlock();
    *received = true;
    return ChanOp::Done;
  }
  // No sender available: block on this channel.
  return enqueueWaiter(c, c->recvq, sg, ep);
}

// ---------------------------------------------------------------- close

// Go: runtime/chan.go closechan. False if c was already closed: the caller
// panicked (close of closed channel) and must park for good.
bool closechan(hchan* c) {
  chargeOp(getm()->rt->platform, RuntimeOp::ChanOp);
  c->lock.lock();
  if (c->closed) {
    c->lock.unlock();
    gopanic("close of closed channel");
    return false;
  }
  c->closed = true;
  GList glist;
  // Release all readers: they get the zero value and ok == false.
  while (Sudog* sg = c->recvq.dequeue()) {
    if (sg->elem) c->elemtype->zero(sg->elem);
    sg->success = false;
    sg->g->param = sg;
    glist.push(sg->g);
  }
  // Release all writers (they will panic). Go readies each, and it panics
  // as soon as it runs, before its next statement; the lab leaves them
  // parked for good — where a panicking goroutine stays (see gopanic) — and
  // ends the run with their panic below.
  bool writersPanic = false;
  while (Sudog* sg = c->sendq.dequeue()) {
    sg->success = false;
    writersPanic = true;
  }
  c->lock.unlock();
  // Ready all Gs now that we've dropped the channel lock.
  while (G* gp = glist.pop()) goready(gp);
  if (writersPanic) gopanic("send on closed channel");
  return true;
}

// ---------------------------------------------------------------- parking

// Go: runtime/chan.go chanparkcommit — runs on the M once the G is parked.
static bool chanparkcommit(G*, void* chanLock) {
  static_cast<hchan*>(chanLock)->lock.unlock();
  return true;
}



bool chanPreemptRequested() { return preemptRequested(); }

void chanSuspend(ChanOp op, hchan* c, WaitReason reason) {
  if (!c) [[unlikely]] {
    gopark([](G*, void*) { return true; }, nullptr,
           reason == WaitReason::ChanSend ? WaitReason::ChanSendNilChan : WaitReason::ChanReceiveNilChan);
    return;
  }
  switch (op) {
    case ChanOp::Block:
      gopark(chanparkcommit, c, reason);
      return;
    case ChanOp::Done:
      detail::yieldForPreemption();
      return;
    case ChanOp::Panic:
      gopanic("send on closed channel");
      parkForever();  // a panicking goroutine never runs again
      return;
  }
}

// Go: runtime/panic.go gopanic, for a panic no deferred call recovers,
// then fatalpanic: Go prints "panic: <msg>" and the goroutine's stack and
// exits with status 2. The lab ends the run with that message (the first
// reason to end it wins), and the panicking goroutine parks for good right
// there (parkForever), so nothing after the panicking statement runs. That
// needs a suspension, which is why every operation that can panic is an
// awaitable: a send (co_await c.send(v)), a select, and close
// (co_await c.close()); a sender blocked when its channel is closed is
// simply never readied (closechan). A panic from a plain call (a plain
// c.close();, a bad time.NewTicker) ends the run the same way, but that
// goroutine runs on to its next co_await, where it stops like every other
// goroutine of a run that is over.
//
// Why not a C++ exception, which would stop a plain call too: Emscripten
// 3.1.6's WebAssembly exceptions do not work with pthreads (clang 14 stores
// the landing-pad context at address 0 there, so no catch ever matches) and
// its JavaScript exceptions turn every call inside a coroutine into a round
// trip through JavaScript; and unwinding would destroy the goroutine's locals
// while other goroutines may still use them (a channel in main's frame) —
// Go's collector keeps such objects alive, C++ does not. A parked goroutine's
// frames stay intact until ~Runtime destroys them, after every M stopped;
// their destructors, the lab's deferred calls, run then. There is no recover
// for the same reason: it would need the panicking goroutine to unwind to a
// deferred call and go on while the others run.
void gopanic(const char* msg) {
  G* gp = getg();
  getm()->rt->requestExit(RunStatus::Fatal, std::string("panic: ") + msg, gp ? uint64_t(gp->goid) : 0);
}

void parkForever() {
  gopark([](G*, void*) { return true; }, nullptr, WaitReason::Zero);
}

}  // namespace rt
