// Goroutine states and wait reasons, with Go's names, numbers and strings.
//
// A G moves through these states (runtime/runtime2.go):
//
//   _Gidle --newproc--> _Grunnable --execute--> _Grunning --goexit--> _Gdead
//                           ^                    |   |   |
//                           |      gopark        |   |   | entersyscall
//                           +-- ready -- _Gwaiting <-+   +--> _Gsyscall --exitsyscall--> _Grunning
//                           +------- Gosched / preemption ---+                          (or _Grunnable)
//
// Dead Gs are kept on free lists and reused by newproc (gfput/gfget).
#pragma once

#include <cstdint>
#include <string_view>

namespace rt {

// Go: runtime/runtime2.go _Gidle.._Gpreempted (same values).
enum class Gstatus : uint32_t {
  Idle = 0,            // _Gidle: just allocated, not yet initialized
  Runnable = 1,        // _Grunnable: on a run queue, not running
  Running = 2,         // _Grunning: running on an M with a P
  Syscall = 3,         // _Gsyscall: in a blocking call on an M, no longer owns its P for sure
  Waiting = 4,         // _Gwaiting: blocked in the runtime (channel, lock, sleep...)
  MoribundUnused = 5,  // _Gmoribund_unused
  Dead = 6,            // _Gdead: exited, on a free list
  EnqueueUnused = 7,   // _Genqueue_unused
  Copystack = 8,       // _Gcopystack: never used by the lab (no stack copying)
  Preempted = 9,       // _Gpreempted: stopped itself for a suspendG preemption
};

std::string_view gstatusName(Gstatus s);  // "_Grunnable"

// Go: runtime/runtime2.go waitReason. The subset the lab uses, in Go's order,
// each with Go's exact string (waitReasonStrings); gs and scheddetail print them.
enum class WaitReason : uint8_t {
  Zero,                   // ""
  GCAssistMarking,        // "GC assist marking"
  ChanReceiveNilChan,     // "chan receive (nil chan)"
  ChanSendNilChan,        // "chan send (nil chan)"
  GarbageCollection,      // "garbage collection"
  Select,                 // "select"
  SelectNoCases,          // "select (no cases)"
  GCAssistWait,           // "GC assist wait"
  GCSweepWait,            // "GC sweep wait"
  ChanReceive,            // "chan receive"
  ChanSend,               // "chan send"
  ForceGCIdle,            // "force gc (idle)"
  Semacquire,             // "semacquire"
  Sleep,                  // "sleep"
  SyncMutexLock,          // "sync.Mutex.Lock"
  GCWorkerIdle,           // "GC worker (idle)"
  GCWorkerActive,         // "GC worker (active)"
  Preempted,              // "preempted"
  StoppingTheWorld,       // "stopping the world"
};

std::string_view waitReasonString(WaitReason r);

// Go: runtime/traceback.go goroutineheader's status — what a goroutine dump
// shows in brackets: the wait reason of a waiting G ("chan send"), otherwise
// gStatusStrings ("runnable", "running", "syscall", ...).
std::string_view tracebackStatus(Gstatus s, WaitReason r);

}  // namespace rt
