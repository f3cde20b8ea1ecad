// The lab's brakes (lab/interrupt.hpp): a run that never ends is stopped by
// an interrupt raised from another thread, by the host-time limit or by the
// simulator-event limit, on both engines; the command answers with one line,
// the session answers the next command, and the next run works.
//
// No timing assertions: the limits are short and the waits generous; what is
// asserted is that the command ends, why it says it ended, and what follows.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "lab/lab.hpp"
#include "support/json_value.hpp"
#include "support/scale.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

// Nested repeats of yield: 10^14 trips through the scheduler, on either
// engine, and a cpu burst of an hour (real threads really spin for it).
constexpr const char* kYieldForever = "go main:\n  repeat 10000000:\n    repeat 10000000:\n      yield\n";
[[maybe_unused]] constexpr const char* kCpuHour = "procs 2\ngo main:\n  spawn spin x2\n  cpu 1h\ngo spin:\n  cpu 1h\n";
// Sleeps and system calls that outlast any test: a real run must not wait
// for them once the lab ends it. (The two real-engine scripts are unused in
// the single-threaded wasm build, whose real-engine tests are compiled out.)
[[maybe_unused]] constexpr const char* kSleepy = "go main:\n  spawn sys\n  sleep 1h\ngo sys:\n  syscall 1h\n";

