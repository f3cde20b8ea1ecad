// run <scenario>: run a built-in scenario on the runtime and report what the
// scheduler did (the counters learners ask about: goroutines created, steals,
// handoffs, preemptions, threads). GODEBUG output (schedtrace, scheddetail)
// comes first, as it would on a Go program's stderr.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>

#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/scenarios/scenario.hpp"
#include "platform/real/real_platform.hpp"
#include "platform/sim/sim_platform.hpp"
#include "sched/runtime.hpp"
#include "trace/chrome.hpp"
#include "trace/tracer.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

std::string checkSize(const Scenario& sc, int64_t size) {
  if (size < sc.minSize || size > sc.maxSize)
    return "run: --size for " + sc.name + " must be in " + std::to_string(sc.minSize) + ".." +
           std::to_string(sc.maxSize) + " (" + sc.sizeMeaning + ")";
  if (sc.checkSize) {
    if (std::string problem = sc.checkSize(size); !problem.empty()) return "run: " + problem;
  }
  return "";
}

struct RunSetup {
  const Scenario* scenario = nullptr;
  ScenarioParams params;
  rt::DebugVars debug;
  std::string engine;
  uint64_t seed = 1;
  std::string tracePath;  // --trace: where the Chrome trace JSON goes
};

// Opens (creating or truncating) the trace file, so a bad path is reported
// before the run rather than after it.
std::string openTraceFile(const std::string& path, std::ofstream* out) {
  out->open(path, std::ios::binary | std::ios::trunc);
  if (!*out) return "run: cannot write the trace to \"" + util::truncateForDisplay(path) + "\": " + std::strerror(errno);
  return "";
}

// Validates everything before anything runs, so a bad flag changes nothing.
std::string prepare(Lab& lab, const Invocation& inv, RunSetup* setup) {
  const std::string& name = inv.args[0];
  setup->scenario = findScenario(name);
  if (!setup->scenario) {
    std::string msg = "run: no scenario \"" + util::truncateForDisplay(name) + "\"";
    if (auto guess = util::suggest(name, scenarioNames()); !guess.empty()) msg += "; did you mean \"" + guess + "\"?";
    msg += " (scenarios: ";
    auto names = scenarioNames();
    for (size_t i = 0; i < names.size(); i++) msg += (i ? ", " : "") + names[i];
    return msg + ")";
  }
  const Scenario& sc = *setup->scenario;
  // Default: real threads where the build has them, else the simulator.
  setup->engine = inv.flagGiven("engine") ? inv.stringFlag("engine")
                                          : (rt::RealPlatform::threadsAvailable() ? "real" : "sim");
  if (setup->engine == "real" && !rt::RealPlatform::threadsAvailable())
    return "run: the real engine needs threads, and this page runs the single-threaded build "
           "(use --engine sim, open the lab on a cross-origin isolated page, or use the native rtlab)";
  if (inv.flagGiven("seed")) {
    if (setup->engine != "sim") return "run: --seed needs --engine sim (real threads interleave as the OS decides)";
    setup->seed = static_cast<uint64_t>(inv.intFlag("seed"));
  }

  setup->params.procs = inv.flagGiven("procs") ? static_cast<int>(inv.intFlag("procs")) : lab.env().gomaxprocs;
  if (sc.fixedProcs > 0) setup->params.procs = sc.fixedProcs;
  setup->params.size = inv.flagGiven("size") ? inv.intFlag("size") : sc.defaultSize;
  if (std::string problem = checkSize(sc, setup->params.size); !problem.empty()) return problem;

  if (inv.flagGiven("trace")) {
    setup->tracePath = inv.stringFlag("trace");
    if (setup->tracePath.empty()) return "run: --trace needs a file name, e.g. --trace out.json";
  }

  setup->debug = lab.env().debug;
  if (inv.flagGiven("godebug")) {
    std::string err;
    auto d = rt::parseGODEBUG(inv.stringFlag("godebug"), &err);
    if (!d) return "run: " + err;
    setup->debug = *d;
  }
  return "";
}

