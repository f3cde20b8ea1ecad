// `heap --graph --json`, what the page's marking view draws: mid-mark, the
// objects verify lists as hidden come with the path the verifier followed
// from a root and the stores that hid them in the verifier's words; every
// marked object names who shaded it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "lab/lab.hpp"
#include "support/json_value.hpp"
#include "support/test_host.hpp"

namespace lab {
namespace {

testjson::Value json(const Reply& r) {
  auto j = testjson::parse(r.json);
  EXPECT_TRUE(j.has_value()) << r.json;
  return j ? *j : testjson::Value{};
}

// The addresses listed after "hidden: " in verify's mid-mark report.
std::vector<std::string> hiddenIn(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("  hidden: ", 0) == 0) out.push_back(line.substr(10));
  return out;
}

std::string rootKey(std::string name) {
  if (!name.empty() && name.back() == '*') name.pop_back();
  return name;
}

// Seed 1 without a barrier: at 330µs the mark has hidden objects behind black ones.
TEST(GcGraph, LostObjectsAreVerifysWithThePathFromARootAndTheStoresThatHidThem) {
  Lab lab(testhost::fixed(2));
  ASSERT_TRUE(lab.exec("run mutator-race --engine sim --barrier none --seed 1 --step").ok);
  ASSERT_TRUE(lab.exec("until 330us").ok);
  Reply v = lab.exec("verify");
  ASSERT_TRUE(v.ok) << v.text;
  const std::vector<std::string> hidden = hiddenIn(v.text);
  ASSERT_FALSE(hidden.empty()) << v.text;

  Reply r = lab.exec("heap --graph --json --since 0");
  ASSERT_TRUE(r.ok) << r.text;
  testjson::Value g = json(r);
  EXPECT_EQ(g["phase"].str, "_GCmark");
  const auto& lost = g["lost"].array;
  ASSERT_GE(lost.size(), hidden.size() < 16 ? hidden.size() : 16u);
  EXPECT_EQ(size_t(g["lostCount"].number), size_t(json(v)["lost"].number));
  for (size_t i = 0; i < hidden.size(); i++) EXPECT_EQ(lost[i]["id"].str, hidden[i]) << "the same objects, in verify's order";

  std::map<std::string, std::string> colour;
  for (const auto& n : g["nodes"].array) colour[n["id"].str] = n["color"].str;
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& e : g["edges"].array) edges.emplace(e.array[0].str, e.array[1].str);
  std::set<std::pair<std::string, std::string>> rootEdges;
  for (const auto& rt : g["roots"].array) rootEdges.emplace(rootKey(rt["name"].str), rt["to"].str);

  for (const auto& l : lost) {
    const std::string id = l["id"].str;
    EXPECT_EQ(colour[id], "white") << id << " is drawn, and white";
    const auto& path = l["path"].array;
    ASSERT_FALSE(path.empty()) << id;
    EXPECT_EQ(path.back().str, id);
    EXPECT_TRUE(rootEdges.count({l["root"].str, path.front().str})) << "the path starts at a root: " << l["root"].str;
    for (size_t k = 1; k < path.size(); k++)
      EXPECT_TRUE(edges.count({path[k - 1].str, path[k].str})) << "each hop is a pointer in the graph: " << path[k].str;
    // Mid-mark, a hidden object is reached only through black objects.
    for (size_t k = 0; k + 1 < path.size(); k++) EXPECT_NE(colour[path[k].str], "white") << path[k].str;
    const std::string reached = l["reachedBy"].str;
    EXPECT_EQ(reached.rfind(l["root"].str, 0), 0u) << reached;
    EXPECT_EQ(reached.substr(reached.size() - id.size()), id) << reached;
    const auto& stores = l["hiddenBy"].array;
    ASSERT_FALSE(stores.empty()) << "no barrier: the log says which stores hid " << id;
    bool deleted = false;
    for (const auto& s : stores) {
      const std::string text = s["text"].str;
      const std::string head = "G" + std::to_string(int64_t(s["goid"].number)) + " at " + s["at"].str + ": ";
      EXPECT_EQ(text.rfind(head, 0), 0u) << text;
      if (s["deleted"].b) {
        deleted = true;
        EXPECT_NE(text.find("(deleted the pointer to it)"), std::string::npos) << text;
      } else {
        EXPECT_EQ(s["value"].str, id);
        EXPECT_EQ(text.find("(into an already marked object)") != std::string::npos, s["intoMarked"].b) << text;
      }
    }
    EXPECT_TRUE(deleted) << "a pointer to " << id << " was deleted from where the mark would have found it";
  }
}

TEST(GcGraph, EveryMarkedObjectNamesWhoShadedItAndWhen) {
  Lab lab(testhost::fixed(2));
  ASSERT_TRUE(lab.exec("run mutator-race --engine sim --barrier hybrid --seed 1 --step").ok);
  ASSERT_TRUE(lab.exec("until 330us").ok);
  testjson::Value g = json(lab.exec("heap --graph --json --since 0"));
  ASSERT_EQ(g["phase"].str, "_GCmark");
  EXPECT_TRUE(g["lost"].array.empty()) << "the hybrid barrier hides nothing";
  const std::set<std::string> roles{"roots", "workers", "assists", "barrier", "termination", "allocation"};
  std::set<std::string> seen;
  size_t marked = 0;
  for (const auto& n : g["nodes"].array) {
    EXPECT_GT(n["size"].number, 0) << n["id"].str;
    if (n["color"].str == "white") {
      EXPECT_FALSE(n.has("shadedBy")) << n["id"].str;
      continue;
    }
    marked++;
    ASSERT_TRUE(n.has("shadedBy")) << n["id"].str;
    const auto& s = n["shadedBy"];
    EXPECT_TRUE(roles.count(s["by"].str)) << s["by"].str;
    EXPECT_GT(s["goid"].number, 0);
    EXPECT_GE(s["p"].number, 0);
    EXPECT_GT(s["atNs"].number, 0);
    EXPECT_LE(s["atNs"].number, g["nowNs"].number) << "shaded before now";
    seen.insert(s["by"].str);
  }
  EXPECT_GT(marked, 0u);
  // The globals' root job shades what global[0] points to.
  for (const auto& r : g["roots"].array)
    if (r["name"].str == "global[0]")
      for (const auto& n : g["nodes"].array)
        if (n["id"].str == r["to"].str && n["color"].str != "white") {
          EXPECT_EQ(n["shadedBy"]["by"].str, "roots");
        }

  // Between cycles nothing is marked, shaded or lost.
  ASSERT_TRUE(lab.exec("continue").ok);
  testjson::Value after = json(lab.exec("heap --graph --json"));
  EXPECT_EQ(after["phase"].str, "_GCoff");
  EXPECT_FALSE(after.has("lost"));
  for (const auto& n : after["nodes"].array) EXPECT_FALSE(n.has("shadedBy")) << n["id"].str;
}

}  // namespace
}  // namespace lab
