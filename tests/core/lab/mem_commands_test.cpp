// The memory commands (sizeclass, alloc, mstats, spans) and the allocstress
// scenario: Go's table exactly, the path mallocgc took, MemStats that obey
// Go's consistency rules, and the shell's contract for bad input (one error
// line, nothing changed).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "lab/heap_session.hpp"
#include "lab/lab.hpp"
#include "platform/real/real_platform.hpp"
#include "support/go_sizeclasses.hpp"
#include "support/json_value.hpp"

namespace lab {
namespace {

using testjson::Value;

HostInfo testHost() {
  HostInfo h = nativeHostInfo();
  h.ncpu = 2;
  return h;
}

// Runs a line that must succeed and returns its JSON answer, parsed.
Value okJson(Lab& lab, const std::string& line) {
  Reply r = lab.exec(line + " --json");
  EXPECT_TRUE(r.ok) << line << ": " << r.text;
  EXPECT_EQ(r.text, r.json) << line;
  auto v = testjson::parse(r.json);
  EXPECT_TRUE(v.has_value()) << "bad JSON for " << line << ": " << r.json;
  return v.value_or(Value{});
}

uint64_t num(const Value& v) { return static_cast<uint64_t>(v.number); }

// How the heap gets memory on this build (mem/os_mem.hpp).
std::string osMechanism() {
#if defined(__EMSCRIPTEN__)
  return "sbrk";
#else
  return "mmap";
#endif
}

// ------------------------------------------------------------------ sizeclass

std::string twoDecimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// The acceptance check: `rtlab sizeclass --all --json` is Go's table.
TEST(SizeclassCommand, AllJsonEqualsGoTable) {
  Lab lab(testHost());
  Value j = okJson(lab, "sizeclass --all");
  std::vector<std::vector<std::string>> rows = testdata::goSizeClassRows();
  ASSERT_EQ(rows.size(), 67u);
  ASSERT_EQ(j["classes"].array.size(), rows.size());
  EXPECT_EQ(num(j["numSizeClasses"]), 68u);
  for (size_t i = 0; i < rows.size(); i++) {
    const Value& c = j["classes"].array[i];
    const auto& t = rows[i];
    SCOPED_TRACE("class " + t[0]);
    EXPECT_EQ(std::to_string(num(c["class"])), t[0]);
    EXPECT_EQ(std::to_string(num(c["bytesPerObj"])), t[1]);
    EXPECT_EQ(std::to_string(num(c["bytesPerSpan"])), t[2]);
    EXPECT_EQ(std::to_string(num(c["objects"])), t[3]);
    EXPECT_EQ(std::to_string(num(c["tailWaste"])), t[4]);
    EXPECT_EQ(twoDecimals(c["maxWastePct"].number), t[5]);
    EXPECT_EQ(std::to_string(num(c["minAlign"])), t[6]);
  }
  // The raw text of the JSON carries Go's two decimals too.
  EXPECT_NE(lab.exec("sizeclass --all --json").json.find("\"maxWastePct\":87.50"), std::string::npos);
}

// `sizeclass --all` prints the header comment of Go's sizeclasses.go.
TEST(SizeclassCommand, AllTextIsGosHeaderComment) {
  std::string table = testdata::goSizeClassComment();
  ASSERT_FALSE(table.empty());
  Lab lab(testHost());
  Reply r = lab.exec("sizeclass --all");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.text, table);
}

TEST(SizeclassCommand, OneClassAndSizeLookup) {
  Lab lab(testHost());
  Value c5 = okJson(lab, "sizeclass 5");
  EXPECT_EQ(num(c5["bytesPerObj"]), 48u);
  EXPECT_EQ(num(c5["objects"]), 170u);
  EXPECT_EQ(num(c5["scanSpanClass"]), 10u);
  EXPECT_EQ(num(c5["noscanSpanClass"]), 11u);
  EXPECT_NE(lab.exec("sizeclass 4").text.find("course seed"), std::string::npos);

  Value s33 = okJson(lab, "sizeclass --size 33");
  EXPECT_EQ(num(s33["class"]), 5u);
  EXPECT_EQ(s33["table"].str, "size_to_class8");
  Value s1017 = okJson(lab, "sizeclass --size 1017");
  EXPECT_EQ(num(s1017["class"]), 32u);
  EXPECT_EQ(s1017["table"].str, "size_to_class128");
  Value s32768 = okJson(lab, "sizeclass --size 32768");
  EXPECT_EQ(num(s32768["class"]), 67u);
  EXPECT_TRUE(okJson(lab, "sizeclass --size 8")["tinyIfNoscan"].b);
  EXPECT_FALSE(okJson(lab, "sizeclass --size 16")["tinyIfNoscan"].b);

  Reply large = lab.exec("sizeclass --size 32769");
  EXPECT_FALSE(large.ok);
  EXPECT_NE(large.text.find("large object"), std::string::npos) << large.text;
  EXPECT_NE(large.text.find("own span"), std::string::npos) << large.text;

  Reply overview = lab.exec("sizeclass");
  EXPECT_TRUE(overview.ok);
  EXPECT_NE(overview.text.find("sizeclass --all"), std::string::npos);
  EXPECT_EQ(okJson(lab, "sizeclass")["classes"].array.size(), 8u);
}

// ---------------------------------------------------------------------- alloc

TEST(AllocCommand, Alloc33IsClass5Of48Bytes) {
  Lab lab(testHost());
  Reply r = lab.exec("alloc 33");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_NE(r.text.find("size class 5 (48 B"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("span class 10"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("object: 0x"), std::string::npos) << r.text;
  Value j = okJson(lab, "alloc 33");
  EXPECT_EQ(num(j["sizeClass"]), 5u);
  EXPECT_EQ(num(j["bytesPerObj"]), 48u);
  EXPECT_EQ(j["kind"].str, "small");
  EXPECT_EQ(j["objects"].array.size(), 1u);
  EXPECT_EQ(j["objects"].array[0]["address"].str.rfind("0x", 0), 0u);
}

TEST(AllocCommand, SmallNoscanObjectsGoToTheTinyAllocator) {
  Lab lab(testHost());
  Value first = okJson(lab, "alloc 8 --noscan");
  EXPECT_EQ(first["kind"].str, "tiny");
  EXPECT_EQ(num(first["sizeClass"]), 2u);
  EXPECT_EQ(num(first["spanClass"]), 5u);  // tinySpanClass
  EXPECT_EQ(first["path"].str, "grow");    // the first block needs a span
  Value second = okJson(lab, "alloc 8 --noscan");
  EXPECT_EQ(second["path"].str, "tiny");  // packed into the same 16-byte block
  EXPECT_EQ(num(second["paths"]["tiny"]), 1u);
  Reply text = lab.exec("alloc 4 --noscan");
  EXPECT_NE(text.text.find("path: tiny allocator"), std::string::npos) << text.text;
  EXPECT_NE(text.text.find("course seed"), std::string::npos) << text.text;

  // The seed's "<= 16 B goes to tiny" is wrong twice: not 16 B, and not scan objects.
  Value sixteen = okJson(lab, "alloc 16 --noscan");
  EXPECT_EQ(sixteen["kind"].str, "small");
  EXPECT_NE(sixteen["path"].str, "tiny");
  ASSERT_EQ(sixteen["notes"].array.size(), 1u);
  EXPECT_NE(sixteen["notes"].array[0].str.find("smaller than 16 B"), std::string::npos);
  Value scan = okJson(lab, "alloc 8");
  EXPECT_EQ(scan["kind"].str, "small");
  EXPECT_EQ(num(scan["sizeClass"]), 1u);
  EXPECT_EQ(num(scan["paths"]["tiny"]), 0u);
}

TEST(AllocCommand, PathsOfASequence) {
  Lab lab(testHost());
  // An empty mcache and an empty mcentral: a fresh span from mheap.
  EXPECT_EQ(okJson(lab, "alloc 32")["path"].str, "grow");
  // Now the cached span has free slots: nextFreeFast.
  EXPECT_EQ(okJson(lab, "alloc 32")["path"].str, "fast");
  // Slots 2..255 of the first span (slots 63, 127, 191 reload allocCache),
  // then a fresh span for the 257th object, then 45 fast ones.
  Value j = okJson(lab, "alloc 32 x300");
  EXPECT_EQ(num(j["paths"]["fast"]), 296u);
  EXPECT_EQ(num(j["paths"]["nextFree"]), 3u);
  EXPECT_EQ(num(j["paths"]["grow"]), 1u);
  EXPECT_EQ(num(j["paths"]["refill"]), 0u);
  EXPECT_EQ(num(j["paths"]["tiny"]) + num(j["paths"]["large"]), 0u);
  EXPECT_EQ(j["objects"].array.size(), AllocOutcome::kListedObjects);
  Reply text = lab.exec("alloc 32 x10");
  EXPECT_NE(text.text.find("paths: tiny 0, mcache fast path 10, nextFree 0, refill from mcentral 0, "
                           "mheap grow 0, large 0"),
            std::string::npos)
      << text.text;
  // mstats flushes the mcache (as Go's ReadMemStats does): the span goes back
  // to its mcentral's partial set and the next alloc refills from there.
  ASSERT_TRUE(lab.exec("mstats").ok);
  EXPECT_EQ(okJson(lab, "alloc 32")["path"].str, "refill");
  EXPECT_EQ(okJson(lab, "alloc 32")["path"].str, "fast");
}

TEST(AllocCommand, LargeObjectsGetTheirOwnSpan) {
  Lab lab(testHost());
  Value j = okJson(lab, "alloc 40000");
  EXPECT_EQ(j["kind"].str, "large");
  EXPECT_EQ(j["path"].str, "large");
  EXPECT_EQ(num(j["sizeClass"]), 0u);
  EXPECT_EQ(num(j["pages"]), 5u);
  EXPECT_EQ(num(j["spanClass"]), 0u);
  EXPECT_EQ(num(okJson(lab, "alloc 33KiB --noscan")["spanClass"]), 1u);
  Value spans = okJson(lab, "spans 0");
  ASSERT_EQ(spans["spans"].array.size(), 2u);
  EXPECT_EQ(num(spans["spans"].array[0]["npages"]), 5u);
  EXPECT_EQ(num(spans["spans"].array[0]["nelems"]), 1u);
  EXPECT_EQ(num(spans["spans"].array[0]["allocCount"]), 1u);
  EXPECT_EQ(num(spans["spans"].array[1]["npages"]), 5u);  // 33 KiB = 4.125 pages -> 5
}

TEST(AllocCommand, TheSessionHeapIsBoundedAt1GiB) {
  Lab lab(testHost());
  Reply r = lab.exec("alloc 1048576 x1025");  // 1 GiB + 1 MiB of large objects
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("1 GiB"), std::string::npos) << r.text;
  ASSERT_TRUE(lab.exec("alloc 8").ok);
  r = lab.exec("alloc 1GiB");  // alone it would fit; with the 8 B object's span it does not
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("past its 1 GiB bound"), std::string::npos) << r.text;
  EXPECT_EQ(HeapSession::worstCaseGrowth(32, 256, false), 8192u);
  EXPECT_EQ(HeapSession::worstCaseGrowth(32, 257, false), 16384u);
  EXPECT_EQ(HeapSession::worstCaseGrowth(1, 512, true), 8192u);  // tiny: at most one block each
  EXPECT_EQ(HeapSession::worstCaseGrowth(40000, 2, false), 2u * 5 * 8192);
}

TEST(AllocCommand, ResetStartsAFreshHeap) {
  Lab lab(testHost());
  ASSERT_TRUE(lab.exec("alloc 33 x10").ok);
  Value j = okJson(lab, "alloc 33 --reset");
  EXPECT_EQ(j["path"].str, "grow");
  EXPECT_EQ(num(j["session"]["objects"]), 1u);
  EXPECT_EQ(num(okJson(lab, "mstats")["Mallocs"]), 1u);
}

// ---------------------------------------------------------------------- mstats

// Go: runtime/malloc_test.go TestMemStats, on the JSON answer.
void checkMemStatsRules(const Value& m) {
  EXPECT_EQ(num(m["Sys"]), num(m["HeapSys"]) + num(m["StackSys"]) + num(m["MSpanSys"]) + num(m["MCacheSys"]) +
                               num(m["BuckHashSys"]) + num(m["GCSys"]) + num(m["OtherSys"]))
      << "Sys must be the sum of its parts";
  EXPECT_EQ(num(m["HeapIdle"]) + num(m["HeapInuse"]), num(m["HeapSys"]));
  EXPECT_EQ(num(m["Alloc"]), num(m["HeapAlloc"]));
  EXPECT_EQ(num(m["HeapObjects"]), num(m["Mallocs"]) - num(m["Frees"]));
  EXPECT_LE(num(m["HeapReleased"]), num(m["HeapIdle"]));
  EXPECT_LE(num(m["HeapAlloc"]), num(m["HeapInuse"]));
  EXPECT_LE(num(m["HeapAlloc"]), num(m["TotalAlloc"]));
  EXPECT_LE(num(m["MSpanInuse"]), num(m["MSpanSys"]));
  EXPECT_LE(num(m["MCacheInuse"]), num(m["MCacheSys"]));
  EXPECT_LE(num(m["NumForcedGC"]), num(m["NumGC"]));
  EXPECT_EQ(num(m["HeapInuse"]) % 8192, 0u);
}

TEST(MstatsCommand, ConsistentAfterAMix) {
  Lab lab(testHost());
  checkMemStatsRules(okJson(lab, "mstats"));  // an empty heap too
  for (const char* line : {"alloc 33 x10", "alloc 40000", "alloc 8 x4 --noscan", "alloc 1 --noscan", "alloc 2KiB x7",
                           "alloc 32 x1000 --noscan", "alloc 100000 x3"})
    ASSERT_TRUE(lab.exec(line).ok) << line;
  Value m = okJson(lab, "mstats");
  checkMemStatsRules(m);
  // Every request is one malloc (tiny requests packed into a block count as
  // a malloc and a free, as in Go).
  EXPECT_EQ(num(m["Mallocs"]), 10u + 1 + 4 + 1 + 7 + 1000 + 3);
  // Object bytes at class size: 10x48, 40960, the tiny blocks, 7x2048, 1000x32, 3x13 pages.
  // Tiny blocks: Mallocs - Frees counts each block once, whatever it packs.
  uint64_t tinyBlocks = num(m["Mallocs"]) - num(m["Frees"]) - (10 + 1 + 7 + 1000 + 3);
  EXPECT_EQ(tinyBlocks, 3u);  // 8+8 | 8+8 | 1 (the full second block had no room for it)
  EXPECT_EQ(num(m["HeapAlloc"]), 10u * 48 + 40960 + tinyBlocks * 16 + 7 * 2048 + 1000 * 32 + 3 * 13 * 8192);
  EXPECT_EQ(num(m["NumGC"]), 0u);
  EXPECT_EQ(m["BySize"].array.size(), 61u);
  EXPECT_EQ(num(m["BySize"].array[5]["Size"]), 48u);
  EXPECT_EQ(num(m["BySize"].array[5]["Mallocs"]), 10u);
  EXPECT_EQ(m["os"]["mechanism"].str, osMechanism());
  EXPECT_GE(num(m["heap"]["grows"]), 1u);
  Reply text = lab.exec("mstats");
  EXPECT_NE(text.text.find("HeapInuse"), std::string::npos);
  EXPECT_NE(text.text.find("mheap.grow"), std::string::npos);
}

// ----------------------------------------------------------------------- spans

TEST(SpansCommand, ShowsTheSpansAllocsFilled) {
  Lab lab(testHost());
  Value empty = okJson(lab, "spans");
  EXPECT_EQ(num(empty["total"]), 0u);
  ASSERT_TRUE(lab.exec("alloc 48 x171").ok);  // 170 per span: two spans of class 5
  ASSERT_TRUE(lab.exec("alloc 32 x3 --noscan").ok);
  Value j = okJson(lab, "spans 5");
  ASSERT_EQ(num(j["total"]), 2u);
  ASSERT_EQ(j["spans"].array.size(), 2u);
  const Value& full = j["spans"].array[0];
  const Value& cached = j["spans"].array[1];
  EXPECT_EQ(num(full["spanClass"]), 10u);
  EXPECT_FALSE(full["noscan"].b);
  EXPECT_EQ(num(full["nelems"]), 170u);
  EXPECT_EQ(num(full["allocCount"]), 170u);
  EXPECT_EQ(num(full["freeindex"]), 170u);
  EXPECT_EQ(full["where"].str, "full");
  EXPECT_EQ(full["sweepState"].str, "swept");
  EXPECT_EQ(num(cached["allocCount"]), 1u);
  EXPECT_EQ(num(cached["freeindex"]), 1u);
  EXPECT_EQ(cached["where"].str, "mcache");
  EXPECT_EQ(cached["sweepState"].str, "cached, swept");
  EXPECT_EQ(num(cached["sweepgen"]), num(j["sweepgen"]) + 3);
  // Arena and page indices for the heap view: spans are consecutive pages.
  ASSERT_GE(j["arenas"].array.size(), 1u);
  EXPECT_EQ(num(full["arena"]), num(j["arenas"].array[num(full["arenaSeq"])]["arena"]));
  EXPECT_EQ(num(cached["pageInArena"]), num(full["pageInArena"]) + 1);

  Value all = okJson(lab, "spans");
  EXPECT_EQ(num(all["total"]), 3u);
  EXPECT_EQ(num(all["objects"]), 174u);
  EXPECT_EQ(num(all["spans"].array[2]["spanClass"]), 9u);  // class 4 noscan
  EXPECT_EQ(num(okJson(lab, "spans 7")["total"]), 0u);
  Value limited = okJson(lab, "spans --limit 1");
  EXPECT_EQ(num(limited["total"]), 3u);
  EXPECT_EQ(limited["spans"].array.size(), 1u);
  EXPECT_NE(lab.exec("spans --limit 1").text.find("2 more"), std::string::npos);
  // After mstats (a flush) nothing is cached any more.
  ASSERT_TRUE(lab.exec("mstats").ok);
  Value flushed = okJson(lab, "spans");  // keep it alive: the loop walks inside it
  for (const Value& s : flushed["spans"].array) EXPECT_NE(s["where"].str, "mcache");
}

TEST(SpansCommand, GivesTheHeapsPageCountsWithoutAFlush) {
  // The page's heap map reads `spans --json` after every heap command: unlike
  // mstats, it must leave P 0's mcache as it was, so the learner's next alloc
  // still takes the fast path.
  Lab lab(testHost());
  ASSERT_TRUE(lab.exec("alloc 33 x100").ok);
  ASSERT_TRUE(lab.exec("alloc 40000").ok);
  Value j = okJson(lab, "spans --limit 0");
  Value heap = j["memstats"];
  EXPECT_EQ(okJson(lab, "alloc 33")["path"].str, "fast");
  // The same numbers as ReadMemStats (which flushes), under the same rules.
  Value m = okJson(lab, "mstats");
  EXPECT_EQ(num(heap["HeapInuse"]), num(m["HeapInuse"]));
  EXPECT_EQ(num(heap["HeapIdle"]), num(m["HeapIdle"]));
  EXPECT_EQ(num(heap["HeapSys"]), num(m["HeapSys"]));
  EXPECT_EQ(num(heap["HeapInuse"]), (1 + 5) * 8192u);  // one class-5 span, one 5-page large span
  EXPECT_EQ(num(heap["HeapSys"]), num(heap["HeapInuse"]) + num(heap["HeapIdle"]));
}

// ----------------------------------------------------------------- bad input

TEST(MemCommands, BadInputIsOneErrorLineAndChangesNothing) {
  Lab lab(testHost());
  ASSERT_TRUE(lab.exec("alloc 33 x100").ok);
  ASSERT_TRUE(lab.exec("alloc 8 --noscan").ok);
  const std::string before = lab.exec("mstats --json").json;  // flushes once
  const std::string spansBefore = lab.exec("spans --json").json;
  ASSERT_EQ(lab.exec("mstats --json").json, before);
  for (const char* line : {
           "alloc", "alloc 0", "alloc -5", "alloc 1073741825", "alloc 2GiB", "alloc 1GiBx", "alloc 12MB", "alloc abc",
           "alloc 0x10", "alloc 33 x0", "alloc 33 xabc", "alloc 33 1000", "alloc 33 x10000001", "alloc 33 x-1",
           "alloc 33 x", "alloc 33 x1 extra", "alloc 33 --noscan=maybe", "alloc 1GiB", "alloc 1048576 x1025",
           "alloc 99999999999999999999999", "alloc 33 x0 --reset", "alloc 2GiB --reset", "alloc 33 --bogus",
           "sizeclass 68", "sizeclass -1", "sizeclass x", "sizeclass 5 --all", "sizeclass 5 --size 8",
           "sizeclass --size 32769", "sizeclass --size -1", "sizeclass --size", "sizeclass 1 2", "spans 68",
           "spans abc", "spans --limit -1", "spans 1 2", "mstats extra", "alloc \"\"", "alloc 33 \"\""}) {
    Reply r = lab.exec(line);
    EXPECT_FALSE(r.ok) << line;
    EXPECT_EQ(r.text.rfind("error: ", 0), 0u) << line << ": " << r.text;
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << line << ": " << r.text;
    auto j = testjson::parse(r.json);
    ASSERT_TRUE(j.has_value()) << line;
    EXPECT_FALSE((*j)["ok"].b);
    EXPECT_EQ(lab.exec("spans --json").json, spansBefore) << "changed by: " << line;
    EXPECT_EQ(lab.exec("mstats --json").json, before) << "changed by: " << line;
  }
}

TEST(MemCommands, EveryAnswerIsJson) {
  Lab lab(testHost());
  for (const char* line : {"sizeclass", "sizeclass 0", "sizeclass 67", "sizeclass --size 0", "sizeclass --size 1",
                           "alloc 1", "alloc 1 --noscan", "alloc 15 x16 --noscan", "alloc 32768", "alloc 32769",
                           "alloc 4KiB x17", "alloc 24 x100000", "mstats", "spans", "spans 0", "spans 3 --limit 0",
                           "help alloc", "help sizeclass", "help mstats", "help spans"}) {
    Value j = okJson(lab, line);
    EXPECT_EQ(j.kind, Value::Kind::Object) << line;
  }
}

// ------------------------------------------------------------- allocstress

TEST(AllocstressScenario, CountsEveryPath) {
  if (!rt::RealPlatform::threadsAvailable()) GTEST_SKIP() << "run needs threads";
  Lab lab(testHost());
  Value j = okJson(lab, "run allocstress --size 100000");
  ASSERT_EQ(j["status"].str, "ok");
  EXPECT_EQ(num(j["result"]), 100000u);
  EXPECT_TRUE(j["passed"].b);
  const Value& m = j["metrics"];
  EXPECT_EQ(num(m["fast"]) + num(m["nextFree"]) + num(m["grow"]) + num(m["refill"]), 100000u);
  // 256 objects of 32 B per span: one fresh span per 256, and 3 allocCache
  // reloads per full span; nothing is freed, so nothing is ever refilled.
  EXPECT_EQ(num(m["grow"]), (100000u + 255) / 256);
  EXPECT_EQ(num(m["nextFree"]), 3 * (100000u / 256) + (100000 % 256) / 64);
  EXPECT_EQ(num(m["refill"]), 0u);
  EXPECT_EQ(num(m["tiny"]) + num(m["large"]), 0u);
  EXPECT_TRUE(m.has("nsPerAlloc"));
  EXPECT_EQ(num(m["heaps"]), 1u);
}

// The simulator runs the allocator's code but gives it no virtual time:
// the same paths are counted, and no time per allocation is claimed.
TEST(AllocstressScenario, OnTheSimulatorCountsThePathsAndClaimsNoTime) {
  Lab lab(testHost());
  Value j = okJson(lab, "run allocstress --size 100000 --engine sim");
  EXPECT_TRUE(j["passed"].b);
  const Value& m = j["metrics"];
  EXPECT_EQ(num(m["grow"]), (100000u + 255) / 256);
  EXPECT_EQ(num(m["fast"]) + num(m["nextFree"]) + num(m["grow"]) + num(m["refill"]), 100000u);
  EXPECT_FALSE(m.has("nsPerAlloc")) << "a simulator run measured no allocation time";
  const Reply text = lab.exec("run allocstress --size 100000 --engine sim");
  EXPECT_NE(text.text.find("the simulator counts the paths but does not time them"), std::string::npos) << text.text;
  EXPECT_EQ(text.text.find("ns per allocation"), std::string::npos) << text.text;
}

}  // namespace
}  // namespace lab
