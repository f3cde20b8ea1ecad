#include "gc/gcwork.hpp"

namespace rt::gc {

WorkPool::~WorkPool() {
  for (workbuf* l : {full_, empty_}) {
    while (l) {
      workbuf* n = l->next;
      delete l;
      l = n;
    }
  }
}

workbuf* WorkPool::getempty() {
  {
    std::lock_guard<std::mutex> g(lock_);
    if (workbuf* b = empty_) {
      empty_ = b->next;
      b->next = nullptr;
      return b;
    }
  }
  // Go allocates workbufs in 32 KB spans from the heap (persistent, never
  // freed); the lab asks the C++ allocator, off the GC'd heap.
  workbuf* b = new workbuf;
  b->nobj = 0;
  return b;
}

void WorkPool::putempty(workbuf* b) {
  b->nobj = 0;
  std::lock_guard<std::mutex> g(lock_);
  b->next = empty_;
  empty_ = b;
}

void WorkPool::putfull(workbuf* b) {
  std::lock_guard<std::mutex> g(lock_);
  b->next = full_;
  full_ = b;
  nfull_.fetch_add(1, std::memory_order_release);
}

workbuf* WorkPool::trygetfull() {
  if (fullEmpty()) return nullptr;
  std::lock_guard<std::mutex> g(lock_);
  workbuf* b = full_;
  if (b) {
    full_ = b->next;
    b->next = nullptr;
    nfull_.fetch_sub(1, std::memory_order_relaxed);
  }
  return b;
}

void gcWork::init() {
  wbuf1 = pool->getempty();
  wbuf2 = pool->getempty();
}

void gcWork::put(uintptr obj) {
  if (wbuf1 == nullptr) init();
  workbuf* b = wbuf1;
  if (b->nobj == workbuf::capacity) {
    wbuf1 = wbuf2;
    wbuf2 = b;
    b = wbuf1;
    if (b->nobj == workbuf::capacity) {
      pool->putfull(b);
      b = pool->getempty();
      wbuf1 = b;
    }
  }
  b->obj[b->nobj++] = obj;
}

uintptr gcWork::tryGet() {
  if (wbuf1 == nullptr) init();
  workbuf* b = wbuf1;
  if (b->nobj == 0) {
    wbuf1 = wbuf2;
    wbuf2 = b;
    b = wbuf1;
    if (b->nobj == 0) {
      workbuf* owbuf = b;
      b = pool->trygetfull();
      if (b == nullptr) return 0;
      pool->putempty(owbuf);
      wbuf1 = b;
    }
  }
  return b->obj[--b->nobj];
}

void gcWork::balance() {
  if (wbuf1 == nullptr) return;
  if (wbuf2->nobj != 0) {
    pool->putfull(wbuf2);
    wbuf2 = pool->getempty();
  } else if (wbuf1->nobj > 4) {
    // Go: handoff(b) — give away half of wbuf1.
    workbuf* b = pool->getempty();
    uintptr n = wbuf1->nobj / 2;
    wbuf1->nobj -= n;
    for (uintptr i = 0; i < n; i++) b->obj[i] = wbuf1->obj[wbuf1->nobj + i];
    b->nobj = n;
    pool->putfull(b);
  }
}

void gcWork::dispose() {
  for (workbuf** pb : {&wbuf1, &wbuf2}) {
    workbuf* b = *pb;
    if (b == nullptr) continue;
    if (b->nobj != 0) pool->putfull(b);
    else pool->putempty(b);
    *pb = nullptr;
  }
}

}  // namespace rt::gc
