// Test harness: a real terminal emulator (xterm.js headless, Unicode 11 widths, as on the
// page) fed by a LineEditor, so tests check what the learner would actually see.
import headless from '@xterm/headless';
import unicode11 from '@xterm/addon-unicode11';
import { LineEditor, type LineEditorOptions } from '../../web/src/terminal/lineEditor';

export const PROMPT = 'rtlab> ';

export interface Harness {
  term: headless.Terminal;
  editor: LineEditor;
  submitted: string[];
  /** Feeds input, waits until the editor is idle and the terminal has drawn everything. */
  type(data: string): Promise<void>;
  /** Visible rows with trailing spaces trimmed, the trailing empty rows dropped. */
  screen(): string[];
  /** Cursor position on the screen (row in the viewport, column). */
  cursor(): { row: number; col: number };
  /** Resizes terminal and editor like the page does. */
  resize(cols: number): Promise<void>;
  /** Waits for all writes to be parsed. */
  settle(): Promise<void>;
}

export async function makeHarness(
  options: Partial<LineEditorOptions> & { cols?: number; rows?: number } = {},
): Promise<Harness> {
  const cols = options.cols ?? 40;
  const term = new headless.Terminal({ cols, rows: options.rows ?? 12, allowProposedApi: true });
  term.loadAddon(new unicode11.Unicode11Addon());
  term.unicode.activeVersion = '11';
  const submitted: string[] = [];
  const editor = new LineEditor({
    columns: cols,
    write: (data) => term.write(data),
    onSubmit: (line) => {
      submitted.push(line);
    },
    ...options,
  });
  const settle = () => new Promise<void>((resolve) => term.write('', resolve));
  editor.start();
  await settle();
  return {
    term,
    editor,
    submitted,
    settle,
    async type(data) {
      editor.handle(data);
      await editor.whenIdle();
      await settle();
    },
    screen() {
      const buffer = term.buffer.active;
      const rows: string[] = [];
      for (let i = 0; i < term.rows; i++) {
        rows.push((buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '').trimEnd());
      }
      while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
      return rows;
    },
    cursor() {
      const buffer = term.buffer.active;
      return { row: buffer.cursorY, col: buffer.cursorX };
    },
    async resize(newCols) {
      term.resize(newCols, term.rows);
      editor.setColumns(newCols);
      await settle();
    },
  };
}
