// Scenario scripts: learners write their own workloads in a small text
// format (`.scn`), and run them on either engine like a built-in scenario.
//
//   # pipeline.scn — a comment runs to the end of the line
//   procs 4                      # GOMAXPROCS, unless --procs says otherwise
//   chan jobs 16                 # a channel of capacity 16 (0 or none: unbuffered)
//   chan done
//   mutex mu
//
//   go main:                     # every script starts in `main`
//     spawn worker x4            # go worker() four times
//     repeat 100:                # a block: indented further
//       send jobs
//     close jobs
//     repeat 4:
//       recv done
//
//   go worker:
//     repeat 1000:
//       select recv jobs | default    # one of the cases, as Go's select
//       cpu 20us                 # compute (virtual time on the simulator)
//     lock mu
//     syscall 1ms                # a blocking system call
//     unlock mu
//     send done
//
// Steps: cpu D, syscall D, sleep D (D written as Go writes durations: 20us,
// 1.5ms), send C, recv C, close C, select CASE | CASE ... (recv C, send C,
// default), spawn T [xN], yield (runtime.Gosched), lock M, unlock M,
// repeat N: with an indented block. A `recv` on a closed channel returns at
// once, as in Go; a send on one panics.
//
// A parse error is one line, "file:line:col: what is wrong", with a
// suggestion when a name is close to a known one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lab/scenarios/scenario.hpp"

namespace lab::script {

// The largest script accepted, in bytes.
inline constexpr size_t kMaxScriptBytes = size_t{1} << 20;

enum class Op { Cpu, Syscall, Sleep, Send, Recv, Close, Select, Spawn, Yield, Lock, Unlock, Repeat };

struct SelectCase {
  bool send = false;
  int chan = -1;
  std::string name;  // as written, until resolved
  int col = 0;
};

struct Step {
  Op op = Op::Yield;
  int line = 0, col = 0;
  int64_t ns = 0;      // cpu, syscall, sleep
  int target = -1;     // the channel, mutex or template it names
  std::string targetName;  // as written, until resolved
  int targetCol = 0;
  int64_t count = 1;   // spawn xN, repeat N
  std::vector<SelectCase> cases;
  bool hasDefault = false;
  std::vector<Step> body;  // repeat
};

struct Template {
  std::string name;
  int line = 0;
  std::vector<Step> steps;
};

struct ChanDecl {
  std::string name;
  uint32_t cap = 0;
};

struct Script {
  std::string name;  // from the file name
  int procs = 0;     // 0: not set
  std::vector<ChanDecl> chans;
  std::vector<std::string> mutexes;
  std::vector<Template> templates;
  int main = -1;
};

// Parses text; on error returns nullptr and sets *err to one line
// "file:line:col: message".
std::unique_ptr<Script> parse(const std::string& text, const std::string& fileName, std::string* err);

// A Scenario that runs the script (the Script is kept alive by it).
Scenario toScenario(std::shared_ptr<const Script> script);

}  // namespace lab::script
