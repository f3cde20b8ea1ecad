// The shell: one line of text in, one Reply out.
//
// This is the single entry point used by the native CLI, the web terminal
// (through wasm_bindings), the tests and the course checker, so all of them
// see the same commands, the same errors and the same JSON.
//
// The contract for bad input: whatever the line holds (unknown words, bad
// values, unterminated quotes, a megabyte of text, bytes that are not text),
// exec returns a Reply with ok == false and exactly one error line, and the
// lab's state is unchanged, because every command validates all of its input
// before it changes anything. No exception leaves exec: a command that
// throws (std::bad_alloc, std::system_error, anything) is one error line
// too, and the lab goes on. (Natively. The wasm builds use Emscripten's
// default of no exception catching, where a throw still aborts the module.)
//
// Every answer is bounded: a reply's text is cut at kMaxReplyBytes and ends
// with one "output truncated" line (a run with GODEBUG=scheddetail=1 and a
// million goroutines would otherwise print gigabytes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lab/shell/command.hpp"

namespace lab {

// The most text one command prints (help says so).
inline constexpr size_t kMaxReplyBytes = size_t{4} << 20;

struct Completion {
  std::string token;                    // the partial word being completed
  std::vector<std::string> candidates;  // full replacements for it, sorted
};

class Shell {
 public:
  explicit Shell(Lab& lab);

  Registry& registry() { return registry_; }
  const Registry& registry() const { return registry_; }

  Reply exec(std::string_view line);
  // The candidates for the word under the cursor. The web terminal and the
  // native CLI's line editor both complete through this.
  Completion complete(std::string_view lineUpToCursor) const;

 private:
  Reply dispatch(std::string_view line);

  Lab& lab_;
  Registry registry_;
};

}  // namespace lab
