// The lab-only scheduling policies of day 7's priority experiment
// (sched/priority.hpp, NOT Go): under SchedPolicy::Queue every runnable
// high-priority goroutine runs before any normal one already queued; under
// Go's policy the same priorities change nothing (runnext, then the ring in
// order); a goroutine inherits its creator's priority; and under
// SchedPolicy::Slice sysmon leaves a high-priority goroutine running for
// three slices, a normal one for one.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "core/sched/engines.hpp"
#include "platform/sim/sim_platform.hpp"
#include "sched/api.hpp"
#include "sched/priority.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"

namespace rt {
namespace {

using testing::Engine;

constexpr int kNormal = 20, kHigh = 5;

Goroutine record(std::vector<int>* order, int id, WaitGroup* wg) {
  order->push_back(id);  // one P: the goroutines run one at a time
  wg->Done();
  co_return;
}

// On one P, main starts kNormal normal goroutines (ids 0..19), then kHigh
// high-priority ones (ids 100..104), and waits: the order they ran in, and
// whether sysmon found the P's time slice used up meanwhile. That happens
// only on real threads, when the run takes over 10 ms (a slow build on a
// busy machine): findRunnable then moves the G in runnext to the global
// queue (proc.cpp), so the normal goroutines run in another order.
Goroutine startBothClasses(SchedPolicy policy, std::vector<int>* order, bool* sliceUsedUp) {
  const uint64_t requests = getm()->rt->stats.preemptRequests.load();
  SetSchedPolicy(policy);
  WaitGroup wg;
  wg.Add(kNormal + kHigh);
  for (int i = 0; i < kNormal; i++) go(record(order, i, &wg));
  for (int i = 0; i < kHigh; i++) goWithPriority(record(order, 100 + i, &wg), Priority::High);
  co_await wg.Wait();
  *sliceUsedUp = getm()->rt->stats.preemptRequests.load() != requests;
}

// The ids in v, sorted.
std::vector<int> sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<int> normalIds() {
  std::vector<int> ids;
  for (int i = 0; i < kNormal; i++) ids.push_back(i);
  return ids;
}

class Priority_ : public ::testing::TestWithParam<Engine> {};

TEST_P(Priority_, UnderTheQueuePolicyEveryHighPriorityGoroutineRunsFirstInTheOrderItBecameRunnable) {
  std::vector<int> order;
  bool sliceUsedUp = false;
  auto r = testing::runOn(GetParam(), startBothClasses(SchedPolicy::Queue, &order, &sliceUsedUp), 1);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  ASSERT_EQ(order.size(), size_t(kNormal + kHigh));
  const std::vector<int> highFirst(order.begin(), order.begin() + kHigh);
  EXPECT_EQ(highFirst, (std::vector<int>{100, 101, 102, 103, 104}));
  const std::vector<int> normal(order.begin() + kHigh, order.end());
  if (GetParam() == Engine::Sim) {
    EXPECT_FALSE(sliceUsedUp) << "a run of microseconds on the simulator";
  }
  if (sliceUsedUp) {
    EXPECT_EQ(sorted(normal), normalIds());
    return;
  }
  // Then the normal ones as Go runs them: runnext (the last started), then
  // the ring in order.
  EXPECT_EQ(normal[0], kNormal - 1);
  for (int i = 0; i < kNormal - 1; i++) EXPECT_EQ(normal[1 + i], i);
}

TEST_P(Priority_, UnderGosPolicyPrioritiesChangeNothing) {
  std::vector<int> order;
  bool sliceUsedUp = false;
  auto r = testing::runOn(GetParam(), startBothClasses(SchedPolicy::Go, &order, &sliceUsedUp), 1);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  // Go's newproc: the newest goroutine in runnext, the others in the ring in order.
  std::vector<int> expected{100 + kHigh - 1};
  for (int i = 0; i < kNormal; i++) expected.push_back(i);
  for (int i = 0; i < kHigh - 1; i++) expected.push_back(100 + i);
  if (GetParam() == Engine::Sim) {
    EXPECT_FALSE(sliceUsedUp) << "a run of microseconds on the simulator";
  }
  if (sliceUsedUp) {
    EXPECT_EQ(sorted(order), sorted(expected));
    return;
  }
  EXPECT_EQ(order, expected);
}

Goroutine reportPriority(Priority* out, WaitGroup* wg) {
  *out = getg()->priority;
  wg->Done();
  co_return;
}

Goroutine parentOf(Priority* child, WaitGroup* wg) {
  go(reportPriority(child, wg));  // rt::go: the child inherits
  co_return;
}

// Two parents, one of each priority, each start a child: main waits for the children.
Goroutine inheritance(Priority* fromHigh, Priority* fromNormal) {
  SetSchedPolicy(SchedPolicy::Queue);
  WaitGroup children;
  children.Add(2);
  goWithPriority(parentOf(fromHigh, &children), Priority::High);
  goWithPriority(parentOf(fromNormal, &children), Priority::Normal);
  co_await children.Wait();
}

TEST_P(Priority_, AGoroutineInheritsItsCreatorsPriorityAsGoCopiesPprofLabels) {
  Priority fromHigh = Priority::Normal, fromNormal = Priority::High;
  auto r = testing::runOn(GetParam(), inheritance(&fromHigh, &fromNormal), 2);
  ASSERT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
  EXPECT_EQ(fromHigh, Priority::High);
  EXPECT_EQ(fromNormal, Priority::Normal);
}

INSTANTIATE_TEST_SUITE_P(BothEngines, Priority_, ::testing::ValuesIn(testing::availableEngines()),
                         testing::engineName);

// --- SchedPolicy::Slice, on the simulator: sysmon's preemptions are exact there.

Goroutine compute(int64_t ns, WaitGroup* wg) {
  co_await cpu(ns);
  wg->Done();
}

// One goroutine of the given priority computes for `burst` on one P while
// another waits to run: how many times sysmon preempted.
uint64_t preemptionsOfBurst(int64_t burst, SchedPolicy policy, Priority priority) {
  Runtime::Config cfg;
  cfg.gomaxprocs = 1;
  cfg.seed = 3;
  Runtime runtime(cfg, std::make_unique<SimPlatform>(3));
  auto main = [](int64_t ns, SchedPolicy chosen, Priority given) -> Goroutine {
    SetSchedPolicy(chosen);
    WaitGroup wg;
    wg.Add(2);
    goWithPriority(compute(ns, &wg), given);
    go(compute(1'000, &wg));
    co_await wg.Wait();
  };
  RunResult r = runtime.run(main(burst, policy, priority));
  EXPECT_EQ(r.status, RunStatus::Ok) << r.fatal;
  return runtime.stats.preemptions.load();
}

TEST(PrioritySlice, AHighPriorityGoroutineRunsThreeSlicesBeforeSysmonPreemptsIt) {
  constexpr int64_t kMs = 1'000'000;
  // forcePreemptNS is 10 ms: a 25 ms burst is cut; with 3 x 10 ms it is not.
  EXPECT_GE(preemptionsOfBurst(25 * kMs, SchedPolicy::Go, Priority::High), 1u);
  EXPECT_GE(preemptionsOfBurst(25 * kMs, SchedPolicy::Slice, Priority::Normal), 1u);
  EXPECT_EQ(preemptionsOfBurst(25 * kMs, SchedPolicy::Slice, Priority::High), 0u);
  // Over 200 ms: the policy leaves normal goroutines as Go does, and cuts a
  // high-priority one at most half as often. (Not a third: sysmon notices a
  // new slice only at its next round, up to 10 ms late, so a slice lasts
  // about 20 ms, and the longer one about 40.)
  const uint64_t go = preemptionsOfBurst(200 * kMs, SchedPolicy::Go, Priority::Normal),
                 normal = preemptionsOfBurst(200 * kMs, SchedPolicy::Slice, Priority::Normal),
                 high = preemptionsOfBurst(200 * kMs, SchedPolicy::Slice, Priority::High);
  EXPECT_EQ(normal, go);
  EXPECT_GE(go, 8u);
  EXPECT_LE(high * 2, normal);
  EXPECT_GE(high, 1u);
}

}  // namespace
}  // namespace rt
