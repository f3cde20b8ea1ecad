// Reading the interactive CLI's lines: with line editing, history and Tab
// completion when the build has libedit (BSD-licensed; Debian: libedit-dev),
// else plain lines from standard input. Only for a terminal: piped input is
// read by main.cpp line by line, with no prompt.
#pragma once

#include <memory>
#include <string>

namespace lab {
class Lab;
}

class LineReader {
 public:
  LineReader(lab::Lab& lab, const char* prompt);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Shows the prompt and reads one line (without its newline). False at end
  // of input (Ctrl-D) or when the read was interrupted (Ctrl-C): the caller
  // tells them apart. An interrupted reader can read again.
  bool read(std::string* line);

  // Whether Tab completes and arrows recall history (the build has libedit).
  static bool editing();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
