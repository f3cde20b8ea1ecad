// The simulator: the same scheduler on a discrete-event platform.
//
// What these tests prove:
//   - the simulated platform's clock and event queue behave (virtual time
//     moves only by events; ties keep their order; notes are one-shot);
//   - the runtime's own operations (go, channel operations, select,
//     allocation) cost virtual time, exactly their SimCosts price, and while
//     a goroutine spends it the other Ms go on: fanout's idle Ps steal;
//   - a run is a pure function of (scenario, flags, seed): identical traces
//     for the same seed — also across the native and both wasm builds,
//     through golden hashes of several scenarios (a GC one included) that
//     every build must reproduce — and different ones for different seeds;
//   - every built-in scenario gives the same answer on both engines, and both
//     engines' traces obey the scheduler's invariants (every goroutine exits
//     exactly once, no P runs two goroutines at once, steals take half,
//     preemption comes within a time slice plus a sysmon tick), over hundreds
//     of seeds on the simulator.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "gc/collector.hpp"
#include "lab/scenarios/scenario.hpp"
#include "platform/real/real_platform.hpp"
#include "platform/sim/sim_platform.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/runtime.hpp"
#include "sched/select.hpp"
#include "support/json_value.hpp"
#include "support/trace_hash.hpp"
#include "support/scale.hpp"
#include "trace/chrome.hpp"
#include "trace/tracer.hpp"

