// NOT GO. A lab-only scheduling policy for day 7's priority experiment.
//
// The story the course starts from "patched findrunnable() in sched.go to
// give payment goroutines a 3x time-slice weight". Go has no goroutine
// priorities and no such patch: its answers to "this work matters more" are
// outside the scheduler (a separate process or GOMAXPROCS for it, admission
// control, shedding load). The lab lets a learner try the patch on its own
// runtime and measure what it buys and what it costs:
//
//   SchedPolicy::Go     Go's scheduler, unchanged (the default; priorities
//                       are recorded but nothing reads them).
//   SchedPolicy::Slice  the story's patch: a high-priority goroutine's time
//                       slice is kHighPrioritySliceFactor x forcePreemptNS
//                       (30 ms instead of 10 ms) before sysmon preempts it.
//                       It helps only goroutines that compute for longer
//                       than a slice; a request's wait in a run queue is
//                       untouched.
//   SchedPolicy::Queue  strict priority: a high-priority goroutine that
//                       becomes runnable goes to a global queue of its own,
//                       which every P's findRunnable takes from before
//                       anything else. Nothing preempts a running normal G
//                       for it; under overload normal goroutines starve.
//
// A goroutine's priority is set when it is created and inherited by the
// goroutines it starts, as Go's pprof labels are (newproc1 copies
// curg.labels) — labels being how a Go service would tag a payment request.
#pragma once

#include <cstdint>

namespace rt {

class Runtime;
class Goroutine;
struct G;

enum class SchedPolicy : uint8_t { Go, Slice, Queue };
enum class Priority : uint8_t { Normal, High };

inline constexpr int64_t kHighPrioritySliceFactor = 3;

// --- What a goroutine calls (include sched/goroutine.hpp to call them). ---

// Sets the running program's policy. Call it before the goroutines it
// should apply to exist (the service's main does, first thing).
void SetSchedPolicy(SchedPolicy policy);

// `go fn()` whose goroutine has the given priority (rt::go inherits the
// creator's).
void goWithPriority(Goroutine fn, Priority priority, const char* name = "");

// --- What the scheduler asks (runq.cpp, proc.cpp, sysmon.cpp). ---

// True if gp belongs on the high-priority queue (SchedPolicy::Queue).
bool queuedHigh(const Runtime* rt, const G* gp);

// Where newproc and goready would put gp on their P's run queue: under
// SchedPolicy::Queue a high-priority G goes to the high-priority queue
// instead (true), which every P looks at first. runqput itself stays Go's.
bool putHighPriority(Runtime* rt, G* gp);

// The time slice gp starts when it is scheduled (forcePreemptNS, or the
// longer one SchedPolicy::Slice gives a high-priority G).
int64_t timeSliceFor(const Runtime* rt, const G* gp);

}  // namespace rt
