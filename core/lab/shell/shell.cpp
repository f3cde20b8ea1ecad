#include "lab/shell/shell.hpp"

#include <algorithm>
#include <exception>
#include <new>
#include <system_error>

#include "lab/commands/commands.hpp"
#include "lab/json.hpp"
#include "lab/lab.hpp"
#include "lab/shell/tokenizer.hpp"
#include "util/suggest.hpp"
#include "util/utf8.hpp"

namespace lab {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "--engine=sim" -> "engine"; "-json" -> "json"; "--" -> "".
std::string_view flagName(std::string_view word) {
  while (!word.empty() && word.front() == '-') word.remove_prefix(1);
  return word.substr(0, word.find('='));
}

void keepMatching(std::vector<std::string>& candidates, std::string_view prefix) {
  std::erase_if(candidates, [&](const std::string& c) { return !startsWith(c, prefix); });
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
}

std::string errorJson(std::string_view message) {
  JsonWriter j;
  j.beginObject().field("ok", false).field("error", message).endObject();
  return j.str();
}

// The longest error line: a sentence, a quoted value (at most
// util::kMaxQuotedChars characters) and a list of choices fit well within it.
constexpr size_t kMaxErrorBytes = 2000;

// Enforces the error contract on whatever a command returned: one line of
// bounded length. Commands quote input through util::truncateForDisplay
// already; this is the net under them: a control byte left in the message
// is shown escaped rather than cutting the line or reaching the terminal.
std::string oneErrorLine(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); i++) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (out.size() >= kMaxErrorBytes && (c & 0xC0) != 0x80) return out + "…";
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Cuts a reply's text at kMaxReplyBytes (at a line or UTF-8 boundary) and
// says so on one last line. A JSON answer is never cut in the middle: one
// too large is replaced by a small valid object that says it was.
void capOutput(Reply& r, Language lang) {
  const bool textIsJson = !r.json.empty() && r.text == r.json;  // --json
  if (r.json.size() > kMaxReplyBytes) {
    JsonWriter j;
    j.beginObject().field("ok", r.ok).field("truncated", true);
    j.field("bytes", static_cast<uint64_t>(r.json.size())).field("limit", static_cast<uint64_t>(kMaxReplyBytes));
    j.endObject();
    r.json = j.str();
    if (textIsJson) r.text = r.json;
  }
  if (r.text.size() <= kMaxReplyBytes) return;
  size_t cut = r.text.rfind('\n', kMaxReplyBytes);
  if (cut == std::string::npos || cut < kMaxReplyBytes / 2) {
    cut = kMaxReplyBytes;
    while (cut > 0 && (static_cast<unsigned char>(r.text[cut]) & 0xC0) == 0x80) cut--;
  }
  r.text.resize(cut);
  if (!r.text.empty() && r.text.back() != '\n') r.text += '\n';
  // No count of what was dropped: a run stops keeping its output past the
  // cap (run_session.cpp), so the total is not known.
  const std::string mib = std::to_string(kMaxReplyBytes >> 20);
  r.text += lang == Language::Zh ? "…（输出已截断：每个命令最多输出 " + mib + " MiB）"
                                 : "... (output truncated: a command prints at most " + mib + " MiB)";
}

}  // namespace

Shell::Shell(Lab& lab) : lab_(lab) { registerBuiltinCommands(registry_); }

Reply Shell::exec(std::string_view line) {
  Reply reply;
  // Whatever a command throws becomes its one error line; the lab's state
  // is what the command left (commands validate before they change
  // anything, so a throw can only come after validation, mid-work).
  try {
    reply = dispatch(line);
  } catch (const std::bad_alloc&) {
    reply = Reply::error(lab_.language() == Language::Zh ? "内存不足：该命令所需内存超出了可用内存"
                                                         : "out of memory: the command needed more memory than there is");
  } catch (const std::system_error& e) {
    reply = Reply::error(std::string(lab_.language() == Language::Zh ? "系统错误：" : "system error: ") + e.what());
  } catch (const std::exception& e) {
    reply = Reply::error(std::string(lab_.language() == Language::Zh ? "内部错误：" : "internal error: ") + e.what());
  } catch (...) {
    reply = Reply::error(lab_.language() == Language::Zh ? "内部错误" : "internal error");
  }
  if (!reply.ok && !reply.programFailed) {
    // Enforce the contract: one line, and a JSON form of it.
    reply.text = "error: " + oneErrorLine(reply.text);
    reply.json = errorJson(reply.text);
  }
  capOutput(reply, lab_.language());
  return reply;
}

