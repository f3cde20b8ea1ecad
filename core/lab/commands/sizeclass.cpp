// sizeclass [N] [--all] [--size BYTES]: Go's size-class table, one class,
// or which class a request size maps to.
//
// The numbers come from the lab's compile-time port of mksizeclasses.go
// (mem/sizeclasses.hpp); the derived columns (objects, tail waste, max
// waste, min align) are computed exactly as mksizeclasses.go printComment
// does, so `sizeclass --all` prints the header comment of Go's
// sizeclasses.go byte for byte.
#include <bit>
#include <charconv>
#include <cstdio>

#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "mem/sizeclass_lookup.hpp"
#include "mem/sizeclasses.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

using namespace rt::mem;

// One line of Go's table. Go: runtime/mksizeclasses.go printComment
struct ClassRow {
  int cls = 0;
  uint64_t size = 0, spanSize = 0, npages = 0, objects = 0, tailWaste = 0, minAlign = 0;
  double maxWaste = 0;  // percent
};

ClassRow classRow(int c) {
  ClassRow r;
  r.cls = c;
  if (c <= 0 || c >= NumSizeClasses) return r;
  r.size = class_to_size[c];
  r.npages = class_to_allocnpages[c];
  r.spanSize = r.npages * PageSize;
  r.objects = r.spanSize / r.size;
  r.tailWaste = r.spanSize - r.size * r.objects;
  uint64_t prevSize = class_to_size[c - 1];
  r.maxWaste = 100 * double((r.size - prevSize - 1) * r.objects + r.tailWaste) / double(r.spanSize);
  unsigned alignBits = static_cast<unsigned>(std::countr_zero(r.size));
  if (alignBits > PageShift) alignBits = PageShift;  // object alignment is capped at the page size
  r.minAlign = uint64_t(1) << alignBits;
  return r;
}

std::string percent2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Go: the Fprintf formats of printComment.
std::string headerLine() {
  char buf[128];
  std::snprintf(buf, sizeof buf, "// %-5s  %-9s  %-10s  %-7s  %-10s  %-9s  %-9s", "class", "bytes/obj", "bytes/span",
                "objects", "tail waste", "max waste", "min align");
  return buf;
}

std::string rowLine(const ClassRow& r) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "// %5d  %9llu  %10llu  %7llu  %10llu  %8.2f%%  %9llu", r.cls,
                static_cast<unsigned long long>(r.size), static_cast<unsigned long long>(r.spanSize),
                static_cast<unsigned long long>(r.objects), static_cast<unsigned long long>(r.tailWaste), r.maxWaste,
                static_cast<unsigned long long>(r.minAlign));
  return buf;
}

void rowJson(JsonWriter& j, const ClassRow& r) {
  j.beginObject().field("class", r.cls).field("bytesPerObj", r.size).field("bytesPerSpan", r.spanSize);
  j.field("objects", r.objects).field("tailWaste", r.tailWaste);
  j.key("maxWastePct").raw(percent2(r.maxWaste));  // two decimals, as in Go's table
  j.field("minAlign", r.minAlign).field("pages", r.npages);
  j.field("scanSpanClass", static_cast<int>(makeSpanClass(r.cls, false).v));
  j.field("noscanSpanClass", static_cast<int>(makeSpanClass(r.cls, true).v));
  j.endObject();
}

void constantsJson(JsonWriter& j) {
  j.field("numSizeClasses", NumSizeClasses).field("numSpanClasses", numSpanClasses);
  j.field("pageSize", static_cast<uint64_t>(PageSize)).field("maxSmallSize", static_cast<uint64_t>(MaxSmallSize));
  j.field("tinySize", static_cast<uint64_t>(maxTinySize));
}

Reply allClasses() {
  std::string text = headerLine();
  JsonWriter j;
  j.beginObject();
  constantsJson(j);
  j.key("classes").beginArray();
  for (int c = 1; c < NumSizeClasses; c++) {
    ClassRow r = classRow(c);
    text += "\n" + rowLine(r);
    rowJson(j, r);
  }
  j.endArray().endObject();
  return Reply{true, text, j.str()};
}

