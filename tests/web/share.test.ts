// Share links (web/src/share.ts): a state survives the hash, every kind of bad link is refused
// with its own reason and nothing from it is used, and a link carries the commands of the
// current run with the settings before it.

import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import {
  MAX_COMMANDS, MAX_HASH_CHARS, SHARE_VERSION, commandsToShare, decodeHash, encodeState, mayDiffer, scriptsUsed,
  type SharedState,
} from '../../web/src/share';

const pack = (value: unknown) => '#s=' + LZString.compressToEncodedURIComponent(JSON.stringify(value));

describe('share links', () => {
  const state: SharedState = {
    v: SHARE_VERSION,
    lang: 'zh',
    day: 3,
    view: 'heap',
    zoom: [1500, 32000],
    commands: ['env GOGC=50', 'run skynet --engine sim --size 300 --seed 5 --step', 'step 40'],
    files: { '/scripts/mine.scn': 'go main:\n  cpu 1ms\n' },
  };

  it('round-trips a state through the hash', () => {
    const hash = encodeState(state);
    expect(hash.startsWith('#s=')).toBe(true);
    expect(hash).not.toMatch(/[\s<>"']/);
    expect(decodeHash(hash)).toEqual({ kind: 'ok', state, ignored: [] });
  });

  it('ignores a hash that is not a link', () => {
    expect(decodeHash('')).toEqual({ kind: 'none' });
    expect(decodeHash('#section-2')).toEqual({ kind: 'none' });
  });

  it('refuses each kind of bad link with its reason', () => {
    expect(decodeHash('#s=' + 'A'.repeat(10 * 1024 * 1024))).toMatchObject({ kind: 'bad', problem: 'tooLong' });
    expect(decodeHash('#s=' + 'x'.repeat(MAX_HASH_CHARS + 1))).toMatchObject({ kind: 'bad', problem: 'tooLong' });
    expect(decodeHash('#s=%%%not-lz')).toMatchObject({ kind: 'bad', problem: 'malformed' });
    expect(decodeHash(encodeState(state).slice(0, 40))).toMatchObject({ kind: 'bad', problem: 'malformed' });
    expect(decodeHash(pack([1, 2]))).toMatchObject({ kind: 'bad', problem: 'malformed' });
    expect(decodeHash(pack({ ...state, v: SHARE_VERSION + 1 }))).toMatchObject({ kind: 'bad', problem: 'newer' });
    expect(decodeHash(pack({ ...state, commands: 'run skynet' }))).toMatchObject({ kind: 'bad', problem: 'invalid' });
    expect(decodeHash(pack({ ...state, day: 9 }))).toMatchObject({ kind: 'bad', problem: 'invalid' });
    expect(decodeHash(pack({ ...state, zoom: [5, 5] }))).toMatchObject({ kind: 'bad', problem: 'invalid' });
    expect(decodeHash(pack({ ...state, zoom: [0, 'x'] }))).toMatchObject({ kind: 'bad', problem: 'invalid' });
    expect(decodeHash(pack({ ...state, view: 'javascript:alert(1)' }))).toMatchObject({ kind: 'bad', problem: 'invalid' });
    expect(decodeHash(pack({ ...state, commands: Array(MAX_COMMANDS + 1).fill('gs') }))).toMatchObject({ problem: 'invalid' });
  });

  it('refuses a command that could drive the terminal, and a script outside /scripts', () => {
    const escape = decodeHash(pack({ ...state, commands: ['gs\u001b]0;owned\u0007'] }));
    expect(escape).toMatchObject({ kind: 'bad', problem: 'invalid' });
    expect(decodeHash(pack({ ...state, commands: ['gs\nrun skynet'] }))).toMatchObject({ problem: 'invalid' });
    expect(decodeHash(pack({ ...state, files: { '/etc/passwd': 'x' } }))).toMatchObject({ problem: 'invalid' });
    expect(decodeHash(pack({ ...state, files: { '/scripts/../a.scn': 'x' } }))).toMatchObject({ problem: 'invalid' });
  });

  it('keeps hostile text as text: a command is only ever a lab command line', () => {
    const hostile = { ...state, commands: ['<img src=x onerror=alert(1)>', 'javascript:alert(1)'] };
    const read = decodeHash(pack(hostile));
    expect(read).toMatchObject({ kind: 'ok' });
    if (read.kind === 'ok') expect(read.state.commands).toEqual(hostile.commands);
  });

  it('names the fields of a link it does not know, and uses the rest', () => {
    const read = decodeHash(pack({ ...state, speed: 4, theme: 'dark' }));
    expect(read).toEqual({ kind: 'ok', state, ignored: ['speed', 'theme'] });
  });

  it('shares the latest run, what came after it, and the settings before it', () => {
    const ran = [
      { line: 'env GOMAXPROCS=2', ok: true },
      { line: 'run fanout --engine sim', ok: true },
      { line: 'gs', ok: true },
      { line: 'env GOGC=bogus', ok: false },
      { line: 'gc stw', ok: true },
      { line: 'run skynet --engine sim --seed 3 --step', ok: true },
      { line: 'step 10', ok: true },
      { line: 'nonsense', ok: false },
      { line: '  until 5us ', ok: true },
    ];
    expect(commandsToShare(ran)).toEqual(['env GOMAXPROCS=2', 'gc stw', 'run skynet --engine sim --seed 3 --step', 'step 10', 'until 5us']);
    expect(commandsToShare([{ line: 'alloc 33', ok: true }, { line: 'spans', ok: true }])).toEqual(['alloc 33', 'spans']);
    const many = Array.from({ length: MAX_COMMANDS + 50 }, (_, i) => ({ line: `step ${i + 1}`, ok: true }));
    const shared = commandsToShare([{ line: 'run skynet --engine sim --step', ok: true }, ...many]);
    expect(shared).toHaveLength(MAX_COMMANDS);
    expect(shared.at(-1)).toBe(`step ${MAX_COMMANDS + 50}`);
  });

  it('carries the scripts the commands read, and says when a run may differ', () => {
    const files = new Map([['/scripts/mine.scn', 'go main:\n'], ['/scripts/other.scn', 'x']]);
    expect(scriptsUsed(['run --file /scripts/mine.scn --engine sim'], files)).toEqual({ '/scripts/mine.scn': 'go main:\n' });
    expect(scriptsUsed(['run skynet'], files)).toEqual({});
    expect(mayDiffer(['run skynet --engine sim --seed 2'])).toBe(false);
    expect(mayDiffer(['run skynet --engine=sim'])).toBe(false);
    expect(mayDiffer(['run skynet'])).toBe(true);
    expect(mayDiffer(['run skynet --engine real'])).toBe(true);
    expect(mayDiffer(['rollout --canary "--leak"'])).toBe(false);
  });
});
