// The run's trace as the views see it: the runtime's 40-byte event records
// (core/trace/event.hpp), decoded from the Int32Array the lab hands over, and
// a model built from them incrementally — goroutine slices per P, steal
// arrows, M bands — plus the GMP state at any point in time. Beside the
// events, the heap counter series (core/trace/tracer.hpp HeapSample: heapLive
// and the goal, Go's EvHeapAlloc/EvHeapGoal) for the timeline's heap row.

import type { TraceBatch } from '../lab/protocol';

/** Event types, as numbered in core/trace/event.hpp (EvType). */
export const Ev = {
  GoCreate: 1,
  GoStatus: 2,
  ProcStart: 3,
  ProcStop: 4,
  Steal: 5,
  MStart: 6,
  MPark: 7,
  MUnpark: 8,
  SpinStart: 9,
  SpinStop: 10,
  Handoff: 11,
  PreemptRequest: 12,
  Gomaxprocs: 13,
  TimerFire: 14,
  RunqSizes: 15,
  STWStart: 16,
  STWDone: 17,
  GCPhase: 18,
} as const;

/** Why the world stopped (trace::StwReason). */
export const STW_REASONS = ['GOMAXPROCS', 'GC sweep termination', 'GC mark termination'];

/** Go's G states (runtime2.go), as in core/sched/gstatus.hpp. */
export const Gs = { Idle: 0, Runnable: 1, Running: 2, Syscall: 3, Waiting: 4, Dead: 6 } as const;

/** Why a G stopped running (trace::GoReason). */
export const REASONS = ['', 'block', 'gosched', 'preempt', 'async preempt', 'syscall', 'exit'];

export interface TraceEvent {
  ts: number; // ns since the run started
  g: number;
  a: number;
  b: number;
  p: number;
  p2: number;
  m: number;
  type: number;
  from: number;
  to: number;
}

export const INTS_PER_EVENT = 10;

/** Decodes records laid out as trace::Event (little-endian, 40 bytes each). */
export function decodeEvents(ints: Int32Array): TraceEvent[] {
  const n = Math.floor(ints.length / INTS_PER_EVENT);
  const out: TraceEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * INTS_PER_EVENT;
    const packed = ints[o + 9]!;
    out[i] = {
      ts: ints[o + 1]! * 4294967296 + (ints[o]! >>> 0),
      g: ints[o + 3]! * 4294967296 + (ints[o + 2]! >>> 0),
      a: ints[o + 5]!,
      b: ints[o + 6]!,
      p: (ints[o + 7]! << 16) >> 16,
      p2: ints[o + 7]! >> 16,
      m: ints[o + 8]!,
      type: packed & 0xff,
      from: (packed >>> 8) & 0xff,
      to: (packed >>> 16) & 0xff,
    };
  }
  return out;
}

/** A goroutine's stretch on a P. end is -1 while it still runs. */
export interface Slice {
  p: number;
  g: number;
  m: number;
  start: number;
  end: number;
  why: number;
}

/** A steal: thief P `to` took `n` Gs from victim P `from`. */
export interface Arrow {
  ts: number;
  from: number;
  to: number;
  g: number;
  n: number;
}

export type BandKind = 'syscall' | 'spinning' | 'parked';

/** A stretch of an M: in a syscall, spinning, or parked. */
export interface Band {
  m: number;
  kind: BandKind;
  start: number;
  end: number;
  g: number;
}

export interface Mark {
  ts: number;
  p: number;
  g: number;
}

/** A stretch of time: a stop-the-world pause, or a GC cycle's concurrent mark. */
export interface Span {
  start: number;
  end: number; // -1 while it lasts
  what: string;
}

/** A point of the heap series: from ts on, heapLive and goal (0: no goal) hold. */
export interface HeapSample {
  ts: number;
  heapLive: number;
  goal: number;
  /** How many events the run had recorded before it. */
  events: number;
}

