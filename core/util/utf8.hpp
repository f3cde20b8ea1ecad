// UTF-8 checks for text that comes from outside (terminal lines, files).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace util {

// Index of the first byte that is not part of well-formed UTF-8, or npos.
size_t invalidUtf8At(std::string_view s);

// The first `maxChars` code points of valid UTF-8 text, with "…" appended when
// cut. Used to quote user input in error lines without echoing a megabyte.
std::string truncateForDisplay(std::string_view s, size_t maxChars = 40);

}  // namespace util
