// The real engine end to end: goroutines on real threads.
#include <gtest/gtest.h>

#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"

namespace rt {
namespace {

RunResult runMain(int procs, Goroutine main, DebugVars debug = {}) {
  Runtime::Config cfg;
  cfg.gomaxprocs = procs;
  cfg.debug = debug;
  Runtime r(cfg);
  return r.run(std::move(main));
}

Goroutine skynet(Chan<int64_t>* c, int64_t num, int64_t size, int64_t div) {
  if (size == 1) {
    co_await c->send(num);
    co_return;
  }
  Chan<int64_t> rc;
  int64_t sum = 0;
  for (int64_t i = 0; i < div; i++) {
    int64_t subNum = num + i * (size / div);
    go(skynet(&rc, subNum, size / div, div));
  }
  for (int64_t i = 0; i < div; i++) sum += co_await rc.recv();
  co_await c->send(sum);
}

Goroutine skynetMain(int64_t size, int64_t* result) {
  Chan<int64_t> c;
  go(skynet(&c, 0, size, 10));
  *result = co_await c.recv();
}

TEST(Engine, Skynet) {
  for (int procs : {1, 2, 4}) {
    int64_t result = 0;
    RunResult r = runMain(procs, skynetMain(10000, &result));
    EXPECT_EQ(r.status, RunStatus::Ok) << r.fatal;
    EXPECT_EQ(result, 49995000) << "procs=" << procs;
  }
}

Goroutine blockForever() {
  Chan<int> c;
  co_await c.recv();
}

TEST(Engine, DeadlockIsDetected) {
  RunResult r = runMain(2, blockForever());
  EXPECT_EQ(r.status, RunStatus::Fatal);
  EXPECT_EQ(r.fatal, "all goroutines are asleep - deadlock!");
}

}  // namespace
}  // namespace rt
