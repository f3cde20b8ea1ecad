// Mark assists' bookkeeping (assist.cpp: gcAssistAlloc, gcFlushBgCredit)
// inside a hand-stepped mark, with the pacer's exchange rate set by the
// test: a debt is paid from the background credit first, then in scan work,
// and every byte of credit comes from credit stolen or work done, at the
// rate — nothing is created or lost on the way.
#include <gtest/gtest.h>

#include <vector>

#include "gc_harness.hpp"
#include "sched/api.hpp"
#include "sched/g.hpp"
#include "sched/m.hpp"

namespace rt::gc {
namespace {

const Type kBox("box", 2, {0});

GcConfig handStepped() {
  GcConfig cfg;
  cfg.backgroundWorkers = false;
  cfg.gogc = -1;  // no cycle but the test's
  return cfg;
}

// The exchange rate: 4 bytes of allocation per byte of scan work.
void setRate(Collector* c) {
  c->gcController.assistWorkPerByte.store(0.25);
  c->gcController.assistBytesPerWork.store(4.0);
}

// Go: gcAssistAlloc — a goroutine with credit pays for its allocation from
// it and does nothing else.
TEST(Assist, CreditPaysForAnAllocationWithoutAnAssist) {
  auto r = testing::runWithGc(true, 1, 1, handStepped(), [&](Collector* c) -> Goroutine {
    co_await StartCycle{};
    setRate(c);
    G* gp = getg();
    c->work.bgScanCredit.store(777);
    gp->gcAssistBytes = 5000;
    EXPECT_EQ(c->gcAssistAlloc(gp, 1000), 0);
    EXPECT_EQ(gp->gcAssistBytes, 4000);
    EXPECT_EQ(c->work.bgScanCredit.load(), 777) << "no debt: no credit stolen";
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

// In debt, with enough background credit: steal the whole assist's worth —
// at least gcOverAssistWork (64 KB) of scan work, however small the debt —
// and turn it into bytes at the rate. Nothing is scanned.
TEST(Assist, ADebtIsPaidFromBackgroundCreditFirst) {
  auto r = testing::runWithGc(true, 1, 1, handStepped(), [&](Collector* c) -> Goroutine {
    co_await StartCycle{};
    setRate(c);
    G* gp = getg();
    const int64_t bank = int64_t(1) << 20;
    c->work.bgScanCredit.store(bank);
    gp->gcAssistBytes = 0;
    const int64_t heapWork0 = c->work.heapScanWork.load();
    c->gcAssistAlloc(gp, 1000);
    // Debt 1000 B = 250 B of work, less than 64 KB: the assist is 64 KB of
    // work, worth 4 x 64 KB of allocation.
    EXPECT_EQ(c->work.bgScanCredit.load(), bank - gcOverAssistWork);
    EXPECT_EQ(gp->gcAssistBytes, -1000 + 4 * gcOverAssistWork);
    EXPECT_EQ(c->work.heapScanWork.load(), heapWork0) << "all of it stolen: no scanning";
    // A large debt: the work it needs, not the minimum.
    gp->gcAssistBytes = 0;
    c->work.bgScanCredit.store(bank);
    c->gcAssistAlloc(gp, 400000);  // 100000 B of work
    EXPECT_EQ(c->work.bgScanCredit.load(), bank - 100000);
    EXPECT_EQ(gp->gcAssistBytes, 0);
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

// Too little background credit: take all of it, then scan; the goroutine
// is credited exactly for what it stole plus the scan work it did, at the
// rate (Go adds 1 byte for each, so that rounding never leaves it in debt).
TEST(Assist, WithTooLittleCreditTheAssistScansAndIsPaidForItsWork) {
  constexpr int kGrey = 100;
  auto r = testing::runWithGc(true, 1, 1, handStepped(), [&](Collector* c) -> Goroutine {
    std::vector<uintptr> objs;
    for (int i = 0; i < kGrey; i++) objs.push_back(reinterpret_cast<uintptr>(co_await New(&kBox)));
    co_await StartCycle{};
    PerP& pp = c->perP(getm()->p);
    c->gcDrain(pp, maxInt64, MarkedBy::Worker);  // the roots: done
    // Grey work for the assist: objects no root reaches, greyed by hand.
    for (uintptr p : objs) {
      mem::mspan* s = nullptr;
      uintptr idx = 0;
      if (findObject(&c->heap, p, &s, &idx)) c->greyobject(p, s, idx, pp, MarkedBy::Worker);
    }
    setRate(c);
    G* gp = getg();
    c->work.bgScanCredit.store(1000);
    gp->gcAssistBytes = 0;
    const int64_t heapWork0 = c->work.heapScanWork.load();
    const uint64_t assisted0 = pp.markedObjects[int(MarkedBy::Assist)];
    c->gcAssistAlloc(gp, 1000);
    const int64_t scanned = c->work.heapScanWork.load() - heapWork0;
    EXPECT_EQ(scanned, int64_t(kGrey) * int64_t(kHeaderSize + kPtrSize)) << "every grey object scanned";
    EXPECT_EQ(c->work.bgScanCredit.load(), 0) << "all the background credit stolen";
    EXPECT_EQ(gp->gcAssistBytes, -1000 + (1 + 4 * 1000) + (1 + 4 * scanned));
    EXPECT_TRUE(pp.gcw.empty());
    EXPECT_EQ(pp.markedObjects[int(MarkedBy::Assist)], assisted0) << "they were marked before the assist";
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

// Go: gcFlushBgCredit — with no assist waiting, all of the background
// workers' scan work becomes credit for later assists.
TEST(Assist, BackgroundWorkWithNoAssistWaitingIsBanked) {
  auto r = testing::runWithGc(true, 1, 1, handStepped(), [&](Collector* c) -> Goroutine {
    co_await StartCycle{};
    setRate(c);
    c->work.bgScanCredit.store(100);
    c->gcFlushBgCredit(12345);
    EXPECT_EQ(c->work.bgScanCredit.load(), 100 + 12345);
    co_await EndMark{};
    co_return;
  });
  EXPECT_EQ(r.rr.status, RunStatus::Ok) << r.rr.fatal;
}

}  // namespace
}  // namespace rt::gc
