#include "platform/sim/arena.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

namespace rt::sim {

constinit thread_local Arena* detail::tlsArena = nullptr;

namespace {

// Every block starts with this header, just before the caller's bytes:
// its size class, and how far back its block begins (more than 16 only for
// over-aligned requests). A free block's first word links its free list.
struct Header {
  uint32_t cls;
  uint32_t back;
  uint64_t unused;
};
static_assert(sizeof(Header) == 16);

constexpr size_t kMinChunk = 4 * Arena::kGranule;

size_t classSize(int cls) {
  return cls < Arena::kSmallClasses ? size_t(cls + 1) * 16 : size_t{1} << (cls - Arena::kSmallClasses + 11);
}

// total <= Arena::kMaxBlock + 4096 (see tryAllocate), so the shifts stay in range.
int classOf(size_t total) {
  if (total <= 1024) return static_cast<int>((total + 15) / 16) - 1;
  int k = 11;
  while ((size_t{1} << k) < total) k++;
  return Arena::kSmallClasses + (k - 11);
}

// Which arena owns each granule of the address space. Read by every
// operator delete in the process, so reads are lock-free; writes (a chunk
// comes or goes) take gOwnersLock.
constinit std::mutex gOwnersLock;
#if UINTPTR_MAX == 0xffffffffu
// wasm32: 4 GB of address space is 4096 granules, one flat table.
constinit std::atomic<Arena*> gOwners[size_t{1} << 12] = {};
std::atomic<Arena*>* ownerSlot(uintptr_t a, bool create) {
  (void)create;
  return &gOwners[a >> 20];
}
#else
// 64-bit: 48 bits of address space, 2^28 granules, in two levels: leaves of
// 2^14 granules (16 GB of addresses each) made when first needed.
constexpr int kLeafBits = 14;
constinit std::atomic<std::atomic<Arena*>*> gOwnerLeaves[size_t{1} << (48 - 20 - kLeafBits)] = {};
std::atomic<Arena*>* ownerSlot(uintptr_t a, bool create) {
  const uintptr_t g = a >> 20;
  const uintptr_t top = g >> kLeafBits;
  if (top >= std::size(gOwnerLeaves)) return nullptr;
  // acquire: pairs with the release store of a new leaf below.
  std::atomic<Arena*>* leaf = gOwnerLeaves[top].load(std::memory_order_acquire);
  if (!leaf) {
    if (!create) return nullptr;
    leaf = static_cast<std::atomic<Arena*>*>(std::calloc(size_t{1} << kLeafBits, sizeof(std::atomic<Arena*>)));
    if (!leaf) return nullptr;
    gOwnerLeaves[top].store(leaf, std::memory_order_release);
  }
  return &leaf[g & ((uintptr_t{1} << kLeafBits) - 1)];
}
#endif

void setOwner(char* base, size_t size, Arena* a) {
  std::lock_guard<std::mutex> lock(gOwnersLock);
  for (size_t off = 0; off < size; off += Arena::kGranule) {
    std::atomic<Arena*>* slot = ownerSlot(reinterpret_cast<uintptr_t>(base + off), a != nullptr);
    if (!slot) {
      std::fputs("fatal error: simulator arena: an address beyond 48 bits\n", stderr);
      std::abort();
    }
    slot->store(a, std::memory_order_relaxed);
  }
}

}  // namespace

Arena::Arena() {
  detail::linkArenaOperators();
  // The C++ library's operator new must be ours (arena_new.cpp): if it were
  // not, the run's memory would silently stay outside the arena.
  Scope probe(this);
  char* p = new char;
  const bool ours = owner(p) == this;
  delete p;
  if (!ours) {
    std::fputs("fatal error: simulator arena: operator new is not the lab's (arena_new.cpp was not linked)\n", stderr);
    std::abort();
  }
}

Arena::~Arena() {
  for (Chunk& c : chunks_) {
    setOwner(c.base, c.size, nullptr);
    std::free(c.base);
  }
}

Arena* Arena::owner(const void* p) noexcept {
  std::atomic<Arena*>* slot = ownerSlot(reinterpret_cast<uintptr_t>(p), false);
  // relaxed: a block's owner was published before the block was handed out
  // (by the allocating thread itself, or with whatever hand-over gave the
  // block to another thread).
  return slot ? slot->load(std::memory_order_relaxed) : nullptr;
}

Arena::Scope::Scope(Arena* a) noexcept : prev_(detail::tlsArena) { detail::tlsArena = a; }
Arena::Scope::~Scope() { detail::tlsArena = prev_; }

void* Arena::tryAllocate(size_t n, size_t align) noexcept {
  if (align < 16) align = 16;
  // At least one byte, so the pointer handed out lies inside its block (and
  // so inside its chunk, whose owner a delete looks up).
  if (n == 0) n = 1;
  // Enough for the header and, for over-aligned requests, the padding that
  // puts the caller's bytes on their boundary. The largest class is far
  // below SIZE_MAX, so a check here keeps the sums from wrapping.
  if (n > kMaxBlock || align > kMaxBlock - n) return nullptr;
  const size_t total = n + (align == 16 ? sizeof(Header) : align);
  const int cls = classOf(total);
  char* block = static_cast<char*>(allocateBlock(cls));
  if (!block) return nullptr;
  const uintptr_t user = (reinterpret_cast<uintptr_t>(block) + sizeof(Header) + align - 1) & ~uintptr_t(align - 1);
  Header* h = reinterpret_cast<Header*>(user) - 1;
  h->cls = static_cast<uint32_t>(cls);
  h->back = static_cast<uint32_t>(user - reinterpret_cast<uintptr_t>(block));
  return reinterpret_cast<void*>(user);
}

void Arena::deallocate(void* p) noexcept {
  const Header* h = static_cast<const Header*>(p) - 1;
  const int cls = static_cast<int>(h->cls);
  char* block = static_cast<char*>(p) - h->back;
  *reinterpret_cast<void**>(block) = heap_.free[cls];
  heap_.free[cls] = block;
}

void* Arena::allocateBlock(int cls) noexcept {
  if (void* b = heap_.free[cls]) {
    heap_.free[cls] = *static_cast<void**>(b);
    return b;
  }
  const size_t size = classSize(cls);
  if (!heap_.any || heap_.bump + size > chunks_[heap_.cur].size) {
    if (!newChunk(size)) return nullptr;
  }
  Chunk& c = chunks_[heap_.cur];
  char* b = c.base + heap_.bump;
  heap_.bump += size;
  c.used = heap_.bump;
  return b;
}

// The rest of the current chunk is left unused: the smallest spare chunk
// (one a restore gave back) that is big enough, else a new one.
bool Arena::newChunk(size_t need) noexcept {
  uint32_t best = UINT32_MAX;
  for (uint32_t i = 0; i < chunks_.size(); i++) {
    const Chunk& c = chunks_[i];
    if (!c.inUse && c.size >= need && (best == UINT32_MAX || c.size < chunks_[best].size)) best = i;
  }
  if (best == UINT32_MAX) {
    const size_t size = std::max(kMinChunk, (need + kGranule - 1) & ~(kGranule - 1));
    char* base = static_cast<char*>(std::aligned_alloc(kGranule, size));
    if (!base) return false;
    setOwner(base, size, this);
    Scope outside(nullptr);  // the chunk table itself is not part of the run
    chunks_.push_back(Chunk{base, size, 0, false});
    best = static_cast<uint32_t>(chunks_.size() - 1);
  }
  chunks_[best].inUse = true;
  chunks_[best].used = 0;
  heap_.cur = best;
  heap_.bump = 0;
  heap_.any = true;
  return true;
}

size_t Arena::bytesInUse() const {
  size_t n = 0;
  for (const Chunk& c : chunks_)
    if (c.inUse) n += c.used;
  return n;
}

std::unique_ptr<Arena::Snapshot> Arena::save() const {
  Scope outside(nullptr);
  auto s = std::make_unique<Snapshot>();
  s->heap_ = heap_;
  s->size_ = bytesInUse();
  s->data_.reset(new char[s->size_]);  // not zeroed: every byte is copied over
  size_t off = 0;
  for (uint32_t i = 0; i < chunks_.size(); i++) {
    const Chunk& c = chunks_[i];
    if (!c.inUse) continue;
    s->parts_.push_back(Snapshot::Part{i, c.used});
    std::memcpy(s->data_.get() + off, c.base, c.used);
    off += c.used;
  }
  return s;
}

void Arena::restore(const Snapshot& s) {
  heap_ = s.heap_;
  for (Chunk& c : chunks_) {
    c.inUse = false;
    c.used = 0;
  }
  size_t off = 0;
  for (const Snapshot::Part& part : s.parts_) {
    Chunk& c = chunks_[part.chunk];
    c.inUse = true;
    c.used = part.used;
    std::memcpy(c.base, s.data_.get() + off, part.used);
    off += part.used;
  }
}

}  // namespace rt::sim
