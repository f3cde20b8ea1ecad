// persistentalloc and fixalloc; see fixalloc.hpp for the lesson.
#include "mem/fixalloc.hpp"

#include <cstring>

#include "mem/os_mem.hpp"

namespace rt::mem {

persistentAlloc::~persistentAlloc() {
  for (chunkHeader* c = chunks_; c != nullptr;) {
    chunkHeader* next = c->next;
    sysFree(c, c->size);
    c = next;
  }
}

// Go: runtime/malloc.go persistentalloc1
void* persistentAlloc::alloc(uintptr size, uintptr align, sysMemStat* sysStat) {
  if (align == 0) align = 8;
  if (size >= persistentChunkSize / 4) {
    // Go: "if size >= maxBlock { return sysAlloc(size, sysStat) }" — big
    // requests get their own OS allocation (we still track it to free it).
    uintptr total = alignUp(sizeof(chunkHeader), align) + size;
    total = alignUp(total, physPageSize());
    void* p = sysAllocOS(total);
    if (p == nullptr) return nullptr;
    auto* h = static_cast<chunkHeader*>(p);
    h->next = chunks_;
    h->size = total;
    chunks_ = h;
    stats_->mappedReady.add(static_cast<int64_t>(total));
    sysStat->add(static_cast<int64_t>(total));
    return reinterpret_cast<void*>(alignUp(reinterpret_cast<uintptr>(p) + sizeof(chunkHeader), align));
  }
  off_ = alignUp(off_, align);
  if (base_ == 0 || off_ + size > size_) {
    void* p = sysAllocOS(persistentChunkSize);
    if (p == nullptr) return nullptr;
    auto* h = static_cast<chunkHeader*>(p);
    h->next = chunks_;
    h->size = persistentChunkSize;
    chunks_ = h;
    base_ = reinterpret_cast<uintptr>(p);
    size_ = persistentChunkSize;
    off_ = alignUp(sizeof(chunkHeader), align);
    // The whole chunk counts as OtherSys until pieces of it are handed out.
    stats_->mappedReady.add(static_cast<int64_t>(persistentChunkSize));
    stats_->other_sys.add(static_cast<int64_t>(persistentChunkSize));
  }
  void* p = reinterpret_cast<void*>(base_ + off_);
  off_ += size;
  if (sysStat != &stats_->other_sys) {
    sysStat->add(static_cast<int64_t>(size));
    stats_->other_sys.add(-static_cast<int64_t>(size));
  }
  return p;  // zero: fresh OS memory, never handed out before
}

void fixalloc::init(uintptr size, persistentAlloc* persistent, sysMemStat* stat) {
  size_ = alignUp(size, 16);
  persistent_ = persistent;
  list_ = nullptr;
  chunk_ = 0;
  nchunk_ = 0;
  nalloc_ = static_cast<uint32_t>(FixAllocChunk / size_ * size_);  // Go: round _FixAllocChunk down
  inuse_ = 0;
  stat_ = stat;
}

void* fixalloc::alloc() {
  if (list_ != nullptr) {
    void* v = list_;
    list_ = list_->next;
    inuse_ += size_;
    std::memset(v, 0, size_);  // Go: if f.zero { memclrNoHeapPointers(v, f.size) }
    return v;
  }
  if (nchunk_ < size_) {
    void* c = persistent_->alloc(nalloc_, 64, stat_);
    if (c == nullptr) return nullptr;
    chunk_ = reinterpret_cast<uintptr>(c);
    nchunk_ = nalloc_;
  }
  void* v = reinterpret_cast<void*>(chunk_);
  chunk_ += size_;
  nchunk_ -= static_cast<uint32_t>(size_);
  inuse_ += size_;
  return v;
}

void fixalloc::free(void* p) {
  inuse_ -= size_;
  auto* v = static_cast<mlink*>(p);
  v->next = list_;
  list_ = v;
}

}  // namespace rt::mem
