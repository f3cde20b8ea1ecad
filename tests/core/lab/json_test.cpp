#include "lab/json.hpp"

#include <gtest/gtest.h>

#include "support/json_value.hpp"

namespace lab {
namespace {

TEST(JsonWriter, NestsWithCommasInTheRightPlaces) {
  JsonWriter j;
  j.beginObject().field("a", 1).key("b").beginArray().value(true).null().value("x").beginObject().endObject();
  j.endArray().field("c", 2.5).endObject();
  EXPECT_EQ(j.str(), R"({"a":1,"b":[true,null,"x",{}],"c":2.5})");
}

TEST(JsonWriter, EscapesAndReplacesInvalidUtf8) {
  EXPECT_EQ(JsonWriter::quote("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
  EXPECT_EQ(JsonWriter::quote("中文"), "\"中文\"");
  EXPECT_EQ(JsonWriter::quote("a\xff" "b"), "\"a\xEF\xBF\xBD" "b\"");
  for (std::string s : {std::string("\xc0\xaf"), std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80"),
                        std::string("x\0y", 3)})
    EXPECT_TRUE(testjson::parse(JsonWriter::quote(s)).has_value()) << s;
}

TEST(JsonWriter, NonFiniteNumbersBecomeNull) {
  JsonWriter j;
  j.beginArray().value(1.0 / 0.0).value(-0.0).endArray();
  EXPECT_TRUE(testjson::parse(j.str()).has_value()) << j.str();
  EXPECT_EQ(j.str().substr(0, 6), "[null,");
}

}  // namespace
}  // namespace lab
