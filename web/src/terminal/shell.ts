// Connects the terminal, the line editor and the lab: each submitted line goes to
// lab.exec() and its text is printed; Tab asks lab.complete().

import type { Terminal } from '@xterm/xterm';
import { History } from './history';
import { LineEditor } from './lineEditor';
import type { Completion, ExecResult } from '../lab/protocol';

export interface ShellLab {
  exec(line: string): Promise<ExecResult>;
  complete(lineUpToCursor: string): Promise<Completion>;
}

const RED = '\x1b[31m';
const DIM = '\x1b[2m';
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
  ) {
    this.editor = new LineEditor({
      columns: term.cols,
      write: (data) => term.write(data),
      prompt: '\x1b[1;32mrtlab>\x1b[0m ',
      history: new History(),
      complete: (line) => this.lab.complete(line),
      onSubmit: (line) => this.run(line),
    });
    // Keys typed before start() are queued by the editor and handled once the lab is ready.
    term.onData((data) => this.editor.handle(data));
    term.onResize(({ cols }) => this.editor.setColumns(cols));
  }

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

  private async run(line: string): Promise<void> {
    let result: ExecResult;
    try {
      result = await this.lab.exec(line);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.term.write(toTerminalText(RED + this.describeFailure(reason) + RESET));
      return;
    }
    const text = escapeControls(result.text);
    if (result.ok) this.term.write(toTerminalText(text));
    else this.term.write(toTerminalText(RED + text + RESET));
  }
}
