// The marking view: the object graph of the current run's GC'd heap, laid
// out in columns by depth from the roots (markingLayout.ts), each object
// white, grey or black as the mark proceeds, the grey queue under it, and the
// objects the write barrier shaded since the last step ringed in orange.
// While marking, the objects `verify` lists as hidden (reachable only through
// black ones: lost if the mark ended now) are ringed in red, the chain of
// pointers the verifier followed to each is drawn in red, and beside the
// graph the stores that hid them read as the verifier words them. Stepping
// and time travel are the simulator's controls: after every command the view
// reads `heap --graph --json --since <last time>` and redraws.
//
// Hovering or focusing an object shows its address, type, size, colour and
// who shaded it. The keyboard moves between objects with the arrow keys (up
// and down in a column, left and right across depths), and a live summary
// tells screen readers what changed, as the GMP diagram does. The picture
// zooms (− / +) and opens full size (Escape closes it). A heap too large to
// draw object by object comes as spans: one bar per span, the marked share of
// its objects filled in.

import { escapeXml } from './timeline';
import { layoutGraph, StableLayout, ROOT_W, PAD, TOP, columnX, type GraphLayout, type PlacedNode } from './markingLayout';

export { StableLayout } from './markingLayout';

const SVG = 'http://www.w3.org/2000/svg';

export type Colour = 'white' | 'grey' | 'black';
export interface ShadedBy {
  /** Who set the mark bit: roots, workers, assists, barrier, termination, allocation (Go's gcMarkWorker modes and the rest). */
  by: string;
  goid: number;
  p: number;
  atNs: number;
  at: string;
}
export interface GraphNode {
  id: string;
  type: string;
  depth: number;
  color: Colour;
  size?: number;
  shadedBy?: ShadedBy;
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
/** A store that moved a pointer to a lost object, as the verifier explains it. */
export interface HidingStore {
  goid: number;
  atNs: number;
  at: string;
  slot: string;
  slotType?: string;
  deleted: boolean;
  value: string;
  intoMarked: boolean;
  /** The verifier's own words (after "hidden by: "). */
  text: string;
}
export interface LostObject {
  id: string;
  type: string;
  root: string;
  /** From the object a root points to down to this one, as the verifier reached them. */
  path: string[];
  reachedBy: string;
  hiddenBy: HidingStore[];
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
  lost?: LostObject[];
  lostCount?: number;
  grey?: string[];
  greyCount?: number;
  shades?: GraphShade[];
  tooMany?: boolean;
  spans?: GraphSpan[];
}

export interface MarkingText {
  roots: string;
  queue: (n: number) => string;
  summary: (g: Graph, counts: Record<Colour, number>, shaded: number) => string;
  spans: (n: number) => string;
  /** verify's headline for n hidden objects, and the words before each line. */
  lostTitle: (n: number) => string;
  lostSummary: (n: number) => string;
  reachedBy: string;
  hiddenBy: string;
  /** One hiding store in this language (English: the verifier's text as it is). */
  store: (s: HidingStore) => string;
  /** An object's details: address, type, size, colour, who shaded it. */
  detail: (n: GraphNode, lost: boolean, barrierShaded: boolean) => string;
  fullSize: string;
  closeFull: string;
  zoomIn: string;
  zoomOut: string;
  objects: string;
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

export class MarkingView {
  readonly svg: SVGSVGElement;
  readonly summary: HTMLParagraphElement;
  /** The focused or hovered object's details, shown under the graph. */
  readonly detail: HTMLParagraphElement;
  /** The stores that hid the lost objects, beside the graph. */
  readonly lostPanel: HTMLElement;
  readonly layout = new StableLayout();
  readonly rootLayout = new StableLayout();
  graph: Graph | null = null;
  private placed: GraphLayout | null = null;
  private focusedId: string | undefined;
  private zoom = 1;
  private lostShown = '';
  private readonly buttons: Record<'zoomOut' | 'zoomIn' | 'full', HTMLButtonElement>;

