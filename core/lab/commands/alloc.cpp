// alloc <bytes> [xN] [--noscan]: allocate objects in the lab's session heap
// and show which path of mallocgc served them.
//
// This is Day 4's microscope. The same request takes very different routes
// through the allocator depending on what P 0's mcache holds:
//
//   tiny      noscan and < 16 B: packed into the current 16-byte block
//   fast      nextFreeFast: a free slot in the cached span's allocCache
//   nextFree  the allocCache ran dry: reload 64 bits from allocBits
//   refill    the cached span is full: trade it at the mcentral (a lock)
//   grow      the mcentral has no free slot either: a fresh span from mheap
//   large     > 32 KB: a span of its own, straight from mheap
//
// The counts come from mcache.pathCount (mem/mcache.hpp), so they are the
// allocator's own answer, not a re-derivation. Objects are never freed: the
// session heap keeps everything, bounded at 1 GiB of spans in use.
#include <charconv>
#include <cstdio>

#include "lab/commands/commands.hpp"
#include "lab/heap_session.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

using namespace rt::mem;

constexpr uint64_t kMaxBytes = uint64_t(1) << 30;  // one object of at most 1 GiB

// The paths in the order of the lesson, with the names people read.
struct PathLabel {
  AllocPath path;
  const char* label;
};
constexpr PathLabel kPaths[] = {
    {AllocPath::Tiny, "tiny"},
    {AllocPath::Fast, "mcache fast path"},
    {AllocPath::NextFree, "nextFree"},
    {AllocPath::Refill, "refill from mcentral"},
    {AllocPath::Grow, "mheap grow"},
    {AllocPath::Large, "large"},
};

std::string quoted(std::string_view s) { return "\"" + util::truncateForDisplay(s) + "\""; }

// "33", "4KiB", "1MiB", "2GiB", "100B" -> bytes; the problem in *err otherwise.
std::optional<uint64_t> parseBytes(std::string_view s, std::string* err) {
  if (!s.empty() && s[0] == '-') {
    *err = "alloc: the size must be a positive number of bytes, not " + quoted(s);
    return std::nullopt;
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (s.empty() || end == s.data()) {
    *err = "alloc: " + quoted(s) + " is not a size in bytes (try alloc 33, alloc 4KiB, alloc 100000)";
    return std::nullopt;
  }
  std::string_view unit = s.substr(static_cast<size_t>(end - s.data()));
  uint64_t mul = 1;
  if (unit.empty() || unit == "B") mul = 1;
  else if (unit == "KiB") mul = uint64_t(1) << 10;
  else if (unit == "MiB") mul = uint64_t(1) << 20;
  else if (unit == "GiB") mul = uint64_t(1) << 30;
  else {
    *err = "alloc: " + quoted(s) + " is not a size in bytes (units: B, KiB, MiB, GiB; e.g. alloc 4KiB)";
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range || v > kMaxBytes / mul) {
    *err = "alloc: " + quoted(s) + " is more than 1 GiB, the most one object may take in the lab's session heap";
    return std::nullopt;
  }
  if (ec != std::errc()) {
    *err = "alloc: " + quoted(s) + " is not a size in bytes";
    return std::nullopt;
  }
  v *= mul;
  if (v == 0) {
    *err = "alloc: 0 B needs no memory (Go returns runtime.zerobase for every zero-size allocation); "
           "ask for 1 B or more";
    return std::nullopt;
  }
  return v;
}

// "x1000" -> 1000.
std::optional<uint64_t> parseCount(std::string_view s, std::string* err) {
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == 'x' || digits[0] == 'X')) digits.remove_prefix(1);
  else digits = {};
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, 10);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || v < 1 ||
      static_cast<uint64_t>(v) > HeapSession::kMaxCount) {
    *err = "alloc: the count must look like x1000, from x1 to x10000000, not " + quoted(s);
    int64_t bare = 0;
    auto [bend, bec] = std::from_chars(s.data(), s.data() + s.size(), bare, 10);
    if (!s.empty() && bec == std::errc() && bend == s.data() + s.size() && bare > 0)
      *err += " (did you mean x" + std::string(s) + "?)";
    return std::nullopt;
  }
  return static_cast<uint64_t>(v);
}

