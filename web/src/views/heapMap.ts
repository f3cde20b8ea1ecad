// The heap map: the lab's heap (the one `alloc` allocates in) as Go's
// allocator sees it. Each arena is a grid of 8 KiB pages; the pages of a
// span share its size class's colour, and its fill (objects in use out of
// nelems) darkens it. Above the grid, the three levels the course is about:
// mcache (spans cached for the fast path), mcentral (partial and full spans
// by class) and mheap (pages in use, idle, obtained from the OS).
//
// Pointing at a span, or moving to it with the arrow keys once the map has
// the focus, names it under the filter: its size class (bytes per object),
// its occupancy (allocCount/nelems) and its sweep state (swept or unswept,
// from its sweepgen, as Go names it). The filter keeps one size class in
// colour (the others become grey outlines).
//
// It reads `spans --limit 4096 --json` after the commands that touch the heap
// (the first 4096 spans by address; the header says when there are more),
// without printing anything in the terminal. Not `mstats`: like Go's
// ReadMemStats it flushes P 0's mcache, which would turn the learner's next
// alloc into a refill; `spans` carries the heap's page counts (`memstats`).

import { escapeXml } from './timeline';

const SVG = 'http://www.w3.org/2000/svg';
const CELL = 7; // px per page
const COLS = 64; // pages per row (512 KiB)
const MAX_PAGES = 4096; // drawn per arena (32 MiB); the rest is summarised

export interface SpanInfo {
  base: string;
  npages: number;
  sizeClass: number;
  elemsize: number;
  nelems: number;
  allocCount: number;
  sweepState: string;
  where: string;
  noscan: boolean;
  arenaSeq: number;
  pageInArena: number;
}

export interface HeapSnapshot {
  pageSize: number;
  arenaBytes: number;
  arenas: { seq: number; base: string }[];
  spans: SpanInfo[];
  /** Spans, pages and objects in the heap (spans may hold only the first spans). */
  total: number;
  pages: number;
  objects: number;
  /** Who holds the spans, counted over all of them. */
  where: { mcache: number; partial: number; full: number };
  stats: Record<string, number>;
}

export interface HeapText {
  mcache: string;
  mcentral: string;
  mheap: string;
  summary: (s: HeapSnapshot) => string;
  /** The filter's label and its choices (English when not given). */
  filter?: string;
  allClasses?: string;
  large?: string;
  /** Before "N / M spans" when the map draws only the first N (English when not given). */
  firstSpans?: string;
  /** A span in words (describeSpan when not given). */
  span?: (sp: SpanInfo) => string;
}

/** Size class -> a colour that tells neighbouring classes apart; large objects grey. */
export function classColor(sizeClass: number): string {
  if (sizeClass === 0) return 'hsl(210 10% 55%)';
  return `hsl(${Math.round((sizeClass * 47) % 360)} 60% 52%)`;
}

/** Parses what `spans --json` printed (its `memstats` object, or an `mstats --json` answer
 *  when given); null when there is no heap yet. */
export function parseHeap(spansJson: string, mstatsJson?: string): HeapSnapshot | null {
  try {
    const spans = JSON.parse(spansJson) as Partial<HeapSnapshot> & { memstats?: Record<string, unknown> };
    const count = (where: string) => (spans.spans ?? []).filter((x) => x.where === where).length;
    const stats = (mstatsJson !== undefined ? JSON.parse(mstatsJson) : spans.memstats ?? {}) as Record<string, unknown>;
    if (!Array.isArray(spans.spans) || !Array.isArray(spans.arenas)) return null;
    const numbers: Record<string, number> = {};
    for (const [k, v] of Object.entries(stats)) if (typeof v === 'number') numbers[k] = v;
    return {
      pageSize: spans.pageSize ?? 8192,
      arenaBytes: spans.arenaBytes ?? 64 << 20,
      arenas: spans.arenas,
      spans: spans.spans,
      total: typeof spans.total === 'number' ? spans.total : spans.spans.length,
      pages: typeof spans.pages === 'number' ? spans.pages : spans.spans.reduce((n, x) => n + x.npages, 0),
      objects: typeof spans.objects === 'number' ? spans.objects : spans.spans.reduce((n, x) => n + x.allocCount, 0),
      where: spans.where ?? { mcache: count('mcache'), partial: count('partial'), full: count('full') },
      stats: numbers,
    };
  } catch {
    return null;
  }
}

/** The size-class filter's choice: every span, or those of one class (0: large objects). */
export type ClassFilter = 'all' | number;

/** The spans the filter keeps, in their order. */
export function filterSpans(spans: readonly SpanInfo[], filter: ClassFilter): SpanInfo[] {
  return filter === 'all' ? [...spans] : spans.filter((x) => x.sizeClass === filter);
}