namespace rt {
namespace {

constexpr int64_t kUs = 1000, kMs = 1000 * 1000;

// ------------------------------------------------------------- running

struct TracedRun {
  RunResult rr;
  lab::ScenarioResult result;
  std::vector<trace::Event> events;
  std::vector<std::string> names;
  uint64_t simEvents = 0;
  int64_t goroutines = 0;
};

// inOrder: the tracer as the lab makes it for the simulator (one list, no
// merge); else per-M buffers merged by (time, sequence) at the end. A GC
// scenario gets the collector the lab gives it (default configuration).
TracedRun runScenario(const std::string& name, bool sim, int procs, uint64_t seed, int64_t size,
                      bool inOrder = false) {
  const lab::Scenario* sc = lab::findScenario(name);
  EXPECT_NE(sc, nullptr) << name;
  Runtime::Config cfg;
  lab::ScenarioParams params;
  params.procs = sc->fixedProcs > 0 ? sc->fixedProcs : procs;
  params.size = size > 0 ? size : sc->defaultSize;
  params.seed = seed;
  params.options = lab::defaultOptions(*sc);
  cfg.gomaxprocs = params.procs;
  cfg.seed = seed;
  std::unique_ptr<SimPlatform> platform;
  SimPlatform* simp = nullptr;
  if (sim) {
    platform = std::make_unique<SimPlatform>(seed);
    simp = platform.get();
  }
  trace::Tracer tracer(4'000'000, inOrder);
  TracedRun out;
  {
    Runtime runtime(cfg, std::move(platform));
    runtime.tracer = &tracer;
    std::optional<gc::Collector> collector;
    if (sc->usesGC) collector.emplace(&runtime, gc::GcConfig{});
    out.rr = runtime.run(sc->main(params, &out.result));
    out.simEvents = simp ? simp->eventsProcessed() : 0;
    out.goroutines = static_cast<int64_t>(runtime.stats.goroutinesCreated.load());
  }
  out.events = tracer.collect();
  out.names = tracer.names();
  return out;
}

using testtrace::traceHash;  // FNV-1a over the raw 40-byte records: the whole trace, order included

// ------------------------------------------------------------- invariants

struct InvariantReport {
  std::vector<std::string> problems;
  int64_t created = 0, ran = 0, steals = 0;
  int64_t longestRunNs = 0;  // longest stretch of one G on a P
  void fail(const std::string& s) {
    if (problems.size() < 5) problems.push_back(s);
  }
};

// Replays a trace and checks what must hold on either engine. halfRule:
// check steals against the victim's queue exactly (only meaningful on the
// simulator, where the victim's queue cannot change during the steal).
InvariantReport checkInvariants(const std::vector<trace::Event>& events, bool halfRule) {
  InvariantReport r;
  std::map<uint64_t, Gstatus> status;
  std::map<uint64_t, int64_t> runningSince;
  std::map<int, uint64_t> runningOnP;  // P -> the G running there
  for (const trace::Event& e : events) {
    const std::string at = " at " + std::to_string(e.ts) + "ns";
    switch (e.type) {
      case trace::EvType::GoCreate:
        if (status.count(e.g)) r.fail("G" + std::to_string(e.g) + " created twice" + at);
        status[e.g] = Gstatus::Runnable;
        r.created++;
        break;
      case trace::EvType::GoStatus: {
        const auto from = static_cast<Gstatus>(e.from), to = static_cast<Gstatus>(e.to);
        if (from == Gstatus::Dead && to == Gstatus::Runnable) break;  // creation, seen as GoCreate
        if (from == Gstatus::Idle) break;                               // allocation
        auto it = status.find(e.g);
        if (it == status.end()) {
          r.fail("G" + std::to_string(e.g) + " changes status before it was created" + at);
          break;
        }
        if (it->second != from)
          r.fail("G" + std::to_string(e.g) + " leaves " + std::string(gstatusName(from)) + " but was " +
                 std::string(gstatusName(it->second)) + at);
        if (it->second == Gstatus::Dead) r.fail("G" + std::to_string(e.g) + " exits twice" + at);
        it->second = to;
        if (to == Gstatus::Running) {
          if (e.p < 0) r.fail("G" + std::to_string(e.g) + " runs without a P" + at);
          auto [slot, fresh] = runningOnP.try_emplace(e.p, e.g);
          if (!fresh)
            r.fail("P" + std::to_string(e.p) + " runs G" + std::to_string(e.g) + " while G" +
                   std::to_string(slot->second) + " is running there" + at);
          if (!runningSince.count(e.g)) r.ran++;
          runningSince[e.g] = e.ts;
        }
        if (from == Gstatus::Running) {
          auto slot = runningOnP.find(e.p);
          if (slot == runningOnP.end() || slot->second != e.g)
            r.fail("G" + std::to_string(e.g) + " stops running on P" + std::to_string(e.p) +
                   ", where it was not running" + at);
          else
            runningOnP.erase(slot);
          r.longestRunNs = std::max(r.longestRunNs, e.ts - runningSince[e.g]);
        }
        break;
      }
      case trace::EvType::Steal: {
        r.steals++;
        if (e.a < 1 || e.a > static_cast<int32_t>(kRunqSize / 2))
          r.fail("a steal of " + std::to_string(e.a) + " Gs" + at);
        // Go's half rule: the thief takes ceil(n/2) of the victim's n.
        if (halfRule && e.a != (e.a + e.b + 1) / 2)
          r.fail("a steal of " + std::to_string(e.a) + " Gs from a queue of " + std::to_string(e.a + e.b) + at);
        break;
      }
      default:
        break;
    }
  }
  return r;
}

std::string describe(const InvariantReport& r) {
  std::string s;
  for (const auto& p : r.problems) s += "\n  " + p;
  return s;
}

// ------------------------------------------------------------- the platform

// Virtual time moves only when an event is due, by exactly the durations
// asked for: a goroutine computing 3 × 50 µs and sleeping 1 ms ends at
// 1.15 ms plus the scheduler's small costs.
Goroutine timedMain(int64_t* elapsed, int64_t* steps) {
  const int64_t start = nanotime();
  for (int i = 0; i < 3; i++) {
    co_await cpu(50 * kUs);
    (*steps)++;
  }
  co_await Sleep{1 * kMs};
  *elapsed = nanotime() - start;
}

TEST(SimPlatform, VirtualTimeAdvancesByWhatWasAsked) {
  Runtime::Config cfg;
  cfg.seed = 1;
  Runtime runtime(cfg, std::make_unique<SimPlatform>(1));
  int64_t elapsed = 0, steps = 0;
  RunResult r = runtime.run(timedMain(&elapsed, &steps));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_EQ(steps, 3);
  EXPECT_GE(elapsed, 1150 * kUs);
  EXPECT_LT(elapsed, 1150 * kUs + 100 * kUs);  // scheduling costs are sub-microsecond each
}

// With jitter off, the costs are exact: a goroutine that computes 10 µs on
// an otherwise idle runtime sees exactly 10 µs pass.
Goroutine computeOnce(int64_t* elapsed) {
  const int64_t start = nanotime();
  co_await cpu(10 * kUs);
  *elapsed = nanotime() - start;
}

TEST(SimPlatform, ComputeTakesExactlyItsDuration) {
  SimCosts costs;
  costs.jitterPercent = 0;
  Runtime::Config cfg;
  Runtime runtime(cfg, std::make_unique<SimPlatform>(1, costs));
  int64_t elapsed = 0;
  ASSERT_EQ(runtime.run(computeOnce(&elapsed)).status, RunStatus::Ok);
  EXPECT_EQ(elapsed, 10 * kUs);
}

// The runtime's own operations cost virtual time, though the goroutine never
// gives its M back: with jitter off, exactly their SimCosts price each.
Goroutine nothing() { co_return; }

Goroutine runtimeOps(std::vector<int64_t>* spent) {
  int64_t t = nanotime();
  for (int i = 0; i < 10; i++) go(nothing());
  spent->push_back(nanotime() - t);
  Chan<int> c(4);
  t = nanotime();
  co_await c.send(1);  // buffered, with room: no wait
  co_await c.send(2);
  const int v = co_await c.recv();
  spent->push_back(nanotime() - t);
  int got = 0;
  t = nanotime();
  const int chosen = co_await select(recvCase(c, &got), defaultCase());
  spent->push_back(nanotime() - t);
  t = nanotime();
  c.close();
  spent->push_back(nanotime() - t);
  spent->push_back(v * 10 + got + chosen);  // the operations did happen: 1, 2, case 0
}

TEST(SimCosts, RuntimeOperationsCostTheirPrice) {
  SimCosts costs;
  costs.jitterPercent = 0;
  Runtime::Config cfg;
  cfg.gomaxprocs = 1;
  Runtime runtime(cfg, std::make_unique<SimPlatform>(1, costs));
  std::vector<int64_t> spent;
  RunResult r = runtime.run(runtimeOps(&spent));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  ASSERT_EQ(spent.size(), 5u);
  EXPECT_EQ(spent[0], 10 * costs.newproc) << "go f()";
  EXPECT_EQ(spent[1], 3 * costs.chanOp) << "two sends and a receive";
  EXPECT_EQ(spent[2], costs.selectCase) << "a select of one channel case (and a default)";
  EXPECT_EQ(spent[3], costs.chanOp) << "close";
  EXPECT_EQ(spent[4], 12);
}

// The seed's jitter applies to the runtime's operations too: the same
// loop of `go` statements takes different virtual times with different
// seeds, and exactly the same with the same seed.
Goroutine spawnLoop(int64_t* elapsed) {
  const int64_t t = nanotime();
  for (int i = 0; i < 100; i++) go(nothing());
  *elapsed = nanotime() - t;
  co_return;
}

TEST(SimCosts, RuntimeOperationsAreJitteredBySeed) {
  auto spawnTime = [](uint64_t seed) {
    Runtime::Config cfg;
    cfg.gomaxprocs = 1;
    Runtime runtime(cfg, std::make_unique<SimPlatform>(seed));
    int64_t elapsed = 0;
    EXPECT_EQ(runtime.run(spawnLoop(&elapsed)).status, RunStatus::Ok);
    return elapsed;
  };
  const SimCosts costs;
  const int64_t a = spawnTime(1), b = spawnTime(2);
  EXPECT_EQ(a, spawnTime(1));
  EXPECT_NE(a, b);
  for (int64_t t : {a, b}) {
    EXPECT_GE(t, 100 * (costs.newproc - costs.newproc * costs.jitterPercent / 100));
    EXPECT_LE(t, 100 * (costs.newproc + costs.newproc * costs.jitterPercent / 100));
  }
}

// fanout: main's loop of `go` statements takes virtual time now, and the Ms
// woken meanwhile find main's run queue filling and steal from it, as on
// real threads (a free `go` filled the queue at one instant, and the other
// Ps only ever took from the global queue). Every seed steals.
TEST(SimCosts, FanoutStealsWhileMainIsStillSpawning) {
  for (uint64_t seed : {1, 2, 3, 7}) {
    TracedRun run = runScenario("fanout", true, 4, seed, 0);
    ASSERT_EQ(run.rr.status, RunStatus::Ok) << run.rr.fatal;
    ASSERT_TRUE(run.result.passed) << run.result.text;
    InvariantReport r = checkInvariants(run.events, true);
    EXPECT_TRUE(r.problems.empty()) << "seed " << seed << describe(r);
    EXPECT_GT(r.steals, 0) << "seed " << seed;
  }
}

// A hog that never blocks is stopped in the middle of a cpu burst
// (asynchronous preemption): the light goroutine gets the P within one time
// slice plus one sysmon delay, though the hog asked for a whole second.
Goroutine burner(Chan<int>* started) {
  co_await started->send(1);
  co_await cpu(1000 * kMs);
}

Goroutine lightMain(int64_t* waited, int* procs) {
  Chan<int> started;
  go(burner(&started));
  co_await started.recv();
  const int64_t start = nanotime();
  co_await Gosched();  // to the global queue: the hog runs now
  *waited = nanotime() - start;
  *procs = static_cast<int>(currentRuntime()->gomaxprocs.load());
}

TEST(SimPlatform, ACpuBurstIsPreemptedAsynchronously) {
  Runtime::Config cfg;
  cfg.gomaxprocs = 1;
  Runtime runtime(cfg, std::make_unique<SimPlatform>(3));
  int64_t waited = 0;
  int procs = 0;
  RunResult r = runtime.run(lightMain(&waited, &procs));
  ASSERT_EQ(r.status, RunStatus::Ok) << r.fatal;
  EXPECT_EQ(procs, 1);
  EXPECT_GE(waited, kForcePreemptNS);
  EXPECT_LE(waited, 2 * kForcePreemptNS + kMs);
  EXPECT_GE(runtime.stats.preemptions.load(), 1u);
}

// A deadlock is found on the simulator exactly as on real threads.
Goroutine deadlocked() {
  Chan<int> c;
  co_await c.recv();
}

TEST(SimPlatform, DeadlockIsReportedWithGosMessage) {
  Runtime::Config cfg;
  cfg.gomaxprocs = 2;
  Runtime runtime(cfg, std::make_unique<SimPlatform>(1));
  RunResult r = runtime.run(deadlocked());
  EXPECT_EQ(r.status, RunStatus::Fatal);
  EXPECT_EQ(r.fatal, "all goroutines are asleep - deadlock!");
}

// The time limit stops a program that would run forever, with a message.
Goroutine forever() {
  for (;;) co_await cpu(1 * kMs);
}

TEST(SimPlatform, TimeLimitStopsARunawayProgram) {
  auto platform = std::make_unique<SimPlatform>(1);
  platform->setTimeLimit(50 * kMs);
  Runtime::Config cfg;
  Runtime runtime(cfg, std::move(platform));
  RunResult r = runtime.run(forever());
  EXPECT_EQ(r.status, RunStatus::Fatal);
  EXPECT_EQ(r.fatal, "simulator: time limit reached");
}

// GOMAXPROCS changes stop the world on the simulator too.
Goroutine resizeMain(std::vector<int32_t>* seen) {
  for (int n : {3, 1, 4, 2}) {
    co_await GOMAXPROCS{n};
    seen->push_back(currentRuntime()->gomaxprocs.load());
    co_await cpu(100 * kUs);
  }
}

TEST(SimPlatform, GomaxprocsChangesStopTheWorld) {
  Runtime::Config cfg;
  cfg.gomaxprocs = 2;
  Runtime runtime(cfg, std::make_unique<SimPlatform>(5));
  std::vector<int32_t> seen;
  ASSERT_EQ(runtime.run(resizeMain(&seen)).status, RunStatus::Ok);
  EXPECT_EQ(seen, (std::vector<int32_t>{3, 1, 4, 2}));
}

// ------------------------------------------------------------- determinism

TEST(SimDeterminism, SameSeedGivesTheSameTrace) {
  TracedRun a = runScenario("fanout", true, 4, 7, 500);
  TracedRun b = runScenario("fanout", true, 4, 7, 500);
  ASSERT_EQ(a.rr.status, RunStatus::Ok);
  ASSERT_GT(a.events.size(), 1000u);
  EXPECT_EQ(a.events.size(), b.events.size());
  EXPECT_EQ(traceHash(a.events), traceHash(b.events));
}

TEST(SimDeterminism, DifferentSeedsExploreDifferentInterleavings) {
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 8; seed++) hashes.insert(traceHash(runScenario("fanout", true, 4, seed, 500).events));
  EXPECT_GE(hashes.size(), 7u);
}

// The simulator records in order: one list gives exactly what merging the
// Ms' buffers gives, so the lab can skip the merge.
TEST(SimDeterminism, RecordingInOrderGivesTheMergedTrace) {
  for (const char* name : {"fanout", "hog", "syscalls", "timers"}) {
    TracedRun merged = runScenario(name, true, 3, 5, 300);
    TracedRun inOrder = runScenario(name, true, 3, 5, 300, true);
    ASSERT_GT(merged.events.size(), 100u) << name;
    EXPECT_EQ(merged.events.size(), inOrder.events.size()) << name;
    EXPECT_EQ(traceHash(merged.events), traceHash(inOrder.events)) << name;
  }
}

// The golden hashes: these exact traces, byte for byte, are what the native
// build and both wasm builds (under node) must produce — whole runs of a
// scheduler scenario with steals (fanout), one of channel handoffs
// (pingpong), timers, a GC scenario (binarytrees: allocation, marking,
// stop-the-world pauses) and the service (random arrivals), each at several
// seeds. A trace holds no addresses
// (ids, counts and virtual times only), and a heap object's words are 8
// bytes in every build (gc/object.hpp), so every hash is the same natively
// and in wasm32. If a deliberate change to the scheduler, the simulator's
// costs or the collector changes them, run
//   sched_tests --gtest_filter=SimDeterminism.GoldenTracesAreTheSameOnEveryBuild
// and paste the table its failure prints.
struct Golden {
  const char* scenario;
  int procs;
  int64_t size;
  uint64_t seed;
  uint64_t hash;
};

const Golden kGolden[] = {
    {"fanout", 4, 300, 1, 0x6baa879456d59fae},
    {"fanout", 4, 300, 7, 0x587b00a66af89f74},
    {"fanout", 3, 300, 12, 0x00bffbe416fc99b5},
    {"pingpong", 2, 300, 1, 0x7cb62dc944303363},
    {"pingpong", 2, 300, 5, 0x2237bf1940fecd0e},
    {"timers", 2, 30, 3, 0x66594129969903f2},
    // After a change to the collector, these three move too.
    {"binarytrees", 2, 12, 1, 0x3f3b8ed76ad2e629},
    {"binarytrees", 2, 12, 4, 0xb69cee890cf357ac},
    {"binarytrees", 3, 12, 9, 0x8385d919b482eef6},
    // The service draws its arrivals and backend latencies from the seed
    // (exponential, through its own portable logarithm): the same numbers
    // in every build, or these differ.
    {"service", 2, 300, 1, 0x404bc6413c0a1aca},
    {"service", 3, 300, 6, 0x5d436afc0a3ba85a},
};

TEST(SimDeterminism, GoldenTracesAreTheSameOnEveryBuild) {
  std::string table;
  bool same = true;
  for (const Golden& g : kGolden) {
    TracedRun run = runScenario(g.scenario, true, g.procs, g.seed, g.size);
    ASSERT_EQ(run.rr.status, RunStatus::Ok) << g.scenario << ": " << run.rr.fatal;
    ASSERT_TRUE(run.result.passed) << g.scenario << ": " << run.result.text;
    const uint64_t h = traceHash(run.events);
    if (h != g.hash) {
      same = false;
      ADD_FAILURE() << g.scenario << " --procs " << g.procs << " --size " << g.size << " --seed " << g.seed
                    << ": trace hash 0x" << std::hex << h << ", golden 0x" << g.hash << " ("
                    << std::dec << 8 * sizeof(void*) << "-bit pointers)";
    }
    char row[160];
    std::snprintf(row, sizeof row, "    {\"%s\", %d, %lld, %llu, 0x%016llx},\n", g.scenario, g.procs,
                  static_cast<long long>(g.size), static_cast<unsigned long long>(g.seed),
                  static_cast<unsigned long long>(h));
    table += row;
  }
  if (!same)
    std::printf("the traces' hashes on this build (%d-bit pointers):\n%s", static_cast<int>(8 * sizeof(void*)),
                table.c_str());
}

// ------------------------------------------------------------- both engines

struct ScenarioCase {
  const char* name;
  int64_t size;
};

const ScenarioCase kCases[] = {
    {"skynet", 10000}, {"fanout", 1000}, {"pingpong", 2000}, {"timers", 50},
    {"syscalls", 4},   {"parallel", 3},  {"hog", 30},
};

// Every scenario gives the same answer on both engines, and both traces obey
// the same invariants.
TEST(CrossEngine, SameAnswersAndInvariantsOnBothEngines) {
  for (const ScenarioCase& c : kCases) {
    for (bool sim : {false, true}) {
      if (!sim && !RealPlatform::threadsAvailable()) continue;
      SCOPED_TRACE(std::string(c.name) + (sim ? " on the simulator" : " on real threads"));
      TracedRun run = runScenario(c.name, sim, 2, 11, c.size);
      ASSERT_EQ(run.rr.status, RunStatus::Ok) << run.rr.fatal;
      // Go skips TestPingPongHog under the race detector, which perturbs the
      // scheduler (runtime/proc_test.go, issue 38266); so does the lab under
      // a sanitizer: hog's fairness on real threads is not checked there.
      const bool fairnessUnreliable = !sim && std::string(c.name) == "hog" && testscale::kSanitized;
      if (!fairnessUnreliable) {
        EXPECT_TRUE(run.result.passed) << run.result.text;
      }
      InvariantReport r = checkInvariants(run.events, sim);
      EXPECT_TRUE(r.problems.empty()) << describe(r);
      EXPECT_EQ(r.created, run.goroutines);
      // Every goroutine runs, none exits twice (checkInvariants), and the
      // answer counts each one's contribution exactly once (passed). Some
      // may not have exited yet when main returns: the run ends with main,
      // as a Go program does.
      EXPECT_EQ(r.ran, r.created) << "every goroutine runs";
    }
  }
}

TEST(CrossEngine, SkynetResultIsTheSameOnBothEngines) {
  TracedRun sim = runScenario("skynet", true, 4, 1, 10000);
  ASSERT_EQ(sim.rr.status, RunStatus::Ok);
  EXPECT_EQ(sim.result.result, 49995000);
  if (!RealPlatform::threadsAvailable()) return;
  TracedRun real = runScenario("skynet", false, 4, 1, 10000);
  ASSERT_EQ(real.rr.status, RunStatus::Ok);
  EXPECT_EQ(real.result.result, sim.result.result);
  EXPECT_EQ(real.goroutines, sim.goroutines);
}

// ------------------------------------------------------------- seed sweeps

// Hundreds of interleavings per scenario: the invariants hold in all of them.
TEST(SimSeedSweep, InvariantsHoldForEverySeed) {
  const int seeds = static_cast<int>(testscale::scaled(200, 4));
  const ScenarioCase sweep[] = {{"fanout", 300}, {"skynet", 1000}, {"pingpong", 300}, {"timers", 30}, {"syscalls", 3}};
  for (const ScenarioCase& c : sweep) {
    int64_t steals = 0;
    for (int seed = 1; seed <= seeds; seed++) {
      TracedRun run = runScenario(c.name, true, 1 + seed % 4, static_cast<uint64_t>(seed), c.size);
      ASSERT_EQ(run.rr.status, RunStatus::Ok) << c.name << " seed " << seed << ": " << run.rr.fatal;
      ASSERT_TRUE(run.result.passed) << c.name << " seed " << seed << ": " << run.result.text;
      InvariantReport r = checkInvariants(run.events, true);
      ASSERT_TRUE(r.problems.empty()) << c.name << " seed " << seed << describe(r);
      ASSERT_EQ(r.ran, r.created) << c.name << " seed " << seed;
      steals += r.steals;
    }
    if (std::string(c.name) == "fanout") {
      EXPECT_GT(steals, 0) << "no seed ever stole: the sweep explores nothing";
    }
  }
}

// Preemption: with hogs that never block, no goroutine keeps a P longer
// than one time slice (forcePreemptNS) plus one sysmon delay (at most 10 ms).
TEST(SimSeedSweep, PreemptionComesWithinATimeSlice) {
  const int seeds = static_cast<int>(testscale::scaled(40, 4));
  for (int seed = 1; seed <= seeds; seed++) {
    TracedRun run = runScenario("hog", true, 1, static_cast<uint64_t>(seed), 60);
    ASSERT_EQ(run.rr.status, RunStatus::Ok) << run.rr.fatal;
    EXPECT_TRUE(run.result.passed) << "seed " << seed << ": " << run.result.text;
    InvariantReport r = checkInvariants(run.events, true);
    ASSERT_TRUE(r.problems.empty()) << "seed " << seed << describe(r);
    EXPECT_LE(r.longestRunNs, 2 * kForcePreemptNS + kMs) << "seed " << seed;
  }
}

// ------------------------------------------------------------- trace export

// The Chrome trace is well-formed JSON, slices on one track never overlap
// (Perfetto requires them to nest; ours are disjoint), and every steal
// arrow has both ends.
TEST(ChromeTrace, WellFormedNestedAndPaired) {
  TracedRun run = runScenario("fanout", true, 4, 7, 300);
  trace::ChromeTraceInfo info{"fanout", "sim", 4, 7, false, run.names};
  const std::string json = trace::chromeTraceJson(run.events, info);
  auto doc = testjson::Parser(json).parseDocument();
  ASSERT_TRUE(doc.has_value()) << "not valid JSON";
  const auto& evs = (*doc)["traceEvents"].array;
  ASSERT_GT(evs.size(), 100u);
  EXPECT_EQ((*doc)["otherData"]["seed"].number, 7);

  std::map<std::pair<int, int>, std::vector<std::pair<double, double>>> tracks;
  std::map<std::string, int> flowOut, flowIn;
  int slices = 0;
  for (const auto& e : evs) {
    const std::string ph = e["ph"].str;
    ASSERT_FALSE(ph.empty());
    if (ph != "X") continue;
    slices++;
    ASSERT_GE(e["dur"].number, 0);
    tracks[{static_cast<int>(e["pid"].number), static_cast<int>(e["tid"].number)}].push_back(
        {e["ts"].number, e["ts"].number + e["dur"].number});
    if (e.has("bind_id")) {
      if (e["flow_out"].b) flowOut[e["bind_id"].str]++;
      if (e["flow_in"].b) flowIn[e["bind_id"].str]++;
    }
  }
  EXPECT_GT(slices, 300);
  for (auto& [track, spans] : tracks) {
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); i++)
      EXPECT_LE(spans[i - 1].second, spans[i].first + 1e-9)
          << "overlapping slices on pid " << track.first << " tid " << track.second;
  }
  EXPECT_FALSE(flowOut.empty()) << "no steal arrows";
  for (auto& [id, n] : flowOut) {
    EXPECT_EQ(n, 1) << id;
    EXPECT_EQ(flowIn[id], 1) << "arrow " << id << " has no end";
  }
  for (auto& [id, n] : flowIn) EXPECT_EQ(flowOut[id], 1) << "arrow " << id << " has no start";
}

}  // namespace
}  // namespace rt
