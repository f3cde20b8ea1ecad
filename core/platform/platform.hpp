// The platform: everything the runtime needs from below that is mechanism,
// not policy (DESIGN.md §2, "one runtime, two clocks").
//
//   real  OS threads (Web Workers under wasm), a steady clock, futex sleeps.
//   sim   simulated threads in a discrete-event loop, virtual nanoseconds.
//
// The scheduler code (runqput, findRunnable, stealWork, handoffp, retake...)
// calls only this interface for time, threads and sleeping, so the same code
// runs on both.
#pragma once

#include <cstdint>

namespace rt {

struct M;
struct Note;

class Platform {
 public:
  virtual ~Platform() = default;
  virtual const char* name() const = 0;

  // Go: runtime.nanotime — monotonic nanoseconds.
  virtual int64_t nanotime() = 0;

  // Go: runtime/os_linux.go newosproc — start a thread running fn(mp).
  // False if no thread could be had (Go throws "newosproc"; the lab reports it).
  virtual bool newosproc(M* mp, void (*fn)(M*)) = 0;
  // Waits for every thread started by newosproc to finish.
  virtual void joinThreads() = 0;

  // Go: runtime/lock_futex.go notesleep / notetsleep / notewakeup / noteclear.
  virtual void notesleep(Note* n) = 0;
  // Sleeps at most ns; true if woken by notewakeup.
  virtual bool notetsleep(Note* n, int64_t ns) = 0;
  virtual void notewakeup(Note* n) = 0;
  virtual void noteclear(Note* n) = 0;

  // Go: runtime.usleep / runtime.osyield.
  virtual void usleep(int64_t us) = 0;
  virtual void osyield() = 0;
};

}  // namespace rt
