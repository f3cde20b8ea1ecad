// The metrics view's data path: `metrics --json` (a real reply of the
// native lab, tests/web/fixtures/metrics-service.json, from
// `run service --engine sim --size 40 --rate 2000 --sample 5ms --leak`)
// parsed and validated, cut into the four charts' series, and summarised.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartData, chartSpecs, parseMetrics, summarize, type MetricsSeries, type MetricsText } from '../../web/src/views/metrics';

const reply = readFileSync(new URL('./fixtures/metrics-service.json', import.meta.url), 'utf8');

const text: MetricsText = {
  goroutines: 'Goroutines', heap: 'Heap', heapLive: 'live', heapMarked: 'marked', heapGoal: 'goal',
  requests: 'Requests', runtimeLatency: 'Runtime', sched: 'sched', timers: 'timers', pauses: 'pauses', otherPauses: 'other',
  summary: () => '',
};

describe('metrics view data', () => {
  it('parses the lab reply, one array per column, nulls kept', () => {
    const m = parseMetrics(reply)!;
    expect(m).not.toBeNull();
    expect(m.run).toBe('service');
    expect(m.periodNs).toBe(5_000_000);
    expect(m.samples).toBe(m.columns.get('t')!.length);
    expect(m.samples).toBeGreaterThan(10);
    expect(m.units.get('heapInuse')).toBe('bytes');
    expect(m.columns.get('reqP99')![0]).toBeNull(); // nothing answered before the first sample
  });

  it('rejects what is not a metrics reply', () => {
    expect(parseMetrics('')).toBeNull();
    expect(parseMetrics('{"error":"metrics: no run yet"}')).toBeNull();
    const bad = JSON.parse(reply);
    bad.data.pop(); // a column without its data
    expect(parseMetrics(JSON.stringify(bad))).toBeNull();
    const ragged = JSON.parse(reply);
    ragged.data[1].push(1);
    expect(parseMetrics(JSON.stringify(ragged))).toBeNull();
  });

  it('gives every chart seconds on x and readable units on y', () => {
    const m = parseMetrics(reply)!;
    for (const spec of chartSpecs(text)) {
      const data = chartData(m, spec);
      expect(data.length).toBe(spec.series.length + 1);
      for (const ys of data) expect(ys.length).toBe(m.samples);
      expect(data[0]![1]).toBeCloseTo(m.columns.get('t')![1]! / 1e9, 12);
    }
    const [, heap] = chartSpecs(text);
    const goal = chartData(m, heap!)[4]!;
    expect(goal[0]).toBe(4); // the heap minimum, 4 MiB
    const [, , requests] = chartSpecs(text);
    const p99 = chartData(m, requests!)[2]!;
    expect(p99.some((v) => v != null && v > 1 && v < 100)).toBe(true); // milliseconds
  });

  it('reduces a long series to each bucket\'s minimum and maximum, in order, keeping one-sample spikes', () => {
    const n = 100_000;
    const t = Array.from({ length: n }, (_, i) => i * 1e6);
    const p99 = Array.from({ length: n }, (_, i) => (i === 54_321 ? 9e8 : i % 7 === 0 ? null : 1e6 + (i % 100)));
    const series: MetricsSeries = {
      run: 'run service', periodNs: 1e6, samples: n,
      columns: new Map<string, (number | null)[]>([['t', t], ['reqP99', p99], ['reqP50', Array(n).fill(null)], ['reqP999', p99]]),
      units: new Map(),
    };
    const [, , requests] = chartSpecs(text);
    const data = chartData(series, requests!, 1000);
    expect(data[0]!.length).toBe(1000);
    for (const ys of data) expect(ys.length).toBe(1000);
    const xs = data[0] as number[];
    expect(xs[0]).toBe(0);
    expect(xs.at(-1)).toBeCloseTo((n - 1) / 1000, 9);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!);
    const ms = data[2] as (number | null)[];
    expect(Math.max(...ms.map((v) => v ?? 0))).toBe(900); // the spike survives, in ms
    expect(Math.min(...ms.map((v) => v ?? Infinity))).toBe(1); // and the floor
    expect((data[1] as (number | null)[]).every((v) => v === null)).toBe(true); // nothing measured: nothing drawn
    // The spike's bucket: its minimum came before its maximum.
    const at = ms.indexOf(900);
    expect(at % 2).toBe(1);
    // Short series are drawn as they are.
    expect(chartData(series, requests!, n)[0]!.length).toBe(n);
  });

  it('summarises goroutines from the first sample to the last', () => {
    const m = parseMetrics(reply)!;
    const s = summarize(m);
    const g = m.columns.get('goroutines')!;
    expect(s.goroutinesFirst).toBe(g[0]);
    expect(s.goroutinesLast).toBe(g.at(-1));
    expect(s.goroutinesMax).toBe(Math.max(...(g as number[])));
    expect(s.seconds).toBeCloseTo(m.columns.get('t')!.at(-1)! / 1e9, 9);
  });
});