Reply overview() {
  std::string text =
      "Go rounds every small allocation (up to 32768 B) up to one of 67 size classes; class 0 stands for large "
      "objects, which get a span of their own (68 entries in all, not 67). Each class has a span size chosen so "
      "that at most 1/8 of the span is tail waste, and two span classes: scan (may hold pointers) and noscan.\n" +
      headerLine();
  const int shown = 8;
  for (int c = 1; c <= shown; c++) text += "\n" + rowLine(classRow(c));
  text += "\n// ...\n(first " + std::to_string(shown) +
          " of 67; `sizeclass --all` prints Go's whole table, `sizeclass 5` one class, "
          "`sizeclass --size 33` the class a size maps to)";
  JsonWriter j;
  j.beginObject();
  constantsJson(j);
  j.key("classes").beginArray();
  for (int c = 1; c <= shown; c++) rowJson(j, classRow(c));
  j.endArray().field("shown", shown).field("total", NumSizeClasses - 1).endObject();
  return Reply{true, text, j.str()};
}

Reply oneClass(int c) {
  JsonWriter j;
  if (c == 0) {
    std::string text =
        "class 0 is not a real size class: it stands for large objects (> 32768 B), each in a span of its own "
        "taken straight from mheap (mcache.allocLarge); span classes 0 (scan) and 1 (noscan)";
    j.beginObject().field("class", 0).field("large", true).field("scanSpanClass", 0).field("noscanSpanClass", 1);
    j.endObject();
    return Reply{true, text, j.str()};
  }
  ClassRow r = classRow(c);
  std::string text = headerLine() + "\n" + rowLine(r) + "\nsize class " + std::to_string(c) + ": " +
                     std::to_string(r.size) + " B objects, " + std::to_string(r.objects) + " per " +
                     std::to_string(r.npages) + "-page (" + std::to_string(r.spanSize) + " B) span, " +
                     std::to_string(r.tailWaste) + " B tail waste; span classes " +
                     std::to_string(makeSpanClass(c, false).v) + " (scan) and " +
                     std::to_string(makeSpanClass(c, true).v) + " (noscan)";
  if (c == 4) text += "\nnote: the course seed says class 5 is 32 B; in Go 32 B is class 4 and class 5 is 48 B";
  if (c == TinySizeClass)
    text += "\nnote: the tiny allocator packs noscan objects smaller than 16 B into 16-byte blocks of this class";
  rowJson(j, r);  // the same row object as in `sizeclass --all --json`
  return Reply{true, text, j.str()};
}

Reply sizeToClassReply(uint64_t size) {
  JsonWriter j;
  if (size == 0) {
    std::string text =
        "0 B: no size class and no memory; every zero-size allocation returns the same address (runtime.zerobase)";
    j.beginObject().field("size", size).field("class", 0).field("zerobase", true).endObject();
    return Reply{true, text, j.str()};
  }
  int c = sizeToClass(static_cast<uintptr>(size));
  std::string table;
  uint64_t index = 0;
  if (size <= SmallSizeMax - 8) {
    table = "size_to_class8";
    index = divRoundUp(size, SmallSizeDiv);
  } else {
    table = "size_to_class128";
    index = divRoundUp(size - SmallSizeMax, LargeSizeDiv);
  }
  ClassRow r = classRow(c);
  uint64_t waste = r.size - size;
  std::string text = std::to_string(size) + " B -> size class " + std::to_string(c) + " (" + std::to_string(r.size) +
                     " B/obj): " + table + "[" + std::to_string(index) + "] = " + std::to_string(c) + "; " +
                     std::to_string(waste) + " B of each object is rounding waste (" +
                     percent2(100.0 * double(waste) / double(r.size)) + "%)";
  bool tiny = size < maxTinySize;
  if (tiny)
    text += "\nif the object holds no pointers (noscan), mallocgc does not use this class: the tiny allocator packs "
            "it into a 16-byte block (class 2) together with other tiny objects";
  if (size == maxTinySize)
    text += "\nnote: 16 B is never tiny; the tiny allocator takes noscan objects smaller than 16 B (the course seed "
            "says \"<= 16 B\")";
  if (c == 4) text += "\nnote: 32 B is class 4, not class 5 as the course seed says (class 5 is 48 B)";
  j.beginObject().field("size", size).field("class", c).field("bytesPerObj", r.size);
  j.field("table", table).field("index", index).field("roundingWaste", waste).field("tinyIfNoscan", tiny);
  j.field("scanSpanClass", static_cast<int>(makeSpanClass(c, false).v));
  j.field("noscanSpanClass", static_cast<int>(makeSpanClass(c, true).v));
  j.endObject();
  return Reply{true, text, j.str()};
}

