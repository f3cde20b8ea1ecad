// The verifier: did marking find everything reachable?
//
// Lesson. Go's GODEBUG=gccheckmark=1 re-runs the mark with the world
// stopped, from the roots, using a separate set of bits, and throws if it
// reaches an object the real mark left white. The lab does the same at the
// end of every mark it is asked to check, and explains what it finds:
//
//   - every reachable object left white, with the chain of pointers from a
//     root that reaches it, and the pointer stores (recorded by the write
//     barrier while marking) that moved the pointer to it: typically a
//     deletion from a not-yet-scanned object followed by an insertion into
//     an already-black one — the lost-object pattern a barrier prevents;
//   - every black object that points to a white one (the strong tri-color
//     invariant, which must hold once no grey object is left).
//
// A lost object would be freed by the coming sweep while the program still
// uses it. The verifier marks it, so the lab reports the loss instead of
// corrupting its own heap.
#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include "gc/collector.hpp"
#include "gc/type.hpp"
#include "mem/goaddr.hpp"
#include "sched/runtime.hpp"
#include "util/duration.hpp"

namespace rt::gc {

namespace {

// Addresses as a Go program's would read (mem/goaddr.hpp).
std::string hex(const mem::mheap& h, uintptr p) { return mem::goAddrString(h, p); }

std::string describe(const mem::mheap& h, uintptr obj) {
  const Type* t = typeOf(obj);
  return hex(h, obj) + (t ? " (" + t->name + ")" : " (noscan)");
}

}  // namespace

// The verifier's own mark: everything reachable from the roots, each with
// how it was first reached. World stopped (or the simulator paused).
std::unordered_map<uintptr, Parent> Collector::reachable() {
  std::unordered_map<uintptr, Parent> seen;  // the checkmarks
  std::vector<uintptr> stack;
  auto reach = [&](uintptr p, Parent how) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    uintptr obj = findObject(&heap, p, &s, &idx);
    if (obj == 0 || !seen.emplace(obj, how).second) return;
    if (!s->spanclass.noscan()) stack.push_back(obj);
  };
  for (uint32_t i = 0; i < globals.n; i++)
    if (uintptr p = globals.slots[i].load(std::memory_order_relaxed)) reach(p, Parent{0, i, 0, 0});
  {
    std::lock_guard<std::mutex> g(rt->allgLock);
    for (G* gp = rt->allgs; gp; gp = gp->alllink) {
      if (readgstatus(gp) == Gstatus::Dead) continue;
      uint32_t slot = 0;
      for (GcRootFrame* f = gp->gcroots; f; f = f->next)
        for (uint32_t i = 0; i < f->n; i++, slot++)
          if (f->slots[i]) reach(f->slots[i], Parent{0, slot, 1, gp->goid});
    }
  }
  while (!stack.empty()) {
    uintptr b = stack.back();
    stack.pop_back();
    const Type* t = typeOf(b);
    if (!t) continue;
    for (uint32_t i = 0; i < t->ptrwords; i++)
      if (t->isPointer(i))
        if (uintptr p = loadField(b, i)) reach(p, Parent{b, i, 0, 0});
  }
  return seen;
}

MarkProgress Collector::markProgress() {
  MarkProgress mp;
  for (auto& [obj, how] : reachable()) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    findObject(&heap, obj, &s, &idx);
    mp.reachableObjects++;
    mp.reachableBytes += s->elemsize;
    if (s->gcmarkBits->isMarkedAtomic(idx)) {
      mp.markedObjects++;
      mp.markedBytes += s->elemsize;
    }
  }
  return mp;
}

