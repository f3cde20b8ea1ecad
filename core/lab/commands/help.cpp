// help [cmd]: the command list, or one command's usage, flags and details.
// Everything printed comes from the registry's specs, so help cannot drift
// from what the parser accepts. `help --json` is how the web page learns the
// command language.
#include <algorithm>

#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/shell/shell.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

std::string_view typeName(FlagType t) {
  switch (t) {
    case FlagType::Bool: return "bool";
    case FlagType::Int: return "int";
    case FlagType::Duration: return "duration";
    case FlagType::Choice: return "choice";
    case FlagType::String: return "string";
  }
  return "string";
}

void specJson(JsonWriter& j, const CommandSpec& c, Language lang) {
  j.beginObject();
  j.field("name", c.name).field("usage", c.usage()).field("summary", c.summary.in(lang));
  j.field("details", c.details.in(lang)).field("example", c.example.empty() ? c.name : c.example);
  j.key("args").beginArray();
  for (const auto& a : c.args)
    j.beginObject().field("name", a.name).field("optional", a.optional).field("variadic", a.variadic).endObject();
  j.endArray();
  j.key("flags").beginArray();
  for (const auto& f : c.flags) {
    j.beginObject().field("name", f.name).field("type", typeName(f.type)).field("default", f.defaultValue);
    j.field("help", f.help.in(lang));
    if (f.type == FlagType::Int) j.field("min", f.min).field("max", f.max);
    j.key("choices").beginArray();
    for (const auto& ch : f.choices) j.value(ch);
    j.endArray().endObject();
  }
  j.endArray();
  j.endObject();
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

Reply listCommands(const Lab& lab) {
  const Language lang = lab.language();
  std::string text = lang == Language::Zh ? "命令:\n" : "Commands:\n";
  size_t width = 0;
  for (const auto* c : lab.registry().all()) width = std::max(width, c->name.size());
  for (const auto* c : lab.registry().all())
    text += "  " + pad(c->name, width + 2) + std::string(c->summary.in(lang)) + "\n";
  const std::string mib = std::to_string(kMaxReplyBytes >> 20);
  text += lang == Language::Zh ? "输入 \"help <命令>\" 查看参数和选项。每个命令都接受 --json。每个命令最多输出 " + mib +
                                     " MiB，超出部分截断并注明。"
                               : "Type \"help <command>\" for its arguments and flags. Every command accepts --json. "
                                 "A command prints at most " + mib + " MiB; beyond that its output is cut, and says so.";
  JsonWriter j;
  j.beginObject().key("commands").beginArray();
  for (const auto* c : lab.registry().all()) specJson(j, *c, lang);
  j.endArray().endObject();
  return Reply{true, text, j.str()};
}

Reply explainCommand(const Lab& lab, const CommandSpec& c) {
  const Language lang = lab.language();
  std::string text = "usage: " + c.usage() + "\n\n" + std::string(c.summary.in(lang)) + "\n";
  if (!c.details.in(lang).empty()) text += "\n" + std::string(c.details.in(lang)) + "\n";
  // Arguments with a small set of values (run's scenarios, help's commands)
  // list them, from the same source as tab completion.
  for (const auto& a : c.args) {
    if (!a.complete) continue;
    std::vector<std::string> values = a.complete(lab);
    if (values.empty() || values.size() > 24 || values.front().back() == '=') continue;
    text += "\n" + a.name + (lang == Language::Zh ? ": " : ": ");
    for (size_t i = 0; i < values.size(); i++) text += (i ? ", " : "") + values[i];
    text += "\n";
  }
  if (!c.example.empty()) text += (lang == Language::Zh ? "\n示例: " : "\nexample: ") + c.example + "\n";
  text += lang == Language::Zh ? "\n选项:\n" : "\nflags:\n";
  size_t width = 0;
  std::vector<std::string> left;
  for (const auto& f : c.flags) {
    std::string l = "--" + f.name;
    if (f.type != FlagType::Bool) l += " " + (f.valueName.empty() ? std::string("value") : f.valueName);
    width = std::max(width, l.size());
    left.push_back(l);
  }
  for (size_t i = 0; i < c.flags.size(); i++) {
    const auto& f = c.flags[i];
    text += "  " + pad(left[i], width + 2) + std::string(f.help.in(lang));
    if (f.type != FlagType::Bool && !f.defaultValue.empty())
      text += (lang == Language::Zh ? "（默认 " : " (default ") + f.defaultValue + (lang == Language::Zh ? "）" : ")");
    text += "\n";
  }
  text.pop_back();
  JsonWriter j;
  specJson(j, c, lang);
  return Reply{true, text, j.str()};
}

}  // namespace

CommandSpec helpCommand() {
  return CommandSpec{
      .name = "help",
      .summary = {"list the commands, or explain one", "列出所有命令，或解释某个命令"},
      .details = {"With a command name, shows its usage, its flags and their defaults.",
                  "给出命令名时，显示它的用法、选项和默认值。"},
      .args = {ArgSpec{.name = "cmd",
                       .optional = true,
                       .variadic = false,
                       .complete = [](const Lab& lab) { return lab.registry().names(); }}},
      .flags = {},
      .run = [](Lab& lab, const Invocation& inv) -> Reply {
        if (inv.args.empty()) return listCommands(lab);
        const CommandSpec* c = lab.registry().find(inv.args[0]);
        if (!c) {
          std::string msg = "help: no command \"" + util::truncateForDisplay(inv.args[0]) + "\"";
          if (auto guess = util::suggest(inv.args[0], lab.registry().names()); !guess.empty())
            msg += "; did you mean \"" + guess + "\"?";
          return Reply::error(msg);
        }
        return explainCommand(lab, *c);
      },
  };
}

}  // namespace lab
