// The one place that knows where a toolchain keeps C++20 coroutines.
//
// g++ 12 and current libc++ have <coroutine> (namespace std). The libc++ 13
// that ships with Emscripten 3.1.6 only has <experimental/coroutine>
// (namespace std::experimental). Everything else in the lab spells
// coro::coroutine_handle, coro::suspend_always, ... and stays portable.
//
// We deliberately use nothing beyond the C++20 basics: no symmetric transfer
// (await_suspend returning a handle), because the wasm toolchain cannot
// guarantee the tail call it needs. Control always returns to the M's loop,
// which is the shape of Go's gogo/mcall anyway.
#pragma once

#if __has_include(<coroutine>)
#include <coroutine>
namespace coro {
using std::coroutine_handle;
using std::suspend_always;
using std::suspend_never;
}  // namespace coro
#elif __has_include(<experimental/coroutine>)
#include <experimental/coroutine>
namespace coro {
using std::experimental::coroutine_handle;
using std::experimental::suspend_always;
using std::experimental::suspend_never;
}  // namespace coro
#else
#error "no C++20 coroutine header found: use g++ >= 11 or clang >= 14 with -std=c++20"
#endif
