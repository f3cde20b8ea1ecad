// Going back through snapshots (RunSession::rewindTo, platform/sim/arena.hpp):
// a run restored from a snapshot and run forward to a point is in exactly
// the state a run forward from the start is in at that point, and goes on
// to exactly the same end — also when the snapshots were thinned out to fit
// their budget.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "lab/lab.hpp"
#include "lab/run_session.hpp"
#include "lab/scenarios/scenario.hpp"
#include "support/json_value.hpp"
#include "support/scale.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

uint64_t position(const Reply& r) {
  auto j = testjson::parse(r.json);
  EXPECT_TRUE(j.has_value()) << r.json;
  return j ? static_cast<uint64_t>((*j)["position"].number) : 0;
}

std::string state(Lab& lab) {
  std::string s;
  for (const char* cmd : {"gs --all --json", "ps --json", "ms --json", "runq --json"}) s += lab.exec(cmd).json + "\n";
  return s;
}

TEST(Snapshots, BackArrivesWhereARunFromTheStartArrives) {
  const std::string run = "run fanout --engine sim --procs 3 --size 2000 --seed 11 --step";
  Lab lab(testhost::fixed(4));
  ASSERT_TRUE(lab.exec(run).ok);
  const Reply end = lab.exec("continue");
  ASSERT_TRUE(end.ok) << end.text;
  ASSERT_GE(lab.session()->snapshots(), 2u) << "the run is long enough for snapshots after the first";
  const uint64_t total = lab.session()->events().size();
  uint64_t here = total;
  // Backward jumps of every size, from the end to near the start.
  ASSERT_TRUE(lab.session()->rewindable());
  for (uint64_t target : {total - 300, total * 3 / 4 + 17, total / 2 + 5, total / 2 - 3, total / 5, uint64_t{40}}) {
    const Reply back = lab.exec("back " + std::to_string(here - target) + " --json");
    ASSERT_TRUE(back.ok) << back.text;
    here = position(back);
    ASSERT_LE(here, target);
    Lab fresh(testhost::fixed(4));
    ASSERT_TRUE(fresh.exec(run).ok);
    const uint64_t start = fresh.session()->events().size();  // recorded before the first simulator event
    if (here > start) {
      ASSERT_EQ(position(fresh.exec("step " + std::to_string(here - start) + " --json")), here);
    }
    EXPECT_EQ(state(lab), state(fresh)) << "at event " << here;
  }
  const Reply again = lab.exec("continue");
  EXPECT_EQ(again.text, end.text) << "and on to the same end";
}

std::vector<trace::Event> eventsOf(RunSession& s) { return s.events(); }

bool sameEvents(const std::vector<trace::Event>& a, const std::vector<trace::Event>& b, size_t n) {
  return a.size() >= n && b.size() >= n && std::memcmp(a.data(), b.data(), n * sizeof(trace::Event)) == 0;
}

TEST(Snapshots, ThinnedToTheirBudgetAndStillExact) {
  RunSetup setup;
  setup.scenario = findScenario("pingpong");
  ASSERT_NE(setup.scenario, nullptr);
  setup.params.procs = 2;
  setup.params.size = 20000;
  setup.engine = "sim";
  setup.seed = 4;
  setup.traced = true;

  RunSession original(setup);
  original.runToEnd();
  const std::vector<trace::Event> all = eventsOf(original);
  ASSERT_GE(original.snapshots(), 6u);

  setup.snapshotBudget = original.snapshotBytes() / 3;
  RunSession thin(setup);
  thin.runToEnd();
  EXPECT_LE(thin.snapshotBytes(), setup.snapshotBudget);
  EXPECT_LT(thin.snapshots(), original.snapshots());
  EXPECT_GE(thin.snapshots(), 2u);
  ASSERT_TRUE(sameEvents(eventsOf(thin), all, all.size()));

  for (size_t target : {all.size() - 2, all.size() - 1000, all.size() / 2, all.size() / 3 + 1, size_t{10}}) {
    thin.rewindTo(target);
    const std::vector<trace::Event> now = eventsOf(thin);
    ASSERT_LE(now.size(), target);
    ASSERT_GT(now.size() + 64, target) << "back stops at the last simulator event before the target";
    ASSERT_TRUE(sameEvents(now, all, now.size())) << "the events up to there are the original's";
    EXPECT_FALSE(thin.over());
  }
  thin.runToEnd();
  const std::vector<trace::Event> again = eventsOf(thin);
  EXPECT_EQ(again.size(), all.size());
  EXPECT_TRUE(sameEvents(again, all, all.size())) << "forward again: every event as the first time";
  EXPECT_EQ(thin.report().text, original.report().text);

  setup.snapshotBudget = 1;  // smaller than any snapshot: only the start is kept
  RunSession startOnly(setup);
  startOnly.runToEnd();
  EXPECT_EQ(startOnly.snapshots(), 1u);
  startOnly.rewindTo(all.size() / 2);
  const std::vector<trace::Event> half = eventsOf(startOnly);
  ASSERT_GT(half.size() + 64, all.size() / 2);
  EXPECT_TRUE(sameEvents(half, all, half.size()));
}

TEST(Snapshots, RunsWithTheirOwnHeapAreReplayedInstead) {
  Lab lab(testhost::fixed(4));
  ASSERT_TRUE(lab.exec("run linkedlist --engine sim --procs 2 --size 2000 --step").ok);
  EXPECT_FALSE(lab.session()->rewindable());
  ASSERT_TRUE(lab.exec("step 300").ok);
  const Reply back = lab.exec("back 100");
  ASSERT_TRUE(back.ok) << back.text;
  EXPECT_NE(back.text.find("replayed from the start"), std::string::npos) << back.text;
}

// The process's resident memory, in KiB (Linux; -1 elsewhere).
[[maybe_unused]] long residentKib() {
  long pages = -1, resident = -1;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    std::fclose(f);
  }
  return resident < 0 ? -1 : resident * 4;  // 4 KiB pages
}

// The memory a stepped run held (arena chunks, snapshots, the trace: about
// 500 MB for skynet 10^6) goes back to the OS when the next run replaces it
// (util/release_memory.hpp). glibc used to keep about 100 MB of it per run in
// fragmented heaps, so a session of stepped runs grew run by run. Measured
// where it applies: a plain native build on glibc (a sanitizer brings its own
// allocator, and wasm memory never shrinks).
TEST(Snapshots, ARunsMemoryGoesBackWhenTheNextRunReplacesIt) {
#if !defined(__GLIBC__) || defined(RTLAB_TEST_SANITIZED)
  GTEST_SKIP() << "measured on glibc without a sanitizer";
#else
  Lab lab(testhost::fixed(2));
  ASSERT_TRUE(lab.exec("run pingpong --engine sim --size 10").ok);
  const long before = residentKib();
  ASSERT_GT(before, 0);
  ASSERT_TRUE(lab.exec("run skynet --engine sim --size 1000000 --seed 1 --step").ok);
  ASSERT_TRUE(lab.exec("continue").ok);
  const long during = residentKib();
  ASSERT_TRUE(lab.exec("run pingpong --engine sim --size 10").ok);
  const long after = residentKib();
  EXPECT_GT(during - before, 200 * 1024) << "the stepped run held its memory while it was the latest";
  EXPECT_LT(after - before, 32 * 1024) << "before " << before << " KiB, during " << during << " KiB, after " << after << " KiB";
#endif
}

}  // namespace
}  // namespace lab
