// service: a request-serving program, the shape of most Go services, with
// its runtime metrics sampled over time — day 7's experiments run on it.
//
//   func main() {
//       go sampleMetrics(every)            // like statsviz or an exporter
//       for i := 0; i < n; i++ {           // Poisson arrivals at --rate
//           time.Sleep(nextGap())
//           go handler(i)
//       }
//   }
//   func handler(i int) {
//       req := make([]byte, alloc)         // the request, in the GC'd heap
//       compute(work)                      // parse, validate...
//       result := make(chan int, 1)        // --leak: make(chan int)
//       go func() {                        // the call to a backend
//           resp := make([]byte, alloc)
//           wait(call)                     // network: the goroutine parks
//           result <- len(resp)
//       }()
//       select {
//       case <-result:
//       case <-time.After(deadline):       // the backend was too slow
//       }                                  // (--timers wheel: a timing wheel's timeout)
//       // --keepalive: wait for the client's next request on the
//       // connection until --idle-timeout (0: for ever), as net/http does
//   }
//
// --high P marks P % of the requests high-priority ("payments"), and
// --priority slice|queue gives them a lab-only scheduling policy that Go
// does not have (sched/priority.hpp): the course's story of a patched
// findrunnable, as an experiment. The report then splits latency and
// timeouts by class.
//
// With --leak the result channel is unbuffered: once a handler has timed
// out, nobody will ever receive, and the backend goroutine blocks in its
// send for ever, holding its response. Goroutines and the live heap grow
// with every timeout, as in the seed's story of a service that reached
// 180 000 goroutines. `gs --group` finds them the way pprof's goroutine
// profile does: grouped by wait reason and creation site.
//
// Simplifications, named: the backend's wait is a timer (Go parks a
// network wait in the netpoller: the same _Gwaiting without an M); the
// channel carries the response's size, not the pointer (the lab's channels
// are not GC roots, so the response stays in the backend's frame until the
// send completes); the sampler's own work costs no virtual time.
#include <algorithm>
#include <cmath>
#include <memory>

#include "gc/api.hpp"
#include "gc/metrics.hpp"
#include "lab/scenarios/builtin.hpp"
#include "lab/scenarios/wheel_timers.hpp"
#include "runtime/histogram.hpp"
#include "sched/api.hpp"
#include "sched/runtime.hpp"
#include "sched/sync.hpp"
#include "sched/time.hpp"
#include "util/duration.hpp"

