// binarytrees: the Benchmarks Game's GC benchmark, the shape Go's own GC
// benchmarks use (test/bench/garbage/tree2.go and friends).
//
//   stretch tree of depth max+1: build, check, drop
//   long-lived tree of depth max: kept for the whole run
//   for d := 4; d <= max; d += 2: build 2^(max-d+4) trees of depth d, check, drop
//
// Almost everything allocated dies young, while one tree stays: the GC
// marks a steady live heap (the long-lived tree) again and again and sweeps
// a lot of garbage. Each check walks the tree (Go's itemCheck).
#include "gc/api.hpp"
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"

namespace lab {

namespace {

using namespace rt::gc;

// type Node struct{ left, right *Node }
const Type kTreeNode("Node", 2, {0, 1});

// Go: bottomUpTree. The tree is built into frame slot `slot` of the caller.
rt::Task<> bottomUpTree(int depth, Frame<1>* out) {
  Frame<2> f;
  f.set(0, co_await New(&kTreeNode));
  if (depth > 0) {
    Frame<1> child;
    co_await bottomUpTree(depth - 1, &child);
    store(f.get(0), 0, child.get(0));
    co_await bottomUpTree(depth - 1, &child);
    store(f.get(0), 1, child.get(0));
  }
  out->set(0, f.get(0));
  co_return;
}

// Go: (*Node).itemCheck
int64_t itemCheck(Obj n) {
  Obj l = load(n, 0);
  if (l == nullptr) return 1;
  return 1 + itemCheck(l) + itemCheck(load(n, 1));
}

// What the checks must add up to if the collector freed or corrupted no
// live node: a tree of depth d has 2^(d+1)-1 nodes.
int64_t expectedChecksum(int maxDepth) {
  auto nodes = [](int d) { return (int64_t(1) << (d + 1)) - 1; };
  int64_t total = nodes(maxDepth + 1) + nodes(maxDepth);
  for (int d = 4; d <= maxDepth; d += 2) total += (int64_t(1) << (maxDepth - d + 4)) * nodes(d);
  return total;
}

rt::Goroutine binarytreesMain(ScenarioParams params, ScenarioResult* out) {
  const int maxDepth = int(params.size);
  const int64_t start = rt::nanotime();
  int64_t total = 0;
  {
    Frame<1> stretch;
    co_await bottomUpTree(maxDepth + 1, &stretch);
    total += itemCheck(stretch.get(0));
  }
  Frame<1> longLived;
  co_await bottomUpTree(maxDepth, &longLived);
  for (int d = 4; d <= maxDepth; d += 2) {
    const int iterations = 1 << (maxDepth - d + 4);
    int64_t check = 0;
    for (int i = 0; i < iterations; i++) {
      Frame<1> t;
      co_await bottomUpTree(d, &t);
      check += itemCheck(t.get(0));
    }
    total += check;
  }
  total += itemCheck(longLived.get(0));
  out->wallNs = rt::nanotime() - start;
  out->result = total;
  const int64_t want = expectedChecksum(maxDepth);
  out->passed = total == want;
  out->text = "checksum " + std::to_string(total) + " (nodes visited by itemCheck)" +
              (out->passed ? "" : " (WRONG: expected " + std::to_string(want) + ")");
  out->textZh = "校验和 " + std::to_string(total) + "（itemCheck 访问的节点数）" +
                (out->passed ? "" : "（错误：应为 " + std::to_string(want) + "）");
  co_return;
}

}  // namespace

Scenario binarytreesScenario() {
  return Scenario{
      .name = "binarytrees",
      .summary = {"the Benchmarks Game's binary-trees: many short-lived trees around one long-lived tree",
                  "Benchmarks Game 的 binary-trees：大量短命树，外加一棵长寿树"},
      .details = {"--size is the maximum depth (default 16). Run it with --godebug gctrace=1 to see each cycle.",
                  "--size 为最大深度（默认 16）。加 --godebug gctrace=1 可看每轮 GC。"},
      .defaultSize = 16,
      .sizeMeaning = "max depth",
      .minSize = 4,
      .maxSize = 21,
      .usesGC = true,
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return binarytreesMain(p, out); },
  };
}

}  // namespace lab
