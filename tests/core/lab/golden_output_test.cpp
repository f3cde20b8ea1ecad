// The lab prints the same text in every build: natively (64-bit) and in
// wasm (32-bit, threaded or not), on every machine.
//
// A lesson quotes the lab's output, and a learner runs it in the browser:
// both must agree with what the lab prints natively, byte for byte. That
// holds because the simulator is deterministic, a heap object's words are 8
// bytes in every build (gc/object.hpp), and addresses are printed as a Go
// program's would read (mheap::goAddr). This suite runs the same commands
// in each build and compares each answer with one file in
// tests/fixtures/golden/.
//
// When the runtime changes on purpose, regenerate the files natively with
//   RTLAB_UPDATE_GOLDEN=1 ctest --preset native -R GoldenOutput
// and read the diff: it is the change every lesson quoting these lines sees.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

#include "lab/lab.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

std::string goldenPath(const std::string& name) { return std::string(RTLAB_FIXTURES_DIR) + "/golden/" + name + ".txt"; }

// Lines that rightly differ between builds and machines: host time, and how
// the heap got memory from the OS (4 MB arenas in wasm, 64 MB natively — as
// in Go, whose wasm port has 4 MB arenas too).
std::string withoutHostLines(const std::string& text) {
  std::istringstream in(text);
  std::string out, line;
  while (std::getline(in, line))
    if (line.rfind("time: ", 0) != 0 && line.rfind("mheap.grow: ", 0) != 0) out += line + "\n";
  if (!out.empty() && (text.empty() || text.back() != '\n')) out.pop_back();
  return out;
}

// The commands' answers, run in one fresh lab, against a golden file (or,
// with RTLAB_UPDATE_GOLDEN set, the file rewritten from them).
void expectGolden(const std::string& name, std::initializer_list<const char*> commands) {
  Lab lab(testhost::fixed(2));
  std::string got;
  for (const char* command : commands) {
    Reply r = lab.exec(command);
    ASSERT_TRUE(r.ok) << command << "\n" << r.text;
    got += std::string("$ ") + command + "\n" + withoutHostLines(r.text) + "\n";
  }
  const std::string path = goldenPath(name);
  if (std::getenv("RTLAB_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << got;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path << " is missing: run with RTLAB_UPDATE_GOLDEN=1 to create it";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "the output changed (or differs in this build): see " << path;
}

// The verifier's account of objects a missing write barrier lost: addresses,
// word offsets, times and goroutines.
TEST(GoldenOutput, VerifyReportOfALostObjectRun) {
  expectGolden("mutator-race-none-seed3", {"run mutator-race --engine sim --barrier none --verify --seed 3"});
}

// gctrace and the pacer's lines for a collecting run.
TEST(GoldenOutput, GctraceOfBinaryTrees) {
  expectGolden("binarytrees-gctrace-seed2",
               {"run binarytrees --engine sim --seed 2 --size 12 --godebug gctrace=1,gcpacertrace=1"});
}

// The scheduler's own summary and schedtrace lines.
TEST(GoldenOutput, SchedtraceOfFanout) {
  expectGolden("fanout-schedtrace-seed5", {"run fanout --engine sim --seed 5 --size 2000 --godebug schedtrace=1"});
}

// The allocator by hand: object addresses, paths and the spans they fill.
TEST(GoldenOutput, AllocAndSpans) {
  expectGolden("alloc-and-spans", {"alloc 33 x20", "alloc 8 x3 --noscan", "alloc 40000", "spans"});
}

}  // namespace
}  // namespace lab
