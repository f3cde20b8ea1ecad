// The GMP diagram at the current point of the run: the global run queue, each
// P with the M that holds it, the goroutine it runs and how full its
// 256-slot ring is, the Ms without a P (spinning, parked, in a syscall), and
// goroutines counted by state. A text summary says the same for screen
// readers.

import { formatNs, goColor, type GmpState, type TraceModel } from './trace';
import { escapeXml } from './timeline';

const SVG = 'http://www.w3.org/2000/svg';
const RING = 256; // Go: len(p.runq)

export interface GmpText {
  global: string;
  idleMs: string;
  summary: (s: GmpState) => string;
  state: Record<string, string>;
  /** Past a full trace's last event: the diagram shows the state there, and says so. */
  traceEnd?: (at: string) => string;
}

export class GmpView {
  readonly svg: SVGSVGElement;
  readonly summary: HTMLParagraphElement;

  constructor(
    host: HTMLElement,
    private readonly model: TraceModel,
    private readonly text: () => GmpText,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('gmp');
    this.svg.setAttribute('role', 'img');
    this.summary = document.createElement('p');
    this.summary.className = 'sr-only';
    this.summary.setAttribute('aria-live', 'polite');
    host.append(this.svg, this.summary);
  }

  render(): GmpState {
    // Past a full trace's last event nothing more is known: the state where the record ends.
    const full = this.model.info?.traceFull === true;
    const s = this.model.stateAt(full ? this.model.recordedEndTs : (this.model.info?.nowNs ?? 0));
    const txt = this.text();
    const traceEnd = full && txt.traceEnd ? txt.traceEnd(formatNs(s.t)) : '';
    const n = s.procs.length;
    const boxW = 84;
    const boxH = 50;
    const gap = 8;
    const width = Math.max(340, n * (boxW + gap) + 10);
    const parts: string[] = [];
    const gw = Math.min(width - 20, 40 + s.global * 2);
    parts.push(`<text class="label" x="6" y="13">${escapeXml(txt.global)}: ${s.global}</text>`);
    parts.push(`<rect class="globalq" x="6" y="18" width="${Math.max(4, gw)}" height="6"/>`);
    if (traceEnd) parts.push(`<text class="label trace-end" x="${width - 6}" y="13" text-anchor="end">${escapeXml(traceEnd)}</text>`);
    const byId = new Map(s.ms.map((m) => [m.id, m]));
    s.procs.forEach((p, i) => {
      const x = 6 + i * (boxW + gap);
      const y = 32;
      parts.push(`<g class="proc ${p.state}" data-p="${p.id}">`);
      parts.push(`<rect class="pbox" x="${x}" y="${y}" width="${boxW}" height="${boxH}" rx="5"><title>P${p.id} ${txt.state[p.state] ?? p.state}</title></rect>`);
      parts.push(`<text class="ptitle" x="${x + 5}" y="${y + 12}">P${p.id}</text>`);
      parts.push(`<text class="pstate" x="${x + boxW - 4}" y="${y + 12}" text-anchor="end">${escapeXml(txt.state[p.state] ?? p.state)}</text>`);
      // The ring: how many of its 256 slots hold a G.
      const fill = Math.min(1, p.runq / RING);
      parts.push(`<rect class="ring" x="${x + 5}" y="${y + 17}" width="${boxW - 10}" height="5"/>`);
      parts.push(`<rect class="ring-fill" x="${x + 5}" y="${y + 17}" width="${(boxW - 10) * fill}" height="5"><title>runq ${p.runq}/${RING}</title></rect>`);
      parts.push(`<text class="small" x="${x + 5}" y="${y + 33}">runq ${p.runq}</text>`);
      if (p.runnext) {
        parts.push(`<text class="small" x="${x + 5}" y="${y + 45}">next G${p.runnext}<title>runnext: ${escapeXml(this.model.goName(p.runnext))}</title></text>`);
      }
      if (p.g >= 0) {
        parts.push(`<circle class="g" cx="${x + boxW - 11}" cy="${y + 33}" r="6" fill="${goColor(p.g)}"><title>${escapeXml(this.model.goName(p.g))}</title></circle>`);
      }
      if (p.m >= 0) {
        const mm = byId.get(p.m);
        const cy = y + boxH + 19;
        parts.push(`<line class="link" x1="${x + boxW / 2}" y1="${y + boxH}" x2="${x + boxW / 2}" y2="${cy - 9}"/>`);
        parts.push(`<circle class="m ${mm?.state ?? ''}" cx="${x + boxW / 2}" cy="${cy}" r="9"><title>M${p.m}</title></circle>`);
        parts.push(`<text class="mlabel" x="${x + boxW / 2}" y="${cy + 3}" text-anchor="middle">M${p.m}</text>`);
      }
      parts.push('</g>');
    });
    // Ms without a P.
    const loose = s.ms.filter((m) => m.p < 0);
    const ly = 32 + boxH + 46;
    parts.push(`<text class="label" x="6" y="${ly + 4}">${escapeXml(txt.idleMs)}:</text>`);
    loose.slice(0, 24).forEach((m, i) => {
      const cx = 120 + i * 22;
      parts.push(`<circle class="m ${m.state}" cx="${cx}" cy="${ly}" r="8"><title>M${m.id} ${txt.state[m.state] ?? m.state}</title></circle>`);
      parts.push(`<text class="mlabel" x="${cx}" y="${ly + 3}" text-anchor="middle">${m.id}</text>`);
    });
    const c = s.counts;
    parts.push(`<text class="small" x="6" y="${ly + 22}">G: ${txt.state.running} ${c.running} · ${txt.state.runnable} ${c.runnable} · ${txt.state.waiting} ${c.waiting} · ${txt.state.syscall} ${c.syscall}</text>`);
    const height = ly + 28;
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.setAttribute('width', String(width)); // drawn at its own size, never blown up
    this.svg.setAttribute('height', String(height));
    this.svg.innerHTML = parts.join('');
    this.summary.textContent = txt.summary(s) + (traceEnd ? ` ${traceEnd}.` : '');
    // The diagram's text alternative is that summary (the live region says it on change).
    this.svg.setAttribute('aria-label', this.summary.textContent);
    return s;
  }
}
