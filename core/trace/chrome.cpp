#include "trace/chrome.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace trace {

namespace {

constexpr int kPidPs = 0, kPidStats = 1, kPidMs = 2;

// Gstatus values (sched/gstatus.hpp), kept here so trace/ needs nothing
// from the scheduler.
constexpr uint8_t kIdle = 0, kRunnable = 1, kRunning = 2, kSyscall = 3, kWaiting = 4, kDead = 6;

// ns -> "12.345" (microseconds), exactly, without floating point.
std::string micros(int64_t ns) {
  std::string s = std::to_string(ns / 1000);
  int64_t frac = ns % 1000;
  if (frac < 0) frac = -frac;
  if (frac == 0) return s;
  std::string f = std::to_string(frac);
  f.insert(0, 3 - f.size(), '0');
  while (f.back() == '0') f.pop_back();
  return s + "." + f;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A goroutine's stretch on a P, kept until the end so that steal arrows can
// be attached to both of their ends.
struct Slice {
  int64_t ts = 0, end = -1;
  int p = 0;
  uint64_t g = 0;
  int m = 0;
  GoReason why = GoReason::None;
  uint64_t bindId = 0;  // flow v2: one arrow end per slice
  bool flowOut = false;
};

class Exporter {
 public:
  explicit Exporter(const ChromeTraceInfo& info) : info_(info) {}

  std::string run(const std::vector<Event>& events) {
    for (const Event& e : events) {
      if (e.ts != lastTs_) flushCounts();
      lastTs_ = e.ts;
      endTs_ = std::max(endTs_, e.ts);
      handle(e);
    }
    flushCounts();
    closeOpen();
    heapCounters();
    return finish();
  }

 private:
  void handle(const Event& e) {
    switch (e.type) {
      case EvType::GoCreate:
        names_[e.g] = e.b;
        counts_[kRunnable]++;
        countsChanged_ = true;
        break;
      case EvType::GoStatus: goStatus(e); break;
      case EvType::Steal: steal(e); break;
      case EvType::RunqSizes:
        counter(e.ts, "runq", "{\"P" + std::to_string(e.p) + "\":" + std::to_string(e.a) +
                                  ",\"global\":" + std::to_string(e.b) + "}");
        break;
      case EvType::PreemptRequest:
        instant(e.ts, kPidPs, e.p, "preempt request G" + std::to_string(e.g), "t");
        break;
      case EvType::TimerFire:
        instant(e.ts, kPidPs, e.p, "timer fired for G" + std::to_string(e.g), "t");
        break;
      case EvType::Handoff:
        instant(e.ts, kPidPs, e.p, "handoff P" + std::to_string(e.p), "t");
        break;
      case EvType::Gomaxprocs:
        instant(e.ts, kPidPs, 0, "GOMAXPROCS " + std::to_string(e.b) + " -> " + std::to_string(e.a), "g");
        maxP_ = std::max(maxP_, e.a - 1);
        break;
      case EvType::STWStart:
        stwStart_ = e.ts;
        break;
      case EvType::STWDone:
        // On the track of the M that stopped the world (it runs all along).
        if (stwStart_ >= 0) mSlice(e.m, stwStart_, e.ts, "STW: " + std::string(stwReasonName(e.a)));
        stwStart_ = -1;
        break;
      case EvType::GCPhase:
        instant(e.ts, kPidPs, 0, "GC " + std::to_string(e.b) + " phase " + std::to_string(e.a), "g");
        break;
      case EvType::MStart:
        mSeen(e.m);
        break;
      case EvType::MPark: openM(e, "parked"); break;
      case EvType::MUnpark: closeM(e, "parked"); break;
      case EvType::SpinStart: openM(e, "spinning"); break;
      case EvType::SpinStop: closeM(e, "spinning"); break;
      case EvType::ProcStart:
      case EvType::ProcStop:
        maxP_ = std::max(maxP_, static_cast<int>(e.p));
        break;
    }
  }

  void goStatus(const Event& e) {
    // Creation (Dead -> Runnable) was counted at GoCreate.
    if (!(e.from == kDead && e.to == kRunnable)) {
      if (e.from != kIdle && e.from != kDead) counts_[e.from]--;
      if (e.to != kIdle && e.to != kDead) counts_[e.to]++;
      countsChanged_ = true;
    }
    if (e.to == kRunning) {
      Slice s;
      s.ts = e.ts;
      s.p = e.p;
      s.g = e.g;
      s.m = e.m;
      auto pending = pendingFlowIn_.find(e.p);
      if (pending != pendingFlowIn_.end()) {
        s.bindId = pending->second;
        pendingFlowIn_.erase(pending);
      }
      running_[e.g] = slices_.size();
      current_[e.p] = slices_.size();
      slices_.push_back(s);
      maxP_ = std::max(maxP_, static_cast<int>(e.p));
    } else if (e.from == kRunning) {
      auto it = running_.find(e.g);
      if (it != running_.end()) {
        Slice& s = slices_[it->second];
        s.end = e.ts;
        s.why = static_cast<GoReason>(e.b);
        running_.erase(it);
      }
    }
    if (e.to == kSyscall) syscalls_[e.g] = {e.ts, e.m};
    if (e.from == kSyscall) {
      auto it = syscalls_.find(e.g);
      if (it != syscalls_.end()) {
        mSlice(it->second.second, it->second.first, e.ts, "syscall G" + std::to_string(e.g));
        syscalls_.erase(it);
      }
    }
  }

  // An arrow from the slice running on the victim at the steal (or the
  // last one before it) to the thief's next slice.
  void steal(const Event& e) {
    auto it = current_.find(e.p2);
    if (it == current_.end()) return;
    Slice& src = slices_[it->second];
    if (src.bindId != 0) return;  // one arrow end per slice (flow v2)
    src.bindId = ++nextFlow_;
    src.flowOut = true;
    if (auto old = pendingFlowIn_.find(e.p); old != pendingFlowIn_.end()) dropFlow(old->second);
    pendingFlowIn_[e.p] = nextFlow_;
    flowSource_[nextFlow_] = it->second;
  }

  void openM(const Event& e, const char* what) {
    mSeen(e.m);
    mOpen_[{e.m, what}] = e.ts;
  }
  void closeM(const Event& e, const char* what) {
    auto it = mOpen_.find({e.m, what});
    if (it == mOpen_.end()) return;
    mSlice(e.m, it->second, e.ts, what);
    mOpen_.erase(it);
  }
  void mSeen(int m) { maxM_ = std::max(maxM_, m); }

  void mSlice(int m, int64_t ts, int64_t end, const std::string& name) {
    mSeen(m);
    out_ += ",\n{\"ph\":\"X\",\"pid\":" + std::to_string(kPidMs) + ",\"tid\":" + std::to_string(m) +
            ",\"ts\":" + micros(ts) + ",\"dur\":" + micros(end - ts) + ",\"name\":" + quoted(name) +
            ",\"cat\":\"m\"}";
  }

  void instant(int64_t ts, int pid, int tid, const std::string& name, const char* scope) {
    out_ += ",\n{\"ph\":\"i\",\"s\":\"" + std::string(scope) + "\",\"pid\":" + std::to_string(pid) +
            ",\"tid\":" + std::to_string(tid) + ",\"ts\":" + micros(ts) + ",\"name\":" + quoted(name) +
            ",\"cat\":\"sched\"}";
  }

  void counter(int64_t ts, const char* name, const std::string& args) {
    out_ += ",\n{\"ph\":\"C\",\"pid\":" + std::to_string(kPidStats) + ",\"ts\":" + micros(ts) +
            ",\"name\":\"" + name + "\",\"args\":" + args + "}";
  }

  // Goroutines by state, once per distinct timestamp that changed them.
  void flushCounts() {
    if (!countsChanged_) return;
    countsChanged_ = false;
    counter(lastTs_, "Goroutines",
            "{\"running\":" + std::to_string(counts_[kRunning]) + ",\"runnable\":" +
                std::to_string(counts_[kRunnable]) + ",\"waiting\":" + std::to_string(counts_[kWaiting]) +
                ",\"syscall\":" + std::to_string(counts_[kSyscall]) + "}");
  }

  // Go: cmd/trace emitHeapCounters — the "Heap" counter, once per change:
  // Allocated is heapLive, NextGC the goal (0: none). Go 1.19's cmd/trace
  // gives NextGC as what is left up to the goal, for its viewer, which
  // stacks a counter's series; Perfetto draws each on its own track, so the
  // lab gives the goal itself, as MemStats.NextGC does. Appended after the
  // events: the viewer orders by time, and the series is in time order.
  void heapCounters() {
    const HeapSample* last = nullptr;
    for (const HeapSample& h : info_.heap) {
      if (last && h.heapLive == last->heapLive && h.goal == last->goal) continue;
      last = &h;
      counter(h.ts, "Heap",
              "{\"Allocated\":" + std::to_string(h.heapLive) + ",\"NextGC\":" + std::to_string(h.goal) + "}");
    }
  }

  // An arrow whose thief never ran another slice has no end: remove it.
  void dropFlow(uint64_t id) {
    Slice& src = slices_[flowSource_[id]];
    src.bindId = 0;
    src.flowOut = false;
  }

  // Whatever is still open when the trace ends ends there.
  void closeOpen() {
    for (auto& [p, id] : pendingFlowIn_) dropFlow(id);
    pendingFlowIn_.clear();
    for (auto& s : slices_)
      if (s.end < 0) s.end = endTs_;
    std::vector<std::pair<uint64_t, std::pair<int64_t, int>>> sys(syscalls_.begin(), syscalls_.end());
    std::sort(sys.begin(), sys.end());
    for (auto& [g, start] : sys) mSlice(start.second, start.first, endTs_, "syscall G" + std::to_string(g));
    for (auto& [key, ts] : mOpen_) mSlice(key.first, ts, endTs_, key.second);
  }

  std::string sliceName(const Slice& s) const {
    std::string name = "G" + std::to_string(s.g);
    auto it = names_.find(s.g);
    if (it != names_.end() && it->second >= 0 && it->second < static_cast<int32_t>(info_.names.size()) &&
        !info_.names[it->second].empty())
      name += " " + info_.names[it->second];
    return name;
  }

  std::string finish() {
    std::string head = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"scenario\":" + quoted(info_.scenario) +
                       ",\"engine\":" + quoted(info_.engine) + ",\"procs\":" + std::to_string(info_.procs) +
                       ",\"seed\":" + std::to_string(info_.seed) +
                       ",\"truncated\":" + (info_.truncated ? "true" : "false") + "},\n\"traceEvents\":[\n";
    std::string meta;
    auto process = [&](int pid, const char* name, int sort) {
      meta += "{\"ph\":\"M\",\"pid\":" + std::to_string(pid) + ",\"name\":\"process_name\",\"args\":{\"name\":\"" +
              name + "\"}},\n{\"ph\":\"M\",\"pid\":" + std::to_string(pid) +
              ",\"name\":\"process_sort_index\",\"args\":{\"sort_index\":" + std::to_string(sort) + "}},\n";
    };
    process(kPidPs, "Ps", 0);
    process(kPidStats, "Runtime stats", 1);
    process(kPidMs, "Ms", 2);
    for (int p = 0; p <= maxP_; p++)
      meta += "{\"ph\":\"M\",\"pid\":0,\"tid\":" + std::to_string(p) +
              ",\"name\":\"thread_name\",\"args\":{\"name\":\"P" + std::to_string(p) + "\"}},\n";
    for (int m = 0; m <= maxM_; m++)
      meta += "{\"ph\":\"M\",\"pid\":2,\"tid\":" + std::to_string(m) +
              ",\"name\":\"thread_name\",\"args\":{\"name\":\"M" + std::to_string(m) + "\"}},\n";

    std::string slices;
    for (const Slice& s : slices_) {
      slices += ",\n{\"ph\":\"X\",\"pid\":0,\"tid\":" + std::to_string(s.p) + ",\"ts\":" + micros(s.ts) +
                ",\"dur\":" + micros(s.end - s.ts) + ",\"name\":" + quoted(sliceName(s)) +
                ",\"cat\":\"sched\",\"args\":{\"g\":" + std::to_string(s.g) + ",\"m\":" + std::to_string(s.m);
      if (s.why != GoReason::None) slices += ",\"end\":" + quoted(std::string(goReasonName(s.why)));
      slices += "}";
      if (s.bindId != 0)
        slices += ",\"bind_id\":\"0x" + hex(s.bindId) + "\"," + (s.flowOut ? "\"flow_out\":true" : "\"flow_in\":true");
      slices += "}";
    }
    // The first event has no leading comma: the metadata list ends with one
    // and every later event begins with one, so drop the last of the meta.
    meta.resize(meta.size() - 2);
    return head + meta + slices + out_ + "\n]}\n";
  }

  static std::string hex(uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    do {
      s.insert(s.begin(), digits[v & 0xf]);
      v >>= 4;
    } while (v);
    return s;
  }

  const ChromeTraceInfo& info_;
  std::string out_;  // instants, counters and M slices, in event order
  std::vector<Slice> slices_;
  std::unordered_map<uint64_t, size_t> running_;  // goid -> its open slice
  std::unordered_map<int, size_t> current_;       // P -> its latest slice
  std::unordered_map<int, uint64_t> pendingFlowIn_;  // thief P -> arrow id for its next slice
  std::unordered_map<uint64_t, size_t> flowSource_;  // arrow id -> the victim's slice
  std::unordered_map<uint64_t, int32_t> names_;   // goid -> name index
  std::unordered_map<uint64_t, std::pair<int64_t, int>> syscalls_;  // goid -> (start, M)
  std::map<std::pair<int, std::string>, int64_t> mOpen_;  // (M, what) -> start
  int64_t counts_[10] = {};
  bool countsChanged_ = false;
  int64_t lastTs_ = 0, endTs_ = 0;
  int64_t stwStart_ = -1;  // the stop-the-world in progress, if any
  uint64_t nextFlow_ = 0;
  int maxP_ = -1, maxM_ = -1;
};

}  // namespace

std::string chromeTraceJson(const std::vector<Event>& events, const ChromeTraceInfo& info) {
  return Exporter(info).run(events);
}

}  // namespace trace
