// gs, ps, ms, runq: the goroutines, processors, machines and run queues of
// the most recent run — at the current step of a paused simulator run, live
// while a real run goes on in the background (`run --background`), else as
// it was when the run ended (after a deadlock: who waits on what). The
// columns follow GODEBUG=scheddetail=1, and so does the way a live run is
// read: under the locks schedtrace takes, with the racy-but-atomic loads Go
// uses there, so a snapshot may be a little stale but never torn.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "lab/commands/commands.hpp"
#include "util/utf8.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/run_session.hpp"
#include "sched/runq.hpp"
#include "sched/runtime.hpp"

namespace lab {

namespace {

const char* kNoRun = "no run yet: inspect the state a run leaves behind, e.g. `run deadlock` then `gs`";

std::string idOrDash(int64_t id, bool present) { return present ? std::to_string(id) : "-"; }

std::string_view pstatusName(rt::Pstatus s) {
  switch (s) {
    case rt::Pstatus::Idle: return "_Pidle";
    case rt::Pstatus::Running: return "_Prunning";
    case rt::Pstatus::Syscall: return "_Psyscall";
    case rt::Pstatus::Gcstop: return "_Pgcstop";
    case rt::Pstatus::Dead: return "_Pdead";
  }
  return "_P?";
}

std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

rt::Runtime* inspected(const Lab& lab) { return lab.session() ? &lab.session()->runtime() : nullptr; }
std::string runName(const Lab& lab) { return lab.session()->setup().scenario->name; }

std::string header(const Lab& lab) {
  return "state of `run " + runName(lab) + "` at " + lab.session()->position() + "\n";
}

// Go: runtime/traceback.go goroutineheader, one line per goroutine.
// One G, read once under allglock: a live run reuses dead Gs under new
// goids, so sorting the Gs themselves would compare values that change.
struct GRow {
  uint64_t goid;
  rt::Gstatus status;
  rt::WaitReason reason;
  rt::M* m;
  const char* name;
  const char* createdBy;
  bool system;  // the runtime's own (isSystemGoroutine)
};

std::vector<GRow> readGs(rt::Runtime* r, bool withDead) {
  std::vector<GRow> rows;
  std::lock_guard<std::mutex> gl(r->allgLock);
  for (rt::G* gp = r->allgs; gp; gp = gp->alllink) {
    rt::Gstatus s = rt::readgstatus(gp);
    if (s == rt::Gstatus::Idle || (!withDead && s == rt::Gstatus::Dead)) continue;
    const char* name = gp->name;
    const char* createdBy = gp->createdBy;
    rows.push_back(GRow{gp->goid, s, gp->waitreason, gp->m, name ? name : "", createdBy ? createdBy : "",
                        rt::isSystemGoroutine(gp)});
  }
  return rows;
}

// Go: runtime/pprof's goroutine profile (debug=1): the goroutines grouped
// by what they run, their state and where they were created, largest group
// first. A leak shows as one group that keeps growing. As in Go, the
// runtime's own goroutines (GC workers, sweeper, forcegc helper) are left
// out: the profile is the program's.
Reply gsGrouped(Lab& lab, rt::Runtime* r) {
  struct Group {
    std::string name, state, createdBy;
    uint64_t count = 0;
  };
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> counts;
  uint64_t total = 0;
  for (const GRow& row : readGs(r, false)) {
    if (row.system) continue;
    counts[{row.name, std::string(rt::tracebackStatus(row.status, row.reason)), row.createdBy}]++;
    total++;
  }
  std::vector<Group> groups;
  for (const auto& [key, n] : counts) groups.push_back(Group{std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.count > b.count; });
  const size_t width = groups.empty() ? 1 : std::to_string(groups.front().count).size();
  std::string text = header(lab) + "goroutine profile: total " + std::to_string(total) + "\n";
  JsonWriter j;
  j.beginObject().field("run", runName(lab)).field("total", total).key("groups").beginArray();
  for (const Group& g : groups) {
    const std::string n = std::to_string(g.count);
    text += std::string(width - n.size(), ' ') + n + " @ " + (g.name.empty() ? "goroutine" : g.name) + " [" + g.state + "]";
    if (!g.createdBy.empty()) text += " created by " + g.createdBy;
    text += "\n";
    j.beginObject().field("count", g.count).field("function", g.name).field("state", g.state);
    j.field("createdBy", g.createdBy).endObject();
  }
  j.endArray().endObject();
  text.pop_back();
  return Reply{true, text, j.str()};
}

Reply gs(Lab& lab, const Invocation& inv) {
  rt::Runtime* r = inspected(lab);
  if (!r) return Reply::error(kNoRun);
  const bool all = inv.boolFlag("all");
  if (inv.boolFlag("group")) {
    if (all) return Reply::error("gs: --group counts the live goroutines; it does not take --all");
    return gsGrouped(lab, r);
  }
  std::vector<GRow> rows = readGs(r, all);
  std::sort(rows.begin(), rows.end(), [](const GRow& a, const GRow& b) { return a.goid < b.goid; });
  std::string text = header(lab) + "goid  status      wait reason        m  function\n";
  JsonWriter j;
  j.beginObject().field("run", runName(lab)).key("goroutines").beginArray();
  for (const GRow& row : rows) {
    std::string reason(row.status == rt::Gstatus::Waiting ? rt::waitReasonString(row.reason) : "");
    const char* name = row.name;
    text += pad(std::to_string(row.goid), 6) + pad(std::string(rt::gstatusName(row.status)), 12) + pad(reason, 19) +
            pad(idOrDash(row.m ? row.m->id : 0, row.m != nullptr), 3) + name + "\n";
    j.beginObject().field("goid", row.goid).field("status", rt::gstatusName(row.status));
    j.field("statusCode", static_cast<int>(row.status)).field("waitReason", reason).field("name", name);
    j.endObject();
  }
  j.endArray().endObject();
  text += std::to_string(rows.size()) + (all ? " goroutines (with dead ones kept for reuse)" : " goroutines");
  return Reply{true, text, j.str()};
}

Reply ps(Lab& lab, const Invocation&) {
  rt::Runtime* r = inspected(lab);
  if (!r) return Reply::error(kNoRun);
  std::string text = header(lab) + "P   status     schedtick  syscalltick  m  runqsize  runnext  gfreecnt  timers\n";
  JsonWriter j;
  j.beginObject().field("run", runName(lab)).key("ps").beginArray();
  std::lock_guard lock(r->sched.lock);
  std::lock_guard<std::mutex> allpLock(r->allpLock);
  for (rt::P* pp : r->allp) {
    rt::M* mp = pp->m.load();
    rt::G* next = pp->runnext.load();
    size_t timers;
    {
      std::lock_guard<std::mutex> tl(pp->timersLock);
      timers = pp->timers.size();
    }
    text += pad("P" + std::to_string(pp->id), 4) + pad(std::string(pstatusName(pp->status.load())), 11) +
            pad(std::to_string(pp->schedtick.load()), 11) + pad(std::to_string(pp->syscalltick.load()), 13) +
            pad(idOrDash(mp ? mp->id : 0, mp != nullptr), 3) + pad(std::to_string(rt::runqlen(pp)), 10) +
            pad(idOrDash(next ? static_cast<int64_t>(next->goid) : 0, next != nullptr), 9) +
            pad(std::to_string(pp->gFree.size), 10) + std::to_string(timers) + "\n";
    j.beginObject().field("id", pp->id).field("status", pstatusName(pp->status.load()));
    j.field("schedtick", static_cast<uint64_t>(pp->schedtick.load()));
    j.field("syscalltick", static_cast<uint64_t>(pp->syscalltick.load()));
    j.field("runqsize", static_cast<uint64_t>(rt::runqlen(pp))).field("gfreecnt", static_cast<int>(pp->gFree.size));
    j.field("timers", static_cast<uint64_t>(timers)).endObject();
  }
  j.endArray().endObject();
  text.pop_back();
  return Reply{true, text, j.str()};
}

Reply ms(Lab& lab, const Invocation&) {
  rt::Runtime* r = inspected(lab);
  if (!r) return Reply::error(kNoRun);
  std::vector<rt::M*> list;
  std::lock_guard<std::mutex> ml(r->allmLock);
  for (rt::M* mp = r->allm; mp; mp = mp->alllink) list.push_back(mp);
  std::sort(list.begin(), list.end(), [](rt::M* a, rt::M* b) { return a->id < b->id; });
  std::string text = header(lab) + "M   p  curg  spinning  blocked  role\n";
  JsonWriter j;
  j.beginObject().field("run", runName(lab)).key("ms").beginArray();
  for (rt::M* mp : list) {
    rt::P* pp = mp->p;
    rt::G* gp = mp->curg.load();
    text += pad("M" + std::to_string(mp->id), 4) + pad(idOrDash(pp ? pp->id : 0, pp != nullptr), 3) +
            pad(idOrDash(gp ? static_cast<int64_t>(gp->goid) : 0, gp != nullptr), 6) +
            pad(mp->spinning ? "true" : "false", 10) + pad(mp->blocked ? "true" : "false", 9) +
            (mp->isSysmon ? "sysmon" : "worker") + "\n";
    j.beginObject().field("id", mp->id).field("sysmon", mp->isSysmon).field("spinning", static_cast<bool>(mp->spinning));
    j.endObject();
  }
  j.endArray().endObject();
  text += std::to_string(list.size()) + " threads (Go: mcount)";
  return Reply{true, text, j.str()};
}

Reply runq(Lab& lab, const Invocation& inv) {
  rt::Runtime* r = inspected(lab);
  if (!r) return Reply::error(kNoRun);
  int64_t only = -1;
  std::lock_guard lock(r->sched.lock);  // the global queue, and (below) allp
  std::lock_guard<std::mutex> allpLock(r->allpLock);
  if (!inv.args.empty()) {
    const std::string& a = inv.args[0];
    std::string digits = a.size() > 1 && (a[0] == 'P' || a[0] == 'p') ? a.substr(1) : a;
    bool ok = !digits.empty() && digits.size() < 6 && std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    only = ok ? std::stoll(digits) : -1;
    if (only < 0 || only >= static_cast<int64_t>(r->allp.size()))
      return Reply::error("runq: no P " + util::quoteForDisplay(a) + " (this run had P0..P" + std::to_string(r->allp.size() - 1) + ")");
  }
  std::string text = header(lab);
  JsonWriter j;
  j.beginObject().field("run", runName(lab)).key("ps").beginArray();
  for (rt::P* pp : r->allp) {
    if (only >= 0 && pp->id != only) continue;
    // Head first: the tail read after it is never behind it. Live, more may
    // have been queued and taken in between: show at most a ring's worth.
    uint32_t h = pp->runqhead.load(), t = pp->runqtail.load();
    if (t - h > rt::kRunqSize) t = h + rt::kRunqSize;
    rt::G* next = pp->runnext.load();
    text += "P" + std::to_string(pp->id) + ": runnext=" + (next ? "G" + std::to_string(next->goid) : "-") + " runq=[";
    j.beginObject().field("id", pp->id);
    if (next) j.field("runnext", static_cast<uint64_t>(next->goid));
    else j.key("runnext").null();
    j.key("runq").beginArray();
    for (uint32_t i = h; i != t; i++) {
      rt::G* gp = pp->runq[i % rt::kRunqSize].load();
      if (gp == nullptr) continue;
      text += (i != h ? " G" : "G") + std::to_string(gp->goid);
      j.value(static_cast<uint64_t>(gp->goid));
    }
    text += "]\n";
    j.endArray().endObject();
  }
  j.endArray().key("global").beginArray();
  text += "global runq (" + std::to_string(r->sched.runq.size) + "): [";
  int shown = 0;
  for (rt::G* gp = r->sched.runq.head; gp; gp = gp->schedlink, shown++) {
    j.value(static_cast<uint64_t>(gp->goid));
    if (shown < 64) text += (shown ? " G" : "G") + std::to_string(gp->goid);
  }
  text += shown > 64 ? " ...]" : "]";
  j.endArray();
  // NOT GO: the lab-only priority queue (service --priority queue), when in use.
  if (r->sched.runqHigh.size > 0) {
    text += "\nhigh-priority runq, not Go (" + std::to_string(r->sched.runqHigh.size) + "): [";
    j.key("high").beginArray();
    shown = 0;
    for (rt::G* gp = r->sched.runqHigh.head; gp; gp = gp->schedlink, shown++) {
      j.value(static_cast<uint64_t>(gp->goid));
      if (shown < 64) text += (shown ? " G" : "G") + std::to_string(gp->goid);
    }
    text += shown > 64 ? " ...]" : "]";
    j.endArray();
  }
  j.endObject();
  return Reply{true, text, j.str()};
}

CommandSpec simple(std::string name, Text summary, Handler run) {
  return CommandSpec{.name = std::move(name), .summary = summary, .details = {}, .args = {}, .flags = {}, .run = run};
}

}  // namespace

CommandSpec gsCommand() {
  CommandSpec c = simple("gs", {"the goroutines of the last run: status, wait reason, M", "上次运行的 goroutine：状态、等待原因、M"}, gs);
  c.flags = {FlagSpec{.name = "all",
                      .type = FlagType::Bool,
                      .valueName = "",
                      .defaultValue = "false",
                      .help = {"include dead Gs kept for reuse (gfput)", "包括留待复用的已死亡 G（gfput）"}},
             FlagSpec{.name = "group",
                      .type = FlagType::Bool,
                      .valueName = "",
                      .defaultValue = "false",
                      .help = {"count them by function, state and creator, as pprof's goroutine profile does",
                               "按函数、状态和创建者计数，像 pprof 的 goroutine profile 那样"}}};
  return c;
}

CommandSpec psCommand() {
  return simple("ps", {"the Ps of the last run: status, ticks, M, run queue", "上次运行的 P：状态、tick、M、运行队列"}, ps);
}

CommandSpec msCommand() {
  return simple("ms", {"the Ms (threads) of the last run", "上次运行的 M（线程）"}, ms);
}

CommandSpec runqCommand() {
  CommandSpec c = simple("runq", {"the local run queues (runnext + ring) and the global queue of the last run",
                                  "上次运行的本地运行队列（runnext + 环形队列）和全局队列"},
                         runq);
  c.args = {ArgSpec{.name = "P", .optional = true, .variadic = false, .complete = {}}};
  c.example = "runq";
  return c;
}

}  // namespace lab