  constructor(
    private readonly host: HTMLElement,
    private readonly text: () => MarkingText,
  ) {
    const tools = document.createElement('div');
    tools.className = 'marking-tools';
    const button = (cls: string, label: string, onClick: () => void) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = cls;
      b.textContent = label;
      b.addEventListener('click', onClick);
      tools.append(b);
      return b;
    };
    this.buttons = {
      zoomOut: button('marking-zoom-out', '−', () => this.setZoom(this.zoom / 1.25)),
      zoomIn: button('marking-zoom-in', '+', () => this.setZoom(this.zoom * 1.25)),
      full: button('marking-full-toggle', '⤢', () => this.setFull(!this.host.classList.contains('marking-full'))),
    };
    const body = document.createElement('div');
    body.className = 'marking-body';
    const scroll = document.createElement('div');
    scroll.className = 'marking-scroll';
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('marking');
    this.svg.setAttribute('role', 'group');
    scroll.append(this.svg);
    this.lostPanel = document.createElement('aside');
    this.lostPanel.className = 'marking-lost';
    this.lostPanel.hidden = true;
    body.append(scroll, this.lostPanel);
    this.detail = document.createElement('p');
    this.detail.className = 'marking-detail';
    this.detail.setAttribute('aria-live', 'polite');
    this.summary = document.createElement('p');
    this.summary.className = 'sr-only';
    this.summary.setAttribute('aria-live', 'polite');
    host.append(tools, body, this.detail, this.summary);

    this.svg.addEventListener('keydown', (e) => this.onKey(e));
    this.svg.addEventListener('focusin', (e) => {
      // Clicked or tabbed to: this object is now the graph's one tab stop.
      const id = this.idOf(e.target);
      if (!id) return;
      for (const other of this.svg.querySelectorAll('[data-id][tabindex="0"]')) other.setAttribute('tabindex', '-1');
      (e.target as Element).closest('[data-id]')?.setAttribute('tabindex', '0');
      this.focusedId = id;
      this.show(id);
    });
    this.svg.addEventListener('mouseover', (e) => {
      const id = this.idOf(e.target);
      if (id) this.show(id);
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.host.classList.contains('marking-full')) {
        e.preventDefault();
        this.setFull(false);
      }
    });
  }

  /** Opens the view over the whole page, or closes it. */
  setFull(on: boolean): void {
    this.host.classList.toggle('marking-full', on);
    const txt = this.text();
    this.buttons.full.setAttribute('aria-pressed', String(on));
    this.buttons.full.textContent = on ? `✕ ${txt.closeFull}` : `⤢ ${txt.fullSize}`;
    if (on) this.buttons.full.focus();
  }

  setZoom(z: number): void {
    this.zoom = Math.min(3, Math.max(0.4, z));
    this.applySize();
  }

  private applySize(): void {
    const w = Number(this.svg.dataset.w ?? 0);
    const h = Number(this.svg.dataset.h ?? 0);
    this.svg.setAttribute('width', String(Math.round(w * this.zoom)));
    this.svg.setAttribute('height', String(Math.round(h * this.zoom)));
  }

  private idOf(target: EventTarget | null): string | undefined {
    return (target as Element | null)?.closest?.('[data-id]')?.getAttribute('data-id') ?? undefined;
  }

  private nodeOf(id: string | undefined): GraphNode | undefined {
    return id ? this.graph?.nodes?.find((n) => n.id === id) : undefined;
  }

  /** Shows an object's details under the graph. */
  private show(id: string | undefined): void {
    const n = this.nodeOf(id);
    if (!n) return;
    const txt = this.text();
    const lost = (this.graph?.lost ?? []).some((l) => l.id === n.id);
    this.detail.textContent = txt.detail(n, lost, this.barrierShaded().has(n.id));
  }

  private barrierShaded(): Set<string> {
    const shaded = new Set<string>();
    for (const s of this.graph?.shades ?? []) {
      if (s.shadedOld && s.old) shaded.add(s.old);
      if (s.shadedNew && s.new) shaded.add(s.new);
    }
    return shaded;
  }

  /** Arrow keys: up and down within a column, left and right to the nearest object one depth away. */
  private onKey(e: KeyboardEvent): void {
    const from = this.placed?.nodes.get(this.idOf(e.target) ?? '');
    if (!from || !this.placed) return;
    const all = [...this.placed.nodes.values()];
    let next: PlacedNode | undefined;
    const nearest = (c: PlacedNode[]) => c.sort((a, b) => Math.abs(a.slot - from.slot) - Math.abs(b.slot - from.slot) || a.slot - b.slot)[0];
    switch (e.key) {
      case 'ArrowUp':
        next = all.filter((n) => n.depth === from.depth && n.slot < from.slot).sort((a, b) => b.slot - a.slot)[0];
        break;
      case 'ArrowDown':
        next = all.filter((n) => n.depth === from.depth && n.slot > from.slot).sort((a, b) => a.slot - b.slot)[0];
        break;
      case 'ArrowLeft':
        next = nearest(all.filter((n) => n.depth === from.depth - 1));
        break;
      case 'ArrowRight':
        next = nearest(all.filter((n) => n.depth === from.depth + 1));
        break;
      default:
        return;
    }
    e.preventDefault();
    if (next) this.focusObject(next.id);
  }

