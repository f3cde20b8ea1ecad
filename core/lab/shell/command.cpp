#include "lab/shell/command.hpp"

#include <algorithm>
#include <charconv>

#include "util/duration.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

std::string quoted(std::string_view s) { return "\"" + util::truncateForDisplay(s) + "\""; }

std::optional<int64_t> parseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool looksLikeFlag(std::string_view w) {
  // "-5" is a negative number, not a flag; "-", "--x" and "-x" are flags.
  return w.size() > 1 && w[0] == '-' && !(w[1] >= '0' && w[1] <= '9');
}

std::string flagList(const CommandSpec& spec) {
  std::string out;
  for (const auto& f : spec.flags) out += (out.empty() ? "--" : ", --") + f.name;
  return out;
}

// Checks a flag value against its type; returns the error sentence or "".
std::string checkValue(const FlagSpec& f, std::string_view value) {
  switch (f.type) {
    case FlagType::Bool:
      if (value == "true" || value == "false" || value == "1" || value == "0") return "";
      return "--" + f.name + " takes true or false, not " + quoted(value);
    case FlagType::Int: {
      auto v = parseInt(value);
      if (!v || *v < f.min || *v > f.max)
        return "--" + f.name + " needs an integer in " + std::to_string(f.min) + ".." + std::to_string(f.max) +
               ", not " + quoted(value);
      return "";
    }
    case FlagType::Duration:
      if (!util::parseDuration(value) || *util::parseDuration(value) < 0)
        return "--" + f.name + " needs a duration like 200ms, 1.5s or 10us, not " + quoted(value);
      if (*util::parseDuration(value) < f.min || *util::parseDuration(value) > f.max)
        return "--" + f.name + " needs a duration in " + util::formatDuration(std::max<int64_t>(f.min, 0)) + ".." +
               util::formatDuration(f.max) + ", not " + quoted(value);
      return "";
    case FlagType::Choice: {
      if (std::find(f.choices.begin(), f.choices.end(), value) != f.choices.end()) return "";
      std::string msg = "--" + f.name + " must be one of ";
      for (size_t i = 0; i < f.choices.size(); i++) msg += (i ? "|" : "") + f.choices[i];
      msg += ", not " + quoted(value);
      if (auto guess = util::suggest(value, f.choices); !guess.empty()) msg += "; did you mean " + quoted(guess) + "?";
      return msg;
    }
    case FlagType::String:
      return "";
  }
  return "";
}

}  // namespace

Reply Reply::error(std::string message) {
  Reply r;
  r.ok = false;
  r.text = std::move(message);
  return r;
}

Reply Reply::programFailure(std::string text, std::string json) {
  Reply r;
  r.ok = false;
  r.programFailed = true;
  r.text = std::move(text);
  r.json = std::move(json);
  return r;
}

const FlagSpec& jsonFlagSpec() {
  static const FlagSpec spec{
      .name = "json",
      .type = FlagType::Bool,
      .valueName = "",
      .defaultValue = "false",
      .help = {"print the answer as JSON", "以 JSON 格式输出结果"},
  };
  return spec;
}

bool Invocation::boolFlag(std::string_view name) const {
  auto it = flags.find(name);
  return it != flags.end() && (it->second == "true" || it->second == "1");
}

int64_t Invocation::intFlag(std::string_view name) const {
  auto it = flags.find(name);
  return it == flags.end() ? 0 : parseInt(it->second).value_or(0);
}

int64_t Invocation::durationFlag(std::string_view name) const {
  auto it = flags.find(name);
  return it == flags.end() ? 0 : util::parseDuration(it->second).value_or(0);
}

const std::string& Invocation::stringFlag(std::string_view name) const {
  static const std::string empty;
  auto it = flags.find(name);
  return it == flags.end() ? empty : it->second;
}

const FlagSpec* CommandSpec::flag(std::string_view flagName) const {
  for (const auto& f : flags)
    if (f.name == flagName) return &f;
  return nullptr;
}

