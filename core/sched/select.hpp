// select (Go: runtime/select.go selectgo).
//
//   int64_t v; bool ok;
//   int chosen = co_await rt::select(rt::recvCase(c1, &v, &ok), rt::sendCase(c2, 42), rt::defaultCase());
//   switch (chosen) {
//     case 0: ...   // received v (ok false: c1 is closed)
//     case 1: ...   // sent 42 on c2
//     default: ...  // -1: no case was ready (only with defaultCase)
//   }
//
// A case on a nil channel never proceeds — Go's way to switch a case off at
// run time: pass a null Chan<T>* (recvCase(p, ...) with p == nullptr); a
// select whose cases are all nil, with no default, blocks for good. A
// timeout is a receive from a timer (time.hpp):
//
//   int chosen = co_await rt::select(rt::recvCase(c, &v), rt::recvCase(rt::time::After(50 * rt::time::Millisecond)));
//   if (chosen == 1) ...  // timed out
//
// When the cases themselves are known only at run time (Go: reflect.Select),
// build a SelectCases:
//
//   rt::SelectCases cases;                 // Go: []reflect.SelectCase
//   for (auto* c : chans) cases.recv(c, &v, &ok);
//   int chosen = co_await rt::select(cases);   // the index of the case taken
//
// Bind the result to a variable as above: g++ 12 miscompiles this awaiter
// when `co_await select(...)` sits inside an if condition and suspends (the
// goroutine resumes with its hand-off to the M lost).
//
// How Go does it, and so the lab:
//   1. lock every channel involved, in address order (lockorder), so two
//      selects on the same channels cannot deadlock;
//   2. look at the cases in a random order (pollorder), so no case starves,
//      and complete the first one that can proceed;
//   3. none can: with a default case, unlock and return -1; otherwise enqueue
//      a sudog on every channel and park;
//   4. the first partner to dequeue one of our sudogs wins (it CASes
//      g.selectDone), completes that case and readies us; we lock everything
//      again and take our other sudogs off their queues.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <tuple>
#include <utility>
#include <vector>

#include "sched/api.hpp"
#include "sched/chan.hpp"

namespace rt {

// One case, type-erased (Go: runtime/select.go scase).
struct scase {
  hchan* c = nullptr;
  void* elem = nullptr;  // send: the value; recv: raw storage for the value
  bool isSend = false;
};

// The parts of selectgo around the park, for SelectAwaiter below.
struct SelectState {
  scase* cases = nullptr;
  Sudog* sudogs = nullptr;     // one per case
  uint16_t* pollorder = nullptr;
  uint16_t* lockorder = nullptr;
  int ncases = 0;
  int norder = 0;              // the cases on non-nil channels (set by selectBegin)
  bool block = true;           // false when there is a default case
  int chosen = -1;             // the case that completed (-1: default)
  bool recvOK = false;         // for a receive: a value (not a close)
  bool panicked = false;       // send on a closed channel: park for good
};

// Passes 1 and 2. True if a case completed (or default was taken, or a
// panic): the locks are released. False: sudogs are enqueued on every
// channel and all locks are held; the caller parks with selectPark.
bool selectBegin(SelectState& st);
void selectPark(SelectState& st);    // from await_suspend: gopark(selparkcommit)
void selectFinish(SelectState& st);  // after the wake-up: pass 3

template <typename T>
struct RecvCase {
  Chan<T>* ch;
  T* into;    // may be nullptr: the value is dropped (Go: case <-c:)
  bool* ok;   // may be nullptr
  alignas(T) unsigned char slot[sizeof(T)];
};

template <typename T>
struct SendCase {
  Chan<T>* ch;
  T value;
};

struct DefaultCase {};

// A receive case that also owns what keeps its channel alive (the timer of
// recvCase(rt::time::After(d)): it lives as long as the select).
template <typename T, typename Owner>
struct OwningRecvCase {
  Owner owner;
  RecvCase<T> rc;
};

template <typename T>
RecvCase<T> recvCase(Chan<T>& c, T* into = nullptr, bool* ok = nullptr) {
  return RecvCase<T>{&c, into, ok, {}};
}
// A nil channel (nullptr): the case is never chosen.
template <typename T>
RecvCase<T> recvCase(Chan<T>* c, T* into = nullptr, bool* ok = nullptr) {
  return RecvCase<T>{c, into, ok, {}};
}
template <typename T>
RecvCase<T> recvCase(RecvChan<T> c, T* into = nullptr, bool* ok = nullptr) {
  return RecvCase<T>{c.chan(), into, ok, {}};
}
template <typename T, typename V>
SendCase<T> sendCase(Chan<T>& c, V&& v) {
  return SendCase<T>{&c, T(std::forward<V>(v))};
}
template <typename T, typename V>
SendCase<T> sendCase(Chan<T>* c, V&& v) {  // nullptr: never chosen
  return SendCase<T>{c, T(std::forward<V>(v))};
}
inline DefaultCase defaultCase() { return {}; }

namespace detail {
template <typename C>
inline constexpr bool isDefault = std::is_same_v<std::decay_t<C>, DefaultCase>;
}

template <typename... Cases>
class SelectAwaiter {
  static constexpr int kDefaults = (0 + ... + (detail::isDefault<Cases> ? 1 : 0));
  static constexpr int N = static_cast<int>(sizeof...(Cases)) - kDefaults;
  static_assert(kDefaults <= 1, "select: at most one default case");
  static_assert(N <= 64, "select: at most 64 channel cases");

