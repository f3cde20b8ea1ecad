// The simulator's event queue (core/platform/sim/event_queue.hpp): it must
// pop exactly what a binary heap ordered the same way pops, since the
// simulator's schedule, and with it every golden trace, follows that order.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <vector>

#include "platform/sim/event_queue.hpp"

namespace rt::sim {
namespace {

// The shape of SimPlatform::Event: ordered by time, ties by scheduling order.
struct Event {
  int64_t when;
  uint64_t seq;
  bool operator>(const Event& o) const { return when != o.when ? when > o.when : seq > o.seq; }
};

TEST(EventQueue, PopsWhatABinaryHeapPopsUnderRandomPushesAndPops) {
  for (uint32_t seed = 1; seed <= 20; seed++) {
    std::mt19937_64 rng(seed);
    EventQueue<Event> q;
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> ref;
    uint64_t seq = 0;
    int64_t now = 0;
    // Few distinct times, so that many events tie on `when` and the order
    // rests on seq; sizes from empty up to a few hundred.
    for (int step = 0; step < 20000; step++) {
      const bool push = ref.empty() || rng() % 100 < (step % 4000 < 2000 ? 60 : 40);
      if (push) {
        const Event e{now + static_cast<int64_t>(rng() % 8), seq++};
        q.push(e);
        ref.push(e);
      } else {
        ASSERT_FALSE(q.empty());
        ASSERT_EQ(q.top().when, ref.top().when) << "seed " << seed << " step " << step;
        ASSERT_EQ(q.top().seq, ref.top().seq) << "seed " << seed << " step " << step;
        now = q.top().when;
        q.pop();
        ref.pop();
      }
      ASSERT_EQ(q.size(), ref.size());
    }
  }
}

TEST(EventQueue, EqualTimesComeOutInTheOrderTheyWereScheduled) {
  EventQueue<Event> q;
  q.push({5, 0});
  q.push({3, 1});
  q.push({5, 2});
  q.push({3, 3});
  q.push({4, 4});
  const std::vector<std::pair<int64_t, uint64_t>> want = {{3, 1}, {3, 3}, {4, 4}, {5, 0}, {5, 2}};
  for (auto [when, seq] : want) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.top().when, when);
    EXPECT_EQ(q.top().seq, seq);
    q.pop();
  }
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace rt::sim
