import { describe, expect, it } from 'vitest';
import { StableLayout, parseGraph, type Graph, type GraphNode } from '../../web/src/views/marking';
import { CHAR_W, layoutGraph, overlaps, type Box } from '../../web/src/views/markingLayout';
import { slotText, storeText, detailText } from '../../web/src/views/markingText';
import { t } from '../../web/src/i18n';

const node = (id: string, depth: number): GraphNode => ({ id, type: 'node', depth, color: 'white' });

describe('StableLayout', () => {
  it('keeps every object in its slot while its depth stays the same', () => {
    const layout = new StableLayout();
    const first = new Map(layout.place([node('a', 1), node('b', 2), node('c', 2)]));
    // Another step: colours change, an object is added, the order differs.
    const second = layout.place([node('c', 2), node('d', 2), node('a', 1), node('b', 2)]);
    for (const id of ['a', 'b', 'c']) expect(second.get(id)).toEqual(first.get(id));
    expect(second.get('d')).toEqual({ depth: 2, slot: 2 });
  });

  it('reuses the slot of an object that went away, and moves one whose depth changed', () => {
    const layout = new StableLayout();
    layout.place([node('a', 1), node('b', 1), node('c', 1)]);
    const after = layout.place([node('a', 1), node('c', 1), node('e', 1), node('b', 3)]);
    expect(after.get('e')).toEqual({ depth: 1, slot: 1 }); // b's old slot
    expect(after.get('b')).toEqual({ depth: 3, slot: 0 });
    expect(after.get('a')?.slot).toBe(0);
    expect(after.get('c')?.slot).toBe(2);
  });

  it('starts over after reset', () => {
    const layout = new StableLayout();
    layout.place([node('a', 1), node('b', 1)]);
    layout.reset();
    expect(layout.place([node('b', 1)]).get('b')).toEqual({ depth: 1, slot: 0 });
  });
});

describe('parseGraph', () => {
  it('reads what `heap --graph --json` prints and refuses anything else', () => {
    const g = parseGraph(
      '{"phase":"_GCmark","cycle":1,"barrier":"hybrid","marker":"concurrent","nowNs":5,' +
        '"nodes":[{"id":"0x10","type":"node","depth":1,"color":"grey"}],"edges":[],"roots":[],"grey":["0x10"],' +
        '"greyCount":1,"shades":[]}',
    );
    expect(g?.nodes?.[0]?.color).toBe('grey');
    expect(g?.greyCount).toBe(1);
    expect(parseGraph('not json')).toBeNull();
    expect(parseGraph('{"error":1}')).toBeNull();
  });
});

/** A deterministic pseudo-random generator, so a failing graph can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const TYPES = ['holder', 'child', 'node', 'a.very.long.type.name.Thing', 'noscan'];

/** A graph like `heap --graph --json` prints: objects at depths 1..d, edges, roots (globals and stacks, some unscanned). */
function generate(seed: number, n: number): Graph {
  const r = rng(seed);
  const nodes: GraphNode[] = [];
  for (let i = 0; i < n; i++) {
    const depth = 1 + Math.floor(r() * Math.min(12, 1 + i / 3));
    nodes.push({ id: '0xc' + (0x10000 + i * 48).toString(16).padStart(9, '0'), type: TYPES[Math.floor(r() * TYPES.length)]!, depth, color: 'white' });
  }
  const roots = nodes
    .filter((x) => x.depth === 1)
    .map((x, i) => ({ name: i % 3 === 0 ? `global[${i}]` : `G${10 + (i % 7)}${i % 2 ? '*' : ''}`, to: x.id }));
  const edges: [string, string][] = nodes.slice(1).map((x) => [nodes[Math.floor(r() * nodes.length)]!.id, x.id]);
  return { phase: '_GCmark', cycle: 1, barrier: 'none', marker: 'concurrent', nowNs: 0, nodes, roots, edges };
}

function allBoxes(g: Graph, objects: StableLayout, rootSlots: StableLayout): { box: Box; label: string }[] {
  const L = layoutGraph(g, objects, rootSlots);
  return [...[...L.nodes.values()].map((b) => ({ box: b, label: b.label })), ...L.roots.map((b) => ({ box: b, label: b.label }))];
}

