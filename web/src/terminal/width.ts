// Display width of text in terminal cells, measured exactly as xterm.js draws it with the
// Unicode 11 width provider (@xterm/addon-unicode11): CJK and most emoji take two cells,
// combining marks take none. The line editor needs this to move the cursor correctly.

import { DOUBLE_WIDTH, ZERO_WIDTH } from './widthTable';

function inRanges(table: readonly number[], cp: number): boolean {
  // Binary search over flat [first, last, first, last, ...] pairs.
  let lo = 0;
  let hi = table.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < table[2 * mid]!) hi = mid - 1;
    else if (cp > table[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Cells taken by one code point: 0, 1 or 2. Control characters count as 0. */
export function codePointWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20) return 0;
  if (cp < 0x7f) return 1;
  if (inRanges(ZERO_WIDTH, cp)) return 0;
  if (inRanges(DOUBLE_WIDTH, cp)) return 2;
  return 1;
}

/** Cells taken by a string. */
export function stringWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0)!);
  return width;
}

/** Widths of the code points of `text` (used to lay out wrapping exactly like the terminal). */
export function codePointWidths(text: string): number[] {
  const widths: number[] = [];
  for (const ch of text) widths.push(codePointWidth(ch.codePointAt(0)!));
  return widths;
}

// Grapheme clusters are the units the cursor steps over (a base letter plus its combining
// marks is one step). Intl.Segmenter exists in every browser we target and in Node 20; the
// code point fallback keeps the editor working without it.
const segmenter: { segment(text: string): Iterable<{ segment: string }> } | undefined =
  typeof Intl !== 'undefined' && 'Segmenter' in Intl
    ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
    : undefined;

/** Splits text into grapheme clusters. */
export function graphemes(text: string): string[] {
  if (segmenter) return Array.from(segmenter.segment(text), (s) => s.segment);
  return Array.from(text);
}
