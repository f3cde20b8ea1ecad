#include "lab/gc_report.hpp"

#include <algorithm>

#include "util/duration.hpp"

namespace lab {

using rt::gc::CycleStats;
using rt::gc::kNumMarkedBy;
using rt::gc::MarkedBy;

namespace {

std::string markerName(rt::gc::Marker m) { return m == rt::gc::Marker::STW ? "stop-the-world" : "concurrent"; }

// "roots 12% workers 70% ..." — who marked the cycle's bytes.
std::string coverage(const CycleStats& cs) {
  uint64_t total = 0;
  for (int i = 0; i < kNumMarkedBy; i++) total += cs.markedBytes[i];
  if (total == 0) return "nothing marked";
  std::string s;
  for (int i = 0; i < kNumMarkedBy; i++) {
    if (cs.markedBytes[i] == 0) continue;
    if (!s.empty()) s += " ";
    s += std::string(rt::gc::markedByName(MarkedBy(i))) + " " + std::to_string(cs.markedBytes[i] * 100 / total) + "%";
  }
  return s;
}

}  // namespace

std::string gcSummaryText(rt::gc::Collector& c) {
  std::lock_guard<std::mutex> g(c.statsLock);
  const auto& h = c.history;
  // Totals over every cycle, not over the (trimmed) history.
  const uint64_t lost = c.lostTotal;
  const int64_t maxPause = c.longestPauseNs;
  std::string s = "GC: " + std::to_string(c.numGC.load()) + " cycles (" + std::to_string(c.numForcedGC) + " forced), " +
                  markerName(c.cfg.marker) + " marker, " + rt::gc::barrierName(c.cfg.barrier) + " barrier";
  if (!h.empty()) {
    s += "; pauses " + util::formatDuration(int64_t(c.pauseTotalNs)) + " in all, longest " +
         util::formatDuration(maxPause) + "; last cycle marked by " + coverage(h.back());
  }
  // Go's runtime/metrics /gc/limiter/last-enabled:gc-cycle.
  if (const uint32_t on = c.limiter.lastEnabledCycle(); on > 0)
    s += "\nGC CPU limiter: last on in cycle " + std::to_string(on) + " (assists stopped while GC time was over half the CPU)";
  if (c.cfg.verifyEachCycle || c.cfg.barrier == rt::gc::BarrierKind::None)
    s += "\nverifier: " + (lost == 0 ? std::string("every cycle checked, nothing lost")
                                     : std::to_string(lost) + " reachable object" + (lost == 1 ? "" : "s") +
                                           " left white (kept alive by the verifier)");
  for (const std::string& r : c.lossReports) s += "\n" + r.substr(0, r.size() - (r.back() == '\n'));
  return s;
}

std::string gcCycleTable(rt::gc::Collector& c, size_t lastN) {
  std::lock_guard<std::mutex> g(c.statsLock);
  const auto& h = c.history;
  std::string s;
  for (size_t i = h.size() > lastN ? h.size() - lastN : 0; i < h.size(); i++) {
    s += h[i].gctrace + "\n      marked by " + coverage(h[i]);
    if (h[i].rescannedStacks) s += "; stacks re-scanned: " + std::to_string(h[i].rescannedStacks) + " in " +
                                   util::formatDuration(h[i].rescanNs);
    if (h[i].assistParks) s += "; assists parked: " + std::to_string(h[i].assistParks);
    if (h[i].lost) s += "; LOST " + std::to_string(h[i].lost);
    s += "\n";
  }
  return s;
}

void gcJson(JsonWriter& j, rt::gc::Collector& c) {
  std::lock_guard<std::mutex> g(c.statsLock);
  j.key("gc").beginObject();
  j.field("numGC", uint64_t(c.numGC.load())).field("numForcedGC", uint64_t(c.numForcedGC));
  j.field("marker", markerName(c.cfg.marker)).field("barrier", rt::gc::barrierName(c.cfg.barrier));
  j.field("pauseTotalNs", c.pauseTotalNs);
  j.field("lostObjects", c.lostTotal);
  j.field("limiterLastEnabledCycle", uint64_t(c.limiter.lastEnabledCycle()));
  j.key("cycles").beginArray();
  const auto& h = c.history;
  for (size_t i = h.size() > 64 ? h.size() - 64 : 0; i < h.size(); i++) {
    const CycleStats& cs = h[i];
    j.beginObject().field("numgc", uint64_t(cs.numgc)).field("forced", cs.forced);
    j.field("heap0", cs.heap0).field("heap1", cs.heap1).field("heap2", cs.heap2).field("goal", cs.goal);
    j.field("sweepTermNs", cs.pauseSweepTermNs).field("markNs", cs.tMarkTerm - cs.tMark);
    j.field("markTermNs", cs.pauseMarkTermNs).field("rescanNs", cs.rescanNs).field("lost", cs.lost);
    j.field("assistParks", cs.assistParks);
    j.key("markedBytes").beginObject();
    for (int k = 0; k < kNumMarkedBy; k++) j.field(rt::gc::markedByName(MarkedBy(k)), cs.markedBytes[k]);
    j.endObject();
    j.field("gctrace", cs.gctrace).endObject();
  }
  j.endArray().endObject();
}

}  // namespace lab
