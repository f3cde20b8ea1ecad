// The process's operator new and delete, replaced so that a simulator run
// can keep all its memory in its Arena (arena.hpp).
//
// Outside an Arena::Scope they are malloc and free, as the C++ library's
// are, plus one thread-local load; delete adds a lookup of the block's
// owner (one or two loads) to hand arena blocks back to their arena.
#include <cstdint>
#include <cstdlib>
#include <new>

#include "platform/sim/arena.hpp"

namespace {

using rt::sim::Arena;

// nullptr when there is no memory (the nothrow forms return it; the others
// throw, where the build has exceptions, and abort where it has not).
void* tryAllocate(std::size_t n, std::size_t align) noexcept {
  if (Arena* a = Arena::current()) return a->tryAllocate(n, align);
  if (n == 0) n = 1;
  if (align <= alignof(std::max_align_t)) return std::malloc(n);
  if (n > SIZE_MAX - align) return nullptr;
  return std::aligned_alloc(align, (n + align - 1) & ~(align - 1));
}

void* allocate(std::size_t n, std::size_t align) {
  void* p = tryAllocate(n, align);
  if (!p) throw std::bad_alloc();
  return p;
}

void* allocateNothrow(std::size_t n, std::size_t align) noexcept { return tryAllocate(n, align); }

void release(void* p) noexcept {
  if (!p) return;
  if (Arena* a = Arena::owner(p)) {
    a->deallocate(p);
    return;
  }
  std::free(p);
}

constexpr std::size_t kDefault = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

}  // namespace

// Called by Arena's constructor. A static library's member is linked only if
// it defines a symbol still missing, and operator new may already have been
// found elsewhere (a sanitizer's runtime comes first on the link line): this
// reference is what makes every program that uses an Arena link these.
void rt::sim::detail::linkArenaOperators() {}

void* operator new(std::size_t n) { return allocate(n, kDefault); }
void* operator new[](std::size_t n) { return allocate(n, kDefault); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocateNothrow(n, kDefault); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocateNothrow(n, kDefault); }
void* operator new(std::size_t n, std::align_val_t al) { return allocate(n, static_cast<std::size_t>(al)); }
void* operator new[](std::size_t n, std::align_val_t al) { return allocate(n, static_cast<std::size_t>(al)); }
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return allocateNothrow(n, static_cast<std::size_t>(al));
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
  return allocateNothrow(n, static_cast<std::size_t>(al));
}

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