namespace lab {

namespace {

using namespace rt::gc;
using rt::time::Millisecond;

// type chunk struct { next *chunk; data [127]uint64 } — 1 KiB, so a
// request's bytes become a list of chunks the GC must trace.
const Type kChunk("chunk", 128, {0});
constexpr int64_t kChunkBytes = 128 * 8;

// --sampler: how a handler decides whether to log (the seed's log sampler
// backs off when HeapInuse passes a threshold).
constexpr int64_t kSamplerOff = 0, kSamplerMemStats = 1, kSamplerPeriodic = 2;
constexpr uint64_t kLogBelowHeapInuse = 64 << 20;

// --priority: the lab-only scheduling policies (sched/priority.hpp), in the
// order of rt::SchedPolicy.
constexpr const char* kPolicyNames[] = {"go", "slice", "queue"};

struct Config {
  int64_t rate, deadline, call, work, syscall, alloc, sample, tick, sampler, idleTimeout, highPercent;
  bool leak, wheel, keepalive;
  rt::SchedPolicy policy;
};

Config configFrom(const ScenarioParams& p) {
  return Config{.rate = p.option("rate"),
                .deadline = p.option("deadline"),
                .call = p.option("call"),
                .work = p.option("work"),
                .syscall = p.option("syscall"),
                .alloc = p.option("alloc"),
                .sample = p.option("sample"),
                .tick = p.option("tick"),
                .sampler = p.option("sampler"),
                .idleTimeout = p.option("idle-timeout"),
                .highPercent = p.option("high"),
                .leak = p.option("leak") != 0,
                .wheel = p.option("timers") == kTimersWheel,
                .keepalive = p.option("keepalive") != 0,
                .policy = rt::SchedPolicy(p.option("priority"))};
}

// What the handlers measure, shared with the sampler.
struct Service {
  Config cfg;
  rt::TimeHistogram requestLatency;  // arrival to answer (or timeout)
  rt::TimeHistogram timerLateness;   // how late each timer that fired was
  std::atomic<int64_t> completed{0}, timeouts{0}, logged{0};
  // --high: the same, by class (index 1: high priority).
  rt::TimeHistogram latencyByClass[2];
  std::atomic<int64_t> requestsByClass[2] = {0, 0}, timeoutsByClass[2] = {0, 0};
  // --sampler periodic: HeapInuse as the metrics sampler last read it.
  std::atomic<uint64_t> heapInuseSeen{0};
  rt::WaitGroup handlers;
  std::unique_ptr<WheelTimers> wheel;  // --timers wheel: every deadline on one timing wheel
};

// splitmix64: the random numbers of one request, from the run's seed and
// the request's number, so they do not depend on the order handlers run in.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// ln(x) for 0 < x <= 1 from + - * / alone, which IEEE 754 rounds the same
// everywhere: the arrivals must be the same natively and in wasm for a
// seed, and libm's log may differ in the last bit between the two.
double portableLog(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1): exact
  if (m < 0.70710678118654752) {
    m *= 2;
    e--;
  }
  // ln m = 2 atanh(t) with t = (m-1)/(m+1), |t| < 0.18: 12 terms of the
  // series are below a double's precision.
  const double t = (m - 1) / (m + 1), t2 = t * t;
  double sum = 0, term = t;
  for (int k = 1; k <= 23; k += 2) {
    sum += term / k;
    term *= t2;
  }
  return 2 * sum + e * 0.69314718055994530942;
}

// An exponentially distributed duration with the given mean: the gaps of a
// Poisson process, and the backend's latencies.
int64_t exponential(uint64_t random, int64_t mean) {
  const double u = double((random >> 11) + 1) * 0x1.0p-53;  // (0, 1]
  return int64_t(-portableLog(u) * double(mean));
}

// Go: make([]byte, bytes), as a list of chunks rooted in f's slot 0.
rt::Task<> allocBuffer(int64_t bytes, Frame<1>* f) {
  for (int64_t done = 0; done < bytes; done += kChunkBytes) {
    Obj c = co_await New(&kChunk);
    store(c, 0, f->get(0));
    f->set(0, c);
  }
}

// The anonymous goroutine of handler (Go names it main.handler.func1).
rt::Goroutine backend(int64_t wait, int64_t bytes, std::shared_ptr<rt::Chan<int64_t>> result) {
  Frame<1> resp;
  co_await allocBuffer(bytes, &resp);
  co_await rt::Sleep{wait};
  co_await result->send(bytes);  // --leak: blocks for ever once the handler is gone
}

rt::Goroutine handler(Service* s, int64_t id, int64_t arrival, uint64_t seed, bool high) {
  const Config& cfg = s->cfg;
  const bool keepalive = cfg.keepalive;
  const int64_t idleTimeout = cfg.idleTimeout;
  {
    Frame<1> req;
    co_await allocBuffer(cfg.alloc, &req);
    co_await rt::cpu(cfg.work);
    if (cfg.syscall > 0) co_await rt::syscallFor(cfg.syscall);
    if (cfg.sampler != kSamplerOff) {
      // Log this request? Only while the heap is small. The seed asks
      // runtime.ReadMemStats every time: a stop-the-world per request. The
      // fix reads what a sampler read a moment ago (an atomic load).
      uint64_t heapInuse = 0;
      if (cfg.sampler == kSamplerMemStats) {
        rt::mem::MemStats ms;
        co_await ReadMemStats{&ms};
        heapInuse = ms.HeapInuse;
      } else if (cfg.sampler == kSamplerPeriodic) {
        heapInuse = s->heapInuseSeen.load(std::memory_order_relaxed);
      }
      if (heapInuse < kLogBelowHeapInuse) s->logged.fetch_add(1, std::memory_order_relaxed);
    }
    auto result = std::make_shared<rt::Chan<int64_t>>(cfg.leak ? 0 : 1);
    rt::go(backend(exponential(mix(seed ^ uint64_t(id)), cfg.call), cfg.alloc, result), "main.handler.func1");
    const int64_t deadline = rt::nanotime() + cfg.deadline;
    int64_t size = 0;
    rt::time::Time firedAt = 0;
    int chosen = 0;
    if (s->wheel) {
      std::shared_ptr<WheelTimers::Timeout> timeout = s->wheel->After(deadline);
      chosen = co_await rt::select(rt::recvCase(*result, &size), rt::recvCase(timeout->C, &firedAt));
      if (chosen == 0) s->wheel->Stop(timeout);
    } else {
      rt::time::Timer timeout = rt::time::NewTimer(cfg.deadline);
      chosen = co_await rt::select(rt::recvCase(*result, &size), rt::recvCase(timeout.C, &firedAt));
      if (chosen == 0) timeout.Stop();
    }
    const int64_t latency = rt::nanotime() - arrival;
    if (chosen == 1) {
      s->timeouts.fetch_add(1, std::memory_order_relaxed);
      s->timeoutsByClass[high].fetch_add(1, std::memory_order_relaxed);
      s->timerLateness.record(firedAt - deadline);
    }
    s->requestLatency.record(latency);
    s->latencyByClass[high].record(latency);
    s->requestsByClass[high].fetch_add(1, std::memory_order_relaxed);
    s->completed.fetch_add(1, std::memory_order_relaxed);
  }
  // Last: main may return (and free *s) as soon as the count reaches zero.
  s->handlers.Done();
  if (keepalive) {
    // --keepalive: net/http's conn.serve — after answering, the goroutine
    // waits for the client's next request on the connection, until
    // IdleTimeout closes it; with IdleTimeout (and ReadTimeout) 0, for ever:
    // one goroutine per connection a client left open. In this model no
    // client sends again. (Go waits in the netpoller, [IO wait]; the lab,
    // which has none, on a channel of the connection's own.)
    rt::Chan<int64_t> nextRequest(0);
    if (idleTimeout > 0) {
      co_await rt::select(rt::recvCase(nextRequest), rt::recvCase(rt::time::After(idleTimeout)));
    } else {
      co_await nextRequest.recv();
    }
  }
}

// One row of the metrics log: the runtime's numbers now, and the
// distributions over the window since the previous row.
struct Sampler {
  Service* s;
  ScenarioResult* out;
  int64_t start;
  int64_t completed = 0, timeouts = 0;
  rt::TimeHistogramCounts pauses, otherPauses, sched, requests, lateness;

