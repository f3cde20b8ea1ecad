// The marking view: the object graph of the current run's GC'd heap, laid
// out by depth from the roots, each object white, grey or black as the mark
// proceeds, the grey queue under it, and the objects the write barrier
// shaded since the last step ringed in orange. Stepping and time travel are
// the simulator's controls: after every command the view reads
// `heap --graph --json --since <last time>` and redraws.
//
// Positions are stable across steps: an object keeps its slot in its row as
// long as it stays at the same depth, so a learner sees colours change, not
// the picture reshuffle. A heap too large to draw object by object comes as
// spans: one bar per span, the marked share of its objects filled in.

import { escapeXml } from './timeline';

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 46; // px between depths
const SLOT = 20; // px between objects in a row
const R = 6; // node radius
const TOP = 34; // the roots' row

export interface GraphNode {
  id: string;
  type: string;
  depth: number;
  color: 'white' | 'grey' | 'black';
}
export interface GraphShade {
  atNs: number;
  goid: number;
  slot: string;
  old: string;
  new: string;
  shadedOld: boolean;
  shadedNew: boolean;
}
export interface GraphSpan {
  base: string;
  sizeClass: number;
  noscan: boolean;
  nelems: number;
  allocCount: number;
  marked: number;
}
export interface Graph {
  phase: string;
  cycle: number;
  barrier: string;
  marker: string;
  nowNs: number;
  nodes?: GraphNode[];
  edges?: [string, string][];
  roots?: { name: string; to: string }[];
  grey?: string[];
  greyCount?: number;
  shades?: GraphShade[];
  tooMany?: boolean;
  spans?: GraphSpan[];
}

export interface MarkingText {
  roots: string;
  queue: (n: number) => string;
  summary: (g: Graph, counts: Record<'white' | 'grey' | 'black', number>, shaded: number) => string;
  spans: (n: number) => string;
}

export function parseGraph(json: string): Graph | null {
  try {
    const g = JSON.parse(json) as Partial<Graph>;
    if (typeof g.phase !== 'string') return null;
    return g as Graph;
  } catch {
    return null;
  }
}

/** Keeps each object's slot in its row from one step to the next. */
export class StableLayout {
  private readonly slots = new Map<string, { depth: number; slot: number }>();
  private readonly rows = new Map<number, { next: number; free: number[] }>();

  reset(): void {
    this.slots.clear();
    this.rows.clear();
  }

  /** Slots for these nodes; objects gone from the graph, or moved to another depth, give their slot back first. */
  place(nodes: GraphNode[]): Map<string, { depth: number; slot: number }> {
    const depthOf = new Map(nodes.map((n) => [n.id, n.depth]));
    for (const [id, s] of this.slots) {
      if (depthOf.get(id) !== s.depth) {
        this.row(s.depth).free.push(s.slot);
        this.slots.delete(id);
      }
    }
    for (const n of nodes) {
      if (this.slots.has(n.id)) continue;
      const row = this.row(n.depth);
      row.free.sort((a, b) => b - a);
      const slot = row.free.length > 0 ? row.free.pop()! : row.next++;
      this.slots.set(n.id, { depth: n.depth, slot });
    }
    return this.slots;
  }

  private row(depth: number): { next: number; free: number[] } {
    let r = this.rows.get(depth);
    if (!r) {
      r = { next: 0, free: [] };
      this.rows.set(depth, r);
    }
    return r;
  }
}

export class MarkingView {
  readonly svg: SVGSVGElement;
  readonly summary: HTMLParagraphElement;
  readonly layout = new StableLayout();
  graph: Graph | null = null;

  constructor(
    host: HTMLElement,
    private readonly text: () => MarkingText,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('marking');
    this.svg.setAttribute('role', 'img');
    this.summary = document.createElement('p');
    this.summary.className = 'sr-only';
    this.summary.setAttribute('aria-live', 'polite');
    host.append(this.svg, this.summary);
  }

