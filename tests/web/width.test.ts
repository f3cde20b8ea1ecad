import { describe, expect, it } from 'vitest';
import { DOUBLE_WIDTH, ZERO_WIDTH } from '../../web/src/terminal/widthTable';
import { codePointWidth, graphemes, stringWidth } from '../../web/src/terminal/width';
import { xtermWidthRanges } from './gen-width-table.mjs';

describe('display width', () => {
  it('counts CJK as two cells, ASCII as one, combining marks as none', () => {
    expect(stringWidth('help')).toBe(4);
    expect(stringWidth('中文')).toBe(4);
    expect(stringWidth('ｈｅｌｌｏ')).toBe(10); // fullwidth Latin
    expect(stringWidth('한글')).toBe(4);
    expect(stringWidth('e\u0301')).toBe(1);
    expect(codePointWidth(0x1b)).toBe(0);
  });

  it('steps over grapheme clusters', () => {
    expect(graphemes('ae\u0301中')).toEqual(['a', 'e\u0301', '中']);
  });

  it('matches the table xterm.js uses (regenerate with tests/web/gen-width-table.mjs)', () => {
    const { zero, wide } = xtermWidthRanges();
    expect(ZERO_WIDTH).toEqual(zero.flat());
    expect(DOUBLE_WIDTH).toEqual(wide.flat());
  });
});