  void sample(bool last = false) {
    const RuntimeMetrics m = readMetrics(rt::currentRuntime(), Collector::current());
    const rt::TimeHistogramCounts req = s->requestLatency.snapshot(), late = s->timerLateness.snapshot();
    const rt::TimeHistogramCounts pauseWindow = m.gcPauses.since(pauses), schedWindow = m.schedLatencies.since(sched),
                                  otherWindow = m.otherPauses.since(otherPauses), reqWindow = req.since(requests),
                                  lateWindow = late.since(lateness);
    const int64_t done = s->completed.load(std::memory_order_relaxed),
                  timedOut = s->timeouts.load(std::memory_order_relaxed);
    MetricsRow row;
    auto set = [&row](Metric k, int64_t v) { row[size_t(k)] = v; };
    set(Metric::T, m.now - start);
    set(Metric::Goroutines, m.goroutines);
    set(Metric::HeapInuse, int64_t(m.heapInUse));
    set(Metric::HeapMarked, int64_t(m.heapMarked));
    set(Metric::HeapLive, int64_t(m.heapLive));
    set(Metric::HeapGoal, int64_t(m.heapGoal));
    set(Metric::GcCycles, int64_t(m.gcCycles));
    set(Metric::GcPauses, int64_t(pauseWindow.total()));
    set(Metric::GcPauseP99, pauseWindow.quantile(0.99));
    set(Metric::OtherPauses, int64_t(otherWindow.total()));
    set(Metric::OtherPauseP99, otherWindow.quantile(0.99));
    set(Metric::SchedLatP50, schedWindow.quantile(0.50));
    set(Metric::SchedLatP99, schedWindow.quantile(0.99));
    set(Metric::Requests, done - completed);
    set(Metric::Timeouts, timedOut - timeouts);
    set(Metric::ReqP50, reqWindow.quantile(0.50));
    set(Metric::ReqP99, reqWindow.quantile(0.99));
    set(Metric::ReqP999, reqWindow.quantile(0.999));
    set(Metric::TimerLateP99, lateWindow.quantile(0.99));
    out->series.append(row, last);
    s->heapInuseSeen.store(m.heapInUse, std::memory_order_relaxed);
    pauses = m.gcPauses;
    otherPauses = m.otherPauses;
    sched = m.schedLatencies;
    requests = req;
    lateness = late;
    completed = done;
    timeouts = timedOut;
  }
};

rt::Goroutine sampleMetrics(Sampler* sampler, rt::Chan<int64_t>* stop, rt::WaitGroup* exited) {
  rt::time::Ticker ticker = rt::time::NewTicker(sampler->s->cfg.sample);
  sampler->sample();  // the state at the start
  for (;;) {
    const int chosen = co_await rt::select(rt::recvCase(ticker.C), rt::recvCase(*stop));
    sampler->sample(chosen == 1);
    if (chosen == 1) break;  // main is done: that was the last row
  }
  ticker.Stop();
  exited->Done();
}

rt::Goroutine driveWheel(WheelTimers* wheel, rt::Chan<int64_t>* stop, rt::WaitGroup* exited) {
  co_await wheel->drive(stop);
  exited->Done();
}

rt::Goroutine serviceMain(ScenarioParams params, ScenarioResult* out) {
  Service s;
  s.cfg = configFrom(params);
  rt::SetSchedPolicy(s.cfg.policy);  // NOT GO unless "go": see sched/priority.hpp
  const int64_t n = params.size, start = rt::nanotime();
  out->series.setPeriod(s.cfg.sample);
  Sampler sampler{.s = &s, .out = out, .start = start};
  // Closed when the requests are done: the sampler and the wheel's driver stop.
  rt::Chan<int64_t> stop(0);
  rt::WaitGroup helpersExited;
  helpersExited.Add(1);
  rt::go(sampleMetrics(&sampler, &stop, &helpersExited), "main.sampleMetrics");
  if (s.cfg.wheel) {
    s.wheel = std::make_unique<WheelTimers>(s.cfg.tick, 512, start);  // Netty's default: 512 buckets
    helpersExited.Add(1);
    rt::go(driveWheel(s.wheel.get(), &stop, &helpersExited), "main.wheelDriver");
  }

  // Poisson arrivals: exponential gaps with mean 1s/rate, each measured
  // from the intended arrival time, so a late wake-up does not shift the
  // rest of the schedule (and its lateness is recorded as a timer's).
  uint64_t random = mix(params.seed);
  const int64_t meanGap = rt::time::Second / s.cfg.rate;
  int64_t next = start;
  s.handlers.Add(int(n));
  for (int64_t i = 0; i < n; i++) {
    random = mix(random);
    next += exponential(random, meanGap);
    if (const int64_t wait = next - rt::nanotime(); wait > 0) {
      co_await rt::Sleep{wait};
      s.timerLateness.record(rt::nanotime() - next);
    }
    // Which requests are "payments": drawn from the seed and the request's
    // number, like its backend latency.
    const bool high = int64_t(mix(params.seed ^ uint64_t(i) ^ 0x5eed'0000'0000ull) % 100) < s.cfg.highPercent;
    if (high) rt::goWithPriority(handler(&s, i, next, params.seed, true), rt::Priority::High, "main.handler");
    else rt::go(handler(&s, i, next, params.seed, false), "main.handler");
  }
  co_await s.handlers.Wait();
  co_await stop.close();
  co_await helpersExited.Wait();

  const int64_t elapsed = rt::nanotime() - start;
  const rt::TimeHistogramCounts latency = s.requestLatency.snapshot(), late = s.timerLateness.snapshot();
  const int64_t timeouts = s.timeouts.load(), goroutines = rt::NumGoroutine();
  const uint64_t cycles = Collector::current()->numGC.load();
  const rt::TimeHistogramCounts other = rt::currentRuntime()->sched.stwTotalTimeOther.snapshot();
  out->wallNs = elapsed;
  out->result = n;
  const std::pair<const char*, int64_t> metrics[] = {
      {"requests", n},
      {"timeouts", timeouts},
      {"latencyP50Ns", latency.quantile(0.50)},
      {"latencyP99Ns", latency.quantile(0.99)},
      {"latencyP999Ns", latency.quantile(0.999)},
      {"timerLatenessP99Ns", late.quantile(0.99)},
      {"goroutinesAtEnd", goroutines},
      {"gcCycles", int64_t(cycles)},
      {"logged", s.logged.load()},
      // Go 1.22's /sched/pauses/total/other:seconds: ReadMemStats' stops.
      {"otherPauses", int64_t(other.total())},
      {"otherPauseP99Ns", other.quantile(0.99)},
  };
  for (const auto& [name, value] : metrics) out->metrics.emplace_back(name, value);
  std::string byClass, byClassZh;
  if (s.cfg.highPercent > 0) {
    const rt::TimeHistogramCounts normal = s.latencyByClass[0].snapshot(), high = s.latencyByClass[1].snapshot();
    const int64_t nHigh = s.requestsByClass[1].load(), nNormal = s.requestsByClass[0].load(),
                  outHigh = s.timeoutsByClass[1].load(), outNormal = s.timeoutsByClass[0].load();
    const std::pair<const char*, int64_t> classes[] = {
        {"highRequests", nHigh},           {"highTimeouts", outHigh},
        {"highLatencyP99Ns", high.quantile(0.99)},     {"normalRequests", nNormal},
        {"normalTimeouts", outNormal},     {"normalLatencyP99Ns", normal.quantile(0.99)},
    };
    for (const auto& [name, value] : classes) out->metrics.emplace_back(name, value);
    const std::string policy = kPolicyNames[size_t(s.cfg.policy)], highP99 = util::formatDuration(high.quantile(0.99)),
                      normalP99 = util::formatDuration(normal.quantile(0.99));
    byClass = "\n  --priority " + policy + ": high priority " + std::to_string(nHigh) + " requests, p99 " + highP99 +
              ", " + std::to_string(outHigh) + " timed out; normal " + std::to_string(nNormal) + ", p99 " +
              normalP99 + ", " + std::to_string(outNormal) + " timed out";
    byClassZh = "\n  --priority " + policy + "：高优先级 " + std::to_string(nHigh) + " 个请求，p99 " + highP99 + "，超时 " +
                std::to_string(outHigh) + " 个；普通 " + std::to_string(nNormal) + " 个，p99 " + normalP99 + "，超时 " +
                std::to_string(outNormal) + " 个";
  }
  const std::string took = util::formatDuration(elapsed), p50 = util::formatDuration(latency.quantile(0.50)),
                    p99 = util::formatDuration(latency.quantile(0.99)),
                    p999 = util::formatDuration(latency.quantile(0.999));
  // main and its helpers are done; what is left: leaked backends, backends
  // still waiting for a late answer, idle connections (--keepalive). On real
  // threads the sampler and the wheel's driver, which have just said Done,
  // may still be counted while they return.
  out->text = std::to_string(n) + " requests in " + took + ": " + std::to_string(n - timeouts) + " answered, " +
              std::to_string(timeouts) + " timed out; latency p50 " + p50 + ", p99 " + p99 + ", p999 " + p999 + "; " +
              std::to_string(goroutines - 1) + " goroutines still alive at the end, " + std::to_string(cycles) +
              " GC cycles (`metrics` shows them over time)" + byClass;
  out->textZh = std::to_string(n) + " 个请求，用时 " + took + "：应答 " + std::to_string(n - timeouts) + " 个，超时 " +
                std::to_string(timeouts) + " 个；延迟 p50 " + p50 + "，p99 " + p99 + "，p999 " + p999 + "；结束时仍有 " +
                std::to_string(goroutines - 1) + " 个 goroutine 存活，GC " + std::to_string(cycles) +
                " 轮（`metrics` 显示其随时间的变化）" + byClassZh;
  co_return;
}

FlagSpec durationOption(std::string name, std::string def, Text help, int64_t min, int64_t max) {
  return FlagSpec{.name = std::move(name),
                  .type = FlagType::Duration,
                  .valueName = "D",
                  .defaultValue = std::move(def),
                  .help = help,
                  .choices = {},
                  .min = min,
                  .max = max};
}

FlagSpec choiceOption(std::string name, std::string valueName, Text help, std::vector<std::string> choices) {
  std::string def = choices.front();
  return FlagSpec{.name = std::move(name),
                  .type = FlagType::Choice,
                  .valueName = std::move(valueName),
                  .defaultValue = std::move(def),
                  .help = help,
                  .choices = std::move(choices)};
}

FlagSpec intOption(std::string name, std::string valueName, std::string def, Text help, int64_t min, int64_t max) {
  return FlagSpec{.name = std::move(name),
                  .type = FlagType::Int,
                  .valueName = std::move(valueName),
                  .defaultValue = std::move(def),
                  .help = help,
                  .choices = {},
                  .min = min,
                  .max = max};
}

constexpr int64_t kHour = 3600 * rt::time::Second;

}  // namespace

