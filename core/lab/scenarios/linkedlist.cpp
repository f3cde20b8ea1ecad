// linkedlist: one long singly linked list, collected three times.
//
// The worst shape for a parallel marker: every object has exactly one
// pointer to the next, so marking is a chain of dependent loads that no
// second worker can help with. Go's mark throughput on it is the peer for
// bench/gc (target: the lab marks it at least as fast).
#include "gc/api.hpp"
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"

namespace lab {

namespace {

using namespace rt::gc;

// type node struct { next *node; value int }
const Type kListNode("node", 2, {0});

rt::Goroutine linkedlistMain(ScenarioParams params, ScenarioResult* out) {
  const int64_t n = params.size;
  Frame<2> f;  // head, new
  for (int64_t i = 0; i < n; i++) {
    f.set(1, co_await New(&kListNode));
    storeScalar(f.get(1), 1, uint64_t(i));
    store(f.get(1), 0, f.get(0));
    f.set(0, f.get(1));
  }
  f.set(1, nullptr);
  const int64_t start = rt::nanotime();
  for (int i = 0; i < 3; i++) co_await GC();
  out->wallNs = rt::nanotime() - start;
  int64_t sum = 0, count = 0;
  for (Obj p = f.get(0); p; p = load(p, 0), count++) sum += int64_t(loadScalar(p, 1));
  out->result = sum;
  out->passed = count == n && sum == n * (n - 1) / 2;
  out->text = std::to_string(count) + " nodes survived 3 collections, sum " + std::to_string(sum) +
              (out->passed ? "" : " (WRONG: expected " + std::to_string(n * (n - 1) / 2) + ")");
  out->textZh = std::to_string(count) + " 个节点熬过 3 次回收，和为 " + std::to_string(sum) +
                (out->passed ? "" : "（错误：应为 " + std::to_string(n * (n - 1) / 2) + "）");
  co_return;
}

}  // namespace

Scenario linkedlistScenario() {
  return Scenario{
      .name = "linkedlist",
      .summary = {"a long linked list marked three times (runtime.GC): the serial worst case for marking",
                  "一条长链表，标记三次（runtime.GC）：标记最难并行的形状"},
      .details = {"--size is the number of nodes (default 1000000).", "--size 为节点数（默认 1000000）。"},
      .defaultSize = 1000000,
      .sizeMeaning = "nodes",
      .minSize = 1,
      .maxSize = 8000000,
      .usesGC = true,
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return linkedlistMain(p, out); },
  };
}

}  // namespace lab
