// How much work a test may do: sanitizers and wasm run the same tests far
// slower, so stress sizes scale down there (the properties checked do not).
#pragma once

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define RTLAB_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define RTLAB_TEST_SANITIZED 1
#endif
#endif

namespace testscale {

inline constexpr bool kSanitized =
#ifdef RTLAB_TEST_SANITIZED
    true;
#else
    false;
#endif

inline constexpr bool kWasm =
#ifdef __EMSCRIPTEN__
    true;
#else
    false;
#endif

// OS threads: everywhere but the single-threaded wasm build, which has only
// the simulator (RealPlatform::threadsAvailable() says the same at run time).
inline constexpr bool kThreads =
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    false;
#else
    true;
#endif

// At the top of a test that needs threads (the real engine, std::thread).
#define RTLAB_NEEDS_THREADS() \
  if (!testscale::kThreads) GTEST_SKIP() << "single-threaded build: no threads"

// n for a plain native build, n/div under a sanitizer or wasm.
inline long long scaled(long long n, long long div = 20) { return kSanitized || kWasm ? n / div : n; }

}  // namespace testscale