/** The size classes present, ascending, each with its object size (for the filter's options). */
export function classesOf(spans: readonly SpanInfo[]): { sizeClass: number; elemsize: number; spans: number }[] {
  const by = new Map<number, { sizeClass: number; elemsize: number; spans: number }>();
  for (const sp of spans) {
    const c = by.get(sp.sizeClass);
    if (c) c.spans++;
    else by.set(sp.sizeClass, { sizeClass: sp.sizeClass, elemsize: sp.sizeClass === 0 ? 0 : sp.elemsize, spans: 1 });
  }
  return [...by.values()].sort((a, b) => a.sizeClass - b.sizeClass);
}

/** One span in words: its size class (bytes per object), occupancy (allocCount/nelems) and
 *  sweep state (from its sweepgen against mheap.sweepgen, in Go's terms). */
export function describeSpan(sp: SpanInfo): string {
  const what = sp.sizeClass === 0 ? `large object (${sp.elemsize} B)` : `size class ${sp.sizeClass}: ${sp.elemsize} B per object`;
  return (
    `span ${sp.base} · ${what}${sp.noscan ? ', noscan' : ''} · ${sp.allocCount}/${sp.nelems} objects in use (allocCount/nelems) · ` +
    `${sp.sweepState} · ${sp.npages} page${sp.npages === 1 ? '' : 's'} · ${sp.where}`
  );
}

export class HeapMapView {
  readonly svg: SVGSVGElement;
  readonly summary: HTMLParagraphElement;
  /** The size-class filter, and the line that names the span under the pointer or focus. */
  readonly filter: HTMLSelectElement;
  readonly readout: HTMLParagraphElement;
  snapshot: HeapSnapshot | null = null;
  private classFilter: ClassFilter = 'all';
  private shown: SpanInfo[] = []; // the spans the filter keeps, as drawn
  private selected = -1; // index into shown of the span the keyboard is on

  constructor(
    host: HTMLElement,
    private readonly text: () => HeapText,
  ) {
    const tools = document.createElement('div');
    tools.className = 'heapmap-tools';
    const label = document.createElement('label');
    this.filter = document.createElement('select');
    this.filter.className = 'heapmap-filter';
    label.append(document.createElement('span'), this.filter);
    this.readout = document.createElement('p');
    this.readout.className = 'heapmap-readout';
    this.readout.setAttribute('aria-live', 'polite');
    tools.append(label, this.readout);
    this.filter.addEventListener('change', () => {
      this.classFilter = this.filter.value === 'all' ? 'all' : Number(this.filter.value);
      this.selected = -1;
      this.render();
    });
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('heapmap');
    this.svg.setAttribute('role', 'img');
    // Keyboard: the map takes focus; the arrow keys, Home and End go from span to span.
    this.svg.setAttribute('tabindex', '0');
    this.svg.addEventListener('keydown', (e) => this.onKey(e));
    this.svg.addEventListener('focus', () => {
      if (this.selected < 0 && this.shown.length > 0) this.select(0);
    });
    this.svg.addEventListener('pointerover', (e) => {
      const g = (e.target as Element).closest?.('[data-span]');
      if (g) this.say(this.shown[Number(g.getAttribute('data-span'))]);
    });
    this.summary = document.createElement('p');
    this.summary.className = 'sr-only';
    this.summary.setAttribute('aria-live', 'polite');
    host.append(tools, this.svg, this.summary);
  }

  /** Shows only the spans of one size class (or all): what the filter's select does. */
  setFilter(filter: ClassFilter): void {
    this.classFilter = filter;
    this.selected = -1;
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.shown.length;
    if (n === 0) return;
    const at = this.selected < 0 ? -1 : this.selected;
    const next =
      e.key === 'ArrowRight' || e.key === 'ArrowDown' ? Math.min(n - 1, at + 1)
      : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? Math.max(0, at - 1)
      : e.key === 'Home' ? 0
      : e.key === 'End' ? n - 1
      : undefined;
    if (next === undefined) return;
    e.preventDefault();
    this.select(next);
  }

  private select(i: number): void {
    this.selected = i;
    for (const g of this.svg.querySelectorAll('.span.selected')) g.classList.remove('selected');
    this.svg.querySelector(`[data-span="${i}"]`)?.classList.add('selected');
    this.say(this.shown[i]);
  }

  private say(sp: SpanInfo | undefined): void {
    if (!sp) return;
    this.readout.textContent = (this.text().span ?? describeSpan)(sp);
  }

