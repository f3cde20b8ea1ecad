// The hashed timing wheel (core/lab/scenarios/timing_wheel.hpp), against
// what a timer must do: every timeout expires exactly once, never before
// its deadline and at most one tick after it; a cancelled one never; one
// due several turns of the wheel ahead waits its turns; a deadline already
// past expires at the next tick — checked case by case and against a
// sorted model over random operations. These tests grade day 7's
// hand-write exercise (course/day7/handwrite/timing_wheel.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "lab/scenarios/timing_wheel.hpp"

namespace lab {
namespace {

constexpr int64_t kTick = 1000;  // 1 µs ticks, in ns
constexpr int64_t kStart = 5'000'000;

std::vector<WheelTimeout*> advanceTo(TimingWheel& w, int64_t now) {
  std::vector<WheelTimeout*> out;
  w.advance(now, &out);
  return out;
}

TEST(TimingWheel, ATimeoutExpiresAtTheEndOfTheTickItsDeadlineFallsIn) {
  TimingWheel w(kTick, 8, kStart);
  WheelTimeout t;
  w.add(&t, kStart + 2 * kTick + 300);  // in tick 2, which ends at 3 ticks
  EXPECT_EQ(t.state, WheelTimeout::State::Pending);
  EXPECT_EQ(w.pending(), 1u);
  EXPECT_TRUE(advanceTo(w, kStart + 3 * kTick - 1).empty());  // tick 2 has not ended
  auto fired = advanceTo(w, kStart + 3 * kTick);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0], &t);
  EXPECT_EQ(t.state, WheelTimeout::State::Expired);
  EXPECT_EQ(w.pending(), 0u);
  EXPECT_EQ(w.ticksProcessed(), 3u);
  EXPECT_TRUE(advanceTo(w, kStart + 100 * kTick).empty());  // once
}

TEST(TimingWheel, ADeadlineTurnsOfTheWheelAheadWaitsItsRounds) {
  TimingWheel w(kTick, 8, kStart);
  WheelTimeout near, far;
  w.add(&near, kStart + 3 * kTick);
  w.add(&far, kStart + (3 + 5 * 8) * kTick);  // the same bucket, five turns later
  EXPECT_EQ(near.bucket, far.bucket);
  EXPECT_EQ(far.remainingRounds, 5);
  auto first = advanceTo(w, kStart + 4 * kTick);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], &near);
  // Every turn passes its bucket without expiring it, until the last.
  EXPECT_TRUE(advanceTo(w, kStart + (4 + 5 * 8) * kTick - 1).empty());
  EXPECT_EQ(far.state, WheelTimeout::State::Pending);
  auto last = advanceTo(w, kStart + (4 + 5 * 8) * kTick);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0], &far);
}

TEST(TimingWheel, ADeadlineAlreadyPastExpiresAtTheNextTick) {
  TimingWheel w(kTick, 4, kStart);
  advanceTo(w, kStart + 10 * kTick + 500);  // ten ticks processed
  WheelTimeout late, beforeStart;
  w.add(&late, kStart + 2 * kTick);
  w.add(&beforeStart, 0);
  EXPECT_EQ(late.remainingRounds, 0);
  auto fired = advanceTo(w, kStart + 11 * kTick);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0], &late);  // in the order they were added
  EXPECT_EQ(fired[1], &beforeStart);
}

TEST(TimingWheel, ACancelledTimeoutNeverExpires) {
  TimingWheel w(kTick, 8, kStart);
  WheelTimeout a, b, c;
  w.add(&a, kStart + 5 * kTick);
  w.add(&b, kStart + 5 * kTick + 1);
  w.add(&c, kStart + 5 * kTick + 2);
  EXPECT_TRUE(w.cancel(&b));  // from the middle of a bucket's list
  EXPECT_FALSE(w.cancel(&b));
  EXPECT_EQ(b.state, WheelTimeout::State::Cancelled);
  EXPECT_EQ(w.pending(), 2u);
  auto fired = advanceTo(w, kStart + 6 * kTick);
  EXPECT_EQ(fired, (std::vector<WheelTimeout*>{&a, &c}));
  EXPECT_FALSE(w.cancel(&a));  // expired: too late to cancel
  WheelTimeout never;
  EXPECT_FALSE(w.cancel(&never));  // never added
}

TEST(TimingWheel, ATimeoutCanBeAddedAgainAfterItExpiredOrWasCancelled) {
  TimingWheel w(kTick, 8, kStart);
  WheelTimeout t;
  w.add(&t, kStart + kTick);
  ASSERT_EQ(advanceTo(w, kStart + 2 * kTick).size(), 1u);
  w.add(&t, kStart + 20 * kTick);
  EXPECT_TRUE(w.cancel(&t));
  w.add(&t, kStart + 30 * kTick);
  auto fired = advanceTo(w, kStart + 40 * kTick);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0]->deadline, kStart + 30 * kTick);
}