Scenario serviceScenario() {
  return Scenario{
      .name = "service",
      .summary = {"a request-serving program with a backend call and a timeout; samples runtime metrics over time",
                  "一个处理请求的程序：调用后端并设超时；随时间采样运行时指标"},
      .details = {"--size is the number of requests (default 4000), arriving as a Poisson process at --rate per "
                  "second. Each handler allocates --alloc bytes, computes for --work, makes a --syscall if given, "
                  "and waits for a backend (mean --call, exponentially distributed) for at most --deadline. "
                  "--leak leaves every timed-out backend blocked for ever on an unbuffered send. "
                  "--timers wheel puts the deadlines on one hashed timing wheel of --tick (not Go's). "
                  "--sampler memstats calls ReadMemStats (a stop-the-world) in every request, periodic reads the "
                  "sampler's last value. --keepalive keeps each connection's goroutine waiting for a next request "
                  "until --idle-timeout (0: for ever). "
                  "--high marks a share of the requests high priority, and --priority slice|queue tries a "
                  "scheduling policy for them that Go does not have. "
                  "`metrics` prints what the sampler saw every --sample.",
                  "--size 为请求数（默认 4000），以每秒 --rate 个的泊松过程到达。每个处理函数分配 --alloc 字节，"
                  "计算 --work，如给出则做一次 --syscall，再等待后端（平均 --call，指数分布）至多 --deadline。"
                  "--leak 让每个超时的后端 goroutine 永远阻塞在无缓冲通道的发送上。"
                  "--timers wheel 把截止时间放进一个一格为 --tick 的哈希时间轮（不是 Go 的做法）。"
                  "--sampler memstats 在每个请求里调用 ReadMemStats（一次 STW），periodic 读取采样器最近的值。"
                  "--keepalive 让每个连接的 goroutine 等待下一个请求，直到 --idle-timeout（0 表示永远）。"
                  "--high 把一部分请求标为高优先级，--priority slice|queue 为它们试用 Go 并没有的调度策略。"
                  "`metrics` 打印采样器每隔 --sample 看到的数据。"},
      .defaultSize = 4000,
      .sizeMeaning = "requests",
      .minSize = 1,
      .maxSize = 10000000,
      .usesGC = true,
      .samplesMetrics = true,
      .options =
          {intOption("rate", "N", "2000",
                     {"service: requests per second (Poisson arrivals)", "service：每秒请求数（泊松到达）"}, 1, 1000000),
           durationOption("deadline", "50ms",
                          {"service: how long a handler waits for the backend", "service：处理函数等待后端的最长时间"},
                          rt::time::Microsecond, kHour),
           durationOption("call", "20ms",
                          {"service: the backend's mean latency (exponential)", "service：后端的平均延迟（指数分布）"}, 0,
                          kHour),
           durationOption("work", "100us", {"service: CPU time per request", "service：每个请求的 CPU 时间"}, 0,
                          10 * rt::time::Second),
           durationOption("syscall", "0s",
                          {"service: a blocking system call per request (0: none)",
                           "service：每个请求一次阻塞系统调用（0 为无）"},
                          0, 10 * rt::time::Second),
           intOption("alloc", "BYTES", "4096",
                     {"service: heap bytes for each request and each response", "service：每个请求、每个响应分配的堆字节数"},
                     0, 1 << 20),
           FlagSpec{.name = "leak",
                    .type = FlagType::Bool,
                    .valueName = "",
                    .defaultValue = "false",
                    .help = {"service: a timed-out backend blocks for ever on its send (the goroutine leak)",
                             "service：超时后的后端永远阻塞在发送上（goroutine 泄漏）"}},
           durationOption("sample", "10ms",
                          {"service: how often the sampler reads the runtime's metrics",
                           "service：采样器读取运行时指标的间隔"},
                          100 * rt::time::Microsecond, 60 * rt::time::Second),
           timerOptions()[0], timerOptions()[1],
           choiceOption("sampler", "S",
                        {"service: log only while HeapInuse < 64 MiB, read per request with ReadMemStats (a "
                         "stop-the-world each) or from the metrics sampler's last read (periodic)",
                         "service：仅当 HeapInuse < 64 MiB 时记日志；每个请求用 ReadMemStats 读取（每次一次 STW），"
                         "或取指标采样器最近一次读到的值（periodic）"},
                        {"off", "memstats", "periodic"}),
           FlagSpec{.name = "keepalive",
                    .type = FlagType::Bool,
                    .valueName = "",
                    .defaultValue = "false",
                    .help = {"service: clients leave their connection open; its goroutine waits for the next request "
                             "until --idle-timeout",
                             "service：客户端不关闭连接；连接的 goroutine 等待下一个请求，直到 --idle-timeout"}},
           durationOption("idle-timeout", "50ms",
                          {"service: http.Server's IdleTimeout with --keepalive; 0: wait for ever (the bad release)",
                           "service：配合 --keepalive 的 http.Server IdleTimeout；0 表示永远等待（那次坏发布）"},
                          0, kHour),
           intOption("high", "PCT", "0",
                     {"service: the percentage of requests marked high priority (payments)",
                      "service：标为高优先级（支付）的请求所占百分比"},
                     0, 100),
           choiceOption("priority", "P",
                        {"service: NOT GO, a lab-only policy for the --high requests: slice gives them 3x the "
                         "10ms time slice, queue a run queue of their own taken first; go: Go's scheduler",
                         "service：不是 Go 的做法，给 --high 请求的实验性调度策略：slice 给它们 3 倍的 10ms 时间片，"
                         "queue 给它们一个优先取用的独立运行队列；go：Go 的调度器"},
                        {kPolicyNames[0], kPolicyNames[1], kPolicyNames[2]})},
      .main = [](const ScenarioParams& p, ScenarioResult* out) { return serviceMain(p, out); },
  };
}

}  // namespace lab