const char* kindOf(uint64_t size, bool noscan) {
  if (size > MaxSmallSize) return "large";
  if (noscan && size < maxTinySize) return "tiny";
  return "small";
}

// One sentence on why `path` served the object.
std::string explainPath(AllocPath path, const char* kind, uint64_t npages) {
  std::string s;
  switch (path) {
    case AllocPath::Tiny:
      return "tiny allocator: packed into P 0's current 16-byte tiny block (no new slot, no lock)";
    case AllocPath::Fast:
      s = "mcache fast path: nextFreeFast found a free slot in the cached span's allocCache (no lock)";
      break;
    case AllocPath::NextFree:
      s = "nextFree: the cached span's 64-slot allocCache ran dry and was reloaded from allocBits (no lock)";
      break;
    case AllocPath::Refill:
      s = "refill from mcentral: the mcache had no free slot in this class (its span was full, or mstats had "
          "flushed it), so mcache.refill got a span with free slots from the mcentral (mcentral.cacheSpan, one lock)";
      break;
    case AllocPath::Grow:
      s = "mheap grow: the mcache had no span with a free slot and neither had the mcentral, so mcentral.grow cut a "
          "fresh span out of mheap's pages";
      break;
    case AllocPath::Large:
      return "large: more than 32768 B, so no size class; mcache.allocLarge took a span of " + std::to_string(npages) +
             " pages straight from mheap";
    case AllocPath::Failed:
      return "failed: the OS refused memory";
  }
  if (std::string_view(kind) == "tiny") s = "tiny allocator, new 16-byte block (the current one had no room); " + s;
  return s;
}

