// bench/formats.mjs: the shapes it compares, and that it can fail — a field
// the lab dropped, a field Go does not print, a listed difference gone stale.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { compare, KNOWN, kindOf, shapeOf } from '../../bench/formats.mjs';

const GO_GC = 'gc 3 @1.360s 0%: 0.098+18+0.95 ms clock, 0.19+0/1.1/0+1.9 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P';
const GO_PACER = 'pacer: assist ratio=+1.566958e+000 (scan 0 MB in 3->4 MB) workers=0++2.500000e-001';
const GO_M = '  M1: p=-1 curg=17 mallocing=0 throwing=0 preemptoff=gcing locks=0 dying=0 spinning=true blocked=false lockedg=17';

function byKind(lines: string[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const l of lines) {
    const k = kindOf(l);
    if (!k) continue;
    if (!m.has(k)) m.set(k, new Set());
    m.get(k)!.add(shapeOf(l));
  }
  return m;
}

describe('bench/formats.mjs', () => {
  it('reduces a line to its fields: numbers, wait reasons and values become placeholders', () => {
    expect(shapeOf(GO_GC)).toBe('gc # @#s #%: #+#+# ms clock, #+#/#/#+# ms cpu, #->#-># MB, # MB goal, # MB stacks, # MB globals, # P');
    expect(shapeOf(GO_PACER)).toBe('pacer: assist ratio=# (scan # MB in #-># MB) workers=#+#');
    expect(shapeOf('  G2: status=4(force gc (idle)) m=-1 lockedm=-1')).toBe('G#: status=#(…) m=# lockedm=#');
    // A G that is not waiting has no reason: the same field, empty (Go prints "status=1()").
    expect(shapeOf('  G7: status=1() m=-1 lockedm=-1')).toBe('G#: status=#(…) m=# lockedm=#');
    expect(shapeOf(GO_M)).toBe('M#: p=# curg=# mallocing=# throwing=# preemptoff=… locks=# dying=# spinning=bool blocked=bool lockedg=#');
  });

  it('accepts the same shapes, and a lab line that the known differences turn into Go 1.19 shape', () => {
    const lab = byKind([GO_GC.replace('0.098', '0.5'), GO_M.replace('lockedg=17', 'lockedg=nil')]);
    const rows = compare(byKind([GO_GC, GO_M]), lab).filter((r: { status: string }) => r.status !== 'STALE');
    expect(rows.map((r: { status: string }) => r.status)).toEqual(['known', 'same']);
  });

  it('fails a dropped field, an extra field and a difference that is no longer seen', () => {
    const dropped = compare(byKind([GO_GC]), byKind([GO_GC.replace(', 0 MB globals', '')]));
    expect(dropped.some((r: { status: string }) => r.status === 'UNEXPECTED')).toBe(true);
    const extra = compare(byKind([GO_PACER]), byKind([`${GO_PACER} idle=1`]));
    expect(extra.some((r: { status: string }) => r.status === 'UNEXPECTED')).toBe(true);
    const stale = compare(byKind([GO_GC]), byKind([GO_GC]));
    expect(stale.filter((r: { status: string }) => r.status === 'STALE')).toHaveLength(KNOWN.length);
  });
});
