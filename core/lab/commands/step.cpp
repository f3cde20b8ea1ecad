// step, until, continue, back: moving a paused simulator run (`run ...
// --engine sim --step`) through its events.
//
//   step [N]       forward N trace events (default 1), printing them
//   until <time>   forward to a virtual time since the start ("2ms", "150us")
//   continue       to the end, then the run's report, as `run` prints it
//                  (also: wait for a real run started with --background)
//   back [N]       backward N events: the run's memory is restored from the
//                  latest snapshot before that point, and run forward to it
//                  (a simulator run depends only on its inputs, so it
//                  arrives at exactly the same state). A run with the GC'd
//                  heap has no snapshots: it is replayed from its start.
//
// The trace is bounded (RunSetup::traceLimit: 300 000 events in the page, 4 M
// natively, or run --trace-events): when it is full, recording stops and the
// lab says so. Positions are counts of recorded events, so step, back and
// `until <event>` work up to the last recorded event; `until <time>` and
// continue go on past it, and back from there counts from the last recorded
// event.
//
// Between moves, gs, ps, ms and runq show the state at the current point.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/run_session.hpp"
#include "runtime/env.hpp"
#include "sched/gstatus.hpp"
#include "sched/runtime.hpp"
#include "util/duration.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

constexpr size_t kMaxShown = 40;  // event lines printed per move; the rest are counted

std::string goName(uint64_t g, const std::vector<std::string>& names, const std::vector<int32_t>& nameOf) {
  std::string s = "G" + std::to_string(g);
  if (g < nameOf.size() && nameOf[g] >= 0 && nameOf[g] < static_cast<int32_t>(names.size()) && !names[nameOf[g]].empty())
    s += " " + names[nameOf[g]];
  return s;
}

std::string where(const trace::Event& e) {
  std::string s = e.m >= 0 ? "M" + std::to_string(e.m) : "  ";
  s += e.p >= 0 ? " P" + std::to_string(e.p) : "   ";
  return s;
}

