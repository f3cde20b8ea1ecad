// Channels (Go: runtime/chan.go).
//
// A channel is an hchan: a lock, an optional ring buffer of elements, and two
// queues of waiting goroutines (sudogs), senders and receivers. The rules:
//   - a send to a channel with a waiting receiver copies the value straight
//     into the receiver's variable and readies it (no buffer involved);
//   - otherwise, if the buffer has room, the value goes into the buffer;
//   - otherwise the sender parks on sendq until a receiver takes its value.
// Receives mirror this. close wakes every waiter: receivers get the zero
// value and ok == false; senders panic. A panic (close of a closed channel, a
// send on a closed one) stops the goroutine at the operation that panicked,
// which is why close is awaited too (gopanic in chan.cpp).
//
//   rt::Chan<int64_t> c;                // make(chan int64)
//   rt::Chan<int> b(10);                // make(chan int, 10)
//   co_await c.send(42);                // c <- 42
//   int64_t v = co_await c.recv();      // v := <-c
//   auto [v, ok] = co_await c.recv2();  // v, ok := <-c
//   co_await c.close();                 // close(c)
//   rt::RecvChan<int64_t> r(&c);        // var r <-chan int64 = c
//
// A nil channel is a null Chan<T>*: select skips such a case (select.hpp).
//
// The element type is erased to size + move/destroy functions (Go's
// c.elemtype and typedmemmove), so the logic below is written once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "sched/goroutine.hpp"
#include "sched/lock.hpp"

namespace rt {

struct hchan;

// Go: runtime/runtime2.go sudog — a goroutine waiting on a channel.
struct Sudog {
  G* g = nullptr;
  Sudog* next = nullptr;
  Sudog* prev = nullptr;
  void* elem = nullptr;      // the value to send, or where to receive into
  hchan* c = nullptr;
  bool isSelect = false;
  bool success = false;      // true: woken by a send/recv; false: by close
  int caseIndex = -1;        // for select: which case this sudog stands for
  Sudog* waitlink = nullptr; // for select: the G's other sudogs
};

// Go: runtime/chan.go waitq
struct WaitQ {
  Sudog* first = nullptr;
  Sudog* last = nullptr;
  void enqueue(Sudog* sgp);
  Sudog* dequeue();          // skips select sudogs that already lost their race
  void remove(Sudog* sgp);   // Go: (*waitq).dequeueSudoG
};

// Go: the element type's size and typedmemmove, type-erased.
struct ElemType {
  size_t size;
  void (*moveConstruct)(void* dst, void* src);  // construct *dst from *src
  void (*destroy)(void* p);
  void (*zero)(void* dst);                      // construct a zero value at dst
};

template <typename T>
const ElemType* elemTypeOf() {
  static const ElemType t{
      sizeof(T),
      [](void* dst, void* src) { new (dst) T(std::move(*static_cast<T*>(src))); },
      [](void* p) { static_cast<T*>(p)->~T(); },
      [](void* dst) { new (dst) T(); },
  };
  return &t;
}

// Go: runtime/chan.go hchan
struct hchan {
  uint32_t qcount = 0;    // total data in the queue
  uint32_t dataqsiz = 0;  // size of the circular queue
  unsigned char* buf = nullptr;
  const ElemType* elemtype = nullptr;
  bool closed = false;
  uint32_t sendx = 0;     // send index
  uint32_t recvx = 0;     // receive index
  WaitQ recvq;            // list of recv waiters
  WaitQ sendq;            // list of send waiters
  RuntimeLock lock;

  hchan(const ElemType* t, uint32_t size);
  ~hchan();
  hchan(const hchan&) = delete;
  void* chanbuf(uint32_t i) const { return buf + static_cast<size_t>(i) * elemtype->size; }
};

// How send/recv release the lock(s) they were called with: one channel's,
// or every channel of a select (Go passes an unlock closure).
struct Unlocker {
  void (*fn)(void*);
  void* arg;
  void unlock() const { fn(arg); }
  static Unlocker of(hchan* c) {
    return Unlocker{[](void* ch) { static_cast<hchan*>(ch)->lock.unlock(); }, c};
  }
};

// The ring buffer: put at sendx / take from recvx (c locked, room / an element).
void chanbufPut(hchan* c, void* ep);
void chanbufTake(hchan* c, void* ep);

// Go: runtime/chan.go send / recv — complete an operation with a waiting
// partner (sg), then unlock and ready it. Shared by Chan<T> and select.
void send(hchan* c, Sudog* sg, void* ep, Unlocker unlockf);
void recv(hchan* c, Sudog* sg, void* ep, Unlocker unlockf);

// The two halves of each blocking operation: the attempt (lock held on
// return when it must block) and the wake-up check. Shared by Chan<T> and
// select.
enum class ChanOp { Done, Block, Panic };
ChanOp chansendTry(hchan* c, void* ep, Sudog* sg);      // Go: chansend
ChanOp chanrecvTry(hchan* c, void* ep, Sudog* sg, bool* received);  // Go: chanrecv
bool closechan(hchan* c);  // Go: closechan; false: c was closed already (a panic)
// Go: selectnbsend — a send that never blocks (false: the channel has no
// room and no receiver). Callable from an M with no goroutine (the timers'
// sendTime). c must not be closed.
bool chansendNB(hchan* c, void* ep);
// Go: gopanic — a panic ends the run, as an unrecovered Go panic does; the
// caller then parks for good with parkForever (see chan.cpp).
void gopanic(const char* msg);
// From an await_suspend: the goroutine parks and is never readied (after a
// panic, before the run ends).
void parkForever();
// After a fast path that completed: yield anyway if a preemption is pending
// (Go checks at the prologue of chansend/chanrecv).
bool chanPreemptRequested();
// await_suspend of a channel operation: park (Block), yield (Done, when
// preempted) or stop forever (Panic). c == nullptr: a nil channel, parked
// for good (Go: gopark(nil, nil, waitReasonChanReceiveNilChan)).
void chanSuspend(ChanOp op, hchan* c, WaitReason reason);

template <typename T>
class Chan {
 public:
  explicit Chan(uint32_t size = 0) : c_(elemTypeOf<T>(), size) {}

