// rollout: a progressive rollout of the service gated on runtime signals
// (rollout_gate.hpp). Runs a baseline and a canary of `service` on the
// simulator, each sampling its metrics once per window, and prints the
// gate's decision window by window. The canary stays the lab's last run,
// so gs, metrics and the views show it afterwards.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/rollout_gate.hpp"
#include "lab/run_session.hpp"
#include "lab/scenarios/scenario.hpp"
#include "lab/shell/tokenizer.hpp"
#include "util/duration.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

const char* kDefaultGate = "goroutines<50,gcp99<12ms";

// The service's own flags only: what a release changes. The run's shape
// (engine, seed, size, sampling) is rollout's.
std::string checkReleaseFlags(const std::string& which, const std::string& flags) {
  const Scenario* service = findScenario("service");
  Tokenized t = tokenize(flags);
  if (!t.error.empty()) return "rollout: --" + which + ": " + t.error;
  for (const Token& tok : t.tokens) {
    if (tok.text.rfind("--", 0) != 0) continue;
    std::string name = tok.text.substr(2, tok.text.find('=') == std::string::npos ? std::string::npos : tok.text.find('=') - 2);
    const bool known = std::any_of(service->options.begin(), service->options.end(),
                                   [&name](const FlagSpec& f) { return f.name == name; });
    if (!known || name == "sample")
      return "rollout: --" + which + " takes the service's own flags (--leak, --keepalive, --idle-timeout, --rate, "
             "--deadline...), not " + util::quoteForDisplay(tok.text) + (name == "sample" ? " (--window sets it)" : "");
  }
  return "";
}

// A `run` line parsed as the shell would (its flags' types and bounds), or
// the problem in *err.
std::optional<Invocation> parseRun(Lab& lab, const std::string& line, std::string* err) {
  const CommandSpec* run = lab.registry().find("run");
  Tokenized t = tokenize(line);
  std::vector<std::string> words;
  for (size_t i = 1; i < t.tokens.size(); i++) words.push_back(t.tokens[i].text);
  return parseInvocation(*run, words, err);
}

// One run of the service, through `run` itself (its checks, its limits),
// without clearing the interrupt flag as a new command would.
Reply runService(Lab& lab, const Invocation& inv) { return lab.registry().find("run")->run(lab, inv); }

std::string percent(int p) { return std::to_string(p) + "%"; }

