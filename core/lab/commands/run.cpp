// run <scenario>: run a built-in scenario on the runtime and report what the
// scheduler did (the counters learners ask about: goroutines created, steals,
// handoffs, preemptions, threads). GODEBUG output (schedtrace, scheddetail)
// comes first, as it would on a Go program's stderr.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "lab/commands/commands.hpp"
#include "lab/commands/input_file.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/run_session.hpp"
#include "lab/scenarios/scenario.hpp"
#include "lab/scenarios/script.hpp"
#include "platform/real/real_platform.hpp"
#include "runtime/throw.hpp"
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

// Checks that the trace can be written, so a bad path is reported before the
// run rather than after it — without touching the file itself: the run
// writes the trace next to it (tracePartialPath) and renames it into place
// when it ends, so an existing file is replaced only by a complete trace.
std::string checkTraceFile(const std::string& path) {
  const std::string shown = util::quoteForDisplay(path);
  struct stat st {};
  if (path.find('\0') != std::string::npos) return "run: cannot write the trace to " + shown + ": the name contains a NUL byte";
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return "run: cannot write the trace to " + shown + ": not a regular file";
  const std::string partial = tracePartialPath(path);
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) return "run: cannot write the trace to " + shown + ": " + std::strerror(errno);
  }
  std::remove(partial.c_str());
  return "";
}

// Validates everything before anything runs, so a bad flag changes nothing.
// A scenario script (--file): read and parsed, or the one error line.
std::string loadScript(const std::string& path, RunSetup* setup) {
  std::string err;
  std::optional<std::string> text = readInputFile(path, script::kMaxScriptBytes, &err);
  if (!text) return "run: " + err;
  std::shared_ptr<const script::Script> parsed = script::parse(*text, path, &err);
  if (!parsed) return "run: " + err;
  setup->script = parsed;
  setup->ownedScenario = std::make_shared<Scenario>(script::toScenario(parsed));
  setup->scenario = setup->ownedScenario.get();
  return "";
}

// The collector's configuration: `gc`'s settings, GOGC and GOMEMLIMIT from
// `env`, GODEBUG's gc knobs, and this run's flags.
std::string prepareGc(Lab& lab, const Invocation& inv, RunSetup* setup) {
  const bool gcFlags = inv.flagGiven("barrier") || inv.flagGiven("marker") || inv.boolFlag("verify");
  if (!setup->scenario->usesGC) {
    if (gcFlags)
      return "run: --barrier, --marker and --verify apply to scenarios with a garbage-collected heap "
             "(binarytrees, churn, linkedlist, mutator-race)";
    return "";
  }
  rt::gc::GcConfig& g = setup->gc;
  const Lab::GcSettings& s = lab.gcSettings();
  g.marker = s.stw ? rt::gc::Marker::STW : rt::gc::Marker::Concurrent;
  g.barrier = s.barrier;
  if (inv.flagGiven("marker"))
    g.marker = inv.stringFlag("marker") == "stw" ? rt::gc::Marker::STW : rt::gc::Marker::Concurrent;
  if (inv.flagGiven("barrier")) rt::gc::parseBarrier(inv.stringFlag("barrier"), &g.barrier);  // a Choice: valid
  // Go: GODEBUG=gcstoptheworld=1 makes every cycle stop the world.
  if (setup->debug.gcstoptheworld > 0) g.marker = rt::gc::Marker::STW;
  g.verifyEachCycle = s.verify || inv.boolFlag("verify") || setup->scenario->verifiesGC || setup->debug.gccheckmark > 0;
  // On the simulator the marking view shows the barrier at work from the log.
  g.recordStores = g.verifyEachCycle || g.barrier == rt::gc::BarrierKind::None || setup->engine == "sim";
  g.gogc = lab.env().gogc;
  g.memoryLimit = lab.env().gomemlimit < 0 ? rt::gc::maxInt64 : lab.env().gomemlimit;
  g.gctrace = setup->debug.gctrace > 0;
  g.gcpacertrace = setup->debug.gcpacertrace > 0;
  return "";
}

