// Where the marking view draws each object: a layered layout, one column per
// depth from the roots (what a root points to is depth 1), the roots
// themselves (globals and goroutine stacks) in their own column on the left.
//
// Every object is a box of the same size in a grid cell, and its label is
// cut to fit the box, so no two labels can overlap however many objects
// there are; a big graph grows the picture, which scrolls and zooms.
//
// Positions are stable across steps: an object keeps its row in its column
// as long as it stays at the same depth (StableLayout), and a root keeps its
// row while it exists, so a learner sees colours change, not the picture
// reshuffle. New objects take the free rows others left.

import type { Graph, GraphNode } from './marking';

export const PAD = 8;
export const TOP = 30; // room for the title line and the column heads
export const ROOT_W = 78;
export const NODE_W = 104;
export const NODE_H = 18;
export const ROW_PITCH = 26; // NODE_H and the gap between rows
export const COL_GAP = 40;
/** Width of one character of the 10 px monospace label font, a little generous. */
export const CHAR_W = 6.2;
const LABEL_CHARS = Math.floor((NODE_W - 8) / CHAR_W);

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface PlacedNode extends Box {
  id: string;
  depth: number;
  slot: number;
  label: string;
}
export interface PlacedRoot extends Box {
  /** The root's name without the "not scanned yet" star: G5, global[3]. */
  key: string;
  name: string;
  slot: number;
  label: string;
  to: string[];
}
export interface GraphLayout {
  nodes: Map<string, PlacedNode>;
  roots: PlacedRoot[];
  width: number;
  height: number;
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
  place(nodes: Pick<GraphNode, 'id' | 'depth'>[]): Map<string, { depth: number; slot: number }> {
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

/** "0xc00003a600" → "…3a600": the end of an address tells objects apart; the hover shows all of it. */
export function shortAddr(id: string): string {
  return id.length > 7 ? '…' + id.slice(-5) : id;
}

/** A label of at most `chars` characters. */
export function fit(text: string, chars: number): string {
  return text.length <= chars ? text : text.slice(0, Math.max(1, chars - 1)) + '…';
}

export function nodeLabel(n: Pick<GraphNode, 'id' | 'type'>): string {
  const addr = shortAddr(n.id);
  return fit(n.type, LABEL_CHARS - addr.length - 1) + ' ' + addr;
}

export function columnX(depth: number): number {
  return PAD + ROOT_W + COL_GAP + (depth - 1) * (NODE_W + COL_GAP);
}

export function rowY(slot: number): number {
  return TOP + slot * ROW_PITCH;
}

/** The root's key: a goroutine keeps its row whether its stack is scanned (G5) or not yet (G5*). */
export function rootKey(name: string): string {
  return name.endsWith('*') ? name.slice(0, -1) : name;
}

/** Places the graph's objects and roots; `objects` and `roots` remember the slots of the previous step. */
export function layoutGraph(g: Graph, objects: StableLayout, roots: StableLayout): GraphLayout {
  const placed = objects.place(g.nodes ?? []);
  const nodes = new Map<string, PlacedNode>();
  let width = PAD + ROOT_W + PAD;
  let height = TOP + ROW_PITCH;
  for (const n of g.nodes ?? []) {
    const p = placed.get(n.id)!;
    const box = { x: columnX(n.depth), y: rowY(p.slot), w: NODE_W, h: NODE_H };
    nodes.set(n.id, { ...box, id: n.id, depth: n.depth, slot: p.slot, label: nodeLabel(n) });
    width = Math.max(width, box.x + box.w + PAD);
    height = Math.max(height, box.y + box.h + PAD);
  }
  // One box per root (a goroutine with several stack slots is one root with
  // several pointers out), in the column left of depth 1.
  const byKey = new Map<string, PlacedRoot>();
  for (const r of g.roots ?? []) {
    const key = rootKey(r.name);
    let root = byKey.get(key);
    if (!root) {
      root = { key, name: r.name, slot: 0, label: fit(key, Math.floor((ROOT_W - 8) / CHAR_W)), to: [], x: PAD, y: 0, w: ROOT_W, h: NODE_H };
      byKey.set(key, root);
    }
    root.to.push(r.to);
  }
  const rootSlots = roots.place([...byKey.keys()].map((id) => ({ id, depth: 0 })));
  for (const root of byKey.values()) {
    root.slot = rootSlots.get(root.key)!.slot;
    root.y = rowY(root.slot);
    height = Math.max(height, root.y + root.h + PAD);
  }
  return { nodes, roots: [...byKey.values()], width, height };
}

/** True if two boxes share any area. */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
