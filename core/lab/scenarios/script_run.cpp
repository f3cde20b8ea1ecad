// Running a scenario script: every template is a goroutine body that walks
// its steps, awaiting the runtime's own operations — rt::cpu, rt::syscallFor,
// rt::Sleep, channels, select, Mutex, rt::Gosched, rt::go — so a script
// exercises exactly the code the built-in scenarios do, on either engine.
#include <atomic>
#include <memory>

#include "lab/scenarios/script.hpp"
#include "sched/api.hpp"
#include "sched/chan.hpp"
#include "sched/select.hpp"
#include "sched/sync.hpp"

namespace lab::script {

namespace {

constexpr int64_t kMaxGoroutines = 1'000'000;

// The objects a run of a script shares: its channels (of int64: the values
// sent are sequence numbers) and mutexes. Owned by main's frame.
struct World {
  const Script* script = nullptr;
  std::vector<std::unique_ptr<rt::Chan<int64_t>>> chans;
  std::vector<std::unique_ptr<rt::Mutex>> mutexes;
  // Goroutines on several Ms count at once (real engine): relaxed atomics,
  // as they are only read when main returns.
  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> spawned{0};

  int64_t nextValue() { return sent.fetch_add(1, std::memory_order_relaxed) + 1; }
};

rt::Goroutine runTemplate(World* w, int tmpl);

rt::Task<> runSteps(World* w, const std::vector<Step>* steps) {
  for (const Step& st : *steps) {
    switch (st.op) {
      case Op::Cpu:
        co_await rt::cpu(st.ns);
        break;
      case Op::Syscall:
        co_await rt::syscallFor(st.ns);
        break;
      case Op::Sleep:
        co_await rt::Sleep{st.ns};
        break;
      case Op::Send:
        co_await w->chans[st.target]->send(w->nextValue());
        break;
      case Op::Recv: {
        int64_t v = co_await w->chans[st.target]->recv();
        (void)v;
        break;
      }
      case Op::Close:
        co_await w->chans[st.target]->close();  // closing a closed channel stops here (a panic)
        break;
      case Op::Select: {
        // The cases are known only at run time (Go: reflect.Select).
        rt::SelectCases cases;
        for (const SelectCase& c : st.cases) {
          if (c.send) cases.send(w->chans[c.chan].get(), w->nextValue());
          else cases.recv<int64_t>(w->chans[c.chan].get());
        }
        if (st.hasDefault) cases.addDefault();
        int chosen = co_await rt::select(cases);  // bound to a variable: see select.hpp
        (void)chosen;
        break;
      }
      case Op::Spawn:
        for (int64_t i = 0; i < st.count; i++) {
          if (w->spawned.fetch_add(1, std::memory_order_relaxed) + 1 > kMaxGoroutines) {
            // A template that spawns itself has no end: stop the program as Go
            // would stop one that runs out of memory, with one message.
            rt::gopanic("script: more than 1000000 goroutines started (does a template spawn itself?)");
            co_await rt::Gosched();  // the run is over: this M stops here
            co_return;
          }
          rt::go(runTemplate(w, st.target), w->script->templates[st.target].name.c_str());
        }
        break;
      case Op::Yield:
        co_await rt::Gosched();
        break;
      case Op::Lock:
        co_await w->mutexes[st.target]->Lock();
        break;
      case Op::Unlock:
        w->mutexes[st.target]->Unlock();
        break;
      case Op::Repeat:
        for (int64_t i = 0; i < st.count; i++) co_await runSteps(w, &st.body);
        break;
    }
  }
}

rt::Goroutine runTemplate(World* w, int tmpl) { co_await runSteps(w, &w->script->templates[tmpl].steps); }

// The script by pointer, not by shared_ptr: the scenario that calls this
// keeps it alive, and a goroutine's frame must not hold a count of an
// object outside the run (a run restored from a snapshot would give back a
// count it never took; see platform/sim/arena.hpp).
rt::Goroutine scriptMain(const Script* script, ScenarioResult* out) {
  World w;
  w.script = script;
  for (const ChanDecl& c : script->chans) w.chans.push_back(std::make_unique<rt::Chan<int64_t>>(c.cap));
  for (size_t i = 0; i < script->mutexes.size(); i++) w.mutexes.push_back(std::make_unique<rt::Mutex>());
  const int64_t start = rt::nanotime();
  co_await runSteps(&w, &script->templates[script->main].steps);
  out->wallNs = rt::nanotime() - start;
  const int64_t goroutines = w.spawned.load(std::memory_order_relaxed) + 1;
  out->result = goroutines;
  out->metrics.emplace_back("goroutines", goroutines);
  out->metrics.emplace_back("sends", w.sent.load(std::memory_order_relaxed));
  out->text = "main returned; " + std::to_string(goroutines) + " goroutines started";
  out->textZh = "main 已返回；共启动 " + std::to_string(goroutines) + " 个 goroutine";
  // Explicit co_return: goroutines still running may use the channels in
  // `w` until the run ends (see core/sched/goroutine.hpp).
  co_return;
}

}  // namespace

Scenario toScenario(std::shared_ptr<const Script> script) {
  Scenario sc;
  sc.name = script->name;
  sc.summary = {"a scenario script", "场景脚本"};
  sc.details = {"Loaded with run --file.", "由 run --file 加载。"};
  sc.defaultSize = 1;
  sc.sizeMeaning = "unused";
  sc.minSize = 0;
  sc.maxSize = 100000000;
  sc.fixedProcs = 0;
  sc.main = [script](const ScenarioParams&, ScenarioResult* out) { return scriptMain(script.get(), out); };
  return sc;
}

}  // namespace lab::script
