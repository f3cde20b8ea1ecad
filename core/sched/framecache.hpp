// Where goroutine frames come from.
//
// Every goroutine and every nested Task is a heap-allocated coroutine frame.
// Allocating them from malloc would put a global lock (or at least shared
// cache lines) on the hottest path of `go f()`. Go avoids that for stacks
// with per-P stack caches; we do the same for frames: each P keeps free
// lists of frames by size class, and, like gfput/gfget, spills and refills
// them in batches through a global list when a P has too many or none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace rt {

// Frames up to this size are cached; larger ones go to operator new.
inline constexpr std::size_t kFrameCacheMaxSize = 2048;
inline constexpr std::size_t kFrameClassBytes = 64;
inline constexpr int kFrameClasses = kFrameCacheMaxSize / kFrameClassBytes;

struct FreeFrame {
  FreeFrame* next;
};

// The global level, shared by all Ps (Go: sched.gFree for Gs).
class FrameDepot {
 public:
  ~FrameDepot();
  // Moves up to `max` frames of class c into the list at *head; returns the count.
  int take(int c, FreeFrame** head, int max);
  void put(int c, FreeFrame* head, FreeFrame* tail, int n);

 private:
  std::mutex mu_;
  FreeFrame* lists_[kFrameClasses] = {};
  int counts_[kFrameClasses] = {};
};

// One per P. Only the P's owner touches it, so no locks.
class FrameCache {
 public:
  explicit FrameCache(FrameDepot* depot) : depot_(depot) {}
  ~FrameCache();
  FrameCache(const FrameCache&) = delete;

  void* alloc(int c);
  void free(int c, void* p);
  void flush();  // return everything to the depot (P destroyed)

 private:
  static constexpr int kMax = 128;   // spill when a list is this long (Go's gfput: 64)
  static constexpr int kBatch = 32;  // frames moved per spill or refill (Go's gfget: 32)
  FrameDepot* depot_;
  FreeFrame* lists_[kFrameClasses] = {};
  int counts_[kFrameClasses] = {};
};

// The size class of a frame of n bytes, or -1 if it is too large to cache.
inline int frameClass(std::size_t n) {
  return n > kFrameCacheMaxSize ? -1 : static_cast<int>((n + kFrameClassBytes - 1) / kFrameClassBytes) - 1;
}

// Allocation for coroutine frames: the current P's cache when this thread is
// an M holding a P, else the global allocator (same rounded size, so a frame
// may be freed on a different P than the one it came from).
void* frameAlloc(std::size_t n);
void frameFree(void* p, std::size_t n);

}  // namespace rt
