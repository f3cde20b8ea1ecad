#include "gc/gctrace.hpp"

namespace rt::gc {

std::string itoaDiv(uint64_t val, int dec) {
  std::string digits = std::to_string(val);
  if (dec <= 0) return digits;
  if (digits.size() <= size_t(dec)) digits.insert(0, size_t(dec) + 1 - digits.size(), '0');
  digits.insert(digits.size() - size_t(dec), ".");
  return digits;
}

std::string fmtNSAsMS(uint64_t ns) {
  if (ns >= 10'000'000) {
    // Format as whole milliseconds.
    return itoaDiv(ns / 1'000'000, 0);
  }
  // Format two digits of precision, with at most three decimal places.
  uint64_t x = ns / 1000;
  if (x == 0) return "0";
  int dec = 3;
  while (x >= 100) {
    x /= 10;
    dec--;
  }
  return itoaDiv(x, dec);
}

std::string formatGcTrace(const GcTraceLine& l) {
  auto ms = [](int64_t ns) { return fmtNSAsMS(ns < 0 ? 0 : uint64_t(ns)); };
  std::string s = "gc " + std::to_string(l.numgc) + " @" + itoaDiv(uint64_t(l.sinceStartNs < 0 ? 0 : l.sinceStartNs) / 1'000'000, 3) +
                  "s " + std::to_string(l.utilPercent) + "%: ";
  s += ms(l.sweepTermNs) + "+" + ms(l.markNs) + "+" + ms(l.markTermNs) + " ms clock, ";
  s += ms(l.sweepTermCpuNs) + "+" + ms(l.assistCpuNs) + "/" + ms(l.backgroundCpuNs) + "/" + ms(l.idleCpuNs) + "+" +
       ms(l.markTermCpuNs) + " ms cpu, ";
  s += std::to_string(l.heap0 >> 20) + "->" + std::to_string(l.heap1 >> 20) + "->" + std::to_string(l.heap2 >> 20) +
       " MB, " + std::to_string(l.goal >> 20) + " MB goal, " + std::to_string(l.stacks >> 20) + " MB stacks, " +
       std::to_string(l.globals >> 20) + " MB globals, " + std::to_string(l.procs) + " P";
  if (l.forced) s += " (forced)";
  return s;
}

}  // namespace rt::gc
