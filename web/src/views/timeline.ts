// The per-P timeline: one row per P with a bar for every stretch a goroutine
// ran there (coloured by goroutine), then one thin row per M with its
// syscalls, spinning and parked time. Steal arrows go from victim to thief,
// preemption requests are red ticks, and a cursor marks the current point.
//
// In runs with the GC'd heap, a heap row under the Ps draws the tracer's
// counter series as go tool trace's "Heap" row does: heapLive (Allocated) as
// a solid step line and the goal (NextGC) dashed, over the GC cycles' marks
// shaded. It draws the recorded samples only: each value holds until the
// next sample (a step, never a slope between two), and stops at the run's
// current point. Hovering it reads the values in effect there.
//
// Hovering a P row reads the goroutine that ran under the pointer (or how
// many merged spans are there) in one readout, rather than a <title> in
// every bar: building and laying out those titles cost a pan at 300 000
// events about a frame in five.
//
// Wheel zooms around the pointer, drag pans, double-click shows the whole
// run. When zoomed out, neighbouring bars narrower than a pixel merge into
// one grey span ("merged spans", as gotraceui does), so 10^5 slices stay a
// few hundred SVG elements. A frame finds the spans in view through an index
// by lane (laneIndex.ts), not by reading every span of the run.

import { LaneIndex } from './laneIndex';
import { formatNs, goColor, REASONS, type Band, type HeapSample, type Slice, type TraceModel } from './trace';

const SVG = 'http://www.w3.org/2000/svg';
const AXIS_H = 16;
const P_ROW = 20;
const M_ROW = 11;
const LABEL_W = 30;
const MAX_ARROWS = 400;
const HEAP_ROW = 44; // the heap row's height, with its gap above
const HEAP_GAP = 6;

export interface HeapRowFacts {
  samples: number;
  first: number;
  last: number;
  peak: number;
  goal: number;
  cycles: number;
}

export interface TimelineText {
  merged: (n: number) => string;
  idle: string;
  /** The timeline's text alternative: what it shows, for screen readers. */
  summary?: (f: { procs: number; threads: number; from: string; to: string; events: number }) => string;
  /** The heap row for screen readers (byte counts already formatted). */
  heapSummary?: (f: { samples: number; first: string; last: string; peak: string; goal: string; cycles: number }) => string;
  /** The stretch after a full trace's last event: nothing there was recorded. */
  unrecorded?: (f: { at: string; events: number }) => string;
  /** Its short label, drawn on the hatched stretch when there is room. */
  unrecordedLabel?: string;
}

/** "3.2 MiB", "512 KiB", "96 B": bytes in the unit that reads best. */
export function formatBytes(b: number): string {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).replace(/\.?0+$/, '');
  if (b < 1024) return `${b} B`;
  if (b < 1 << 20) return `${fmt(b / 1024)} KiB`;
  if (b < 1 << 30) return `${fmt(b / (1 << 20))} MiB`;
  return `${fmt(b / (1 << 30))} GiB`;
}

/** The sample in effect at t: the last one at or before it (undefined before the first). */
export function heapAt(samples: readonly HeapSample[], t: number): HeapSample | undefined {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.ts <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? samples[lo - 1] : undefined;
}

/**
 * The vertices (t, value) of one series' step line over [t0, t1], ending at
 * `end` (the run's current point) if that comes first: from the value in
 * effect at t0 (or the first sample), level until each sample's time, then
 * straight up or down to its value. Only recorded values appear, and
 * consecutive vertices share either t or the value: no slope.
 */
