# Compiler and linker flags shared by every target, per build flavour.
#
# Everything flavour-specific lives here and in cmake/EmscriptenToolchain.cmake,
# so the sources never test for a toolchain version (core/compat/coroutine.hpp
# is the one exception, and it tests for a header, not a version).

add_library(rtlab_flags INTERFACE)
target_compile_options(rtlab_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter
  # Specs are written with designated initializers that leave fields at their
  # defaults on purpose.
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 reports impossible std::string memcpy overlaps at -O2 (GCC bug 105329).
  target_compile_options(rtlab_flags INTERFACE -Wno-restrict)
endif()

if(EMSCRIPTEN)
  # Emscripten 3.1.6 ships libc++ 13, whose coroutines live in
  # <experimental/coroutine>; clang 14 warns that header is deprecated.
  target_compile_options(rtlab_flags INTERFACE -Wno-deprecated-experimental-coroutine -Wno-unknown-warning-option)
  if(RTLAB_WASM_THREADS)
    # -pthread must be on every object and on the link: the memory becomes a
    # SharedArrayBuffer and atomics become real atomics.
    target_compile_options(rtlab_flags INTERFACE -pthread)
    # Growable shared memory is what we want (the heap grows with
    # memory.grow); the warning is about JS views, which only the glue uses.
    target_link_options(rtlab_flags INTERFACE -pthread -Wno-pthreads-mem-growth)
  endif()
  target_link_options(rtlab_flags INTERFACE
    -sALLOW_MEMORY_GROWTH=1
    -sINITIAL_MEMORY=64MB
    -sMAXIMUM_MEMORY=2GB)
  # The main stack: 3.1.6 calls the setting TOTAL_STACK (default 5 MB);
  # Emscripten 3.1.25+ renamed it STACK_SIZE and cut the default to 64 KB.
  if(EMSCRIPTEN_VERSION VERSION_LESS 3.1.25)
    target_link_options(rtlab_flags INTERFACE -sTOTAL_STACK=1MB)
  else()
    target_link_options(rtlab_flags INTERFACE -sSTACK_SIZE=1MB)
  endif()
else()
  # Sanitizer builds: -O1 as the sanitizers' documentation advises, and -g1
  # (line tables only): a report's stack still names every function, file and
  # line, and the objects build about 40 % faster than with full -g.
  if(RTLAB_SANITIZER STREQUAL "thread")
    target_compile_options(rtlab_flags INTERFACE -fsanitize=thread -g1 -O1)
    target_link_options(rtlab_flags INTERFACE -fsanitize=thread)
  elseif(RTLAB_SANITIZER STREQUAL "address")
    target_compile_options(rtlab_flags INTERFACE -fsanitize=address,undefined
      -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g1 -O1)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # ASan's instrumentation makes g++ 12 see uninitialized reads inside
      # libstdc++'s std::regex (GCC bug 105562); the plain build keeps the warning.
      target_compile_options(rtlab_flags INTERFACE -Wno-maybe-uninitialized)
    endif()
    target_link_options(rtlab_flags INTERFACE -fsanitize=address,undefined)
  elseif(NOT RTLAB_SANITIZER STREQUAL "")
    message(FATAL_ERROR "RTLAB_SANITIZER must be '', 'thread' or 'address', not '${RTLAB_SANITIZER}'")
  endif()
  find_package(Threads REQUIRED)
  target_link_libraries(rtlab_flags INTERFACE Threads::Threads)
endif()
