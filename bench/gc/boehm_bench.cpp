// boehm_bench: Boehm GC (Debian's libgc-dev) collecting the same heap
// shapes as gc_bench (tree D, list N): the second peer for mark speed.
// A full GC_gcollect() of the same object graph, median of `reps`.
#include <gc/gc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Node {
  Node* left;
  Node* right;
};

Node* bottomUpTree(int depth) {
  Node* n = static_cast<Node*>(GC_MALLOC(sizeof(Node)));
  if (depth > 0) {
    n->left = bottomUpTree(depth - 1);
    n->right = bottomUpTree(depth - 1);
  }
  return n;
}

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t start = nowNs();
  // By default Boehm lets a pointer into an object keep it alive, and so pads
  // each object by a byte: a 16 B node would take 32 B, twice the lab's and
  // Go's heap. The nodes here are reached only through pointers to their
  // start, so the padding buys nothing and is turned off.
  GC_set_all_interior_pointers(0);
  GC_INIT();
  GC_disable();  // only the explicit collections
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "tree" && mode != "list") {
    std::fprintf(stderr, "usage: boehm_bench tree D [reps] | list N [reps]\n");
    return 2;
  }
  const long long size = argc > 2 ? std::atoll(argv[2]) : (mode == "tree" ? 20 : 4000000);
  const int reps = argc > 3 ? std::atoi(argv[3]) : 5;
  static Node* volatile root;  // a global root, like the lab's frame slot
  long long objects = 0;
  if (mode == "tree") {
    root = bottomUpTree(int(size));
    objects = (1LL << (size + 1)) - 1;
  } else {
    Node* head = nullptr;
    for (long long i = 0; i < size; i++) {
      Node* n = static_cast<Node*>(GC_MALLOC(sizeof(Node)));
      n->left = head;
      head = n;
    }
    root = head;
    objects = size;
  }
  GC_enable();
  GC_gcollect();
  std::vector<int64_t> times;
  for (int i = 0; i < reps; i++) {
    const int64_t t0 = nowNs();
    GC_gcollect();
    times.push_back(nowNs() - t0);
  }
  std::sort(times.begin(), times.end());
  const int64_t ns = times[times.size() / 2];
  const unsigned long long live = (unsigned long long)(GC_get_heap_size() - GC_get_free_bytes());
  std::printf("{\"shape\":\"%s\",\"size\":%lld,\"objects\":%lld,\"liveBytes\":%llu,\"nsPerGC\":%lld,\"reps\":%d,"
              "\"wallNs\":%lld}\n",
              mode.c_str(), size, objects, live, (long long)ns, reps, (long long)(nowNs() - start));
  return root != nullptr ? 0 : 1;
}
