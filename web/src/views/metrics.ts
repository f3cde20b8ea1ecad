// The metrics view: what a run's sampler read from the runtime over time
// (`metrics --json`, the service scenario), as statsviz shows a Go service —
// goroutines, the heap and its goal, request latency, and the runtime's own
// latencies — in four small time-series charts drawn with uPlot, their
// cursors moving together. A paused run shows the samples up to the
// current event, so the charts end where the timeline's cursor stands.
//
// The JSON is columnar (one array per column, nulls where a window had
// nothing to measure), which is the shape uPlot draws from.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { z } from 'zod';
import { themeColor } from '../theme';

const Unit = z.enum(['ns', 'bytes', 'count']);
const MetricsJson = z
  .object({
    run: z.string(),
    periodNs: z.number().int().nonnegative(),
    stride: z.number().int().positive(),
    columns: z.array(z.object({ name: z.string(), unit: Unit })),
    data: z.array(z.array(z.number().nullable())),
  })
  .refine((m) => m.data.length === m.columns.length, 'one data array per column')
  .refine((m) => m.data.every((d) => d.length === (m.data[0]?.length ?? 0)), 'columns of equal length');

export type MetricsUnit = z.infer<typeof Unit>;

export interface MetricsSeries {
  run: string;
  periodNs: number;
  /** By column name: one value per sample (null: nothing measured in that window). */
  columns: Map<string, (number | null)[]>;
  units: Map<string, MetricsUnit>;
  samples: number;
}

/** `metrics --json` as the view needs it, or null if the reply is not that. */
export function parseMetrics(json: string): MetricsSeries | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = MetricsJson.safeParse(raw);
  if (!parsed.success) return null;
  const m = parsed.data;
  const columns = new Map<string, (number | null)[]>();
  const units = new Map<string, MetricsUnit>();
  m.columns.forEach((c, k) => {
    columns.set(c.name, m.data[k]!);
    units.set(c.name, c.unit);
  });
  if (!columns.has('t')) return null;
  return { run: m.run, periodNs: m.periodNs, columns, units, samples: m.data[0]?.length ?? 0 };
}

export interface ChartSpec {
  /** i18n: the chart's title. */
  title: string;
  unit: MetricsUnit;
  /** color: a theme colour's CSS custom property (styles.css), read when the chart is drawn. */
  series: { column: string; label: string; color: string; dash?: number[] }[];
}

/** The four charts, by the columns they plot (labels come from the page's text). */
export function chartSpecs(text: MetricsText): ChartSpec[] {
  return [
    {
      title: text.goroutines,
      unit: 'count',
      series: [{ column: 'goroutines', label: 'goroutines', color: '--chart-blue' }],
    },
    {
      title: text.heap,
      unit: 'bytes',
      series: [
        { column: 'heapInuse', label: 'HeapInuse', color: '--chart-grey' },
        { column: 'heapLive', label: text.heapLive, color: '--chart-blue' },
        { column: 'heapMarked', label: text.heapMarked, color: '--chart-green' },
        { column: 'heapGoal', label: text.heapGoal, color: '--chart-orange', dash: [6, 4] },
      ],
    },
    {
      title: text.requests,
      unit: 'ns',
      series: [
        { column: 'reqP50', label: 'p50', color: '--chart-green' },
        { column: 'reqP99', label: 'p99', color: '--chart-orange' },
        { column: 'reqP999', label: 'p99.9', color: '--chart-red' },
      ],
    },
    {
      title: text.runtimeLatency,
      unit: 'ns',
      series: [
        { column: 'schedLatP99', label: text.sched, color: '--chart-blue' },
        { column: 'timerLateP99', label: text.timers, color: '--chart-purple' },
        { column: 'gcPauseP99', label: text.pauses, color: '--chart-red' },
        { column: 'otherPauseP99', label: text.otherPauses, color: '--chart-orange' },
      ],
    },
  ];
}

/**
 * A chart's data for uPlot: seconds on x, the unit scaled for reading (ms, MiB). With more
 * samples than maxPoints (about two per pixel of the chart's width), they are reduced bucket by
 * bucket to each series' minimum and maximum, in the order they occurred: a spike of one sample
 * (a p99 that jumped) still shows, and a frame draws thousands of points, not 10^5.
 */
export function chartData(series: MetricsSeries, spec: ChartSpec, maxPoints = Infinity): uPlot.AlignedData {
  const scale = spec.unit === 'ns' ? 1e-6 : spec.unit === 'bytes' ? 1 / (1 << 20) : 1;
  const t = series.columns.get('t') ?? [];
  const columns = spec.series.map((s) => series.columns.get(s.column) ?? []);
  const n = t.length;
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  if (n <= maxPoints) {
    const xs = t.map((v) => (v ?? 0) / 1e9);
    const ys = columns.map((col) => col.map((v) => (v === null || v === undefined ? null : v * scale)));
    return [xs, ...ys] as uPlot.AlignedData;
  }
  const xs: number[] = [];
  const ys: (number | null)[][] = columns.map(() => []);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets); // exclusive
    if (to <= from) continue;
    xs.push((t[from] ?? 0) / 1e9, (t[to - 1] ?? 0) / 1e9);
    columns.forEach((col, k) => {
      let lo = Infinity, hi = -Infinity, loAt = -1, hiAt = -1;
      for (let i = from; i < to; i++) {
        const v = col[i];
        if (v === null || v === undefined) continue;
        if (v < lo) {
          lo = v;
          loAt = i;
        }
        if (v > hi) {
          hi = v;
          hiAt = i;
        }
      }
      if (loAt < 0) ys[k]!.push(null, null);
      else if (loAt <= hiAt) ys[k]!.push(lo * scale, hi * scale);
      else ys[k]!.push(hi * scale, lo * scale);
    });
  }
  return [xs, ...ys] as uPlot.AlignedData;
}

