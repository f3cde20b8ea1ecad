// churn: several goroutines replace entries of a shared table with fresh
// objects, so the live heap stays the same size while garbage pours out.
//
// Each entry holds its slot number; at the end every entry is checked. With
// GOMAXPROCS > 1 on the real engine the replacements race with the mark
// workers on other threads: this is the scenario that exercises write
// barriers, assists and sweeping together.
#include "gc/api.hpp"
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"

namespace lab {

namespace {

using namespace rt::gc;

constexpr uint32_t kSlots = 1024;
const Type kTable("table", kSlots, [] {
  std::vector<uint32_t> v;
  for (uint32_t i = 0; i < kSlots; i++) v.push_back(i);
  return v;
}());
// type entry struct { payload *[8]int; slot int }
const Type kEntry("entry", 2, {0});
const Type kPayload("payload", 8, {});

rt::Goroutine churner(int64_t replacements, uint64_t seed, rt::WaitGroup* wg) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  Frame<1> f;
  for (int64_t i = 0; i < replacements; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const uint32_t slot = uint32_t(x % kSlots);
    f.set(0, co_await New(&kEntry));
    storeScalar(f.get(0), 1, slot);
    Obj payload = co_await New(&kPayload);
    store(f.get(0), 0, payload);
    reinterpret_cast<uint64_t*>(payload)[0] = slot;
    store(global(0), slot, f.get(0));
    co_await rt::cpu(200);
  }
  wg->Done();
  co_return;
}

rt::Goroutine churnMain(ScenarioParams params, ScenarioResult* out) {
  const int workers = params.procs < 2 ? 2 : params.procs;
  const int64_t start = rt::nanotime();
  setGlobal(0, co_await New(&kTable));
  rt::WaitGroup wg;
  wg.Add(workers);
  for (int w = 0; w < workers; w++) rt::go(churner(params.size / workers, uint64_t(w + 1), &wg), "main.churner");
  co_await wg.Wait();
  int64_t filled = 0, bad = 0;
  for (uint32_t s = 0; s < kSlots; s++) {
    Obj e = load(global(0), s);
    if (!e) continue;
    filled++;
    Obj payload = load(e, 0);
    if (loadScalar(e, 1) != s || !payload || reinterpret_cast<uint64_t*>(payload)[0] != s) bad++;
  }
  out->wallNs = rt::nanotime() - start;
  out->result = filled;
  out->passed = bad == 0;
  out->text = std::to_string(filled) + " of " + std::to_string(kSlots) + " slots filled, " + std::to_string(bad) +
              " corrupt, after " + std::to_string(params.size) + " replacements by " + std::to_string(workers) +
              " goroutines";
  out->textZh = std::to_string(workers) + " 个 goroutine 替换 " + std::to_string(params.size) + " 次后，" +
                std::to_string(kSlots) + " 个槽中 " + std::to_string(filled) + " 个有值，" + std::to_string(bad) +
                " 个损坏";
  co_return;
}

}  // namespace

Scenario churnScenario() {
  return Scenario{
      .name = "churn",
      .summary = {"goroutines keep replacing entries of a shared table: steady live heap, lots of garbage",
                  "多个 goroutine 不断替换共享表的条目：存活堆稳定，垃圾源源不断"},
      .details = {"--size is the number of replacements in all (default 200000).",
                  "--size 为替换总次数（默认 200000）。"},
      .defaultSize = 200000,
      .sizeMeaning = "replacements",
      .minSize = 1,
      .maxSize = 100000000,
      .usesGC = true,
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return churnMain(p, out); },
  };
}

}  // namespace lab
