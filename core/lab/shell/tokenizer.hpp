// Splitting a command line into words, the way a POSIX shell would for the
// simple cases learners type:
//   words are separated by spaces or tabs;
//   "double quotes" keep spaces and understand \" \\ \n \t;
//   'single quotes' keep everything literally;
//   a backslash outside quotes makes the next character literal.
// The first problem found becomes one error naming its column (1-based, in
// characters, so a Chinese word before it counts once).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lab {

struct Token {
  std::string text;
  size_t column = 0;  // where the word starts, 1-based, in code points
};

struct Tokenized {
  std::vector<Token> tokens;
  std::string error;  // empty when the line was well-formed
  // The last word is still open (unterminated quote, or no space after it).
  // Completion uses this; exec treats an unterminated quote as an error.
  bool endsInWord = false;
};

// The longest line the shell accepts. Real commands are far shorter; the
// bound keeps a pasted megabyte from being echoed or parsed.
inline constexpr size_t kMaxLineBytes = 64 * 1024;

Tokenized tokenize(std::string_view line);

}  // namespace lab
