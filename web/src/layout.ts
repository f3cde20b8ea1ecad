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

// The lesson's width and the terminal's height, in pixels: at least these, and at most what
// leaves the views room on this window.
const COURSE_MIN = 220;
const TERMINAL_MIN = 160;
const courseMax = () => Math.max(260, window.innerWidth - 420);
const terminalMax = () => Math.max(200, window.innerHeight - 220);

export class Layout {
  private readonly sizes = loadSizes();
  /** Each splitter's ARIA value (its part's size in pixels), refreshed after every change. */
  private readonly splitterValues: (() => void)[] = [];

  constructor(private readonly opts: LayoutOptions) {
    this.apply();
    this.wireSplitter('split-course', 'x', (delta, start) => {
      this.sizes.course = clamp(start + delta, COURSE_MIN, courseMax());
    }, () => this.courseWidth());
    this.wireSplitter('split-terminal', 'y', (delta, start) => {
      // Dragging down makes the terminal smaller.
      this.sizes.terminal = clamp(start - delta, TERMINAL_MIN, terminalMax());
    }, () => this.terminalHeight());
    this.describeSplitters();
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
      style.setProperty('--course-width', `${clamp(this.sizes.course, COURSE_MIN, courseMax())}px`);
    }
    if (this.sizes.terminal) {
      style.setProperty('--terminal-height', `${clamp(this.sizes.terminal, TERMINAL_MIN, terminalMax())}px`);
    }
    this.opts.onResize();
    this.describeSplitters();
  }

  private describeSplitters(): void {
    for (const describe of this.splitterValues) describe();
  }

  private wireSplitter(id: string, axis: 'x' | 'y', move: (delta: number, start: number) => void, current: () => number): void {
    const handle = document.getElementById(id);
    if (!handle) return;
    // A focusable separator is a slider to assistive technology: it has a value.
    const [min, max] = axis === 'x' ? [COURSE_MIN, courseMax] : [TERMINAL_MIN, terminalMax];
    handle.setAttribute('aria-valuemin', String(min));
    this.splitterValues.push(() => {
      handle.setAttribute('aria-valuemax', String(max()));
      handle.setAttribute('aria-valuenow', String(clamp(Math.round(current()), min, max())));
    });
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
