// Inputs a new user tried that used to crash, hang or silently do the wrong
// thing. Each gets exactly one error line (or the right result), and the
// session answers the next command.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <new>
#include <stdexcept>
#include <system_error>

#include "lab/lab.hpp"
#include "lab/scenarios/script.hpp"
#include "support/scale.hpp"
#include "support/json_value.hpp"
#include "support/test_host.hpp"
#include "util/duration.hpp"
#include "util/utf8.hpp"

namespace lab {
namespace {

std::string tempPath(const std::string& name) { return testing::TempDir() + "rtlab-bad-input-" + name; }

std::string writeFile(const std::string& name, const std::string& text) {
  const std::string path = tempPath(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One error line, short, with its JSON; then the session still answers.
void expectOneErrorLine(Lab& lab, const std::string& line, const std::string& mustSay = "") {
  Reply r = lab.exec(line);
  const std::string shown = util::truncateForDisplay(line);
  ASSERT_FALSE(r.ok) << shown;
  EXPECT_FALSE(r.programFailed) << shown;
  EXPECT_EQ(r.text.rfind("error: ", 0), 0u) << r.text;
  EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
  EXPECT_LT(r.text.size(), 600u) << "an error line quotes at most ~80 characters of input: " << r.text.substr(0, 300);
  EXPECT_TRUE(testjson::parse(r.json).has_value()) << r.json.substr(0, 300);
  if (!mustSay.empty()) {
    EXPECT_NE(r.text.find(mustSay), std::string::npos) << r.text;
  }
  EXPECT_TRUE(lab.exec("version").ok) << "the session must go on after: " << shown;
}

TEST(BadInput, RunFileRefusesWhatIsNotARegularFile) {
  Lab lab(testhost::fixed(2));
  // Under node (NODERAWFS) the same files are refused, but the file system
  // Emscripten emulates words some of the reasons its own way.
  const std::string isDir = testscale::kWasm ? "" : "is a directory";
  const std::string notRegular = testscale::kWasm ? "" : "not a regular file";
  expectOneErrorLine(lab, "run --file " + testing::TempDir(), isDir);
  expectOneErrorLine(lab, "run --file /dev/zero", notRegular);
  expectOneErrorLine(lab, "run --file /dev/urandom", notRegular);
  expectOneErrorLine(lab, "run --file /proc/self/mem");  // a regular file whose reads fail
  const std::string fifo = tempPath("fifo");
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expectOneErrorLine(lab, "run --file " + fifo, notRegular);  // and no wait for a writer
  std::remove(fifo.c_str());
  expectOneErrorLine(lab, "run --file " + tempPath("does-not-exist.scn"), "No such file");
}

TEST(BadInput, RunFileReadsAtMostTheLimit) {
  Lab lab(testhost::fixed(2));
  const std::string path = writeFile("big.scn", std::string(script::kMaxScriptBytes + 1, '#'));
  expectOneErrorLine(lab, "run --file " + path, "larger than");
  // Exactly the limit is read and parsed (here: no main template).
  const std::string fits = writeFile("fits.scn", std::string(script::kMaxScriptBytes, '#'));
  expectOneErrorLine(lab, "run --file " + fits, "no `go main:`");
}

// A command that throws: registered on a shell of its own.
TEST(BadInput, ExceptionsNeverEscapeACommand) {
  // The wasm builds do not catch C++ exceptions (Emscripten's default; see
  // shell.hpp): there a throw still stops the module, as the README says.
  if (testscale::kWasm) GTEST_SKIP() << "wasm builds do not catch C++ exceptions";
  Lab lab(testhost::fixed(2));
  Shell shell(lab);
  auto thrower = [](const char* name, std::function<void()> doThrow) {
    return CommandSpec{.name = name, .summary = {"throws", ""}, .run = [doThrow](Lab&, const Invocation&) -> Reply {
                         doThrow();
                         return Reply{};
                       }};
  };
  shell.registry().add(thrower("badalloc", [] { throw std::bad_alloc(); }));
  shell.registry().add(thrower("syserror", [] { throw std::system_error(EAGAIN, std::generic_category(), "thread"); }));
  shell.registry().add(thrower("other", [] { throw std::runtime_error("line one\nline two"); }));
  shell.registry().add(thrower("anything", [] { throw 42; }));
  for (const char* cmd : {"badalloc", "syserror", "other", "anything"}) {
    Reply r = shell.exec(cmd);
    ASSERT_FALSE(r.ok) << cmd;
    EXPECT_EQ(r.text.rfind("error: ", 0), 0u) << r.text;
    EXPECT_EQ(r.text.find('\n'), std::string::npos) << r.text;
    EXPECT_TRUE(testjson::parse(r.json).has_value()) << r.json;
    EXPECT_TRUE(shell.exec("version").ok) << cmd;
  }
  EXPECT_NE(shell.exec("badalloc").text.find("out of memory"), std::string::npos);
}

TEST(BadInput, OutputIsCappedWithOneTruncatedLine) {
  for (Language lang : {Language::En, Language::Zh}) {
    Lab lab(testhost::fixed(2));
    lab.setLanguage(lang);
    Shell shell(lab);
    const std::string big = std::string(100, 'x') + "\n";
    std::string text;
    while (text.size() < 3 * kMaxReplyBytes) text += big;
    shell.registry().add(CommandSpec{.name = "flood", .summary = {"prints a lot", ""},
                                     .run = [text](Lab&, const Invocation&) { return Reply{true, text, "[" + text.substr(0, 0) + "1]"}; }});
    Reply r = shell.exec("flood");
    ASSERT_TRUE(r.ok);
    EXPECT_LE(r.text.size(), kMaxReplyBytes + 200);
    const std::string last = r.text.substr(r.text.rfind('\n') + 1);
    EXPECT_NE(last.find(lang == Language::Zh ? "输出已截断" : "output truncated"), std::string::npos) << last;
    // Only the last line says so: everything before it is the command's own.
    EXPECT_EQ(r.text.find("truncated"), r.text.rfind("truncated"));
  }
  // --json: a JSON answer too large becomes a small valid one, never a cut one.
  Lab lab(testhost::fixed(2));
  Shell shell(lab);
  std::string bigJson = "[" + std::string(kMaxReplyBytes, '1') + "]";
  shell.registry().add(CommandSpec{.name = "jflood", .summary = {"prints a lot of JSON", ""},
                                   .run = [bigJson](Lab&, const Invocation&) { return Reply{true, "x", bigJson}; }});
  Reply r = shell.exec("jflood --json");
  auto j = testjson::parse(r.text);
  ASSERT_TRUE(j.has_value()) << r.text.substr(0, 200);
  EXPECT_TRUE((*j)["truncated"].b);
}

TEST(BadInput, HelpStatesTheOutputCap) {
  Lab lab(testhost::fixed(2));
  EXPECT_NE(lab.exec("help").text.find(std::to_string(kMaxReplyBytes >> 20) + " MiB"), std::string::npos);
}

TEST(BadInput, UntilBeyondTheClockIsAnError) {
  Lab lab(testhost::fixed(2));
  ASSERT_TRUE(lab.exec("run pingpong --engine sim --step --size 50").ok);
  ASSERT_TRUE(lab.exec("step 5").ok);
  const std::string before = lab.exec("gs --json").json;
  expectOneErrorLine(lab, "until 9223372036854775807ns", "beyond the end of the clock");
  EXPECT_EQ(lab.exec("gs --json").json, before) << "a rejected until must not move the run";
  // Durations Go cannot represent are not durations at all.
  expectOneErrorLine(lab, "until 9223372036854775808ns", "is not a time");
  expectOneErrorLine(lab, "until 2562047h47m16.854775808s", "is not a time");
  // The session goes on: a time within the clock moves the run forward.
  Reply r = lab.exec("until 1ms --json");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_NE(lab.exec("gs --json").json, before);
}

TEST(BadInput, DurationBoundaryIsGos) {
  // Go: time.ParseDuration accepts exactly the int64 range.
  EXPECT_EQ(util::parseDuration("9223372036854775807ns"), INT64_MAX);
  EXPECT_EQ(util::parseDuration("2562047h47m16.854775807s"), INT64_MAX);
  EXPECT_EQ(util::parseDuration("-9223372036854775808ns"), INT64_MIN);
  EXPECT_FALSE(util::parseDuration("9223372036854775808ns"));
  EXPECT_FALSE(util::parseDuration("2562047h47m16.854775808s"));
  EXPECT_FALSE(util::parseDuration("2562048h"));
  EXPECT_FALSE(util::parseDuration("-9223372036854775809ns"));
}

TEST(BadInput, ARejectedRunLeavesTheTraceFileAlone) {
  Lab lab(testhost::fixed(2));
  const std::string path = writeFile("keep.json", "keep");
  expectOneErrorLine(lab, "run pingpong --engine sim --trace " + path + " --size 0");
  expectOneErrorLine(lab, "run pingpong --engine sim --trace " + path + " --godebug nosuchkey=1");
  expectOneErrorLine(lab, "run pingpong --engine sim --trace " + path + " --barrier none");
  EXPECT_EQ(readFile(path), "keep");
  expectOneErrorLine(lab, "run pingpong --engine sim --trace " + testing::TempDir(), "not a regular file");
  // A run that succeeds replaces it whole, and leaves nothing beside it.
  ASSERT_TRUE(lab.exec("run pingpong --engine sim --size 20 --trace " + path).ok);
  EXPECT_EQ(readFile(path).rfind("{\"displayTimeUnit\"", 0), 0u);
  struct stat st {};
  EXPECT_NE(::stat((path + ".partial").c_str(), &st), 0);
}

TEST(BadInput, ErrorsQuoteAtMostEightyCharactersEscaped) {
  Lab lab(testhost::fixed(2));
  const std::string huge(60000, 'v');
  // Every command, with the value as its argument and as each flag's value.
  for (const CommandSpec* spec : lab.registry().all()) {
    if (spec->name == "run" || spec->name == "continue") continue;  // below, without running anything
    std::vector<std::string> lines = {spec->name + " " + huge};
    for (const auto& f : spec->flags)
      if (f.type != FlagType::Bool) lines.push_back(spec->name + " --" + f.name + " " + huge);
    for (const auto& line : lines) {
      Reply r = lab.exec(line);
      if (!r.ok) {
        EXPECT_LT(r.text.size(), 600u) << spec->name << ": " << r.text.substr(0, 300);
      }
    }
  }
  for (const std::string& line :
       {"env GOMAXPROCS=" + huge, "env GODEBUG=gctrace=" + huge, "env GODEBUG=" + huge + "=1", "env GOGC=" + huge,
        "env GOMEMLIMIT=" + huge, "run " + huge, "run --file " + huge, "run skynet --godebug " + huge,
        "run skynet --engine " + huge})
    expectOneErrorLine(lab, line, "…");
  ASSERT_TRUE(lab.exec("run pingpong --engine sim --step --size 10").ok);
  for (const std::string& line : {"until " + huge, "runq " + huge, "step " + huge}) expectOneErrorLine(lab, line, "…");
  // Control bytes in quoted input are shown escaped: a newline cannot cut
  // the line, an escape sequence never reaches the terminal.
  EXPECT_EQ(util::truncateForDisplay("a\nb\x1b[31m\\"), "a\\nb\\x1b[31m\\\\");
  EXPECT_EQ(util::truncateForDisplay(std::string("\xff\xc3\xa9", 3)), "\\xffé");
  EXPECT_EQ(util::truncateForDisplay(std::string(100, 'a')), std::string(80, 'a') + "…");
  // A script's name is input too.
  std::string err;
  EXPECT_EQ(script::parse("go main:\n  cpus 1us\n", "dir/bad\nname.scn", &err), nullptr);
  EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  EXPECT_NE(err.find("bad\\nname"), std::string::npos) << err;
}

TEST(BadInput, ScriptResourceBudgetsAreCheckedBeforeAnythingRuns) {
  Lab lab(testhost::fixed(2));
  std::string chans;
  for (int i = 0; i < 600; i++) chans += "chan c" + std::to_string(i) + " 1048576\n";
  expectOneErrorLine(lab, "run --file " + writeFile("chans.scn", chans + "go main:\n  send c0\n") + " --engine sim",
                     "budget");
  std::string nested = "go main:\n";
  for (int d = 0; d < 150; d++) nested += std::string(2 + 2 * d, ' ') + "repeat 1:\n";
  nested += std::string(2 + 2 * 150, ' ') + "yield\n";
  expectOneErrorLine(lab, "run --file " + writeFile("nested.scn", nested) + " --engine sim", "nested");
}

// The duplicate-name checks are sets, not scans: a megabyte of declarations
// (tens of thousands of names) parses, and a duplicate at its end is found.
TEST(BadInput, AMegabyteScriptParses) {
  std::string text;
  int n = 0;
  while (text.size() < script::kMaxScriptBytes - 200) {
    text += "chan c" + std::to_string(n) + "\nmutex m" + std::to_string(n) + "\n";
    n++;
  }
  std::string ok = text + "go main:\n  send c0\n";
  std::string err;
  auto s = script::parse(ok, "big.scn", &err);
  ASSERT_NE(s, nullptr) << err;
  EXPECT_EQ(s->chans.size(), static_cast<size_t>(n));
  EXPECT_EQ(script::parse(text + "chan c7\ngo main:\n  yield\n", "big.scn", &err), nullptr);
  EXPECT_NE(err.find("\"c7\" is declared twice"), std::string::npos) << err;
}

}  // namespace
}  // namespace lab
