// gc, heap, verify: the garbage collector of the latest run.
//
//   gc [--marker stw|concurrent] [--barrier B] [--verify on|off]
//       choose the collector for the runs that follow (a scenario with a
//       GC'd heap: binarytrees, churn, linkedlist, mutator-race), and show
//       the latest run's cycles, each as its gctrace line plus who marked what
//   heap     the GC'd heap where the run stands: phase, live heap, goal and
//            trigger, grey work queued, and how much of the reachable heap
//            is marked (step through a concurrent mark and watch it grow)
//   verify   re-mark from the roots and compare with the collector's marks:
//            the verifier's report (read-only: it marks nothing)
#include <cstdio>

#include "gc/collector.hpp"
#include "lab/commands/commands.hpp"
#include "lab/gc_graph.hpp"
#include "lab/gc_report.hpp"
#include "lab/heap_session.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/run_session.hpp"
#include "mem/goaddr.hpp"
#include "sched/runtime.hpp"

namespace lab {

namespace {

using rt::gc::Collector;

// The latest run's collector, or the error to show. A run still going in
// the background has its collector busy on other threads: not yet.
Collector* sessionCollector(Lab& lab, const char* cmd, std::string* err) {
  RunSession* s = lab.session();
  if (s && s->running()) {
    *err = std::string(cmd) + ": the run is still going in the background; `continue` waits for it";
    return nullptr;
  }
  Collector* c = s ? s->collector() : nullptr;
  if (c == nullptr)
    *err = std::string(cmd) +
           ": no run with a garbage-collected heap yet (try `run mutator-race --engine sim --step`, or run "
           "binarytrees, churn or linkedlist)";
  return c;
}

std::string settingsLine(const Lab::GcSettings& g) {
  return std::string("collector for the next runs: ") + (g.stw ? "stop-the-world" : "concurrent") + " marker, " +
         rt::gc::barrierName(g.barrier) + " barrier, verifier " + (g.verify ? "on" : "off");
}

Reply gcRun(Lab& lab, const Invocation& inv) {
  Lab::GcSettings g = lab.gcSettings();
  if (inv.boolFlag("stw") && inv.boolFlag("concurrent")) return Reply::error("gc: --stw or --concurrent, not both");
  if (inv.flagGiven("marker")) g.stw = inv.stringFlag("marker") == "stw";
  if (inv.boolFlag("stw")) g.stw = true;
  if (inv.boolFlag("concurrent")) g.stw = false;
  if (inv.flagGiven("barrier")) rt::gc::parseBarrier(inv.stringFlag("barrier"), &g.barrier);
  if (inv.flagGiven("verify")) g.verify = inv.stringFlag("verify") == "on";
  lab.setGcSettings(g);
  std::string text = settingsLine(g);
  JsonWriter j;
  j.beginObject().field("marker", g.stw ? "stw" : "concurrent").field("barrier", rt::gc::barrierName(g.barrier));
  j.field("verify", g.verify);
  RunSession* s = lab.session();
  if (Collector* c = s && !s->running() ? s->collector() : nullptr) {
    text += "\nlatest run (" + s->setup().scenario->name + ", " + s->position() + "):\n" + gcSummaryText(*c) + "\n" +
            gcCycleTable(*c, 10);
    gcJson(j, *c);
  }
  j.endObject();
  return Reply{true, text, j.str()};
}

Reply heapRun(Lab& lab, const Invocation& inv) {
  std::string err;
  Collector* c = sessionCollector(lab, "heap", &err);
  if (!c) return Reply::error(err);
  RunSession& s = *lab.session();
  if (inv.boolFlag("graph")) {
    GraphOptions opt;
    if (inv.flagGiven("max")) opt.maxNodes = size_t(inv.intFlag("max"));
    if (inv.flagGiven("since")) opt.sinceNs = inv.intFlag("since");
    opt.nowNs = s.now();
    JsonWriter j;
    gcGraphJson(j, *c, opt);
    return Reply{true, "the object graph of " + s.setup().scenario->name + " at " + s.position() + " (JSON, for the marking view)", j.str()};
  }
  const rt::gc::GCPhase phase = c->gcphase.load();
  const uint64_t live = c->heap.stats.heapLive.load();
  const uint64_t goal = c->gcController.heapGoal();
  const uint64_t trigger = c->trigger_.load();
  rt::gc::MarkProgress mp = c->markProgress();
  std::string text = "heap of " + s.setup().scenario->name + " at " + s.position() + ": " +
                     rt::gc::gcPhaseName(phase) + ", cycle " + std::to_string(c->work.cycles) + "\n";
  text += "  heapLive " + humanBytes(live) + ", goal " + humanBytes(goal) + ", next trigger " + humanBytes(trigger) +
          " (GOGC=" + std::to_string(c->gcController.gcPercent) + ")\n";
  text += "  reachable " + std::to_string(mp.reachableObjects) + " objects (" + humanBytes(mp.reachableBytes) + ")";
  if (phase != rt::gc::GCPhase::Off) {
    const uint64_t pct = mp.reachableBytes ? mp.markedBytes * 100 / mp.reachableBytes : 100;
    text += ", marked so far " + std::to_string(mp.markedObjects) + " (" + std::to_string(pct) + "% of the bytes)";
    text += "\n  grey work: " + std::to_string(c->pool.nfull()) + " full buffers queued globally; root jobs " +
            std::to_string(std::min(c->work.markrootNext.load(), c->work.markrootJobs)) + " of " +
            std::to_string(c->work.markrootJobs) + " taken";
  }
  text += "\n  cycles done " + std::to_string(c->numGC.load()) + ", write barrier " +
          (c->writeBarrierEnabled.load() ? std::string("on (") + rt::gc::barrierName(c->cfg.barrier) + ")" : "off");
  JsonWriter j;
  j.beginObject().field("phase", rt::gc::gcPhaseName(phase)).field("cycle", uint64_t(c->work.cycles));
  j.field("heapLive", live).field("goal", goal).field("trigger", trigger);
  j.field("reachableObjects", mp.reachableObjects).field("reachableBytes", mp.reachableBytes);
  j.field("markedObjects", mp.markedObjects).field("markedBytes", mp.markedBytes);
  j.field("greyBuffers", c->pool.nfull()).field("numGC", uint64_t(c->numGC.load())).endObject();
  return Reply{true, text, j.str()};
}

Reply verifyRun(Lab& lab, const Invocation&) {
  std::string err;
  Collector* c = sessionCollector(lab, "verify", &err);
  if (!c) return Reply::error(err);
  const rt::gc::GCPhase phase = c->gcphase.load();
  std::string text;
  uint64_t lost = 0;
  if (phase == rt::gc::GCPhase::Off) {
    // Between cycles every object is white again: show the verdict of the
    // last mark the verifier checked.
    std::lock_guard<std::mutex> g(c->statsLock);
    lost = c->lostTotal;  // every cycle's, not only those history keeps
    text = c->history.empty() ? "verify: no GC cycle has finished yet"
           : c->lastVerify.empty() && !(c->cfg.verifyEachCycle || c->cfg.barrier == rt::gc::BarrierKind::None)
               ? "verify: the verifier was off in this run (run with --verify, or `gc --verify on`)"
               : "verify: " + std::to_string(c->numGC.load()) + " cycles checked, " + std::to_string(lost) +
                     " lost objects" + (c->lastVerify.empty() ? "" : "\nlast report:\n" + c->lastVerify);
  } else {
    // In the middle of a mark, reachable white objects are normal: the mark
    // has not reached them yet. What must hold is the weak tri-color
    // invariant: each is still reachable from a grey object or an unscanned
    // root. Those that are not are hidden behind black objects.
    std::vector<uintptr_t> hidden = c->hiddenWhiteObjects();
    lost = hidden.size();
    rt::gc::MarkProgress mp = c->markProgress();
    text = "verify (marking in progress): " + std::to_string(mp.markedObjects) + " of " +
           std::to_string(mp.reachableObjects) + " reachable objects marked; ";
    if (hidden.empty()) {
      text += "every white one is still reachable from a grey object or an unscanned root (the weak tri-color "
              "invariant holds)";
    } else {
      text += std::to_string(hidden.size()) + " white object" + (hidden.size() == 1 ? " is" : "s are") +
              " reachable only through black ones: lost if the mark ended now";
      for (size_t i = 0; i < hidden.size() && i < 5; i++)
        text += "\n  hidden: " + rt::mem::goAddrString(c->heap, hidden[i]);
    }
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  JsonWriter j;
  j.beginObject().field("phase", rt::gc::gcPhaseName(phase)).field("lost", lost).field("report", text).endObject();
  return Reply{true, text, j.str()};
}

}  // namespace

CommandSpec gcCommand() {
  return CommandSpec{
      .name = "gc",
      .summary = {"choose the garbage collector for the next runs; show the latest run's GC cycles",
                  "为之后的运行选择垃圾回收器；显示最近一次运行的 GC 周期"},
      .details = {"--marker stw marks everything inside one stop-the-world pause; concurrent (the default) marks "
                  "while goroutines run, with a write barrier: hybrid (Go's), dijkstra (insertion; stacks are "
                  "re-scanned at mark termination), yuasa (deletion) or none (objects get lost: the verifier shows "
                  "which). --verify on checks every cycle. Each cycle is shown as its gctrace line and who marked "
                  "its bytes (roots, workers, assists, barrier, termination, allocation).",
                  "--marker stw 在一次 STW 暂停内完成全部标记；concurrent（默认）在 goroutine 运行时标记，需要写屏障："
                  "hybrid（Go 的混合屏障）、dijkstra（插入屏障；标记终止时重新扫描栈）、yuasa（删除屏障）或 none（对象会"
                  "丢失：校验器会指出是哪个）。--verify on 检查每一轮。每轮显示其 gctrace 行以及各部分标记的字节（根、"
                  "后台 worker、assist、屏障、终止阶段、分配）。"},
      .args = {},
      .flags = {FlagSpec{.name = "marker",
                         .type = FlagType::Choice,
                         .valueName = "M",
                         .defaultValue = "",
                         .help = {"concurrent, or stw (everything in one pause)", "concurrent，或 stw（全部在一次暂停内）"},
                         .choices = {"concurrent", "stw"}},
                FlagSpec{.name = "stw",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"the same as --marker stw", "等同于 --marker stw"}},
                FlagSpec{.name = "concurrent",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"the same as --marker concurrent", "等同于 --marker concurrent"}},
                FlagSpec{.name = "barrier",
                         .type = FlagType::Choice,
                         .valueName = "B",
                         .defaultValue = "",
                         .help = {"the write barrier of the concurrent marker", "并发标记使用的写屏障"},
                         .choices = {"hybrid", "dijkstra", "yuasa", "none"}},
                FlagSpec{.name = "verify",
                         .type = FlagType::Choice,
                         .valueName = "on|off",
                         .defaultValue = "",
                         .help = {"run the verifier at every mark termination", "每次标记终止时运行校验器"},
                         .choices = {"on", "off"}}},
      .run = gcRun,
      .example = "gc --barrier none",
  };
}

