// metrics: the runtime metrics the last run sampled over time (MetricsLog),
// as a table for people, as JSON for the page's charts (one array per
// column, as chart libraries take them), or as CSV for a spreadsheet or a
// notebook. A paused or live run shows the samples taken so far.
#include <algorithm>

#include "lab/commands/commands.hpp"
#include "lab/heap_session.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/metrics_log.hpp"
#include "lab/run_session.hpp"
#include "util/duration.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

// The table shows at most this many rows unless --all is given.
constexpr size_t kTableRows = 30;

const std::vector<Metric> kDefaultColumns = {Metric::T,          Metric::Goroutines,  Metric::HeapInuse,
                                             Metric::HeapGoal,   Metric::GcCycles,    Metric::GcPauseP99,
                                             Metric::SchedLatP99, Metric::Requests,   Metric::Timeouts,
                                             Metric::ReqP99,     Metric::TimerLateP99};

std::vector<std::string> columnNames() {
  std::vector<std::string> names;
  for (const MetricColumn& c : metricColumns()) names.emplace_back(c.name);
  return names;
}

std::string cell(Metric m, int64_t v) {
  if (v < 0) return "-";
  switch (metricColumns()[size_t(m)].unit) {
    case MetricUnit::Ns: return util::formatDurationShort(v);
    case MetricUnit::Bytes: return humanBytes(uint64_t(v));
    case MetricUnit::Count: return std::to_string(v);
  }
  return "?";
}

const char* unitSuffix(MetricUnit u) {
  switch (u) {
    case MetricUnit::Ns: return "_ns";
    case MetricUnit::Bytes: return "_bytes";
    case MetricUnit::Count: return "";
  }
  return "";
}

std::string csv(const std::vector<MetricsRow>& rows) {
  std::string out;
  for (size_t k = 0; k < kNumMetrics; k++)
    out += std::string(k ? "," : "") + std::string(metricColumns()[k].name) + unitSuffix(metricColumns()[k].unit);
  out += "\n";
  for (const MetricsRow& r : rows) {
    for (size_t k = 0; k < kNumMetrics; k++) {
      if (k) out += ",";
      if (r[k] >= 0) out += std::to_string(r[k]);  // empty: nothing measured in that window
    }
    out += "\n";
  }
  return out;
}

std::string json(const std::string& run, const MetricsLog& log, const std::vector<MetricsRow>& rows) {
  JsonWriter j;
  j.beginObject().field("run", run).field("periodNs", log.period()).field("stride", log.stride());
  j.key("columns").beginArray();
  for (const MetricColumn& c : metricColumns()) {
    const char* unit = c.unit == MetricUnit::Ns ? "ns" : c.unit == MetricUnit::Bytes ? "bytes" : "count";
    j.beginObject().field("name", c.name).field("unit", unit).endObject();
  }
  j.endArray().key("data").beginArray();
  for (size_t k = 0; k < kNumMetrics; k++) {
    j.beginArray();
    for (const MetricsRow& r : rows) r[k] < 0 ? j.null() : j.value(r[k]);
    j.endArray();
  }
  return j.endArray().endObject().str();
}

std::string table(const std::vector<MetricsRow>& rows, const std::vector<Metric>& columns, bool all,
                  Language lang) {
  // Which rows: all of them, or about kTableRows evenly spaced, the last included.
  std::vector<size_t> shown;
  const size_t step = all || rows.size() <= kTableRows ? 1 : (rows.size() + kTableRows - 1) / kTableRows;
  for (size_t i = 0; i < rows.size(); i += step) shown.push_back(i);
  if (!rows.empty() && shown.back() != rows.size() - 1) shown.push_back(rows.size() - 1);

  std::vector<std::vector<std::string>> cells(1);
  for (Metric m : columns) cells[0].emplace_back(metricColumns()[size_t(m)].title.in(lang));
  for (size_t i : shown) {
    cells.emplace_back();
    for (Metric m : columns) cells.back().push_back(cell(m, rows[i][size_t(m)]));
  }
  std::vector<size_t> width(columns.size(), 0);
  for (const auto& line : cells)
    for (size_t c = 0; c < line.size(); c++) width[c] = std::max(width[c], util::displayWidth(line[c]));
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (size_t c = 0; c < line.size(); c++) {
      // Numbers line up on the right, as in a spreadsheet.
      text += std::string(c ? 2 : 0, ' ') + std::string(width[c] - util::displayWidth(line[c]), ' ') + line[c];
    }
    out += text + "\n";
  }
  if (step > 1)
    out += lang == Language::Zh ? "（每 " + std::to_string(step) + " 个样本显示一行；--all 显示全部，--csv 或 --json 给出每一列）\n"
                                : "(one sample in " + std::to_string(step) + " shown; --all shows all, --csv or --json "
                                  "every column)\n";
  return out;
}

