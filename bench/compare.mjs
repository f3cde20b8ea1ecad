#!/usr/bin/env node
// bench/compare.mjs: run the lab's benchmarks and their peers (Go today;
// glibc/mimalloc/Boehm later) in the same session on the same machine and
// print lab/peer ratios against the project's targets.
//
//   node bench/compare.mjs [--build] [--runs N] [--filter REGEX] [--json]
//                          [--build-dir DIR] [--help]
//
// Each row is measured --runs times (default 3) and the median is reported;
// lab and peer runs alternate (lab, Go, lab, Go, ...) so that noise from other
// tenants of the machine hits both sides. The script reports, it does not
// judge: a missed target still exits 0. Only usage errors exit non-zero (2).
//
// Node 20, no npm dependencies. See bench/README.md.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const GO_DIR = path.join(HERE, 'go');
const GNU_TIME = '/usr/bin/time';

// ---------------------------------------------------------------------------
// The benchmark table. Everything the script runs is data here.
//
// An entry is measured as a unit (its lab and peer runs alternate) and yields
// one table row per (metric, peer). Fields:
//   name     row name; the metric label is appended when it is not empty
//   procs    GOMAXPROCS exported to every process of the entry (lab and peer)
//   metrics  [{ label, unit, pick(sample) -> number, target }]:
//            unit 'ns' | 'ns/op' | 'kB'; target = the highest acceptable
//            lab/peer ratio of the medians, or null (report only)
//   lab      a runner spec (below) for the lab side
//   peers    [{ name, ...runner spec }], e.g. Go, glibc, mimalloc
//   sameWork (optional) (labSample, peerSample) -> null, or why the two did
//            not do the same work (a different object graph, another count):
//            then the row prints no ratio, only that reason
//
// Every runner spec may carry env: variables for that side only (Go's
// GOGC=off, GODEBUG=gcstoptheworld=1), on top of GOMAXPROCS.
//
// Runner specs ({ kind, ... }, see RUNNERS):
//   json-process  run a program that prints one JSON object (last JSON line of
//                 stdout); sample = that object + maxRssKb (peak RSS of the
//                 process). bin: path; '{build}' is the lab build dir,
//                 '{go:NAME}' a Go binary from GO_BUILDS. expect: fields the
//                 JSON must have (else the sample is an error).
//   gbench        Google Benchmark binary with --benchmark_format=json;
//                 sample.nsPerOp = real_time of the named benchmark.
//   gotest        Go benchmark in a test binary from GO_BUILDS (go test -c);
//                 sample.nsPerOp = the ns/op column.
// ---------------------------------------------------------------------------

const SKYNET_RESULT = 499999500000;

