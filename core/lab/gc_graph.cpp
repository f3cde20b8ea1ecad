#include "lab/gc_graph.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "gc/type.hpp"
#include "mem/goaddr.hpp"
#include "sched/runtime.hpp"
#include "util/duration.hpp"

namespace lab {

namespace {

using rt::gc::Collector;
using uintptr = rt::gc::uintptr;

// Addresses as a Go program's would read, the same as verify prints them.
std::string hex(const Collector& c, uintptr p) { return rt::mem::goAddrString(c.heap, p); }

bool markedAt(Collector& c, uintptr obj, rt::mem::mspan** sp = nullptr) {
  rt::mem::mspan* s = nullptr;
  uintptr idx = 0;
  if (!rt::gc::findObject(&c.heap, obj, &s, &idx)) return false;
  if (sp) *sp = s;
  return s->gcmarkBits->isMarkedAtomic(idx);
}

void spanMap(JsonWriter& j, Collector& c) {
  j.key("spans").beginArray();
  c.heap.forEachSpan([&](rt::mem::mspan* s) {
    uint64_t marked = 0;
    for (uintptr i = 0; i < s->nelems; i++) marked += s->gcmarkBits->isMarkedAtomic(i);
    j.beginObject().field("base", hex(c, s->base())).field("sizeClass", uint64_t(s->spanclass.sizeclass()));
    j.field("noscan", s->spanclass.noscan()).field("nelems", uint64_t(s->nelems));
    j.field("allocCount", uint64_t(s->allocCount)).field("marked", marked).endObject();
  });
  j.endArray();
}

// Mid-mark, the objects `verify` lists as hidden (reachable only through
// black objects: lost if the mark ended now), each with the chain of
// pointers the verifier followed from a root and the recorded stores that
// moved a pointer to it, in the verifier's words.
void lostJson(JsonWriter& j, Collector& c) {
  const std::vector<uintptr> hidden = c.hiddenWhiteObjects();
  j.key("lost").beginArray();
  if (hidden.empty()) {
    j.endArray();
    return;
  }
  const std::unordered_map<uintptr, rt::gc::Parent> seen = c.reachable();
  for (size_t k = 0; k < hidden.size() && k < 16; k++) {
    const uintptr obj = hidden[k];
    const rt::gc::Type* t = rt::gc::typeOf(obj);
    j.beginObject().field("id", hex(c, obj)).field("type", t ? t->name : std::string("noscan"));
    // The path, root first: the objects from the one a root points to down
    // to obj, and the root by the name the graph's roots use.
    std::vector<uintptr> path{obj};
    std::string root;
    for (uintptr cur = obj; path.size() <= 4096;) {
      auto it = seen.find(cur);
      if (it == seen.end()) break;
      const rt::gc::Parent& p = it->second;
      if (p.from == 0) {
        root = p.rootKind == 0 ? "global[" + std::to_string(p.word) + "]" : "G" + std::to_string(p.goid);
        break;
      }
      path.push_back(p.from);
      cur = p.from;
    }
    j.field("root", root);
    j.key("path").beginArray();
    for (auto it = path.rbegin(); it != path.rend(); ++it) j.value(hex(c, *it));
    j.endArray();
    j.field("reachedBy", c.reachedByText(seen, obj));
    j.key("hiddenBy").beginArray();
    {
      std::lock_guard<std::mutex> g(c.storesLock);
      int shown = 0;
      for (const rt::gc::StoreRecord& r : c.stores) {
        if (r.oldval != obj && r.newval != obj) continue;
        j.beginObject().field("goid", r.goid).field("atNs", r.when - c.rt->starttime);
        j.field("at", ::util::formatDuration(r.when - c.rt->starttime));
        j.field("slot", r.obj ? hex(c, r.obj) + ".w" + std::to_string(r.word) : "global[" + std::to_string(r.word) + "]");
        if (r.obj) j.field("slotType", rt::gc::typeOf(r.obj) ? rt::gc::typeOf(r.obj)->name : std::string("noscan"));
        j.field("deleted", r.oldval == obj).field("value", r.oldval == obj ? (r.newval ? hex(c, r.newval) : "nil") : hex(c, obj));
        j.field("intoMarked", r.oldval != obj && r.objWasBlack).field("text", c.hiddenByText(r, obj)).endObject();
        if (++shown == 6) break;  // as many as verify shows
      }
    }
    j.endArray().endObject();
  }
  j.endArray();
  j.field("lostCount", uint64_t(hidden.size()));
}

}  // namespace

void gcGraphJson(JsonWriter& j, Collector& c, const GraphOptions& opt) {
  const rt::gc::GCPhase phase = c.gcphase.load();
  j.beginObject().field("phase", rt::gc::gcPhaseName(phase)).field("cycle", uint64_t(c.work.cycles));
  j.field("barrier", rt::gc::barrierName(c.cfg.barrier));
  j.field("marker", c.cfg.marker == rt::gc::Marker::STW ? "stw" : "concurrent").field("nowNs", opt.nowNs);

  // Grey: marked and still queued somewhere.
  std::vector<uintptr> queue;
  // (An oblet of a large object stands for the object.)
  auto queued = [&](uintptr entry) { queue.push_back(rt::gc::queuedObject(&c.heap, entry)); };
  c.pool.forEachQueued(queued);
  for (int id = 0; id < 1024; id++) {
    rt::gc::PerP* ps = c.perPIfAny(id);
    if (ps) ps->gcw.forEachQueued(queued);
  }
  std::unordered_set<uintptr> grey(queue.begin(), queue.end());

  // Breadth-first from the roots: depth 1 for what a root points to.
  struct Node {
    uintptr obj;
    int depth;
    std::string root;  // "global[3]" or "G5" when a root points to it
  };
  std::vector<Node> nodes;
  std::unordered_map<uintptr, size_t> index;
  std::vector<std::pair<size_t, size_t>> edges;
  std::deque<size_t> frontier;
  bool tooMany = false;
  auto add = [&](uintptr p, int depth, const std::string& root) -> long {
    rt::mem::mspan* s = nullptr;
    uintptr idx = 0;
    uintptr obj = rt::gc::findObject(&c.heap, p, &s, &idx);
    if (obj == 0) return -1;
    auto it = index.find(obj);
    if (it != index.end()) return long(it->second);
    if (nodes.size() >= opt.maxNodes) {
      tooMany = true;
      return -1;
    }
    index.emplace(obj, nodes.size());
    nodes.push_back(Node{obj, depth, root});
    frontier.push_back(nodes.size() - 1);
    return long(nodes.size() - 1);
  };
  struct RootRef {
    std::string name;
    long node;
  };
  std::vector<RootRef> roots;
  for (uint32_t i = 0; i < c.globals.n && !tooMany; i++)
    if (uintptr p = c.globals.slots[i].load(std::memory_order_relaxed)) {
      std::string name = "global[" + std::to_string(i) + "]";
      roots.push_back({name, add(p, 1, name)});
    }
  {
    const uint32_t gen = c.work.stackGen.load();
    std::lock_guard<std::mutex> g(c.rt->allgLock);
    for (rt::G* gp = c.rt->allgs; gp && !tooMany; gp = gp->alllink) {
      if (rt::readgstatus(gp) == rt::Gstatus::Dead) continue;
      const bool scanned = phase != rt::gc::GCPhase::Off && gp->gcscangen.load() == gen;
      for (rt::GcRootFrame* f = gp->gcroots; f; f = f->next)
        for (uint32_t i = 0; i < f->n; i++)
          if (f->slots[i]) {
            std::string name = "G" + std::to_string(uint64_t(gp->goid)) + (scanned ? "" : "*");
            roots.push_back({name, add(f->slots[i], 1, name)});
          }
    }
  }
  while (!frontier.empty() && !tooMany) {
    const size_t n = frontier.front();
    frontier.pop_front();
    const uintptr b = nodes[n].obj;
    const int depth = nodes[n].depth;
    rt::mem::mspan* s = nullptr;
    markedAt(c, b, &s);
    if (s->spanclass.noscan()) continue;
    const rt::gc::Type* t = rt::gc::typeOf(b);
    if (!t) continue;
    for (uint32_t w = 0; w < t->ptrwords; w++) {
      if (!t->isPointer(w)) continue;
      uintptr p = rt::gc::loadField(b, w);
      long to = p ? add(p, depth + 1, "") : -1;
      if (to >= 0) edges.emplace_back(n, size_t(to));
    }
  }
  if (tooMany) {
    j.field("tooMany", true).field("maxNodes", uint64_t(opt.maxNodes));
    spanMap(j, c);
    j.endObject();
    return;
  }

  std::unordered_map<uintptr, rt::gc::ShadeRecord> shadedBy;
  if (phase != rt::gc::GCPhase::Off) {
    std::lock_guard<std::mutex> g(c.shadesLock);
    for (const Node& n : nodes)
      if (auto it = c.shades.find(n.obj); it != c.shades.end()) shadedBy.emplace(n.obj, it->second);
  }
  j.key("nodes").beginArray();
  for (const Node& n : nodes) {
    const bool marked = markedAt(c, n.obj);
    const rt::gc::Type* t = rt::gc::typeOf(n.obj);
    rt::mem::mspan* s = nullptr;
    markedAt(c, n.obj, &s);
    const bool noscan = s && s->spanclass.noscan();
    j.beginObject().field("id", hex(c, n.obj)).field("type", noscan || !t ? std::string("noscan") : t->name);
    j.field("depth", int64_t(n.depth));
    j.field("color", !marked ? "white" : grey.count(n.obj) ? "grey" : "black");
    if (s) j.field("size", uint64_t(s->elemsize));
    // Who shaded it this cycle (recorded when the run records stores).
    if (auto it = shadedBy.find(n.obj); marked && it != shadedBy.end()) {
      const rt::gc::ShadeRecord& r = it->second;
      j.key("shadedBy").beginObject().field("by", rt::gc::markedByName(r.by)).field("goid", r.goid);
      j.field("p", int64_t(r.p)).field("atNs", r.when - c.rt->starttime);
      j.field("at", ::util::formatDuration(r.when - c.rt->starttime)).endObject();
    }
    j.endObject();
  }
  j.endArray();
  j.key("edges").beginArray();
  for (auto [a, b] : edges) j.beginArray().value(hex(c, nodes[a].obj)).value(hex(c, nodes[b].obj)).endArray();
  j.endArray();
  j.key("roots").beginArray();
  for (const RootRef& r : roots)
    if (r.node >= 0) j.beginObject().field("name", r.name).field("to", hex(c, nodes[size_t(r.node)].obj)).endObject();
  j.endArray();
  if (phase != rt::gc::GCPhase::Off) lostJson(j, c);
  j.key("grey").beginArray();
  for (size_t i = 0; i < queue.size() && i < 64; i++) j.value(hex(c, queue[i]));
  j.endArray();
  j.field("greyCount", uint64_t(queue.size()));
  // The write barrier's recent work: which objects it shaded.
  j.key("shades").beginArray();
  if (opt.sinceNs >= 0) {
    std::lock_guard<std::mutex> g(c.storesLock);
    const int64_t since = c.rt->starttime + opt.sinceNs;
    const bool shadeOld = c.cfg.barrier == rt::gc::BarrierKind::Hybrid || c.cfg.barrier == rt::gc::BarrierKind::Yuasa;
    const bool shadeNew = c.cfg.barrier == rt::gc::BarrierKind::Hybrid || c.cfg.barrier == rt::gc::BarrierKind::Dijkstra;
    size_t shown = 0;
    for (auto it = c.stores.rbegin(); it != c.stores.rend() && it->when > since && shown < 32; ++it, ++shown) {
      j.beginObject().field("atNs", it->when - c.rt->starttime).field("goid", it->goid);
      j.field("slot", it->obj ? hex(c, it->obj) + ".w" + std::to_string(it->word) : "global[" + std::to_string(it->word) + "]");
      j.field("old", it->oldval ? hex(c, it->oldval) : "").field("new", it->newval ? hex(c, it->newval) : "");
      j.field("shadedOld", shadeOld && it->oldval != 0).field("shadedNew", shadeNew && it->newval != 0);
      j.endObject();
    }
  }
  j.endArray();
  j.endObject();
}

}  // namespace lab
