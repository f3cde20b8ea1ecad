import { describe, expect, it, vi } from 'vitest';
import { applyTheme, parseTheme, resolveTheme } from '../../web/src/theme';

describe('the theme parameter', () => {
  it('takes light, dark and auto, and names anything else', () => {
    expect(parseTheme('')).toEqual({ choice: 'light' });
    expect(parseTheme('?theme=dark')).toEqual({ choice: 'dark' });
    expect(parseTheme('?lang=zh&theme=auto')).toEqual({ choice: 'auto' });
    const bad = parseTheme('?theme=' + encodeURIComponent('javascript:alert(1)' + 'x'.repeat(100)));
    expect(bad.choice).toBe('light');
    expect(bad.problem).toBe('theme=javascript:alert(1)xxxxxxxxxxxxxxxxxxxxx: not one of light|dark|auto');
  });

  it('resolves auto with the system preference', () => {
    expect(resolveTheme('auto', true)).toBe('dark');
    expect(resolveTheme('auto', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('sets data-theme, and under auto follows the system setting as it changes', () => {
    const listeners: Array<() => void> = [];
    const media = {
      matches: false,
      addEventListener: (_: string, f: () => void) => listeners.push(f),
    } as unknown as MediaQueryList;
    const root = { dataset: {} as Record<string, string> } as unknown as HTMLElement;
    const onChange = vi.fn();
    expect(applyTheme(root, 'auto', media, onChange)).toBe('light');
    expect(root.dataset.theme).toBe('light');
    (media as { matches: boolean }).matches = true;
    for (const f of listeners) f();
    expect(root.dataset.theme).toBe('dark');
    expect(onChange).toHaveBeenCalledWith('dark');

    const fixed = { dataset: {} as Record<string, string> } as unknown as HTMLElement;
    const before = listeners.length;
    expect(applyTheme(fixed, 'dark', media)).toBe('dark');
    expect(listeners.length).toBe(before); // a fixed choice does not follow the system
  });
});
