import { describe, expect, it } from 'vitest';
import { History, HISTORY_KEY, type StorageLike } from '../../web/src/terminal/history';

class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

describe('History', () => {
  it('navigates back and forth and gives the draft back at the end', () => {
    const h = new History({ storage: null });
    h.add('help');
    h.add('env');
    expect(h.previous('dra')).toBe('env');
    expect(h.previous('ignored')).toBe('help');
    expect(h.previous('ignored')).toBeUndefined();
    expect(h.next()).toBe('env');
    expect(h.next()).toBe('dra');
    expect(h.next()).toBeUndefined();
  });

  it('skips blank lines and repeats of the previous entry', () => {
    const h = new History({ storage: null });
    for (const line of ['help', 'help', '  ', '', 'env', 'help']) h.add(line);
    expect(h.entries).toEqual(['help', 'env', 'help']);
  });

  it('keeps at most 500 entries by default, dropping the oldest', () => {
    const h = new History({ storage: null });
    for (let i = 0; i < 520; i++) h.add(`cmd ${i}`);
    expect(h.entries.length).toBe(500);
    expect(h.entries[0]).toBe('cmd 20');
    expect(h.entries.at(-1)).toBe('cmd 519');
  });

  it('persists in storage under rtlab.history and loads it back', () => {
    const storage = new MemoryStorage();
    const first = new History({ storage });
    first.add('version');
    first.add('env GOGC=50');
    expect(HISTORY_KEY).toBe('rtlab.history');
    expect(JSON.parse(storage.getItem(HISTORY_KEY)!)).toEqual(['version', 'env GOGC=50']);
    const second = new History({ storage });
    expect(second.entries).toEqual(['version', 'env GOGC=50']);
    expect(second.previous('')).toBe('env GOGC=50');
  });

  it.each([
    ['not json', '{oops'],
    ['not an array', '{"a":1}'],
    ['a number', '42'],
  ])('starts empty when storage holds %s', (_, raw) => {
    const storage = new MemoryStorage();
    storage.setItem(HISTORY_KEY, raw);
    const h = new History({ storage });
    expect(h.entries).toEqual([]);
    h.add('help'); // and overwrites the bad value
    expect(JSON.parse(storage.getItem(HISTORY_KEY)!)).toEqual(['help']);
  });

  it('drops non-string entries from stored history', () => {
    const storage = new MemoryStorage();
    storage.setItem(HISTORY_KEY, JSON.stringify(['help', 3, null, 'env']));
    expect(new History({ storage }).entries).toEqual(['help', 'env']);
  });

  it('works when storage throws on every access', () => {
    const storage: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const h = new History({ storage });
    h.add('help');
    expect(h.entries).toEqual(['help']);
    expect(h.previous('')).toBe('help');
  });

  it('works without any localStorage (Node)', () => {
    const h = new History();
    h.add('help');
    expect(h.entries).toEqual(['help']);
  });
});
