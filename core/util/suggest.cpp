#include "util/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace util {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
}  // namespace

int editDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Three rows: the OSA recurrence looks two rows back for transpositions.
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; j++) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; i++) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; j++) {
      int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::string suggest(std::string_view typed, const std::vector<std::string>& candidates) {
  if (typed.empty() || typed.size() > 64) return {};
  // A prefix is the strongest hint ("hel" -> "help"), but only when unique.
  std::string prefixMatch;
  int prefixCount = 0;
  for (const auto& c : candidates) {
    if (c.size() > typed.size() && std::equal(typed.begin(), typed.end(), c.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); })) {
      prefixMatch = c;
      prefixCount++;
    }
  }
  if (prefixCount == 1) return prefixMatch;

  // Otherwise the nearest word, if it is near enough to be plausible:
  // one edit for short words, up to a third of the word for long ones.
  const int limit = std::max(1, static_cast<int>(typed.size()) / 3);
  std::string best;
  int bestDistance = limit + 1;
  for (const auto& c : candidates) {
    int d = editDistance(typed, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace util
