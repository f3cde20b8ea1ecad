// mstats: runtime.MemStats of the lab's session heap, with Go's field names,
// plus how often the heap went to the OS for memory.
//
// Read it with Go's rules in mind (runtime/mstats.go):
//   HeapSys = HeapInuse + HeapIdle      HeapIdle includes HeapReleased
//   Sys     = HeapSys + StackSys + MSpanSys + MCacheSys + BuckHashSys + GCSys + OtherSys
//   HeapObjects = Mallocs - Frees       (tiny objects count as both: their
//                                        16-byte block is the real object)
// Like runtime.ReadMemStats, reading flushes the mcache first (its spans go
// back to their mcentrals), so the next alloc of each class starts with a
// refill. There is no GC yet: NumGC and the pause fields stay 0, and Frees
// counts only tiny allocations (Go's accounting, see mem/memstats.hpp).
#include "lab/commands/commands.hpp"
#include "lab/heap_session.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "mem/os_mem.hpp"

namespace lab {

namespace {

using rt::mem::MemStats;

struct Field {
  const char* name;
  uint64_t MemStats::*member;
  bool bytes;  // shown with a KiB/MiB figure too
  const char* meaning;
};

// Go's order and names (runtime/mstats.go MemStats).
const Field kFields[] = {
    {"Alloc", &MemStats::Alloc, true, "bytes of allocated heap objects"},
    {"TotalAlloc", &MemStats::TotalAlloc, true, "cumulative bytes allocated"},
    {"Sys", &MemStats::Sys, true, "total bytes obtained from the OS"},
    {"Lookups", &MemStats::Lookups, false, "pointer lookups (always 0)"},
    {"Mallocs", &MemStats::Mallocs, false, "cumulative objects allocated"},
    {"Frees", &MemStats::Frees, false, "objects freed (Go counts tiny allocations here too)"},
    {"HeapAlloc", &MemStats::HeapAlloc, true, "= Alloc"},
    {"HeapSys", &MemStats::HeapSys, true, "heap memory from the OS = HeapInuse + HeapIdle"},
    {"HeapIdle", &MemStats::HeapIdle, true, "bytes in idle spans"},
    {"HeapInuse", &MemStats::HeapInuse, true, "bytes in in-use spans"},
    {"HeapReleased", &MemStats::HeapReleased, true, "idle bytes not backed by touched memory"},
    {"HeapObjects", &MemStats::HeapObjects, false, "= Mallocs - Frees"},
    {"StackInuse", &MemStats::StackInuse, true, "no goroutine stacks in this heap"},
    {"StackSys", &MemStats::StackSys, true, ""},
    {"MSpanInuse", &MemStats::MSpanInuse, true, "mspan structures in use"},
    {"MSpanSys", &MemStats::MSpanSys, true, "memory for mspan structures"},
    {"MCacheInuse", &MemStats::MCacheInuse, true, "mcache structures in use"},
    {"MCacheSys", &MemStats::MCacheSys, true, "memory for mcache structures"},
    {"BuckHashSys", &MemStats::BuckHashSys, true, "profiling buckets (none)"},
    {"GCSys", &MemStats::GCSys, true, "GC and arena metadata"},
    {"OtherSys", &MemStats::OtherSys, true, "other runtime metadata"},
    {"NextGC", &MemStats::NextGC, true, "no GC yet"},
    {"LastGC", &MemStats::LastGC, false, ""},
    {"PauseTotalNs", &MemStats::PauseTotalNs, false, ""},
};

std::string pad(std::string s, size_t width, bool left = true) {
  if (s.size() < width) s.insert(left ? s.end() : s.begin(), width - s.size(), ' ');
  return s;
}

}  // namespace

CommandSpec mstatsCommand() {
  return CommandSpec{
      .name = "mstats",
      .summary = {"runtime.MemStats of the lab's heap, and its requests to the OS",
                  "实验室堆的 runtime.MemStats，以及向操作系统申请内存的次数"},
      .details = {"Reads the session heap (the one alloc fills) with Go's ReadMemStats: the same field names and "
                  "meanings (HeapSys = HeapInuse + HeapIdle; Sys is the sum of HeapSys, StackSys, MSpanSys, "
                  "MCacheSys, BuckHashSys, GCSys and OtherSys). Like Go, reading flushes P 0's mcache, so the next "
                  "alloc of each size class refills from its mcentral. The OS section counts reserve/map calls "
                  "(process-wide: every heap shares the OS) and this heap's mheap.grow calls. No GC yet: NumGC stays "
                  "0 and Frees counts only tiny allocations (Go counts them as both allocated and freed: their "
                  "16-byte block is the real object).",
                  "用 Go 的 ReadMemStats 读取会话堆（alloc 填充的那个）：字段名和含义与 Go 相同（HeapSys = HeapInuse + "
                  "HeapIdle；Sys 是 HeapSys、StackSys、MSpanSys、MCacheSys、BuckHashSys、GCSys、OtherSys 之和）。与 Go "
                  "一样，读取时会先刷新 P 0 的 mcache，所以之后每个 size class 的下一次 alloc 会从 mcentral refill。OS "
                  "部分统计 reserve/map 调用次数（进程级：所有堆共用操作系统）以及本堆的 mheap.grow 次数。还没有 GC："
                  "NumGC 保持为 0，Frees 只计入 tiny 分配（Go 把它们同时算作分配和释放：真正的对象是那个 16 字节块）。"},
      .args = {},
      .flags = {},
      .run = [](Lab& lab, const Invocation&) -> Reply {
        HeapSession& session = lab.heapSession();
        MemStats m = session.readMemStats();
        rt::mem::OSMemStats os = rt::mem::osMemStats();
        rt::mem::mheap::growStats g = session.heap().growth();

        std::string text;
        for (const auto& f : kFields) {
          uint64_t v = m.*f.member;
          std::string line = pad(f.name, 13) + pad(std::to_string(v), 12, false);
          if (f.bytes && v >= 1024) line += "  (" + humanBytes(v) + ")";
          if (f.meaning[0] != '\0') line = pad(line, 38) + "  " + f.meaning;
          text += line + "\n";
        }
        text += pad("NumGC", 13) + pad(std::to_string(m.NumGC), 12, false) + "\n";
        text += "os (" + std::string(os.mechanism) + ", process-wide): " + std::to_string(os.reserveCalls) +
                " reserves (" + humanBytes(os.bytesReserved) + "), " + std::to_string(os.mapCalls) + " maps (" +
                humanBytes(os.bytesMapped) + "), " + std::to_string(os.allocCalls) + " metadata allocs, " +
                std::to_string(os.freeCalls) + " frees, " + std::to_string(os.osCalls) + " system calls\n";
        text += "this heap: " + std::to_string(g.grows) + " mheap.grow calls, " + std::to_string(g.arenaAllocs) +
                " arena reservations, " + humanBytes(g.bytesGrown) + " mapped; " +
                std::to_string(session.objectsAllocated()) + " objects allocated by alloc (never freed)";

        JsonWriter j;
        j.beginObject();
        for (const auto& f : kFields) j.field(f.name, m.*f.member);
        j.field("NumGC", static_cast<uint64_t>(m.NumGC)).field("NumForcedGC", static_cast<uint64_t>(m.NumForcedGC));
        j.field("GCCPUFraction", m.GCCPUFraction).field("EnableGC", m.EnableGC).field("DebugGC", m.DebugGC);
        j.key("BySize").beginArray();
        for (const auto& b : m.BySize) {
          j.beginObject().field("Size", static_cast<uint64_t>(b.Size)).field("Mallocs", b.Mallocs);
          j.field("Frees", b.Frees).endObject();
        }
        j.endArray();
        j.key("os").beginObject().field("mechanism", os.mechanism).field("reserveCalls", os.reserveCalls);
        j.field("mapCalls", os.mapCalls).field("allocCalls", os.allocCalls).field("freeCalls", os.freeCalls);
        j.field("osCalls", os.osCalls).field("bytesReserved", os.bytesReserved).field("bytesMapped", os.bytesMapped);
        j.field("bytesReused", os.bytesReused).endObject();
        j.key("heap").beginObject().field("grows", g.grows).field("arenaAllocs", g.arenaAllocs);
        j.field("bytesGrown", g.bytesGrown).field("objectsAllocated", session.objectsAllocated()).endObject();
        j.endObject();
        return Reply{true, text, j.str()};
      },
      .example = "mstats",
  };
}

}  // namespace lab