 public:
  explicit SelectAwaiter(Cases... cs) : cases_(std::move(cs)...) {
    int i = 0;
    std::apply([&](auto&... c) { (erase(c, i), ...); }, cases_);
    st_.cases = scases_.data();
    st_.sudogs = sudogs_.data();
    st_.pollorder = pollorder_.data();
    st_.lockorder = lockorder_.data();
    st_.ncases = N;
    st_.block = kDefaults == 0;
  }
  SelectAwaiter(const SelectAwaiter&) = delete;

  bool await_ready() noexcept {
    done_ = selectBegin(st_);
    return done_ && !st_.panicked && !chanPreemptRequested();
  }
  void await_suspend(coro::coroutine_handle<>) noexcept {
    if (!done_) selectPark(st_);
    else if (st_.panicked) parkForever();  // a panicking goroutine never runs again
    else detail::yieldForPreemption();     // completed, but a preemption is pending
  }
  // The index of the chosen case among all cases as written (the default
  // case's index is -1).
  int await_resume() noexcept {
    if (!done_) selectFinish(st_);
    int chosen = st_.chosen;
    int i = 0;
    std::apply([&](auto&... c) { (deliver(c, i, chosen), ...); }, cases_);
    return chosen < 0 ? -1 : writtenIndex_[chosen];
  }

 private:
  template <typename T>
  void erase(RecvCase<T>& c, int& written) {
    int k = next_++;
    scases_[k] = scase{c.ch ? c.ch->raw() : nullptr, c.slot, false};
    writtenIndex_[k] = written++;
  }
  template <typename T, typename Owner>
  void erase(OwningRecvCase<T, Owner>& c, int& written) {
    erase(c.rc, written);
  }
  template <typename T>
  void erase(SendCase<T>& c, int& written) {
    int k = next_++;
    scases_[k] = scase{c.ch ? c.ch->raw() : nullptr, &c.value, true};
    writtenIndex_[k] = written++;
  }
  void erase(DefaultCase&, int& written) { written++; }

  // Move a received value out of its slot into the user's variable.
  template <typename T>
  void deliver(RecvCase<T>& c, int& k, int chosen) {
    int mine = k++;
    if (mine != chosen) return;
    T* v = reinterpret_cast<T*>(c.slot);
    if (c.into) *c.into = std::move(*v);
    if (c.ok) *c.ok = st_.recvOK;
    v->~T();
  }
  template <typename T, typename Owner>
  void deliver(OwningRecvCase<T, Owner>& c, int& k, int chosen) {
    deliver(c.rc, k, chosen);
  }
  template <typename T>
  void deliver(SendCase<T>&, int& k, int) {
    k++;
  }
  void deliver(DefaultCase&, int&, int) {}