// One event as a line a learner can read next to Go's source, in the lab's
// language. Go's own names (newproc, stopm, handoffp, _Grunning...) stay as
// they are in both languages: they are what the learner greps for.
std::string describe(const trace::Event& e, const std::vector<std::string>& names,
                     const std::vector<int32_t>& nameOf, Language lang) {
  using trace::EvType;
  const bool zh = lang == Language::Zh;
  const std::string g = goName(e.g, names, nameOf);
  const std::string p = "P" + std::to_string(e.p), m = "M" + std::to_string(e.m);
  const std::string a = std::to_string(e.a), b = std::to_string(e.b);
  switch (e.type) {
    case EvType::GoCreate:
      return zh ? g + " 由 G" + a + " 创建（newproc，放入 " + p + " 的 runnext）"
                : g + " created by G" + a + " (newproc, into " + p + "'s runnext)";
    case EvType::GoStatus: {
      std::string s = g + ": " + std::string(rt::gstatusName(static_cast<rt::Gstatus>(e.from))) + " -> " +
                      std::string(rt::gstatusName(static_cast<rt::Gstatus>(e.to)));
      const auto why = static_cast<trace::GoReason>(e.b);
      if (why != trace::GoReason::None) s += " (" + std::string(trace::goReasonName(why)) + ")";
      return s;
    }
    case EvType::ProcStart: return zh ? m + " 获得 " + p : m + " acquires " + p;
    case EvType::ProcStop: return zh ? m + " 释放 " + p : m + " releases " + p;
    case EvType::Steal:
      return zh ? p + " 从 P" + std::to_string(e.p2) + " 窃取 " + a + " 个 G（那里还剩 " + b + " 个；先运行 " + g + "）"
                : p + " steals " + a + " G" + (e.a == 1 ? "" : "s") + " from P" + std::to_string(e.p2) + " (" + b +
                      " left there; runs " + g + " first)";
    case EvType::MStart: return zh ? m + " 启动（newm）" : m + " starts (newm)";
    case EvType::MPark: return zh ? m + " 休眠：没有工作（stopm）" : m + " parks: no work (stopm)";
    case EvType::MUnpark:
      return zh ? m + " 被唤醒" + (e.p >= 0 ? "，带着 " + p : "") : m + " wakes up" + (e.p >= 0 ? " with " + p : "");
    case EvType::SpinStart: return zh ? m + " 自旋：寻找可窃取的工作" : m + " spins: looking for work to steal";
    case EvType::SpinStop: return zh ? m + " 停止自旋" : m + " stops spinning";
    case EvType::Handoff: return zh ? p + " 被转交给另一个 M（handoffp）" : p + " handed off to another M (handoffp)";
    case EvType::PreemptRequest:
      return zh ? "sysmon 要求 " + p + " 上的 " + g + " 让出（preemptone）"
                : "sysmon asks " + g + " on " + p + " to yield (preemptone)";
    case EvType::Gomaxprocs: return "GOMAXPROCS " + b + " -> " + a;
    case EvType::TimerFire: return zh ? "定时器触发：" + g + " 就绪" : "timer fires: " + g + " is ready";
    case EvType::RunqSizes:
      return zh ? p + " 运行队列：本地 " + a + "，全局 " + b : p + " run queue: " + a + " local, " + b + " global";
    case EvType::STWStart:
      return (zh ? "停止世界（" : "stop the world (") + std::string(trace::stwReasonName(e.a)) + (zh ? "），为 " : ") for ") + g;
    case EvType::STWDone:
      return (zh ? "重新启动世界（" : "start the world (") + std::string(trace::stwReasonName(e.a)) + (zh ? "）" : ")");
    case EvType::GCPhase: {
      static const char* const kPhases[] = {"_GCoff: sweeping", "_GCmark: concurrent mark, write barrier on",
                                            "_GCmarktermination"};
      static const char* const kPhasesZh[] = {"_GCoff：清扫", "_GCmark：并发标记，写屏障打开", "_GCmarktermination"};
      const char* phase = e.a >= 0 && e.a < 3 ? (zh ? kPhasesZh[e.a] : kPhases[e.a]) : "?";
      return zh ? "第 " + b + " 轮 GC 进入 " + phase : "GC " + b + " enters " + phase;
    }
  }
  return "?";
}

// The lines for the events from `from` on, and their JSON (all of them).
// The text shows kMaxShown lines from `shownFrom` (default: from).
// hostNs >= 0: the host time the move took, as "hostNs" in the JSON.
Reply showEvents(RunSession& s, Language lang, size_t from, const std::string& headline, int64_t hostNs = -1,
                 size_t shownFrom = SIZE_MAX) {
  const std::vector<trace::Event>& evs = s.events();
  const std::vector<std::string> names = s.names();
  const std::vector<int32_t>& nameOf = s.goroutineNames();
  std::string text = headline;
  JsonWriter j;
  j.beginObject().field("position", static_cast<uint64_t>(evs.size())).field("timeNs", s.now());
  j.field("over", s.over()).field("traceFull", s.traceFull());
  if (s.traceFull()) j.field("traceEndNs", s.lastEventNs());
  if (hostNs >= 0) j.field("hostNs", hostNs);
  j.key("events").beginArray();
  if (shownFrom == SIZE_MAX) shownFrom = from;
  const size_t shownEnd = std::min(evs.size(), shownFrom + kMaxShown);
  for (size_t i = from; i < evs.size(); i++) {
    const trace::Event& e = evs[i];
    if (i >= shownFrom && i < shownEnd)
      text += "\n" + util::formatDuration(e.ts) + "  " + where(e) + "  " + describe(e, names, nameOf, lang);
    j.beginObject().field("i", static_cast<uint64_t>(i)).field("ts", e.ts).field("type", trace::evTypeName(e.type));
    j.field("g", static_cast<uint64_t>(e.g)).field("p", static_cast<int>(e.p)).field("m", e.m);
    // The type's own arguments (core/trace/event.hpp says what each means for each type:
    // a Steal's count of Gs taken and left, the victim in p2), for the course's checks.
    j.field("a", e.a).field("b", e.b).field("p2", static_cast<int>(e.p2));
    j.field("text", describe(e, names, nameOf, lang)).endObject();
  }
  if (evs.size() > shownEnd) {
    const std::string more = std::to_string(evs.size() - shownEnd);
    text += lang == Language::Zh ? "\n… 之后还有 " + more + " 个事件" : "\n… and " + more + " more events";
  }
  j.endArray().endObject();
  return Reply{true, text, j.str()};
}

