// Heap addresses as the lab prints them: as a 64-bit Go program's would read.
//
// The lab's heap lives wherever the host put it (mmap natively, sbrk below
// 4 GB under wasm32), so its raw addresses differ between builds, machines
// and runs. Everything the lab prints (verify's reports, alloc, spans, the
// marking view) goes through mheap::goAddr instead: arenas laid end to end
// from Go's first arena hint, 0xc000000000. A lesson's address is then the
// one the learner sees, in the browser and natively.
#pragma once

#include <cstdio>
#include <string>

#include "mem/mheap.hpp"

namespace rt::mem {

// "0xc000012000"; nil prints as "0x0".
inline std::string goAddrString(const mheap& h, uintptr p) {
  char b[24];
  std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(h.goAddr(p)));
  return p == 0 ? std::string("0x0") : std::string(b);
}

}  // namespace rt::mem
