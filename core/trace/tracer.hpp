// Tracer: collects a run's events (event.hpp) while it runs.
//
// Each M appends to its own buffer, so recording takes no lock on the real
// engine; the buffers are merged, ordered by time and then by sequence
// number, when the run is over. On the simulator only one M runs at a time,
// so the sequence numbers (and so the merged order) are deterministic.
//
// The runtime records only when a tracer is attached (Runtime::tracer): the
// scheduler checks one pointer per event site, as Go checks trace.enabled.
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

class Tracer {
 public:
  // maxEvents bounds memory (40 bytes per event): beyond it, recording
  // stops and truncated() says so.
  //
  // inOrder: every event is recorded by one thread, in time order — the
  // simulator, which runs one M at a time on a clock that never goes back.
  // Then all events go to one list, and collecting them needs no merge.
  explicit Tracer(size_t maxEvents = 4'000'000, bool inOrder = false) : maxEvents_(maxEvents), inOrder_(inOrder) {}

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

  // Continues where `other` was after `count` events of the same run (a
  // replay that ran untraced up to there): the same name table, and the
  // count and sequence numbers going on from there.
  void continueFrom(const Tracer& other, size_t count);

 private:
  size_t maxEvents_;
  bool inOrder_;
  std::atomic<size_t> count_{0};
  std::atomic<uint32_t> seq_{0};
  std::atomic<bool> truncated_{false};
  mutable std::mutex mu_;  // guards buffers_, shared_ and the name table
  std::unordered_map<const char*, int32_t> nameIndex_;
  std::vector<std::string> names_;
  std::vector<std::vector<Event>*> buffers_;
  std::vector<Event> shared_;
};

}  // namespace trace