void statsJson(JsonWriter& j, rt::Runtime& r) {
  const rt::SchedStats& s = r.stats;
  j.field("goroutines", static_cast<uint64_t>(s.goroutinesCreated.load()));
  j.field("steals", static_cast<uint64_t>(s.steals.load()));
  j.field("stolenGs", static_cast<uint64_t>(s.stolenGs.load()));
  j.field("handoffs", static_cast<uint64_t>(s.handoffs.load()));
  j.field("preemptRequests", static_cast<uint64_t>(s.preemptRequests.load()));
  j.field("preemptions", static_cast<uint64_t>(s.preemptions.load()));
  j.field("syscalls", static_cast<uint64_t>(s.syscalls.load()));
  j.field("syscallRetakes", static_cast<uint64_t>(s.syscallRetakes.load()));
  j.field("globalQueueSpills", static_cast<uint64_t>(s.globalQueueSpills.load()));
  j.field("maxMs", static_cast<int64_t>(s.maxMs.load()));
}

std::string statsText(rt::Runtime& r) {
  const rt::SchedStats& s = r.stats;
  return "goroutines=" + std::to_string(s.goroutinesCreated.load()) + " steals=" + std::to_string(s.steals.load()) +
         " (" + std::to_string(s.stolenGs.load()) + " Gs) handoffs=" + std::to_string(s.handoffs.load()) +
         " preemptions=" + std::to_string(s.preemptions.load()) + "/" + std::to_string(s.preemptRequests.load()) +
         " syscalls=" + std::to_string(s.syscalls.load()) + " retakes=" + std::to_string(s.syscallRetakes.load()) +
         " threads=" + std::to_string(s.maxMs.load());
}

Reply runScenario(Lab& lab, const Invocation& inv) {
  RunSetup setup;
  if (std::string err = prepare(lab, inv, &setup); !err.empty()) return Reply::error(err);
  const Scenario& sc = *setup.scenario;

  std::mutex outMu;
  std::string output;  // what the runtime printed (schedtrace...), in order
  rt::Runtime::Config cfg;
  cfg.gomaxprocs = setup.params.procs;
  cfg.debug = setup.debug;
  // In a web page every thread must come from the pre-started worker pool
  // (workers > 0): the runtime may not ask for more (Go's maxmcount plays
  // that role). Natively, and under node, threads start on demand.
  cfg.maxThreads = lab.host().workers > 0 ? std::max(2, lab.host().workers) : 10000;
  cfg.output = [&](std::string_view text) {
    std::lock_guard<std::mutex> lock(outMu);
    output += text;
  };
  // The last run is kept (after the scenario's own frames are gone) so the
  // inspection commands can show its final state; free the previous one first.
  lab.keepLastRun(nullptr, "");
  std::unique_ptr<rt::SimPlatform> simOwned;
  rt::SimPlatform* sim = nullptr;
  if (setup.engine == "sim") {
    simOwned = std::make_unique<rt::SimPlatform>(setup.seed);
    sim = simOwned.get();
    cfg.seed = setup.seed;
    cfg.maxThreads = 10000;  // simulated threads cost no worker
  }
  std::ofstream traceFile;
  std::unique_ptr<trace::Tracer> tracer;
  if (!setup.tracePath.empty()) {
    if (std::string err = openTraceFile(setup.tracePath, &traceFile); !err.empty()) return Reply::error(err);
    tracer = std::make_unique<trace::Tracer>();
  }
  auto owned = std::make_unique<rt::Runtime>(cfg, std::move(simOwned));
  rt::Runtime& runtime = *owned;
  runtime.tracer = tracer.get();
  ScenarioResult result;
  const auto hostStart = std::chrono::steady_clock::now();
  rt::RunResult rr = runtime.run(sc.main(setup.params, &result), "main.main");
  const int64_t hostNs =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - hostStart).count();
  runtime.cfg.output = nullptr;  // it captured this function's locals
  std::string traceNote;
  if (tracer) {
    runtime.tracer = nullptr;
    std::vector<trace::Event> events = tracer->collect();
    trace::ChromeTraceInfo info{sc.name, setup.engine, setup.params.procs, setup.seed, tracer->truncated(),
                                tracer->names()};
    traceFile << trace::chromeTraceJson(events, info);
    traceFile.close();
    traceNote = "\ntrace: " + std::to_string(events.size()) + " events written to " + setup.tracePath +
                (tracer->truncated() ? " (truncated: the run recorded more than the limit)" : "") +
                " (open it in ui.perfetto.dev)";
    if (!traceFile) traceNote = "\ntrace: writing " + setup.tracePath + " failed";
  }

  JsonWriter j;
  j.beginObject().field("scenario", sc.name).field("engine", setup.engine).field("procs", setup.params.procs);
  j.field("size", setup.params.size).field("godebug", setup.debug.str());
  if (sim) j.field("seed", setup.seed).field("simEvents", sim->eventsProcessed()).field("hostNs", hostNs);
  j.field("status", rr.status == rt::RunStatus::Ok ? "ok" : "fatal");
  if (rr.status == rt::RunStatus::Ok) {
    j.field("result", result.result).field("passed", result.passed).field("wallNs", result.wallNs);
  } else {
    j.field("fatal", rr.fatal).field("exitStatus", 2);
  }
  j.field("runNs", rr.wallNs);
  statsJson(j, runtime);
  j.key("metrics").beginObject();
  for (const auto& [k, v] : result.metrics) j.field(k, v);
  j.endObject();
  j.field("output", output).endObject();

  std::string dump = rr.status == rt::RunStatus::Ok ? "" : runtime.goroutineDump();
  lab.keepLastRun(std::move(owned), sc.name);
  if (rr.status != rt::RunStatus::Ok) {
    // What `go run` shows for a program that dies: the runtime's message, the
    // goroutines, and the exit status.
    bool isPanic = rr.fatal.rfind("panic: ", 0) == 0;
    std::string text = output + (isPanic ? "" : "fatal error: ") + rr.fatal + "\n\n" + dump + "exit status 2";
    return Reply::programFailure(text, j.str());
  }
  // On the simulator the time is virtual, and the run is named by its seed.
  std::string when = sim ? "virtual time " : "wall ";
  std::string how = sim ? ", seed " + std::to_string(setup.seed) + ", " + std::to_string(sim->eventsProcessed()) +
                              " events"
                        : "";
  std::string text = output + sc.name + ": " + result.text + "\n" + statsText(*lab.lastRun()) + "\n" + when +
                     std::to_string(result.wallNs / 1000) + " µs (GOMAXPROCS=" + std::to_string(setup.params.procs) +
                     ", engine " + setup.engine + how + ")" + traceNote;
  return Reply{true, text, j.str()};
}

}  // namespace

