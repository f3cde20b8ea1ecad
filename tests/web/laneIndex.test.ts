import { describe, expect, it } from 'vitest';
import { LaneIndex } from '../../web/src/views/laneIndex';

interface S {
  lane: number;
  start: number;
  end: number;
  id: number;
}

/** What the timeline drew before the index: every span, filtered. */
function bruteForce(spans: readonly S[], lane: number, t0: number, t1: number, openEnd: number): S[] {
  return spans.filter((s) => s.lane === lane && (s.end < 0 ? openEnd : s.end) >= t0 && s.start <= t1);
}

/** A trace's spans: in start order, on 3 lanes, some long enough to overlap many later ones, some still open. */
function randomSpans(seed: number, n: number): S[] {
  let x = seed;
  const rnd = (k: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const out: S[] = [];
  let t = 0;
  for (let id = 0; id < n; id++) {
    t += rnd(20);
    const long = rnd(10) === 0;
    const open = rnd(25) === 0;
    out.push({ lane: rnd(4) - 1, start: t, end: open ? -1 : t + (long ? rnd(2000) : rnd(30)), id });
  }
  return out;
}

describe('lane index', () => {
  it('finds exactly the spans a full scan finds, in start order, for any window', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const spans = randomSpans(seed, 3000);
      const index = new LaneIndex(spans, (s) => s.lane);
      const last = spans[spans.length - 1]!.start;
      for (let q = 0; q < 60; q++) {
        const t0 = ((seed * 7919 + q * 104729) % (last + 500)) - 200;
        const t1 = t0 + ((q * 37) % 900);
        const openEnd = last + 100 - (q % 3) * 40000; // sometimes before the window: open spans not drawn
        for (let lane = 0; lane < 3; lane++) {
          expect(index.window(lane, t0, t1, openEnd).map((s) => s.id)).toEqual(bruteForce(spans, lane, t0, t1, openEnd).map((s) => s.id));
        }
      }
    }
  });

  it('leaves out negative lanes and answers empty for a lane it never saw', () => {
    const spans: S[] = [
      { lane: -1, start: 0, end: 10, id: 0 },
      { lane: 1, start: 5, end: 6, id: 1 },
    ];
    const index = new LaneIndex(spans, (s) => s.lane);
    expect(index.window(0, 0, 100, 100)).toEqual([]);
    expect(index.window(1, 0, 100, 100).map((s) => s.id)).toEqual([1]);
    expect(index.window(7, 0, 100, 100)).toEqual([]);
  });

  it('reads a span open (end < 0) as reaching the given end', () => {
    const spans: S[] = [
      { lane: 0, start: 0, end: -1, id: 0 },
      { lane: 0, start: 1, end: 2, id: 1 },
    ];
    const index = new LaneIndex(spans, (s) => s.lane);
    expect(index.window(0, 50, 60, 100).map((s) => s.id)).toEqual([0]);
    expect(index.window(0, 50, 60, 40).map((s) => s.id)).toEqual([]);
  });
});