export function heapSteps(
  samples: readonly HeapSample[],
  value: (h: HeapSample) => number,
  t0: number,
  t1: number,
  end: number,
): [number, number][] {
  const stop = Math.min(t1, end);
  const out: [number, number][] = [];
  if (samples.length === 0 || stop < t0) return out;
  let i = 0;
  while (i < samples.length && samples[i]!.ts <= t0) i++;
  let v: number;
  if (i > 0) {
    v = value(samples[i - 1]!);
    out.push([t0, v]);
  } else {
    if (samples[0]!.ts > stop) return out;
    v = value(samples[0]!);
    out.push([samples[0]!.ts, v]);
    i = 1;
  }
  for (; i < samples.length && samples[i]!.ts <= stop; i++) {
    const next = value(samples[i]!);
    if (next === v) continue;
    out.push([samples[i]!.ts, v], [samples[i]!.ts, next]);
    v = next;
  }
  out.push([stop, v]);
  return out;
}

/** SVG path data for heapSteps' vertices: a move, then only level (H) and upright (V) lines. */
export function stepPath(points: readonly [number, number][], xOf: (t: number) => number, yOf: (v: number) => number): string {
  let d = '';
  let prev: [number, number] | undefined;
  for (const [t, v] of points) {
    if (!prev) d += `M${xOf(t).toFixed(1)} ${yOf(v).toFixed(1)}`;
    else if (prev[0] === t) d += `V${yOf(v).toFixed(1)}`;
    else d += `H${xOf(t).toFixed(1)}`;
    prev = [t, v];
  }
  return d;
}

/** The facts the heap row's screen-reader text gives: the series up to the run's point. */
export function heapFacts(model: TraceModel): HeapRowFacts | undefined {
  const h = model.heap;
  if (h.length === 0) return undefined;
  let peak = 0;
  for (const x of h) peak = Math.max(peak, x.heapLive);
  const cycles = model.marks.length;
  return { samples: h.length, first: h[0]!.heapLive, last: h[h.length - 1]!.heapLive, peak, goal: h[h.length - 1]!.goal, cycles };
}

interface Span {
  start: number;
  end: number;
}

/** Merges items narrower than minNs into grey spans; keeps the rest as they are. */
export function mergeNarrow<T extends Span>(items: readonly T[], minNs: number): (T | { merged: number; start: number; end: number })[] {
  const out: (T | { merged: number; start: number; end: number })[] = [];
  let run: { merged: number; start: number; end: number } | undefined;
  for (const it of items) {
    if (it.end - it.start < minNs) {
      if (run && it.start - run.end < minNs) {
        run.end = Math.max(run.end, it.end);
        run.merged++;
        continue;
      }
      if (run) out.push(run);
      run = { merged: 1, start: it.start, end: it.end };
      continue;
    }
    if (run) {
      out.push(run);
      run = undefined;
    }
    out.push(it);
  }
  if (run) out.push(run);
  return out;
}

export class TimelineView {
  readonly svg: SVGSVGElement;
  private t0 = 0;
  private t1 = 1;
  private follow = true; // keep the whole run in view until the user zooms

  /** The window of time shown, when the learner zoomed or panned (undefined: the whole run). */
  get zoom(): [number, number] | undefined {
    return this.follow ? undefined : [this.t0, this.t1];
  }

  /** Shows [t0, t1] (a share link's zoom), or the whole run again. */
  set zoom(window: [number, number] | undefined) {
    this.follow = window === undefined;
    if (window) [this.t0, this.t1] = window;
    this.render();
  }
  private drag: { x: number; t0: number; t1: number } | undefined;
  // The P rows' slices and the M rows' bands by lane, built again when the
  // model has changed since (a zoom or a pan reads them as they are).
  private lanes: { key: string; slices: LaneIndex<Slice>; bands: LaneIndex<Band> } | undefined;
  private heapTop = -1; // the heap row's y, -1 when there is none
  private heapScale = 1; // bytes at the row's top
  /** What the heap row says, for screen readers. */
  readonly heapSummary: HTMLParagraphElement;

