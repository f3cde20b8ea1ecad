// Mark assists: goroutines that allocate while the GC marks pay in scan work.
//
// Lesson. If the program allocates faster than the background workers mark,
// the heap would blow past its goal before marking ends. So every goroutine
// carries a balance, gcAssistBytes: allocating while marking debits it
// (bytes), doing scan work credits it (at the pacer's exchange rate,
// assistBytesPerWork). A goroutine in debt must first "assist": steal
// credit the background workers banked (bgScanCredit), and if that is not
// enough, scan grey objects itself (gcDrainN) before its allocation
// proceeds. To amortize the cost, an assist always does at least
// gcOverAssistWork (64 KB) of scan work, building credit for later.
//
// An assist that is still in debt but finds no grey object to scan parks
// on the assist queue ("GC assist wait", gcParkAssist) until background
// workers pay its debt with their scan work (gcFlushBgCredit) or the mark
// ends (gcWakeAllAssists). If background credit appeared meanwhile, the
// park backs out and the assist retries, stealing it (Go: gcParkAssist's
// recheck, then "goto retry"). Named simplifications: with no background
// workers (the lab's hand-stepped marks) it goes on in debt instead; the
// lab's scan is not preemptible (one gcDrain call), so Go's other retry,
// after a preemption cut the assist short ("if gp.preempt { Gosched(); goto
// retry }"), does not arise; and a retry does not park again (what is left
// of the debt is paid at the next allocation).
//
// A goroutine that exits with credit left gives it to the background pool
// (Go: gdestroy, through Runtime::gcGoexit).
#include "gc/collector.hpp"
#include "sched/goroutine.hpp"
#include "sched/m.hpp"
#include "sched/proc.hpp"

namespace rt::gc {

// Go: runtime/mgcmark.go gcAssistAlloc (+ malloc.go deductAssistCredit)
int64_t Collector::gcAssistAlloc(G* gp, uintptr size) {
  gp->gcAssistBytes -= int64_t(size);
  if (gp->gcAssistBytes >= 0) return 0;

  // Compute the amount of scan work we need to do to make the balance positive.
  const double assistWorkPerByte = gcController.assistWorkPerByte.load(std::memory_order_relaxed);
  const double assistBytesPerWork = gcController.assistBytesPerWork.load(std::memory_order_relaxed);
  int64_t debtBytes = -gp->gcAssistBytes;
  int64_t scanWork = int64_t(assistWorkPerByte * double(debtBytes));
  if (scanWork < gcOverAssistWork) {
    scanWork = gcOverAssistWork;
    debtBytes = int64_t(assistBytesPerWork * double(scanWork));
  }

  // Steal as much credit as we can from the background GC's scan credit.
  int64_t bgScanCredit = work.bgScanCredit.load(std::memory_order_relaxed);
  int64_t stolen = 0;
  if (bgScanCredit > 0) {
    if (bgScanCredit < scanWork) {
      stolen = bgScanCredit;
      gp->gcAssistBytes += 1 + int64_t(assistBytesPerWork * double(stolen));
    } else {
      stolen = scanWork;
      gp->gcAssistBytes += debtBytes;
    }
    work.bgScanCredit.fetch_sub(stolen, std::memory_order_relaxed);
    scanWork -= stolen;
    if (scanWork == 0) {
      // We were able to steal all of the credit we needed.
      return 0;
    }
  }

  // Perform assist work (Go: gcAssistAlloc1 -> gcDrainN).
  const int64_t t0 = nanotime();
  int64_t objs = 0;
  int64_t workDone = 0;
  {
    DrainingScope draining(this);
    workDone = gcDrain(perP(getm()->p), scanWork, MarkedBy::Assist, &objs);
  }
  // Record that we did this much scan work.
  gp->gcAssistBytes += 1 + int64_t(assistBytesPerWork * double(workDone));
  const int64_t cost = scanCost(workDone, objs);
  work.assistTime.fetch_add(simulated() ? cost : nanotime() - t0, std::memory_order_relaxed);
  return simulated() ? cost : 0;
}

bool Collector::assistShouldPark(G* gp) {
  // (With the GC CPU limiter on, Go's gcAssistAlloc returns before it could
  // park: the goroutine allocates in debt.)
  return gp->gcAssistBytes < 0 && cfg.backgroundWorkers && work.workersRunning.load(std::memory_order_acquire) > 0 &&
         gcBlackenEnabled.load(std::memory_order_relaxed) && !limiter.limiting();
}

void Collector::goexit(void* self, G* gp) {
  auto* c = static_cast<Collector*>(self);
  if (c->gcBlackenEnabled.load(std::memory_order_relaxed) && gp->gcAssistBytes > 0) {
    // Flush assist credit to the global pool. This gives better
    // information to pacing if the application is rapidly creating and
    // exiting goroutines.
    const double assistWorkPerByte = c->gcController.assistWorkPerByte.load(std::memory_order_relaxed);
    const int64_t scanCredit = int64_t(assistWorkPerByte * double(gp->gcAssistBytes));
    c->work.bgScanCredit.fetch_add(scanCredit, std::memory_order_relaxed);
  }
  // (A G is reused by a later go statement: it starts with no credit.)
  gp->gcAssistBytes = 0;
}

// Go: runtime/mgcmark.go gcFlushBgCredit
void Collector::gcFlushBgCredit(int64_t scanWork) {
  GQueue ready;
  {
    std::lock_guard<std::mutex> g(assistQueue.lock);
    if (assistQueue.q.empty()) {
      // Fast path; there are no blocked assists.
      work.bgScanCredit.fetch_add(scanWork, std::memory_order_relaxed);
      return;
    }
    const double assistBytesPerWork = gcController.assistBytesPerWork.load(std::memory_order_relaxed);
    int64_t scanBytes = int64_t(double(scanWork) * assistBytesPerWork);
    while (!assistQueue.q.empty() && scanBytes > 0) {
      G* gp = assistQueue.q.head;
      if (scanBytes + gp->gcAssistBytes >= 0) {
        // Satisfy this entire assist debt.
        scanBytes += gp->gcAssistBytes;
        gp->gcAssistBytes = 0;
        assistQueue.q.pop();
        ready.pushBack(gp);
      } else {
        // Partially satisfy this assist.
        gp->gcAssistBytes += scanBytes;
        scanBytes = 0;
      }
    }
    if (scanBytes > 0) {
      // Convert from scan bytes back to work.
      const double assistWorkPerByte = gcController.assistWorkPerByte.load(std::memory_order_relaxed);
      work.bgScanCredit.fetch_add(int64_t(double(scanBytes) * assistWorkPerByte), std::memory_order_relaxed);
    }
  }
  while (G* gp = ready.pop()) goready(gp);
}

// Go: runtime/mgcmark.go gcWakeAllAssists
void Collector::gcWakeAllAssists() {
  GQueue ready;
  {
    std::lock_guard<std::mutex> g(assistQueue.lock);
    ready = assistQueue.q;
    assistQueue.q = GQueue{};
  }
  while (G* gp = ready.pop()) goready(gp);
}

}  // namespace rt::gc
