#include "sched/select.hpp"

#include <algorithm>

#include "runtime/throw.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt {

namespace {

// Go: runtime/select.go sellock / selunlock — each distinct channel once,
// in lockorder (address order), and back in reverse. Nil channels' cases are
// not in lockorder.
void sellock(SelectState& st) {
  hchan* c = nullptr;
  for (int i = 0; i < st.norder; i++) {
    hchan* c0 = st.cases[st.lockorder[i]].c;
    if (c0 != c) {
      c = c0;
      c->lock.lock();
    }
  }
}

void selunlock(SelectState& st) {
  for (int i = st.norder - 1; i >= 0; i--) {
    hchan* c = st.cases[st.lockorder[i]].c;
    if (i > 0 && c == st.cases[st.lockorder[i - 1]].c) continue;  // will unlock it on the next iteration
    c->lock.unlock();
  }
}

Unlocker unlockAll(SelectState& st) {
  return Unlocker{[](void* s) { selunlock(*static_cast<SelectState*>(s)); }, &st};
}

// Go: runtime/select.go selparkcommit — runs on the M once the G is parked.
bool selparkcommit(G*, void* state) {
  selunlock(*static_cast<SelectState*>(state));
  return true;
}

bool blockForever(G*, void*) { return true; }

}  // namespace

// Go: runtime/select.go selectgo, passes 1 and 2.
bool selectBegin(SelectState& st) {
  if (st.ncases == 0 && st.block) return false;  // select {} blocks forever: selectPark

  // Generate permuted order (a random shuffle, Go's algorithm) and sort the
  // cases by channel address to get the locking order (Go uses a heap sort;
  // any stable order by address works).
  M* mp = getm();
  chargeOp(mp->rt->platform, RuntimeOp::SelectCase, st.ncases);  // the simulator's price of it (SimCosts)
  int n = 0;  // Go: norder
  for (int i = 0; i < st.ncases; i++) {
    // Omit cases without channels from the poll and lock orders: a case on
    // a nil channel never proceeds.
    if (st.cases[i].c == nullptr) continue;
    uint32_t j = cheaprand(mp) % static_cast<uint32_t>(n + 1);
    st.pollorder[n] = st.pollorder[j];
    st.pollorder[j] = static_cast<uint16_t>(i);
    n++;
  }
  st.norder = n;
  for (int i = 0, k = 0; i < st.ncases; i++)
    if (st.cases[i].c != nullptr) st.lockorder[k++] = static_cast<uint16_t>(i);
  std::stable_sort(st.lockorder, st.lockorder + n,
                   [&](uint16_t a, uint16_t b) { return st.cases[a].c < st.cases[b].c; });

  sellock(st);

  // pass 1 - look for something already waiting
  for (int k = 0; k < n; k++) {
    const int casi = st.pollorder[k];
    scase& cas = st.cases[casi];
    hchan* c = cas.c;
    if (!cas.isSend) {
      if (Sudog* sg = c->sendq.dequeue()) {
        // can receive from sleeping sender (sg)
        recv(c, sg, cas.elem, unlockAll(st));
        st.chosen = casi;
        st.recvOK = true;
        return true;
      }
      if (c->qcount > 0) {
        // can receive from buffer
        chanbufTake(c, cas.elem);
        selunlock(st);
        st.chosen = casi;
        st.recvOK = true;
        return true;
      }
      if (c->closed) {
        // read at end of closed channel
        selunlock(st);
        c->elemtype->zero(cas.elem);
        st.chosen = casi;
        st.recvOK = false;
        return true;
      }
    } else {
      if (c->closed) {
        // send on closed channel
        selunlock(st);
        st.chosen = casi;
        st.panicked = true;
        gopanic("send on closed channel");
        return true;
      }
      if (Sudog* sg = c->recvq.dequeue()) {
        // can send to a sleeping receiver (sg)
        send(c, sg, cas.elem, unlockAll(st));
        st.chosen = casi;
        return true;
      }
      if (c->qcount < c->dataqsiz) {
        // can send to buffer
        chanbufPut(c, cas.elem);
        selunlock(st);
        st.chosen = casi;
        return true;
      }
    }
  }

  if (!st.block) {
    selunlock(st);
    st.chosen = -1;
    return true;
  }

  // pass 2 - enqueue on all chans (none if every case is on a nil channel:
  // the goroutine then parks for good, as in Go)
  G* gp = getg();
  Sudog** nextp = &gp->waiting;
  for (int k = 0; k < n; k++) {
    const int casi = st.lockorder[k];
    scase& cas = st.cases[casi];
    Sudog* sg = &st.sudogs[casi];
    sg->g = gp;
    sg->isSelect = true;
    sg->success = false;
    sg->elem = cas.elem;
    sg->c = cas.c;
    sg->caseIndex = casi;
    *nextp = sg;
    nextp = &sg->waitlink;
    if (cas.isSend) cas.c->sendq.enqueue(sg);
    else cas.c->recvq.enqueue(sg);
  }
  *nextp = nullptr;
  gp->param = nullptr;
  gp->selectDone.store(0, std::memory_order_relaxed);  // we hold every lock: no waker yet
  return false;
}

