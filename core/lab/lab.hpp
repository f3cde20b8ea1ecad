// The lab: the state a learner works with (the runtime's environment, and in
// later chapters the scheduler, heap and collector) plus the shell that
// drives it. The native CLI, the wasm module and the tests each hold one.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "gc/collector.hpp"
#include "lab/interrupt.hpp"
#include "lab/shell/shell.hpp"
#include "runtime/env.hpp"

namespace rt {
class Runtime;
}  // namespace rt

namespace lab {

// Where this lab runs. The native CLI fills it from the OS; the wasm glue
// from the browser (navigator.hardwareConcurrency, the pthread pool).
struct HostInfo {
  std::string platform;  // "linux/amd64", "wasm32"
  bool wasm = false;
  bool threads = true;   // false in the single-threaded wasm build
  int workers = 0;       // wasm: pre-spawned pthread workers
  int ncpu = 1;          // what GOMAXPROCS defaults to
  // Record every run's trace (up to this many events) for views that draw
  // it — the web page does; 0 records only for --trace and --step.
  size_t traceRuns = 0;
  // The most events `run --trace-events` may ask a trace to hold (40 bytes
  // each in the runtime, more once a page has decoded them for its views).
  size_t traceEventsMax = 4'000'000;
  // The host time a run may take before the lab stops it (interrupt.hpp;
  // --timeout overrides it): the CLI and the page set kDefaultHostLimitNs;
  // 0 is none.
  int64_t runTimeoutNs = 0;
};

HostInfo nativeHostInfo();

class HeapSession;
class RunSession;

class Lab {
 public:
  explicit Lab(HostInfo host = nativeHostInfo());
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  // Each command starts with the interrupt flag cleared: a Ctrl-C meant for
  // a run that has just ended does not stop the next one.
  Reply exec(std::string_view line) {
    interrupt_.clear();
    return shell_.exec(line);
  }
  Completion complete(std::string_view lineUpToCursor) const { return shell_.complete(lineUpToCursor); }

  // Ctrl-C: asks the command under way to stop its run at the next safe
  // point (interrupt.hpp). request() may be called from any thread, or from
  // a signal handler.
  InterruptFlag& interrupt() { return interrupt_; }

  const HostInfo& host() const { return host_; }
  const rt::Env& env() const { return env_; }
  void setEnv(const rt::Env& env) { env_ = env; }
  rt::Env defaultEnv() const;

  Language language() const { return language_; }
  void setLanguage(Language l) { language_ = l; }

  const Registry& registry() const { return shell_.registry(); }

  // The collector settings `gc` chooses for the runs that follow.
  struct GcSettings {
    bool stw = false;  // the simple stop-the-world marker instead of the concurrent one
    rt::gc::BarrierKind barrier = rt::gc::BarrierKind::Hybrid;
    bool verify = false;  // the verifier at every mark termination
  };
  const GcSettings& gcSettings() const { return gc_; }
  void setGcSettings(const GcSettings& g) { gc_ = g; }

  // The heap of the memory commands (alloc, mstats, spans), created on first use.
  HeapSession& heapSession();

  // The most recent `run` (paused on the simulator, or ended), kept so that
  // gs, ps, ms and runq can inspect it and step/back can move it (nullptr
  // before any run).
  RunSession* session() const { return session_.get(); }
  void setSession(std::unique_ptr<RunSession> s);
  // Changes whenever the session is replaced (a new run, or back): views
  // that follow the trace start over then.
  uint64_t sessionSerial() const { return sessionSerial_; }

 private:
  HostInfo host_;
  rt::Env env_;
  GcSettings gc_;
  Language language_ = Language::En;
  std::unique_ptr<HeapSession> heapSession_;
  std::unique_ptr<RunSession> session_;
  uint64_t sessionSerial_ = 0;
  InterruptFlag interrupt_;
  Shell shell_;  // last: it registers commands that refer to the members above
};

// "Go Runtime Lab 0.1.0"
std::string_view labVersion();
// The Go release whose runtime the lab follows.
inline constexpr std::string_view kGoModel = "go1.22";

}  // namespace lab