Reply metricsCmd(Lab& lab, const Invocation& inv) {
  RunSession* s = lab.session();
  if (!s) return Reply::error("metrics: no run yet: `run service` samples the runtime's metrics over time");
  const std::string run = s->setup().scenario->name;
  const MetricsLog& log = s->metricsLog();
  if (!s->setup().scenario->samplesMetrics)
    return Reply::error("metrics: `run " + run +
                        "` sampled no metrics; the service scenario does (e.g. `run service --engine sim`)");
  if (inv.boolFlag("csv") && inv.json) return Reply::error("metrics: give --csv or --json, not both");
  std::vector<Metric> columns;
  for (const std::string& name : inv.args) {
    const auto names = columnNames();
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string msg = "metrics: no column \"" + util::truncateForDisplay(name) + "\"";
      if (auto guess = util::suggest(name, names); !guess.empty()) msg += "; did you mean \"" + guess + "\"?";
      msg += " (columns: ";
      for (size_t i = 0; i < names.size(); i++) msg += (i ? ", " : "") + names[i];
      return Reply::error(msg + ")");
    }
    columns.push_back(Metric(it - names.begin()));
  }
  if (columns.empty()) columns = kDefaultColumns;
  if (columns.front() != Metric::T) columns.insert(columns.begin(), Metric::T);

  const std::vector<MetricsRow> rows = s->metricsLog().rows();
  const std::string data = json(run, log, rows);
  if (inv.boolFlag("csv")) return Reply{true, csv(rows), data};
  const Language lang = lab.language();
  if (rows.empty()) {
    // A run that has just started: its sampler has not run yet.
    return Reply{true,
                 lang == Language::Zh ? "`run " + run + "` 还没有样本（于 " + s->position() + "）"
                                      : "`run " + run + "` has no samples yet (at " + s->position() + ")",
                 data};
  }
  const std::string every = util::formatDurationShort(log.period() * int64_t(log.stride()));
  std::string head = lang == Language::Zh ? "`run " + run + "` 的运行时指标：" + std::to_string(rows.size()) +
                                                " 个样本，每 " + every + " 一个，于 " + s->position() + "\n"
                                          : "runtime metrics of `run " + run + "`: " + std::to_string(rows.size()) +
                                                " samples, one every " + every + ", at " + s->position() + "\n";
  return Reply{true, head + table(rows, columns, inv.boolFlag("all"), lang), data};
}

}  // namespace

CommandSpec metricsCommand() {
  return CommandSpec{
      .name = "metrics",
      .summary = {"the runtime metrics the last run sampled over time (service)", "上一次运行随时间采样的运行时指标（service）"},
      .details = {"One row per sample: goroutines, heap in use, marked live by the last cycle, the pacer's heap "
                  "live and goal, GC cycles so far; and over the window since the previous sample: stop-the-world "
                  "pauses and their p99, scheduling latency (runnable to running, Go's /sched/latencies), requests "
                  "completed, timeouts, request latency quantiles, timer lateness. Quantiles are upper bounds of "
                  "Go's histogram buckets (at most 6.25% high); - means nothing to measure in that window. Name "
                  "columns to choose them (metrics goroutines heapInuse reqP99); --csv and --json give every column.",
                  "每个样本一行：goroutine 数、使用中的堆、上一轮标记的存活堆、调步器的 heap live 与目标、至今的 GC "
                  "轮数；以及自上一个样本以来窗口内的：STW 暂停次数及其 p99、调度延迟（可运行到运行，即 Go 的 "
                  "/sched/latencies）、完成的请求、超时、请求延迟分位数、定时器迟到。分位数取 Go 直方图桶的上界"
                  "（最多偏高 6.25%）；- 表示该窗口内没有可测的。给出列名可选择列（metrics goroutines heapInuse "
                  "reqP99）；--csv 和 --json 给出全部列。"},
      .args = {ArgSpec{.name = "column",
                       .optional = true,
                       .variadic = true,
                       .complete = [](const Lab&) { return columnNames(); }}},
      .flags = {FlagSpec{.name = "csv",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"every sample and column as CSV", "以 CSV 给出每个样本的每一列"}},
                FlagSpec{.name = "all",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"every sample in the table, not about 30", "表格中显示每个样本，而不是约 30 个"}}},
      .run = metricsCmd,
      .example = "metrics goroutines heapInuse reqP99",
  };
}

}  // namespace lab
