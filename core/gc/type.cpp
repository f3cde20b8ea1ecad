#include "gc/type.hpp"

#include "gc/object.hpp"

namespace rt::gc {

Type::Type(std::string n, uint32_t words, const std::vector<uint32_t>& ptrs)
    : name(std::move(n)), nwords(words), ptrmask((words + 63) / 64, 0) {
  for (uint32_t w : ptrs) {
    if (w >= nwords || isPointer(w)) continue;  // callers validate; ignore bad or repeated words
    ptrmask[w / 64] |= uint64_t(1) << (w % 64);
    ptrwords = ptrwords > w + 1 ? ptrwords : w + 1;
    ++nptrs;
  }
}

uintptr_t Type::allocSize() const {
  uintptr_t payload = uintptr_t(nwords) * kPtrSize;
  return noscan() ? payload : payload + kHeaderSize;
}

}  // namespace rt::gc