void selectPark(SelectState& st) {
  if (st.ncases == 0) {
    gopark(blockForever, nullptr, WaitReason::SelectNoCases);
    return;
  }
  gopark(selparkcommit, &st, WaitReason::Select);
}

// Go: runtime/select.go selectgo, after gopark returns: pass 3.
void selectFinish(SelectState& st) {
  G* gp = getg();
  sellock(st);
  gp->selectDone.store(0, std::memory_order_relaxed);
  auto* won = static_cast<Sudog*>(gp->param);
  gp->param = nullptr;

  // pass 3 - dequeue from unsuccessful chans; otherwise they stack up on
  // quiet channels.
  st.chosen = -1;
  bool caseSuccess = false;
  for (Sudog* sg = gp->waiting; sg; sg = sg->waitlink) {
    if (sg == won) {
      // sg has already been dequeued by the G that woke us up.
      st.chosen = sg->caseIndex;
      caseSuccess = sg->success;
    } else if (st.cases[sg->caseIndex].isSend) {
      sg->c->sendq.remove(sg);
    } else {
      sg->c->recvq.remove(sg);
    }
  }
  gp->waiting = nullptr;
  if (st.chosen < 0) throwFatal("selectgo: bad wakeup");
  if (st.cases[st.chosen].isSend) {
    // (Go panics here when a close woke a send case; the lab's closechan
    // never readies a sender: it ends the run and leaves it parked.)
    if (!caseSuccess) throwFatal("selectgo: a send case woken by close");
  } else {
    st.recvOK = caseSuccess;
  }
  selunlock(st);
}

// ---------------------------------------------------------------- run-time cases

int SelectCases::add(Case c) {
  cases_.push_back(c);  // (kept even past the limit, so that clear() frees its slot)
  // Go: reflect.Select panics when there are too many cases (max 65536).
  if (added_ >= kMaxCases && !panicked_) {
    panicked_ = true;
    gopanic("reflect.Select: too many cases (max 65536)");
  }
  index_.push_back(added_);
  return added_++;
}

int SelectCases::addDefault() {
  if (default_ >= 0 && !panicked_) {
    panicked_ = true;
    gopanic("reflect.Select: multiple default cases");
  }
  default_ = added_;
  return added_++;
}

void SelectCases::clear() {
  for (Case& c : cases_) {
    if (c.isSend) c.et->destroy(c.slot);
    ::operator delete(c.slot);
  }
  cases_.clear();
  index_.clear();
  default_ = -1;
  added_ = 0;
  panicked_ = false;
}

// Go: reflect.Select -> rselect -> runtime selectgo, with the cases as
// the list gives them.
bool DynamicSelectAwaiter::await_ready() {
  if (cs_->panicked_) {  // a panic while the list was built: stop here
    panicked_ = true;
    return false;
  }
  const size_t n = cs_->cases_.size();
  cs_->scases_.resize(n);
  cs_->sudogs_.assign(n, Sudog{});
  cs_->pollorder_.resize(n);
  cs_->lockorder_.resize(n);
  for (size_t k = 0; k < n; k++) {
    const SelectCases::Case& c = cs_->cases_[k];
    cs_->scases_[k] = scase{c.c, c.slot, c.isSend};
  }
  st_.cases = cs_->scases_.data();
  st_.sudogs = cs_->sudogs_.data();
  st_.pollorder = cs_->pollorder_.data();
  st_.lockorder = cs_->lockorder_.data();
  st_.ncases = static_cast<int>(n);
  st_.block = cs_->default_ < 0;
  done_ = selectBegin(st_);
  panicked_ = st_.panicked;
  return done_ && !panicked_ && !chanPreemptRequested();
}

void DynamicSelectAwaiter::await_suspend(coro::coroutine_handle<>) noexcept {
  if (panicked_) parkForever();  // a panicking goroutine never runs again
  else if (!done_) selectPark(st_);
  else detail::yieldForPreemption();
}

int DynamicSelectAwaiter::await_resume() {
  if (!done_) selectFinish(st_);
  if (st_.chosen < 0) return cs_->default_;
  SelectCases::Case& c = cs_->cases_[st_.chosen];
  if (!c.isSend) {
    c.deliver(c.slot, c.into);
    if (c.ok) *c.ok = st_.recvOK;
  }
  return cs_->index_[st_.chosen];
}

}  // namespace rt
