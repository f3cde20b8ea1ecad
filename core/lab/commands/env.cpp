// env [NAME=value...]: show or set the runtime's environment, the way a Go
// program reads GOMAXPROCS, GOGC, GOMEMLIMIT and GODEBUG at start.
//
// Setting works like assigning an environment variable: GODEBUG=gctrace=1
// replaces the whole GODEBUG value. All assignments are checked before any is
// applied, so a bad one leaves every setting as it was.
#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

const std::vector<std::string> kNames = {"GOMAXPROCS", "GOGC", "GOMEMLIMIT", "GODEBUG"};

std::string listing(const rt::Env& e) {
  return "GOMAXPROCS=" + std::to_string(e.gomaxprocs) + "\nGOGC=" + rt::formatGOGC(e.gogc) +
         "\nGOMEMLIMIT=" + rt::formatGOMEMLIMIT(e.gomemlimit) + "\nGODEBUG=" + e.debug.str();
}

std::string json(const rt::Env& e, const HostInfo& host) {
  JsonWriter j;
  j.beginObject().field("GOMAXPROCS", e.gomaxprocs);
  if (e.gogc < 0) j.field("GOGC", "off");
  else j.field("GOGC", e.gogc);
  if (e.gomemlimit < 0) j.field("GOMEMLIMIT", "off");
  else j.field("GOMEMLIMIT", e.gomemlimit);
  j.key("GODEBUG").beginObject();
  for (const auto& v : rt::DebugVars::table()) j.field(v.name, e.debug.get(v.name));
  j.endObject();
  j.field("ncpu", host.ncpu).endObject();
  return j.str();
}

// Applies one NAME=value to `e`; returns the error sentence or "".
std::string assign(rt::Env& e, std::string_view word) {
  size_t eq = word.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return "env: expected NAME=value, got \"" + util::truncateForDisplay(word) + "\"";
  std::string_view name = word.substr(0, eq), value = word.substr(eq + 1);
  std::string err;
  if (name == "GOMAXPROCS") {
    if (auto v = rt::parseGOMAXPROCS(value, &err)) e.gomaxprocs = *v;
  } else if (name == "GOGC") {
    if (auto v = rt::parseGOGC(value, &err)) e.gogc = *v;
  } else if (name == "GOMEMLIMIT") {
    if (auto v = rt::parseGOMEMLIMIT(value, &err)) e.gomemlimit = *v;
  } else if (name == "GODEBUG") {
    if (auto v = rt::parseGODEBUG(value, &err)) e.debug = *v;
  } else {
    err = "unknown variable \"" + util::truncateForDisplay(name) + "\"";
    if (auto guess = util::suggest(name, kNames); !guess.empty()) err += "; did you mean \"" + guess + "\"?";
    err += " (the lab reads GOMAXPROCS, GOGC, GOMEMLIMIT, GODEBUG)";
  }
  return err.empty() ? "" : (err.starts_with("env: ") ? err : "env: " + err);
}

std::vector<std::string> completions(const Lab&) {
  std::vector<std::string> c = {"GOMAXPROCS=", "GOGC=", "GOGC=off", "GOMEMLIMIT=", "GOMEMLIMIT=off", "GODEBUG="};
  for (const auto& v : rt::DebugVars::table()) c.push_back("GODEBUG=" + std::string(v.name) + "=");
  return c;
}

}  // namespace

CommandSpec envCommand() {
  return CommandSpec{
      .name = "env",
      .summary = {"show or set GOMAXPROCS, GOGC, GOMEMLIMIT and GODEBUG", "查看或设置 GOMAXPROCS、GOGC、GOMEMLIMIT 和 GODEBUG"},
      .details = {"Examples: env GOMAXPROCS=4   env GOGC=off   env GODEBUG=schedtrace=10,scheddetail=1\n"
                  "Values are read as Go reads them (GOGC=off, GOMEMLIMIT=512MiB, GODEBUG is comma-separated "
                  "key=value). Where Go would silently fall back to a default, the lab reports the mistake. "
                  "Setting GODEBUG replaces all of it; GODEBUG= clears it. --reset restores the defaults.",
                  "示例: env GOMAXPROCS=4   env GOGC=off   env GODEBUG=schedtrace=10,scheddetail=1\n"
                  "取值规则与 Go 相同（GOGC=off，GOMEMLIMIT=512MiB，GODEBUG 为逗号分隔的 key=value）。"
                  "Go 会静默回退到默认值的地方，实验室会报告错误。设置 GODEBUG 会替换整个值；GODEBUG= 清空它。"
                  "--reset 恢复默认值。"},
      .args = {ArgSpec{.name = "NAME=value", .optional = true, .variadic = true, .complete = completions}},
      .flags = {FlagSpec{.name = "reset",
                         .type = FlagType::Bool,
                         .valueName = "",
                         .defaultValue = "false",
                         .help = {"restore every variable to its default first", "先把所有变量恢复为默认值"}}},
      .run = [](Lab& lab, const Invocation& inv) -> Reply {
        rt::Env next = inv.boolFlag("reset") ? lab.defaultEnv() : lab.env();
        for (const auto& word : inv.args)
          if (std::string err = assign(next, word); !err.empty()) return Reply::error(err);
        lab.setEnv(next);
        return Reply{true, listing(next), json(next, lab.host())};
      },
  };
}

}  // namespace lab