bool parseCount(const Invocation& inv, const char* cmd, size_t* n, std::string* err);

// The session these commands move, or the one error line explaining why not.
RunSession* pausedSession(Lab& lab, const char* cmd, std::string* err) {
  RunSession* s = lab.session();
  if (!s || !s->simulated()) {
    *err = std::string(cmd) + ": no simulator run to move; start one with `run fanout --engine sim --step`";
    return nullptr;
  }
  return s;
}

// When a move reaches the end: the events, then the report `run` prints.
Reply withReportIfOver(RunSession& s, Language lang, Reply moved) {
  if (!s.over()) return moved;
  Reply report = s.report(lang);
  report.text = moved.text + "\n" + report.text;
  return report;
}

// A move the lab's brakes cut short (interrupt.hpp): the events it made,
// then the one line saying where and why it stopped. Otherwise as above.
Reply withStopOrReport(RunSession& s, Language lang, Reply moved) {
  if (s.stopped() == StopReason::None) return withReportIfOver(s, lang, std::move(moved));
  Reply stop = s.stoppedReply(lang);
  stop.text = moved.text + "\n" + stop.text;
  return stop;
}

// Where the trace stopped recording: "event 300000 (98.2ms)".
std::string traceEnd(RunSession& s, Language lang) {
  const std::string n = std::to_string(s.events().size()), t = util::formatDuration(s.lastEventNs());
  return lang == Language::Zh ? "第 " + n + " 个事件（" + t + "）" : "event " + n + " (" + t + ")";
}

std::string positionLine(RunSession& s, Language lang) {
  const std::string n = std::to_string(s.events().size()), t = util::formatDuration(s.now());
  const bool zh = lang == Language::Zh;
  std::string line;
  if (s.pastTrace()) line = zh ? "位于 " + t : "at " + t;
  else line = zh ? "位于第 " + n + " 个事件，" + t : "at event " + n + ", " + t;
  if (s.over()) line += zh ? "（运行已结束）" : " (the run is over)";
  if (s.traceFull())
    line += zh ? "；trace 已满，在" + traceEnd(s, lang) + "停止记录（上限 " + std::to_string(s.setup().traceLimit) + " 个事件）"
               : "; the trace is full: it stopped recording at " + traceEnd(s, lang) + ", its limit of " +
                     std::to_string(s.setup().traceLimit) + " events";
  return line;
}

// The one error line for a move that counts recorded events when no more are
// recorded (in English, as the shell's other error lines).
Reply traceFullError(RunSession& s, const char* cmd) {
  return Reply::error(std::string(cmd) + ": the trace is full: it stopped recording at " + traceEnd(s, Language::En) +
                      ", its limit of " + std::to_string(s.setup().traceLimit) +
                      " events; go on by time (`until 150ms`) or to the end (`continue`), or go `back [N]`");
}

Reply step(Lab& lab, const Invocation& inv) {
  std::string err;
  RunSession* s = pausedSession(lab, "step", &err);
  if (!s) return Reply::error(err);
  size_t n;
  if (!parseCount(inv, "step", &n, &err)) return Reply::error(err);
  if (s->over()) return Reply::error("step: the run is over; `back [N]` to go back, or start a new one");
  if (s->traceFull()) return traceFullError(*s, "step");
  const size_t from = s->events().size();
  s->noteStandingPoint();
  {
    RunSession::Budget budget(*s, limitsFrom(inv, s->setup().limits));
    s->stepEvents(n);
  }
  const Language lang = lab.language();
  return withStopOrReport(*s, lang, showEvents(*s, lang, from, positionLine(*s, lang)));
}

