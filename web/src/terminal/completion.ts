// Tab completion logic, kept apart from the editor so it can be unit-tested on its own.
import { graphemes, stringWidth } from './width';

/** What the lab answers for a Tab: the partial word at the cursor and its full replacements. */
export interface Completion {
  token: string;
  candidates: string[];
}

/** What the editor should do about a Tab press. */
export type CompletionPlan =
  | { kind: 'none' }
  | { kind: 'replace'; text: string }
  | { kind: 'list'; candidates: string[] };

/** Longest common prefix of the strings, never splitting a character. */
export function longestCommonPrefix(items: readonly string[]): string {
  if (items.length === 0) return '';
  let prefix = graphemes(items[0]!);
  for (const item of items.slice(1)) {
    const chars = graphemes(item);
    let n = 0;
    while (n < prefix.length && n < chars.length && prefix[n] === chars[n]) n++;
    prefix = prefix.slice(0, n);
  }
  return prefix.join('');
}

/**
 * Decides what a Tab does, like bash: a single match is completed and followed by a space
 * (no space after `=` or `/`, where the learner goes on typing); several matches are extended
 * to their longest common prefix; when nothing can be extended, a second Tab lists them.
 */
export function planCompletion(completion: Completion, secondTab: boolean): CompletionPlan {
  const candidates = [...new Set(completion.candidates.filter((c) => c.length > 0))];
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1) {
    const only = candidates[0]!;
    return { kind: 'replace', text: /[=/]$/.test(only) ? only : only + ' ' };
  }
  const prefix = longestCommonPrefix(candidates);
  if (prefix.length > completion.token.length) return { kind: 'replace', text: prefix };
  return secondTab ? { kind: 'list', candidates } : { kind: 'none' };
}

/** Lays candidates out in columns (column-major, like ls) that fit `columns` cells. */
export function formatColumns(items: readonly string[], columns: number): string[] {
  if (items.length === 0) return [];
  const cell = Math.max(...items.map(stringWidth)) + 2;
  const perRow = Math.max(1, Math.floor((columns + 2) / cell));
  const rows = Math.ceil(items.length / perRow);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const item = items[c * rows + r];
      if (item === undefined) break;
      const isLast = (c + 1) * rows + r >= items.length;
      line += isLast ? item : item + ' '.repeat(cell - stringWidth(item));
    }
    lines.push(line.trimEnd());
  }
  return lines;
}
