// The scheduler's trace events: one schema for everything the runtime
// records about itself, whichever engine ran it.
//
// Go's execution tracer (runtime/trace2event.go: EvGoStatus, EvProcStart,
// EvGoStart, EvGoSyscallBegin...) records the same kinds of facts; the lab
// keeps its own small fixed-size record so the exporters (Chrome JSON for
// Perfetto, the web views) can read a run as a flat array. Every record is
// 40 bytes with the same layout natively and in wasm, so the web page reads
// them straight out of wasm memory through an Int32Array.
#pragma once

#include <cstdint>
#include <string_view>

namespace trace {

enum class EvType : uint8_t {
  GoCreate = 1,    // g was created on P p by goroutine a (low 32 bits); b = its name (Tracer::names)
  GoStatus,        // g changed status from -> to on P p by M m (b: why, see GoReason)
  ProcStart,       // M m acquired P p (Go: acquirep)
  ProcStop,        // M m released P p (Go: releasep)
  Steal,           // P p stole a Gs from P p2, which had b left (g: the G it runs first)
  MStart,          // a new M m started (Go: newm)
  MPark,           // M m went to sleep with no P (Go: stopm)
  MUnpark,         // M m woke up
  SpinStart,       // M m began spinning (looking for work to steal)
  SpinStop,        // M m stopped spinning (found work, or gave up)
  Handoff,         // P p, in a syscall or idle, was handed to another M (Go: handoffp -> startm)
  PreemptRequest,  // sysmon asked goroutine g on P p to yield (Go: preemptone)
  Gomaxprocs,      // GOMAXPROCS changed to a (b = the old value)
  TimerFire,       // goroutine g's timer fired; run by P p
  RunqSizes,       // after a scheduling decision on P p: a = its local run queue, b = the global
                   // one, g = the G in its runnext (0: none)
  STWStart,        // M m (for goroutine g) stops the world; a = why (StwReason)
  STWDone,         // the world restarts; a = why
  GCPhase,         // the collector entered phase a (0 _GCoff, 1 _GCmark, 2 _GCmarktermination); b = cycle
};

// Why the world stops (STWStart/STWDone a). Go: runtime/proc.go stwReason.
enum class StwReason : int32_t {
  Gomaxprocs = 0,      // "GOMAXPROCS"
  GCSweepTerm = 1,     // "GC sweep termination"
  GCMarkTerm = 2,      // "GC mark termination"
  ReadMemStats = 3,    // "read mem stats"
};
std::string_view stwReasonName(int32_t r);

// Why a running G stopped running (GoStatus from _Grunning), in b.
enum class GoReason : int32_t {
  None = 0,
  Block = 1,    // gopark: channel, sleep, lock...
  Gosched = 2,  // runtime.Gosched
  Preempt = 3,  // a preemption request honoured at a safe point
  AsyncPreempt = 4,  // a cpu burst cut short (simulator: Go's signal-based preemption)
  Syscall = 5,
  Exit = 6,
};

struct Event {
  int64_t ts;     // nanoseconds since the run started
  uint64_t g;     // goroutine id, 0 if none
  uint32_t seq;   // order among events with the same ts
  int32_t a;      // meaning depends on type
  int32_t b;
  int16_t p;      // P id, -1 if none
  int16_t p2;     // the other P (steal victim), -1 if none
  int32_t m;      // M id, -1 if none
  EvType type;
  uint8_t from;   // GoStatus: rt::Gstatus values
  uint8_t to;
  uint8_t pad = 0;
};
static_assert(sizeof(Event) == 40, "the web views read 40-byte records");

std::string_view evTypeName(EvType t);
std::string_view goReasonName(GoReason r);

}  // namespace trace