export const INTS_PER_HEAP_SAMPLE = 8;

/** Decodes records laid out as trace::HeapSample (four little-endian 64-bit fields). */
export function decodeHeap(ints: Int32Array | null | undefined): HeapSample[] {
  if (!ints) return [];
  const n = Math.floor(ints.length / INTS_PER_HEAP_SAMPLE);
  const out: HeapSample[] = new Array(n);
  const u64 = (o: number) => (ints[o + 1]! >>> 0) * 4294967296 + (ints[o]! >>> 0);
  for (let i = 0; i < n; i++) {
    const o = i * INTS_PER_HEAP_SAMPLE;
    out[i] = { ts: ints[o + 1]! * 4294967296 + (ints[o]! >>> 0), heapLive: u64(o + 2), goal: u64(o + 4), events: u64(o + 6) };
  }
  return out;
}

/** What the views know about the run besides its events. */
export type TraceInfo = Omit<TraceBatch, 'from' | 'events' | 'heap'>;

export type PState = 'idle' | 'running' | 'syscall';
export type MState = 'running' | 'spinning' | 'parked' | 'syscall';

export interface GmpState {
  t: number;
  gomaxprocs: number;
  procs: { id: number; state: PState; m: number; g: number; runq: number; runnext: number }[];
  global: number;
  ms: { id: number; state: MState; p: number; g: number }[];
  counts: { running: number; runnable: number; waiting: number; syscall: number };
}

/**
 * What the model was after `at` events, enough to go back there: the lengths
 * of its lists, what was open (those items' ends are set later), and the
 * highest P and M seen.
 */
interface Checkpoint {
  at: number;
  lengths: [number, number, number, number, number, number]; // slices, arrows, bands, preempts, stws, marks
  open: [number, number][];
  openBand: [string, number][];
  openSyscall: [number, number][];
  stwOpen: boolean;
  markOpen: boolean;
  maxP: number;
  maxM: number;
}

/** Events between checkpoints: truncate re-adds at most this many. */
const CHECKPOINT_EVERY = 4096;

export class TraceModel {
  info: TraceInfo | undefined;
  events: TraceEvent[] = [];
  slices: Slice[] = [];
  arrows: Arrow[] = [];
  bands: Band[] = [];
  preempts: Mark[] = [];
  /** Stop-the-world pauses and GC mark phases, for the bands across the P rows. */
  stws: Span[] = [];
  marks: Span[] = [];
  /** The heap series, in time order (empty for a run without the GC'd heap). */
  heap: HeapSample[] = [];
  /** Goroutine id -> index into info.names. */
  private readonly nameOf = new Map<number, number>();
  private readonly open = new Map<number, number>(); // g -> index of its running slice
  private readonly openBand = new Map<string, number>(); // "m/kind" -> index in bands
  private readonly openSyscall = new Map<number, number>(); // g -> index in bands
  private checkpoints: Checkpoint[] = [];
  maxP = 0;
  maxM = 0;

  /** The run (session) the model shows; a new one clears the model. */
  get session(): number {
    return this.info?.session ?? -1;
  }

  reset(info: TraceInfo): void {
    this.info = info;
    this.events = [];
    this.slices = [];
    this.arrows = [];
    this.bands = [];
    this.preempts = [];
    this.stws = [];
    this.marks = [];
    this.heap = [];
    this.nameOf.clear();
    this.open.clear();
    this.openBand.clear();
    this.openSyscall.clear();
    this.checkpoints = [];
    this.maxP = Math.max(0, info.procs - 1);
    this.maxM = 0;
  }

  /** Adds the next events of the same run, in order. */
  append(events: readonly TraceEvent[], info: TraceInfo): void {
    this.info = info;
    for (const e of events) this.add(e);
  }