const ENTRIES = [
  {
    name: 'skynet 1M (GOMAXPROCS=2)',
    procs: 2,
    metrics: [
      { label: 'wall', unit: 'ns', pick: (s) => s.wallNs, target: 0.5 },
      { label: 'peak RSS', unit: 'kB', pick: (s) => s.maxRssKb, target: 0.5 },
    ],
    lab: skynetRun('real', 2),
    peers: [goSkynet()],
  },
  // The same engine compiled to WebAssembly (wasm-threads preset, pthreads
  // on node's worker threads) against the native build: the cost of wasm.
  wasmVsNative('skynet 1M wasm-threads under node vs native (GOMAXPROCS=2)', 'real', 2,
    { label: 'wall', unit: 'ns', pick: (s) => s.wallNs, target: 2.0 }),
  // The simulator's speed: host time per simulated event, skynet 1M on the
  // simulator (2.2 M events), compiled to wasm against native: <= 1.5.
  wasmVsNative('simulator skynet 1M, time per event: wasm vs native (GOMAXPROCS=4)', 'sim', 4,
    { label: '', unit: 'ns/event', pick: (s) => s.hostNs / s.simEvents, target: 1.5 }),
  // And against Go: the host time the simulator takes to play skynet 1M
  // (every goroutine, channel operation and scheduling decision, in virtual
  // time) against the time Go takes to run it. Not the same work, and the
  // row says so: it asks that simulating be 5x faster than running.
  {
    name: 'skynet 1M: the lab simulating it (host time) vs Go running it (wall) (GOMAXPROCS=2)',
    procs: 2,
    // The lab's hostNs (its wallNs is virtual time here); Go reports only wallNs.
    metrics: [{ label: '', unit: 'ns', pick: (s) => s.hostNs ?? s.wallNs, target: 0.2 }],
    lab: skynetRun('sim', 2),
    peers: [goSkynet()],
  },
  // Going back (platform/sim/arena.hpp): `back 1` at the end of a stepped
  // run of 1.27 M trace events (310 k simulator events) restores the latest
  // snapshot and runs forward from it; the peer is what going back did before
  // snapshots: replay the same run from its start, untraced.
  backVsReplay('simulator back 1 after 1.27 M events vs an untraced replay from the start (pingpong, GOMAXPROCS=2)'),
  schedPair('ChainedSpawn vs CreateGoroutines', 2, 'BM_ChainedSpawn', 'BenchmarkCreateGoroutines', 0.5),
  schedPair('ChanPingPong vs ChanPingPong', 2, 'BM_ChanPingPong', 'BenchmarkChanPingPong', 1.0),
  schedPair('GoschedTwoGoroutines vs Gosched', 1, 'BM_GoschedTwoGoroutines', 'BenchmarkGosched', 0.5),
  schedPair('SpawnWaitGroup vs SpawnWaitGroup', 2, 'BM_SpawnWaitGroup', 'BenchmarkSpawnWaitGroup', null),
  // Timers (day 7): the lab's per-P heap against Go's, and the timing wheel
  // against the lab's heap, with 10^5 and 5*10^5 timers pending.
  ...[100000, 500000].flatMap((n) => timerRows(n)),
  // The allocator (bench/mem/alloc_bench.cpp; bench/mem/README.md): one op is
  // a 32 B allocate+free pair (the lab's free is its lab-only explicit free)
  // or, against Go, which has no free, one 32 B allocation (Go's includes its
  // amortized GC, which is what a Go program pays per allocation).
  allocPair('32 B alloc+free vs glibc malloc', 'glibc', '{build}/bench/mem/alloc_bench', 1.0),
  allocPair('32 B alloc+free vs mimalloc', 'mimalloc', '{build}/bench/mem/alloc_bench_mimalloc', 1.0),
  // Scaling (bench/mem/threads/alloc_threads.cpp): the same pair on 2
  // threads, each with its own mcache over one mheap. nsPerOp is wall time
  // per op over both threads, so 2 threads scaling >= 1.9x is a ratio
  // <= 1/1.9 against one thread. glibc's 2-thread pair is reported alongside.
  allocThreads('32 B alloc+free, 2 threads vs 1 thread (scaling >= 1.9x)', 'native',
    ['rtlab', 2], { name: 'one thread', args: ['rtlab', 1] }, 1 / 1.9),
  allocThreads('32 B alloc+free, 2 threads each', 'native',
    ['rtlab', 2], { name: 'glibc', args: ['malloc', 2] }, null),
  // In the wasm-threads build under node, against Emscripten's default
  // malloc (dlmalloc behind one lock), both on 2 threads: >= 3x faster.
  allocThreads('wasm-threads under node: 32 B alloc+free, 2 threads', 'wasm',
    ['rtlab', 2], { name: 'Emscripten malloc', args: ['malloc', 2] }, 1 / 3),
  // Against Go's new([32]byte), two ways that do the same work on both sides: no collection
  // at all (the lab's mallocgc on a heap replaced, untimed, every 2^20 objects; Go at
  // GOGC=off), and with the collector reclaiming as it goes (GOGC=100 on both: mark, sweep
  // and the allocation's share of them).
  {
    name: '32 B allocation, no collection: lab mallocgc vs Go new([32]byte) at GOGC=off (GOMAXPROCS=1)',
    procs: 1,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerOp, target: 0.5 }],
    lab: { kind: 'gbench', bin: '{build}/bench/mem/alloc_bench', benchmark: 'BM_rtlab_AllocOnly32', timeoutMs: 300_000 },
    peers: [{ name: 'Go', kind: 'gotest', build: 'alloc.test', benchmark: 'BenchmarkNew/32', benchtime: '1s', timeoutMs: 300_000,
      env: { GOGC: 'off' } }],
  },
  {
    name: '32 B allocation with the collector reclaiming (GOGC=100 both): lab vs Go new([32]byte) (GOMAXPROCS=1)',
    procs: 1,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerOp, target: null }],
    lab: { kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['alloc', '30000000'], expect: {}, timeoutMs: 300_000 },
    peers: [{ name: 'Go', kind: 'json-process', bin: '{go:gcbench}', args: ['alloc', '30000000'], expect: {}, timeoutMs: 300_000,
      env: { GOGC: '100' } }],
    sameWork: (l, p) => (l.allocs === p.allocs && l.size === p.size ? null : `${l.allocs}×${l.size} B vs ${p.allocs}×${p.size} B`),
  },
  // The collector (bench/gc; bench/README.md explains every row): a full runtime.GC() (mark
  // and sweep) of the same object graph, on one P so wall time is CPU time; both sides must
  // report the same objects and live bytes (within 10 %). The lab's concurrent marker against
  // Go's, and its stop-the-world marker against Go's GODEBUG=gcstoptheworld=1 and Boehm GC.
  // Targets: a collection of a binary tree in <= 0.6x Go's time, of a 4M-node linked list
  // (pointer chasing) in <= 0.8x. The stop-the-world rows are reported only.
  ...gcPair('full GC of a binary tree, depth 18', ['tree', '18', '5'], 0.6),
  ...gcPair('full GC of a 4M-node linked list', ['list', '4000000', '5'], 0.8),
  // Go's MemStats.PauseNs holds one total per cycle (every stop-the-world of it, each from
  // the stop request to the restart); the lab's CycleStats.pauseNs is timed the same way.
  {
    name: 'GC pause per cycle (PauseNs), 64 MB live heap under churn (GOMAXPROCS=2)',
    procs: 2,
    metrics: [
      { label: 'p99 pause', unit: 'ns', pick: (s) => s.p99PauseNs, target: null },
      { label: 'max pause', unit: 'ns', pick: (s) => s.maxPauseNs, target: null },
    ],
    lab: { kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['pauses', '6'], expect: {}, timeoutMs: 300_000 },
    peers: [{ name: 'Go', kind: 'json-process', bin: '{go:gcbench}', args: ['pauses', '6'], expect: {}, timeoutMs: 300_000,
      env: { GOGC: '100' } }],
    sameWork: (l, p) => sameLiveBytes(l, p, 0.25),
  },
  // The hybrid barrier's cost to a pointer-store-heavy mutator (binary
  // trees: an allocation and two pointer stores per node, into nil slots)
  // while a mark is open, against the same run with no barrier (target <=
  // 1.1) and with no mark at all; and in a store-only loop that overwrites
  // existing pointers, the barrier's real and worst case, against no mark
  // (reported only).
  {
    name: 'mutator building trees during a mark, hybrid barrier vs none (GOMAXPROCS=1)',
    procs: 1,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerNode, target: 1.1 }],
    lab: { kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['mutator', 'hybrid'], expect: {}, timeoutMs: 300_000 },
    peers: [
      { name: 'no barrier', kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['mutator', 'none'], expect: {},
        timeoutMs: 300_000 },
    ],
  },
  {
    name: 'mutator building trees, hybrid barrier during a mark vs no mark (GOMAXPROCS=1)',
    procs: 1,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerNode, target: null }],
    lab: { kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['mutator', 'hybrid'], expect: {}, timeoutMs: 300_000 },
    peers: [
      { name: 'no mark', kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['mutator', 'nomark'], expect: {},
        timeoutMs: 300_000 },
    ],
  },
  {
    name: 'store-only loop overwriting pointers, hybrid barrier during a mark vs no mark (GOMAXPROCS=1)',
    procs: 1,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerStore, target: null }],
    lab: { kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['barrier', '--mark'], expect: {}, timeoutMs: 300_000 },
    peers: [
      { name: 'barrier off', kind: 'json-process', bin: '{build}/bench/gc/gc_bench', args: ['barrier'], expect: {},
        timeoutMs: 300_000 },
    ],
  },
];

