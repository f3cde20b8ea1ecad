// The heap map: the lab's heap (the one `alloc` allocates in) as Go's
// allocator sees it. Each arena is a grid of 8 KiB pages; the pages of a
// span share its size class's colour, and its fill (objects in use out of
// nelems) darkens it. Above the grid, the three levels the course is about:
// mcache (spans cached for the fast path), mcentral (partial and full spans
// by class) and mheap (pages in use, idle, obtained from the OS).
//
// It reads `spans --limit 0 --json` and `mstats --json` after the commands
// that touch the heap, without printing anything in the terminal.

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
  stats: Record<string, number>;
}

export interface HeapText {
  mcache: string;
  mcentral: string;
  mheap: string;
  summary: (s: HeapSnapshot) => string;
}

/** Size class -> a colour that tells neighbouring classes apart; large objects grey. */
export function classColor(sizeClass: number): string {
  if (sizeClass === 0) return 'hsl(210 10% 55%)';
  return `hsl(${Math.round((sizeClass * 47) % 360)} 60% 52%)`;
}

/** Parses what the two commands printed; null when there is no heap yet. */
export function parseHeap(spansJson: string, mstatsJson: string): HeapSnapshot | null {
  try {
    const spans = JSON.parse(spansJson) as Partial<HeapSnapshot>;
    const stats = JSON.parse(mstatsJson) as Record<string, unknown>;
    if (!Array.isArray(spans.spans) || !Array.isArray(spans.arenas)) return null;
    const numbers: Record<string, number> = {};
    for (const [k, v] of Object.entries(stats)) if (typeof v === 'number') numbers[k] = v;
    return {
      pageSize: spans.pageSize ?? 8192,
      arenaBytes: spans.arenaBytes ?? 64 << 20,
      arenas: spans.arenas,
      spans: spans.spans,
      stats: numbers,
    };
  } catch {
    return null;
  }
}

export class HeapMapView {
  readonly svg: SVGSVGElement;
  readonly summary: HTMLParagraphElement;
  snapshot: HeapSnapshot | null = null;

  constructor(
    host: HTMLElement,
    private readonly text: () => HeapText,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.classList.add('heapmap');
    this.svg.setAttribute('role', 'img');
    this.summary = document.createElement('p');
    this.summary.className = 'sr-only';
    this.summary.setAttribute('aria-live', 'polite');
    host.append(this.svg, this.summary);
  }

  render(): void {
    const s = this.snapshot;
    if (!s) return;
    const txt = this.text();
    const parts: string[] = [];
    const inMcache = s.spans.filter((x) => x.where === 'mcache').length;
    const partial = s.spans.filter((x) => x.where === 'partial').length;
    const full = s.spans.filter((x) => x.where === 'full').length;
    const mib = (b: number) => `${(b / (1 << 20)).toFixed(b < 1 << 20 ? 2 : 1)} MiB`;
    const panels = [
      `${txt.mcache}: ${inMcache} spans`,
      `${txt.mcentral}: ${partial} partial · ${full} full`,
      `${txt.mheap}: inuse ${mib(s.stats.HeapInuse ?? 0)} · idle ${mib(s.stats.HeapIdle ?? 0)} · sys ${mib(s.stats.HeapSys ?? 0)}`,
    ];
    panels.forEach((p, i) => parts.push(`<text class="panel" x="4" y="${12 + i * 13}">${escapeXml(p)}</text>`));
    let y = 12 + panels.length * 13 + 4;
    const pagesPerArena = Math.floor(s.arenaBytes / s.pageSize);
    for (const arena of s.arenas) {
      const spans = s.spans.filter((x) => x.arenaSeq === arena.seq);
      const used = spans.reduce((m, x) => Math.max(m, x.pageInArena + x.npages), 0);
      const shown = Math.min(MAX_PAGES, Math.max(COLS, Math.ceil(used / COLS) * COLS));
      parts.push(`<text class="label" x="4" y="${y + 9}">arena ${arena.seq} @ ${escapeXml(arena.base)} · ${shown} / ${pagesPerArena} pages shown</text>`);
      y += 13;
      // Free pages first, then the spans over them.
      const rows = Math.ceil(shown / COLS);
      parts.push(`<rect class="free" x="4" y="${y}" width="${COLS * CELL}" height="${rows * CELL}"/>`);
      for (const sp of spans) {
        const fill = sp.nelems > 0 ? sp.allocCount / sp.nelems : 1;
        const title =
          `span ${sp.base} · ${sp.npages} page${sp.npages === 1 ? '' : 's'} · ` +
          (sp.sizeClass === 0 ? `large object (${sp.elemsize} B)` : `class ${sp.sizeClass} (${sp.elemsize} B)${sp.noscan ? ' noscan' : ''}`) +
          ` · ${sp.allocCount}/${sp.nelems} objects, ${sp.nelems - sp.allocCount} free · ${sp.sweepState} · ${sp.where}`;
        for (let k = 0; k < sp.npages; k++) {
          const page = sp.pageInArena + k;
          if (page >= shown) break;
          const cx = 4 + (page % COLS) * CELL;
          const cy = y + Math.floor(page / COLS) * CELL;
          parts.push(
            `<rect class="page${sp.where === 'mcache' ? ' cached' : ''}" data-class="${sp.sizeClass}" x="${cx + 0.5}" y="${cy + 0.5}" width="${CELL - 1}" height="${CELL - 1}" ` +
              `fill="${classColor(sp.sizeClass)}" fill-opacity="${(0.25 + 0.75 * fill).toFixed(2)}"><title>${escapeXml(title)}</title></rect>`,
          );
        }
      }
      y += rows * CELL + 8;
    }
    const width = 8 + COLS * CELL;
    this.svg.setAttribute('viewBox', `0 0 ${width} ${y}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(y));
    this.svg.innerHTML = parts.join('');
    this.summary.textContent = txt.summary(s);
  }
}
