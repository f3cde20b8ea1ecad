#include "lab/shell/tokenizer.hpp"

#include <cstdio>

#include "util/utf8.hpp"

namespace lab {

namespace {

size_t columnOf(std::string_view line, size_t byteIndex) {
  size_t col = 1;
  for (size_t i = 0; i < byteIndex && i < line.size(); i++)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) col++;
  return col;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

Tokenized tokenize(std::string_view line) {
  Tokenized out;
  if (line.size() > kMaxLineBytes) {
    out.error = "line too long (" + std::to_string(line.size()) + " bytes; the limit is " +
                std::to_string(kMaxLineBytes) + ")";
    return out;
  }
  if (size_t bad = util::invalidUtf8At(line); bad != std::string_view::npos) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "line is not valid UTF-8 (byte 0x%02x at column %zu)",
                  static_cast<unsigned char>(line[bad]), columnOf(line, bad));
    out.error = buf;
    return out;
  }
  for (size_t i = 0; i < line.size(); i++) {
    auto c = static_cast<unsigned char>(line[i]);
    if ((c < 0x20 && !isSpace(line[i])) || c == 0x7f) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "line contains control character 0x%02x at column %zu", c, columnOf(line, i));
      out.error = buf;
      return out;
    }
  }

  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) break;

    Token tok;
    tok.column = columnOf(line, i);
    out.endsInWord = true;  // until we see what follows it
    while (i < n && !isSpace(line[i])) {
      char c = line[i];
      if (c == '\\') {
        if (i + 1 >= n) {
          out.error = "line ends with a lone backslash at column " + std::to_string(columnOf(line, i));
          return out;
        }
        tok.text += line[i + 1];
        i += 2;
      } else if (c == '\'') {
        size_t close = line.find('\'', i + 1);
        if (close == std::string_view::npos) {
          out.error = "unterminated ' quote starting at column " + std::to_string(columnOf(line, i));
          tok.text.append(line.substr(i + 1));
          out.tokens.push_back(std::move(tok));
          return out;
        }
        tok.text.append(line.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '"') {
        size_t start = i;
        i++;
        bool closed = false;
        while (i < n) {
          if (line[i] == '"') {
            closed = true;
            i++;
            break;
          }
          if (line[i] == '\\' && i + 1 < n) {
            char e = line[i + 1];
            tok.text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            i += 2;
          } else {
            tok.text += line[i++];
          }
        }
        if (!closed) {
          out.error = "unterminated \" quote starting at column " + std::to_string(columnOf(line, start));
          out.tokens.push_back(std::move(tok));
          return out;
        }
      } else {
        tok.text += c;
        i++;
      }
    }
    out.tokens.push_back(std::move(tok));
    out.endsInWord = i >= n;  // no space follows this word
  }
  return out;
}

}  // namespace lab
