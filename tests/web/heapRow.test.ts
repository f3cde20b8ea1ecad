import { describe, expect, it } from 'vitest';
import { classesOf, describeSpan, filterSpans, type SpanInfo } from '../../web/src/views/heapMap';
import { formatBytes, heapAt, heapFacts, heapSteps, stepPath } from '../../web/src/views/timeline';
import { decodeHeap, INTS_PER_HEAP_SAMPLE, TraceModel, type HeapSample } from '../../web/src/views/trace';

/** Encodes samples the way core/trace/tracer.hpp lays out HeapSample (4 × 64-bit, little-endian). */
function encode(samples: HeapSample[]): Int32Array {
  const ints = new Int32Array(samples.length * INTS_PER_HEAP_SAMPLE);
  samples.forEach((h, i) => {
    const o = i * INTS_PER_HEAP_SAMPLE;
    [h.ts, h.heapLive, h.goal, h.events].forEach((v, k) => {
      ints[o + 2 * k] = v % 4294967296;
      ints[o + 2 * k + 1] = Math.floor(v / 4294967296);
    });
  });
  return ints;
}

const S = (ts: number, heapLive: number, goal = 4 << 20, events = 0): HeapSample => ({ ts, heapLive, goal, events });
const samples = [S(100, 8192), S(300, 16384), S(300, 24576), S(700, 12288, 6 << 20), S(900, 20480, 6 << 20)];
const live = (h: HeapSample) => h.heapLive;

describe('heap series', () => {
  it('decodes trace::HeapSample records, 64-bit values included', () => {
    const big = S(5_000_000_000, 3 * 2 ** 32 + 5, 2 ** 33, 70000);
    expect(decodeHeap(encode([S(1, 2, 3, 4), big]))).toEqual([S(1, 2, 3, 4), big]);
    expect(decodeHeap(null)).toEqual([]);
  });

  it('keeps a batch from its event on: samples re-sent after the last event, or past a back, are replaced', () => {
    const m = new TraceModel();
    m.setHeapFrom(0, [S(1, 1, 0, 0), S(2, 2, 0, 3), S(3, 3, 0, 5)]);
    // The next batch starts at event 5: the sample taken after event 5 comes again, with a new one.
    m.setHeapFrom(5, [S(3, 3, 0, 5), S(4, 4, 0, 9)]);
    expect(m.heap.map((h) => h.heapLive)).toEqual([1, 2, 3, 4]);
    // Back to event 4: what came after goes.
    m.setHeapFrom(4, []);
    expect(m.heap.map((h) => h.heapLive)).toEqual([1, 2]);
  });

  it('the value at t is the last sample at or before t', () => {
    expect(heapAt(samples, 50)).toBeUndefined();
    expect(heapAt(samples, 100)?.heapLive).toBe(8192);
    expect(heapAt(samples, 299)?.heapLive).toBe(8192);
    expect(heapAt(samples, 300)?.heapLive).toBe(24576); // the later of two at the same instant
    expect(heapAt(samples, 10_000)?.heapLive).toBe(20480);
  });
});

