// UTF-8 checks for text that comes from outside (terminal lines, files).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace util {

// Index of the first byte that is not part of well-formed UTF-8, or npos.
size_t invalidUtf8At(std::string_view s);

// How many characters of user input an error line quotes at most.
inline constexpr size_t kMaxQuotedChars = 80;

// User input made safe to quote in an error line: at most `maxChars` code
// points, with "…" appended when cut, and every byte that would break the
// line or the terminal shown escaped instead — control bytes as \n, \t, \r
// or \x1b, DEL as \x7f, a backslash as \\, bytes that are not UTF-8 as
// \xff. The one helper every error that quotes input goes through, so no
// error line echoes a megabyte, ends early at a newline, or sends escape
// sequences to the terminal.
std::string truncateForDisplay(std::string_view s, size_t maxChars = kMaxQuotedChars);

// Terminal columns that well-formed UTF-8 text takes: 2 for East Asian
// wide characters (Chinese column headers), 1 for any other code point.
size_t displayWidth(std::string_view s);

// truncateForDisplay in double quotes: "value".
std::string quoteForDisplay(std::string_view s, size_t maxChars = kMaxQuotedChars);

}  // namespace util