  /** The filter's options: every class present, the current choice kept if it still is. */
  private fillFilter(s: HeapSnapshot, txt: HeapText): void {
    const classes = classesOf(s.spans);
    if (this.classFilter !== 'all' && !classes.some((c) => c.sizeClass === this.classFilter)) this.classFilter = 'all';
    const label = this.filter.parentElement?.querySelector('span');
    if (label) label.textContent = `${txt.filter ?? 'size class'} `;
    const options = [`<option value="all">${escapeXml(txt.allClasses ?? 'all')} (${s.spans.length})</option>`];
    for (const c of classes) {
      const name = c.sizeClass === 0 ? (txt.large ?? 'large objects') : `${c.sizeClass}: ${c.elemsize} B`;
      options.push(`<option value="${c.sizeClass}">${escapeXml(name)} (${c.spans})</option>`);
    }
    this.filter.innerHTML = options.join('');
    this.filter.value = String(this.classFilter);
  }

  render(): void {
    const s = this.snapshot;
    if (!s) return;
    const txt = this.text();
    this.fillFilter(s, txt);
    this.shown = filterSpans(s.spans, this.classFilter);
    const shownIndex = new Map(this.shown.map((sp, i) => [sp, i]));
    const parts: string[] = [];
    const { mcache: inMcache, partial, full } = s.where;
    const mib = (b: number) => `${(b / (1 << 20)).toFixed(b < 1 << 20 ? 2 : 1)} MiB`;
    const panels = [
      `${txt.mcache}: ${inMcache} spans`,
      `${txt.mcentral}: ${partial} partial · ${full} full`,
      `${txt.mheap}: inuse ${mib(s.stats.HeapInuse ?? 0)} · idle ${mib(s.stats.HeapIdle ?? 0)} · sys ${mib(s.stats.HeapSys ?? 0)}`,
    ];
    if (s.total > s.spans.length) panels.push(`${txt.firstSpans ?? 'drawn: the first'} ${s.spans.length} / ${s.total} spans`);
    panels.forEach((p, i) => parts.push(`<text class="panel" x="4" y="${12 + i * 13}">${escapeXml(p)}</text>`));
    let y = 12 + panels.length * 13 + 4;
    const pagesPerArena = Math.floor(s.arenaBytes / s.pageSize);
    for (const arena of s.arenas) {
      const spans = s.spans.filter((x) => x.arenaSeq === arena.seq);
      const used = spans.reduce((m, x) => Math.max(m, x.pageInArena + x.npages), 0);
      const shown = Math.min(MAX_PAGES, Math.max(COLS, Math.ceil(used / COLS) * COLS));
      parts.push(`<text class="label" x="4" y="${y + 9}">arena ${arena.seq} @ ${escapeXml(arena.base)} · ${shown} / ${pagesPerArena} pages shown</text>`);
      y += 13;
      // Free pages first, then the spans over them: those the filter keeps
      // in their class's colour, the others as grey outlines.
      const rows = Math.ceil(shown / COLS);
      parts.push(`<rect class="free" x="4" y="${y}" width="${COLS * CELL}" height="${rows * CELL}"/>`);
      for (const sp of spans) {
        const i = shownIndex.get(sp);
        const fill = sp.nelems > 0 ? sp.allocCount / sp.nelems : 1;
        const cells: string[] = [];
        for (let k = 0; k < sp.npages; k++) {
          const page = sp.pageInArena + k;
          if (page >= shown) break;
          const cx = 4 + (page % COLS) * CELL;
          const cy = y + Math.floor(page / COLS) * CELL;
          cells.push(
            i === undefined
              ? `<rect class="page other" x="${cx + 0.5}" y="${cy + 0.5}" width="${CELL - 1}" height="${CELL - 1}"/>`
              : `<rect class="page${sp.where === 'mcache' ? ' cached' : ''}" data-class="${sp.sizeClass}" x="${cx + 0.5}" y="${cy + 0.5}" width="${CELL - 1}" height="${CELL - 1}" ` +
                  `fill="${classColor(sp.sizeClass)}" fill-opacity="${(0.25 + 0.75 * fill).toFixed(2)}"/>`,
          );
        }
        if (i === undefined) parts.push(cells.join(''));
        else parts.push(`<g class="span${i === this.selected ? ' selected' : ''}" data-span="${i}"><title>${escapeXml(describeSpan(sp))}</title>${cells.join('')}</g>`);
      }
      y += rows * CELL + 8;
    }
    const width = 8 + COLS * CELL;
    this.svg.setAttribute('viewBox', `0 0 ${width} ${y}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(y));
    this.svg.innerHTML = parts.join('');
    this.summary.textContent = txt.summary(s);
    this.svg.setAttribute('aria-label', this.summary.textContent); // the map's text alternative
    if (this.selected >= this.shown.length) this.selected = -1;
    if (this.selected >= 0) this.say(this.shown[this.selected]);
  }
}