  // Go: len(c), cap(c) — racy snapshots, as in Go.
  int len() {
    c_.lock.lock();
    int n = static_cast<int>(c_.qcount);
    c_.lock.unlock();
    return n;
  }
  int cap() const { return static_cast<int>(c_.dataqsiz); }
  hchan* raw() { return &c_; }

  // co_await c.close(): close(c). Closing a closed channel panics, and the
  // co_await is where the goroutine then stops, as Go's does. A plain
  // c.close(); closes all the same, but after that panic runs on to the next
  // co_await.
  struct CloseAwaiter {
    bool panicked;
    bool await_ready() const noexcept { return !panicked; }
    void await_suspend(coro::coroutine_handle<>) const noexcept { parkForever(); }
    void await_resume() const noexcept {}
  };
  CloseAwaiter close() { return CloseAwaiter{!closechan(&c_)}; }

  class SendAwaiter {
   public:
    SendAwaiter(hchan* c, T v) : c_(c), v_(std::move(v)) {}
    bool await_ready() noexcept {
      op_ = chansendTry(c_, &v_, &sg_);
      return op_ == ChanOp::Done && !chanPreemptRequested();
    }
    void await_suspend(coro::coroutine_handle<>) noexcept { chanSuspend(op_, c_, WaitReason::ChanSend); }
    // Only a receiver wakes a blocked sender: a close leaves it parked, with
    // its panic (closechan).
    void await_resume() noexcept {}

   private:
    hchan* c_;
    T v_;
    Sudog sg_;
    ChanOp op_ = ChanOp::Done;
  };

  template <bool WithOk>
  class RecvAwaiter {
   public:
    explicit RecvAwaiter(hchan* c) : c_(c) {}
    ~RecvAwaiter() {
      if (constructed_) reinterpret_cast<T*>(&slot_)->~T();
    }
    bool await_ready() noexcept {
      if (!c_) [[unlikely]] {  // a nil channel (RecvChan): blocks for good
        op_ = ChanOp::Block;
        return false;
      }
      op_ = chanrecvTry(c_, &slot_, &sg_, &received_);
      constructed_ = op_ == ChanOp::Done;
      return op_ == ChanOp::Done && !chanPreemptRequested();
    }
    void await_suspend(coro::coroutine_handle<>) noexcept { chanSuspend(op_, c_, WaitReason::ChanReceive); }
    auto await_resume() noexcept {
      if (op_ == ChanOp::Block) {
        received_ = sg_.success;
        constructed_ = true;  // the sender (or close) constructed it
      }
      T v = std::move(*reinterpret_cast<T*>(&slot_));
      if constexpr (WithOk) return std::pair<T, bool>(std::move(v), received_);
      else return v;
    }

   private:
    hchan* c_;
    alignas(T) unsigned char slot_[sizeof(T)];
    Sudog sg_;
    ChanOp op_ = ChanOp::Done;
    bool received_ = false;
    bool constructed_ = false;
  };

  SendAwaiter send(T v) { return SendAwaiter(&c_, std::move(v)); }
  RecvAwaiter<false> recv() { return RecvAwaiter<false>(&c_); }
  RecvAwaiter<true> recv2() { return RecvAwaiter<true>(&c_); }

 private:
  hchan c_;
};

// Go: <-chan T — a receive-only view of a channel: receive, len and cap, no
// send and no close (time.Timer.C is one). A null view is a nil channel: a
// receive from it blocks for good, as in Go.
template <typename T>
class RecvChan {
 public:
  RecvChan() = default;
  explicit RecvChan(Chan<T>* c) : c_(c) {}
  auto recv() { return typename Chan<T>::template RecvAwaiter<false>(c_ ? c_->raw() : nullptr); }
  auto recv2() { return typename Chan<T>::template RecvAwaiter<true>(c_ ? c_->raw() : nullptr); }
  int len() { return c_->len(); }
  int cap() const { return c_->cap(); }
  Chan<T>* chan() const { return c_; }  // for select's cases

 private:
  Chan<T>* c_ = nullptr;
};

}  // namespace rt
