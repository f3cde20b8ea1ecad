// Scenario scripts (.scn): the parser's structure and its one-line errors,
// and scripts running on both engines.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "lab/lab.hpp"
#include "lab/scenarios/script.hpp"
#include "support/scale.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

const char* kPipeline = R"(# a pipeline
procs 3
chan jobs 16
chan done
mutex mu

go main:
  spawn worker x4
  repeat 40:
    send jobs
  close jobs
  repeat 4:
    recv done

go worker:
  select recv jobs | default
  repeat 10:
    recv jobs
    cpu 20us
  lock mu
  syscall 50us
  unlock mu
  yield
  sleep 10us
  send done
)";

std::string writeTemp(const std::string& name, const std::string& text) {
  std::string path = "/tmp/rtlab-test-" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(Script, ParsesTemplatesBlocksAndNames) {
  std::string err;
  auto s = script::parse(kPipeline, "examples/pipeline.scn", &err);
  ASSERT_TRUE(s) << err;
  EXPECT_EQ(s->name, "pipeline");
  EXPECT_EQ(s->procs, 3);
  ASSERT_EQ(s->chans.size(), 2u);
  EXPECT_EQ(s->chans[0].cap, 16u);
  ASSERT_EQ(s->templates.size(), 2u);
  EXPECT_EQ(s->templates[s->main].name, "main");
  const auto& mainSteps = s->templates[s->main].steps;
  ASSERT_EQ(mainSteps.size(), 4u);
  EXPECT_EQ(mainSteps[0].op, script::Op::Spawn);
  EXPECT_EQ(mainSteps[0].count, 4);
  EXPECT_EQ(mainSteps[1].op, script::Op::Repeat);
  EXPECT_EQ(mainSteps[1].count, 40);
  ASSERT_EQ(mainSteps[1].body.size(), 1u);
  EXPECT_EQ(mainSteps[1].body[0].target, 0);  // jobs
  const auto& worker = s->templates[1].steps;
  const auto& sel = worker[0];
  EXPECT_EQ(sel.op, script::Op::Select);
  EXPECT_TRUE(sel.hasDefault);
  ASSERT_EQ(sel.cases.size(), 1u);
  EXPECT_FALSE(sel.cases[0].send);
  EXPECT_EQ(worker[1].body[1].ns, 20000);
}

TEST(Script, ErrorsNameTheLineAndColumnAndSuggestAFix) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"go main:\n  cpus 1ms\n", "x.scn:2:3: unknown step \"cpus\"; did you mean \"cpu\"?"},
      {"chan jobs\ngo main:\n  send jbos\n", "x.scn:3:8: no channel \"jbos\"; did you mean \"jobs\"?"},
      {"go main:\n  spawn helper\n", "x.scn:2:9: no template \"helper\" (define it with `go helper:`)"},
      {"go main:\n  lock mu\n", "x.scn:2:8: no mutex \"mu\" (declare it with `mutex mu`)"},
      {"go main:\n  cpu fast\n", "x.scn:2:7: \"fast\" is not a duration up to 1h; write it like 20us, 1.5ms or 2s"},
      {"go main:\n  repeat 3:\n  cpu 1us\n", "x.scn:2:1: `repeat` needs an indented block under it"},
      {"go main:\n  cpu 1us\n     cpu 1us\n", "x.scn:3:6: indentation does not match any open block (expected 2 spaces)"},
      {"go worker:\n  yield\n", "x.scn:1:1: no `go main:` template: a scenario starts in main"},
      {"go main:\n\tyield\n", "x.scn:2:1: tab character: indent with spaces"},
      {"yield\n", "x.scn:1:1: a step must be indented under a `go NAME:` template"},
      {"chann c\n", "x.scn:1:1: unknown keyword \"chann\"; did you mean \"chan\"? (top level: go, chan, mutex, procs)"},
      {"go main:\n  spawn main x0\n", "x.scn:2:15: the count must be a whole number from 1 to 1000000, not \"0\""},
      {"chan c\ngo main:\n  select recv c default\n", "x.scn:3:17: separate select cases with |"},
      {"go main:\n", "x.scn:1:1: template \"main\" has no steps"},
      {"procs 0\ngo main:\n  yield\n", "x.scn:1:7: GOMAXPROCS must be a whole number from 1 to 256, not \"0\""},
  };
  for (const Case& c : cases) {
    std::string err;
    EXPECT_EQ(script::parse(c.text, "x.scn", &err), nullptr) << c.text;
    EXPECT_EQ(err, c.error) << c.text;
  }
}