// A full collection of one heap shape: the lab's concurrent marker against
// Go's (target), and its stop-the-world marker against Go with
// GODEBUG=gcstoptheworld=1 and against Boehm GC (reported).
function gcPair(title, args, target) {
  const metric = (t) => [{ label: '', unit: 'ns', pick: (s) => s.nsPerGC, target: t }];
  const side = (bin, extra = []) => ({ kind: 'json-process', bin, args: [...args, ...extra], expect: {}, timeoutMs: 300_000 });
  const sameWork = (l, p) => (l.objects !== p.objects ? `${l.objects} vs ${p.objects} objects` : sameLiveBytes(l, p, 0.1));
  const lab = (marker) => side('{build}/bench/gc/gc_bench', [marker]);
  return [
    { name: `${title}, concurrent mark: lab vs Go (GOMAXPROCS=1)`, procs: 1, metrics: metric(target), lab: lab('concurrent'),
      peers: [{ name: 'Go', ...side('{go:gcbench}') }], sameWork },
    { name: `${title}, stop-the-world mark: lab vs Go gcstoptheworld=1 (GOMAXPROCS=1)`, procs: 1, metrics: metric(null),
      lab: lab('stw'), peers: [{ name: 'Go', ...side('{go:gcbench}'), env: { GODEBUG: 'gcstoptheworld=1' } }], sameWork },
    { name: `${title}, stop-the-world mark: lab vs Boehm GC (GOMAXPROCS=1)`, procs: 1, metrics: metric(null), lab: lab('stw'),
      peers: [{ name: 'Boehm', ...side('{build}/bench/gc/boehm_bench') }], sameWork },
  ];
}

// Null if both sides ended with the same live heap, within `tolerance` of the peer's (Go's
// HeapAlloc also holds the runtime's own small objects), else why not. The lab's objects with
// pointers carry a one-word type header (core/gc/object.hpp) that Go's do not: a lab side that
// reports those bytes (headerBytes) is compared without them.
function sameLiveBytes(l, p, tolerance) {
  if (typeof l.liveBytes !== 'number' || typeof p.liveBytes !== 'number') return 'a side reported no liveBytes';
  const lab = l.liveBytes - (l.headerBytes ?? 0);
  const off = Math.abs(lab - p.liveBytes) / p.liveBytes;
  return off <= tolerance ? null : `live heaps differ by ${(off * 100).toFixed(0)} % (${lab} vs ${p.liveBytes} B)`;
}

// skynet 1M on one engine, the wasm-threads build under node against the
// native build.
function wasmVsNative(name, engine, procs, metric) {
  const native = skynetRun(engine, procs);
  return {
    name,
    procs,
    metrics: [metric],
    lab: {
      kind: 'json-process',
      bin: process.execPath,
      args: ['--no-experimental-fetch', '{root}/build/wasm-threads/core/cli/rtlab.js', ...native.args],
      expect: { result: SKYNET_RESULT },
      timeoutMs: 300_000,
    },
    peers: [{ name: 'native', ...native }],
  };
}

// skynet 1M on the native rtlab, on an engine and GOMAXPROCS.
function skynetRun(engine, procs) {
  return { kind: 'json-process', bin: '{build}/core/cli/rtlab', expect: { result: SKYNET_RESULT }, timeoutMs: 300_000,
    args: ['run', 'skynet', '--engine', engine, '--procs', String(procs), '--json'] };
}

// Go's skynet 1M (bench/go/skynet).
function goSkynet() {
  return { name: 'Go', kind: 'json-process', bin: '{go:skynet}', args: [], expect: { result: SKYNET_RESULT },
    timeoutMs: 300_000 };
}

// Host time of `back 1` at the end of a stepped simulator run (its JSON's
// hostNs), against the host time the run took to get there.
function backVsReplay(name) {
  const run = 'run pingpong --engine sim --procs 2 --size 150000 --seed 1 ';
  const side = (stdin) => ({ kind: 'json-process', bin: '{build}/core/cli/rtlab', args: [], stdin, timeKey: 'hostNs',
    expect: {}, timeoutMs: 300_000 });
  return {
    name,
    procs: 2,
    metrics: [{ label: '', unit: 'ns', pick: (s) => s.hostNs, target: 0.02 }],
    lab: side(`${run}--step\ncontinue\nback 1 --json\n`),
    peers: [{ name: 'untraced replay', ...side(`${run}--json\n`) }],
  };
}

