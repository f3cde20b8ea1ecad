// Arena: the memory of one simulator run, at fixed addresses, which can be
// copied out (a snapshot) and copied back (a restore).
//
// Why. A simulator run is a pure function of its inputs, so "go back to
// event k" can always be answered by running again from the start — which
// takes as long as getting there did. To go back quickly we need the state
// at some earlier event, and the state of a run is mostly suspended
// coroutines: goroutine frames and the Ms' own bodies. C++ gives no way to
// copy a suspended coroutine. But a frame is only bytes, and so is every
// queue, G, P and M: if all of them live in one arena, and the arena is
// restored at the same addresses, then copying its bytes back restores the
// whole run, every pointer included. (Debuggers that record and replay, and
// games that roll back a networked simulation, keep state the same way.)
//
// What goes in. While an Arena::Scope is active on a thread, every C++
// allocation on that thread (operator new: std containers, coroutine
// frames, make_unique) comes from the arena. A freed block goes back to its
// arena whether or not a scope is active: ownership is looked up by address
// (owner()), so memory is never handed to the wrong allocator. An arena is
// used by one thread at a time (a simulator run is single-threaded): it
// takes no lock.
//
// The rules that keep a restore sound (core/lab/run_session.cpp follows them):
//   1. Everything the run mutates is allocated inside a scope. State outside
//      the arena that the run writes to (the session's logs) is written with
//      the scope paused (Scope(nullptr)), and rolled back by its owner.
//   2. Memory outside the arena never points into it across a restore.
//   3. Snapshots are taken between simulator events, where no M is running.
//   4. The run holds no count of an object outside it (a shared_ptr copy): a
//      restore would give back a count it never took.
//
// Simplification: Go's runtime needs nothing like this; this is the lab's
// time machine. Runs with the garbage-collected heap are not snapshotted:
// that heap asks the OS layer (core/mem/os_mem) for memory, not the arena.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace rt::sim {

class Arena;
namespace detail {
// The arena this thread allocates from (Arena::Scope), read by every
// operator new: constant-initialized, so one load.
extern constinit thread_local Arena* tlsArena;
void linkArenaOperators();  // arena_new.cpp
}  // namespace detail

class Arena {
 public:
  // Chunks are this aligned and a multiple of it in size, so the owner of
  // an address is a table lookup by granule.
  static constexpr size_t kGranule = size_t{1} << 20;

  Arena();
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // nullptr if there is no memory for it (operator new throws, or not).
  void* tryAllocate(size_t n, size_t align) noexcept;
  void deallocate(void* p) noexcept;

  // The arena p was allocated from, or nullptr (any thread, any time).
  static Arena* owner(const void* p) noexcept;
  // The arena this thread allocates from now, or nullptr (malloc).
  static Arena* current() noexcept { return detail::tlsArena; }

  // Allocations on this thread come from `a` (nullptr: from malloc) until
  // the scope ends; scopes nest.
  class Scope {
   public:
    explicit Scope(Arena* a) noexcept;
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Arena* prev_;
  };

  // The bytes a snapshot copies: every chunk in use, up to its bump.
  size_t bytesInUse() const;

  class Snapshot;
  // Copies the arena out (the copy is allocated outside every arena).
  std::unique_ptr<Snapshot> save() const;
  // Puts the arena back as it was: every block allocated since is free
  // again, every block freed since is allocated again, with its old bytes.
  void restore(const Snapshot& s);

  // Size classes: 16-byte steps up to 1 KB, then powers of two up to a
  // quarter of the address space (1 GB under wasm32).
  static constexpr int kSmallClasses = 64;
  static constexpr int kClasses = kSmallClasses + int(sizeof(size_t)) * 8 - 2 - 10;
  static constexpr size_t kMaxBlock = size_t{1} << (sizeof(size_t) * 8 - 3);

  // The allocator's state: plain data, saved whole with every snapshot.
  struct Heap {
    void* free[kClasses] = {};  // one free list per class
    uint32_t cur = 0;           // the chunk being bump-allocated
    size_t bump = 0;            // its next free byte (offset)
    bool any = false;           // no chunk yet
  };

 private:
  struct Chunk {
    char* base;
    size_t size;
    size_t used;  // bytes handed out from base (the part a snapshot copies)
    bool inUse;   // part of the heap (a restore can turn chunks back into spares)
  };

  void* allocateBlock(int cls) noexcept;
  bool newChunk(size_t need) noexcept;

  Heap heap_;
  std::vector<Chunk> chunks_;  // never shrinks: addresses stay valid for the arena's life
};

class Arena::Snapshot {
 public:
  size_t bytes() const { return size_; }

 private:
  friend class Arena;
  Heap heap_;
  struct Part {
    uint32_t chunk;
    size_t used;
  };
  std::vector<Part> parts_;
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
};

}  // namespace rt::sim
