// The page's two decoders of untrusted text, fuzzed: share links (share.ts decodeHash) and
// progress files (course/progress.ts parseProgress). libFuzzer covers the C++ parsers
// (tests/fuzz); these are TypeScript, so here a seeded generator feeds them random text,
// random bytes and mutations of valid inputs. Whatever comes in, each answers (never
// throws), and anything it accepts is what its schema allows: a link's commands are single
// lines within the limits, and nothing else gets through.

import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { parseProgress, serializeProgress, emptyProgress } from '../../web/src/course/progress';
import { MAX_COMMAND_CHARS, MAX_COMMANDS, SHARE_VERSION, commandLine, decodeHash, encodeState } from '../../web/src/share';

/** xorshift32: the same inputs on every run, so a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const ITERATIONS = 3000;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-_+$=#%{}[]":,.\\/ <>\'\u0000\u001b\u0085\u2028中';

function mutate(r: () => number, s: string): string {
  const chars = [...s];
  const edits = 1 + Math.floor(r() * 4);
  for (let k = 0; k < edits && chars.length > 0; k++) {
    const i = Math.floor(r() * chars.length);
    const what = r();
    if (what < 0.3) chars[i] = ALPHABET[Math.floor(r() * ALPHABET.length)]!;
    else if (what < 0.5) chars.splice(i, 1);
    else if (what < 0.7) chars.splice(i, 0, ALPHABET[Math.floor(r() * ALPHABET.length)]!);
    else chars.length = i; // truncated
  }
  return chars.join('');
}

function randomText(r: () => number, max: number): string {
  let out = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) out += r() < 0.9 ? ALPHABET[Math.floor(r() * ALPHABET.length)] : String.fromCharCode(Math.floor(r() * 0x3000));
  return out;
}

describe('fuzzing the page decoders', () => {
  it('share links: every input is answered, and only valid states get through', () => {
    const r = rng(0x5eed);
    const valid = encodeState({
      v: SHARE_VERSION, lang: 'en', day: 2, view: 'scheduler', zoom: [0, 1000],
      commands: ['run fanout --engine sim --step', 'step 10'], files: { '/scripts/a.scn': 'go main:\n  cpu 1ms\n' },
    });
    const kinds = new Set<string>();
    for (let i = 0; i < ITERATIONS; i++) {
      const pick = r();
      const hash =
        pick < 0.4 ? mutate(r, valid)
        : pick < 0.6 ? '#s=' + randomText(r, 200)
        : pick < 0.8 ? '#s=' + LZString.compressToEncodedURIComponent(mutate(r, LZString.decompressFromEncodedURIComponent(valid.slice(3))!))
        : randomText(r, 300);
      let link: ReturnType<typeof decodeHash>;
      expect(() => (link = decodeHash(hash)), JSON.stringify(hash)).not.toThrow();
      kinds.add(link!.kind);
      if (link!.kind === 'ok') {
        const { state } = link!;
        expect(state.commands.length).toBeLessThanOrEqual(MAX_COMMANDS);
        for (const c of state.commands) {
          expect(commandLine.safeParse(c).success, JSON.stringify(c)).toBe(true);
          expect(c.length).toBeLessThanOrEqual(MAX_COMMAND_CHARS);
        }
        for (const path of Object.keys(state.files ?? {})) expect(path).toMatch(/^\/scripts\/[^/]+\.scn$/);
      }
    }
    // The generator reached every kind of answer, so the run above means something.
    expect([...kinds].sort()).toEqual(['bad', 'none', 'ok']);
  });

  it('progress files: every input is answered, with a message when refused', () => {
    const r = rng(0xfeed);
    const p = emptyProgress();
    const valid = serializeProgress(p);
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const text = r() < 0.7 ? mutate(r, valid) : randomText(r, 400);
      let result: ReturnType<typeof parseProgress>;
      expect(() => (result = parseProgress(text)), JSON.stringify(text)).not.toThrow();
      if (result!.ok) accepted++;
      else expect(result!.error).toBeTruthy();
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(ITERATIONS);
  });
});