Reply Shell::dispatch(std::string_view line) {
  Tokenized t = tokenize(line);
  Reply reply;
  if (!t.error.empty()) {
    reply = Reply::error(t.error);
  } else if (t.tokens.empty() || t.tokens[0].text.starts_with("#")) {
    return reply;  // an empty line or a comment: nothing to do
  } else if (const CommandSpec* spec = registry_.find(t.tokens[0].text); !spec) {
    std::string msg = "unknown command \"" + util::truncateForDisplay(t.tokens[0].text) + "\"";
    if (auto guess = util::suggest(t.tokens[0].text, registry_.names()); !guess.empty())
      msg += "; did you mean \"" + guess + "\"?";
    msg += " (type \"help\" for the list)";
    reply = Reply::error(msg);
  } else {
    std::vector<std::string> words;
    for (size_t i = 1; i < t.tokens.size(); i++) words.push_back(std::move(t.tokens[i].text));
    std::string err;
    auto inv = parseInvocation(*spec, words, &err);
    if (!inv) {
      reply = Reply::error(err);
    } else {
      reply = spec->run(lab_, *inv);
      if ((reply.ok || reply.programFailed) && inv->json) reply.text = reply.json;
    }
  }
  return reply;
}

Completion Shell::complete(std::string_view line) const {
  Completion out;
  Tokenized t = tokenize(line);
  // A quote still open is normal while typing; any other problem means we
  // cannot know what the user is in the middle of.
  if (!t.error.empty() && t.error.find("unterminated") == std::string::npos) return out;

  std::vector<std::string> words;
  for (auto& tok : t.tokens) words.push_back(tok.text);
  if (!t.endsInWord) words.emplace_back();  // starting a new word
  out.token = words.back();
  const size_t index = words.size() - 1;

  if (index == 0) {
    out.candidates = registry_.names();
    keepMatching(out.candidates, out.token);
    return out;
  }
  const CommandSpec* spec = registry_.find(words[0]);
  if (!spec) return out;

  auto flagCandidates = [&](const FlagSpec& f, std::string_view prefix) {
    std::vector<std::string> c;
    for (const auto& choice : f.choices) c.push_back(std::string(prefix) + choice);
    if (f.type == FlagType::Bool) c = {std::string(prefix) + "true", std::string(prefix) + "false"};
    return c;
  };

  if (startsWith(out.token, "-")) {
    // "--engine=s" completes the value; "--en" completes the flag name.
    if (size_t eq = out.token.find('='); eq != std::string::npos) {
      if (const FlagSpec* f = spec->flag(flagName(out.token))) out.candidates = flagCandidates(*f, out.token.substr(0, eq + 1));
    } else {
      for (const auto& f : spec->flags) out.candidates.push_back("--" + f.name);
    }
    keepMatching(out.candidates, out.token);
    return out;
  }

  // The word after a flag that takes a value is that value.
  const std::string& prev = words[index - 1];
  if (startsWith(prev, "-") && prev.find('=') == std::string::npos) {
    const FlagSpec* f = spec->flag(flagName(prev));
    if (f && f->type != FlagType::Bool) {
      out.candidates = flagCandidates(*f, "");
      keepMatching(out.candidates, out.token);
      return out;
    }
  }

  // Otherwise a positional argument: count the positional words before it.
  size_t position = 0;
  for (size_t i = 1; i < index; i++) {
    if (startsWith(words[i], "-")) {
      const FlagSpec* f = spec->flag(flagName(words[i]));
      if (f && f->type != FlagType::Bool && words[i].find('=') == std::string::npos) i++;  // skip its value
      continue;
    }
    position++;
  }
  const ArgSpec* arg = nullptr;
  if (position < spec->args.size()) arg = &spec->args[position];
  else if (!spec->args.empty() && spec->args.back().variadic) arg = &spec->args.back();
  if (arg && arg->complete) {
    out.candidates = arg->complete(lab_);
    keepMatching(out.candidates, out.token);
  }
  return out;
}

}  // namespace lab
