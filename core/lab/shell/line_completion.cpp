#include "lab/shell/line_completion.hpp"

namespace lab {

CompletionEdit completionEdit(const Completion& c) {
  CompletionEdit e;
  if (c.candidates.empty()) return e;
  // Candidates are full replacements of the token, and all start with it.
  std::string common = c.candidates.front();
  for (const auto& cand : c.candidates) {
    size_t n = 0;
    while (n < common.size() && n < cand.size() && common[n] == cand[n]) n++;
    common.resize(n);
  }
  // Not in the middle of a UTF-8 sequence.
  while (!common.empty() && common.size() < c.candidates.front().size() &&
         (static_cast<unsigned char>(c.candidates.front()[common.size()]) & 0xC0) == 0x80)
    common.pop_back();
  if (common.size() > c.token.size() && common.compare(0, c.token.size(), c.token) == 0)
    e.insert = common.substr(c.token.size());
  if (c.candidates.size() == 1) {
    if (!common.empty() && common.back() != '=' && common.back() != '/') e.insert += ' ';
  } else {
    e.choices = c.candidates;
  }
  return e;
}

}  // namespace lab