  /**
   * Takes the heap samples of a batch that starts at event `from`: they
   * replace the samples the model had from there on (those taken after the
   * last event it had come again, and after a `back` the ones past the new
   * position go).
   */
  setHeapFrom(from: number, samples: readonly HeapSample[]): void {
    let keep = this.heap.length;
    while (keep > 0 && this.heap[keep - 1]!.events >= from) keep--;
    this.heap.length = keep;
    for (const h of samples) this.heap.push(h);
  }

  /**
   * Keeps the first n events only (the lab moved the same run back to event
   * n): the derived views are rebuilt from them, with nothing to decode or
   * fetch again.
   */
  truncate(n: number): void {
    if (n >= this.events.length) return;
    // Back to the last checkpoint at or before n, then forward to n: the
    // work is the items open then plus fewer than CHECKPOINT_EVERY events,
    // however long the run.
    while (this.checkpoints.length > 0 && this.checkpoints[this.checkpoints.length - 1]!.at > n) this.checkpoints.pop();
    const cp = this.checkpoints.pop();
    if (!cp) return;
    const again = this.events.slice(cp.at, n);
    this.events.length = cp.at;
    for (const [, i] of cp.open) {
      this.slices[i]!.end = -1;
      this.slices[i]!.why = 0;
    }
    for (const [, i] of [...cp.openBand, ...cp.openSyscall]) this.bands[i]!.end = -1;
    const [slices, arrows, bands, preempts, stws, marks] = cp.lengths;
    this.slices.length = slices;
    this.arrows.length = arrows;
    this.bands.length = bands;
    this.preempts.length = preempts;
    this.stws.length = stws;
    this.marks.length = marks;
    if (cp.stwOpen) this.stws[stws - 1]!.end = -1;
    if (cp.markOpen) this.marks[marks - 1]!.end = -1;
    this.open.clear();
    for (const [g, i] of cp.open) this.open.set(g, i);
    this.openBand.clear();
    for (const [k, i] of cp.openBand) this.openBand.set(k, i);
    this.openSyscall.clear();
    for (const [g, i] of cp.openSyscall) this.openSyscall.set(g, i);
    this.maxP = cp.maxP;
    this.maxM = cp.maxM;
    // (Names of goroutines created after n stay: a goid names one goroutine.)
    for (const e of again) this.add(e);
  }

  private checkpoint(): Checkpoint {
    const lastStw = this.stws[this.stws.length - 1];
    const lastMark = this.marks[this.marks.length - 1];
    return {
      at: this.events.length,
      lengths: [this.slices.length, this.arrows.length, this.bands.length, this.preempts.length, this.stws.length,
        this.marks.length],
      open: [...this.open],
      openBand: [...this.openBand],
      openSyscall: [...this.openSyscall],
      stwOpen: lastStw !== undefined && lastStw.end < 0,
      markOpen: lastMark !== undefined && lastMark.end < 0,
      maxP: this.maxP,
      maxM: this.maxM,
    };
  }

