import { describe, expect, it } from 'vitest';
import {
  PROGRESS_KEY, dayOf, emptyProgress, exerciseOf, localProgressStore, parseProgress, serializeProgress, unknownExercises,
} from '../../web/src/course/progress';

function solvedDoc() {
  const p = emptyProgress();
  exerciseOf(p, 3, 'd3-steal-half').solved = true;
  dayOf(p, 3).experimentsRun.push('d3-e1');
  return p;
}

describe('progress documents', () => {
  it('round-trips through its text', () => {
    const p = solvedDoc();
    const back = parseProgress(serializeProgress(p));
    expect(back).toEqual({ ok: true, progress: p });
  });

  it('refuses what is not JSON, not ours, from a newer lab, or damaged — each with its own message', () => {
    const err = (text: string) => {
      const r = parseProgress(text);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.en;
    };
    expect(err('{"format": "go-runtime-lab-progress", "version": 1, "days": ')).toMatch(/not valid JSON/);
    expect(err('{"format": "something-else", "version": 1}')).toMatch(/not a Go Runtime Lab progress file/);
    expect(err('[1, 2, 3]')).toMatch(/not a Go Runtime Lab progress file/);
    expect(err('{"format": "go-runtime-lab-progress", "version": 7, "days": {}}')).toMatch(/newer lab \(format 7/);
    const bad = JSON.parse(serializeProgress(solvedDoc()));
    bad.days['3'].exercises['d3-steal-half'].commands = -4;
    expect(err(JSON.stringify(bad))).toMatch(/field days\.3\.exercises\.d3-steal-half\.commands is not valid/);
    bad.days['9'] = bad.days['3'];
    expect(err(JSON.stringify(bad))).toMatch(/not valid/);
    expect(err('x'.repeat(1_000_001))).toMatch(/too large/);
  });

  it('keeps exercises an older course had, and names them', () => {
    const p = solvedDoc();
    exerciseOf(p, 2, 'd2-renamed-long-ago').solved = true;
    expect(unknownExercises(p, new Set(['d3-steal-half']))).toEqual(['d2-renamed-long-ago']);
  });
});

describe('the progress store', () => {
  it('saves to and loads from storage', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
    };
    const store = localProgressStore(storage);
    expect(store.load()).toBeUndefined();
    store.save(solvedDoc());
    expect(map.has(PROGRESS_KEY)).toBe(true);
    expect(store.load()).toEqual({ ok: true, progress: solvedDoc() });
    map.set(PROGRESS_KEY, 'garbage');
    expect(store.load()?.ok).toBe(false);
    store.clear();
    expect(store.load()).toBeUndefined();
  });

  it('keeps progress for the page when storage throws (disabled, full)', () => {
    const throwing = {
      getItem: () => { throw new Error('denied'); },
      setItem: () => { throw new Error('quota'); },
      removeItem: () => { throw new Error('denied'); },
    };
    const store = localProgressStore(throwing);
    store.save(solvedDoc());
    expect(store.load()).toEqual({ ok: true, progress: solvedDoc() });
  });
});
