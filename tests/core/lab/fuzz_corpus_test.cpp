// Every input of the fuzzers' corpus (tests/fuzz/corpus/<target>/), seeds
// and the crashes fuzzing once found, through the same target bodies as the
// fuzzers (tests/fuzz/targets.cpp), in the ordinary suite: a plain build,
// without libFuzzer, checks them too. A broken property aborts the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/targets.hpp"

namespace {

size_t replay(const std::string& target, void (*body)(const uint8_t*, size_t)) {
  const std::filesystem::path dir = std::filesystem::path(RTLAB_FUZZ_CORPUS_DIR) / target;
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    body(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    n++;
  }
  return n;
}

TEST(FuzzCorpus, ShellLines) { EXPECT_GT(replay("shell", fuzz::shellLine), 0u); }
TEST(FuzzCorpus, ScenarioScripts) { EXPECT_GT(replay("script", fuzz::scenarioScript), 0u); }
TEST(FuzzCorpus, EnvValues) { EXPECT_GT(replay("env", fuzz::envValue), 0u); }

}  // namespace
