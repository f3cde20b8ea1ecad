#include "sched/select.hpp"

#include <algorithm>

#include "runtime/throw.hpp"
#include "sched/proc.hpp"
#include "sched/runtime.hpp"

namespace rt {

namespace {

// Go: runtime/select.go sellock / selunlock — each distinct channel once,
// in lockorder (address order), and back in reverse.
void sellock(SelectState& st) {
  hchan* c = nullptr;
  for (int i = 0; i < st.ncases; i++) {
    hchan* c0 = st.cases[st.lockorder[i]].c;
    if (c0 != c) {
      c = c0;
      c->lock.lock();
    }
  }
}

void selunlock(SelectState& st) {
  for (int i = st.ncases - 1; i >= 0; i--) {
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
  const int n = st.ncases;
  if (n == 0 && st.block) return false;  // select {} blocks forever: selectPark

  // Generate permuted order (a random shuffle, Go's algorithm) and sort the
  // cases by channel address to get the locking order (Go uses a heap sort;
  // any stable order by address works).
  M* mp = getm();
  for (int i = 0; i < n; i++) {
    uint32_t j = cheaprand(mp) % static_cast<uint32_t>(i + 1);
    st.pollorder[i] = st.pollorder[j];
    st.pollorder[j] = static_cast<uint16_t>(i);
  }
  for (int i = 0; i < n; i++) st.lockorder[i] = static_cast<uint16_t>(i);
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

  // pass 2 - enqueue on all chans
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
    if (!caseSuccess) {
      // send on closed channel
      selunlock(st);
      st.panicked = true;
      gopanic("send on closed channel");
      return;
    }
  } else {
    st.recvOK = caseSuccess;
  }
  selunlock(st);
}

}  // namespace rt
