// version: which lab this is, which Go it follows, and how it was built.
#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"

namespace lab {

namespace {
// The days whose hand-write files this build compiled instead of core's ("" in every other build).
#ifdef RTLAB_HANDWRITTEN
constexpr const char* kHandwritten = RTLAB_HANDWRITTEN;
#else
constexpr const char* kHandwritten = "";
#endif
}  // namespace

CommandSpec versionCommand() {
  return CommandSpec{
      .name = "version",
      .summary = {"show the lab's version and build", "显示实验室的版本和构建方式"},
      .details = {"The first line names the lab and the Go release whose runtime it follows; the second "
                  "says how this copy was built (native, or WebAssembly with threads or single-threaded).",
                  "第一行是实验室版本和所对应的 Go 运行时版本；第二行是本次构建方式（原生，或带线程 / 单线程的 WebAssembly）。"},
      .args = {},
      .flags = {},
      .run = [](Lab& lab, const Invocation&) -> Reply {
        const HostInfo& h = lab.host();
        std::string mode;
        if (!h.threads) {
          mode = "single-threaded";
        } else if (h.wasm) {
          mode = "threads (" + std::to_string(h.workers) + " workers)";
        } else {
          mode = "threads (" + std::to_string(h.ncpu) + " CPUs)";
        }
        std::string text = "Go Runtime Lab " + std::string(labVersion()) + " (runtime model: " +
                           std::string(kGoModel) + ")\n" + "build: " + (h.wasm ? "wasm " : "native ") + h.platform +
                           ", " + mode;
        // The exercises build (cmake/RtlabExercises.cmake) runs the learner's functions: say so,
        // so a surprising trace is not blamed on the lab.
        const std::string handwritten = kHandwritten;
        if (!handwritten.empty()) text += "\nwith your hand-written functions: " + handwritten;
        JsonWriter j;
        j.beginObject()
            .field("name", "Go Runtime Lab")
            .field("version", labVersion())
            .field("goModel", kGoModel)
            .field("platform", h.platform)
            .field("wasm", h.wasm)
            .field("threads", h.threads)
            .field("workers", h.workers)
            .field("ncpu", h.ncpu)
            .field("handwritten", handwritten)
            .endObject();
        return Reply{true, text, j.str()};
      },
  };
}

}  // namespace lab