Reply run(Lab& lab, const Invocation& inv) {
  // Validate everything before touching the session heap.
  std::string err;
  auto size = parseBytes(inv.args[0], &err);
  if (!size) return Reply::error(err);
  uint64_t count = 1;
  if (inv.args.size() > 1) {
    auto n = parseCount(inv.args[1], &err);
    if (!n) return Reply::error(err);
    count = *n;
  }
  const bool noscan = inv.boolFlag("noscan");
  const bool reset = inv.boolFlag("reset");
  HeapSession& session = lab.heapSession();
  uint64_t inUse = reset ? 0 : session.heapInUse();
  uint64_t need = HeapSession::worstCaseGrowth(*size, count, noscan);
  if (need > HeapSession::kMaxHeapBytes || inUse + need > HeapSession::kMaxHeapBytes)
    return Reply::error("alloc: " + std::to_string(count) + " x " + std::to_string(*size) + " B could need up to " +
                        std::to_string(need) + " B (" + humanBytes(need) +
                        ") of spans and the session heap already uses " + humanBytes(inUse) +
                        ", past its 1 GiB bound (the lab keeps every object; alloc --reset starts a new heap)");

  if (reset) session.reset();
  AllocOutcome out = session.alloc(*size, count, noscan);
  if (!out.error.empty())
    return Reply::error("alloc: the OS refused memory after " + std::to_string(out.done) + " of " +
                        std::to_string(count) + " objects (" + out.error + "); those objects stay in the session heap");

  // What the request maps to.
  const char* kind = kindOf(*size, noscan);
  int sizeclass = 0;
  uint64_t objBytes = 0, npages = 0;
  if (std::string_view(kind) == "large") {
    npages = (*size + PageSize - 1) / PageSize;
    objBytes = npages * PageSize;
  } else {
    sizeclass = std::string_view(kind) == "tiny" ? TinySizeClass : sizeToClass(static_cast<uintptr>(*size));
    objBytes = class_to_size[sizeclass];
    npages = class_to_allocnpages[sizeclass];
  }
  spanClass spc = makeSpanClass(sizeclass, noscan);
  std::string scan = noscan ? "noscan" : "scan";

  std::vector<std::string> notes;
  if (*size == maxTinySize && noscan)
    notes.push_back("16 B is not tiny: the tiny allocator takes noscan objects smaller than 16 B (the course seed's "
                    "\"<= 16 B goes to the tiny allocator\" is wrong)");
  if (*size < maxTinySize && !noscan)
    notes.push_back("not tiny: without --noscan the object may hold pointers, and the tiny allocator only takes "
                    "noscan objects smaller than 16 B (the course seed's \"<= 16 B\" rule misses both conditions)");
  if (*size < maxTinySize && noscan)
    notes.push_back("tiny because it is noscan and smaller than 16 B (not \"<= 16 B\" as the course seed says)");
  if (std::string_view(kind) == "small" && sizeclass == 4)
    notes.push_back("32 B is size class 4, not 5 as the course seed says (class 5 is 48 B)");

  // Text for people.
  std::string text = "alloc ";
  text += count == 1 ? std::to_string(*size) + " B" : std::to_string(count) + " x " + std::to_string(*size) + " B";
  text += " (" + scan + "): ";
  if (std::string_view(kind) == "large") {
    text += "large object, own span of " + std::to_string(npages) + " pages (" + std::to_string(objBytes) +
            " B), size class 0, span class " + std::to_string(spc.v) + " (0 " + scan + ")";
  } else {
    text += std::string(std::string_view(kind) == "tiny" ? "tiny allocator, 16-byte blocks of " : "") + "size class " +
            std::to_string(sizeclass) + " (" + std::to_string(objBytes) + " B/obj, " +
            std::to_string(npages * PageSize / objBytes) + " per " + std::to_string(npages * PageSize) +
            " B span), span class " + std::to_string(spc.v) + " (" + std::to_string(sizeclass) + " " + scan + ")";
  }
  if (count == 1) {
    text += "\npath: " + explainPath(out.objects[0].path, kind, npages);
    text += "\nobject: " + hexAddress(out.objects[0].addr);
  } else {
    text += "\npaths:";
    for (const auto& p : kPaths)
      text += (p.path == AllocPath::Tiny ? " " : ", ") + std::string(p.label) + " " +
              std::to_string(out.pathCount[static_cast<int>(p.path)]);
    if (count <= AllocOutcome::kListedObjects) {
      text += "\nobjects:";
      for (const auto& o : out.objects) text += "\n  " + hexAddress(o.addr) + "  " + allocPathName(o.path);
    } else {
      text += "\nobjects: " + hexAddress(out.firstAddr) + " (first) .. " + hexAddress(out.lastAddr) + " (last)";
    }
    char per[64];
    std::snprintf(per, sizeof per, "%.1f ns", double(out.wallNs) / double(count));
    text += "\ntime: " + std::to_string(out.wallNs / 1000) + " µs, " + per + " per allocation";
  }
  if (out.heapGrows > 0)
    text += "\nmheap.grow: " + std::to_string(out.heapGrows) + (out.heapGrows == 1 ? " call, +" : " calls, +") +
            humanBytes(out.bytesGrown) + " mapped from the OS" +
            (out.arenaAllocs > 0 ? " (" + std::to_string(out.arenaAllocs) + " new arena" +
                                       (out.arenaAllocs == 1 ? ")" : "s)")
                                 : "");
  for (const auto& n : notes) text += "\nnote: " + n;
  text += "\nsession: " + std::to_string(session.objectsAllocated()) +
          (session.objectsAllocated() == 1 ? " object kept alive, " : " objects kept alive, ") +
          humanBytes(session.heapInUse()) + " of spans in use (bound 1 GiB)";

  // The same for programs.
  JsonWriter j;
  j.beginObject().field("size", *size).field("count", count).field("allocated", out.done);
  j.field("noscan", noscan).field("kind", kind).field("sizeClass", sizeclass).field("bytesPerObj", objBytes);
  j.field("pages", npages).field("spanClass", static_cast<int>(spc.v));
  if (count == 1) j.field("path", allocPathName(out.objects[0].path));
  j.key("paths").beginObject();
  for (const auto& p : kPaths) j.field(allocPathName(p.path), out.pathCount[static_cast<int>(p.path)]);
  j.endObject();
  j.key("objects").beginArray();
  for (const auto& o : out.objects)
    j.beginObject().field("address", hexAddress(o.addr)).field("path", allocPathName(o.path)).endObject();
  j.endArray();
  j.field("first", hexAddress(out.firstAddr)).field("last", hexAddress(out.lastAddr));
  j.field("heapGrows", out.heapGrows).field("arenaAllocs", out.arenaAllocs).field("bytesGrown", out.bytesGrown);
  j.field("wallNs", out.wallNs).field("nsPerAlloc", double(out.wallNs) / double(count));
  j.key("notes").beginArray();
  for (const auto& n : notes) j.value(n);
  j.endArray();
  j.key("session").beginObject().field("objects", session.objectsAllocated());
  j.field("heapInuse", session.heapInUse()).field("maxHeapBytes", HeapSession::kMaxHeapBytes).endObject();
  j.endObject();
  return Reply{true, text, j.str()};
}

}  // namespace

