// A small readline for xterm.js. xterm.js only reports input (onData); echo, cursor movement,
// history and completion are ours. This class knows nothing about the DOM: it takes input
// chunks and produces the escape sequences to write, so it is tested in Node.
//
// Drawing strategy: after each change the whole input line is redrawn — go back to where the
// prompt starts, erase to the end of the screen, write prompt + text, then move the cursor to
// its place. That is simple and stays correct with wide (CJK) characters and with lines that
// wrap past the terminal width, which incremental echo gets wrong. To go back, we remember on
// which row (relative to the prompt) we left the terminal cursor.
//
// Input that arrives while a command runs or a completion is pending is queued, not lost,
// and replayed in order once the prompt is back.

import { planCompletion, formatColumns, type Completion } from './completion';
import type { History } from './history';
import { KEYS, isText, tokenize } from './keys';
import { codePointWidths, graphemes } from './width';

const CSI = '\x1b[';

export interface LineEditorOptions {
  /** Terminal width in cells. Update with setColumns() on resize. */
  columns: number;
  /** Where the editor's output goes (term.write). */
  write: (data: string) => void;
  /** The prompt; may contain SGR color sequences (they take no cells). */
  prompt?: string;
  history?: History;
  /** Tab completion: given the text up to the cursor, the token and its candidates. */
  complete?: (lineUpToCursor: string) => Promise<Completion> | Completion;
  /**
   * Called with a submitted, non-blank line after the editor has moved to a new row. The
   * handler prints the output; the prompt comes back when its promise settles.
   */
  onSubmit?: (line: string) => Promise<void> | void;
  /**
   * Ctrl-C while a command runs: called at once instead of being queued behind the command
   * (at the prompt, Ctrl-C drops the line being typed, as in a shell).
   */
  onInterrupt?: () => void;
}

interface Pos {
  row: number;
  col: number;
}

interface Layout {
  /** Screen position (relative to the prompt's first cell) of each cursor index 0..n. */
  at: Pos[];
  /** Where the terminal cursor is after writing prompt + text (and the newline, if wrapped). */
  end: Pos;
  /** The text ends exactly at the right margin: a newline must follow to settle the cursor. */
  endsAtMargin: boolean;
}

export class LineEditor {
  readonly prompt: string;
  private readonly promptWidths: number[];
  private columns: number;
  private readonly options: LineEditorOptions;

  private chars: string[] = []; // grapheme clusters
  private cursor = 0; // index into chars
  /** Row of the terminal cursor relative to the prompt's row, as last drawn. */
  private cursorRow = 0;

  private started = false;
  private busy = false; // a command or a completion is in flight
  private dirty = false;
  private lastWasTab = false;
  private readonly queue: string[] = [];
  private idleWaiters: Array<() => void> = [];