  /** Moves the keyboard focus (and the one tab stop) to an object. */
  focusObject(id: string): void {
    const el = this.svg.querySelector<SVGGElement>(`[data-id="${CSS.escape(id)}"]`);
    if (!el) return;
    el.focus(); // focusin makes it the tab stop
  }

  render(): void {
    const g = this.graph;
    if (!g) return;
    const txt = this.text();
    this.buttons.zoomIn.setAttribute('aria-label', txt.zoomIn);
    this.buttons.zoomOut.setAttribute('aria-label', txt.zoomOut);
    this.buttons.full.textContent = this.host.classList.contains('marking-full') ? `✕ ${txt.closeFull}` : `⤢ ${txt.fullSize}`;
    if (g.tooMany || !g.nodes) {
      this.lostPanel.hidden = true;
      this.detail.textContent = '';
      this.renderSpans(g, txt);
      return;
    }
    const hadFocus = this.svg.contains(document.activeElement);
    const L = layoutGraph(g, this.layout, this.rootLayout);
    this.placed = L;
    const shaded = this.barrierShaded();
    const lost = g.lost ?? [];
    const lostIds = new Set(lost.map((l) => l.id));
    // The verifier's path to each lost object: its edges and the objects on it.
    const pathEdges = new Set<string>();
    const onPath = new Set<string>();
    for (const l of lost) {
      l.path.forEach((id, i) => {
        onPath.add(id);
        pathEdges.add(i === 0 ? `${l.root}>${id}` : `${l.path[i - 1]}>${id}`);
      });
    }
    const parts: string[] = [];
    parts.push(
      `<text class="label" x="${PAD}" y="12">${escapeXml(`gc ${g.cycle} · ${g.phase} · ${g.marker} marker · ${g.barrier} barrier`)}</text>`,
      `<text class="label" x="${PAD}" y="${TOP - 6}">${escapeXml(txt.roots)}</text>`,
    );
    const depths = new Set(g.nodes.map((n) => n.depth));
    for (const d of depths) parts.push(`<text class="label col-head" x="${columnX(d)}" y="${TOP - 6}">${d}</text>`);
    const mid = (b: { x: number; y: number; w: number; h: number }, right: boolean) => ({ x: right ? b.x + b.w : b.x, y: b.y + b.h / 2 });
    const curve = (a: { x: number; y: number }, b: { x: number; y: number }) => {
      const dx = Math.max(24, Math.abs(b.x - a.x) / 2);
      return `M${a.x},${a.y} C${a.x + dx},${a.y} ${b.x - dx},${b.y} ${b.x},${b.y}`;
    };
    const edges: string[] = [];
    const hot: string[] = []; // the highlighted path, drawn over the rest
    for (const r of L.roots) {
      for (const to of r.to) {
        const b = L.nodes.get(to);
        if (!b) continue;
        const on = pathEdges.has(`${r.key}>${to}`);
        (on ? hot : edges).push(`<path class="edge root-edge${on ? ' path' : ''}" d="${curve(mid(r, true), mid(b, false))}"/>`);
      }
    }
    for (const [a, b] of g.edges ?? []) {
      const pa = L.nodes.get(a);
      const pb = L.nodes.get(b);
      if (!pa || !pb) continue;
      const on = pathEdges.has(`${a}>${b}`);
      (on ? hot : edges).push(`<path class="edge${on ? ' path' : ''}" d="${curve(mid(pa, true), mid(pb, false))}"/>`);
    }
    parts.push(...edges, ...hot);
    for (const r of L.roots) {
      const unscanned = r.name.endsWith('*');
      const on = lost.some((l) => l.root === r.key);
      parts.push(
        `<g class="root${unscanned ? ' unscanned' : ''}${on ? ' on-path' : ''}" data-root="${escapeXml(r.key)}">` +
          `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" rx="3"/>` +
          `<text x="${r.x + 4}" y="${r.y + 13}">${escapeXml(r.label)}</text>` +
          `<title>${escapeXml(r.name)}</title></g>`,
      );
    }
    const counts = { white: 0, grey: 0, black: 0 };
    const tabStop = this.focusedId && L.nodes.has(this.focusedId) ? this.focusedId : (lost[0]?.id ?? g.nodes[0]?.id);
    for (const n of g.nodes) {
      const p = L.nodes.get(n.id)!;
      counts[n.color]++;
      const cls = ['obj', n.color];
      if (shaded.has(n.id)) cls.push('shaded');
      if (onPath.has(n.id)) cls.push('on-path');
      if (lostIds.has(n.id)) cls.push('lost');
      const detail = txt.detail(n, lostIds.has(n.id), shaded.has(n.id));
      parts.push(
        `<g class="${cls.join(' ')}" data-id="${escapeXml(n.id)}" tabindex="${n.id === tabStop ? 0 : -1}" role="img" aria-label="${escapeXml(detail)}">` +
          `<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" rx="3"/>` +
          `<text x="${p.x + 4}" y="${p.y + 13}">${escapeXml(p.label)}</text>` +
          `<title>${escapeXml(detail)}</title></g>`,
      );
    }
    // The grey queue: the objects waiting to be scanned, in queue order.
    let height = L.height + 6;
    const grey = g.grey ?? [];
    parts.push(`<text class="label" x="${PAD}" y="${height + 4}">${escapeXml(txt.queue(g.greyCount ?? grey.length))}</text>`);
    grey.slice(0, 40).forEach((id, i) => {
      parts.push(`<rect class="queued" x="${PAD + i * 10}" y="${height + 9}" width="8" height="8"><title>${escapeXml(id)}</title></rect>`);
    });
    height += 24;
    const width = Math.max(L.width, PAD + ROOT_W + 300);
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.dataset.w = String(width);
    this.svg.dataset.h = String(height);
    this.applySize();
    this.svg.setAttribute('aria-label', txt.objects);
    this.svg.innerHTML = parts.join('');
    this.renderLost(g, txt);
    let summary = txt.summary(g, counts, shaded.size);
    if (lost.length > 0) summary += ' ' + txt.lostSummary(g.lostCount ?? lost.length);
    this.summary.textContent = summary;
    // Newly hidden objects may lie far right in a deep graph: bring the first into view, once.
    const lostKey = lost.map((l) => l.id).join(' ');
    if (lostKey !== this.lostShown) {
      this.lostShown = lostKey;
      const first = lost[0] && L.nodes.get(lost[0].id);
      const scroll = this.svg.parentElement;
      if (first && scroll) {
        scroll.scrollLeft = Math.max(0, (first.x + first.w) * this.zoom - scroll.clientWidth + 24);
        scroll.scrollTop = Math.max(0, (first.y + first.h) * this.zoom - scroll.clientHeight + 24);
      }
    }
    if (hadFocus && tabStop) this.focusObject(tabStop);
    if (this.focusedId && L.nodes.has(this.focusedId)) this.show(this.focusedId);
    else this.detail.textContent = '';
  }