  /** The time of the last event before t (ns), or -1 if none: where the step that led to t began. */
  lastEventBefore(t: number): number {
    let lo = 0;
    let hi = this.events.length; // events are in time order: find the first with ts >= t
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid]!.ts < t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.events[lo - 1]!.ts : -1;
  }

  /** Where the record ends: the last event when the trace is full (nothing after it was
   *  recorded, though the run went on), else the run's current time. Open items end here. */
  get recordedEndTs(): number {
    if (!this.info?.traceFull) return this.endTs;
    return this.events.length ? this.events[this.events.length - 1]!.ts : 0;
  }

  get endTs(): number {
    const last = this.events.length ? this.events[this.events.length - 1]!.ts : 0;
    return Math.max(last, this.info?.nowNs ?? 0);
  }

  goName(g: number): string {
    const i = this.nameOf.get(g);
    const name = i === undefined ? '' : (this.info?.names[i] ?? '');
    return name ? `G${g} ${name}` : `G${g}`;
  }

  private add(e: TraceEvent): void {
    if (this.events.length % CHECKPOINT_EVERY === 0) this.checkpoints.push(this.checkpoint());
    this.events.push(e);
    if (e.p > this.maxP) this.maxP = e.p;
    if (e.m > this.maxM) this.maxM = e.m;
    switch (e.type) {
      case Ev.GoCreate:
        this.nameOf.set(e.g, e.b);
        break;
      case Ev.GoStatus:
        if (e.to === Gs.Running) {
          this.open.set(e.g, this.slices.length);
          this.slices.push({ p: e.p, g: e.g, m: e.m, start: e.ts, end: -1, why: 0 });
        } else if (e.from === Gs.Running) {
          const i = this.open.get(e.g);
          if (i !== undefined) {
            this.slices[i]!.end = e.ts;
            this.slices[i]!.why = e.b;
            this.open.delete(e.g);
          }
        }
        if (e.to === Gs.Syscall) {
          this.openSyscall.set(e.g, this.bands.length);
          this.bands.push({ m: e.m, kind: 'syscall', start: e.ts, end: -1, g: e.g });
        } else if (e.from === Gs.Syscall) {
          const i = this.openSyscall.get(e.g);
          if (i !== undefined) {
            this.bands[i]!.end = e.ts;
            this.openSyscall.delete(e.g);
          }
        }
        break;
      case Ev.Steal:
        this.arrows.push({ ts: e.ts, from: e.p2, to: e.p, g: e.g, n: e.a });
        break;
      case Ev.PreemptRequest:
        this.preempts.push({ ts: e.ts, p: e.p, g: e.g });
        break;
      case Ev.MPark:
        this.openM(e, 'parked');
        break;
      case Ev.MUnpark:
        this.closeM(e, 'parked');
        break;
      case Ev.SpinStart:
        this.openM(e, 'spinning');
        break;
      case Ev.SpinStop:
        this.closeM(e, 'spinning');
        break;
      case Ev.Gomaxprocs:
        if (e.a - 1 > this.maxP) this.maxP = e.a - 1;
        break;
      case Ev.STWStart:
        this.stws.push({ start: e.ts, end: -1, what: `STW: ${STW_REASONS[e.a] ?? '?'}` });
        break;
      case Ev.STWDone: {
        const last = this.stws[this.stws.length - 1];
        if (last && last.end < 0) last.end = e.ts;
        break;
      }
      case Ev.GCPhase: {
        const last = this.marks[this.marks.length - 1];
        const open = last !== undefined && last.end < 0;
        if (e.a === 1 && !open) this.marks.push({ start: e.ts, end: -1, what: `GC ${e.b} mark` });
        else if (e.a !== 1 && open) last.end = e.ts;
        break;
      }
    }
  }

  private openM(e: TraceEvent, kind: BandKind): void {
    const key = `${e.m}/${kind}`;
    if (this.openBand.has(key)) return;
    this.openBand.set(key, this.bands.length);
    this.bands.push({ m: e.m, kind, start: e.ts, end: -1, g: 0 });
  }

  private closeM(e: TraceEvent, kind: BandKind): void {
    const key = `${e.m}/${kind}`;
    const i = this.openBand.get(key);
    if (i === undefined) return;
    this.bands[i]!.end = e.ts;
    this.openBand.delete(key);
  }

  /** Who runs where at time t: replays the events up to t. */
  stateAt(t: number): GmpState {
    const nprocs = this.info?.procs ?? 1;
    let gomaxprocs = nprocs;
    const procs = new Map<number, { id: number; state: PState; m: number; g: number; runq: number; runnext: number }>();
    const proc = (id: number) => {
      let p = procs.get(id);
      if (!p) {
        p = { id, state: 'idle', m: -1, g: -1, runq: 0, runnext: 0 };
        procs.set(id, p);
      }
      return p;
    };
    for (let i = 0; i < nprocs; i++) proc(i);
    const ms = new Map<number, { id: number; state: MState; p: number; g: number }>();
    const mach = (id: number) => {
      let m = ms.get(id);
      if (!m) {
        m = { id, state: 'running', p: -1, g: -1 };
        ms.set(id, m);
      }
      return m;
    };
    const status = new Map<number, number>();
    let global = 0;
    for (const e of this.events) {
      if (e.ts > t) break;
      switch (e.type) {
        case Ev.GoCreate:
          status.set(e.g, Gs.Runnable);
          break;
        case Ev.GoStatus: {
          status.set(e.g, e.to);
          if (e.to === Gs.Running && e.p >= 0) {
            proc(e.p).g = e.g;
            mach(e.m).g = e.g;
          }
          if (e.from === Gs.Running && e.p >= 0 && proc(e.p).g === e.g) proc(e.p).g = -1;
          if (e.from === Gs.Running && e.m >= 0) mach(e.m).g = -1;
          if (e.to === Gs.Syscall) {
            mach(e.m).state = 'syscall';
            mach(e.m).g = e.g;
            if (e.p >= 0) proc(e.p).state = 'syscall';
          }
          if (e.from === Gs.Syscall && e.m >= 0) {
            mach(e.m).state = 'running';
            mach(e.m).g = e.to === Gs.Running ? e.g : -1;
          }
          break;
        }
        case Ev.ProcStart: {
          const p = proc(e.p);
          if (p.m >= 0 && p.m !== e.m && mach(p.m).p === e.p) mach(p.m).p = -1;
          p.state = 'running';
          p.m = e.m;
          mach(e.m).p = e.p;
          break;
        }
        case Ev.ProcStop: {
          const p = proc(e.p);
          p.state = 'idle';
          p.m = -1;
          p.g = -1;
          if (mach(e.m).p === e.p) mach(e.m).p = -1;
          break;
        }
        case Ev.MStart:
          mach(e.m).state = 'running';
          break;
        case Ev.MPark:
          mach(e.m).state = 'parked';
          break;
        case Ev.MUnpark:
        case Ev.SpinStop:
          mach(e.m).state = 'running';
          break;
        case Ev.SpinStart:
          mach(e.m).state = 'spinning';
          break;
        case Ev.RunqSizes:
          if (e.p >= 0) {
            proc(e.p).runq = e.a;
            proc(e.p).runnext = e.g;
          }
          global = e.b;
          break;
        case Ev.Gomaxprocs:
          gomaxprocs = e.a;
          for (let i = 0; i < e.a; i++) proc(i);
          break;
      }
    }
    const counts = { running: 0, runnable: 0, waiting: 0, syscall: 0 };
    for (const s of status.values()) {
      if (s === Gs.Running) counts.running++;
      else if (s === Gs.Runnable) counts.runnable++;
      else if (s === Gs.Waiting) counts.waiting++;
      else if (s === Gs.Syscall) counts.syscall++;
    }
    return {
      t,
      gomaxprocs,
      procs: [...procs.values()].filter((p) => p.id < gomaxprocs).sort((x, y) => x.id - y.id),
      global,
      ms: [...ms.values()].sort((x, y) => x.id - y.id),
      counts,
    };
  }
}

/** A stable colour per goroutine: the golden angle spreads neighbours apart. */
export function goColor(g: number): string {
  return `hsl(${Math.round((g * 137.508) % 360)} 62% 56%)`;
}

/** "15.3µs", "2.25ms": ns in the unit that reads best. */
export function formatNs(ns: number): string {
  const abs = Math.abs(ns);
  const fmt = (v: number) =>
    (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  if (abs < 1e3) return `${Math.round(ns)}ns`;
  if (abs < 1e6) return `${fmt(ns / 1e3)}µs`;
  if (abs < 1e9) return `${fmt(ns / 1e6)}ms`;
  return `${fmt(ns / 1e9)}s`;
}
