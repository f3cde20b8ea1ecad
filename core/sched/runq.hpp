// Run queues: each P's local ring with runnext, and the global queue.
//
// The local queue is a single-producer, multi-consumer ring of 256 slots:
//   - only the owning P writes runqtail (runqput) and runnext (non-nil);
//   - the owner and thieves consume from runqhead by CAS (runqget, runqgrab);
//   - head and tail are free-running uint32s; a slot is runq[i % 256].
// A full ring spills half of itself plus the new G to the global queue
// (runqputslow), which is a linked list under sched.lock.
//
// Ordering protocol (as Go's atomic.LoadAcq/StoreRel/CasRel):
//   runqput:  write slot (relaxed)  ->  store tail (release)
//   consumer: load tail (acquire)   ->  read slots (relaxed) -> CAS head (release)
//   producer: load head (acquire) before reusing slots behind it
// so a consumer that sees tail == t also sees the slots written before t, and
// a producer that sees head == h knows the slots before h are no longer read.
#pragma once

#include <cstdint>

#include "sched/g.hpp"
#include "sched/p.hpp"

namespace rt {

class Runtime;

// Go: runtime/proc.go runqput. next=true puts gp in runnext (kicking the old
// runnext to the tail): new and readied goroutines run next on this P.
void runqput(P* pp, G* gp, bool next);

// Go: runtime/proc.go runqputslow. Called with a full ring: moves the 128
// oldest Gs plus gp (129) to the global queue. False if the ring was not full
// after all (a thief took some) and the caller should retry runqput.
bool runqputslow(P* pp, G* gp, uint32_t h, uint32_t t);

// Go: runtime/proc.go runqget. runnext first; *inheritTime says whether the
// G continues the current time slice (it does when it came from runnext).
G* runqget(P* pp, bool* inheritTime);

// Go: runtime/proc.go runqempty. Never reports empty while a G is in runnext,
// even while runqput is moving the old runnext into the ring.
bool runqempty(P* pp);

// Go: runtime/proc.go runqgrab. Takes half (rounded up) of pp's ring into
// batch starting at batchHead; with stealRunNextG may take runnext instead.
uint32_t runqgrab(P* pp, std::atomic<G*>* batch, uint32_t batchHead, bool stealRunNextG);

// Go: runtime/proc.go runqsteal. Steals half of p2's Gs into pp; returns one
// of them to run now (nullptr if nothing was taken).
G* runqsteal(P* pp, P* p2, bool stealRunNextG);

// Go: runtime/proc.go runqputbatch. Puts q's Gs on pp's ring, spilling what
// does not fit to the global queue.
void runqputbatch(P* pp, GQueue* q);

// Length of pp's ring (not counting runnext), as schedtrace prints it.
uint32_t runqlen(const P* pp);

// --- The global run queue (sched.runq); callers hold sched.lock. ---

// Go: runtime/proc.go globrunqput / globrunqputhead / globrunqputbatch.
void globrunqput(Runtime* rt, G* gp);
void globrunqputhead(Runtime* rt, G* gp);
void globrunqputbatch(Runtime* rt, GQueue* batch);

// NOT GO: how far ahead globrunqget's walk of the global queue prefetches
// (g.hpp schedlinkAhead). A G waiting there is usually cold by its turn, and
// each step of the walk needs the previous G's schedlink: without the hint
// one cache miss after another, with it up to this many at once.
inline constexpr uint32_t kSchedlinkAhead = 8;

// Go: runtime/proc.go globrunqget (Go 1.19). Takes one G to run and moves up
// to size/gomaxprocs+1 more (at most max and half a ring) to pp's ring.
// Under the lab-only SchedPolicy::Queue a high-priority G comes first, alone.
G* globrunqget(Runtime* rt, P* pp, int32_t max);

}  // namespace rt