// The weak tri-color invariant in the middle of a mark: every white object
// a black one points to must still be reachable from something the mark
// will scan — a grey object, a stack not scanned yet, or the globals if
// their root job has not run. Returns the white objects that are reachable
// only through black ones.
std::vector<uintptr> Collector::hiddenWhiteObjects() {
  std::unordered_map<uintptr, Parent> all = reachable();
  std::unordered_map<uintptr, bool> protectedSet;
  std::vector<uintptr> stack;
  auto marked = [&](uintptr obj) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    findObject(&heap, obj, &s, &idx);
    return s->gcmarkBits->isMarkedAtomic(idx);
  };
  // From a source, walk through white objects only (a marked object met on
  // the way is grey or black; greys are sources themselves).
  auto visit = [&](uintptr p) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    uintptr obj = findObject(&heap, p, &s, &idx);
    if (obj == 0 || s->gcmarkBits->isMarkedAtomic(idx) || !protectedSet.emplace(obj, true).second) return;
    if (!s->spanclass.noscan()) stack.push_back(obj);
  };
  auto scanFields = [&](uintptr b) {
    const Type* t = typeOf(b);
    if (!t) return;
    for (uint32_t i = 0; i < t->ptrwords; i++)
      if (t->isPointer(i))
        if (uintptr p = loadField(b, i)) visit(p);
  };
  // Sources: grey objects...
  // (A queued oblet stands for its object: all of its fields are scanned.)
  auto scanQueued = [&](uintptr entry) { scanFields(queuedObject(&heap, entry)); };
  pool.forEachQueued(scanQueued);
  for (auto& a : perP_) {
    if (PerP* ps = a.load(std::memory_order_relaxed)) {
      ps->gcw.forEachQueued(scanQueued);
      // Pointers the barrier buffered will be shaded: they protect too.
      for (uint32_t i = 0; i < ps->wbuf.next; i++) visit(ps->wbuf.buf[i]);
    }
  }
  // ...the globals if nobody scanned them yet, and unscanned stacks.
  if (work.markrootNext.load() == 0)
    for (uint32_t i = 0; i < globals.n; i++)
      if (uintptr p = globals.slots[i].load(std::memory_order_relaxed)) visit(p);
  {
    const uint32_t gen = work.stackGen.load();
    std::lock_guard<std::mutex> g(rt->allgLock);
    for (G* gp = rt->allgs; gp; gp = gp->alllink) {
      if (readgstatus(gp) == Gstatus::Dead || gp->gcscangen.load() == gen) continue;
      for (GcRootFrame* f = gp->gcroots; f; f = f->next)
        for (uint32_t i = 0; i < f->n; i++)
          if (f->slots[i]) visit(f->slots[i]);
    }
  }
  while (!stack.empty()) {
    uintptr b = stack.back();
    stack.pop_back();
    scanFields(b);
  }
  std::vector<uintptr> hidden;
  for (auto& [obj, how] : all)
    if (!marked(obj) && !protectedSet.count(obj)) hidden.push_back(obj);
  std::sort(hidden.begin(), hidden.end());
  return hidden;
}

std::string Collector::reachedByText(const std::unordered_map<uintptr, Parent>& seen, uintptr obj) {
  // The chain from a root.
  std::vector<std::string> chain;
  for (uintptr cur = obj;;) {
    auto it = seen.find(cur);
    if (it == seen.end()) break;
    const Parent& p = it->second;
    if (p.from == 0) {
      chain.push_back(p.rootKind == 0 ? "global[" + std::to_string(p.word) + "]"
                                      : "G" + std::to_string(p.goid) + " stack slot " + std::to_string(p.word));
      break;
    }
    chain.push_back(describe(heap, p.from) + ".w" + std::to_string(p.word));
    cur = p.from;
    if (chain.size() > 64) break;
  }
  std::string path;
  for (size_t n = 0; n < chain.size(); n++) {
    // Long chains: the root, the last three hops, and how many between.
    const size_t fromRoot = chain.size() - 1 - n;
    if (chain.size() > 6 && n > 0 && fromRoot > 2) {
      if (fromRoot == 3) path += "... (" + std::to_string(chain.size() - 4) + " more) -> ";
      continue;
    }
    path += chain[fromRoot] + " -> ";
  }
  return path + hex(heap, obj);
}