CommandSpec runCommand() {
  return CommandSpec{
      .name = "run",
      .summary = {"run a built-in scenario on the runtime", "在运行时上运行一个内置场景"},
      .details = {"GOMAXPROCS and GODEBUG come from `env` unless --procs or --godebug is given. "
                  "Each scenario's --size means something of its own (leaves, workers, round trips...).",
                  "除非给出 --procs 或 --godebug，GOMAXPROCS 与 GODEBUG 取自 `env`。"
                  "每个场景的 --size 含义不同（叶子数、worker 数、往返次数……）。"},
      .args = {ArgSpec{.name = "scenario",
                       .optional = false,
                       .variadic = false,
                       .complete = [](const Lab&) { return scenarioNames(); }}},
      .flags = {FlagSpec{.name = "engine",
                         .type = FlagType::Choice,
                         .valueName = "E",
                         .defaultValue = "",
                         .help = {"real: OS threads (Web Workers in the browser); sim: the deterministic simulator",
                                  "real：操作系统线程（浏览器中为 Web Worker）；sim：确定性模拟器"},
                         .choices = {"real", "sim"}},
                FlagSpec{.name = "seed",
                         .type = FlagType::Int,
                         .valueName = "S",
                         .defaultValue = "1",
                         .help = {"the simulator's seed: the same seed replays the same run",
                                  "模拟器的种子：相同种子重放同一次运行"},
                         .min = 0,
                         .max = 1000000000000},
                FlagSpec{.name = "procs",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "",
                         .help = {"GOMAXPROCS for this run", "本次运行的 GOMAXPROCS"},
                         .min = 1,
                         .max = 256},
                FlagSpec{.name = "size",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "",
                         .help = {"the scenario's size (leaves, workers, round trips...)", "场景规模（叶子数、worker 数、往返次数……）"},
                         .min = 0,
                         .max = 100000000},
                FlagSpec{.name = "trace",
                         .type = FlagType::String,
                         .valueName = "FILE",
                         .defaultValue = "",
                         .help = {"write the run's trace as Chrome trace JSON (opens in ui.perfetto.dev)",
                                  "把本次运行的 trace 写成 Chrome trace JSON（可在 ui.perfetto.dev 打开）"}},
                FlagSpec{.name = "godebug",
                         .type = FlagType::String,
                         .valueName = "k=v,...",
                         .defaultValue = "",
                         .help = {"GODEBUG for this run, e.g. schedtrace=10,scheddetail=1",
                                  "本次运行的 GODEBUG，例如 schedtrace=10,scheddetail=1"}}},
      .run = runScenario,
      .example = "run skynet --size 10000",
  };
}

}  // namespace lab
