// Embind glue: exposes the lab to JavaScript. No logic lives here — every
// function forwards to core/lab, and converts between JS values and C++.
//
//   const Module = await createRtlab({ rtlabPoolSize: 5 });
//   const lab = new Module.Lab();
//   lab.exec("help")            -> { ok, text, json }
//   lab.complete("hel")         -> { token: "hel", candidates: ["help"] }
//   lab.setLanguage("zh")
//   lab.writeFile(path, text)   -> "" or why not (run --file reads it)
//   lab.trace(from)             -> { session, from, events: Int32Array view of
//                                    wasm memory (10 ints per event, see
//                                    core/trace/event.hpp), heap: the same for
//                                    the heap samples recorded at or after
//                                    event `from` (8 ints per sample, see
//                                    core/trace/tracer.hpp HeapSample), names,
//                                    procs, ..., traceFull }
//   lab.interruptAddress()      -> where the lab's interrupt flag lives in the module's
//                                  memory: with threads the page raises it with
//                                  Atomics.store on the shared memory (lab/interrupt.hpp)
//   Module.buildInfo()          -> { version, threads, workers }
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lab/lab.hpp"
#include "lab/run_session.hpp"

namespace {

using emscripten::val;

// How many pthread workers the module started with (0 without threads).
int poolWorkers() {
#if defined(__EMSCRIPTEN_PTHREADS__)
  return EM_ASM_INT({ return PThread.unusedWorkers.length + PThread.runningWorkers.length; });
#else
  return 0;
#endif
}

int hostCpus() {
  return EM_ASM_INT({
    var n = (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) ||
            (typeof require === 'function' && require('os').cpus().length) || 1;
    return n;
  });
}

lab::HostInfo wasmHost() {
  lab::HostInfo h = lab::nativeHostInfo();  // platform and threads from the build
  h.workers = poolWorkers();
  h.ncpu = hostCpus();
  h.traceRuns = 300'000;  // the page's views draw every run (12 MB of events at most)
  // run --trace-events: a million, which the timeline still pans at 60 fps
  // (bench/page.mjs); beyond it the page's decoded trace outgrows a tab.
  h.traceEventsMax = 1'000'000;
  h.runTimeoutNs = lab::kDefaultHostLimitNs;  // a learner waits for the answer
  return h;
}

class WasmLab {
 public:
  WasmLab() : lab_(std::make_unique<lab::Lab>(wasmHost())) {}

  val exec(const std::string& line) {
    lab::Reply r = lab_->exec(line);
    val out = val::object();
    out.set("ok", r.ok);
    out.set("text", r.text);
    out.set("json", r.json);
    return out;
  }

  val complete(const std::string& line) const {
    lab::Completion c = lab_->complete(line);
    val candidates = val::array();
    for (size_t i = 0; i < c.candidates.size(); i++) candidates.set(i, c.candidates[i]);
    val out = val::object();
    out.set("token", c.token);
    out.set("candidates", candidates);
    return out;
  }

  // The current run's trace events from index `from` on, as a typed-array
  // view straight onto wasm memory: the caller copies it (slice) before the
  // lab runs again. One call per batch, never one per event.
  val trace(double fromD) {
    val out = val::object();
    lab::RunSession* s = lab_->session();
    out.set("session", static_cast<double>(lab_->sessionSerial()));
    if (!s) {
      out.set("from", 0);
      out.set("events", val::null());
      return out;
    }
    const std::vector<trace::Event>& evs = s->events();
    const size_t from = std::min(static_cast<size_t>(fromD < 0 ? 0 : fromD), evs.size());
    const size_t ints = (evs.size() - from) * (sizeof(trace::Event) / sizeof(int32_t));
    const auto* base = reinterpret_cast<const int32_t*>(evs.data() + from);
    out.set("from", static_cast<double>(from));
    out.set("events", val(emscripten::typed_memory_view(ints, base)));
    // The heap series from the first sample taken after `from` events: the
    // page drops its own from there and appends these (a sample taken
    // between two steps comes again with the next batch, which starts
    // there). Copied into heap_, which lives until the next call.
    heap_ = s->heapSamples();
    const auto first = std::lower_bound(heap_.begin(), heap_.end(), static_cast<uint64_t>(from),
                                        [](const trace::HeapSample& h, uint64_t n) { return h.events < n; });
    const size_t heapInts =
        static_cast<size_t>(heap_.end() - first) * (sizeof(trace::HeapSample) / sizeof(int32_t));
    const auto* heapBase = reinterpret_cast<const int32_t*>(heap_.data() + (first - heap_.begin()));
    out.set("heap", val(emscripten::typed_memory_view(heapInts, heapBase)));
    val names = val::array();
    std::vector<std::string> n = s->names();
    for (size_t i = 0; i < n.size(); i++) names.set(i, n[i]);
    out.set("names", names);
    out.set("scenario", s->setup().scenario->name);
    out.set("engine", s->setup().engine);
    out.set("procs", s->setup().params.procs);
    out.set("seed", static_cast<double>(s->setup().seed));
    out.set("nowNs", static_cast<double>(s->now()));
    out.set("over", s->over());
    // A full trace records nothing more (RunSession::traceFull): the views
    // stop drawing at its last event and say so.
    out.set("traceFull", s->traceFull());
    return out;
  }

  // Saves text as a file of the module's in-memory file system, where
  // `run --file` reads it (a script pasted in the page). "" or the reason
  // it could not be written.
  std::string writeFile(const std::string& path, const std::string& text) {
    if (path.empty() || path[0] != '/' || path.find("..") != std::string::npos) return "not an absolute path";
    const size_t slash = path.find_last_of('/');
    if (slash > 0) mkdir(path.substr(0, slash).c_str(), 0755);  // one level: /scripts
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    return out ? "" : "cannot write " + path;
  }

  double interruptAddress() const {
    return static_cast<double>(reinterpret_cast<uintptr_t>(lab_->interrupt().word()));
  }

  void setLanguage(const std::string& lang) {
    lab_->setLanguage(lang.rfind("zh", 0) == 0 ? lab::Language::Zh : lab::Language::En);
  }

 private:
  std::unique_ptr<lab::Lab> lab_;
  std::vector<trace::HeapSample> heap_;  // what the last trace() handed over
};

val buildInfo() {
  lab::HostInfo h = wasmHost();
  val out = val::object();
  out.set("version", std::string(lab::labVersion()));
  out.set("threads", h.threads);
  out.set("workers", h.workers);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(rtlab) {
  emscripten::class_<WasmLab>("Lab")
      .constructor<>()
      .function("exec", &WasmLab::exec)
      .function("complete", &WasmLab::complete)
      .function("setLanguage", &WasmLab::setLanguage)
      .function("trace", &WasmLab::trace)
      .function("writeFile", &WasmLab::writeFile)
      .function("interruptAddress", &WasmLab::interruptAddress);
  emscripten::function("buildInfo", &buildInfo);
}