CommandSpec allocCommand() {
  return CommandSpec{
      .name = "alloc",
      .summary = {"allocate objects in the lab's heap and show which allocator path served them",
                  "在实验室的堆上分配对象，并显示由分配器的哪条路径完成"},
      .details = {"alloc <bytes> [xN] allocates N objects (default 1, at most x10000000) of that size through P 0's "
                  "mcache, as mallocgc does, and reports the size class, the span class (scan, or noscan with "
                  "--noscan: an object without pointers) and the path of each allocation: tiny (noscan objects "
                  "smaller than 16 B, packed into 16-byte blocks), mcache fast path, nextFree (allocCache reload), "
                  "refill from mcentral, mheap grow (a fresh span), large (> 32768 B, a span of its own). Sizes may "
                  "use B, KiB, MiB, GiB (at most 1 GiB). The lab never frees: every object stays alive, like a "
                  "program that keeps them all, so the session heap is bounded at 1 GiB of spans in use; "
                  "--reset starts a fresh heap first. See the result with mstats and spans.",
                  "alloc <bytes> [xN] 通过 P 0 的 mcache（与 mallocgc 相同）分配 N 个该大小的对象（默认 1 个，最多 "
                  "x10000000），并报告 size class、span class（scan；或加 --noscan 表示不含指针的对象）以及每次分配走的"
                  "路径：tiny（小于 16 B 的 noscan 对象，打包进 16 字节块）、mcache 快速路径、nextFree（重新装载 "
                  "allocCache）、从 mcentral refill、mheap grow（新的 span）、large（大于 32768 B，独占 span）。大小可带 "
                  "B、KiB、MiB、GiB 单位（最大 1 GiB）。实验室从不释放：所有对象一直存活，如同程序保留了它们，因此会话堆"
                  "的在用 span 上限为 1 GiB；--reset 先换一个新堆。用 mstats 和 spans 查看结果。"},
      .args = {ArgSpec{.name = "bytes",
                       .optional = false,
                       .variadic = false,
                       .complete =
                           [](const Lab&) {
                             return std::vector<std::string>{"8", "16", "32", "33", "4KiB", "40000"};
                           }},
               ArgSpec{.name = "xN",
                       .optional = true,
                       .variadic = false,
                       .complete = [](const Lab&) { return std::vector<std::string>{"x10", "x1000", "x1000000"}; }}},
      .flags = {FlagSpec{.name = "noscan",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"the objects hold no pointers (noscan span class; tiny allocator below 16 B)",
                                  "对象不含指针（noscan span class；小于 16 B 走 tiny 分配器）"}},
                FlagSpec{.name = "reset",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"drop the session heap first and start a fresh one", "先丢弃会话堆，换一个新的"}}},
      .run = run,
      .example = "alloc 33 x1000",
  };
}

}  // namespace lab
