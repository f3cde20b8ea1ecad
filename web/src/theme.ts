// The page's colour theme: `?theme=light|dark|auto` (an embed's parameter, and the full page's).
// Light is the default; auto follows the reader's system setting and changes with it. The theme
// is one attribute on <html> (data-theme); styles.css defines every colour for both.

export const THEMES = ['light', 'dark', 'auto'] as const;
export type ThemeChoice = (typeof THEMES)[number];
export type Theme = 'light' | 'dark';

/** Reads `theme=` of a query string: the choice, or why it was left out. */
export function parseTheme(search: string): { choice: ThemeChoice; problem?: string } {
  const value = new URLSearchParams(search).get('theme');
  if (value === null) return { choice: 'light' };
  if ((THEMES as readonly string[]).includes(value)) return { choice: value as ThemeChoice };
  return { choice: 'light', problem: `theme=${value.slice(0, 40)}: not one of ${THEMES.join('|')}` };
}

/** The theme a choice gives, with the system's preference for auto. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): Theme {
  return choice === 'auto' ? (prefersDark ? 'dark' : 'light') : choice;
}

/**
 * Applies a choice to `root` (document.documentElement) and, for auto, follows the system's
 * setting from then on. `onChange` runs after every later change (the canvas charts, which
 * read the colours when they are drawn, redraw).
 */
export function applyTheme(
  root: HTMLElement,
  choice: ThemeChoice,
  media: MediaQueryList | undefined,
  onChange: (theme: Theme) => void = () => {},
): Theme {
  const set = () => {
    const theme = resolveTheme(choice, media?.matches ?? false);
    root.dataset.theme = theme;
    return theme;
  };
  if (choice === 'auto' && media) media.addEventListener('change', () => onChange(set()));
  return set();
}

/** A CSS custom property's value on `el` (a theme colour), or `fallback` when it is not set. */
export function themeColor(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}
