// What Tab does in a line editor, from the shell's completion: the text to
// insert at the cursor, and the candidates to list when there is a choice.
// The native CLI's line editor (core/cli/line_reader.cpp) uses it; the web
// terminal does the same in web/src/terminal/completion.ts.
#pragma once

#include <string>
#include <vector>

#include "lab/shell/shell.hpp"

namespace lab {

struct CompletionEdit {
  std::string insert;               // appended at the cursor (may be empty)
  std::vector<std::string> choices;  // shown when more than one candidate remains
};

// One candidate: the rest of it and a space (none after "NAME=", where a
// value follows, nor after "dir/"). Several: their longest common prefix beyond what was
// typed, and the list. None: nothing.
CompletionEdit completionEdit(const Completion& c);

}  // namespace lab