CommandSpec heapCommand() {
  return CommandSpec{
      .name = "heap",
      .summary = {"the latest run's GC'd heap: phase, goal, trigger, and how much is marked",
                  "最近一次运行的 GC 堆：阶段、目标、触发点，以及已标记的比例"},
      .details = {"On a paused simulator run (run mutator-race --engine sim --step), step through a cycle and "
                  "watch the marked share of the reachable heap grow.",
                  "在暂停的模拟器运行上（run mutator-race --engine sim --step）逐步推进一轮 GC，看可达堆中已标记的"
                  "比例如何增长。"},
      .args = {},
      .flags = {FlagSpec{.name = "graph",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"the object graph with each object's colour, as JSON (what the marking view draws)",
                                  "带每个对象颜色的对象图（JSON，即标记视图所画的内容）"}},
                FlagSpec{.name = "max",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "400",
                         .help = {"with --graph: the most objects drawn one by one (beyond: spans)",
                                  "配合 --graph：逐个绘制的对象上限（超出则按 span 显示）"},
                         .min = 1,
                         .max = 5000},
                FlagSpec{.name = "since",
                         .type = FlagType::Int,
                         .valueName = "NS",
                         .defaultValue = "",
                         .help = {"with --graph: the barrier's stores after this time (ns since the start)",
                                  "配合 --graph：此时刻（自开始的纳秒数）之后写屏障处理过的写入"},
                         .min = -1,
                         .max = INT64_MAX}},
      .run = heapRun,
      .example = "heap",
  };
}

CommandSpec verifyCommand() {
  return CommandSpec{
      .name = "verify",
      .summary = {"re-mark from the roots: is any reachable object white?", "从根重新标记：是否有可达对象仍是白色？"},
      .details = {"Go's gccheckmark idea. During a mark it shows what would be lost if the mark ended now; "
                  "between cycles it shows the verdict of the cycles the verifier checked.",
                  "即 Go 的 gccheckmark。标记进行中时，显示若此刻结束标记会丢失什么；两轮之间则显示校验器检查过的"
                  "各轮结论。"},
      .args = {},
      .flags = {},
      .run = verifyRun,
      .example = "verify",
  };
}

}  // namespace lab
