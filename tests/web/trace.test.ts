import { describe, expect, it } from 'vitest';
import { mergeNarrow, niceStep } from '../../web/src/views/timeline';
import { Ev, Gs, INTS_PER_EVENT, TraceModel, decodeEvents, formatNs, type TraceEvent, type TraceInfo } from '../../web/src/views/trace';

/** Encodes events the way core/trace/event.hpp lays them out (40 bytes, little-endian). */
function encode(events: Partial<TraceEvent>[]): Int32Array {
  const ints = new Int32Array(events.length * INTS_PER_EVENT);
  events.forEach((e, i) => {
    const o = i * INTS_PER_EVENT;
    const ts = e.ts ?? 0;
    const g = e.g ?? 0;
    ints[o] = ts % 4294967296;
    ints[o + 1] = Math.floor(ts / 4294967296);
    ints[o + 2] = g % 4294967296;
    ints[o + 3] = Math.floor(g / 4294967296);
    ints[o + 4] = i; // seq
    ints[o + 5] = e.a ?? 0;
    ints[o + 6] = e.b ?? 0;
    ints[o + 7] = ((e.p ?? -1) & 0xffff) | ((e.p2 ?? -1) << 16);
    ints[o + 8] = e.m ?? -1;
    ints[o + 9] = (e.type ?? 0) | ((e.from ?? 0) << 8) | ((e.to ?? 0) << 16);
  });
  return ints;
}

const info = (over = false, nowNs = 100_000): TraceInfo => ({
  session: 1, scenario: 'fanout', engine: 'sim', procs: 2, seed: 7, nowNs, over, names: ['main.main', 'main.worker'],
});

// G1 runs on P0; it creates G2; P1 steals G2, which runs there; G1 blocks; G2 enters a syscall.
const story: Partial<TraceEvent>[] = [
  { ts: 1000, type: Ev.MStart, m: 1, p: 0 },
  { ts: 1000, type: Ev.ProcStart, m: 1, p: 0 },
  { ts: 1000, type: Ev.GoCreate, g: 1, p: 0, b: 0 },
  { ts: 1000, type: Ev.GoStatus, g: 1, p: 0, m: 1, from: Gs.Runnable, to: Gs.Running },
  { ts: 1200, type: Ev.GoCreate, g: 2, p: 0, a: 1, b: 1 },
  { ts: 1300, type: Ev.RunqSizes, p: 0, m: 1, a: 5, b: 3, g: 2 },
  { ts: 6000, type: Ev.ProcStart, m: 2, p: 1 },
  { ts: 6000, type: Ev.Steal, g: 2, p: 1, p2: 0, m: 2, a: 1, b: 0 },
  { ts: 6000, type: Ev.GoStatus, g: 2, p: 1, m: 2, from: Gs.Runnable, to: Gs.Running },
  { ts: 7000, type: Ev.GoStatus, g: 1, p: 0, m: 1, from: Gs.Running, to: Gs.Waiting, b: 1 },
  { ts: 9000, type: Ev.GoStatus, g: 2, p: 1, m: 2, from: Gs.Running, to: Gs.Syscall, b: 5 },
  { ts: 9000, type: Ev.MPark, m: 1 },
];