// Random damage to a valid script: always a script or one error line.
TEST(Script, DamagedScriptsNeverCrash) {
  std::mt19937 rng(5);
  const std::string base = kPipeline;
  const std::string junk = " \n:|x#\tabc019";
  for (int i = 0; i < 3000; i++) {
    std::string s = base;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 4); k++) {
      size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s.erase(at, 1 + rng() % 6); break;
        case 1: s.insert(at, 1, junk[rng() % junk.size()]); break;
        default: s[at] = junk[rng() % junk.size()]; break;
      }
    }
    std::string err;
    auto parsed = script::parse(s, "d.scn", &err);
    if (!parsed) {
      EXPECT_EQ(err.find('\n'), std::string::npos) << err;
      EXPECT_EQ(err.rfind("d.scn:", 0), 0u) << err;
    }
  }
}

TEST(Script, RunsOnBothEnginesAndReplaysBySeed) {
  Lab lab(testhost::fixed(2));
  const std::string path = writeTemp("pipeline.scn", kPipeline);
  Reply sim = lab.exec("run --file " + path + " --engine sim --seed 4");
  ASSERT_TRUE(sim.ok) << sim.text;
  EXPECT_NE(sim.text.find("pipeline: main returned; 5 goroutines started"), std::string::npos) << sim.text;
  EXPECT_NE(sim.text.find("GOMAXPROCS=3"), std::string::npos) << "procs from the script: " << sim.text;
  EXPECT_EQ(lab.exec("run --file " + path + " --engine sim --seed 4").text, sim.text);
  Reply real = lab.exec("run --file " + path + " --engine real --procs 2");
  if (testscale::kThreads) {
    ASSERT_TRUE(real.ok) << "[" << real.text << "] json=" << real.json;
    EXPECT_NE(real.text.find("5 goroutines started"), std::string::npos) << real.text;
  } else {  // the single-threaded build refuses the real engine with one line
    EXPECT_FALSE(real.ok);
    EXPECT_NE(real.text.find("the real engine needs threads"), std::string::npos) << real.text;
  }
  // Stepping works on scripts too.
  ASSERT_TRUE(lab.exec("run --file " + path + " --engine sim --step").ok);
  EXPECT_TRUE(lab.exec("step 20").ok);
  EXPECT_TRUE(lab.exec("back 5").ok);
  EXPECT_TRUE(lab.exec("continue").ok);
}

// Scripts that would never end stop with one message: a template that
// spawns itself, and sleeping past the simulator's hour.
TEST(Script, RunawayScriptsStop) {
  Lab lab(testhost::fixed(2));
  const std::string fork = writeTemp("fork.scn", "go main:\n  spawn main x2\n  spawn main x2\n  sleep 1s\n");
  Reply r = lab.exec("run --file " + fork + " --engine sim");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text.rfind("panic: script: more than 1000000 goroutines started", 0), 0u) << r.text.substr(0, 200);
  // A panic's traceback is the panicking goroutine's alone (GOTRACEBACK=single).
  EXPECT_NE(r.text.find(" [running]:\nmain(...)\n\nexit status 2"), std::string::npos) << r.text.substr(0, 400);
  // A fatal error lists every goroutine, cut short after a screenful.
  const std::string stuck = writeTemp("stuck.scn", "chan c\ngo main:\n  spawn w x100\n  recv c\ngo w:\n  recv c\n");
  Reply d = lab.exec("run --file " + stuck + " --engine sim");
  EXPECT_EQ(d.text.rfind("fatal error: all goroutines are asleep - deadlock!", 0), 0u) << d.text.substr(0, 200);
  EXPECT_NE(d.text.find("... 51 more goroutines\n"), std::string::npos) << "the dump is not cut short";
  const std::string sleepy = writeTemp("sleepy.scn", "go main:\n  repeat 100:\n    sleep 1h\n");
  Reply s = lab.exec("run --file " + sleepy + " --engine sim");
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.text.rfind("fatal error: simulator: time limit reached", 0), 0u) << s.text;
}

TEST(Script, RunRejectsAMissingOrDoubleSource) {
  Lab lab(testhost::fixed(2));
  for (const char* line : {"run", "run fanout --file x.scn", "run --file /nonexistent/x.scn"}) {
    Reply r = lab.exec(line);
    EXPECT_FALSE(r.ok) << line;
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
  }
  const std::string bad = writeTemp("bad.scn", "go main:\n  cpus 1ms\n");
  Reply r = lab.exec("run --file " + bad + " --engine sim");
  EXPECT_EQ(r.text, "error: run: " + bad + ":2:3: unknown step \"cpus\"; did you mean \"cpu\"?");
}

}  // namespace
}  // namespace lab
