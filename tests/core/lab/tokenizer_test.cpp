#include "lab/shell/tokenizer.hpp"

#include <gtest/gtest.h>

namespace lab {
namespace {

std::vector<std::string> words(std::string_view line) {
  Tokenized t = tokenize(line);
  EXPECT_EQ(t.error, "") << line;
  std::vector<std::string> out;
  for (auto& tok : t.tokens) out.push_back(tok.text);
  return out;
}

TEST(Tokenizer, SplitsOnSpacesAndTabs) {
  EXPECT_EQ(words("  run   skynet\t--procs 2 "), (std::vector<std::string>{"run", "skynet", "--procs", "2"}));
  EXPECT_TRUE(words("").empty());
  EXPECT_TRUE(words(" \t ").empty());
}

TEST(Tokenizer, QuotesKeepSpacesAndJoinWithNeighbours) {
  EXPECT_EQ(words(R"(env "GODEBUG=a b" 'x y')"), (std::vector<std::string>{"env", "GODEBUG=a b", "x y"}));
  EXPECT_EQ(words(R"(a"b c"d)"), (std::vector<std::string>{"ab cd"}));
  EXPECT_EQ(words(R"('' "")"), (std::vector<std::string>{"", ""}));
}

TEST(Tokenizer, EscapesInDoubleQuotesAndOutside) {
  EXPECT_EQ(words(R"("a\"b\\c\nd")"), (std::vector<std::string>{"a\"b\\c\nd"}));
  EXPECT_EQ(words(R"('a\n')"), (std::vector<std::string>{"a\\n"}));  // single quotes are literal
  EXPECT_EQ(words(R"(a\ b)"), (std::vector<std::string>{"a b"}));
}

TEST(Tokenizer, UnterminatedQuoteNamesItsColumn) {
  Tokenized t = tokenize(R"(env "GOGC=1)");
  EXPECT_EQ(t.error, "unterminated \" quote starting at column 5");
  EXPECT_TRUE(t.endsInWord);
  Tokenized s = tokenize("a 'b");
  EXPECT_EQ(s.error, "unterminated ' quote starting at column 3");
}

TEST(Tokenizer, ColumnsCountCharactersNotBytes) {
  Tokenized t = tokenize("帮助 \"x");
  EXPECT_EQ(t.error, "unterminated \" quote starting at column 4");
  Tokenized u = tokenize("帮助 世界");
  ASSERT_EQ(u.tokens.size(), 2u);
  EXPECT_EQ(u.tokens[1].column, 4u);
}

TEST(Tokenizer, RejectsControlBytesAndInvalidUtf8) {
  EXPECT_EQ(tokenize(std::string("ab\x01", 3)).error, "line contains control character 0x01 at column 3");
  EXPECT_EQ(tokenize(std::string("a\0b", 3)).error, "line contains control character 0x00 at column 2");
  EXPECT_EQ(tokenize("a\xff").error, "line is not valid UTF-8 (byte 0xff at column 2)");
  EXPECT_EQ(tokenize("\xc0\x80").error, "line is not valid UTF-8 (byte 0xc0 at column 1)");  // overlong NUL
  EXPECT_EQ(tokenize("\xed\xa0\x80").error, "line is not valid UTF-8 (byte 0xed at column 1)");  // surrogate
}

TEST(Tokenizer, RejectsHugeLinesWithoutLookingAtThem) {
  std::string line(1 << 20, 'a');
  Tokenized t = tokenize(line);
  EXPECT_EQ(t.error, "line too long (1048576 bytes; the limit is 65536)");
  EXPECT_TRUE(t.tokens.empty());
}

TEST(Tokenizer, LoneTrailingBackslash) {
  EXPECT_EQ(tokenize("env \\").error, "line ends with a lone backslash at column 5");
}

TEST(Tokenizer, EndsInWordTellsCompletionWhetherAWordIsOpen) {
  EXPECT_TRUE(tokenize("hel").endsInWord);
  EXPECT_FALSE(tokenize("help ").endsInWord);
  EXPECT_FALSE(tokenize("").endsInWord);
  EXPECT_TRUE(tokenize("env \"GOGC").endsInWord);
}

}  // namespace
}  // namespace lab
