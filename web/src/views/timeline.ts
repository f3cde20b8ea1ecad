// The per-P timeline: one row per P with a bar for every stretch a goroutine
// ran there (coloured by goroutine), then one thin row per M with its
// syscalls, spinning and parked time. Steal arrows go from victim to thief,
// preemption requests are red ticks, and a cursor marks the current point.
//
// Wheel zooms around the pointer, drag pans, double-click shows the whole
// run. When zoomed out, neighbouring bars narrower than a pixel merge into
// one grey span ("merged spans", as gotraceui does), so 10^5 slices stay a
// few hundred SVG elements.

import { formatNs, goColor, REASONS, type Band, type Slice, type TraceModel } from './trace';

const SVG = 'http://www.w3.org/2000/svg';
const AXIS_H = 16;
const P_ROW = 20;
const M_ROW = 11;
const LABEL_W = 30;
const MAX_ARROWS = 400;

export interface TimelineText {
  merged: (n: number) => string;
  idle: string;
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
  private drag: { x: number; t0: number; t1: number } | undefined;

  constructor(
    private readonly host: HTMLElement,
    private readonly model: TraceModel,
    private readonly text: () => TimelineText,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('timeline');
    this.svg.setAttribute('role', 'img');
    host.append(this.svg);
    this.svg.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
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
    if (this.follow) {
      this.t0 = 0;
      this.t1 = end * 1.02;
    }
    const nP = m.maxP + 1;
    const nM = m.maxM + 1;
    const height = AXIS_H + nP * P_ROW + 6 + nM * M_ROW + 4;
    const w = this.width;
    this.svg.setAttribute('viewBox', `0 0 ${w} ${height}`);
    this.svg.setAttribute('height', String(height));
    const minNs = (this.t1 - this.t0) / (w - LABEL_W); // one pixel
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
    const byP: Slice[][] = Array.from({ length: nP }, () => []);
    for (const s of m.slices) {
      const sEnd = s.end < 0 ? end : s.end;
      if (sEnd < this.t0 || s.start > this.t1 || s.p < 0) continue;
      byP[s.p]?.push(s.end < 0 ? { ...s, end } : s);
    }
    const txt = this.text();
    for (let p = 0; p < nP; p++) {
      const y = rowY(p);
      parts.push(`<rect class="lane" x="${LABEL_W}" y="${y + 2}" width="${w - LABEL_W - 4}" height="${P_ROW - 4}"><title>P${p} ${txt.idle}</title></rect>`);
      parts.push(`<text class="label" x="2" y="${y + P_ROW / 2 + 4}">P${p}</text>`);
      for (const it of mergeNarrow(byP[p]!, minNs * 2)) {
        const x0 = Math.max(LABEL_W, this.x(it.start));
        const x1 = Math.min(w - 4, this.x(it.end));
        const bw = Math.max(1, x1 - x0);
        if ('merged' in it) {
          parts.push(`<rect class="merged" x="${x0}" y="${y + 3}" width="${bw}" height="${P_ROW - 6}"><title>${txt.merged(it.merged)}</title></rect>`);
        } else {
          const why = REASONS[it.why] ?? '';
          const title = `${escapeXml(m.goName(it.g))} · P${it.p} · M${it.m} · ${formatNs(it.start)}–${formatNs(it.end)} (${formatNs(it.end - it.start)})${why ? ' · ' + why : ''}`;
          parts.push(`<rect class="slice" data-g="${it.g}" x="${x0}" y="${y + 3}" width="${bw}" height="${P_ROW - 6}" fill="${goColor(it.g)}"><title>${title}</title></rect>`);
          if (bw > 34) parts.push(`<text class="slice-label" x="${x0 + 3}" y="${y + P_ROW / 2 + 3}">G${it.g}</text>`);
        }
      }
    }

    // M rows: syscalls, spinning, parked.
    const mY = (mm: number) => AXIS_H + nP * P_ROW + 6 + mm * M_ROW;
    for (let mm = 0; mm < nM; mm++) parts.push(`<text class="label small" x="2" y="${mY(mm) + M_ROW - 1}">M${mm}</text>`);
    const bands: Band[] = m.bands.filter((b) => (b.end < 0 ? end : b.end) >= this.t0 && b.start <= this.t1);
    for (const b of bands) {
      const bEnd = b.end < 0 ? end : b.end;
      const x0 = Math.max(LABEL_W, this.x(b.start));
      const bw = Math.max(1, Math.min(w - 4, this.x(bEnd)) - x0);
      const what = b.kind === 'syscall' ? `syscall ${escapeXml(m.goName(b.g))}` : b.kind;
      parts.push(`<rect class="band ${b.kind}" x="${x0}" y="${mY(b.m) + 1}" width="${bw}" height="${M_ROW - 2}"><title>M${b.m} ${what} ${formatNs(b.start)}–${formatNs(bEnd)}</title></rect>`);
    }

    // GC: each cycle's concurrent mark as a bar under the axis, and every
    // stop-the-world pause as a band across all P rows.
    for (const s of m.marks) {
      const sEnd = s.end < 0 ? end : s.end;
      if (sEnd < this.t0 || s.start > this.t1) continue;
      const x0 = Math.max(LABEL_W, this.x(s.start));
      const bw = Math.max(1, Math.min(w - 4, this.x(sEnd)) - x0);
      parts.push(`<rect class="gc-mark" x="${x0}" y="${AXIS_H - 3}" width="${bw}" height="3"><title>${escapeXml(s.what)} ${formatNs(s.start)}–${formatNs(sEnd)}</title></rect>`);
    }
    for (const s of m.stws) {
      const sEnd = s.end < 0 ? end : s.end;
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

    // The current point of the run.
    const now = m.info?.nowNs ?? 0;
    if (now >= this.t0 && now <= this.t1) {
      const x = this.x(now);
      parts.push(`<line class="cursor" x1="${x}" x2="${x}" y1="${AXIS_H - 4}" y2="${height}"><title>${formatNs(now)}</title></line>`);
    }

    this.svg.innerHTML =
      '<defs><marker id="arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto">' +
      '<path d="M0 0 L6 3 L0 6 z" class="arrowhead"/></marker></defs>' +
      parts.join('');
  }
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
