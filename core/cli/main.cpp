// rtlab: the lab on the command line.
//
//   rtlab <command...>     run one command, e.g. `rtlab run skynet --json`
//   rtlab                  read commands from standard input: an interactive
//                          prompt on a terminal, a script otherwise
//
// Output goes to stdout, errors to stderr. In a script every line runs even
// after a failure, and the exit status is 1 if any line failed; each error
// names its line number.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "lab/lab.hpp"

namespace {

// Quotes one argv word for the shell's tokenizer, so `rtlab env 'GODEBUG=a b'`
// reaches the command as the same single word.
std::string quoteWord(const std::string& w) {
  std::string out = "'";
  for (char c : w) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

lab::Language languageFromEnvironment() {
  for (const char* var : {"RTLAB_LANG", "LC_ALL", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) return std::string(v).starts_with("zh") ? lab::Language::Zh : lab::Language::En;
  }
  return lab::Language::En;
}

void print(const lab::Reply& r) {
  if (!r.text.empty()) std::cout << r.text << '\n' << std::flush;
}

int runInteractive(lab::Lab& lab) {
  std::cout << "Go Runtime Lab " << lab::labVersion() << " — type \"help\" for commands, Ctrl-D to leave.\n";
  std::string line;
  while (true) {
    std::cout << "rtlab> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (line == "exit" || line == "quit") break;
    lab::Reply r = lab.exec(line);
    if (r.ok) print(r);
    else std::cerr << r.text << '\n';
  }
  std::cout << '\n';
  return 0;
}

int runScript(lab::Lab& lab) {
  std::string line;
  int failures = 0;
  for (long lineNo = 1; std::getline(std::cin, line); lineNo++) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // scripts written on Windows
    lab::Reply r = lab.exec(line);
    if (r.ok) {
      print(r);
    } else {
      if (r.programFailed) std::cerr << r.text << "\nrtlab: line " << lineNo << ": the program failed\n";
      else std::cerr << "rtlab: line " << lineNo << ": " << r.text << '\n';
      failures++;
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  lab::Lab lab;
  lab.setLanguage(languageFromEnvironment());

  if (argc > 1) {
    std::string line;
    for (int i = 1; i < argc; i++) line += (i > 1 ? " " : "") + quoteWord(argv[i]);
    lab::Reply r = lab.exec(line);
    if (!r.ok) {
      // A program that died prints Go's report as is; bad input gets our prefix.
      std::cerr << (r.programFailed ? "" : "rtlab: ") << r.text << '\n';
      return 1;
    }
    print(r);
    return 0;
  }
  return isatty(STDIN_FILENO) ? runInteractive(lab) : runScript(lab);
}
