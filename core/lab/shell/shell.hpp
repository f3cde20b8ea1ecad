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
// before it changes anything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lab/shell/command.hpp"

namespace lab {

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
  Completion complete(std::string_view lineUpToCursor) const;

 private:
  Lab& lab_;
  Registry registry_;
};

}  // namespace lab
