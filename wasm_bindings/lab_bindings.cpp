// Embind glue: exposes the lab to JavaScript. No logic lives here — every
// function forwards to core/lab, and converts between JS values and C++.
//
//   const Module = await createRtlab({ rtlabPoolSize: 5 });
//   const lab = new Module.Lab();
//   lab.exec("help")            -> { ok, text, json }
//   lab.complete("hel")         -> { token: "hel", candidates: ["help"] }
//   lab.setLanguage("zh")
//   Module.buildInfo()          -> { version, threads, workers }
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>

#include "lab/lab.hpp"

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

  void setLanguage(const std::string& lang) {
    lab_->setLanguage(lang.rfind("zh", 0) == 0 ? lab::Language::Zh : lab::Language::En);
  }

 private:
  std::unique_ptr<lab::Lab> lab_;
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
      .function("setLanguage", &WasmLab::setLanguage);
  emscripten::function("buildInfo", &buildInfo);
}