std::string Collector::hiddenByText(const StoreRecord& r, uintptr obj) {
  std::string slot = r.obj ? describe(heap, r.obj) + ".w" + std::to_string(r.word) : "global[" + std::to_string(r.word) + "]";
  std::string what = r.oldval == obj ? slot + " = " + (r.newval ? hex(heap, r.newval) : "nil") + " (deleted the pointer to it)"
                                     : slot + " = " + hex(heap, obj) + (r.objWasBlack ? " (into an already marked object)" : "");
  return "G" + std::to_string(r.goid) + " at " + util::formatDuration(r.when - rt->starttime) + ": " + what;
}

std::string Collector::verify(uint64_t* lostOut, bool repair) {
  std::unordered_map<uintptr, Parent> seen = reachable();

  // Reachable but white.
  std::vector<uintptr> lost;
  for (auto& [obj, how] : seen) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    findObject(&heap, obj, &s, &idx);
    if (!s->gcmarkBits->isMarkedAtomic(idx)) lost.push_back(obj);
  }
  std::sort(lost.begin(), lost.end());
  *lostOut = lost.size();

  std::string out;
  const size_t kShow = 3;
  for (size_t k = 0; k < lost.size() && k < kShow; k++) {
    uintptr obj = lost[k];
    out += "verify: lost object " + describe(heap, obj) + ": reachable, but left white by the mark\n";
    out += "  reached by: " + reachedByText(seen, obj) + "\n";
    // The stores that moved it, from the write barrier's log.
    std::lock_guard<std::mutex> g(storesLock);
    int shown = 0;
    for (const StoreRecord& r : stores) {
      if (r.oldval != obj && r.newval != obj) continue;
      out += "  hidden by: " + hiddenByText(r, obj) + "\n";
      if (++shown == 6) break;
    }
    if (shown == 0 && !cfg.recordStores) out += "  (run with store recording to see which stores hid it)\n";
  }
  if (lost.size() > kShow) out += "verify: ... and " + std::to_string(lost.size() - kShow) + " more lost objects\n";

  // No reachable black object may point to a white one. (An unreachable
  // black object may: one allocated black and dropped, with a white object
  // stored in it under a deletion barrier. Both are garbage.)
  uint64_t violations = 0;
  std::string firstViolation;
  heap.forEachSpan([&](mem::mspan* s) {
    if (s->spanclass.noscan()) return;
    for (uintptr i = 0; i < s->nelems; i++) {
      if (!s->gcmarkBits->isMarkedAtomic(i) || !s->isAllocated(i)) continue;
      uintptr b = s->base() + i * s->elemsize;
      if (!seen.count(b)) continue;
      const Type* t = typeOf(b);
      if (!t) continue;
      for (uint32_t w = 0; w < t->ptrwords; w++) {
        if (!t->isPointer(w)) continue;
        uintptr p = loadField(b, w);
        mem::mspan* ts;
        uintptr ti;
        if (findObject(&heap, p, &ts, &ti) && !ts->gcmarkBits->isMarkedAtomic(ti)) {
          if (violations++ == 0)
            firstViolation = "verify: black object " + describe(heap, b) + ".w" + std::to_string(w) + " points to white " + hex(heap, p) + "\n";
        }
      }
    }
  });
  if (violations) {
    out += firstViolation;
    if (violations > 1) out += "verify: " + std::to_string(violations) + " black-to-white pointers in all\n";
  }

  // Keep what the program can still reach: mark it, so sweep does not free it.
  if (!repair) return out;
  for (uintptr obj : lost) {
    mem::mspan* s = nullptr;
    uintptr idx = 0;
    findObject(&heap, obj, &s, &idx);
    s->gcmarkBits->tryMark(idx);
  }
  return out;
}

}  // namespace rt::gc
