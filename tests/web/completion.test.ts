import { describe, expect, it } from 'vitest';
import { formatColumns, longestCommonPrefix, planCompletion } from '../../web/src/terminal/completion';

describe('longestCommonPrefix', () => {
  it('finds the shared start', () => {
    expect(longestCommonPrefix(['GOMAXPROCS=', 'GOGC=', 'GODEBUG='])).toBe('GO');
    expect(longestCommonPrefix(['help', 'history'])).toBe('h');
    expect(longestCommonPrefix(['run'])).toBe('run');
    expect(longestCommonPrefix(['a', 'b'])).toBe('');
    expect(longestCommonPrefix([])).toBe('');
  });

  it('never splits a character', () => {
    expect(longestCommonPrefix(['第一天', '第一课'])).toBe('第一');
    expect(longestCommonPrefix(['😀a', '😁b'])).toBe('');
  });
});

describe('planCompletion', () => {
  it('does nothing without candidates', () => {
    expect(planCompletion({ token: 'x', candidates: [] }, false)).toEqual({ kind: 'none' });
  });

  it('completes one candidate with a trailing space', () => {
    expect(planCompletion({ token: 'hel', candidates: ['help'] }, false)).toEqual({
      kind: 'replace', text: 'help ',
    });
  });

  it('adds no space after "=" or "/"', () => {
    expect(planCompletion({ token: 'GOM', candidates: ['GOMAXPROCS='] }, false)).toEqual({
      kind: 'replace', text: 'GOMAXPROCS=',
    });
  });

  it('extends several candidates to their common prefix', () => {
    expect(planCompletion({ token: 'G', candidates: ['GOGC=', 'GOMAXPROCS='] }, false)).toEqual({
      kind: 'replace', text: 'GO',
    });
  });

  it('lists them on the second Tab when nothing can be extended', () => {
    const c = { token: 'h', candidates: ['help', 'history'] };
    expect(planCompletion(c, false)).toEqual({ kind: 'none' });
    expect(planCompletion(c, true)).toEqual({ kind: 'list', candidates: ['help', 'history'] });
  });

  it('merges duplicate candidates', () => {
    expect(planCompletion({ token: 'h', candidates: ['help', 'help'] }, false)).toEqual({
      kind: 'replace', text: 'help ',
    });
  });
});

describe('formatColumns', () => {
  it('fills columns top to bottom within the width', () => {
    const items = ['alloc', 'back', 'check', 'continue', 'day', 'env', 'exercise'];
    // cell = 8 + 2 = 10 cells; 30 columns -> 3 per row, so 3 rows, filled column by column
    expect(formatColumns(items, 30)).toEqual([
      'alloc     continue  exercise',
      'back      day',
      'check     env',
    ]);
  });

  it('uses one column when the terminal is narrow, and display widths for CJK', () => {
    expect(formatColumns(['帮助', 'help'], 4)).toEqual(['帮助', 'help']);
    expect(formatColumns(['帮助', 'help'], 40)).toEqual(['帮助  help']);
  });
});