Reply run(Lab&, const Invocation& inv) {
  const bool all = inv.boolFlag("all");
  const bool bySize = inv.flagGiven("size");
  const bool byClass = !inv.args.empty();
  if (int(all) + int(bySize) + int(byClass) > 1)
    return Reply::error("sizeclass: give one of N, --all or --size BYTES, not several");
  if (all) return allClasses();
  if (bySize) {
    int64_t size = inv.intFlag("size");
    if (static_cast<uint64_t>(size) > MaxSmallSize) {
      uint64_t pages = (static_cast<uint64_t>(size) + PageSize - 1) / PageSize;
      return Reply::error("sizeclass: " + std::to_string(size) +
                          " B is a large object (> 32768 B): no size class, it gets its own span of " +
                          std::to_string(pages) + " pages from mheap (class 0)");
    }
    return sizeToClassReply(static_cast<uint64_t>(size));
  }
  if (byClass) {
    const std::string& a = inv.args[0];
    int c = -1;
    auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), c, 10);
    if (a.empty() || ec != std::errc() || end != a.data() + a.size() || c < 0 || c >= NumSizeClasses)
      return Reply::error("sizeclass: N must be a size class 0..67, not \"" + util::truncateForDisplay(a) +
                          "\" (sizeclass --size BYTES finds the class of a size)");
    return oneClass(c);
  }
  return overview();
}

}  // namespace

std::vector<std::string> sizeClassNumbers(const Lab&) {
  std::vector<std::string> v;
  for (int c = 0; c < NumSizeClasses; c++) v.push_back(std::to_string(c));
  return v;
}

CommandSpec sizeclassCommand() {
  return CommandSpec{
      .name = "sizeclass",
      .summary = {"Go's size classes: the table, one class, or the class of a size",
                  "Go 的 size class：整张表、某一个 class，或某个大小对应的 class"},
      .details = {"Without arguments: a short explanation and the first rows. N (0..67) shows one class; --all "
                  "prints Go's whole table in the format of the header comment of runtime/sizeclasses.go (class, "
                  "bytes/obj, bytes/span, objects, tail waste, max waste, min align); --size BYTES shows which class "
                  "mallocgc rounds a request to (size_to_class8 up to 1016 B, size_to_class128 above). Sizes over "
                  "32768 B are large objects with a span of their own. The course seed is wrong twice here: Go has "
                  "68 entries (class 0 is for large objects) and 32 B is class 4, not 5.",
                  "不带参数：简短说明和前几行。N（0..67）显示一个 class；--all 按 runtime/sizeclasses.go "
                  "文件头注释的格式打印 Go 的整张表（class、bytes/obj、bytes/span、objects、tail waste、max waste、"
                  "min align）；--size BYTES 显示 mallocgc 把该大小向上取整到哪个 class（1016 B 以内查 "
                  "size_to_class8，以上查 size_to_class128）。超过 32768 B 的是大对象，独占一个 span。"
                  "课程原文这里有两处错误：Go 有 68 项（class 0 表示大对象），32 B 是 class 4 而不是 5。"},
      .args = {ArgSpec{.name = "N",
                       .optional = true,
                       .variadic = false,
                       .complete = sizeClassNumbers}},
      .flags = {FlagSpec{.name = "all",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"print all 67 classes (Go's table)", "打印全部 67 个 class（Go 的表）"}},
                FlagSpec{.name = "size",
                         .type = FlagType::Int,
                         .valueName = "BYTES",
                         .defaultValue = "",
                         .help = {"which size class a request of BYTES maps to", "BYTES 大小的请求落在哪个 size class"},
                         .min = 0,
                         .max = INT64_MAX}},
      .run = run,
      .example = "sizeclass --size 33",
  };
}

}  // namespace lab
