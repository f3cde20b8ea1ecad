// Tracer: collects a run's events (event.hpp) while it runs.
//
// Each M appends to its own buffer, so recording takes no lock on the real
// engine; the buffers are merged, ordered by time and then by sequence
// number, when the run is over. On the simulator only one M runs at a time,
// so the sequence numbers (and so the merged order) are deterministic.
//
// The runtime records only when a tracer is attached (Runtime::tracer): the
// scheduler checks one pointer per event site, as Go checks trace.enabled.
//
// Beside the events, the tracer keeps a counter series: the heap's size and
// goal (HeapSample), recorded by the collector whenever either changes. Go
// records them as events (EvHeapAlloc, EvHeapGoal: runtime/trace.go
// traceHeapAlloc and traceHeapGoal); the lab keeps them apart, so that event
// indices stay scheduling events — step, until and back move over those, and
// a run's event stream is the same whether its heap is sampled or not.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/event.hpp"

namespace trace {

// One point of the heap counter series: what `go tool trace` draws as the
// "Heap" row's Allocated and NextGC. Both values at each sample: Go records
// them as two events, but a sample of one is a point of both step functions.
struct HeapSample {
  int64_t ts;         // nanoseconds since the run started, as Event::ts
  uint64_t heapLive;  // Go: gcController.heapLive (bytes in spans handed to mcaches, and large objects)
  uint64_t goal;      // Go: gcController.heapGoal(); 0 with no heap goal (GOGC=off, no limit), as Go records it
  // How many events had been recorded before it: its place in the event
  // stream (exact on the simulator; on real threads, where Ms record at
  // once, the count at the moment it was taken).
  uint64_t events;
};
static_assert(sizeof(HeapSample) == 32, "the web views read 32-byte samples");

class Tracer {
 public:
  // maxEvents bounds memory (40 bytes per event): beyond it, recording
  // stops and truncated() says so.
  //
  // inOrder: every event is recorded by one thread, in time order — the
  // simulator, which runs one M at a time on a clock that never goes back.
  // Then all events go to one list, and collecting them needs no merge.
  //
  // The heap series is bounded the same way, by a quarter as many samples
  // (32 bytes each; a run changes its heap far less often than it
  // schedules): beyond it, sampling stops and heapTruncated() says so.
  explicit Tracer(size_t maxEvents = 4'000'000, bool inOrder = false)
      : maxEvents_(maxEvents), maxHeapSamples_(maxEvents / 4), inOrder_(inOrder) {}

  // Appends e to buf (the M's own buffer, or nullptr for events recorded
  // off any M, which go to a shared buffer under a lock).
  void emit(std::vector<Event>* buf, Event e);

  // Registers an M's buffer, to be merged at the end; releaseBuffer takes
  // its events over when the M goes away (the runtime's end).
  void addBuffer(std::vector<Event>* buf);
  void releaseBuffer(std::vector<Event>* buf);

  // Merges every buffer into one list ordered by (ts, seq), and clears them.
  std::vector<Event> collect();
  // The same, appended to out (in order mode: a copy, nothing to sort).
  void collectInto(std::vector<Event>& out);
  // In order mode: the events recorded and not collected yet.
  size_t pending() const { return shared_.size(); }

  bool truncated() const { return truncated_.load(std::memory_order_relaxed); }
  // How many events were recorded so far (collected or not).
  size_t emitted() const { return std::min(count_.load(std::memory_order_relaxed), maxEvents_); }

  // Goroutine names ("main.worker") are static strings; GoCreate carries
  // the index of its name in this table (b), so events stay fixed-size.
  int32_t internName(const char* name);
  std::vector<std::string> names() const;

  // Records a heap sample: read() returns it (ts, heapLive, goal), called
  // under the tracer's lock, so on the real engine samples from different Ms
  // are taken one at a time and kept in time order (the clock and heapLive
  // are read inside; events is filled in here). One lock per sample is cheap:
  // the collector samples when an mcache takes a span, not per object.
  template <typename Read>
  void heapSample(Read read) {
    std::lock_guard<std::mutex> lock(mu_);
    if (heap_.size() >= maxHeapSamples_) {
      heapTruncated_ = true;
      return;
    }
    HeapSample s = read();
    s.events = emitted();
    heap_.push_back(s);
  }
  // Sets the heap series' bound (0: record none), before the run starts.
  void setHeapLimit(size_t maxSamples) { maxHeapSamples_ = maxSamples; }
  // The samples recorded so far, in time order (a copy, taken under the lock).
  std::vector<HeapSample> heapSamples() const;
  bool heapTruncated() const;
  // How many samples were recorded so far (a position in the series, as
  // emitted() is in the events).
  size_t heapCount() const;

  // Continues where `other` was after `count` events and `heapCount` heap
  // samples of the same run (a replay that ran untraced up to there): the
  // same name table, the count and sequence numbers going on from there,
  // and those first samples.
  void continueFrom(const Tracer& other, size_t count, size_t heapCount = 0);

 private:
  size_t maxEvents_;
  size_t maxHeapSamples_;
  bool inOrder_;
  std::atomic<size_t> count_{0};
  std::atomic<uint32_t> seq_{0};
  std::atomic<bool> truncated_{false};
  mutable std::mutex mu_;  // guards buffers_, shared_, the name table and the heap series
  std::unordered_map<const char*, int32_t> nameIndex_;
  std::vector<std::string> names_;
  std::vector<std::vector<Event>*> buffers_;
  std::vector<Event> shared_;
  std::vector<HeapSample> heap_;
  bool heapTruncated_ = false;
};

}  // namespace trace
