// Relaxed<T>: a field its owner writes and other threads read racily.
//
// Go's runtime reads some fields of other Ms, Ps and Gs without
// synchronization (schedtrace, sysmon), accepting a slightly stale value. In
// C++ such a race is undefined behaviour unless the field is atomic, so these
// fields are relaxed atomics: on x86 and wasm the loads and stores compile to
// plain moves, and ThreadSanitizer knows the race is intended.
#pragma once

#include <atomic>

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
    store(load() + 1);  // only the owner writes: no read-modify-write needed
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

  T load() const { return v_.load(std::memory_order_relaxed); }
  void store(T v) { v_.store(v, std::memory_order_relaxed); }

 private:
  std::atomic<T> v_{};
};

}  // namespace util