describe('trace events', () => {
  it('decode what the C++ side lays out, including large times and negative ids', () => {
    const ints = encode([{ ts: 2 ** 40 + 5, g: 2 ** 33 + 1, a: -7, b: 9, p: 3, p2: -1, m: 12, type: Ev.Steal, from: 2, to: 4 }]);
    const [e] = decodeEvents(ints);
    expect(e).toEqual({ ts: 2 ** 40 + 5, g: 2 ** 33 + 1, a: -7, b: 9, p: 3, p2: -1, m: 12, type: Ev.Steal, from: 2, to: 4 });
  });

  it('build slices, steal arrows and M bands incrementally', () => {
    const m = new TraceModel();
    m.reset(info());
    const all = decodeEvents(encode(story));
    m.append(all.slice(0, 7), info());
    m.append(all.slice(7), info());
    expect(m.slices).toEqual([
      { p: 0, g: 1, m: 1, start: 1000, end: 7000, why: 1 },
      { p: 1, g: 2, m: 2, start: 6000, end: 9000, why: 5 },
    ]);
    expect(m.arrows).toEqual([{ ts: 6000, from: 0, to: 1, g: 2, n: 1 }]);
    expect(m.bands.map((b) => [b.kind, b.m, b.start, b.end])).toEqual([
      ['syscall', 2, 9000, -1],
      ['parked', 1, 9000, -1],
    ]);
    expect(m.goName(2)).toBe('G2 main.worker');
  });

  it('end the record at a full trace\'s last event, not at the run\'s current time', () => {
    const m = new TraceModel();
    m.reset(info(false, 50_000));
    m.append(decodeEvents(encode(story)), info(false, 50_000));
    expect(m.recordedEndTs).toBe(50_000); // recording: the record reaches the current time
    const full = { ...info(false, 50_000), traceFull: true };
    m.append([], full);
    expect(m.endTs).toBe(50_000); // the run went on…
    expect(m.recordedEndTs).toBe(9000); // …but nothing after the last event was recorded
  });

  it('truncate to a prefix exactly as if only that prefix had been appended (back in place)', () => {
    const all = decodeEvents(encode(story));
    for (let n = 0; n <= all.length; n++) {
      const whole = new TraceModel();
      whole.reset(info());
      whole.append(all, info());
      whole.truncate(n);
      const prefix = new TraceModel();
      prefix.reset(info());
      prefix.append(all.slice(0, n), info());
      expect(whole.events).toEqual(prefix.events);
      expect([whole.slices, whole.arrows, whole.bands, whole.preempts]).toEqual([
        prefix.slices, prefix.arrows, prefix.bands, prefix.preempts,
      ]);
    }
  });

  it('truncate a long run through its checkpoints exactly as the prefix, at any point', () => {
    // Noise: goroutines 20..59 starting and stopping on Ms 2..4, steals, preemptions.
    let x = 12345;
    const rnd = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    const raw: Partial<TraceEvent>[] = [];
    for (let i = 0; i < 30_000; i++) {
      const g = 20 + rnd(40);
      const m = 2 + rnd(3);
      const r = rnd(10);
      if (r < 4) raw.push({ ts: i, g, p: m - 2, m, type: Ev.GoStatus, from: Gs.Runnable, to: Gs.Running });
      else if (r < 8) raw.push({ ts: i, g, p: m - 2, m, type: Ev.GoStatus, from: Gs.Running, to: Gs.Waiting, b: 1 });
      else if (r < 9) raw.push({ ts: i, g, p: 1, p2: 0, m, a: 2, type: Ev.Steal });
      else raw.push({ ts: i, g, p: 0, m, type: Ev.PreemptRequest });
    }
    // Planted items that stay open across checkpoints (every 4096 events)
    // and close later: the ends a truncation must reopen.
    const plant = (i: number, e: Partial<TraceEvent>) => (raw[i] = { ts: i, ...e });
    plant(100, { m: 1, type: Ev.MPark });
    plant(26_000, { m: 1, type: Ev.MUnpark });
    plant(4_000, { g: 5, p: 2, m: 0, type: Ev.GoStatus, from: Gs.Running, to: Gs.Syscall });
    plant(24_600, { g: 5, p: 2, m: 0, type: Ev.GoStatus, from: Gs.Syscall, to: Gs.Running });
    plant(8_000, { g: 7, p: 3, m: 5, type: Ev.GoStatus, from: Gs.Runnable, to: Gs.Running });
    plant(24_700, { g: 7, p: 3, m: 5, type: Ev.GoStatus, from: Gs.Running, to: Gs.Waiting, b: 2 });
    plant(12_000, { type: Ev.STWStart, a: 1 });
    plant(12_500, { type: Ev.STWDone });
    plant(20_000, { type: Ev.GCPhase, a: 1, b: 1 });
    plant(24_590, { type: Ev.GCPhase, a: 2, b: 1 });
    plant(16_000, { type: Ev.Gomaxprocs, a: 9 });
    const all = decodeEvents(encode(raw));
    const whole = new TraceModel();
    whole.reset(info());
    whole.append(all, info());
    // Back in steps of every size, forward again, and back to the same point.
    for (const n of [29_999, 25_000, 24_576, 24_575, 12_345, 12_345, 12_288, 8_192, 4_096, 4_095, 10, 0]) {
      whole.truncate(n);
      const prefix = new TraceModel();
      prefix.reset(info());
      prefix.append(all.slice(0, n), info());
      expect(whole.events.length).toBe(n);
      expect([whole.slices, whole.arrows, whole.bands, whole.preempts, whole.stws, whole.marks, whole.maxP, whole.maxM])
        .toEqual([prefix.slices, prefix.arrows, prefix.bands, prefix.preempts, prefix.stws, prefix.marks, prefix.maxP,
          prefix.maxM]);
      if (n === 12_345) whole.append(all.slice(n, 20_000), info());
    }
  });

  it('find where the step that led to a time began', () => {
    const m = new TraceModel();
    m.reset(info());
    expect(m.lastEventBefore(5000)).toBe(-1);
    m.append(decodeEvents(encode(story)), info());
    expect(m.lastEventBefore(1000)).toBe(-1); // nothing before the first event
    expect(m.lastEventBefore(6000)).toBe(1300);
    expect(m.lastEventBefore(6001)).toBe(6000);
    expect(m.lastEventBefore(1e9)).toBe(9000);
  });

  it('give the GMP state at any time', () => {
    const m = new TraceModel();
    m.reset(info());
    m.append(decodeEvents(encode(story)), info());
    const early = m.stateAt(1500);
    expect(early.procs.map((p) => [p.id, p.state, p.m, p.g, p.runq])).toEqual([
      [0, 'running', 1, 1, 5],
      [1, 'idle', -1, -1, 0],
    ]);
    expect(early.global).toBe(3);
    expect(early.procs[0]!.runnext).toBe(2);
    expect(early.counts).toEqual({ running: 1, runnable: 1, waiting: 0, syscall: 0 });
    const late = m.stateAt(10_000);
    expect(late.procs[1]).toMatchObject({ state: 'syscall', m: 2 });
    expect(late.ms.find((x) => x.id === 1)?.state).toBe('parked');
    expect(late.counts).toEqual({ running: 0, runnable: 0, waiting: 1, syscall: 1 });
  });
});