// The scenarios that declare option `name`, for the error when another
// scenario is run with it ("service", "a or b").
std::string ownersOf(std::string_view name) {
  std::string owners;
  for (const Scenario& sc : scenarios())
    for (const FlagSpec& f : sc.options)
      if (f.name == name) owners += (owners.empty() ? "" : " or ") + sc.name;
  return owners;
}

// The scenario's own flags (Scenario::options): each given one, else its
// default, as a number; a flag of another scenario is an error.
std::string prepareOptions(const Invocation& inv, RunSetup* setup) {
  const Scenario& sc = *setup->scenario;
  for (const Scenario& other : scenarios())
    for (const FlagSpec& f : other.options) {
      const bool own = std::any_of(sc.options.begin(), sc.options.end(),
                                   [&f](const FlagSpec& o) { return o.name == f.name; });
      if (inv.flagGiven(f.name) && !own)
        return "run: --" + f.name + " is a flag of the " + ownersOf(f.name) + " scenario, not of " +
               (setup->script ? "a script" : sc.name);
    }
  setup->params.options = defaultOptions(sc);
  // A given value was checked against the flag's type and bounds when the
  // line was parsed.
  for (const FlagSpec& f : sc.options)
    if (inv.flagGiven(f.name)) setup->params.options[f.name] = optionValue(f, inv.flags.find(f.name)->second);
  return "";
}

std::string prepare(Lab& lab, const Invocation& inv, RunSetup* setup) {
  const bool fromFile = inv.flagGiven("file");
  if (fromFile == !inv.args.empty())
    return fromFile ? "run: give a scenario name or --file, not both"
                    : "run: name a scenario (e.g. run fanout) or give a script with --file x.scn";
  const std::string name = fromFile ? "" : inv.args[0];
  if (fromFile) {
    if (std::string err = loadScript(inv.stringFlag("file"), setup); !err.empty()) return err;
  } else {
    setup->scenario = findScenario(name);
  }
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
  setup->params.seed = setup->seed;

  setup->params.procs = inv.flagGiven("procs") ? static_cast<int>(inv.intFlag("procs")) : lab.env().gomaxprocs;
  if (setup->script && setup->script->procs > 0 && !inv.flagGiven("procs")) setup->params.procs = setup->script->procs;
  if (sc.fixedProcs > 0) setup->params.procs = sc.fixedProcs;
  setup->params.size = inv.flagGiven("size") ? inv.intFlag("size") : sc.defaultSize;
  if (std::string problem = checkSize(sc, setup->params.size); !problem.empty()) return problem;
  if (std::string problem = prepareOptions(inv, setup); !problem.empty()) return problem;

  if (inv.flagGiven("trace")) {
    setup->tracePath = inv.stringFlag("trace");
    if (setup->tracePath.empty()) return "run: --trace needs a file name, e.g. --trace out.json";
    if (std::string err = checkTraceFile(setup->tracePath); !err.empty()) return err;
  }
  if (inv.boolFlag("background") && setup->engine != "real")
    return "run: --background is for the real engine; a simulator run pauses with --step instead";
  if (inv.boolFlag("step")) {
    if (setup->engine != "sim") return "run: --step needs --engine sim (real threads cannot be paused)";
    setup->traced = true;
  }
  if (lab.host().traceRuns > 0 && setup->tracePath.empty()) {
    setup->traced = true;
    setup->traceLimit = lab.host().traceRuns;
  }
  if (inv.flagGiven("trace-events")) {
    if (!setup->traced && setup->tracePath.empty())
      return "run: --trace-events sets how many events a traced run records: add --trace FILE or --step";
    const auto n = static_cast<size_t>(inv.intFlag("trace-events"));
    if (n > lab.host().traceEventsMax)
      return "run: --trace-events can be at most " + std::to_string(lab.host().traceEventsMax) + " here";
    setup->traceLimit = n;
  }
  // In a web page every thread must come from the pre-started worker pool
  // (workers > 0): the runtime may not ask for more (Go's maxmcount plays
  // that role). Natively, under node, and on the simulator, threads start
  // on demand.
  setup->maxThreads = setup->engine == "real" && lab.host().workers > 0 ? std::max(2, lab.host().workers) : 10000;

  setup->interrupt = &lab.interrupt();
  RunLimits defaults;
  defaults.hostNs = lab.host().runTimeoutNs;
  setup->limits = limitsFrom(inv, defaults);
  setup->debug = lab.env().debug;
  if (inv.flagGiven("godebug")) {
    std::string err;
    auto d = rt::parseGODEBUG(inv.stringFlag("godebug"), &err);
    if (!d) return "run: " + err;
    setup->debug = *d;
  }
  return prepareGc(lab, inv, setup);
}