Reply rollout(Lab& lab, const Invocation& inv) {
  if (!inv.flagGiven("canary")) return Reply::error("rollout: give the canary's flags, e.g. --canary \"--leak\"");
  const std::string baselineFlags = inv.stringFlag("baseline"), canaryFlags = inv.stringFlag("canary");
  for (const auto& [which, flags] : {std::pair{std::string("baseline"), baselineFlags}, {std::string("canary"), canaryFlags}})
    if (std::string e = checkReleaseFlags(which, flags); !e.empty()) return Reply::error(e);
  std::string err;
  auto conditions = parseGate(inv.stringFlag("gate"), &err);
  if (!conditions) return Reply::error("rollout: " + err);
  Gate gate{*conditions, int(inv.intFlag("windows"))};
  const int64_t window = inv.durationFlag("window");
  const int64_t seed = inv.intFlag("seed"), size = inv.intFlag("size");
  const std::string common = "run service --engine sim --procs " + std::to_string(inv.intFlag("procs")) + " --size " +
                             std::to_string(size) + " --sample " + util::formatDuration(window);
  // The canary runs with the next seed: two processes never see the same arrivals.
  const std::string baselineLine =
      common + " --seed " + std::to_string(seed) + (baselineFlags.empty() ? "" : " " + baselineFlags);
  const std::string canaryLine =
      common + " --seed " + std::to_string(seed + 1) + (canaryFlags.empty() ? "" : " " + canaryFlags);

  // Both lines are checked before either runs: a bad canary runs nothing.
  auto baselineRun = parseRun(lab, baselineLine, &err);
  if (!baselineRun) return Reply::error("rollout: --baseline: " + err);
  auto canaryRun = parseRun(lab, canaryLine, &err);
  if (!canaryRun) return Reply::error("rollout: --canary: " + err);

  Reply b = runService(lab, *baselineRun);
  if (!b.ok) return Reply::error("rollout: the baseline: " + b.text);
  if (b.programFailed || !lab.session() || lab.session()->stopped() != StopReason::None)
    return Reply::error("rollout: the baseline did not finish: " + b.text.substr(0, b.text.find('\n')));
  const std::vector<MetricsRow> baseRows = lab.session()->metricsLog().rows();
  Reply c = runService(lab, *canaryRun);
  if (!c.ok) return Reply::error("rollout: the canary: " + c.text);
  if (c.programFailed || !lab.session() || lab.session()->stopped() != StopReason::None)
    return Reply::error("rollout: the canary did not finish: " + c.text.substr(0, c.text.find('\n')));
  const RolloutDecision d = decideRollout(gate, baseRows, lab.session()->metricsLog().rows());

  const bool zh = lab.language() == Language::Zh;
  std::string gateText;
  for (const GateCondition& cond : gate.conditions) gateText += (gateText.empty() ? "" : ", ") + cond.text;
  std::string text = (zh ? "灰度发布：基线 `" : "rollout: baseline `") + baselineLine + (zh ? "` 对比金丝雀 `" : "` vs canary `") +
                     canaryLine + "`\n" + (zh ? "闸门：" : "gate: ") + gateText + (zh ? "；每个阶段需连续 " : "; ") +
                     std::to_string(gate.windowsPerStage) + (zh ? " 个 " : " windows of ") + util::formatDuration(window) +
                     (zh ? " 的窗口（1% → 10% → 100%）\n" : " in a row per stage (1% → 10% → 100%)\n");
  text += zh ? "窗口    结束   阶段  Δgoroutine   gc p99  结论\n" : "window    end  stage  Δgoroutines   gc p99  verdict\n";
  JsonWriter j;
  j.beginObject().field("baseline", baselineLine).field("canary", canaryLine).field("gate", gateText);
  j.field("windowNs", window).field("windowsPerStage", gate.windowsPerStage).key("windows").beginArray();
  int metInARow = 0;
  for (const WindowVerdict& w : d.windows) {
    char row[160];
    const std::string p99 = w.gcPauseP99 < 0 ? "-" : util::formatDurationShort(w.gcPauseP99);
    std::snprintf(row, sizeof row, "%6d %6s %6s %12s %8s  ", w.window, util::formatDurationShort(w.endNs).c_str(),
                  percent(w.stagePercent).c_str(), ((w.goroutinesDelta >= 0 ? "+" : "") + std::to_string(w.goroutinesDelta)).c_str(),
                  p99.c_str());
    metInARow = w.met ? metInARow % gate.windowsPerStage + 1 : 0;
    const std::string verdict = w.met ? (zh ? "通过 " : "met ") + std::to_string(metInARow) + "/" +
                                            std::to_string(gate.windowsPerStage)
                                      : (zh ? "未通过：" : "not met: ") + w.failed;
    text += row + verdict + "\n";
    j.beginObject().field("window", w.window).field("endNs", w.endNs).field("stagePercent", w.stagePercent);
    j.field("goroutinesDelta", w.goroutinesDelta).field("gcPauseP99Ns", w.gcPauseP99).field("reqP99Ns", w.reqP99);
    j.field("timeouts", w.timeouts).field("met", w.met).field("failed", w.failed).endObject();
  }
  j.endArray();
  const char* outcome = d.outcome == RolloutDecision::Outcome::Promoted     ? "promoted"
                        : d.outcome == RolloutDecision::Outcome::RolledBack ? "rolled back"
                                                                            : "undecided";
  j.field("decision", outcome).field("stagePercent", d.stagePercent).field("reason", d.reason).endObject();
  const std::string n = std::to_string(d.windows.size());
  switch (d.outcome) {
    case RolloutDecision::Outcome::Promoted:
      text += zh ? "已全量发布：" + n + " 个窗口全部通过" : "promoted to 100% after " + n + " windows";
      break;
    case RolloutDecision::Outcome::RolledBack:
      text += zh ? "已回滚（" + percent(d.stagePercent) + " 阶段，第 " + n + " 个窗口）：" + d.reason
                 : "rolled back at " + percent(d.stagePercent) + " in window " + n + ": " + d.reason;
      break;
    case RolloutDecision::Outcome::Undecided:
      text += zh ? "未决：运行在 " + n + " 个窗口后结束，停在 " + percent(d.stagePercent) + "（加大 --size）"
                 : "undecided: the runs ended after " + n + " windows, at " + percent(d.stagePercent) +
                       " (a larger --size runs longer)";
      break;
  }
  return Reply{true, text, j.str()};
}

