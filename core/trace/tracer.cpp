#include "trace/tracer.hpp"

#include <algorithm>

namespace trace {

std::string_view evTypeName(EvType t) {
  switch (t) {
    case EvType::GoCreate: return "GoCreate";
    case EvType::GoStatus: return "GoStatus";
    case EvType::ProcStart: return "ProcStart";
    case EvType::ProcStop: return "ProcStop";
    case EvType::Steal: return "Steal";
    case EvType::MStart: return "MStart";
    case EvType::MPark: return "MPark";
    case EvType::MUnpark: return "MUnpark";
    case EvType::SpinStart: return "SpinStart";
    case EvType::SpinStop: return "SpinStop";
    case EvType::Handoff: return "Handoff";
    case EvType::PreemptRequest: return "PreemptRequest";
    case EvType::Gomaxprocs: return "Gomaxprocs";
    case EvType::TimerFire: return "TimerFire";
    case EvType::RunqSizes: return "RunqSizes";
    case EvType::STWStart: return "STWStart";
    case EvType::STWDone: return "STWDone";
    case EvType::GCPhase: return "GCPhase";
  }
  return "?";
}

std::string_view stwReasonName(int32_t r) {
  switch (static_cast<StwReason>(r)) {
    case StwReason::Gomaxprocs: return "GOMAXPROCS";
    case StwReason::GCSweepTerm: return "GC sweep termination";
    case StwReason::GCMarkTerm: return "GC mark termination";
    case StwReason::ReadMemStats: return "read mem stats";
  }
  return "?";
}

std::string_view goReasonName(GoReason r) {
  switch (r) {
    case GoReason::None: return "";
    case GoReason::Block: return "block";
    case GoReason::Gosched: return "gosched";
    case GoReason::Preempt: return "preempt";
    case GoReason::AsyncPreempt: return "async preempt";
    case GoReason::Syscall: return "syscall";
    case GoReason::Exit: return "exit";
  }
  return "?";
}

void Tracer::emit(std::vector<Event>* buf, Event e) {
  // relaxed: a budget, not a synchronization point.
  if (count_.fetch_add(1, std::memory_order_relaxed) >= maxEvents_) {
    truncated_.store(true, std::memory_order_relaxed);
    return;
  }
  // relaxed: only the order of the numbers matters, and on the simulator
  // (where ties are common) there is a single thread.
  e.seq = seq_.fetch_add(1, std::memory_order_relaxed);
  if (inOrder_) {
    shared_.push_back(e);  // one thread: no lock
    return;
  }
  if (buf) {
    buf->push_back(e);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  shared_.push_back(e);
}

int32_t Tracer::internName(const char* name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = nameIndex_.try_emplace(name, static_cast<int32_t>(names_.size()));
  if (added) names_.emplace_back(name ? name : "");
  return it->second;
}

std::vector<std::string> Tracer::names() const {
  std::lock_guard<std::mutex> lock(mu_);
  return names_;
}

std::vector<HeapSample> Tracer::heapSamples() const {
  std::lock_guard<std::mutex> lock(mu_);
  return heap_;
}

size_t Tracer::heapCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return heap_.size();
}

bool Tracer::heapTruncated() const {
  std::lock_guard<std::mutex> lock(mu_);
  return heapTruncated_;
}

void Tracer::continueFrom(const Tracer& other, size_t count, size_t heapCount) {
  std::scoped_lock lock(mu_, other.mu_);
  nameIndex_ = other.nameIndex_;
  names_ = other.names_;
  const size_t kept = std::min(heapCount, other.heap_.size());
  heap_.assign(other.heap_.begin(), other.heap_.begin() + static_cast<std::ptrdiff_t>(kept));
  heapTruncated_ = other.heapTruncated_ && kept >= maxHeapSamples_;
  count_.store(count, std::memory_order_relaxed);
  seq_.store(static_cast<uint32_t>(count), std::memory_order_relaxed);
}

void Tracer::addBuffer(std::vector<Event>* buf) {
  std::lock_guard<std::mutex> lock(mu_);
  buffers_.push_back(buf);
}

void Tracer::releaseBuffer(std::vector<Event>* buf) {
  std::lock_guard<std::mutex> lock(mu_);
  shared_.insert(shared_.end(), buf->begin(), buf->end());
  buf->clear();
  buffers_.erase(std::remove(buffers_.begin(), buffers_.end(), buf), buffers_.end());
}

std::vector<Event> Tracer::collect() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Event> all = std::move(shared_);
  shared_.clear();
  for (auto* b : buffers_) {
    all.insert(all.end(), b->begin(), b->end());
    b->clear();
  }
  std::sort(all.begin(), all.end(),
            [](const Event& x, const Event& y) { return x.ts != y.ts ? x.ts < y.ts : x.seq < y.seq; });
  return all;
}

void Tracer::collectInto(std::vector<Event>& out) {
  if (!inOrder_) {
    std::vector<Event> more = collect();
    out.insert(out.end(), more.begin(), more.end());
    return;
  }
  // Kept, not moved out: the list keeps its capacity for the next events
  // (and, in a simulator run's arena, stays the run's own memory).
  out.insert(out.end(), shared_.begin(), shared_.end());
  shared_.clear();
}

}  // namespace trace
