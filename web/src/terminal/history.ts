// Command history: Up/Down navigation, persisted in localStorage so it survives reloads.

/** The part of the Web Storage API that history needs (tests pass a Map-backed fake). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface HistoryOptions {
  /** Where to persist; `null` disables persistence. Default: `localStorage` when usable. */
  storage?: StorageLike | null;
  key?: string;
  limit?: number;
}

export const HISTORY_KEY = 'rtlab.history';
export const HISTORY_LIMIT = 500;

function defaultStorage(): StorageLike | null {
  try {
    // Reading `localStorage` itself throws in sandboxed frames and with storage disabled.
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export class History {
  private readonly storage: StorageLike | null;
  private readonly key: string;
  private readonly limit: number;
  private items: string[];
  /** Navigation position: `items.length` means "the line being edited", not an entry. */
  private index: number;
  /** The line being edited when navigation started, given back by Down at the end. */
  private draft = '';

  constructor(options: HistoryOptions = {}) {
    this.storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.key = options.key ?? HISTORY_KEY;
    this.limit = options.limit ?? HISTORY_LIMIT;
    this.items = this.load();
    this.index = this.items.length;
  }

  get entries(): readonly string[] {
    return this.items;
  }

  /** Records a submitted line: blank lines and repeats of the previous entry are skipped. */
  add(line: string): void {
    this.resetNavigation();
    if (line.trim() === '' || this.items[this.items.length - 1] === line) return;
    this.items.push(line);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    this.index = this.items.length;
    this.save();
  }

  /** Up: the previous entry, or undefined at the oldest one. `current` is kept as the draft. */
  previous(current: string): string | undefined {
    if (this.index === 0) return undefined;
    if (this.index === this.items.length) this.draft = current;
    this.index--;
    return this.items[this.index];
  }

  /** Down: the next entry, the draft after the newest one, undefined when already there. */
  next(): string | undefined {
    if (this.index >= this.items.length) return undefined;
    this.index++;
    return this.index === this.items.length ? this.draft : this.items[this.index];
  }

  /** Forgets the navigation position (after Enter or Ctrl-C). */
  resetNavigation(): void {
    this.index = this.items.length;
    this.draft = '';
  }

  private load(): string[] {
    try {
      const raw = this.storage?.getItem(this.key);
      if (!raw) return [];
      const parsed: unknown = JSON.parse(raw);
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((x): x is string => typeof x === 'string').slice(-this.limit);
    } catch {
      return []; // corrupt JSON or unreadable storage: start afresh
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.items));
    } catch {
      // Quota exceeded or storage disabled: history still works for this page.
    }
  }
}
