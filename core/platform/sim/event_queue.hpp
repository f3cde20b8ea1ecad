// The simulator's pending events, earliest first.
//
// A priority queue of events ordered by `>` (SimPlatform::Event: by time,
// then by the order they were scheduled in). That order is total, so every
// correct priority queue pops the same sequence: the simulator's schedule
// does not depend on which one this is, and the golden traces stay.
//
// Why not std::priority_queue. The queue holds few events: at most one
// live one per M that waits, plus stale ones until their time comes (see
// SimPlatform::runSome): at most 3 to 12 at a time in the built-in
// scenarios, 55 in `service`. But it is busy: at GOMAXPROCS=4 a skynet run
// pushes about 5.8 million times, once per event and once more each time a
// charge sets another M's event aside until the step ends. For a handful of
// elements a sorted array beats a binary heap, whose sift-down branches
// mispredict: here the earliest event is the last element, so top and pop
// touch one slot, and push finds its place by a short scan from that end.
// The price is O(n) per push in a run with very many pending events (a
// scan and a move of the later ones), where a heap pays O(log n).
#pragma once

#include <cstddef>
#include <vector>

namespace rt::sim {

template <class Event>
class EventQueue {
 public:
  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }
  // The earliest event. Not empty.
  const Event& top() const { return events_.back(); }
  void pop() { events_.pop_back(); }
  void push(const Event& e) {
    // Latest first: walk back from the end past every event due before e.
    size_t at = events_.size();
    while (at > 0 && e > events_[at - 1]) at--;
    events_.insert(events_.begin() + static_cast<std::ptrdiff_t>(at), e);
  }

 private:
  std::vector<Event> events_;  // sorted latest first: the back is the earliest
};

}  // namespace rt::sim