describe('timeline helpers', () => {
  it('merge runs of slices narrower than a pixel, keep wide ones', () => {
    const items = [
      { start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 }, // three narrow, adjacent
      { start: 10, end: 50 }, // wide
      { start: 60, end: 61 }, // narrow, alone
    ];
    const out = mergeNarrow(items, 5);
    expect(out).toEqual([{ merged: 3, start: 0, end: 3 }, { start: 10, end: 50 }, { merged: 1, start: 60, end: 61 }]);
  });

  it('pick round tick steps and readable times', () => {
    expect(niceStep(3)).toBe(5);
    expect(niceStep(120)).toBe(200);
    expect(niceStep(1000)).toBe(1000);
    expect(formatNs(950)).toBe('950ns');
    expect(formatNs(15_300)).toBe('15.3µs');
    expect(formatNs(100_000)).toBe('100µs');
    expect(formatNs(2_250_000)).toBe('2.25ms');
  });
});

describe('heap map', () => {
  it('parses spans and mstats, and rejects what is not a heap', async () => {
    const { parseHeap, classColor } = await import('../../web/src/views/heapMap');
    const spans = JSON.stringify({
      pageSize: 8192, arenaBytes: 67108864, arenas: [{ seq: 0, base: '0x1000' }],
      spans: [{ base: '0x1000', npages: 1, sizeClass: 4, elemsize: 32, nelems: 256, allocCount: 10, sweepState: 'swept', where: 'mcache', noscan: false, arenaSeq: 0, pageInArena: 0 }],
    });
    const heap = parseHeap(spans, JSON.stringify({ HeapInuse: 8192, HeapSys: 4194304, Name: 'x' }));
    expect(heap?.spans).toHaveLength(1);
    expect(heap?.stats).toEqual({ HeapInuse: 8192, HeapSys: 4194304 });
    // What the page reads: the page counts `spans --json` carries (mstats would flush the mcache).
    const counted = parseHeap(JSON.stringify({ ...JSON.parse(spans), memstats: { HeapInuse: 8192, HeapIdle: 0, HeapSys: 8192 } }));
    expect(counted?.stats).toEqual({ HeapInuse: 8192, HeapIdle: 0, HeapSys: 8192 });
    // A bounded list (`spans --limit N`): the totals and who holds the spans come from the whole heap.
    const bounded = parseHeap(JSON.stringify({ ...JSON.parse(spans), total: 39063, pages: 39063, objects: 10_000_000, where: { mcache: 1, partial: 0, full: 39062 } }));
    expect(bounded).toMatchObject({ total: 39063, pages: 39063, objects: 10_000_000, where: { mcache: 1, partial: 0, full: 39062 } });
    expect(bounded?.spans).toHaveLength(1);
    // Without them (an older reply): counted from the spans listed.
    expect(counted).toMatchObject({ total: 1, pages: 1, objects: 10, where: { mcache: 1, partial: 0, full: 0 } });
    expect(parseHeap('not json', '{}')).toBeNull();
    expect(parseHeap('{"spans": 3}', '{}')).toBeNull();
    expect(classColor(0)).not.toBe(classColor(4));
  });
});