// The kinds of event `until` can stop at, by the name a learner types.
struct EventKind {
  const char* name;
  trace::EvType type;
};
constexpr EventKind kEventKinds[] = {
    {"steal", trace::EvType::Steal},          {"handoff", trace::EvType::Handoff},   {"preempt", trace::EvType::PreemptRequest},
    {"newm", trace::EvType::MStart},          {"park", trace::EvType::MPark},        {"spin", trace::EvType::SpinStart},
    {"timer", trace::EvType::TimerFire},      {"gc", trace::EvType::GCPhase},        {"stw", trace::EvType::STWStart},
};

const EventKind* eventKind(std::string_view name) {
  for (const EventKind& k : kEventKinds)
    if (name == k.name) return &k;
  return nullptr;
}

std::vector<std::string> eventKindNames() {
  std::vector<std::string> names;
  for (const EventKind& k : kEventKinds) names.emplace_back(k.name);
  return names;
}

// until <kind>: forward one simulator step at a time until an event of that
// kind is recorded (or the run ends), then show the events that led to it,
// ending a few after it, so the one looked for is on screen.
Reply untilEvent(RunSession& s, Language lang, const EventKind& kind) {
  const size_t from = s.events().size();
  size_t checked = from;
  std::optional<size_t> found;
  while (!found && !s.over() && s.stopped() == StopReason::None && !s.traceFull()) {
    s.stepEvents(1);
    const std::vector<trace::Event>& evs = s.events();
    for (; checked < evs.size() && !found; checked++)
      if (evs[checked].type == kind.type) found = checked;
  }
  const bool zh = lang == Language::Zh;
  std::string head = positionLine(s, lang);
  if (!found && s.stopped() == StopReason::None)
    head += s.traceFull() ? (zh ? std::string("；trace 填满之前没有 ") + kind.name + " 事件"
                                : std::string("; no ") + kind.name + " event before the trace filled up")
                          : (zh ? std::string("；到结束也没有 ") + kind.name + " 事件"
                                : std::string("; no ") + kind.name + " event before the end");
  // Show up to kMaxShown lines ending just past the match.
  const size_t end = found ? std::min(s.events().size(), *found + 4) : s.events().size();
  const size_t shownFrom = end > from + kMaxShown ? end - kMaxShown : from;
  if (shownFrom > from) {
    const std::string earlier = std::to_string(shownFrom - from);
    head += zh ? "\n… 之前还有 " + earlier + " 个事件" : "\n… " + earlier + " earlier events";
  }
  return withStopOrReport(s, lang, showEvents(s, lang, from, head, -1, shownFrom));
}

Reply until(Lab& lab, const Invocation& inv) {
  std::string err;
  RunSession* s = pausedSession(lab, "until", &err);
  if (!s) return Reply::error(err);
  if (s->over()) return Reply::error("until: the run is over; `back [N]` to go back, or start a new one");
  const Language lang = lab.language();
  RunSession::Budget budget(*s, limitsFrom(inv, s->setup().limits));
  if (const EventKind* kind = eventKind(inv.args[0])) {
    if (s->traceFull()) return traceFullError(*s, "until");
    s->noteStandingPoint();
    return untilEvent(*s, lang, *kind);
  }
  auto ns = util::parseDuration(inv.args[0]);
  if (!ns || *ns < 0) {
    std::string msg = "until: \"" + util::truncateForDisplay(inv.args[0]) +
                      "\" is not a time or an event; write a time like 150us, 2ms or 1.5s, or one of steal, handoff, "
                      "preempt, newm, park, spin, timer, gc, stw";
    if (auto guess = util::suggest(inv.args[0], eventKindNames()); !guess.empty())
      msg += "; did you mean \"" + guess + "\"?";
    return Reply::error(msg);
  }
  // A time is since the run's start; on the simulator's clock that is
  // starttime + ns, which must not overflow (9223372036854775807ns would
  // wrap to the past and silently do nothing).
  if (const int64_t start = s->runtime().starttime; start > 0 && *ns > INT64_MAX - start)
    return Reply::error("until: " + util::truncateForDisplay(inv.args[0]) + " is beyond the end of the clock (at most " +
                        std::to_string(INT64_MAX - start) + "ns since the start)");
  if (*ns < s->now())
    return Reply::error("until: " + util::truncateForDisplay(inv.args[0]) + " is behind the current point (" + util::formatDuration(s->now()) +
                        "); use `back [N]`");
  const size_t from = s->events().size();
  s->noteStandingPoint();
  s->stepUntil(*ns);
  return withStopOrReport(*s, lang, showEvents(*s, lang, from, positionLine(*s, lang)));
}

