// spans [class]: the session heap's in-use spans, in address order.
//
// For each span: where it starts, how many 8 KB pages it covers, its span
// class (size class << 1 | noscan), how many objects it holds (nelems) and
// how many are allocated (allocCount), the freeindex cursor, and where the
// span sits now: cached by P 0's mcache, or in its mcentral's partial/full
// set — plus its sweepgen relative to mheap.sweepgen (see mem/mspan.hpp).
// The JSON answer also gives each span's arena and page index, which is what
// the web heap map draws, and the heap's page counts under MemStats' names.
#include <charconv>
#include <cstdio>
#include <string_view>

#include "lab/commands/commands.hpp"
#include "lab/heap_session.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "mem/sizeclasses.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

using namespace rt::mem;

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.insert(s.begin(), width - s.size(), ' ');
  return s;
}

Reply run(Lab& lab, const Invocation& inv) {
  int sizeclass = -1;
  if (!inv.args.empty()) {
    const std::string& a = inv.args[0];
    int c = -1;
    auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), c, 10);
    if (a.empty() || ec != std::errc() || end != a.data() + a.size() || c < 0 || c >= NumSizeClasses)
      return Reply::error("spans: class must be a size class 0..67 (0: large objects), not \"" +
                          util::truncateForDisplay(a) + "\"");
    sizeclass = c;
  }
  const int64_t limit = inv.intFlag("limit");

  HeapSession& session = lab.heapSession();
  std::vector<SpanInfo> spans = session.spans(sizeclass);
  const size_t shown = limit == 0 ? spans.size() : std::min(spans.size(), static_cast<size_t>(limit));
  uint64_t pages = 0, objects = 0;
  for (const auto& s : spans) {
    pages += s.npages;
    objects += s.allocCount;
  }

  std::string text = std::to_string(spans.size()) + (spans.size() == 1 ? " span" : " spans") + " in use";
  if (sizeclass >= 0) text += " of size class " + std::to_string(sizeclass);
  text += ": " + std::to_string(pages) + " pages, " + std::to_string(objects) +
          " objects (mheap.sweepgen " + std::to_string(session.sweepgen()) + ")";
  if (!spans.empty()) {
    text += "\n" + std::string("base              ") + "pages" + "  spc" + " class" + " elemsize" + " nelems" +
            " alloc" + " freeindex" + "  where    sweepgen";
    for (size_t i = 0; i < shown; i++) {
      const SpanInfo& s = spans[i];
      std::string base = hexAddress(s.base);
      if (base.size() < 16) base.append(16 - base.size(), ' ');
      std::string where = s.where;
      where.append(where.size() < 8 ? 8 - where.size() : 0, ' ');
      text += "\n" + base + pad(std::to_string(s.npages), 7) + pad(std::to_string(s.spanclass), 5) +
              pad(std::to_string(s.sizeclass), 6) + pad(std::to_string(s.elemsize), 9) +
              pad(std::to_string(s.nelems), 7) + pad(std::to_string(s.allocCount), 6) +
              pad(std::to_string(s.freeindex), 10) + "  " + where + " " + std::to_string(s.sweepgen) + " (" +
              s.sweepState + ")";
    }
    if (shown < spans.size())
      text += "\n... " + std::to_string(spans.size() - shown) + " more (spans --limit 0 lists all)";
  } else {
    text += "\n(allocate with alloc, e.g. alloc 33 x1000)";
  }

  JsonWriter j;
  j.beginObject().field("sweepgen", static_cast<uint64_t>(session.sweepgen()));
  if (sizeclass >= 0) j.field("class", sizeclass);
  else j.key("class").null();
  j.field("total", static_cast<uint64_t>(spans.size())).field("shown", static_cast<uint64_t>(shown));
  j.field("pages", pages).field("objects", objects);
  // Who holds the spans, counted over all of them (not only the --limit
  // shown): the heap map's mcache / mcentral line stays right when it asks
  // for a bounded list.
  uint64_t inMcache = 0, partial = 0, full = 0;
  for (const auto& s : spans) {
    const std::string_view where = s.where;
    if (where == "mcache") inMcache++;
    else if (where == "partial") partial++;
    else if (where == "full") full++;
  }
  j.key("where").beginObject().field("mcache", inMcache).field("partial", partial).field("full", full).endObject();
  j.field("pageSize", static_cast<uint64_t>(PageSize)).field("arenaBytes", static_cast<uint64_t>(heapArenaBytes));
  j.key("arenas").beginArray();
  for (uintptr i = 0; i < session.heap().arenaCount(); i++) {
    const uint64_t base = session.heap().goAddr(session.heap().arenaAt(i)->base);
    j.beginObject().field("seq", static_cast<uint64_t>(i));
    j.field("arena", base >> logHeapArenaBytes);
    j.field("base", hexAddress(base)).endObject();
  }
  j.endArray();
  // HeapInuse, HeapIdle and HeapSys with MemStats' rules (HeapSys = HeapInuse + HeapIdle), read from
  // the heap's running totals (Go: gcController.heapInUse, heapFree, heapReleased) without the mcache
  // flush of ReadMemStats (`mstats`): the heap map reads them after every heap command, and drawing
  // the heap must not turn the learner's next alloc into a refill.
  const auto& st = session.heap().stats;
  const uint64_t inuse = st.heapInUse.load(), idle = st.heapFree.load() + st.heapReleased.load();
  j.key("memstats").beginObject().field("HeapInuse", inuse).field("HeapIdle", idle);
  j.field("HeapSys", inuse + idle).endObject();
  j.key("spans").beginArray();
  for (size_t i = 0; i < shown; i++) {
    const SpanInfo& s = spans[i];
    j.beginObject().field("base", hexAddress(s.base)).field("npages", s.npages);
    j.field("spanClass", static_cast<int>(s.spanclass)).field("sizeClass", s.sizeclass).field("noscan", s.noscan);
    j.field("elemsize", s.elemsize).field("nelems", s.nelems).field("allocCount", s.allocCount);
    j.field("freeindex", s.freeindex).field("sweepgen", static_cast<uint64_t>(s.sweepgen));
    j.field("sweepState", s.sweepState).field("where", s.where).field("needzero", s.needzero);
    j.field("arena", s.arena).field("arenaSeq", s.arenaSeq).field("pageInArena", s.pageInArena);
    j.endObject();
  }
  j.endArray().endObject();
  return Reply{true, text, j.str()};
}

}  // namespace

