// Relaxed<T>: a field written with plain stores (no read-modify-write: by
// its owner, by whoever holds the lock that guards it, or a flag any thread
// may set) and read racily by other threads.
//
// Go's runtime reads some fields of other Ms, Ps and Gs without
// synchronization (schedtrace, sysmon), accepting a slightly stale value. In
// C++ such a race is undefined behaviour unless the field is atomic, so
// natively these fields are relaxed atomics: on x86 the loads and stores
// compile to plain moves, and ThreadSanitizer knows the race is intended.
//
// WebAssembly is different. Its only atomic store is sequentially
// consistent, so a relaxed atomic store compiles to i32.atomic.store, which
// V8 emits as an xchg: a locked instruction that waits for the store's
// cache line and for every earlier store. newproc1 stores several of these
// fields into a G that is usually cold; in a wasm profile of a skynet
// simulation most of newproc1's time sat right after those xchgs. So under
// wasm a field of up to 4 bytes (a pointer there) is a volatile plain value:
// each access is one plain load or store (volatile: never kept in a
// register, merged or dropped), as the relaxed atomic is on x86.
// WebAssembly defines racy plain accesses (in C++ they are undefined): a
// reader sees some value that was written, possibly a stale one, which is
// all a relaxed field promises, and naturally aligned 4-byte accesses do not
// tear (WebAssembly/threads issue 199). An 8-byte field stays atomic there.
#pragma once

#include <atomic>
#include <type_traits>

namespace util {

template <typename T>
class Relaxed {
 public:
  Relaxed() = default;
  Relaxed(T v) : v_(v) {}  // NOLINT: implicit on purpose, it is a T
  Relaxed(const Relaxed& o) : v_(o.load()) {}
  Relaxed& operator=(const Relaxed& o) {
    store(o.load());
    return *this;
  }
  Relaxed& operator=(T v) {
    store(v);
    return *this;
  }
  operator T() const { return load(); }  // NOLINT
  T operator->() const { return load(); }
  Relaxed& operator++() {
    store(load() + 1);  // one writer at a time: no read-modify-write needed
    return *this;
  }
  Relaxed& operator--() {
    store(load() - 1);
    return *this;
  }
  Relaxed& operator+=(T d) {
    store(load() + d);
    return *this;
  }
  Relaxed& operator-=(T d) {
    store(load() - d);
    return *this;
  }

  T load() const {
    if constexpr (kPlain) return v_;
    else return v_.load(std::memory_order_relaxed);
  }
  void store(T v) {
    if constexpr (kPlain) v_ = v;
    else v_.store(v, std::memory_order_relaxed);
  }

 private:
#ifdef __EMSCRIPTEN__
  static constexpr bool kPlain = sizeof(T) <= 4;
#else
  static constexpr bool kPlain = false;
#endif
  static_assert(!kPlain || std::is_trivially_copyable_v<T>);
  std::conditional_t<kPlain, volatile T, std::atomic<T>> v_{};
};

}  // namespace util