TEST(TimingWheel, TheWheelSizeIsAPowerOfTwo) {
  EXPECT_EQ(TimingWheel(kTick, 1, 0).size(), 1u);
  EXPECT_EQ(TimingWheel(kTick, 500, 0).size(), 512u);
  EXPECT_EQ(TimingWheel(kTick, 512, 0).size(), 512u);
  TimingWheel one(kTick, 1, 0);  // one bucket: everything waits in rounds
  WheelTimeout t;
  one.add(&t, 7 * kTick + 1);
  EXPECT_EQ(t.remainingRounds, 7);
  EXPECT_EQ(advanceTo(one, 8 * kTick - 1).size(), 0u);
  EXPECT_EQ(advanceTo(one, 8 * kTick).size(), 1u);
}

// Random adds, cancels and advances against a model: after every advance,
// exactly the timeouts whose deadline lies in a tick that has now ended
// have expired — each once, none early, none more than a tick late.
TEST(TimingWheel, RandomOperationsAgreeWithASortedModel) {
  for (uint32_t wheelSize : {1u, 8u, 64u, 512u}) {
    std::mt19937_64 rng(wheelSize * 7919);
    TimingWheel w(kTick, wheelSize, kStart);
    std::vector<std::unique_ptr<WheelTimeout>> all;
    std::multimap<int64_t, WheelTimeout*> model;  // pending, by the end of their tick
    std::map<const WheelTimeout*, int64_t> expiresAt;  // that tick's end, for each
    int64_t now = kStart;
    int64_t processedUntil = kStart;  // the end of the last tick processed
    uint64_t fired = 0;
    for (int op = 0; op < 20000; op++) {
      const uint64_t r = rng() % 100;
      if (r < 55) {
        // Deadlines from the past to several turns of the wheel ahead.
        const int64_t span = int64_t(wheelSize) * kTick * 4 + 10 * kTick;
        const int64_t deadline = now - 3 * kTick + int64_t(rng() % uint64_t(span));
        all.push_back(std::make_unique<WheelTimeout>());
        WheelTimeout* t = all.back().get();
        w.add(t, deadline);
        // It expires when the first unprocessed tick at or after its
        // deadline's tick ends.
        const int64_t tickOfDeadline = deadline > kStart ? (deadline - kStart) / kTick : 0;
        const int64_t firstOpen = (processedUntil - kStart) / kTick;
        const int64_t firesAt = kStart + (std::max(tickOfDeadline, firstOpen) + 1) * kTick;
        model.emplace(firesAt, t);
        expiresAt[t] = firesAt;
      } else if (r < 70 && !model.empty()) {
        auto it = model.begin();
        std::advance(it, int64_t(rng() % model.size()));
        EXPECT_TRUE(w.cancel(it->second));
        model.erase(it);
      } else {
        now += int64_t(rng() % uint64_t(3 * kTick));
        std::vector<WheelTimeout*> got;
        w.advance(now, &got);
        processedUntil = kStart + (now - kStart) / kTick * kTick;
        std::vector<WheelTimeout*> want;
        while (!model.empty() && model.begin()->first <= now) {
          want.push_back(model.begin()->second);
          model.erase(model.begin());
        }
        auto byAddress = [](std::vector<WheelTimeout*> v) {
          std::sort(v.begin(), v.end());
          return v;
        };
        ASSERT_EQ(byAddress(got), byAddress(want)) << "wheel of " << wheelSize << ", op " << op;
        for (WheelTimeout* t : got) {
          EXPECT_EQ(t->state, WheelTimeout::State::Expired);
          fired++;
        }
        // Expired tick by tick: in the order of the ticks they fall due in.
        for (size_t i = 1; i < got.size(); i++) EXPECT_LE(expiresAt[got[i - 1]], expiresAt[got[i]]) << "op " << op;
      }
      ASSERT_EQ(w.pending(), model.size());
    }
    EXPECT_GT(fired, 1000u) << wheelSize;
  }
}

// What the service measures: with the driver advancing at every tick's
// end, no timeout expires before its deadline or a tick or more after it.
TEST(TimingWheel, LatenessIsUnderOneTickWhenDrivenOnTime) {
  TimingWheel w(kTick, 64, kStart);
  std::mt19937_64 rng(42);
  std::vector<WheelTimeout> ts(5000);
  for (auto& t : ts) w.add(&t, kStart + int64_t(rng() % (200 * kTick)));
  int64_t worst = 0;
  size_t count = 0;
  // 200 ticks hold every deadline; a few more are allowed, not an endless loop.
  int64_t now = kStart;
  for (int ticks = 0; ticks < 300 && count < ts.size(); ticks++, now = w.nextTickAt()) {
    std::vector<WheelTimeout*> got;
    w.advance(now, &got);
    for (WheelTimeout* t : got) {
      EXPECT_GE(now, t->deadline);
      worst = std::max(worst, now - t->deadline);
      count++;
    }
  }
  EXPECT_EQ(count, ts.size());
  EXPECT_LE(worst, kTick);
  EXPECT_GT(worst, kTick / 2);
}

}  // namespace
}  // namespace lab