Reply continueRun(Lab& lab, const Invocation& inv) {
  // A real run in the background: wait for its end.
  if (RunSession* live = lab.session(); live && live->running()) {
    {
      RunSession::Budget budget(*live, limitsFrom(inv, live->setup().limits));
      live->runToEnd();
    }
    if (live->stopped() != StopReason::None) return live->stoppedReply(lab.language());
    return live->report(lab.language());
  }
  std::string err;
  RunSession* s = pausedSession(lab, "continue", &err);
  if (!s) return Reply::error(err);
  if (s->over()) return Reply::error("continue: the run is over; `back [N]` to go back, or start a new one");
  s->noteStandingPoint();
  {
    RunSession::Budget budget(*s, limitsFrom(inv, s->setup().limits));
    s->runToEnd();
  }
  if (s->stopped() != StopReason::None) return s->stoppedReply(lab.language());
  return s->report(lab.language());
}

Reply back(Lab& lab, const Invocation& inv) {
  std::string err;
  RunSession* s = pausedSession(lab, "back", &err);
  if (!s) return Reply::error(err);
  size_t n;
  if (!parseCount(inv, "back", &n, &err)) return Reply::error(err);
  const size_t here = s->events().size();
  const size_t target = here > n ? here - n : 0;
  // Past the trace's last event there is no event to count back from but
  // that one: back counts from there, and says so.
  const bool fromTraceEnd = s->pastTrace();
  const std::string traceEndWas = fromTraceEnd ? traceEnd(*s, lab.language()) : "";
  const bool rewound = s->rewindable();
  const auto t0 = std::chrono::steady_clock::now();
  if (rewound) s->rewindTo(target);
  else lab.setSession(s->replayTo(target));
  const int64_t took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
  RunSession& now = *lab.session();
  const size_t shownFrom = std::max(now.events().size(), size_t{1}) - 1;
  const Language lang = lab.language();
  const std::string hostTime = util::formatDuration(took);
  const std::string how = lang == Language::Zh
                              ? (rewound ? "（从快照恢复" : "（从头重放") + std::string("，主机时间 ") + hostTime + "）"
                              : (rewound ? " (restored from a snapshot" : " (replayed from the start") +
                                    std::string(" in ") + hostTime + " of host time)";
  std::string head = positionLine(now, lang) + how;
  if (fromTraceEnd)
    head += lang == Language::Zh ? "\n从 trace 的最后一个事件——" + traceEndWas + "——往回数"
                                 : "\ncounted back from the trace's last event, " + traceEndWas;
  return showEvents(now, lang, shownFrom, head, took);
}

// [N]: a count of events, 1 by default.
bool parseCount(const Invocation& inv, const char* cmd, size_t* n, std::string* err) {
  *n = 1;
  if (inv.args.empty()) return true;
  const std::string& a = inv.args[0];
  size_t v = 0;
  bool ok = !a.empty() && a.size() <= 10;
  for (char c : a) {
    if (c < '0' || c > '9') ok = false;
    else v = v * 10 + static_cast<size_t>(c - '0');
  }
  if (!ok || v < 1 || v > 1000000000) {
    *err = std::string(cmd) + ": N must be a whole number from 1 to 1000000000, not " + util::quoteForDisplay(a);
    return false;
  }
  *n = v;
  return true;
}