  constructor(
    private readonly host: HTMLElement,
    private readonly model: TraceModel,
    private readonly text: () => TimelineText,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('timeline');
    this.svg.setAttribute('role', 'img');
    this.heapSummary = document.createElement('p');
    this.heapSummary.className = 'sr-only';
    this.heapSummary.setAttribute('aria-live', 'polite');
    host.append(this.svg, this.heapSummary);
    this.svg.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.svg.addEventListener('pointermove', (e) => this.onHover(e));
    this.svg.addEventListener('pointerleave', () => {
      this.hoverHeap(undefined);
      this.hoverSlice(undefined);
    });
    this.svg.addEventListener('pointerdown', (e) => {
      this.drag = { x: e.clientX, t0: this.t0, t1: this.t1 };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => this.onDrag(e));
    this.svg.addEventListener('pointerup', () => (this.drag = undefined));
    this.svg.addEventListener('dblclick', () => {
      this.follow = true;
      this.render();
    });
  }

  private get width(): number {
    return Math.max(200, this.host.clientWidth || 600);
  }

  private x(t: number): number {
    return LABEL_W + ((t - this.t0) / (this.t1 - this.t0)) * (this.width - LABEL_W - 4);
  }

  /** The time at x (the inverse of x()). */
  private tAt(x: number): number {
    return this.t0 + ((x - LABEL_W) / (this.width - LABEL_W - 4)) * (this.t1 - this.t0);
  }

  /** The pointer over a P row or the heap row: what ran there, or the values in effect. */
  private onHover(e: PointerEvent): void {
    if (this.drag) return;
    const rect = this.svg.getBoundingClientRect();
    const scale = rect.width > 0 ? this.width / rect.width : 1;
    const x = (e.clientX - rect.left) * scale;
    const y = (e.clientY - rect.top) * scale;
    const p = Math.floor((y - AXIS_H) / P_ROW);
    this.hoverSlice(x >= LABEL_W && y >= AXIS_H && p <= this.model.maxP ? { p, x } : undefined);
    if (this.heapTop < 0) return;
    const inRow = y >= this.heapTop && y <= this.heapTop + HEAP_ROW - HEAP_GAP && x >= LABEL_W;
    this.hoverHeap(inRow ? this.tAt(x) : undefined);
  }

  /**
   * Shows (at) or hides (undefined) the readout of P row `at.p` at x: the
   * goroutine whose bar is under the pointer, or, on a merged span, how many
   * short runs it holds. It reads the row as render() drew it.
   */
  hoverSlice(at: { p: number; x: number } | undefined): void {
    const g = this.svg.querySelector<SVGGElement>('g.slice-hover');
    if (!g) return;
    const x = at?.x ?? -1;
    const it = at && this.rowItems(at.p).find((i) => {
      const [x0, x1] = this.barX(i, this.width);
      return x0 <= x && x <= x1;
    });
    if (!at || !it) {
      g.setAttribute('visibility', 'hidden');
      return;
    }
    const why = 'merged' in it ? '' : (REASONS[it.why] ?? '');
    const what = 'merged' in it
      ? this.text().merged(it.merged)
      : `${this.model.goName(it.g)} · P${it.p} · M${it.m} · ${formatNs(it.start)}–${formatNs(it.end)} (${formatNs(it.end - it.start)})${why ? ' · ' + why : ''}`;
    const y = AXIS_H + at.p * P_ROW + 1;
    g.querySelector('text')!.setAttribute('y', String(y + 9));
    g.querySelector('rect')!.setAttribute('y', String(y));
    this.showReadout(g, at.x, 6, what);
  }

  /**
   * Writes a readout's words beside x (on the side with more room) on a plate,
   * so the lines under them do not show through, and shows it.
   */
  private showReadout(g: SVGGElement, x: number, gap: number, words: string): void {
    const label = g.querySelector('text')!;
    label.textContent = words;
    const right = x > this.width / 2;
    label.setAttribute('x', String(right ? x - gap : x + gap));
    label.setAttribute('text-anchor', right ? 'end' : 'start');
    g.setAttribute('visibility', 'visible');
    const box = label.getBBox();
    const plate = g.querySelector('rect')!;
    plate.setAttribute('x', String(box.x - 2));
    plate.setAttribute('width', String(box.width + 4));
  }

  /** Shows (t) or hides (undefined) the heap row's readout. */
  hoverHeap(t: number | undefined): void {
    const g = this.svg.querySelector<SVGGElement>('g.heap-hover');
    if (!g) return;
    const h = t === undefined || t > this.model.endTs ? undefined : heapAt(this.model.heap, t);
    if (t === undefined || !h) {
      g.setAttribute('visibility', 'hidden');
      return;
    }
    const x = this.x(t);
    const line = g.querySelector('line')!;
    line.setAttribute('x1', String(x));
    line.setAttribute('x2', String(x));
    this.showReadout(g, x, 4, `heapLive ${formatBytes(h.heapLive)} · goal ${h.goal > 0 ? formatBytes(h.goal) : '—'} · ${formatNs(t)}`);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.svg.getBoundingClientRect();
    const frac = Math.min(1, Math.max(0, (e.clientX - rect.left - LABEL_W) / (rect.width - LABEL_W)));
    const at = this.t0 + frac * (this.t1 - this.t0);
    const scale = Math.exp(Math.sign(e.deltaY) * 0.2);
    const span = Math.max(50, (this.t1 - this.t0) * scale);
    this.t0 = at - frac * span;
    this.t1 = this.t0 + span;
    this.follow = false;
    this.render();
  }

  private onDrag(e: PointerEvent): void {
    if (!this.drag) return;
    const dt = ((e.clientX - this.drag.x) / (this.width - LABEL_W)) * (this.drag.t1 - this.drag.t0);
    this.t0 = this.drag.t0 - dt;
    this.t1 = this.drag.t1 - dt;
    this.follow = false;
    this.render();
  }

  render(): void {
    const m = this.model;
    const end = Math.max(m.endTs, 1000);
    const openEnd = this.openEnd();
    if (this.follow) {
      this.t0 = 0;
      this.t1 = end * 1.02;
    }
    const nP = m.maxP + 1;
    const nM = m.maxM + 1;
    const heapH = m.heap.length > 0 ? HEAP_ROW : 0;
    const height = AXIS_H + nP * P_ROW + heapH + 6 + nM * M_ROW + 4;
    const w = this.width;
    this.svg.setAttribute('viewBox', `0 0 ${w} ${height}`);
    this.svg.setAttribute('height', String(height));
    const describe = this.text().summary;
    const txt = this.text();
    const unrecorded = m.info?.traceFull && txt.unrecorded ? txt.unrecorded({ at: formatNs(openEnd), events: m.events.length }) : '';
    this.svg.setAttribute('aria-label', (describe
      ? describe({ procs: nP, threads: nM, from: formatNs(this.t0), to: formatNs(this.t1), events: m.events.length })
      : 'timeline') + (unrecorded ? ' ' + unrecorded : ''));
    const parts: string[] = [];

    // Axis: ticks at a round step.
    const step = niceStep((this.t1 - this.t0) / 6);
    for (let t = Math.ceil(this.t0 / step) * step; t <= this.t1; t += step) {
      const x = this.x(t);
      parts.push(`<line class="tick" x1="${x}" x2="${x}" y1="${AXIS_H - 4}" y2="${height}"/>`);
      parts.push(`<text class="axis" x="${x + 2}" y="${AXIS_H - 6}">${formatNs(t)}</text>`);
    }

    // P rows.
    const rowY = (p: number) => AXIS_H + p * P_ROW;
    for (let p = 0; p < nP; p++) {
      const y = rowY(p);
      parts.push(`<rect class="lane" x="${LABEL_W}" y="${y + 2}" width="${w - LABEL_W - 4}" height="${P_ROW - 4}"><title>P${p} ${txt.idle}</title></rect>`);
      parts.push(`<text class="label" x="2" y="${y + P_ROW / 2 + 4}">P${p}</text>`);
      for (const it of this.rowItems(p)) {
        const [x0, x1] = this.barX(it, w);
        const bw = x1 - x0;
        if ('merged' in it) {
          parts.push(`<rect class="merged" x="${x0}" y="${y + 3}" width="${bw}" height="${P_ROW - 6}"/>`);
        } else {
          parts.push(`<rect class="slice" data-g="${it.g}" x="${x0}" y="${y + 3}" width="${bw}" height="${P_ROW - 6}" fill="${goColor(it.g)}"/>`);
          if (bw > 34) parts.push(`<text class="slice-label" x="${x0 + 3}" y="${y + P_ROW / 2 + 3}">G${it.g}</text>`);
        }
      }
    }

    // M rows: syscalls, spinning, parked.
    const mY = (mm: number) => AXIS_H + nP * P_ROW + heapH + 6 + mm * M_ROW;
    for (let mm = 0; mm < nM; mm++) parts.push(`<text class="label small" x="2" y="${mY(mm) + M_ROW - 1}">M${mm}</text>`);
    for (let mm = 0; mm < nM; mm++) {
      for (const b of this.laneIndex().bands.window(mm, this.t0, this.t1, openEnd)) {
        const bEnd = b.end < 0 ? openEnd : b.end;
        const x0 = Math.max(LABEL_W, this.x(b.start));
        const bw = Math.max(1, Math.min(w - 4, this.x(bEnd)) - x0);
        const what = b.kind === 'syscall' ? `syscall ${escapeXml(m.goName(b.g))}` : b.kind;
        parts.push(`<rect class="band ${b.kind}" x="${x0}" y="${mY(b.m) + 1}" width="${bw}" height="${M_ROW - 2}"><title>M${b.m} ${what} ${formatNs(b.start)}–${formatNs(bEnd)}</title></rect>`);
      }
    }

    // GC: each cycle's concurrent mark as a bar under the axis, and every
    // stop-the-world pause as a band across all P rows.
    for (const s of m.marks) {
      const sEnd = s.end < 0 ? openEnd : s.end;
      if (sEnd < this.t0 || s.start > this.t1) continue;
      const x0 = Math.max(LABEL_W, this.x(s.start));
      const bw = Math.max(1, Math.min(w - 4, this.x(sEnd)) - x0);
      parts.push(`<rect class="gc-mark" x="${x0}" y="${AXIS_H - 3}" width="${bw}" height="3"><title>${escapeXml(s.what)} ${formatNs(s.start)}–${formatNs(sEnd)}</title></rect>`);
    }
    for (const s of m.stws) {
      const sEnd = s.end < 0 ? openEnd : s.end;
      if (sEnd < this.t0 || s.start > this.t1) continue;
      const x0 = Math.max(LABEL_W, this.x(s.start));
      const bw = Math.max(1, Math.min(w - 4, this.x(sEnd)) - x0);
      parts.push(`<rect class="stw" x="${x0}" y="${AXIS_H}" width="${bw}" height="${nP * P_ROW}"><title>${escapeXml(s.what)} ${formatNs(s.start)}–${formatNs(sEnd)}</title></rect>`);
    }

    // Preemption requests and steal arrows.
    for (const pr of m.preempts) {
      if (pr.ts < this.t0 || pr.ts > this.t1 || pr.p < 0) continue;
      const x = this.x(pr.ts);
      parts.push(`<path class="preempt" d="M${x - 3} ${rowY(pr.p) + 1} h6 l-3 5 z"><title>preempt ${escapeXml(m.goName(pr.g))} on P${pr.p} at ${formatNs(pr.ts)}</title></path>`);
    }
    let arrows = 0;
    for (const a of m.arrows) {
      if (a.ts < this.t0 || a.ts > this.t1 || a.from < 0 || a.to < 0) continue;
      if (++arrows > MAX_ARROWS) break;
      const x = this.x(a.ts);
      const y0 = rowY(a.from) + P_ROW / 2;
      const y1 = rowY(a.to) + P_ROW / 2;
      const bend = 10;
      parts.push(`<path class="steal" marker-end="url(#arrow)" d="M${x} ${y0} C${x + bend} ${y0}, ${x + bend} ${y1}, ${x + 1} ${y1}"><title>P${a.to} steals ${a.n} G${a.n === 1 ? '' : 's'} from P${a.from} at ${formatNs(a.ts)}</title></path>`);
    }

    // The heap row.
    this.heapTop = heapH > 0 ? AXIS_H + nP * P_ROW + HEAP_GAP : -1;
    if (heapH > 0) parts.push(...this.heapRow(this.heapTop, w, openEnd));

    // After a full trace's last event: hatched, and said in words.
    if (unrecorded && openEnd < this.t1) {
      const x0 = Math.max(LABEL_W, this.x(openEnd));
      const x1 = Math.min(w - 4, this.x(end));
      if (x1 > x0) {
        parts.push(`<g class="unrecorded"><rect x="${x0}" y="${AXIS_H}" width="${x1 - x0}" height="${height - AXIS_H}"><title>${escapeXml(unrecorded)}</title></rect>` +
          (x1 - x0 > 60 && txt.unrecordedLabel ? `<text x="${x0 + 4}" y="${AXIS_H + 11}">${escapeXml(txt.unrecordedLabel)}</text>` : '') + '</g>');
      }
    }

    // The current point of the run.
    const now = m.info?.nowNs ?? 0;
    if (now >= this.t0 && now <= this.t1) {
      const x = this.x(now);
      parts.push(`<line class="cursor" x1="${x}" x2="${x}" y1="${AXIS_H - 4}" y2="${height}"><title>${formatNs(now)}</title></line>`);
    }

    // The P rows' readout (onHover), on top of everything.
    parts.push('<g class="slice-hover" visibility="hidden" pointer-events="none"><rect x="0" y="0" width="0" height="12"/><text x="0" y="0"></text></g>');

    this.svg.innerHTML =
      '<defs><marker id="arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto">' +
      '<path d="M0 0 L6 3 L0 6 z" class="arrowhead"/></marker></defs>' +
      parts.join('');
    this.describeHeap();
  }

  /**
   * Where what is still open (running, in a syscall, marking) is drawn to:
   * where the record ends. After a full trace's last event nothing is known,
   * so nothing is drawn as going on.
   */
  private openEnd(): number {
    const m = this.model;
    return m.info?.traceFull ? m.recordedEndTs : Math.max(m.endTs, 1000);
  }

  /** P row p's bars as drawn: the slices in view, open ones closed at openEnd, those narrower than two pixels merged. */
  private rowItems(p: number): (Slice | { merged: number; start: number; end: number })[] {
    const openEnd = this.openEnd();
    const inView = this.laneIndex().slices.window(p, this.t0, this.t1, openEnd).map((s) => (s.end < 0 ? { ...s, end: openEnd } : s));
    return mergeNarrow(inView, (2 * (this.t1 - this.t0)) / (this.width - LABEL_W));
  }

  /** A bar's left and right x, clipped to the lanes and at least a pixel wide. */
  private barX(it: { start: number; end: number }, w: number): [number, number] {
    const x0 = Math.max(LABEL_W, this.x(it.start));
    return [x0, x0 + Math.max(1, Math.min(w - 4, this.x(it.end)) - x0)];
  }

  private laneIndex(): { slices: LaneIndex<Slice>; bands: LaneIndex<Band> } {
    const m = this.model;
    const key = `${m.session}:${m.events.length}:${m.slices.length}:${m.bands.length}`;
    if (this.lanes?.key !== key) {
      this.lanes = { key, slices: new LaneIndex(m.slices, (s) => s.p), bands: new LaneIndex(m.bands, (b) => b.m) };
    }
    return this.lanes;
  }

  /** The heap row at y: GC marks shaded, the goal dashed, heapLive solid, a scale, the hover readout. */
  private heapRow(y: number, w: number, end: number): string[] {
    const m = this.model;
    const rowH = HEAP_ROW - HEAP_GAP;
    const parts: string[] = [];
    let top = 0;
    for (const h of m.heap) top = Math.max(top, h.heapLive, h.goal);
    // The row's top: a round number of bytes (1, 2 or 5 × a power of ten of
    // KiB or MiB) at least the highest value of the run so far.
    const unit = top >= 1 << 20 ? 1 << 20 : top >= 1024 ? 1024 : 1;
    this.heapScale = Math.max(1, niceStep(top / unit) * unit);
    const yOf = (v: number) => y + rowH - (v / this.heapScale) * (rowH - 2);
    parts.push(`<rect class="heap-lane" x="${LABEL_W}" y="${y}" width="${w - LABEL_W - 4}" height="${rowH}"/>`);
    parts.push(`<text class="label" x="2" y="${y + 12}">heap</text>`);
    parts.push(`<text class="label small" x="2" y="${y + rowH - 2}">${formatBytes(this.heapScale)}</text>`);
    for (const s of m.marks) {
      const sEnd = s.end < 0 ? end : s.end;
      if (sEnd < this.t0 || s.start > this.t1) continue;
      const x0 = Math.max(LABEL_W, this.x(s.start));
      const bw = Math.max(1, Math.min(w - 4, this.x(sEnd)) - x0);
      parts.push(`<rect class="heap-gc" x="${x0}" y="${y}" width="${bw}" height="${rowH}"><title>${escapeXml(s.what)} ${formatNs(s.start)}–${formatNs(sEnd)}</title></rect>`);
    }
    const path = (points: [number, number][]) => stepPath(points, (t) => Math.min(w - 4, Math.max(LABEL_W, this.x(t))), yOf);
    // Samples closer than a pixel still each draw their step: the line only
    // ever shows values the run recorded.
    const goal = path(heapSteps(m.heap, (h) => h.goal, this.t0, this.t1, end));
    const live = path(heapSteps(m.heap, (h) => h.heapLive, this.t0, this.t1, end));
    if (goal) parts.push(`<path class="heap-goal" d="${goal}"><title>goal (NextGC)</title></path>`);
    if (live) parts.push(`<path class="heap-live" d="${live}"><title>heapLive (Allocated)</title></path>`);
    parts.push(
      `<g class="heap-hover" visibility="hidden" pointer-events="none"><line x1="0" x2="0" y1="${y}" y2="${y + rowH}"/>` +
        `<rect x="0" y="${y + 1}" width="0" height="12"/><text x="0" y="${y + 10}"></text></g>`,
    );
    return parts;
  }

  private describeHeap(): void {
    const f = heapFacts(this.model);
    const say = this.text().heapSummary ?? defaultHeapSummary;
    this.heapSummary.textContent = f
      ? say({ samples: f.samples, first: formatBytes(f.first), last: formatBytes(f.last), peak: formatBytes(f.peak),
        goal: f.goal > 0 ? formatBytes(f.goal) : '—', cycles: f.cycles })
      : '';
  }
}

function defaultHeapSummary(f: { samples: number; first: string; last: string; peak: string; goal: string; cycles: number }): string {
  return `Heap row: heapLive went from ${f.first} to ${f.last} (peak ${f.peak}), goal ${f.goal}, ${f.cycles} GC cycles, ${f.samples} samples.`;
}

/** 1, 2 or 5 times a power of ten, at least x. */
export function niceStep(x: number): number {
  const pow = 10 ** Math.floor(Math.log10(Math.max(x, 1)));
  for (const k of [1, 2, 5, 10]) if (k * pow >= x) return k * pow;
  return 10 * pow;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