Reply runScenario(Lab& lab, const Invocation& inv) {
  if (lab.session() && lab.session()->running())
    return Reply::error("run: the previous run is still going in the background; `continue` waits for it");
  RunSetup setup;
  if (std::string err = prepare(lab, inv, &setup); !err.empty()) return Reply::error(err);
  lab.setSession(nullptr);  // the previous run's frames go before the new run's
  auto session = std::make_unique<RunSession>(setup);
  RunSession& s = *session;
  lab.setSession(std::move(session));
  if (inv.boolFlag("step")) {
    JsonWriter j;
    j.beginObject().field("scenario", setup.scenario->name).field("engine", setup.engine);
    j.field("procs", setup.params.procs).field("size", setup.params.size).field("seed", setup.seed);
    j.field("paused", true).field("position", 0).endObject();
    const std::string seed = std::to_string(setup.seed);
    return Reply{true,
                 lab.language() == Language::Zh
                     ? setup.scenario->name + "：在模拟器上暂停于第一个事件之前（种子 " + seed +
                           "）；用 `step [N]`、`until <时间|事件>`、`continue`、`back [N]` 移动，用 gs、ps、ms、runq 查看"
                     : setup.scenario->name + ": paused before its first event on the simulator (seed " + seed +
                           "); `step [N]`, `until <time|event>`, `continue`, `back [N]`, and gs, ps, ms, runq to "
                           "look around",
                 j.str()};
  }
  if (inv.boolFlag("background")) {
    JsonWriter j;
    j.beginObject().field("scenario", setup.scenario->name).field("engine", setup.engine);
    j.field("procs", setup.params.procs).field("size", setup.params.size).field("background", true).endObject();
    return Reply{true,
                 setup.scenario->name + ": running on real threads in the background (GOMAXPROCS=" +
                     std::to_string(setup.params.procs) + "); gs, ps, ms and runq show it live, `continue` waits "
                     "for the end and prints the report",
                 j.str()};
  }
  {
    RunSession::Budget budget(s, setup.limits);
    s.runToEnd();
  }
  if (s.stopped() != StopReason::None) return s.stoppedReply(lab.language());
  return s.report(lab.language());
}

}  // namespace

