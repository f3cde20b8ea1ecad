// The order in which a thief visits the other Ps.
//
// stealWork must try every P, in an order that differs from thief to thief
// and from round to round, or all idle Ms would hammer P0 first. Go's trick:
// if X and GOMAXPROCS are coprime, then pos, pos+X, pos+2X, ... (mod
// GOMAXPROCS) visits every P exactly once. A random number picks both the
// start and which coprime to step by.
#pragma once

#include <cstdint>
#include <vector>

namespace rt {

// Go: runtime/proc.go randomOrder / randomEnum
class RandomOrder {
 public:
  struct Enum {
    uint32_t i = 0;
    uint32_t count = 0;
    uint32_t pos = 0;
    uint32_t inc = 0;

    bool done() const { return i == count; }
    void next() {
      i++;
      pos = (pos + inc) % count;
    }
    uint32_t position() const { return pos; }
  };

  // Go: (*randomOrder).reset — for count Ps: every stride in 1..count that
  // is coprime with count. Called by procresize, with the world stopped.
  // Defined in steal.cpp, with stealWork, which walks the order.
  void reset(uint32_t count);

  // Go: (*randomOrder).start — the enumeration picked by the random number
  // i: it starts at P i % count and steps by one of the coprimes, also
  // chosen by i. Defined in steal.cpp.
  Enum start(uint32_t i) const;

  const std::vector<uint32_t>& coprimes() const { return coprimes_; }

 private:
  static uint32_t gcd(uint32_t a, uint32_t b) {
    while (b != 0) {
      uint32_t t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  uint32_t count_ = 0;
  std::vector<uint32_t> coprimes_;
};

}  // namespace rt
