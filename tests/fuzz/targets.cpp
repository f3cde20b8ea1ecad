#include "targets.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "lab/lab.hpp"
#include "lab/scenarios/script.hpp"
#include "lab/shell/line_completion.hpp"
#include "lab/shell/tokenizer.hpp"
#include "runtime/env.hpp"

namespace fuzz {

namespace {

// An error sentence a parser returned: one line, and not an echo of the input.
constexpr size_t kMaxErrorBytes = 2500;

void require(bool ok, const char* what, std::string_view detail) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: property broken: %s: %.*s\n", what, static_cast<int>(std::min<size_t>(detail.size(), 400)),
               detail.data());
  std::abort();
}

void checkErrorLine(const std::string& err, const char* what) {
  require(!err.empty(), what, "empty error");
  require(err.find('\n') == std::string::npos, what, err);
  require(err.size() <= kMaxErrorBytes, what, err);
}

lab::Lab& theLab() {
  static lab::Lab* lab = [] {
    lab::HostInfo host;
    host.platform = "fuzz";
    host.ncpu = 2;
    return new lab::Lab(host);  // never destroyed: the process ends with it
  }();
  return *lab;
}

}  // namespace

void shellLine(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  lab::Tokenized t = lab::tokenize(line);
  if (!t.error.empty()) checkErrorLine(t.error, "tokenizer error");

  lab::Lab& lab = theLab();
  // Completion sees half-typed lines: every candidate extends the token.
  lab::Completion c = lab.complete(line);
  for (const auto& cand : c.candidates) require(cand.rfind(c.token, 0) == 0, "completion candidate", cand);
  lab::CompletionEdit e = lab::completionEdit(c);
  (void)e;

  if (!t.error.empty() || t.tokens.empty()) return;
  // Parsing every command's flags and arguments; running only those that run
  // no program (a run of skynet --size 100000000 would take the fuzzer's
  // whole budget).
  const lab::CommandSpec* spec = lab.registry().find(t.tokens[0].text);
  if (spec) {
    std::vector<std::string> words;
    for (size_t i = 1; i < t.tokens.size(); i++) words.push_back(t.tokens[i].text);
    std::string err;
    if (!lab::parseInvocation(*spec, words, &err)) checkErrorLine(err, "parseInvocation error");
  }
  const std::string& name = t.tokens[0].text;
  if (!spec || name == "env" || name == "help" || name == "sizeclass" || name == "version") {
    lab::Reply r = lab.exec(line);
    if (!r.ok && !r.programFailed) {
      checkErrorLine(r.text, "exec error");
      require(r.text.rfind("error: ", 0) == 0, "exec error prefix", r.text);
    }
  }
}

void scenarioScript(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string err;
  std::unique_ptr<lab::script::Script> s = lab::script::parse(text, "fuzz.scn", &err);
  if (!s) {
    checkErrorLine(err, "script error");
    require(err.rfind("fuzz.scn", 0) == 0, "script error names the file", err);
    return;
  }
  // A parsed script is whole: a main template, every name resolved.
  require(s->main >= 0 && s->main < static_cast<int>(s->templates.size()), "script main", text);
  (void)lab::script::toScenario(std::shared_ptr<const lab::script::Script>(std::move(s)));
}

void envValue(const uint8_t* data, size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  std::string err;
  if (!rt::parseGOMAXPROCS(s, &err)) checkErrorLine(err, "GOMAXPROCS error");
  err.clear();
  if (!rt::parseGOGC(s, &err)) checkErrorLine(err, "GOGC error");
  err.clear();
  if (!rt::parseGOMEMLIMIT(s, &err)) checkErrorLine(err, "GOMEMLIMIT error");
  err.clear();
  auto d = rt::parseGODEBUG(s, &err);
  if (!d) {
    checkErrorLine(err, "GODEBUG error");
    return;
  }
  // What the lab prints back parses to the same settings.
  std::string again;
  auto d2 = rt::parseGODEBUG(d->str(), &again);
  require(d2.has_value() && *d2 == *d, "GODEBUG round trip", s);
}

}  // namespace fuzz
