// The lab's command language, described as data.
//
// Every command is a CommandSpec: its name, its positional arguments, its flags
// (with types and defaults) and its help text in Chinese and English. The one
// registry of specs drives everything a user sees of a command: parsing and
// its error messages, `help`, and tab completion in the web terminal. Adding a
// command is adding a spec; nothing else needs to learn about it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lab {

class Lab;

enum class Language { En, Zh };

// A UI string in both of the lab's languages.
struct Text {
  std::string_view en;
  std::string_view zh;
  std::string_view in(Language l) const { return l == Language::Zh && !zh.empty() ? zh : en; }
};

enum class FlagType {
  Bool,      // --json, or --json=false
  Int,       // --procs 4, bounded by [min, max]
  Duration,  // --for 200ms, Go's syntax
  Choice,    // --engine sim|real
  String,    // --trace out.json
};

struct FlagSpec {
  std::string name;          // without the leading dashes
  FlagType type = FlagType::Bool;
  std::string valueName;     // in help: --procs N
  std::string defaultValue;  // as a user would type it; empty = none
  Text help;
  std::vector<std::string> choices;  // FlagType::Choice
  int64_t min = INT64_MIN, max = INT64_MAX;  // FlagType::Int, and Duration (ns)
};

struct ArgSpec {
  std::string name;  // in usage: <scenario>, [cmd]
  bool optional = false;
  bool variadic = false;
  // Completion candidates for this argument (all of them; the shell filters
  // by what was typed). May be empty.
  std::function<std::vector<std::string>(const Lab&)> complete;
};

// What a command answers. `text` is for people; `json` is the same answer for
// programs (the web views, the tests, the course checker), always one JSON
// value.
//
// Two kinds of failure: bad input (Reply::error) is exactly one line, and the
// shell prefixes it with "error: "; a program that ran and died (a deadlock,
// a panic: Reply::programFailed) keeps Go's own multi-line report.
struct Reply {
  bool ok = true;
  std::string text;
  std::string json;
  bool programFailed = false;

  static Reply error(std::string message);
  static Reply programFailure(std::string text, std::string json);
};

struct CommandSpec;

// A parsed command line: which command, its flags with defaults filled in, and
// its positional arguments. Values were already checked against their types.
struct Invocation {
  const CommandSpec* command = nullptr;
  std::map<std::string, std::string, std::less<>> flags;  // every declared flag
  std::map<std::string, bool, std::less<>> given;         // the ones the user typed
  std::vector<std::string> args;
  bool json = false;

  bool flagGiven(std::string_view name) const { return given.find(name) != given.end(); }
  bool boolFlag(std::string_view name) const;
  int64_t intFlag(std::string_view name) const;
  int64_t durationFlag(std::string_view name) const;  // nanoseconds
  const std::string& stringFlag(std::string_view name) const;
};

using Handler = std::function<Reply(Lab&, const Invocation&)>;

struct CommandSpec {
  std::string name;
  Text summary;  // one line, shown in `help`
  Text details;  // paragraphs, shown in `help <cmd>`
  std::vector<ArgSpec> args;
  std::vector<FlagSpec> flags;  // `--json` is added to every command
  Handler run;
  std::string example;  // a complete, quick invocation, shown by help (default: the bare name)

  const FlagSpec* flag(std::string_view flagName) const;
  std::string usage() const;  // "env [NAME=value...] [--json]"
};

class Registry {
 public:
  Registry();
  void add(CommandSpec spec);
  const CommandSpec* find(std::string_view name) const;
  std::vector<const CommandSpec*> all() const;  // sorted by name
  std::vector<std::string> names() const;

 private:
  std::map<std::string, CommandSpec, std::less<>> commands_;
};

// The flag every command has.
const FlagSpec& jsonFlagSpec();

// Checks `tokens` (the words after the command name) against the spec and
// fills an Invocation; on a problem returns nullopt and one error sentence.
std::optional<Invocation> parseInvocation(const CommandSpec& spec, const std::vector<std::string>& words,
                                          std::string* err);

}  // namespace lab
