# Native trees compile through ccache when it is installed (scripts/lab.sh
# installs it), with one cache for the whole checkout in build/.ccache.
#
# Why one cache: the trees differ in their flags (Release, ThreadSanitizer,
# ASan), but the exercises tree (scripts/grade.mjs) is a ThreadSanitizer
# build of the same sources as build/native-tsan, configured again for every
# hand-write day. With the cache, only the files a day swaps in, and those
# that include a swapped header, are compiled again.
#
# What makes two trees' objects the same to ccache:
#   CCACHE_BASEDIR    paths under the checkout are hashed relative to the
#                     tree (every tree is build/<name>, at the same depth);
#   CCACHE_NOHASHDIR  the tree's own directory is left out of the hash
#                     (debug info then names the tree that compiled first;
#                     the sources' paths in it are absolute either way);
#   CCACHE_SLOPPINESS what ccache needs to cache the test binaries' objects,
#                     which are compiled with a precompiled header
#                     (tests/CMakeLists.txt), per ccache's manual;
#   CCACHE_DEPEND     a miss costs no extra preprocessor run: ccache reads
#                     the includes from the compiler's own -MD output. Most
#                     objects of a clean tree are misses (only the grading
#                     tree shares another tree's flags), so this is what
#                     keeps the cache from slowing those builds down.
# Emscripten's trees do not use it: em++ is a script ccache does not know.
# A tree configured with its own CMAKE_CXX_COMPILER_LAUNCHER keeps it.
if(EMSCRIPTEN OR CMAKE_CXX_COMPILER_LAUNCHER)
  return()
endif()
find_program(RTLAB_CCACHE ccache)  # -DRTLAB_CCACHE=OFF: a tree that compiles without it
if(NOT RTLAB_CCACHE)
  return()
endif()
set(RTLAB_CCACHE_DIR "${PROJECT_SOURCE_DIR}/build/.ccache" CACHE PATH "The native trees' shared compiler cache")
set(_rtlab_ccache ${CMAKE_COMMAND} -E env
  "CCACHE_DIR=${RTLAB_CCACHE_DIR}" "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}" CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1
  CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime CCACHE_MAXSIZE=4G
  ${RTLAB_CCACHE})
set(CMAKE_CXX_COMPILER_LAUNCHER ${_rtlab_ccache})
set(CMAKE_C_COMPILER_LAUNCHER ${_rtlab_ccache})
