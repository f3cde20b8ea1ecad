// "Did you mean ...?": the closest known word to a mistyped one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace util {

// Optimal-string-alignment distance (Levenshtein plus adjacent swaps), so
// "hepl" is one edit from "help". Case-insensitive for ASCII letters.
int editDistance(std::string_view a, std::string_view b);

// The best candidate for `typed`: a candidate that starts with it, else the
// nearest one within a distance that grows with the word's length. Empty if
// nothing is close enough to be a useful suggestion.
std::string suggest(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace util