// An allocator pair: the lab's 32 B pair against a C allocator's, both from
// alloc_bench binaries (mimalloc replaces malloc in a binary of its own).
function allocPair(title, peerName, peerBin, target) {
  return {
    name: title,
    procs: 1,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerOp, target }],
    lab: { kind: 'gbench', bin: '{build}/bench/mem/alloc_bench', benchmark: 'BM_rtlab_Pair32', timeoutMs: 300_000 },
    peers: [{ name: peerName, kind: 'gbench', bin: peerBin, benchmark: 'BM_peer_Pair32', timeoutMs: 300_000 }],
  };
}

// A row of alloc_threads runs: lab and peer are [allocator, threads] of the
// same program, native (the bench build) or the wasm-threads build under node.
function allocThreads(title, where, [labAlloc, labThreads], peer, target) {
  const side = ([allocator, threads]) => {
    const args = ['--allocator', allocator, '--threads', String(threads)];
    // Under wasm, 5M pairs per thread: Emscripten's malloc takes ~120 ns a pair.
    return where === 'native'
      ? { kind: 'json-process', bin: '{build}/bench/mem/threads/alloc_threads', args, expect: {}, timeoutMs: 300_000 }
      : { kind: 'json-process', bin: process.execPath, expect: {}, timeoutMs: 300_000,
        args: ['--no-experimental-fetch', '{root}/build/wasm-threads/bench/mem/threads/alloc_threads.js', ...args,
          '--ops', '5000000'] };
  };
  return {
    name: title,
    procs: 2,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerOp, target }],
    lab: side([labAlloc, labThreads]),
    peers: [{ name: peer.name, ...side(peer.args) }],
  };
}

// A scheduler micro-benchmark: lab Google Benchmark vs Go `go test -bench`.
function schedPair(title, procs, labName, goName, target) {
  return {
    name: `${title} (GOMAXPROCS=${procs})`,
    procs,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerOp, target }],
    lab: { kind: 'gbench', bin: '{build}/bench/sched/sched_bench', benchmark: labName, timeoutMs: 300_000 },
    peers: [
      { name: 'Go', kind: 'gotest', build: 'sched.test', benchmark: goName, benchtime: '1s', timeoutMs: 300_000 },
    ],
  };
}

// The timer rows at n pending timers (bench/sched/timers_bench.cpp and
// bench/go/timers/timers_test.go). GOMAXPROCS=1 on both sides: every timer
// goes on the one P's heap. "Fire" rows time the burst from the instant n
// timers fall due until the last is received; the wheel's include the wait
// for the end of its 100 µs tick, by design, and say so.
function timerRows(n) {
  const k = `${n / 1000}k`;
  const lab = (bm) => ({ kind: 'gbench', bin: '{build}/bench/sched/timers_bench', benchmark: `${bm}/${n}`, timeoutMs: 300_000 });
  const go = (bm, benchtime) => ({ name: 'Go', kind: 'gotest', build: 'timers.test', benchmark: bm, benchtime, timeoutMs: 300_000 });
  const row = (name, labSide, peer, target) => ({
    name: `${name} (GOMAXPROCS=1)`,
    procs: 1,
    metrics: [{ label: '', unit: 'ns/op', pick: (s) => s.nsPerOp, target }],
    lab: labSide,
    peers: [peer],
  });
  return [
    row(`timer start+stop, ${k} pending: lab heap vs Go`, lab('BM_HeapStartStop'), go(`BenchmarkStartStop${k}`, '1s'), 1.0),
    row(`timer start+stop, ${k} pending: wheel vs lab heap`, lab('BM_WheelStartStop'),
      { name: 'lab heap', ...lab('BM_HeapStartStop') }, null),
    row(`timer fire, ${k} due at once: lab heap vs Go`, lab('BM_HeapFire'), go(`BenchmarkFire${k}`, '3x'), 1.0),
    row(`timer fire, ${k} due at once: wheel (100us ticks) vs lab heap`, lab('BM_WheelFire'),
      { name: 'lab heap', ...lab('BM_HeapFire') }, null),
  ];
}

// Go programs built once per session (into a temporary directory), by name.
const GO_BUILDS = {
  skynet: { pkg: './skynet', test: false },
  'sched.test': { pkg: './sched', test: true },
  'alloc.test': { pkg: './alloc', test: true },
  gcbench: { pkg: './gcbench', test: false },
  'timers.test': { pkg: './timers', test: true },
};

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

const USAGE = `usage: node bench/compare.mjs [options]
  --build           first install the peers (scripts/lab.sh deps bench), then
                    cmake --preset native-bench && cmake --build build/native-bench
  --runs N          measurements per side and row, median reported (default 3)
  --filter REGEX    only rows whose name matches REGEX (JavaScript regex)
  --json            machine-readable output with all raw samples
  --build-dir DIR   lab build directory (default build/native-bench)
  --help            this text`;