  render(): void {
    const g = this.graph;
    if (!g) return;
    const txt = this.text();
    if (g.tooMany || !g.nodes) {
      this.renderSpans(g, txt);
      return;
    }
    const placed = this.layout.place(g.nodes);
    const shaded = new Set<string>();
    for (const s of g.shades ?? []) {
      if (s.shadedOld && s.old) shaded.add(s.old);
      if (s.shadedNew && s.new) shaded.add(s.new);
    }
    const pos = (id: string) => {
      const p = placed.get(id);
      return p ? { x: 12 + p.slot * SLOT, y: TOP + p.depth * ROW } : undefined;
    };
    const parts: string[] = [];
    parts.push(
      `<text class="label" x="4" y="12">${escapeXml(`gc ${g.cycle} · ${g.phase} · ${g.marker} marker · ${g.barrier} barrier`)}</text>`,
    );
    // Roots along the top, each with a line to what it points to.
    const roots = g.roots ?? [];
    roots.forEach((r, i) => {
      const x = 12 + i * 44;
      const to = pos(r.to);
      if (to) parts.push(`<line class="edge root-edge" x1="${x + 18}" y1="${TOP - 8}" x2="${to.x}" y2="${to.y - R}"/>`);
      parts.push(
        `<rect class="root" x="${x}" y="${TOP - 22}" width="38" height="14" rx="3"><title>${escapeXml(r.name)}</title></rect>` +
          `<text class="root-label" x="${x + 19}" y="${TOP - 12}">${escapeXml(r.name.length > 7 ? r.name.slice(0, 7) : r.name)}</text>`,
      );
    });
    for (const [a, b] of g.edges ?? []) {
      const pa = pos(a);
      const pb = pos(b);
      if (pa && pb) parts.push(`<line class="edge" x1="${pa.x}" y1="${pa.y}" x2="${pb.x}" y2="${pb.y}"/>`);
    }
    const counts = { white: 0, grey: 0, black: 0 };
    let width = 12 + roots.length * 44;
    let height = TOP + ROW;
    for (const n of g.nodes) {
      const p = pos(n.id)!;
      counts[n.color]++;
      width = Math.max(width, p.x + SLOT);
      height = Math.max(height, p.y + ROW / 2);
      const ring = shaded.has(n.id) ? ' shaded' : '';
      parts.push(
        `<circle class="obj ${n.color}${ring}" data-id="${escapeXml(n.id)}" cx="${p.x}" cy="${p.y}" r="${R}">` +
          `<title>${escapeXml(`${n.type} ${n.id} · ${n.color}${ring ? ' · shaded by the barrier' : ''}`)}</title></circle>`,
      );
    }
    // The grey queue: the objects waiting to be scanned, in queue order.
    const grey = g.grey ?? [];
    parts.push(`<text class="label" x="4" y="${height + 4}">${escapeXml(txt.queue(g.greyCount ?? grey.length))}</text>`);
    grey.slice(0, 40).forEach((id, i) => {
      parts.push(`<rect class="queued" x="${4 + i * 10}" y="${height + 9}" width="8" height="8"><title>${escapeXml(id)}</title></rect>`);
    });
    height += 24;
    width = Math.max(width, 360);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(height));
    this.svg.innerHTML = parts.join('');
    this.summary.textContent = txt.summary(g, counts, shaded.size);
  }

  private renderSpans(g: Graph, txt: MarkingText): void {
    const spans = g.spans ?? [];
    const parts: string[] = [`<text class="label" x="4" y="12">${escapeXml(txt.spans(spans.length))}</text>`];
    const COLS = 16;
    const W = 22;
    spans.forEach((s, i) => {
      const x = 4 + (i % COLS) * (W + 2);
      const y = 20 + Math.floor(i / COLS) * 12;
      const live = s.allocCount > 0 ? Math.min(1, s.marked / s.allocCount) : 0;
      parts.push(
        `<rect class="span-bg" x="${x}" y="${y}" width="${W}" height="9"/>` +
          `<rect class="span-marked" x="${x}" y="${y}" width="${(W * live).toFixed(1)}" height="9">` +
          `<title>${escapeXml(`span ${s.base} class ${s.sizeClass}${s.noscan ? ' noscan' : ''}: ${s.marked} of ${s.allocCount} objects marked (${s.nelems} slots)`)}</title></rect>`,
      );
    });
    const height = 24 + Math.ceil(spans.length / COLS) * 12;
    const width = 8 + COLS * (W + 2);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(height));
    this.svg.innerHTML = parts.join('');
    this.summary.textContent = txt.spans(spans.length);
  }
}
