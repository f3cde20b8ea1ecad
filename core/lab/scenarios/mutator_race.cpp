// mutator-race: goroutines move pointers between the heap and their stacks
// while the GC marks — the classic way to lose an object.
//
// The heap is a chain of holders, global[0] -> h0 -> h1 -> ... -> hN-1.
// Half of the holders carry a child object. Holders are big (4 KB), so the
// mark walks the chain one holder per worker step, and at any moment part
// of the chain is black, the rest grey or white. Each mutator goroutine
// repeatedly moves a child from one holder to an empty one:
//
//     tmp := hi.child     // the child is on this goroutine's (black) stack
//     hi.child = nil      // the only heap pointer to it is gone
//     ... compute ...
//     hj.child = tmp      // if hj is already black: hidden
//
// Moving from a holder the mark has not reached to one it has passed hides
// the child unless the write barrier shades it. With `--barrier none` the
// verifier reports the lost object, the chain that reaches it and the stores
// that hid it (and keeps it alive, so the program goes on correctly). With
// hybrid, Dijkstra or Yuasa nothing is lost, whatever the seed.
#include "gc/api.hpp"
#include "lab/scenarios/builtin.hpp"
#include "sched/api.hpp"
#include "sched/sync.hpp"

namespace lab {

namespace {

using namespace rt::gc;

constexpr int kHolders = 48;
constexpr int kMutators = 3;
// type holder struct { next *holder; pad [...]int; child *child } — 4 KB
// with 8-byte words and with wasm32's 4-byte ones, so the run is the same.
constexpr uint32_t kHolderWords = 4096 / kPtrSize;
constexpr uint32_t kChildWord = kHolderWords - 1;
const Type kHolder("holder", kHolderWords, {0, kChildWord});
// type child struct { id int; payload *[2]int }
const Type kChild("child", 2, {1});

Obj holder(int i) {
  Obj h = global(0);
  for (int k = 0; k < i; k++) h = load(h, 0);
  return h;
}

rt::Goroutine mutator(int id, int64_t moves, rt::WaitGroup* wg) {
  uint64_t x = uint64_t(id) * 0x9E3779B97F4A7C15ull + 7;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  Frame<1> tmp;  // the stack slot the child passes through
  for (int64_t m = 0; m < moves; m++) {
    // Pick a holder with a child and one without (each mutator owns the
    // holders congruent to its id, so mutators never fight over one).
    int from = -1, to = -1;
    for (int tries = 0; tries < 64 && (from < 0 || to < 0); tries++) {
      int i = int(next() % (kHolders / kMutators)) * kMutators + id;
      if (load(holder(i), kChildWord)) {
        if (from < 0) from = i;
      } else if (to < 0) {
        to = i;
      }
    }
    if (from < 0 || to < 0) {
      co_await rt::cpu(1000);
      continue;
    }
    tmp.set(0, load(holder(from), kChildWord));
    store(holder(from), kChildWord, nullptr);
    co_await rt::cpu(int64_t(500 + next() % 3000));  // the window
    store(holder(to), kChildWord, tmp.get(0));
    tmp.set(0, nullptr);
    co_await rt::cpu(int64_t(200 + next() % 800));
  }
  wg->Done();
  co_return;
}

// Allocates garbage so that cycles keep starting while the mutators move.
rt::Goroutine allocator(int64_t rounds, rt::WaitGroup* wg) {
  for (int64_t i = 0; i < rounds; i++) {
    co_await New(&kHolder);
    co_await rt::cpu(300);
  }
  wg->Done();
  co_return;
}

rt::Goroutine mutatorRaceMain(ScenarioParams params, ScenarioResult* out) {
  const int64_t start = rt::nanotime();
  {
    Frame<2> f;
    for (int i = kHolders - 1; i >= 0; i--) {  // f[1]: the chain so far
      f.set(0, co_await New(&kHolder));
      store(f.get(0), 0, f.get(1));
      f.set(1, f.get(0));
      if (i % 2 == 0) {
        Obj c = co_await New(&kChild);  // safe in a local until the next co_await
        storeScalar(c, 0, uint64_t(i));
        store(f.get(1), kChildWord, c);
      }
    }
    setGlobal(0, f.get(1));
  }
  rt::WaitGroup wg;
  wg.Add(kMutators + 1);
  for (int id = 0; id < kMutators; id++) rt::go(mutator(id, params.size, &wg), "main.mutator");
  rt::go(allocator(params.size * 8, &wg), "main.allocator");
  co_await wg.Wait();
  co_await GC();  // one more cycle, checked like the others

  // Every child is still there, with its id, exactly once.
  std::vector<int> seen(kHolders, 0);
  int children = 0;
  for (Obj h = global(0); h; h = load(h, 0)) {
    if (Obj c = load(h, kChildWord)) {
      children++;
      uint64_t id = loadScalar(c, 0);
      if (id < uint64_t(kHolders)) seen[id]++;
    }
  }
  int ok = 0;
  for (int i = 0; i < kHolders; i += 2) ok += seen[i] == 1;
  Collector* col = Collector::current();
  uint64_t lost = 0, cycles = 0;
  {
    std::lock_guard<std::mutex> g(col->statsLock);
    // The collector's totals: its history keeps only the latest cycles.
    lost = col->lostTotal;
    cycles = col->numGC.load();
  }
  out->wallNs = rt::nanotime() - start;
  out->result = int64_t(lost);
  out->passed = ok == kHolders / 2 && children == kHolders / 2;
  out->metrics = {{"lostObjects", int64_t(lost)}, {"cycles", int64_t(cycles)}};
  out->text = std::to_string(lost) + " object" + (lost == 1 ? "" : "s") + " lost in " + std::to_string(cycles) +
              " cycles with the " + barrierName(col->cfg.barrier) + " barrier; " + std::to_string(children) + " of " +
              std::to_string(kHolders / 2) + " children intact";
  out->textZh = std::string(barrierName(col->cfg.barrier)) + " 屏障下 " + std::to_string(cycles) + " 轮 GC 丢失 " +
                std::to_string(lost) + " 个对象；" + std::to_string(kHolders / 2) + " 个子对象中 " +
                std::to_string(children) + " 个完好";
  co_return;
}

}  // namespace

Scenario mutatorRaceScenario() {
  return Scenario{
      .name = "mutator-race",
      .summary = {"mutators move pointers heap -> stack -> heap while the GC marks: try --barrier none",
                  "mutator 在标记期间把指针在堆与栈之间搬动：试试 --barrier none"},
      .details = {"--size is the number of moves per mutator (default 300). The verifier checks every cycle.",
                  "--size 为每个 mutator 的搬动次数（默认 300）。每轮 GC 都运行校验器。"},
      .defaultSize = 300,
      .sizeMeaning = "moves",
      .minSize = 1,
      .maxSize = 1000000,
      .usesGC = true,
      .verifiesGC = true,
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return mutatorRaceMain(p, out); },
  };
}

}  // namespace lab
