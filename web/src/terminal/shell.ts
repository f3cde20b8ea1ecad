// Connects the terminal, the line editor and the lab: each submitted line goes to
// lab.exec() and its text is printed; Tab asks lab.complete().

import type { Terminal } from '@xterm/xterm';
import { History } from './history';
import { LineEditor } from './lineEditor';
import type { Completion, ExecResult } from '../lab/protocol';

export interface ShellLab {
  exec(line: string): Promise<ExecResult>;
  complete(lineUpToCursor: string): Promise<Completion>;
  /** Ctrl-C while a command runs: stop it (LabClient.interrupt). */
  interrupt?(): void;
}

const RED = '\x1b[31m';
// Secondary text: bright black, which the theme sets to a grey that keeps 6:1 contrast (SGR 2,
// faint, halves the colour's opacity and drops under WCAG's 4.5:1).
const DIM = '\x1b[90m';
const RESET = '\x1b[0m';

/** Terminal text: "\n" becomes "\r\n" (xterm does not return the carriage by itself). */
export function toTerminalText(text: string): string {
  if (text === '') return '';
  const body = text.replace(/\r?\n/g, '\r\n');
  return body.endsWith('\r\n') ? body : body + '\r\n';
}

/** The lab's text with every control character but newline and tab shown escaped (`\x1b`), so
 *  nothing a script or a typed argument echoes can drive the terminal (move the cursor, retitle
 *  the window, ring the bell). C1 controls (U+0080–U+009F) are terminal commands too. */
export function escapeControls(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export class LabShell {
  readonly editor: LineEditor;

  constructor(
    private readonly term: Terminal,
    private readonly lab: ShellLab,
    /** Formats a failure of the lab itself (worker gone), in the UI language. */
    private readonly describeFailure: (reason: string) => string,
    /** The line saying the lab was restarted because a command did not stop (Ctrl-C). */
    private readonly describeRestart: () => string = () => 'the lab was restarted',
  ) {
    this.editor = new LineEditor({
      columns: term.cols,
      write: (data) => term.write(data),
      prompt: '\x1b[1;32mrtlab>\x1b[0m ',
      history: new History(),
      complete: (line) => this.lab.complete(line),
      onSubmit: (line) => this.run(line),
      onInterrupt: () => this.interrupt(),
    });
    // Ctrl-C with text selected copies it, as elsewhere in the browser; without a selection it
    // reaches the line editor as an interrupt.
    term.attachCustomKeyEventHandler(
      (event) =>
        !(event.type === 'keydown' && event.ctrlKey && !event.shiftKey && !event.altKey &&
          event.key.toLowerCase() === 'c' && term.hasSelection()),
    );
    // Keys typed before start() are queued by the editor and handled once the lab is ready.
    term.onData((data) => {
      // Read-only (an embed's readonly=1): keys do nothing but Ctrl-C; commands still come
      // from the page (typeCommand calls the editor directly).
      if (this.readOnly && data !== '\x03') return;
      this.editor.handle(data);
    });
    term.onResize(({ cols }) => this.editor.setColumns(cols));
  }

  /** True: the learner's keys are ignored (but Ctrl-C); the page's own commands still run. */
  readOnly = false;

  /** Prints the banner and shows the prompt. */
  start(banner: readonly string[]): void {
    this.term.write('\r\x1b[K'); // replaces the "loading" line
    const [first, ...rest] = banner;
    this.term.write(toTerminalText(`\x1b[1m${first ?? ''}${RESET}`));
    for (const line of rest) this.term.write(toTerminalText(`${DIM}${line}${RESET}`));
    this.editor.start();
  }

  /** Shows a dim status line (e.g. "loading…") until start() or fail() replaces it. */
  status(text: string): void {
    this.term.write(`\r\x1b[K${DIM}${text}${RESET}`);
  }

  /** The lab could not start: one red line, no prompt. */
  fail(line: string): void {
    // Hide the cursor: there is no prompt to type at.
    this.term.write('\r\x1b[K' + toTerminalText(RED + line + RESET) + '\x1b[?25l');
  }

  /** Stops the command under way (Ctrl-C, or the page's stop button); no-op at the prompt. */
  interrupt(): void {
    if (!this.running || this.interrupted) return;
    this.interrupted = true;
    this.term.write(`${DIM}^C${RESET}\r\n`);
    this.lab.interrupt?.();
  }

  /** True while a typed command runs. */
  get busy(): boolean {
    return this.running;
  }

  /** Told when a typed command starts and ends (the page shows its stop button meanwhile). */
  onBusyChange: (busy: boolean) => void = () => {};

  private running = false;
  private interrupted = false;

  private async run(line: string): Promise<void> {
    this.running = true;
    this.interrupted = false;
    this.onBusyChange(true);
    try {
      await this.runLine(line);
    } finally {
      this.running = false;
      this.onBusyChange(false);
    }
  }

  private async runLine(line: string): Promise<void> {
    let result: ExecResult;
    try {
      result = await this.lab.exec(line);
    } catch (error) {
      if (error instanceof Error && error.name === 'LabRestartedError') {
        this.term.write(toTerminalText(RED + this.describeRestart() + RESET));
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      this.term.write(toTerminalText(RED + this.describeFailure(reason) + RESET));
      return;
    }
    const text = escapeControls(result.text);
    if (result.ok) this.term.write(toTerminalText(text));
    else this.term.write(toTerminalText(RED + text + RESET));
  }
}
