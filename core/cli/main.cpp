// rtlab: the lab on the command line.
//
//   rtlab <command...>     run one command, e.g. `rtlab run skynet --json`
//   rtlab                  read commands from standard input: an interactive
//                          prompt on a terminal, a script otherwise
//
// Output goes to stdout, errors to stderr. In a script every line runs even
// after a failure, and the exit status is 1 if any line failed; each error
// names its line number.
//
// Ctrl-C while a command runs a program stops the run at its next safe point
// (lab/interrupt.hpp) and the session goes on; at an idle prompt it drops
// the line being typed, as a shell does.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "lab/lab.hpp"
#include "line_reader.hpp"

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

// ---- SIGINT ----

// The interrupt flag of the lab whose command is running (nullptr between
// commands), and whether an interactive prompt is waiting for a line.
std::atomic<lab::InterruptFlag*> gRunning{nullptr};
std::atomic<bool> gInteractive{false};
volatile std::sig_atomic_t gPromptInterrupted = 0;
static_assert(std::atomic<lab::InterruptFlag*>::is_always_lock_free);

// Only async-signal-safe work: lock-free atomic stores, signal and raise.
extern "C" void onSigint(int) {
  if (lab::InterruptFlag* f = gRunning.load()) {
    f->request();  // the run stops at its next safe point
  } else if (gInteractive.load()) {
    gPromptInterrupted = 1;  // the prompt's read returns EINTR: a fresh prompt
  } else {
    // Between the lines of a script: end as any program ends on SIGINT.
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

void installSigint() {
  struct sigaction sa {};
  sa.sa_handler = onSigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: an idle prompt's read is interrupted
  sigaction(SIGINT, &sa, nullptr);
}

// lab.exec, with Ctrl-C meaning "stop this command's run".
lab::Reply execInterruptible(lab::Lab& lab, const std::string& line) {
  gRunning.store(&lab.interrupt());
  lab::Reply r = lab.exec(line);
  gRunning.store(nullptr);
  return r;
}

void print(const lab::Reply& r) {
  if (!r.text.empty()) std::cout << r.text << '\n' << std::flush;
}

int runInteractive(lab::Lab& lab) {
  std::cout << "Go Runtime Lab " << lab::labVersion() << " — type \"help\" for commands, Ctrl-D to leave.\n";
  std::string line;
  LineReader reader(lab, "rtlab> ");  // line editing, history and Tab (line_reader.hpp)
  gInteractive.store(true);
  while (true) {
    if (!reader.read(&line)) {
      if (gPromptInterrupted == 0) break;  // Ctrl-D
      // Ctrl-C at the prompt: the terminal dropped the line; a new prompt.
      gPromptInterrupted = 0;
      std::cin.clear();
      std::clearerr(stdin);
      std::cout << '\n';
      continue;
    }
    if (line == "exit" || line == "quit") break;
    lab::Reply r = execInterruptible(lab, line);
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
    lab::Reply r = execInterruptible(lab, line);
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
  lab::HostInfo host = lab::nativeHostInfo();
  host.runTimeoutNs = lab::kDefaultHostLimitNs;  // a learner waits for the answer
  lab::Lab lab(host);
  lab.setLanguage(languageFromEnvironment());
  installSigint();

  if (argc > 1) {
    std::string line;
    for (int i = 1; i < argc; i++) line += (i > 1 ? " " : "") + quoteWord(argv[i]);
    lab::Reply r = execInterruptible(lab, line);
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