  std::tuple<Cases...> cases_;
  std::array<scase, N> scases_{};
  std::array<Sudog, N> sudogs_{};
  std::array<uint16_t, N> pollorder_{};
  std::array<uint16_t, N> lockorder_{};
  std::array<int, N> writtenIndex_{};
  int next_ = 0;
  SelectState st_;
  bool done_ = false;
};

// co_await rt::select(cases...)
template <typename... Cases>
SelectAwaiter<std::decay_t<Cases>...> select(Cases&&... cases) {
  return SelectAwaiter<std::decay_t<Cases>...>(std::forward<Cases>(cases)...);
}

// The cases of a select built at run time (Go: []reflect.SelectCase, for
// reflect.Select). Each add returns the case's index, which is what
// co_await rt::select(cases) returns when that case is taken (the default
// case's too, as reflect.Select does). The same list can be selected on
// again; a send case's value is moved out when it is sent, so a list that
// sends is rebuilt (clear) before the next select.
class SelectCases {
 public:
  // Go's limit (reflect.Select panics above it): case indices are uint16.
  static constexpr int kMaxCases = 65536;

  SelectCases() = default;
  SelectCases(const SelectCases&) = delete;
  SelectCases& operator=(const SelectCases&) = delete;
  ~SelectCases() { clear(); }

  // Go: SelectCase{Dir: SelectRecv, Chan: c}. c == nullptr is a nil channel.
  template <typename T>
  int recv(Chan<T>* c, T* into = nullptr, bool* ok = nullptr) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "SelectCases: over-aligned element type");
    return add(Case{c ? c->raw() : nullptr, elemTypeOf<T>(), ::operator new(sizeof(T)), into, ok, false, &deliverAs<T>});
  }
  template <typename T>
  int recv(RecvChan<T> c, T* into = nullptr, bool* ok = nullptr) {
    return recv(c.chan(), into, ok);
  }
  // Go: SelectCase{Dir: SelectSend, Chan: c, Send: v}.
  template <typename T, typename V>
  int send(Chan<T>* c, V&& v) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "SelectCases: over-aligned element type");
    void* slot = ::operator new(sizeof(T));
    new (slot) T(std::forward<V>(v));
    return add(Case{c ? c->raw() : nullptr, elemTypeOf<T>(), slot, nullptr, nullptr, true, nullptr});
  }
  // Go: SelectCase{Dir: SelectDefault}. A second one panics, as in Go (so
  // does a case past kMaxCases): the run ends, and the goroutine stops at
  // its select on this list at the latest.
  int addDefault();
  int size() const { return static_cast<int>(cases_.size()); }
  void clear();

 private:
  struct Case {
    hchan* c;
    const ElemType* et;
    void* slot;                               // send: the value; recv: raw storage for one
    void* into;                               // recv: where the value goes (may be null)
    bool* ok;                                 // recv: may be null
    bool isSend;
    void (*deliver)(void* slot, void* into);  // recv: move the value out, destroy it
  };
  template <typename T>
  static void deliverAs(void* slot, void* into) {
    T* v = static_cast<T*>(slot);
    if (into) *static_cast<T*>(into) = std::move(*v);
    v->~T();
  }
  int add(Case c);

  friend class DynamicSelectAwaiter;
  std::vector<Case> cases_;  // every case but the default, in order
  std::vector<int> index_;   // cases_[k]'s index as added
  int default_ = -1;         // the default case's index, -1 if none
  int added_ = 0;
  bool panicked_ = false;    // adding a case panicked
  // selectgo's arrays, sized at each select.
  std::vector<scase> scases_;
  std::vector<Sudog> sudogs_;
  std::vector<uint16_t> pollorder_, lockorder_;
};

class DynamicSelectAwaiter {
 public:
  explicit DynamicSelectAwaiter(SelectCases* cs) : cs_(cs) {}
  DynamicSelectAwaiter(const DynamicSelectAwaiter&) = delete;
  bool await_ready();
  void await_suspend(coro::coroutine_handle<>) noexcept;
  int await_resume();

 private:
  SelectCases* cs_;
  SelectState st_;
  bool done_ = false;
  bool panicked_ = false;
};

// co_await rt::select(cases) — Go: reflect.Select(cases). The list must not
// change while the select waits.
inline DynamicSelectAwaiter select(SelectCases& cases) { return DynamicSelectAwaiter(&cases); }

}  // namespace rt
