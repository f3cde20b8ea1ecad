// The fuzz targets' bodies, shared by the libFuzzer executables
// (fuzz_*.cpp, built with -DRTLAB_FUZZ=ON and clang) and by the corpus
// replay test (tests/core/lab/fuzz_corpus_test.cpp), which runs every file
// of tests/fuzz/corpus/ in the ordinary gtest suite, so a plain build checks
// the crashes fuzzing once found.
//
// Each body feeds the bytes to one parser and checks the contract of the
// lab's input paths: no crash (the sanitizers watch), and an error is one
// line of bounded length. A broken property aborts, which both libFuzzer
// and ctest report.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fuzz {

// The shell's tokenizer, command parser and completion, and `exec` of the
// commands that run no program (env, help, sizeclass, version).
void shellLine(const uint8_t* data, size_t size);
// The scenario-script parser (core/lab/scenarios/script_parse.cpp).
void scenarioScript(const uint8_t* data, size_t size);
// GOMAXPROCS, GOGC, GOMEMLIMIT and GODEBUG parsing (core/runtime/env.cpp).
void envValue(const uint8_t* data, size_t size);

}  // namespace fuzz