ArgSpec countArg() {
  return ArgSpec{.name = "N", .optional = true, .variadic = false, .complete = {}};
}

}  // namespace

CommandSpec stepCommand() {
  return CommandSpec{
      .name = "step",
      .summary = {"move a paused simulator run forward by N events", "把暂停的模拟器运行向前推进 N 个事件"},
      .details = {"Prints each event: goroutine state changes, steals, Ms parking and waking, handoffs, preemption. "
                  "The simulator moves one M step at a time (an M runs until it blocks, and may record many events "
                  "on the way), so a step can show more than N. "
                  "Start a paused run with `run <scenario> --engine sim --step`.",
                  "逐条打印事件：goroutine 状态变化、窃取、M 的休眠与唤醒、P 的转交、抢占。"
                  "模拟器每次推进一个 M 的一步（M 一直运行到阻塞，途中可能记录多个事件），所以一次 step 可能显示多于 N 个事件。"
                  "用 `run <场景> --engine sim --step` 启动一个暂停的运行。"},
      .args = {countArg()},
      .flags = limitFlags(),
      .run = step,
      .example = "step 10",
  };
}

CommandSpec untilCommand() {
  return CommandSpec{
      .name = "until",
      .summary = {"move a paused simulator run forward to a virtual time, or to the next event of a kind",
                  "把暂停的模拟器运行推进到某个虚拟时间，或推进到下一个某类事件"},
      .details = {"The time is counted from the start of the run, written as Go writes durations: 150us, 2ms, 1.5s. "
                  "An event kind stops right after the next event of that kind, and shows the events leading to it: "
                  "steal, handoff, preempt (sysmon's request), newm, park, spin, timer, gc (a phase change), stw.",
                  "时间从运行开始算起，按 Go 的时长写法：150us、2ms、1.5s。"
                  "给出事件种类则停在下一个该类事件之后，并显示它之前的事件：steal（窃取）、handoff（转交 P）、"
                  "preempt（sysmon 的抢占请求）、newm、park、spin、timer、gc（阶段变化）、stw。"},
      .args = {ArgSpec{.name = "time|event",
                       .optional = false,
                       .variadic = false,
                       .complete = [](const Lab&) { return eventKindNames(); }}},
      .flags = limitFlags(),
      .run = until,
      .example = "until steal",
  };
}

CommandSpec continueCommand() {
  return CommandSpec{
      .name = "continue",
      .summary = {"run a paused simulator run to its end, or wait for a run in the background",
                  "把暂停的模拟器运行执行到结束，或等待后台运行结束"},
      .details = {"Then prints the run's report, as `run` does. Ctrl-C, --timeout and --max-events stop it as they "
                  "stop `run` (their defaults are the run's).",
                  "随后打印运行报告，与 `run` 相同。Ctrl-C、--timeout 与 --max-events 会像停止 `run` 一样停止它"
                  "（默认值取自该次运行）。"},
      .flags = limitFlags(),
      .run = continueRun,
      .example = "continue",
  };
}

CommandSpec backCommand() {
  return CommandSpec{
      .name = "back",
      .summary = {"move a simulator run back by N events", "把模拟器运行后退 N 个事件"},
      .details = {"Restores the run's memory from the latest snapshot before that point and runs forward to it: the "
                  "same seed gives the same events, so the state is exactly what it was. Runs with the GC'd heap are "
                  "replayed from their start instead. It lands where you stood with that many events (after `until "
                  "330us; step 3`, `back 3` is at 330us again), or else just after the event, as `step` does. Works on "
                  "a finished run too.",
                  "从该位置之前最近的快照恢复运行的内存，再向前运行到该位置：相同种子产生相同事件，所以状态与当时完全"
                  "一致。使用带 GC 堆的运行则从头重放。它回到你曾停在该事件数时的位置（`until 330us; step 3` 之后，"
                  "`back 3` 回到 330us），否则停在该事件刚发生之后，与 `step` 相同。对已结束的运行同样有效。"},
      .args = {countArg()},
      .run = back,
      .example = "back 5",
  };
}

}  // namespace lab
