#include "sched/framecache.hpp"

#include <new>

#include "sched/m.hpp"
#include "sched/p.hpp"

namespace rt {

FrameDepot::~FrameDepot() {
  for (int c = 0; c < kFrameClasses; c++) {
    while (FreeFrame* f = lists_[c]) {
      lists_[c] = f->next;
      ::operator delete(f);
    }
  }
}

int FrameDepot::take(int c, FreeFrame** head, int max) {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  while (n < max && lists_[c]) {
    FreeFrame* f = lists_[c];
    lists_[c] = f->next;
    f->next = *head;
    *head = f;
    n++;
  }
  counts_[c] -= n;
  return n;
}

void FrameDepot::put(int c, FreeFrame* head, FreeFrame* tail, int n) {
  std::lock_guard<std::mutex> lock(mu_);
  tail->next = lists_[c];
  lists_[c] = head;
  counts_[c] += n;
}

FrameCache::~FrameCache() { flush(); }

// Like gfget: refill a batch from the depot when empty, else allocate.
void* FrameCache::alloc(int c) {
  if (!lists_[c]) counts_[c] += depot_->take(c, &lists_[c], kBatch);
  if (FreeFrame* f = lists_[c]) {
    lists_[c] = f->next;
    counts_[c]--;
    return f;
  }
  return ::operator new(static_cast<std::size_t>(c + 1) * kFrameClassBytes);
}

// Like gfput: keep the frame, spilling a batch to the depot when too many.
void FrameCache::free(int c, void* p) {
  auto* f = static_cast<FreeFrame*>(p);
  f->next = lists_[c];
  lists_[c] = f;
  if (++counts_[c] < kMax) return;
  FreeFrame* head = lists_[c];
  FreeFrame* tail = head;
  for (int i = 1; i < kBatch; i++) tail = tail->next;
  lists_[c] = tail->next;
  counts_[c] -= kBatch;
  depot_->put(c, head, tail, kBatch);
}

void FrameCache::flush() {
  for (int c = 0; c < kFrameClasses; c++) {
    if (!lists_[c]) continue;
    FreeFrame* tail = lists_[c];
    while (tail->next) tail = tail->next;
    depot_->put(c, lists_[c], tail, counts_[c]);
    lists_[c] = nullptr;
    counts_[c] = 0;
  }
}

namespace {
FrameCache* currentCache() {
  M* mp = getm();
  return mp && mp->p ? &mp->p->frames : nullptr;
}
}  // namespace

void* frameAlloc(std::size_t n) {
  int c = frameClass(n);
  if (c < 0) return ::operator new(n);
  if (FrameCache* cache = currentCache()) return cache->alloc(c);
  return ::operator new(static_cast<std::size_t>(c + 1) * kFrameClassBytes);
}

void frameFree(void* p, std::size_t n) {
  int c = frameClass(n);
  if (c < 0) {
    ::operator delete(p);
    return;
  }
  if (FrameCache* cache = currentCache()) {
    cache->free(c, p);
    return;
  }
  ::operator delete(p);
}

}  // namespace rt
