// The parser of scenario scripts (script.hpp): line by line, indentation for
// blocks, names resolved once everything is read so that templates can
// spawn each other in any order.
#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "lab/scenarios/script.hpp"
#include "util/duration.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab::script {

namespace {

constexpr int64_t kMaxRepeat = 10'000'000;
constexpr int64_t kMaxSpawn = 1'000'000;
// A run's budget for its channels' buffers (int64 slots, 8 bytes each), so
// that 600 channels of a million slots are refused before anything is
// allocated, rather than exhausting memory mid-run.
constexpr uint64_t kMaxChanSlots = uint64_t{1} << 25;  // 256 MiB
// Blocks nested deeper than this are refused: the runner recurses once per
// level.
constexpr size_t kMaxDepth = 100;

const std::vector<std::string> kSteps = {"cpu",   "syscall", "sleep", "send", "recv",   "close",
                                         "select", "spawn",  "yield", "lock", "unlock", "repeat"};
const std::vector<std::string> kTopLevel = {"go", "chan", "mutex", "procs"};

struct Word {
  std::string text;
  int col;  // 1-based
};

// The first error found. (No exceptions: the wasm builds compile without them.)
struct ParseError {
  int line, col;
  std::string msg;
};

// What a parsing function returns when it fails: whatever it was going to
// return, empty (false, nullptr, 0, -1, an empty Step).
struct Failed {
  operator bool() const { return false; }
  operator Template*() const { return nullptr; }
  operator int64_t() const { return 0; }
  operator int() const { return -1; }
  operator Step() const { return Step{}; }
};

bool isName(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

std::string didYouMean(const std::string& typed, const std::vector<std::string>& known) {
  std::string guess = util::suggest(typed, known);
  return guess.empty() ? "" : "; did you mean \"" + guess + "\"?";
}

class Parser {
 public:
  Parser(const std::string& text, Script* out) : text_(text), s_(out) {}

  bool run() {
    std::istringstream in(text_);
    std::string raw;
    int lineNo = 0;
    Template* current = nullptr;
    // The open blocks of the current template: (indent, steps).
    std::vector<std::pair<int, std::vector<Step>*>> blocks;
    int pendingRepeatLine = 0;  // a `repeat N:` whose block has not started yet
    while (std::getline(in, raw)) {
      lineNo++;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      if (raw.find('\t') != std::string::npos)
        return fail(lineNo, static_cast<int>(raw.find('\t')) + 1, "tab character: indent with spaces");
      std::string line = raw.substr(0, raw.find('#'));
      size_t indent = line.find_first_not_of(' ');
      if (indent == std::string::npos) continue;  // blank or comment
      std::vector<Word> words = split(line);

      if (indent == 0) {
        if (pendingRepeatLine) return fail(pendingRepeatLine, 1, "`repeat` needs an indented block under it");
        if (current && current->steps.empty())
          return fail(current->line, 1, "template " + util::quoteForDisplay(current->name) + " has no steps");
        blocks.clear();
        current = topLevel(words, lineNo);
        if (err_) return false;
        if (current) blocks.push_back({-1, &current->steps});
        continue;
      }
      if (!current)
        return fail(lineNo, static_cast<int>(indent) + 1,
                         "a step outside any template: start one with `go NAME:`");
      const int ind = static_cast<int>(indent);
      if (blocks.back().first < 0) blocks.back().first = ind;  // the template's first step sets its indent
      if (pendingRepeatLine) {
        if (ind <= blocks.back().first)
          return fail(pendingRepeatLine, 1, "`repeat` needs an indented block under it");
        if (blocks.size() > kMaxDepth)
          return fail(lineNo, ind + 1, "blocks nested more than " + std::to_string(kMaxDepth) + " deep");
        Step& rep = blocks.back().second->back();
        blocks.push_back({ind, &rep.body});
        pendingRepeatLine = 0;
      }
      while (blocks.size() > 1 && ind < blocks.back().first) blocks.pop_back();
      if (ind != blocks.back().first)
        return fail(lineNo, ind + 1, "indentation does not match any open block (expected " +
                                              std::to_string(blocks.back().first) + " spaces)");
      Step st = step(words, lineNo);
      if (err_) return false;
      const bool isRepeat = st.op == Op::Repeat;
      blocks.back().second->push_back(std::move(st));
      if (isRepeat) pendingRepeatLine = lineNo;
    }
    if (pendingRepeatLine) return fail(pendingRepeatLine, 1, "`repeat` needs an indented block under it");
    if (current && current->steps.empty())
      return fail(current->line, 1, "template " + util::quoteForDisplay(current->name) + " has no steps");
    return resolve();
  }

  const std::optional<ParseError>& error() const { return err_; }

 private:
  std::vector<Word> split(const std::string& line) {
    std::vector<Word> w;
    size_t i = 0;
    while (i < line.size()) {
      if (line[i] == ' ') {
        i++;
        continue;
      }
      size_t j = line.find(' ', i);
      if (j == std::string::npos) j = line.size();
      w.push_back({line.substr(i, j - i), static_cast<int>(i) + 1});
      i = j;
    }
    return w;
  }

  Template* topLevel(const std::vector<Word>& w, int line) {
    const std::string& kw = w[0].text;
    if (kw == "go") {
      if (w.size() != 2 || w[1].text.size() < 2 || w[1].text.back() != ':')
        return fail(line, w[0].col, "write a template as `go NAME:`");
      std::string name = w[1].text.substr(0, w[1].text.size() - 1);
      if (!isName(name)) return fail(line, w[1].col, util::quoteForDisplay(name) + " is not a name");
      if (!templateNames_.insert(name).second)
        return fail(line, w[1].col, "template " + util::quoteForDisplay(name) + " is defined twice");
      s_->templates.push_back(Template{name, line, {}});
      return &s_->templates.back();
    }
    if (kw == "chan") {
      if (w.size() < 2 || w.size() > 3) return fail(line, w[0].col, "write a channel as `chan NAME [CAPACITY]`");
      if (!declare(w[1], line)) return nullptr;
      uint32_t cap = 0;
      if (w.size() == 3) cap = static_cast<uint32_t>(number(w[2], line, 0, 1 << 20, "a capacity"));
      if (err_) return nullptr;
      chanSlots_ += cap;
      if (chanSlots_ > kMaxChanSlots)
        return fail(line, w.size() == 3 ? w[2].col : w[0].col,
                    "the channels' buffers hold more than " + std::to_string(kMaxChanSlots) +
                        " values in all (" + std::to_string(kMaxChanSlots * 8 >> 20) +
                        " MiB, the lab's budget for a run)");
      s_->chans.push_back({w[1].text, cap});
      return nullptr;
    }
    if (kw == "mutex") {
      if (w.size() != 2) return fail(line, w[0].col, "write a mutex as `mutex NAME`");
      if (!declare(w[1], line)) return nullptr;
      s_->mutexes.push_back(w[1].text);
      return nullptr;
    }
    if (kw == "procs") {
      if (w.size() != 2) return fail(line, w[0].col, "write `procs N`");
      s_->procs = static_cast<int>(number(w[1], line, 1, 256, "GOMAXPROCS"));
      return nullptr;  // (an error, if any, is in err_)
    }
    if (std::find(kSteps.begin(), kSteps.end(), kw) != kSteps.end())
      return fail(line, w[0].col, "a step must be indented under a `go NAME:` template");
    return fail(line, w[0].col, "unknown keyword \"" + util::truncateForDisplay(kw) + "\"" + didYouMean(kw, kTopLevel) +
                                         " (top level: go, chan, mutex, procs)");
  }

  bool declare(const Word& name, int line) {
    if (!isName(name.text)) return fail(line, name.col, "\"" + util::truncateForDisplay(name.text) + "\" is not a name");
    // Channels and mutexes share one namespace. A set, not a scan of the
    // lists: a megabyte of declarations must parse in linear time.
    if (!declared_.insert(name.text).second)
      return fail(line, name.col, util::quoteForDisplay(name.text) + " is declared twice");
    return true;
  }

  int64_t number(const Word& w, int line, int64_t lo, int64_t hi, const char* what) {
    int64_t v = 0;
    // At most 12 digits, so v cannot overflow; a longer word is not even
    // read (fuzzing found `1en683...` overflowing here).
    bool ok = !w.text.empty() && w.text.size() <= 12;
    for (size_t i = 0; ok && i < w.text.size(); i++) {
      const char c = w.text[i];
      if (c < '0' || c > '9') ok = false;
      else v = v * 10 + (c - '0');
    }
    if (!ok || v < lo || v > hi)
      return fail(line, w.col, std::string(what) + " must be a whole number from " + std::to_string(lo) + " to " +
                                        std::to_string(hi) + ", not \"" + util::truncateForDisplay(w.text) + "\"");
    return v;
  }

  int64_t duration(const Word& w, int line) {
    auto ns = util::parseDuration(w.text);
    if (!ns || *ns < 0 || *ns > 3600LL * 1000 * 1000 * 1000)
      return fail(line, w.col, "\"" + util::truncateForDisplay(w.text) +
                                        "\" is not a duration up to 1h; write it like 20us, 1.5ms or 2s");
    return *ns;
  }

  // Names are resolved once the whole script is read (resolve()).
  bool ref(Step* st, const Word& w, int line) {
    if (!isName(w.text)) return fail(line, w.col, "\"" + util::truncateForDisplay(w.text) + "\" is not a name");
    st->targetName = w.text;
    st->targetCol = w.col;
    return true;
  }

  bool arity(const std::vector<Word>& w, size_t n, int line, const char* usage) {
    if (w.size() != n) return fail(line, w[0].col, std::string("write `") + usage + "`");
    return true;
  }

  Step step(const std::vector<Word>& w, int line) {
    Step st;
    st.line = line;
    st.col = w[0].col;
    const std::string& kw = w[0].text;
    if (kw == "cpu" || kw == "syscall" || kw == "sleep") {
      if (!arity(w, 2, line, (kw + " DURATION").c_str())) return st;
      st.op = kw == "cpu" ? Op::Cpu : kw == "syscall" ? Op::Syscall : Op::Sleep;
      st.ns = duration(w[1], line);
    } else if (kw == "send" || kw == "recv" || kw == "close") {
      if (!arity(w, 2, line, (kw + " CHANNEL").c_str())) return st;
      st.op = kw == "send" ? Op::Send : kw == "recv" ? Op::Recv : Op::Close;
      ref(&st, w[1], line);
    } else if (kw == "lock" || kw == "unlock") {
      if (!arity(w, 2, line, (kw + " MUTEX").c_str())) return st;
      st.op = kw == "lock" ? Op::Lock : Op::Unlock;
      ref(&st, w[1], line);
    } else if (kw == "yield") {
      if (!arity(w, 1, line, "yield")) return st;
      st.op = Op::Yield;
    } else if (kw == "spawn") {
      if (w.size() != 2 && w.size() != 3) return fail(line, w[0].col, "write `spawn TEMPLATE [xN]`");
      st.op = Op::Spawn;
      if (!ref(&st, w[1], line)) return st;
      if (w.size() == 3) {
        if (w[2].text.size() < 2 || w[2].text[0] != 'x')
          return fail(line, w[2].col, "a count is written xN, e.g. x10");
        st.count = number(Word{w[2].text.substr(1), w[2].col + 1}, line, 1, kMaxSpawn, "the count");
      }
    } else if (kw == "repeat") {
      if (w.size() != 2 || w[1].text.empty() || w[1].text.back() != ':')
        return fail(line, w[0].col, "write `repeat N:` with the block indented under it");
      st.op = Op::Repeat;
      st.count = number(Word{w[1].text.substr(0, w[1].text.size() - 1), w[1].col}, line, 1, kMaxRepeat, "N");
    } else if (kw == "select") {
      st.op = Op::Select;
      selectCases(w, line, &st);
    } else {
      return fail(line, w[0].col, "unknown step \"" + util::truncateForDisplay(kw) + "\"" + didYouMean(kw, kSteps));
    }
    return st;
  }

  // select recv a | send b | default
  bool selectCases(const std::vector<Word>& w, int line, Step* st) {
    size_t i = 1;
    while (true) {
      if (i >= w.size()) return fail(line, w.back().col, "a select case is missing: recv C, send C or default");
      const Word& k = w[i];
      if (k.text == "default") {
        if (st->hasDefault) return fail(line, k.col, "select has two default cases");
        st->hasDefault = true;
        i++;
      } else if (k.text == "recv" || k.text == "send") {
        if (i + 1 >= w.size()) return fail(line, k.col, "`" + k.text + "` needs a channel");
        const Word& c = w[i + 1];
        if (!isName(c.text)) return fail(line, c.col, "\"" + util::truncateForDisplay(c.text) + "\" is not a name");
        st->cases.push_back(SelectCase{k.text == "send", -1, c.text, c.col});
        i += 2;
      } else {
        return fail(line, k.col, "a select case is recv C, send C or default, not \"" +
                                          util::truncateForDisplay(k.text) + "\"");
      }
      if (i == w.size()) break;
      if (w[i].text != "|") return fail(line, w[i].col, "separate select cases with |");
      i++;
    }
    if (st->cases.size() > 64) return fail(line, w[0].col, "select: at most 64 channel cases");
    return true;
  }

  int lookup(const std::string& name, const std::vector<std::string>& names,
             const std::unordered_map<std::string, int>& index, char kind, int line, int col) {
    if (auto it = index.find(name); it != index.end()) return it->second;
    const char* what = kind == 'c' ? "channel" : kind == 'm' ? "mutex" : "template";
    const std::string shown = util::truncateForDisplay(name);
    std::string fix = kind == 't' ? " (define it with `go " + shown + ":`)"
                                  : std::string(" (declare it with `") + (kind == 'c' ? "chan " : "mutex ") + shown + "`)";
    std::string hint = didYouMean(name, names);
    return fail(line, col, std::string("no ") + what + " " + util::quoteForDisplay(name) + (hint.empty() ? fix : hint));
  }

  bool resolveSteps(std::vector<Step>& steps) {
    for (Step& st : steps) {
      switch (st.op) {
        case Op::Send:
        case Op::Recv:
        case Op::Close:
          st.target = lookup(st.targetName, chans_, chanIndex_, 'c', st.line, st.targetCol);
          break;
        case Op::Lock:
        case Op::Unlock:
          st.target = lookup(st.targetName, s_->mutexes, mutexIndex_, 'm', st.line, st.targetCol);
          break;
        case Op::Spawn:
          st.target = lookup(st.targetName, templates_, templateIndex_, 't', st.line, st.targetCol);
          break;
        case Op::Select:
          for (SelectCase& c : st.cases) c.chan = lookup(c.name, chans_, chanIndex_, 'c', st.line, c.col);
          break;
        case Op::Repeat:
          resolveSteps(st.body);
          break;
        default:
          break;
      }
      if (err_) return false;
    }
    return true;
  }

  bool resolve() {
    // Names to indices (a name is declared once: checked as it was read).
    for (const auto& c : s_->chans) {
      chanIndex_.emplace(c.name, static_cast<int>(chans_.size()));
      chans_.push_back(c.name);
    }
    for (const auto& m : s_->mutexes) mutexIndex_.emplace(m, static_cast<int>(mutexIndex_.size()));
    for (const auto& t : s_->templates) {
      templateIndex_.emplace(t.name, static_cast<int>(templates_.size()));
      templates_.push_back(t.name);
    }
    for (Template& t : s_->templates)
      if (!resolveSteps(t.steps)) return false;
    for (size_t i = 0; i < s_->templates.size(); i++)
      if (s_->templates[i].name == "main") s_->main = static_cast<int>(i);
    if (s_->main < 0) return fail(1, 1, "no `go main:` template: a scenario starts in main");
    return true;
  }

  // Records the first error; converts to the failing function's result.
  Failed fail(int line, int col, std::string msg) {
    if (!err_) err_ = ParseError{line, col, std::move(msg)};
    return {};
  }

  const std::string& text_;
  Script* s_;
  std::optional<ParseError> err_;
  std::vector<std::string> chans_, templates_;
  std::unordered_set<std::string> templateNames_, declared_;
  uint64_t chanSlots_ = 0;
  std::unordered_map<std::string, int> chanIndex_, mutexIndex_, templateIndex_;
};

}  // namespace

std::unique_ptr<Script> parse(const std::string& text, const std::string& fileName, std::string* err) {
  auto s = std::make_unique<Script>();
  std::string base = fileName.substr(fileName.find_last_of('/') + 1);
  if (base.size() > 4 && base.substr(base.size() - 4) == ".scn") base.resize(base.size() - 4);
  s->name = base.empty() ? "script" : base;
  // The file name is input too: a name with a newline must not cut the line.
  const std::string shownName = util::truncateForDisplay(fileName);
  if (text.size() > kMaxScriptBytes) {
    *err = shownName + ": the script is larger than 1 MiB";
    return nullptr;
  }
  if (util::invalidUtf8At(text) != std::string_view::npos) {
    *err = shownName + ": the script is not UTF-8 text";
    return nullptr;
  }
  // Templates are kept by pointer while parsing: reserve so they never move.
  s->templates.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  Parser parser(text, s.get());
  if (!parser.run()) {
    const ParseError& e = *parser.error();
    *err = shownName + ":" + std::to_string(e.line) + ":" + std::to_string(e.col) + ": " + e.msg;
    return nullptr;
  }
  return s;
}

}  // namespace lab::script