function usageError(msg) {
  process.stderr.write(`compare.mjs: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { build: false, runs: 3, filter: null, json: false, buildDir: path.join(ROOT, 'build', 'native-bench') };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) usageError(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--build': opts.build = true; break;
      case '--json': opts.json = true; break;
      case '--help': case '-h': process.stdout.write(USAGE + '\n'); process.exit(0); break;
      case '--runs': {
        const v = value();
        if (!/^[1-9][0-9]*$/.test(v)) usageError(`--runs wants a positive integer, got "${v}"`);
        opts.runs = Number(v);
        break;
      }
      case '--filter': {
        const v = value();
        try { opts.filter = new RegExp(v); } catch (e) { usageError(`bad --filter regex: ${e.message}`); }
        break;
      }
      case '--build-dir': opts.buildDir = path.resolve(value()); break;
      default: usageError(`unknown argument "${argv[i]}"`);
    }
    if (inline !== null && (a === '--build' || a === '--json')) usageError(`${a} takes no value`);
  }
  return opts;
}

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

// Runs a program; resolves to { code, signal, stdout, stderr, timedOut }.
// The child gets its own process group so a timeout kills wrappers and the
// wrapped program together. onSpawn(pid) is called once it started.
// input, if given, is written to the child's standard input.
function run(bin, args, { env, cwd, timeoutMs = 300_000, onSpawn, input } = {}) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(bin, args, { env, cwd, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      if (input !== undefined) child.stdin.end(input);
    } catch (e) {
      resolve({ code: null, signal: null, stdout: '', stderr: String(e.message), timedOut: false, spawnError: e });
      return;
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('spawn', () => onSpawn && onSpawn(child.pid));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(e.message), timedOut, spawnError: e });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function failureText(r) {
  if (r.timedOut) return 'timed out';
  const last = r.stderr.trim().split('\n').filter(Boolean).slice(-1)[0] || '';
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return last ? `${how}: ${last.slice(0, 200)}` : how;
}

class Unavailable extends Error {
  constructor(status, msg) {
    super(msg);
    this.status = status; // 'not-built' | 'no-go' | 'error'
  }
}

// ---------------------------------------------------------------------------
// Peak RSS
//
// Node 20 does not expose a child's rusage. Primary method: run the program
// under GNU time (`/usr/bin/time -f %M -o FILE`), which reports ru_maxrss of
// the waited-for child from wait4(2), in kB. If GNU time is missing it is
// installed once with apt-get (when running as root); if that fails too, the
// fallback polls VmHWM in /proc/PID/status every 2 ms (a high-water mark, so
// only growth in the last poll interval before exit can be missed) and marks
// the sample approximate.
// ---------------------------------------------------------------------------

let rssMethod = null; // 'gnu-time' | 'proc-poll'

function ensureRssMethod(log) {
  if (rssMethod) return rssMethod;
  // RTLAB_BENCH_RSS=proc-poll forces the fallback (to test it, or compare methods).
  if (process.env.RTLAB_BENCH_RSS === 'proc-poll') return (rssMethod = 'proc-poll');
  const hasTime = () => spawnSync(GNU_TIME, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasTime() && process.getuid && process.getuid() === 0) {
    log(`${GNU_TIME} missing: installing Debian package "time" (apt-get install -y time)`);
    let r = spawnSync('apt-get', ['install', '-y', 'time'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 && !hasTime()) {
      spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
      r = spawnSync('apt-get', ['install', '-y', 'time'], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  }
  rssMethod = hasTime() ? 'gnu-time' : 'proc-poll';
  if (rssMethod === 'proc-poll') log(`${GNU_TIME} unavailable: peak RSS is approximated by polling /proc/PID/status VmHWM`);
  return rssMethod;
}

function readVmHwmKb(pid) {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// Runs bin with args and measures its peak RSS. Resolves to run()'s result
// plus maxRssKb (number or null) and rssApprox.
async function runWithRss(bin, args, opts, ctx) {
  const method = ensureRssMethod(ctx.log);
  if (method === 'gnu-time') {
    const out = path.join(ctx.tmp, `rss-${process.pid}-${ctx.seq++}.txt`);
    const r = await run(GNU_TIME, ['-f', '%M', '-o', out, bin, ...args], opts);
    let maxRssKb = null;
    try {
      const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
      const v = lines[lines.length - 1].trim();
      if (/^\d+$/.test(v)) maxRssKb = Number(v);
      fs.rmSync(out, { force: true });
    } catch { /* the wrapper did not run */ }
    // GNU time exits 127/126 when it cannot run the program.
    if ((r.code === 127 || r.code === 126) && !fs.existsSync(bin)) r.spawnError = new Error(`${bin}: not found`);
    return { ...r, maxRssKb, rssApprox: false };
  }
  let peak = null;
  let timer = null;
  const r = await run(bin, args, {
    ...opts,
    onSpawn: (pid) => {
      timer = setInterval(() => {
        const v = readVmHwmKb(pid);
        if (v !== null) peak = Math.max(peak ?? 0, v);
      }, 2);
    },
  });
  clearInterval(timer);
  return { ...r, maxRssKb: peak, rssApprox: true };
}

// ---------------------------------------------------------------------------
// Runners: one measurement (one process) -> one sample object.
// ---------------------------------------------------------------------------

// A path relative to the repository when it is inside it, else absolute.
function displayPath(p) {
  const rel = path.relative(ROOT, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

function resolveBin(spec, ctx) {
  const m = /^\{go:(.+)\}$/.exec(spec.bin);
  if (m) return ctx.goBinary(m[1]);
  return spec.bin.replace('{build}', ctx.buildDir);
}

function lastJsonObject(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v = JSON.parse(lines[i]);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch { /* not JSON */ }
  }
  return wholeJsonObject(text);
}

// A (pretty-printed) JSON document possibly surrounded by other output.
function wholeJsonObject(text) {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  try { return JSON.parse(text.slice(start, end + 1)); } catch { return null; }
}

const NS_PER_UNIT = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

const RUNNERS = {
  async 'json-process'(spec, env, ctx) {
    const bin = await resolveBin(spec, ctx);
    if (!fs.existsSync(bin)) throw new Unavailable('not-built', `${displayPath(bin)} not found`);
    const args = spec.args.map((a) => a.replace('{root}', ROOT));
    for (const a of args) {
      if (a.endsWith('.js') && !fs.existsSync(a)) throw new Unavailable('not-built', `${displayPath(a)} not found`);
    }
    const r = await runWithRss(bin, args, { env, cwd: ROOT, timeoutMs: spec.timeoutMs, input: spec.stdin }, ctx);
    if (r.spawnError) throw new Unavailable('not-built', r.spawnError.message);
    if (r.code !== 0) throw new Unavailable('error', failureText(r));
    const obj = lastJsonObject(r.stdout);
    if (!obj) throw new Unavailable('error', 'no JSON object on stdout');
    for (const [k, v] of Object.entries(spec.expect || {})) {
      if (!(k in obj)) throw new Unavailable('error', `JSON has no "${k}"`);
      if (v !== undefined && obj[k] !== v) throw new Unavailable('error', `wrong ${k}: ${obj[k]} (want ${v})`);
    }
    const timeKey = spec.timeKey ?? 'wallNs';
    if (typeof obj[timeKey] !== 'number') throw new Unavailable('error', `JSON has no numeric "${timeKey}"`);
    return { ...obj, maxRssKb: r.maxRssKb, rssApprox: r.rssApprox, rssMethod };
  },

  async gbench(spec, env, ctx) {
    const bin = resolveBin(spec, ctx);
    if (!fs.existsSync(bin)) throw new Unavailable('not-built', `${displayPath(bin)} not found`);
    // Anchored, so BM_ChanPingPong does not also select BM_ChanPingPongBuffered;
    // "/..." suffixes (args, real_time, threads) are allowed.
    const filter = `^${spec.benchmark}(/.*)?$`;
    const r = await run(bin, ['--benchmark_format=json', `--benchmark_filter=${filter}`, ...(spec.args || [])],
      { env, cwd: ROOT, timeoutMs: spec.timeoutMs });
    if (r.spawnError) throw new Unavailable('not-built', r.spawnError.message);
    const doc = wholeJsonObject(r.stdout) ?? lastJsonObject(r.stdout);
    const runs = (doc?.benchmarks || []).filter((b) =>
      (b.name === spec.benchmark || b.name.startsWith(spec.benchmark + '/')) && b.run_type !== 'aggregate');
    if (runs.length === 0) {
      if (r.code !== 0 && !/match/i.test(r.stderr)) throw new Unavailable('error', failureText(r));
      throw new Unavailable('not-built', `no benchmark ${spec.benchmark} in ${path.basename(bin)}`);
    }
    const b = runs[0];
    if (b.error_occurred) throw new Unavailable('error', `${b.name}: ${b.error_message || 'error'}`);
    const scale = NS_PER_UNIT[b.time_unit || 'ns'];
    if (scale === undefined || typeof b.real_time !== 'number') throw new Unavailable('error', `${b.name}: no real_time`);
    return { nsPerOp: b.real_time * scale, name: b.name, iterations: b.iterations, cpuNsPerOp: b.cpu_time * scale };
  },

  async gotest(spec, env, ctx) {
    const bin = await ctx.goBinary(spec.build);
    const r = await run(bin, [
      '-test.run', '^$', '-test.bench', `^${spec.benchmark}$`,
      '-test.benchtime', spec.benchtime || '1s', '-test.count', '1',
    ], { env, cwd: path.join(GO_DIR, GO_BUILDS[spec.build].pkg), timeoutMs: spec.timeoutMs });
    if (r.spawnError) throw new Unavailable('error', r.spawnError.message);
    if (r.code !== 0) throw new Unavailable('error', failureText(r) + ' ' + r.stdout.trim().split('\n').slice(-1)[0]);
    // "BenchmarkX-2   	 7555323	       146.2 ns/op" (the -N suffix is GOMAXPROCS when != 1)
    const re = new RegExp(`^${spec.benchmark}(?:-(\\d+))?\\s+(\\d+)\\s+([0-9.eE+]+) ns/op`, 'm');
    const m = re.exec(r.stdout);
    if (!m) throw new Unavailable('error', `no ns/op line for ${spec.benchmark}`);
    return { nsPerOp: Number(m[3]), iterations: Number(m[2]), gomaxprocs: m[1] ? Number(m[1]) : 1 };
  },
};

// ---------------------------------------------------------------------------
// Go toolchain: find it, build each GO_BUILDS program once per session.
// ---------------------------------------------------------------------------

function makeGo(ctx) {
  const v = spawnSync('go', ['version'], { encoding: 'utf8' });
  const version = v.status === 0 ? v.stdout.trim() : null;
  // Caches outside the repo; the module has no requirements, nothing is fetched.
  const cacheRoot = path.join(os.tmpdir(), `rtlab-bench-go-${process.getuid ? process.getuid() : 'u'}`);
  const goEnv = {
    ...process.env,
    GOCACHE: path.join(cacheRoot, 'cache'),
    GOPATH: path.join(cacheRoot, 'gopath'),
    GOFLAGS: '',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
  };
  const built = new Map(); // name -> Promise<path>
  ctx.goVersion = version;
  ctx.goBinary = (name) => {
    if (!version) return Promise.reject(new Unavailable('no-go', 'go not found'));
    if (!built.has(name)) {
      const b = GO_BUILDS[name];
      if (!b) return Promise.reject(new Unavailable('error', `unknown Go build "${name}"`));
      const out = path.join(ctx.tmp, name);
      const args = b.test ? ['test', '-c', '-o', out, b.pkg] : ['build', '-o', out, b.pkg];
      ctx.log(`go ${args.join(' ')}  (in bench/go)`);
      built.set(name, run('go', args, { env: goEnv, cwd: GO_DIR, timeoutMs: 600_000 }).then((r) => {
        if (r.code !== 0 || !fs.existsSync(out)) throw new Unavailable('error', `go build ${b.pkg}: ${failureText(r)}`);
        return out;
      }));
    }
    return built.get(name);
  };
}

// ---------------------------------------------------------------------------
// Measurement and statistics
// ---------------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return null;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function rowName(entry, metric) {
  return metric.label ? `${entry.name} ${metric.label}` : entry.name;
}

// One side of an entry (lab or a peer) across the runs.
function newSide(name, spec) {
  return { name, spec, status: 'pending', message: null, samples: [], errors: [] };
}

async function measureOnce(side, env, ctx) {
  if (side.status === 'not-built' || side.status === 'no-go') return; // don't retry what cannot run
  try {
    const s = await RUNNERS[side.spec.kind](side.spec, side.spec.env ? { ...env, ...side.spec.env } : env, ctx);
    side.samples.push(s);
    side.status = 'ok';
  } catch (e) {
    if (!(e instanceof Unavailable)) e = new Unavailable('error', e.stack || String(e));
    side.errors.push(e.message);
    if (side.samples.length === 0) {
      side.status = e.status;
      side.message = e.message;
    }
  }
}

// The 1-minute load average before and after an entry's runs, kept with its rows. It counts
// this machine's processes only; the shared host's slow phases do not show in it, so a missed
// row's note also asks for another run on another minute.
async function measureEntry(entry, opts, ctx) {
  const env = { ...process.env, GOMAXPROCS: String(entry.procs) };
  const lab = newSide('lab', entry.lab);
  const peers = entry.peers.map((p) => newSide(p.name, p));
  const load = { before: os.loadavg()[0], after: null };
  for (let i = 0; i < opts.runs; i++) {
    ctx.log(`${entry.name}: run ${i + 1}/${opts.runs}`);
    await measureOnce(lab, env, ctx);
    for (const p of peers) await measureOnce(p, env, ctx);
  }
  load.after = os.loadavg()[0];
  return { lab, peers, load };
}

function sideStats(side, metric) {
  const values = side.samples.map(metric.pick).filter((v) => typeof v === 'number' && Number.isFinite(v));
  return {
    status: values.length ? 'ok' : side.status === 'ok' ? 'error' : side.status,
    message: values.length ? null : side.message ?? (side.status === 'ok' ? `no ${metric.label || 'value'} in samples` : null),
    median: median(values),
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    values,
    approx: side.samples.some((s) => s.rssApprox) && metric.unit === 'kB',
    errors: side.errors,
  };
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

function fmtValue(v, unit) {
  if (v === null || v === undefined) return '';
  const num = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  if (unit === 'kB') {
    const mib = v / 1024;
    return mib >= 1 ? `${num(mib)} MiB` : `${v} kB`;
  }
  if (unit === 'ns/event') return `${num(v)} ns (${num(1e3 / v)} M events/s)`;
  const suffix = unit === 'ns/op' ? '/op' : '';
  if (v < 1e3) return `${num(v)} ns${suffix}`;
  if (v < 1e6) return `${num(v / 1e3)} µs${suffix}`;
  if (v < 1e9) return `${num(v / 1e6)} ms${suffix}`;
  return `${num(v / 1e9)} s${suffix}`;
}

const STATUS_TEXT = { 'not-built': 'not built', 'no-go': 'no go', error: 'error', pending: 'not run' };

function cell(stats, unit) {
  if (stats.status !== 'ok') return STATUS_TEXT[stats.status] || stats.status;
  return (stats.approx ? '≈' : '') + fmtValue(stats.median, unit);
}

function printTable(rows, ctx) {
  const peerNames = [...new Set(rows.map((r) => r.peer.name))];
  const peerHead = peerNames.length === 1 ? peerNames[0] : 'peer';
  const head = ['benchmark', 'lab', peerHead, `ratio (lab/${peerHead})`, 'target', 'verdict'];
  const body = rows.map((r) => [
    r.benchmark,
    cell(r.lab, r.unit),
    (peerNames.length > 1 ? `${r.peer.name}: ` : '') + cell(r.peer, r.unit),
    r.ratio === null ? '-' : `${r.ratio >= 0.1 ? r.ratio.toFixed(2) : r.ratio.toPrecision(2)}×`,
    r.target === null ? '-' : `≤ ${Number(r.target.toFixed(1)) === r.target ? r.target.toFixed(1) : r.target.toFixed(3)}×`,
    r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => [...b[i]].length)));
  const line = (cols) => cols.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ').trimEnd();
  const out = [];
  out.push(`machine: ${ctx.machine.cpus}× ${ctx.machine.cpuModel}, ${ctx.machine.os}; ${ctx.goVersion || 'go: not found'}; ` +
    `node ${process.version}; runs per side: ${ctx.runs} (median); load avg ${ctx.machine.loadavgStart} -> ${ctx.machine.loadavgEnd}`);
  out.push(line(head));
  out.push(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const b of body) out.push(line(b));
  const notes = [];
  for (const r of rows) {
    for (const side of [r.lab, r.peer]) {
      const who = side === r.lab ? 'lab' : r.peer.name;
      if (side.differentWork) notes.push(`${r.entry}: not the same work, so no ratio: ${side.differentWork}`);
      if (side.status !== 'ok' && side.message) notes.push(`${r.entry} [${who}]: ${side.message}`);
      else if (side.status === 'ok' && side.errors.length) notes.push(`${r.entry} [${who}]: ${side.errors.length} failed run(s): ${side.errors[0]}`);
    }
  }
  for (const r of rows) {
    if (r.verdict === 'MISSED') {
      notes.push(`${r.benchmark}: missed with the load average at ${r.loadavg.before.toFixed(2)} -> ` +
        `${r.loadavg.after.toFixed(2)}; the host's slow phases do not show in it: run the row again on another minute before believing it`);
    }
  }
  if (ctx.buildOk === false) notes.push('--build failed (see stderr): lab numbers, if any, come from an earlier build');
  if (rows.some((r) => r.lab.approx || r.peer.approx)) notes.push('≈: peak RSS polled from /proc/PID/status VmHWM (GNU time unavailable)');
  if (notes.length) {
    out.push('');
    for (const n of [...new Set(notes)]) out.push(`note: ${n}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

function cmakeBuild(opts, log) {
  const steps = [
    // The benchmark library and the peers (Go, mimalloc, Boehm GC, GNU time),
    // installed from Debian when missing.
    ['bash', [path.join('scripts', 'lab.sh'), 'deps', 'bench']],
    // -B keeps the preset's settings but honours --build-dir.
    ['cmake', ['--preset', 'native-bench', '-B', opts.buildDir]],
    ['cmake', ['--build', opts.buildDir]],
  ];
  for (const [cmd, args] of steps) {
    log(`${cmd} ${args.join(' ')}`);
    // Build output goes to stderr so --json stdout stays machine-readable.
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
    if (r.status !== 0) {
      log(`build step failed (${r.error ? r.error.message : `exit ${r.status}`}); continuing with whatever is built`);
      return false;
    }
  }
  return true;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (msg) => process.stderr.write(`[compare] ${msg}\n`);
  const selected = ENTRIES
    .map((e) => ({ entry: e, metrics: e.metrics.filter((m) => !opts.filter || opts.filter.test(rowName(e, m))) }))
    .filter((x) => x.metrics.length > 0);
  if (selected.length === 0) usageError(`--filter ${opts.filter} matches no row; rows are:\n  ` +
    ENTRIES.flatMap((e) => e.metrics.map((m) => rowName(e, m))).join('\n  '));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rtlab-bench-'));
  const ctx = {
    log, tmp, seq: 0, runs: opts.runs, buildDir: opts.buildDir,
    machine: {
      cpus: os.cpus().length,
      cpuModel: (os.cpus()[0]?.model || 'unknown cpu').trim(),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadavgStart: os.loadavg()[0].toFixed(2),
      loadavgEnd: null,
    },
  };
  try {
    let buildOk = null;
    if (opts.build) buildOk = ctx.buildOk = cmakeBuild(opts, log);
    makeGo(ctx);
    if (!ctx.goVersion) log('go not found on PATH (apt-get install -y golang-go): Go columns stay empty');

    // Build every Go program first, so no compile runs between measurements.
    for (const { entry } of selected) {
      for (const spec of [entry.lab, ...entry.peers]) {
        const name = spec.kind === 'gotest' ? spec.build : /^\{go:(.+)\}$/.exec(spec.bin || '')?.[1];
        if (name) await ctx.goBinary(name).catch(() => { /* reported by the rows */ });
      }
    }

    const rows = [];
    for (const { entry, metrics } of selected) {
      const { lab, peers, load } = await measureEntry(entry, opts, ctx);
      for (const metric of metrics) {
        for (const peer of peers) {
          const l = sideStats(lab, metric);
          const p = sideStats(peer, metric);
          // The same work on both sides, or no ratio (the first samples stand for the rest:
          // every side's work is deterministic).
          const different = entry.sameWork && lab.samples.length && peer.samples.length
            ? entry.sameWork(lab.samples[0], peer.samples[0]) : null;
          if (different) p.differentWork = different;
          const ratio = !different && l.status === 'ok' && p.status === 'ok' && p.median > 0 ? l.median / p.median : null;
          let verdict;
          if (different) verdict = 'DIFFERENT WORK';
          else if (ratio === null) verdict = '-';
          else if (metric.target === null) verdict = 'report';
          else verdict = ratio <= metric.target ? 'met' : 'MISSED';
          rows.push({
            benchmark: rowName(entry, metric) + (peers.length > 1 ? ` vs ${peer.name}` : ''),
            entry: entry.name,
            metric: metric.label || 'time',
            unit: metric.unit,
            procs: entry.procs,
            loadavg: { before: Number(load.before.toFixed(2)), after: Number(load.after.toFixed(2)) },
            target: metric.target,
            ratio,
            verdict,
            lab: l,
            peer: { name: peer.name, ...p },
            rawSamples: { lab: lab.samples, [peer.name]: peer.samples },
          });
        }
      }
    }
    ctx.machine.loadavgEnd = os.loadavg()[0].toFixed(2);

    if (opts.json) {
      const doc = {
        tool: 'bench/compare.mjs',
        date: new Date().toISOString(),
        machine: ctx.machine,
        go: ctx.goVersion,
        node: process.version,
        runs: opts.runs,
        statistic: 'median',
        ratio: 'median(lab) / median(peer)',
        rssMethod,
        build: opts.build ? { dir: opts.buildDir, ok: buildOk } : null,
        rows,
      };
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    } else {
      printTable(rows, ctx);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  // Never crash without saying why; a bug here is still not a benchmark failure.
  process.stderr.write(`compare.mjs: internal error: ${e.stack || e}\n`);
  process.exit(1);
});