CommandSpec spansCommand() {
  return CommandSpec{
      .name = "spans",
      .summary = {"the lab heap's spans in use: pages, span class, nelems, allocCount, freeindex, sweepgen",
                  "实验室堆中在用的 span：页数、span class、nelems、allocCount、freeindex、sweepgen"},
      .details = {"Lists the in-use spans of the session heap (the one alloc fills) in address order, optionally "
                  "only those of one size class (0 = large objects). \"where\" tells who holds the span: P 0's mcache "
                  "(it allocates from it), or its mcentral's partial or full set. sweepgen is shown with its meaning "
                  "relative to mheap.sweepgen (swept; cached, swept: h+3 ...). --json adds each span's arena and page "
                  "index, and the heap's HeapInuse, HeapIdle and HeapSys, read without flushing the mcache (unlike "
                  "mstats). At most --limit spans are listed (0: all).",
                  "按地址顺序列出会话堆（alloc 填充的那个）中在用的 span，可只看某个 size class（0 = 大对象）。"
                  "\"where\" 表示谁持有该 span：P 0 的 mcache（正从它分配），或其 mcentral 的 partial / full 集合。"
                  "sweepgen 同时给出相对 mheap.sweepgen 的含义（swept；cached, swept 即 h+3……）。--json 另给出每个 "
                  "span 所在的 arena 和页号，以及堆的 HeapInuse、HeapIdle、HeapSys（读取时不像 mstats 那样 flush "
                  "mcache）。最多列出 --limit 个（0 表示全部）。"},
      .args = {ArgSpec{.name = "class",
                       .optional = true,
                       .variadic = false,
                       .complete = sizeClassNumbers}},
      .flags = {FlagSpec{.name = "limit",
                         .type = FlagType::Int,
                         .valueName = "N",
                         .defaultValue = "100",
                         .help = {"list at most N spans (0: all)", "最多列出 N 个 span（0 表示全部）"},
                         .min = 0,
                         .max = 100000000}},
      .run = run,
      .example = "spans 5",
  };
}

}  // namespace lab