  constructor(options: LineEditorOptions) {
    this.options = options;
    this.prompt = options.prompt ?? 'rtlab> ';
    this.promptWidths = codePointWidths(this.prompt.replace(/\x1b\[[0-9;]*m/g, ''));
    this.columns = Math.max(1, options.columns);
  }

  /** The text being edited. */
  get line(): string {
    return this.chars.join('');
  }

  /** The cursor as a grapheme index into `line`. */
  get cursorIndex(): number {
    return this.cursor;
  }

  /** True while a command or completion runs (input is being queued). */
  get isBusy(): boolean {
    return !this.started || this.busy;
  }

  /** Shows the prompt and starts handling input (including input queued before). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.showPrompt();
    this.pump();
  }

  /** Feeds input from term.onData. */
  handle(data: string): void {
    for (const token of tokenize(data)) {
      if (token === '\x03' && this.started && this.busy && this.options.onInterrupt) this.options.onInterrupt();
      else this.queue.push(token);
    }
    this.pump();
  }

  /** Resolves once all queued input has been handled and nothing is in flight. */
  whenIdle(): Promise<void> {
    if (this.started && !this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The terminal was resized. xterm reflows wrapped rows; we recompute and redraw. */
  setColumns(columns: number): void {
    columns = Math.max(1, columns);
    if (columns === this.columns) return;
    this.columns = columns;
    if (this.started && !this.busy) {
      this.cursorRow = this.layout().at[this.cursor]!.row;
      this.render();
    }
  }

  /** Prints text above the input line (e.g. a notice) and redraws the prompt below it. */
  printAbove(text: string): void {
    const body = text.replace(/\r?\n/g, '\r\n') + (text.endsWith('\n') ? '' : '\r\n');
    if (!this.started || this.busy) {
      this.options.write(body);
      return;
    }
    this.options.write(this.up(this.cursorRow) + '\r' + CSI + 'J' + body);
    this.cursorRow = 0;
    this.render();
  }

  // ---- input processing ----

  private pump(): void {
    while (this.started && !this.busy && this.queue.length > 0) {
      this.process(this.queue.shift()!);
    }
    this.flush();
    if (this.started && !this.busy && this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }

  private process(token: string): void {
    const key = isText(token) ? 'text' : KEYS[token];
    const wasTab = this.lastWasTab;
    this.lastWasTab = key === 'tab';
    switch (key) {
      case 'text':
        this.insert(token);
        break;
      case 'left':
        this.moveTo(this.cursor - 1);
        break;
      case 'right':
        this.moveTo(this.cursor + 1);
        break;
      case 'home':
        this.moveTo(0);
        break;
      case 'end':
        this.moveTo(this.chars.length);
        break;
      case 'wordLeft':
        this.moveTo(this.wordStart());
        break;
      case 'wordRight':
        this.moveTo(this.wordEnd());
        break;
      case 'backspace':
        if (this.cursor > 0) this.splice(this.cursor - 1, this.cursor);
        break;
      case 'delete':
      case 'eof': // Ctrl-D deletes the character under the cursor; there is no shell to leave
        if (this.cursor < this.chars.length) this.splice(this.cursor, this.cursor + 1);
        break;
      case 'killToStart':
        this.splice(0, this.cursor);
        break;
      case 'killToEnd':
        this.splice(this.cursor, this.chars.length);
        break;
      case 'killWord':
        this.splice(this.wordStart(), this.cursor);
        break;
      case 'up':
        this.recall(this.options.history?.previous(this.line));
        break;
      case 'down':
        this.recall(this.options.history?.next());
        break;
      case 'interrupt':
        this.finishLine('^C');
        this.options.history?.resetNavigation();
        this.reset();
        this.showPrompt();
        break;
      case 'clear':
        this.options.write(CSI + 'H' + CSI + '2J');
        this.cursorRow = 0;
        this.dirty = true;
        break;
      case 'enter':
        this.submit();
        break;
      case 'tab':
        this.completeAtCursor(wasTab);
        break;
      default:
        break; // unknown keys (F1, PageUp, ...) are ignored
    }
  }

  private insert(text: string): void {
    const before = this.chars.slice(0, this.cursor).join('') + text;
    const after = this.chars.slice(this.cursor).join('');
    // Re-segment the whole line so a combining mark joins the character before it.
    this.chars = graphemes(before + after);
    this.cursor = Math.min(graphemes(before).length, this.chars.length);
    this.dirty = true;
  }

  private splice(from: number, to: number): void {
    if (to <= from) return;
    this.chars.splice(from, to - from);
    this.cursor = from;
    this.dirty = true;
  }

  private moveTo(index: number): void {
    const clamped = Math.max(0, Math.min(this.chars.length, index));
    if (clamped !== this.cursor) {
      this.cursor = clamped;
      this.dirty = true;
    }
  }

  private isSpace(i: number): boolean {
    return /^\s+$/.test(this.chars[i]!);
  }

  /** Start of the word before the cursor (Ctrl-W, word-left): skip spaces, then non-spaces. */
  private wordStart(): number {
    let i = this.cursor;
    while (i > 0 && this.isSpace(i - 1)) i--;
    while (i > 0 && !this.isSpace(i - 1)) i--;
    return i;
  }

  private wordEnd(): number {
    let i = this.cursor;
    while (i < this.chars.length && this.isSpace(i)) i++;
    while (i < this.chars.length && !this.isSpace(i)) i++;
    return i;
  }

  private recall(entry: string | undefined): void {
    if (entry === undefined) return;
    this.chars = graphemes(entry);
    this.cursor = this.chars.length;
    this.dirty = true;
  }

  private reset(): void {
    this.chars = [];
    this.cursor = 0;
  }

  private submit(): void {
    const line = this.line;
    this.finishLine('');
    this.options.history?.add(line);
    this.reset();
    if (line.trim() === '' || !this.options.onSubmit) {
      this.showPrompt();
      return;
    }
    this.runBusy(() => this.options.onSubmit!(line), () => this.showPrompt());
  }

  private completeAtCursor(secondTab: boolean): void {
    const complete = this.options.complete;
    if (!complete) return;
    const upToCursor = this.chars.slice(0, this.cursor).join('');
    this.runBusy(
      async () => {
        const completion = await complete(upToCursor);
        this.applyCompletion(completion, secondTab);
      },
      () => {},
    );
  }

  private applyCompletion(completion: Completion, secondTab: boolean): void {
    const plan = planCompletion(completion, secondTab);
    if (plan.kind === 'none') {
      this.options.write('\x07'); // bell: nothing (more) to complete
      return;
    }
    if (plan.kind === 'list') {
      this.finishLine('');
      const rows = formatColumns(plan.candidates, this.columns);
      this.options.write(rows.map((r) => r + '\r\n').join(''));
      this.cursorRow = 0;
      this.dirty = true;
      return;
    }
    const before = this.chars.slice(0, this.cursor).join('');
    if (!before.endsWith(completion.token)) return; // the lab answered about another text
    const kept = before.slice(0, before.length - completion.token.length);
    const after = this.chars.slice(this.cursor).join('');
    this.chars = graphemes(kept + plan.text + after);
    this.cursor = graphemes(kept + plan.text).length;
    this.dirty = true;
  }

  /** Runs async work with input queued meanwhile; `then` runs before queued input resumes. */
  private runBusy(work: () => Promise<void> | void, then: () => void): void {
    this.flush(); // the screen must show the line as it is before we step away from it
    this.busy = true;
    Promise.resolve()
      .then(work)
      .catch(() => {
        // The caller reports its own errors; the editor must come back in any case.
      })
      .finally(() => {
        this.busy = false;
        then();
        this.pump();
      });
  }

  // ---- drawing ----

  private up(rows: number): string {
    return rows > 0 ? `${CSI}${rows}A` : '';
  }

  /** Places prompt + text into rows the way the terminal's auto-wrap does. */
  private layout(): Layout {
    const cols = this.columns;
    let row = 0;
    let col = 0;
    const place = (w: number): void => {
      if (w === 0) return;
      if (col + w > cols) {
        row++;
        col = 0;
      }
      col += w;
    };
    this.promptWidths.forEach(place);
    const at: Pos[] = [];
    for (const ch of this.chars) {
      // A character that does not fit (e.g. a wide one in the last column) starts the next row.
      const first = codePointWidths(ch).find((w) => w > 0) ?? 0;
      at.push(col + Math.max(first, 1) > cols ? { row: row + 1, col: 0 } : { row, col });
      codePointWidths(ch).forEach(place);
    }
    const endsAtMargin = col >= cols;
    const end = endsAtMargin ? { row: row + 1, col: 0 } : { row, col };
    at.push(end);
    return { at, end, endsAtMargin };
  }

  private render(): void {
    const { at, end, endsAtMargin } = this.layout();
    const target = at[this.cursor]!;
    let out = this.up(this.cursorRow) + '\r' + CSI + 'J' + this.prompt + this.line;
    // At the right margin the terminal cursor waits in a "pending wrap" state where relative
    // moves are ambiguous; a newline puts it on the next row for sure.
    if (endsAtMargin) out += '\r\n';
    if (target.row !== end.row || target.col !== end.col) {
      out += this.up(end.row - target.row) + '\r' + (target.col > 0 ? `${CSI}${target.col}C` : '');
    }
    this.cursorRow = target.row;
    this.dirty = false;
    this.options.write(out);
  }

  private flush(): void {
    if (this.dirty && this.started && !this.busy) this.render();
  }

  private showPrompt(): void {
    this.cursorRow = 0;
    this.render();
  }

  /** Moves below the input line (after an optional marker like ^C) to start a new row. */
  private finishLine(marker: string): void {
    this.flush();
    const { end, endsAtMargin } = this.layout();
    const down = end.row - this.cursorRow;
    let out = (down > 0 ? `${CSI}${down}B` : '') + '\r' + (end.col > 0 ? `${CSI}${end.col}C` : '');
    // With endsAtMargin the cursor is already at the start of a fresh row.
    out += marker + (marker !== '' || !endsAtMargin ? '\r\n' : '');
    this.options.write(out);
    this.cursorRow = 0;
  }
}
