import { describe, expect, it } from 'vitest';
import { StableLayout, parseGraph, type GraphNode } from '../../web/src/views/marking';

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