std::string CommandSpec::usage() const {
  std::string u = name;
  for (const auto& a : args) {
    std::string n = a.name + (a.variadic ? "..." : "");
    u += a.optional ? " [" + n + "]" : " <" + n + ">";
  }
  for (const auto& f : flags) {
    std::string v = f.type == FlagType::Bool ? "" : " " + (f.valueName.empty() ? std::string("value") : f.valueName);
    u += " [--" + f.name + v + "]";
  }
  return u;
}

Registry::Registry() = default;

void Registry::add(CommandSpec spec) {
  spec.flags.push_back(jsonFlagSpec());
  std::string name = spec.name;
  commands_.insert_or_assign(std::move(name), std::move(spec));
}

const CommandSpec* Registry::find(std::string_view name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

std::vector<const CommandSpec*> Registry::all() const {
  std::vector<const CommandSpec*> out;
  for (const auto& [_, spec] : commands_) out.push_back(&spec);
  return out;  // std::map keeps them sorted by name
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : commands_) out.push_back(name);
  return out;
}

std::optional<Invocation> parseInvocation(const CommandSpec& spec, const std::vector<std::string>& words,
                                          std::string* err) {
  Invocation inv;
  inv.command = &spec;
  for (const auto& f : spec.flags) inv.flags[f.name] = f.defaultValue;

  bool flagsDone = false;
  for (size_t i = 0; i < words.size(); i++) {
    const std::string& w = words[i];
    if (!flagsDone && w == "--") {
      flagsDone = true;  // everything after "--" is positional
      continue;
    }
    if (flagsDone || !looksLikeFlag(w)) {
      inv.args.push_back(w);
      continue;
    }
    // Go's flag package accepts -name and --name, with =value or a separate word.
    std::string_view body = std::string_view(w).substr(w[1] == '-' ? 2 : 1);
    std::string_view name = body, value;
    bool hasValue = false;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      hasValue = true;
    }
    const FlagSpec* f = spec.flag(name);
    if (!f) {
      std::vector<std::string> names;
      for (const auto& fl : spec.flags) names.push_back(fl.name);
      *err = spec.name + ": unknown flag " + quoted(w);
      if (auto guess = util::suggest(name, names); !guess.empty()) *err += "; did you mean \"--" + guess + "\"?";
      *err += " (flags: " + flagList(spec) + ")";
      return std::nullopt;
    }
    if (inv.given.count(f->name)) {
      *err = spec.name + ": flag --" + f->name + " given twice";
      return std::nullopt;
    }
    if (!hasValue) {
      if (f->type == FlagType::Bool) {
        value = "true";
      } else if (i + 1 < words.size()) {
        value = words[++i];
      } else {
        *err = spec.name + ": flag --" + f->name + " needs a value (" +
               (f->valueName.empty() ? std::string("value") : f->valueName) + ")";
        return std::nullopt;
      }
    }
    if (std::string problem = checkValue(*f, value); !problem.empty()) {
      *err = spec.name + ": " + problem;
      return std::nullopt;
    }
    inv.flags[f->name] = std::string(value);
    inv.given[f->name] = true;
  }

  // Positional arguments: the required ones must be there, and no extras.
  size_t required = 0, maximum = 0;
  bool variadic = false;
  for (const auto& a : spec.args) {
    if (!a.optional) required++;
    maximum++;
    variadic = variadic || a.variadic;
  }
  if (inv.args.size() < required) {
    *err = spec.name + ": missing <" + spec.args[inv.args.size()].name + "> (usage: " + spec.usage() + ")";
    return std::nullopt;
  }
  if (!variadic && inv.args.size() > maximum) {
    *err = spec.name + ": unexpected argument " + quoted(inv.args[maximum]) + " (usage: " + spec.usage() + ")";
    return std::nullopt;
  }
  inv.json = inv.boolFlag("json");
  return inv;
}

}  // namespace lab
