// What every test binary precompiles (tests/CMakeLists.txt, rtlab_add_gtest):
// GoogleTest and the standard headers the tests use most. GoogleTest's header
// alone takes longer to parse than most test files take to compile. Only
// these go in, so each test file still includes the lab's headers it uses.
//
// g++ 12 forgets that headers reached through a precompiled header are
// system headers, and then reports its known false positives inside
// libstdc++'s std::string (-Warray-bounds, -Wstringop-overflow: GCC bugs
// 105651, 106199), never reported for the same code included normally;
// rtlab_add_gtest turns those two warnings off for the tests (not for core/,
// and ASan checks the tests' memory accesses at run time).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