export interface MetricsText {
  goroutines: string;
  heap: string;
  heapLive: string;
  heapMarked: string;
  heapGoal: string;
  requests: string;
  runtimeLatency: string;
  sched: string;
  timers: string;
  pauses: string;
  otherPauses: string;
  /** The line above the charts. */
  summary: (s: MetricsSummary) => string;
}

export interface MetricsSummary {
  run: string;
  samples: number;
  seconds: number;
  goroutinesFirst: number;
  goroutinesLast: number;
  goroutinesMax: number;
  gcCycles: number;
}

/** The first, last and largest measured value of a column (one pass, no copies: 10^5 samples). */
function extremes(values: readonly (number | null)[] | undefined): { first: number; last: number; max: number } {
  let first: number | undefined, last = 0, max = 0;
  for (const v of values ?? []) {
    if (v === null) continue;
    first ??= v;
    last = v;
    if (v > max) max = v;
  }
  return { first: first ?? 0, last, max };
}

export function summarize(series: MetricsSeries): MetricsSummary {
  const g = extremes(series.columns.get('goroutines'));
  return {
    run: series.run,
    samples: series.samples,
    seconds: extremes(series.columns.get('t')).last / 1e9,
    goroutinesFirst: g.first,
    goroutinesLast: g.last,
    goroutinesMax: g.max,
    gcCycles: extremes(series.columns.get('gcCycles')).last,
  };
}

const UNIT_SUFFIX: Record<MetricsUnit, string> = { ns: ' ms', bytes: ' MiB', count: '' };

export class MetricsView {
  series: MetricsSeries | null = null;
  private charts: uPlot[] = [];
  private readonly head: HTMLParagraphElement;
  private readonly grid: HTMLDivElement;
  /** Milliseconds the last render took (the browser test reports it). */
  lastRenderMs = 0;

  constructor(private readonly host: HTMLElement, private readonly text: () => MetricsText) {
    this.head = document.createElement('p');
    this.head.className = 'metrics-summary';
    this.head.id = 'metrics-summary';
    // The charts may scroll: the region is focusable so the keyboard can scroll it, and is
    // named by the summary line (each chart's numbers are in `metrics`, for screen readers).
    host.tabIndex = 0;
    host.setAttribute('role', 'region');
    host.setAttribute('aria-labelledby', this.head.id);
    this.grid = document.createElement('div');
    this.grid.className = 'metrics-grid';
    host.append(this.head, this.grid);
    new ResizeObserver(() => this.resize()).observe(host);
  }

  /** Draws the current series; the charts are made once per run and then fed new data. */
  render(): void {
    const started = performance.now();
    const series = this.series;
    if (!series) return;
    const s = summarize(series);
    this.head.textContent = this.text().summary(s);
    this.host.dataset.goroutinesFirst = String(s.goroutinesFirst);
    this.host.dataset.goroutinesLast = String(s.goroutinesLast);
    this.host.dataset.samples = String(s.samples);
    const specs = chartSpecs(this.text());
    if (this.charts.length !== specs.length) this.build(specs);
    // Two points per pixel column are all a line can show.
    const maxPoints = 2 * this.chartWidth();
    specs.forEach((spec, i) => this.charts[i]!.setData(chartData(series, spec, maxPoints)));
    this.lastRenderMs = performance.now() - started;
  }

  /** The language or the theme changed: the charts are rebuilt with their titles and colours. */
  relabel(): void {
    this.destroy();
    this.render();
  }

  private destroy(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
    this.grid.replaceChildren();
  }

  private build(specs: ChartSpec[]): void {
    this.destroy();
    const width = this.chartWidth();
    // uPlot draws on a canvas, which CSS cannot colour: the theme's colours are read here, and a
    // theme change rebuilds the charts (relabel).
    const color = (name: string, fallback: string) => themeColor(this.host, name, fallback);
    const axis = { stroke: color('--muted', '#5f6b7a'), grid: { stroke: color('--border', '#dde3ea') }, ticks: { stroke: color('--border', '#dde3ea') } };
    for (const spec of specs) {
      const box = document.createElement('div');
      box.className = 'metrics-chart';
      this.grid.append(box);
      const opts: uPlot.Options = {
        title: spec.title,
        width,
        height: 150,
        // The four charts' cursors move together (statsviz does the same).
        cursor: { sync: { key: 'rtlab-metrics' } },
        scales: { x: { time: false } },
        axes: [
          { ...axis, values: (_u, ticks) => ticks.map((v) => `${+v.toFixed(3)}s`) },
          { ...axis, size: 56, values: (_u, ticks) => ticks.map((v) => `${+v.toPrecision(3)}${UNIT_SUFFIX[spec.unit]}`) },
        ],
        series: [
          { label: 't', value: (_u, v) => (v === null ? '-' : `${v.toFixed(3)}s`) },
          ...spec.series.map((s) => ({
            label: s.label,
            stroke: color(s.color, '#00add8'),
            width: 1.5,
            dash: s.dash,
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null ? '-' : `${+v.toPrecision(4)}${UNIT_SUFFIX[spec.unit]}`),
          })),
        ],
      };
      this.charts.push(new uPlot(opts, [[], ...spec.series.map(() => [])] as uPlot.AlignedData, box));
    }
  }

  private chartWidth(): number {
    // Two charts side by side when there is room, else one per row.
    const w = this.host.clientWidth || 600;
    return Math.max(220, w >= 760 ? Math.floor(w / 2) - 16 : w - 8);
  }

  private resize(): void {
    const width = this.chartWidth();
    for (const c of this.charts) c.setSize({ width, height: 150 });
  }
}
