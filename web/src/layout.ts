// The page's layout for learning: the lesson on the left, the current view above the terminal
// on the right, with two splitters whose positions this device remembers; the views as tabs;
// a focus mode with one view full-width over the terminal. On narrow screens (one column) the
// splitters hide and CSS stacks lesson, terminal and views.

const SIZES_KEY = 'rtlab.layout';

interface Sizes {
  /** The lesson panel's width, px. */
  course?: number;
  /** The terminal's height, px. */
  terminal?: number;
}

function loadSizes(): Sizes {
  try {
    const raw = JSON.parse(localStorage.getItem(SIZES_KEY) ?? '{}') as Sizes;
    const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0 && n < 10_000;
    return { course: ok(raw.course) ? raw.course : undefined, terminal: ok(raw.terminal) ? raw.terminal : undefined };
  } catch {
    return {};
  }
}

function saveSizes(sizes: Sizes): void {
  try {
    localStorage.setItem(SIZES_KEY, JSON.stringify(sizes));
  } catch {
    // not remembered
  }
}

export type ViewTab = 'scheduler' | 'heap' | 'metrics';

export interface LayoutOptions {
  root: HTMLElement;
  /** Called after anything changed the terminal's size (xterm's fit addon refits). */
  onResize: () => void;
}

/** Keeps a splitter's value within what leaves the other parts usable. */
function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

export class Layout {
  private readonly sizes = loadSizes();

  constructor(private readonly opts: LayoutOptions) {
    this.apply();
    this.wireSplitter('split-course', 'x', (delta, start) => {
      this.sizes.course = clamp(start + delta, 220, Math.max(260, window.innerWidth - 420));
    }, () => this.courseWidth());
    this.wireSplitter('split-terminal', 'y', (delta, start) => {
      // Dragging down makes the terminal smaller.
      this.sizes.terminal = clamp(start - delta, 160, Math.max(200, window.innerHeight - 220));
    }, () => this.terminalHeight());
    for (const tab of opts.root.querySelectorAll<HTMLButtonElement>('.view-tabs [data-tab]')) {
      tab.addEventListener('click', () => this.showTab(tab.dataset.tab as ViewTab));
    }
    this.showTab(this.tab, true);
    const focus = document.getElementById('focus-toggle');
    focus?.addEventListener('click', () => this.setFocus(!opts.root.classList.contains('focus')));
    window.addEventListener('resize', () => this.apply());
  }

  private courseWidth(): number {
    return document.getElementById('course-panel')?.getBoundingClientRect().width ?? 360;
  }

  private terminalHeight(): number {
    return this.opts.root.querySelector('.terminal-panel')?.getBoundingClientRect().height ?? 300;
  }

  private apply(): void {
    const style = this.opts.root.style;
    // Sizes chosen on a larger window still leave the other parts room on this one.
    if (this.sizes.course) {
      style.setProperty('--course-width', `${clamp(this.sizes.course, 220, Math.max(260, window.innerWidth - 420))}px`);
    }
    if (this.sizes.terminal) {
      style.setProperty('--terminal-height', `${clamp(this.sizes.terminal, 160, Math.max(200, window.innerHeight - 220))}px`);
    }
    this.opts.onResize();
  }

  private wireSplitter(id: string, axis: 'x' | 'y', move: (delta: number, start: number) => void, current: () => number): void {
    const handle = document.getElementById(id);
    if (!handle) return;
    let origin = 0;
    let start = 0;
    const onMove = (e: PointerEvent) => {
      move((axis === 'x' ? e.clientX : e.clientY) - origin, start);
      this.apply();
    };
    const onUp = (e: PointerEvent) => {
      handle.releasePointerCapture(e.pointerId);
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      handle.classList.remove('dragging');
      saveSizes(this.sizes);
    };
    handle.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      origin = axis === 'x' ? e.clientX : e.clientY;
      start = current();
      handle.setPointerCapture(e.pointerId);
      handle.classList.add('dragging');
      handle.addEventListener('pointermove', onMove);
      handle.addEventListener('pointerup', onUp);
    });
    // The keyboard moves it too (a separator is focusable): arrows by 24 px.
    handle.addEventListener('keydown', (e) => {
      const step = { ArrowLeft: -24, ArrowUp: -24, ArrowRight: 24, ArrowDown: 24 }[e.key];
      if (step === undefined) return;
      e.preventDefault();
      move(step, current());
      this.apply();
      saveSizes(this.sizes);
    });
  }

  get tab(): ViewTab {
    return (this.opts.root.querySelector<HTMLElement>('.cards')?.dataset.tabShown as ViewTab) ?? 'scheduler';
  }

  /** Shows one tab's views; the others keep their state and redraw when shown again. */
  showTab(tab: ViewTab, force = false): void {
    const cards = this.opts.root.querySelector<HTMLElement>('.cards');
    if (!cards || (cards.dataset.tabShown === tab && !force)) return;
    cards.dataset.tabShown = tab;
    for (const card of cards.querySelectorAll<HTMLElement>('.card[data-tab]')) card.hidden = card.dataset.tab !== tab;
    for (const button of this.opts.root.querySelectorAll<HTMLButtonElement>('.view-tabs [data-tab]')) {
      button.setAttribute('aria-selected', String(button.dataset.tab === tab));
    }
    this.opts.onResize();
  }

  setFocus(on: boolean): void {
    this.opts.root.classList.toggle('focus', on);
    document.getElementById('focus-toggle')?.setAttribute('aria-pressed', String(on));
    this.opts.onResize();
  }
}