std::string scriptFile(const std::string& name, const char* text) {
  std::string path = "/tmp/rtlab-interrupt-test-" + name + ".scn";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

testjson::Value json(const Reply& r) {
  auto j = testjson::parse(r.json);
  EXPECT_TRUE(j.has_value()) << r.json;
  return j.value_or(testjson::Value{});
}

// After a stop: the inspectors answer (a paused run still has its main
// goroutine), and a new run works to its end.
void expectSessionGoesOn(Lab& lab, bool paused) {
  Reply gs = lab.exec("gs");
  EXPECT_TRUE(gs.ok) << gs.text;
  EXPECT_NE(gs.text.find(paused ? "main.main" : "goid"), std::string::npos) << gs.text;
  Reply next = lab.exec("run skynet --engine sim --size 1000");
  EXPECT_TRUE(next.ok) << next.text;
  EXPECT_NE(next.text.find("skynet: "), std::string::npos) << next.text;
}

// Raises the lab's interrupt flag from another thread after a short delay,
// as the CLI's signal handler and the page do, until the command returns.
// (The delay stands for the person pressing Ctrl-C a moment into the run;
// nothing waits on it: the flag is raised again and again because the
// command clears it when it starts.)
class Interrupter {
 public:
  explicit Interrupter(Lab& lab)
      : t_([this, &lab] {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          // Keep raising it: the command clears the flag when it starts,
          // which may be after the first request.
          while (!done_.load()) {
            lab.interrupt().request();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }) {}
  ~Interrupter() {
    done_.store(true);
    t_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread t_;
};

TEST(Interrupt, SimulatorRunawayStopsAtTheHostTimeLimitAndStaysPaused) {
  Lab lab(testhost::fixed(2));
  const std::string path = scriptFile("sim-timeout", kYieldForever);
  Reply r = lab.exec("run --file " + path + " --engine sim --timeout 300ms --max-events 0 --json");
  ASSERT_FALSE(r.ok);
  auto j = json(r);
  EXPECT_EQ(j["stopped"].str, "timeout") << r.json;
  EXPECT_TRUE(j["paused"].b) << r.json;
  EXPECT_GT(j["simEvents"].number, 0) << r.json;
  Reply text = lab.exec("continue --timeout 100ms --max-events 0");
  ASSERT_FALSE(text.ok);
  EXPECT_NE(text.text.find("stopped after 100ms of host time"), std::string::npos) << text.text;
  EXPECT_NE(text.text.find("--timeout 600ms"), std::string::npos) << text.text;  // how to raise it
  EXPECT_EQ(text.text.find('\n'), std::string::npos) << text.text;                // one line
  expectSessionGoesOn(lab, true);
}

TEST(Interrupt, SimulatorEventLimitStopsAtExactlyThatEvent) {
  Lab lab(testhost::fixed(2));
  const std::string path = scriptFile("sim-events", kYieldForever);
  ASSERT_TRUE(lab.exec("run --file " + path + " --engine sim --step").ok);
  Reply r = lab.exec("continue --max-events 5000 --json");
  ASSERT_FALSE(r.ok);
  auto j = json(r);
  EXPECT_EQ(j["stopped"].str, "max-events") << r.json;
  EXPECT_EQ(j["simEvents"].number, 5000) << r.json;
  // The run is paused there: a step moves it on, and continue's own limit
  // counts from where it is.
  Reply step = lab.exec("step 3");
  EXPECT_TRUE(step.ok) << step.text;
  Reply more = lab.exec("continue --max-events 1000 --json");
  ASSERT_FALSE(more.ok);
  EXPECT_EQ(json(more)["stopped"].str, "max-events") << more.json;
  EXPECT_GT(json(more)["simEvents"].number, 6000) << more.json;  // 5000, the step, then 1000
  // A run's own flag limits it too, and until.
  Reply run = lab.exec("run --file " + path + " --engine sim --max-events 3000 --json");
  ASSERT_FALSE(run.ok);
  EXPECT_EQ(json(run)["simEvents"].number, 3000) << run.json;
  ASSERT_TRUE(lab.exec("run --file " + path + " --engine sim --step").ok);
  Reply until = lab.exec("until 99999h --max-events 2000 --json");
  ASSERT_FALSE(until.ok);
  EXPECT_EQ(json(until)["stopped"].str, "max-events") << until.json;
  Reply kind = lab.exec("until steal --max-events 2000");
  ASSERT_FALSE(kind.ok);
  EXPECT_NE(kind.text.find("stopped after 2000 simulator events"), std::string::npos) << kind.text;
  expectSessionGoesOn(lab, true);
}

// The commands interrupted below would run for ever; they get this host-time
// limit instead of none, so that if the interrupt is not honoured the command
// still ends, says "timeout" instead of "interrupted", and the test fails on
// that rather than hanging.
const std::string kUnlessInterrupted = " --timeout 10s";

TEST(Interrupt, SimulatorRunawayStopsWhenInterrupted) {
  RTLAB_NEEDS_THREADS();  // the interrupt comes from another thread
  Lab lab(testhost::fixed(2));
  const std::string path = scriptFile("sim-interrupt", kYieldForever);
  Reply r;
  {
    Interrupter ctrlC(lab);
    r = lab.exec("run --file " + path + " --engine sim --max-events 0 --json" + kUnlessInterrupted);
  }
  ASSERT_FALSE(r.ok);
  auto j = json(r);
  EXPECT_EQ(j["stopped"].str, "interrupted") << r.json;
  EXPECT_TRUE(j["paused"].b) << r.json;
  // A stepped run's until is interrupted the same way.
  ASSERT_TRUE(lab.exec("run --file " + path + " --engine sim --step").ok);
  {
    Interrupter ctrlC(lab);
    r = lab.exec("until 99999h --max-events 0" + kUnlessInterrupted);
  }
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.text.find("interrupted at "), std::string::npos) << r.text;
  expectSessionGoesOn(lab, true);
}

TEST(Interrupt, ARequestBeforeTheCommandDoesNotStopIt) {
  Lab lab(testhost::fixed(2));
  lab.interrupt().request();  // meant for a run that has already ended
  Reply r = lab.exec("run skynet --engine sim --size 1000");
  EXPECT_TRUE(r.ok) << r.text;
}

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)

TEST(Interrupt, RealRunawayStopsAtTheHostTimeLimit) {
  Lab lab(testhost::fixed(2));
  for (const auto& [name, text] : {std::pair{"real-yield", kYieldForever}, std::pair{"real-cpu", kCpuHour}}) {
    const std::string path = scriptFile(name, text);
    Reply r = lab.exec("run --file " + path + " --engine real --timeout 300ms --json");
    ASSERT_FALSE(r.ok) << name;
    auto j = json(r);
    EXPECT_EQ(j["stopped"].str, "timeout") << r.json;
    EXPECT_FALSE(j["paused"].b) << r.json;  // real threads cannot be paused: the run ended
    expectSessionGoesOn(lab, false);
  }
}

TEST(Interrupt, RealRunawayStopsWhenInterrupted) {
  RTLAB_NEEDS_THREADS();  // the interrupt comes from another thread
  Lab lab(testhost::fixed(2));
  for (const auto& [name, text] : {std::pair{"real-yield-i", kYieldForever}, std::pair{"real-cpu-i", kCpuHour},
                                   std::pair{"real-sleepy-i", kSleepy}}) {
    const std::string path = scriptFile(name, text);
    Reply r;
    {
      Interrupter ctrlC(lab);
      r = lab.exec("run --file " + path + " --engine real" + kUnlessInterrupted);
    }
    ASSERT_FALSE(r.ok) << name;
    EXPECT_NE(r.text.find(": interrupted; the run was ended "), std::string::npos) << r.text;
    expectSessionGoesOn(lab, false);
  }
}

TEST(Interrupt, RealRunInTheBackgroundIsStoppedWhileContinueWaits) {
  RTLAB_NEEDS_THREADS();  // the interrupt comes from another thread
  Lab lab(testhost::fixed(2));
  const std::string path = scriptFile("real-bg", kCpuHour);
  ASSERT_TRUE(lab.exec("run --file " + path + " --engine real --background").ok);
  Reply r;
  {
    Interrupter ctrlC(lab);
    r = lab.exec("continue --json" + kUnlessInterrupted);
  }
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(json(r)["stopped"].str, "interrupted") << r.json;
  expectSessionGoesOn(lab, false);
}

#endif

}  // namespace
}  // namespace lab