CommandSpec runCommand() {
  CommandSpec spec{
      .name = "run",
      .summary = {"run a built-in scenario on the runtime", "在运行时上运行一个内置场景"},
      .details = {"GOMAXPROCS and GODEBUG come from `env` unless --procs or --godebug is given. "
                  "Each scenario's --size means something of its own (leaves, workers, round trips...). "
                  "--file runs a scenario script of your own (format: core/lab/scenarios/script.hpp). "
                  "On the simulator (--engine sim) a run depends only on its inputs and --seed; "
                  "--step starts it paused for step, until, continue and back. "
                  "On real threads, --background returns at once: gs, ps, ms and runq show the run live, "
                  "and continue waits for its end. "
                  "Ctrl-C stops a run; so do the lab's own limits (Go has none): 10s of host time in the CLI and "
                  "the page (--timeout) and 50000000 simulator events (--max-events), 0 for none. A stopped "
                  "simulator run stays paused where it was; a real run is ended.",
                  "除非给出 --procs 或 --godebug，GOMAXPROCS 与 GODEBUG 取自 `env`。"
                  "每个场景的 --size 含义不同（叶子数、worker 数、往返次数……）。"
                  "--file 运行你自己编写的场景脚本（格式见 core/lab/scenarios/script.hpp）。"
                  "在模拟器上（--engine sim），一次运行只取决于输入与 --seed；--step 以暂停状态开始，"
                  "之后用 step、until、continue、back 推进。"
                  "在真实线程上，--background 立即返回：gs、ps、ms、runq 实时查看运行，continue 等待其结束。"
                  "Ctrl-C 可停止运行；实验室自己的上限（Go 没有）也会停止它：命令行与网页中主机时间 10s（--timeout）和 "
                  "50000000 个模拟器事件（--max-events），0 表示不限。停下的模拟器运行暂停在原处；真实运行则结束。"},
      .args = {ArgSpec{.name = "scenario",
                       .optional = true,
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
                FlagSpec{.name = "file",
                         .type = FlagType::String,
                         .valueName = "FILE",
                         .defaultValue = "",
                         .help = {"run a scenario script (.scn) instead of a built-in scenario",
                                  "运行一个场景脚本（.scn），而不是内置场景"}},
                FlagSpec{.name = "step",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"start paused on the simulator, then step / until / continue / back",
                                  "在模拟器上以暂停状态开始，然后用 step / until / continue / back 推进"}},
                FlagSpec{.name = "background",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"real engine: return at once; gs/ps/ms/runq show the run live, continue waits for it",
                                  "真实引擎：立即返回；gs/ps/ms/runq 实时查看运行，continue 等待它结束"}},
                FlagSpec{.name = "trace",
                         .type = FlagType::String,
                         .valueName = "FILE",
                         .defaultValue = "",
                         .help = {"write the run's trace as Chrome trace JSON (opens in ui.perfetto.dev)",
                                  "把本次运行的 trace 写成 Chrome trace JSON（可在 ui.perfetto.dev 打开）"}},
                FlagSpec{.name = "trace-events",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "",
                         .help = {"how many events the run's trace records at most (the page: 300000, at most 1000000; "
                                  "--trace and --step: 4000000)",
                                  "本次运行的 trace 最多记录多少个事件（网页：300000，最多 1000000；--trace 与 --step：4000000）"},
                         .min = 1000,
                         .max = 4000000},
                FlagSpec{.name = "godebug",
                         .type = FlagType::String,
                         .valueName = "k=v,...",
                         .defaultValue = "",
                         .help = {"GODEBUG for this run, e.g. schedtrace=10,scheddetail=1 or gctrace=1",
                                  "本次运行的 GODEBUG，例如 schedtrace=10,scheddetail=1 或 gctrace=1"}},
                FlagSpec{.name = "barrier",
                         .type = FlagType::Choice,
                         .valueName = "B",
                         .defaultValue = "",
                         .help = {"the GC's write barrier for this run (default: as `gc` set it, hybrid)",
                                  "本次运行的 GC 写屏障（默认取 `gc` 的设置，即 hybrid）"},
                         .choices = {"hybrid", "dijkstra", "yuasa", "none"}},
                FlagSpec{.name = "marker",
                         .type = FlagType::Choice,
                         .valueName = "M",
                         .defaultValue = "",
                         .help = {"concurrent marking, or everything inside one stop-the-world pause",
                                  "并发标记，或在一次 STW 暂停内完成全部标记"},
                         .choices = {"concurrent", "stw"}},
                FlagSpec{.name = "verify",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"check every GC cycle: is any reachable object left white?",
                                  "检查每一轮 GC：是否有可达对象仍是白色？"}}},
      .run = runScenario,
      .example = "run skynet --size 10000",
  };
  // The lab's own runaway limits (Go has none): --timeout, --max-events.
  for (FlagSpec& f : limitFlags()) spec.flags.push_back(std::move(f));
  // The scenarios' own flags (`run service --rate 5000`), once each, with
  // no default here: the scenario's own applies (prepareOptions). Scenarios
  // that share a flag name must give it the same type and bounds.
  for (const Scenario& sc : scenarios())
    for (const FlagSpec& option : sc.options) {
      if (const FlagSpec* seen = spec.flag(option.name)) {
        if (seen->type != option.type || seen->min != option.min || seen->max != option.max ||
            seen->choices != option.choices)
          rt::throwFatal(("run: scenario flag --" + option.name + " is declared twice, differently").c_str());
        continue;
      }
      FlagSpec f = option;
      f.defaultValue = "";
      spec.flags.push_back(std::move(f));
    }
  return spec;
}

}  // namespace lab