  /** Beside the graph: each lost object, the path the verifier followed, and the stores that hid it. */
  private renderLost(g: Graph, txt: MarkingText): void {
    const lost = g.lost ?? [];
    this.lostPanel.hidden = lost.length === 0;
    this.lostPanel.replaceChildren();
    if (lost.length === 0) return;
    const h = document.createElement('h4');
    h.textContent = txt.lostTitle(g.lostCount ?? lost.length);
    const list = document.createElement('ol');
    for (const l of lost) {
      const li = document.createElement('li');
      li.dataset.lost = l.id;
      const head = document.createElement('button');
      head.type = 'button';
      head.className = 'lost-id';
      head.textContent = `${l.id} (${l.type})`;
      head.addEventListener('click', () => this.focusObject(l.id));
      const line = (label: string, text: string) => {
        const p = document.createElement('p');
        const b = document.createElement('b');
        b.textContent = label + ': ';
        p.append(b, text);
        return p;
      };
      li.append(head, line(txt.reachedBy, l.reachedBy), ...l.hiddenBy.map((s) => line(txt.hiddenBy, txt.store(s))));
      list.append(li);
    }
    this.lostPanel.append(h, list);
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
    this.svg.dataset.w = String(width);
    this.svg.dataset.h = String(height);
    this.applySize();
    this.svg.innerHTML = parts.join('');
    this.summary.textContent = txt.spans(spans.length);
  }
}