describe('heap row geometry', () => {
  it('is a step function through the recorded values only, up to the run’s point', () => {
    const pts = heapSteps(samples, live, 0, 2000, 1000);
    // Level, then upright, at each change: consecutive vertices share t or the value.
    for (let i = 1; i < pts.length; i++) {
      const [t0, v0] = pts[i - 1]!;
      const [t1, v1] = pts[i]!;
      expect(t0 === t1 || v0 === v1).toBe(true);
      expect(t1).toBeGreaterThanOrEqual(t0);
    }
    const values = new Set(samples.map(live));
    for (const [, v] of pts) expect(values.has(v)).toBe(true);
    expect(pts[0]).toEqual([100, 8192]); // nothing before the first sample
    expect(pts.at(-1)).toEqual([1000, 20480]); // held to the run's point, not beyond
    // Between two samples the line is level at the earlier one's value: no interpolation.
    const between = pts.filter(([t]) => t > 300 && t < 700);
    expect(between).toEqual([]);
    expect(pts).toContainEqual([300, 24576]);
    expect(pts).toContainEqual([700, 24576]);
  });

  it('follows the zoom: a window starts at the value in effect there and ends at its edge', () => {
    const pts = heapSteps(samples, live, 400, 800, 1000);
    expect(pts).toEqual([[400, 24576], [700, 24576], [700, 12288], [800, 12288]]);
    const x = (t0: number, t1: number) => (t: number) => ((t - t0) / (t1 - t0)) * 100;
    const y = (v: number) => 50 - v / 1024;
    const whole = stepPath(heapSteps(samples, live, 0, 1000, 1000), x(0, 1000), y);
    const zoomed = stepPath(pts, x(400, 800), y);
    expect(whole).toMatch(/^M[\d.-]+ [\d.-]+([HV][\d.-]+)*$/);
    expect(zoomed).toMatch(/^M[\d.-]+ [\d.-]+([HV][\d.-]+)*$/);
    // The change at 700 is 30% into the whole run, 75% into the zoomed window.
    expect(whole).toContain('H70.0');
    expect(zoomed).toBe('M0.0 26.0H75.0V38.0H100.0');
    // Outside the samples' time, or before the run has got there: nothing to draw.
    expect(heapSteps(samples, live, 0, 50, 1000)).toEqual([]);
    expect(heapSteps([], live, 0, 50, 1000)).toEqual([]);
  });

  it('draws the goal as its own step line, and summarises the row for screen readers', () => {
    const goal = heapSteps(samples, (h) => h.goal, 0, 2000, 1000);
    expect(goal).toEqual([[100, 4 << 20], [700, 4 << 20], [700, 6 << 20], [1000, 6 << 20]]);
    const m = new TraceModel();
    m.setHeapFrom(0, samples);
    expect(heapFacts(m)).toEqual({ samples: 5, first: 8192, last: 20480, peak: 24576, goal: 6 << 20, cycles: 0 });
    expect(formatBytes(24576)).toBe('24 KiB');
    expect(formatBytes(6 << 20)).toBe('6 MiB');
    expect(formatBytes(100)).toBe('100 B');
  });
});

const span = (base: string, sizeClass: number, elemsize: number, allocCount: number, nelems: number, sweepState = 'swept'): SpanInfo => ({
  base, npages: 1, sizeClass, elemsize, nelems, allocCount, sweepState, where: 'partial', noscan: false, arenaSeq: 0, pageInArena: 0,
});

describe('heap map filter', () => {
  const spans = [span('0xc000000000', 5, 48, 170, 170), span('0xc000002000', 2, 16, 3, 512, 'unswept'), span('0xc000004000', 5, 48, 1, 170),
    span('0xc000006000', 0, 40960, 1, 1)];

  it('narrows the spans to one size class, and lists the classes present', () => {
    expect(filterSpans(spans, 'all')).toHaveLength(4);
    expect(filterSpans(spans, 5).map((s) => s.base)).toEqual(['0xc000000000', '0xc000004000']);
    expect(filterSpans(spans, 0).map((s) => s.base)).toEqual(['0xc000006000']);
    expect(filterSpans(spans, 7)).toEqual([]);
    expect(classesOf(spans)).toEqual([
      { sizeClass: 0, elemsize: 0, spans: 1 }, { sizeClass: 2, elemsize: 16, spans: 1 }, { sizeClass: 5, elemsize: 48, spans: 2 },
    ]);
  });

  it('names a span’s size class, occupancy and sweep state', () => {
    const d = describeSpan(spans[1]!);
    expect(d).toContain('size class 2: 16 B per object');
    expect(d).toContain('3/512 objects in use (allocCount/nelems)');
    expect(d).toContain('unswept');
    expect(describeSpan(spans[3]!)).toContain('large object (40960 B)');
  });
});