FlagSpec stringFlag(std::string name, std::string valueName, std::string def, Text help) {
  return FlagSpec{.name = std::move(name), .type = FlagType::String, .valueName = std::move(valueName),
                  .defaultValue = std::move(def), .help = help};
}

}  // namespace

CommandSpec rolloutCommand() {
  return CommandSpec{
      .name = "rollout",
      .summary = {"a canary of the service against a baseline, promoted or rolled back by a gate on runtime signals",
                  "用运行时信号做闸门：把 service 的金丝雀与基线对比，全量发布或回滚"},
      .details = {"Runs `service` twice on the simulator, the baseline with --seed and the canary with the next seed, "
                  "each with its own flags, sampling metrics every --window. Window after window the gate's "
                  "conditions must all hold: goroutines<N (the canary's goroutines minus the baseline's), gcp99<D "
                  "(the canary's GC pause p99), reqp99<D, timeouts<N. --windows in a row promote the canary to the "
                  "next stage (1%, 10%, 100%); the first window that fails rolls it back. The lab does not split "
                  "traffic: each window compares the whole canary with the whole baseline.",
                  "在模拟器上运行两次 `service`：基线用 --seed，金丝雀用下一个种子，各带自己的参数，每个 --window 采样一次指标。"
                  "每个窗口都必须满足闸门的全部条件：goroutines<N（金丝雀的 goroutine 数减去基线的）、gcp99<D（金丝雀的 GC 暂停 "
                  "p99）、reqp99<D、timeouts<N。连续 --windows 个窗口通过，金丝雀升到下一阶段（1%、10%、100%）；第一个不通过"
                  "的窗口让它回滚。实验室不拆分流量：每个窗口比较的是完整的金丝雀与完整的基线。"},
      .args = {},
      .flags = {stringFlag("canary", "FLAGS", "", {"the canary's service flags, e.g. \"--leak\" or \"--keepalive --idle-timeout 0\"",
                                                   "金丝雀的 service 参数，例如 \"--leak\" 或 \"--keepalive --idle-timeout 0\""}),
                stringFlag("baseline", "FLAGS", "", {"the baseline's service flags (default: none)", "基线的 service 参数（默认无）"}),
                stringFlag("gate", "CONDS", kDefaultGate,
                           {"conditions every window must meet, e.g. goroutines<50,gcp99<12ms",
                            "每个窗口都须满足的条件，例如 goroutines<50,gcp99<12ms"}),
                FlagSpec{.name = "window",
                         .type = FlagType::Duration,
                         .valueName = "D",
                         .defaultValue = "250ms",
                         .help = {"the length of a window (the metrics' sampling period)", "一个窗口的长度（指标采样周期）"},
                         .choices = {},
                         .min = 10'000'000,
                         .max = 60'000'000'000},
                FlagSpec{.name = "windows",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "3",
                         .help = {"windows in a row that promote to the next stage", "升到下一阶段所需的连续通过窗口数"},
                         .choices = {},
                         .min = 1,
                         .max = 100},
                FlagSpec{.name = "size",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "10000",
                         .help = {"requests in each run", "每次运行的请求数"},
                         .choices = {},
                         .min = 1,
                         .max = 10000000},
                FlagSpec{.name = "seed",
                         .type = FlagType::Int,
                         .valueName = "S",
                         .defaultValue = "1",
                         .help = {"the baseline's seed (the canary's is the next)", "基线的种子（金丝雀用下一个）"},
                         .choices = {},
                         .min = 0,
                         .max = 1000000000000},
                FlagSpec{.name = "procs",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "2",
                         .help = {"GOMAXPROCS of both runs", "两次运行的 GOMAXPROCS"},
                         .choices = {},
                         .min = 1,
                         .max = 256}},
      .run = rollout,
      .example = "rollout --canary \"--leak\"",
  };
}

}  // namespace lab