describe('GC on the timeline', () => {
  it('pairs stop-the-world starts and ends and opens a band per mark phase', () => {
    const m = new TraceModel();
    m.reset({ session: 1, scenario: 'mutator-race', engine: 'sim', seed: 1, procs: 2, nowNs: 0, over: false, names: [] } as unknown as TraceInfo);
    m.append(
      [
        { ts: 100, g: 5, a: 1, b: 0, p: 0, p2: -1, m: 1, type: Ev.STWStart, from: 0, to: 0 },
        { ts: 110, g: 0, a: 1, b: 1, p: 0, p2: -1, m: 1, type: Ev.GCPhase, from: 0, to: 0 },
        { ts: 120, g: 5, a: 1, b: 0, p: 0, p2: -1, m: 1, type: Ev.STWDone, from: 0, to: 0 },
        { ts: 900, g: 7, a: 2, b: 0, p: 1, p2: -1, m: 2, type: Ev.STWStart, from: 0, to: 0 },
        { ts: 905, g: 0, a: 2, b: 1, p: 1, p2: -1, m: 2, type: Ev.GCPhase, from: 0, to: 0 },
        { ts: 910, g: 0, a: 0, b: 1, p: 1, p2: -1, m: 2, type: Ev.GCPhase, from: 0, to: 0 },
        { ts: 930, g: 7, a: 2, b: 0, p: 1, p2: -1, m: 2, type: Ev.STWDone, from: 0, to: 0 },
      ],
      { session: 1, scenario: 'mutator-race', engine: 'sim', seed: 1, procs: 2, nowNs: 1000, over: false, names: [] } as unknown as TraceInfo,
    );
    expect(m.stws).toEqual([
      { start: 100, end: 120, what: 'STW: GC sweep termination' },
      { start: 900, end: 930, what: 'STW: GC mark termination' },
    ]);
    expect(m.marks).toEqual([{ start: 110, end: 905, what: 'GC 1 mark' }]);
  });
});