/** The pairs of boxes (by index) that overlap. */
function overlapping(boxes: Box[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (overlaps(boxes[i]!, boxes[j]!)) out.push([i, j]);
  return out;
}

describe('layoutGraph', () => {
  it('never lets two objects or roots, or their labels, overlap', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const g = generate(seed, 5 + seed * 9);
      const boxes = allBoxes(g, new StableLayout(), new StableLayout());
      // Each label fits inside its own box (4 px in from the left edge).
      expect(boxes.filter((b) => 4 + b.label.length * CHAR_W > b.box.w).map((b) => b.label)).toEqual([]);
      expect(overlapping(boxes.map((b) => b.box)), `seed ${seed}`).toEqual([]);
    }
  });

  it('puts the roots in a column left of every object, and deeper objects further right', () => {
    const L = layoutGraph(generate(7, 80), new StableLayout(), new StableLayout());
    const rootRight = Math.max(...L.roots.map((r) => r.x + r.w));
    for (const n of L.nodes.values()) {
      expect(n.x).toBeGreaterThan(rootRight);
      for (const m of L.nodes.values()) if (m.depth > n.depth) expect(m.x).toBeGreaterThan(n.x + n.w);
    }
    // One box per goroutine, whether its stack is scanned yet (G10) or not (G10*).
    expect(new Set(L.roots.map((r) => r.key)).size).toBe(L.roots.length);
    expect(L.roots.every((r) => !r.key.endsWith('*'))).toBe(true);
  });

  it('keeps every object and root where it was across steps, new ones in free rows, still without overlaps', () => {
    const objects = new StableLayout();
    const roots = new StableLayout();
    let g = generate(3, 60);
    let before = layoutGraph(g, objects, roots);
    const r = rng(99);
    for (let step = 0; step < 20; step++) {
      // A step: some objects go, some come, colours change, a stack gets scanned.
      const nodes = g.nodes!.filter(() => r() > 0.1).map((n) => ({ ...n, color: r() > 0.5 ? ('black' as const) : n.color }));
      for (let k = 0; k < 4; k++) nodes.push({ id: `0xd${step}${k}`, type: 'child', depth: 1 + Math.floor(r() * 6), color: 'white' });
      const kept = new Set(nodes.map((n) => n.id));
      g = { ...g, nodes, roots: g.roots!.filter((x) => kept.has(x.to)).map((x) => ({ ...x, name: x.name.replace('*', '') })) };
      const after = layoutGraph(g, objects, roots);
      const moved = [...after.nodes].filter(([id, b]) => {
        const old = before.nodes.get(id);
        return old && (old.x !== b.x || old.y !== b.y);
      });
      expect(moved.map(([id]) => id)).toEqual([]);
      expect(after.roots.filter((root) => before.roots.some((x) => x.key === root.key && x.y !== root.y))).toEqual([]);
      expect(overlapping([...after.nodes.values(), ...after.roots])).toEqual([]);
      before = after;
    }
  });
});

describe('the verifier\'s words', () => {
  // As `heap --graph --json` gives a store that hid object 0xc0000060a8 (mutator-race, seed 1, at 330µs).
  const deleted = {
    goid: 4, atNs: 315618, at: '315.618µs', slot: '0xc000014000.w511', slotType: 'holder', deleted: true, value: 'nil',
    intoMarked: false, text: 'G4 at 315.618µs: 0xc000014000 (holder).w511 = nil (deleted the pointer to it)',
  };
  const inserted = {
    goid: 4, atNs: 318252, at: '318.252µs', slot: '0xc000034600.w511', slotType: 'holder', deleted: false, value: '0xc0000060a8',
    intoMarked: true, text: 'G4 at 318.252µs: 0xc000034600 (holder).w511 = 0xc0000060a8 (into an already marked object)',
  };

  it('are, in English, exactly what verify prints in the terminal', () => {
    const en = (key: Parameters<typeof t>[1], vars?: Record<string, string | number>) => t('en', key, vars);
    expect(storeText(en, deleted)).toBe(deleted.text);
    expect(storeText(en, inserted)).toBe(inserted.text);
    expect(slotText({ slot: 'global[3]' })).toBe('global[3]');
  });

  it('are in Chinese too, with the same addresses and times', () => {
    const zh = (key: Parameters<typeof t>[1], vars?: Record<string, string | number>) => t('zh', key, vars);
    const line = storeText(zh, deleted);
    expect(line).toContain('0xc000014000 (holder).w511 = nil');
    expect(line).toContain('315.618µs');
    expect(line).toContain('删除了指向它的指针');
    expect(line).not.toContain('deleted');
  });

  it('name an object\'s address, type, colour and who shaded it', () => {
    const en = (key: Parameters<typeof t>[1], vars?: Record<string, string | number>) => t('en', key, vars);
    const n: GraphNode = {
      id: '0xc00003a600', type: 'holder', depth: 1, color: 'black', size: 4864,
      shadedBy: { by: 'workers', goid: 7, p: 1, atNs: 301200, at: '301.2µs' },
    };
    expect(detailText(en, n, false, false)).toBe('0xc00003a600 · holder · 4864 B · black · shaded by G7 (mark worker) on P1 at 301.2µs');
    expect(detailText(en, { ...n, color: 'white', shadedBy: undefined }, true, false)).toContain('lost if the mark ended now');
  });
});
