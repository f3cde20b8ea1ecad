// A small streaming JSON writer: every lab command's --json answer goes
// through it, so the output is always well-formed — strings are escaped and
// bytes that are not UTF-8 become U+FFFD instead of breaking the document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lab {

class JsonWriter {
 public:
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(uint64_t n);
  JsonWriter& value(double d);
  JsonWriter& value(bool b);
  JsonWriter& null();
  // A value that is already JSON text (e.g. another writer's result).
  JsonWriter& raw(std::string_view json);

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }

  static std::string quote(std::string_view s);

 private:
  void separate();

  std::string out_;
  // One entry per open container: whether it already holds an element.
  std::vector<bool> hasElement_;
  bool afterKey_ = false;
};

}  // namespace lab
