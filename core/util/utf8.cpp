#include "util/utf8.hpp"

namespace util {

size_t invalidUtf8At(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // beyond U+10FFFF
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; k++) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (b < l || b > h) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string truncateForDisplay(std::string_view s, size_t maxChars) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  size_t chars = 0, i = 0;
  while (i < s.size()) {
    if (chars == maxChars) return out + "…";
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 1;
    if (c >= 0x80) {
      // A well-formed sequence is copied whole; a stray byte is escaped.
      const size_t bad = invalidUtf8At(s.substr(i, 4));
      len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      if (bad == 0 || (bad != std::string_view::npos && bad < len) || i + len > s.size()) len = 0;
    }
    if (len > 1) {
      out.append(s.substr(i, len));
      i += len;
    } else if (c == '\\') {
      out += "\\\\";
      i++;
    } else if (c == '\n' || c == '\t' || c == '\r') {
      out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r";
      i++;
    } else if (c < 0x20 || c == 0x7f || c >= 0x80) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      i++;
    } else {
      out += static_cast<char>(c);
      i++;
    }
    chars++;
  }
  return out;
}

std::string quoteForDisplay(std::string_view s, size_t maxChars) { return "\"" + truncateForDisplay(s, maxChars) + "\""; }

size_t displayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (size_t k = 1; k < len && i + k < s.size(); k++) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    // The wide ranges of Unicode's East Asian Width property that text here uses.
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

}  // namespace util
