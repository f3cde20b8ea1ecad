import { describe, expect, it } from 'vitest';
import { History } from '../../web/src/terminal/history';
import { tokenize } from '../../web/src/terminal/keys';
import type { Completion } from '../../web/src/terminal/completion';
import { makeHarness, PROMPT } from './harness';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';

/** A promise with its resolve function, to hold a "command" running. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('tokenize', () => {
  it('splits escape sequences, control keys and text runs', () => {
    expect(tokenize('ab\x1b[Dc\x7f\x1bOH\x1b[3~中文\r')).toEqual([
      'ab', '\x1b[D', 'c', '\x7f', '\x1bOH', '\x1b[3~', '中文', '\r',
    ]);
    expect(tokenize('\x1b[1;5C')).toEqual(['\x1b[1;5C']);
  });

  it('treats a pasted CRLF as one Enter', () => {
    expect(tokenize('a\r\nb\nc')).toEqual(['a', '\r', 'b', '\n', 'c']);
  });
});

describe('LineEditor', () => {
  it('shows the prompt and echoes typed text', async () => {
    const h = await makeHarness();
    expect(h.screen()).toEqual([PROMPT.trimEnd()]);
    await h.type('help');
    expect(h.screen()).toEqual(['rtlab> help']);
    expect(h.cursor()).toEqual({ row: 0, col: 11 });
  });

  it('submits on Enter and comes back with a new prompt', async () => {
    const h = await makeHarness();
    await h.type('version\r');
    expect(h.submitted).toEqual(['version']);
    expect(h.screen()).toEqual(['rtlab> version', 'rtlab>']);
    expect(h.cursor()).toEqual({ row: 1, col: 7 });
  });

  it('does not submit blank lines', async () => {
    const h = await makeHarness();
    await h.type('   \r');
    expect(h.submitted).toEqual([]);
    expect(h.screen()).toEqual(['rtlab>', 'rtlab>']);
  });

  it('moves left and right and inserts in the middle', async () => {
    const h = await makeHarness();
    await h.type('hlp' + LEFT + LEFT + 'e');
    expect(h.editor.line).toBe('help');
    expect(h.editor.cursorIndex).toBe(2);
    expect(h.cursor().col).toBe(7 + 2);
    await h.type(RIGHT + RIGHT + RIGHT); // past the end is a no-op
    expect(h.editor.cursorIndex).toBe(4);
    await h.type('\x1bOD'); // application-mode left
    expect(h.editor.cursorIndex).toBe(3);
    expect(h.screen()).toEqual(['rtlab> help']);
  });

  it.each([
    ['\x1b[H', 'CSI H'], ['\x1b[1~', 'CSI 1~'], ['\x1bOH', 'SS3 H'], ['\x01', 'Ctrl-A'],
  ])('Home: %j (%s)', async (key) => {
    const h = await makeHarness();
    await h.type('abc' + key);
    expect(h.editor.cursorIndex).toBe(0);
    expect(h.cursor()).toEqual({ row: 0, col: 7 });
  });

  it.each([
    ['\x1b[F', 'CSI F'], ['\x1b[4~', 'CSI 4~'], ['\x1bOF', 'SS3 F'], ['\x05', 'Ctrl-E'],
  ])('End: %j (%s)', async (key) => {
    const h = await makeHarness();
    await h.type('abc\x01' + key);
    expect(h.editor.cursorIndex).toBe(3);
    expect(h.cursor()).toEqual({ row: 0, col: 10 });
  });

  it.each([['\x7f'], ['\b']])('Backspace %j deletes before the cursor', async (key) => {
    const h = await makeHarness();
    await h.type('helpx' + key);
    expect(h.screen()).toEqual(['rtlab> help']);
    await h.type(LEFT + LEFT + key); // "he|lp" -> "h|lp"
    expect(h.editor.line).toBe('hlp');
    expect(h.screen()).toEqual(['rtlab> hlp']);
    expect(h.cursor().col).toBe(8);
    await h.type('\x01' + key); // at the start: nothing
    expect(h.editor.line).toBe('hlp');
  });

  it('Delete removes the character under the cursor', async () => {
    const h = await makeHarness();
    await h.type('helxp' + LEFT + LEFT + '\x1b[3~');
    expect(h.editor.line).toBe('help');
    expect(h.screen()).toEqual(['rtlab> help']);
    await h.type('\x05\x1b[3~'); // at the end: nothing
    expect(h.editor.line).toBe('help');
  });

  it('Ctrl-U kills to the start of the line', async () => {
    const h = await makeHarness();
    await h.type('env GOGC=50' + LEFT + LEFT + '\x15');
    expect(h.editor.line).toBe('50');
    expect(h.editor.cursorIndex).toBe(0);
    expect(h.screen()).toEqual(['rtlab> 50']);
  });

  it('Ctrl-W kills the previous word', async () => {
    const h = await makeHarness();
    await h.type('run fanout  --procs 4  \x17');
    expect(h.editor.line).toBe('run fanout  --procs ');
    await h.type('\x17\x17');
    expect(h.editor.line).toBe('run ');
    expect(h.screen()).toEqual(['rtlab> run']);
  });

  it('Ctrl-C abandons the line, prints ^C and a new prompt', async () => {
    const h = await makeHarness();
    await h.type('some text' + LEFT + LEFT + '\x03');
    expect(h.submitted).toEqual([]);
    expect(h.editor.line).toBe('');
    expect(h.screen()).toEqual(['rtlab> some text^C', 'rtlab>']);
    expect(h.cursor()).toEqual({ row: 1, col: 7 });
  });

  it('Ctrl-L clears the screen and keeps the line being edited', async () => {
    const h = await makeHarness();
    await h.type('one\rtwo\rthree' + LEFT + '\x0c');
    expect(h.screen()).toEqual(['rtlab> three']);
    expect(h.cursor()).toEqual({ row: 0, col: 11 });
  });

  it('measures CJK text as two cells per character', async () => {
    const h = await makeHarness();
    await h.type('中文ab');
    expect(h.cursor().col).toBe(7 + 6);
    await h.type(LEFT + LEFT + LEFT); // between 中 and 文
    expect(h.editor.cursorIndex).toBe(1);
    expect(h.cursor().col).toBe(9);
    await h.type('\x7f'); // delete 中
    expect(h.editor.line).toBe('文ab');
    expect(h.screen()).toEqual(['rtlab> 文ab']);
    expect(h.cursor().col).toBe(7);
    await h.type('中');
    expect(h.screen()).toEqual(['rtlab> 中文ab']);
    expect(h.cursor().col).toBe(9);
  });

  it('keeps combining marks with their letter', async () => {
    const h = await makeHarness();
    await h.type('cafe\u0301!' + LEFT + LEFT);
    expect(h.editor.cursorIndex).toBe(3);
    expect(h.cursor().col).toBe(7 + 3);
  });

  it('follows the cursor across wrapped rows', async () => {
    const h = await makeHarness({ cols: 20 });
    const text = 'abcdefghijklmnopqrstuvwxyz0123'; // 30 chars, prompt 7 -> rows of 20
    await h.type(text);
    expect(h.screen()).toEqual(['rtlab> abcdefghijklm', 'nopqrstuvwxyz0123']);
    expect(h.cursor()).toEqual({ row: 1, col: 17 });
    await h.type('\x01');
    expect(h.cursor()).toEqual({ row: 0, col: 7 });
    await h.type('\x1b[F' + LEFT.repeat(18)); // back onto the first row
    expect(h.cursor()).toEqual({ row: 0, col: 19 });
    await h.type('XYZ'); // inserting pushes text onto the next row
    expect(h.screen()).toEqual(['rtlab> abcdefghijklX', 'YZmnopqrstuvwxyz0123']);
    expect(h.cursor()).toEqual({ row: 1, col: 2 });
    await h.type('\x15'); // kill to start: the second row must be erased, not left behind
    expect(h.screen()).toEqual(['rtlab> mnopqrstuvwxy', 'z0123']);
    expect(h.cursor()).toEqual({ row: 0, col: 7 });
    await h.type('\r');
    expect(h.submitted).toEqual(['mnopqrstuvwxyz0123']);
    expect(h.screen()).toEqual(['rtlab> mnopqrstuvwxy', 'z0123', 'rtlab>']);
  });

  it('handles text that ends exactly at the right margin', async () => {
    const h = await makeHarness({ cols: 10 });
    await h.type('abc'); // 7 + 3 = 10 cells: the cursor moves to the next row
    expect(h.cursor()).toEqual({ row: 1, col: 0 });
    await h.type(LEFT);
    expect(h.cursor()).toEqual({ row: 0, col: 9 });
    await h.type('\x05d');
    expect(h.screen()).toEqual(['rtlab> abc', 'd']);
    expect(h.cursor()).toEqual({ row: 1, col: 1 });
    await h.type('\x7f\x7f');
    expect(h.screen()).toEqual(['rtlab> ab']);
    expect(h.cursor()).toEqual({ row: 0, col: 9 });
    await h.type('c\r'); // submitting at the margin adds no blank row
    expect(h.screen()).toEqual(['rtlab> abc', 'rtlab>']);
  });

  it('wraps a wide character that does not fit in the last column', async () => {
    const h = await makeHarness({ cols: 10 });
    await h.type('ab中'); // 7 + 2 = 9: 中 needs two cells, only one is left
    expect(h.screen()).toEqual(['rtlab> ab', '中']);
    expect(h.cursor()).toEqual({ row: 1, col: 2 });
    await h.type(LEFT);
    expect(h.cursor()).toEqual({ row: 1, col: 0 });
    await h.type(LEFT);
    expect(h.cursor()).toEqual({ row: 0, col: 8 });
    await h.type('\x05文字');
    expect(h.screen()).toEqual(['rtlab> ab', '中文字']);
    expect(h.cursor()).toEqual({ row: 1, col: 6 });
  });

  it('inserts pasted text in one go, CJK included', async () => {
    const h = await makeHarness();
    await h.type('env ' + '\x01');
    await h.type('说明 ');
    expect(h.editor.line).toBe('说明 env ');
    expect(h.cursor().col).toBe(7 + 5);
  });

  it('submits each line of a multi-line paste in order', async () => {
    const gates = [deferred(), deferred()];
    const seen: string[] = [];
    const h = await makeHarness({
      onSubmit: (line) => {
        seen.push(line);
        return gates[seen.length - 1]!.promise;
      },
    });
    h.editor.handle('env GOMAXPROCS=4\nversion\n');
    await h.settle();
    expect(seen).toEqual(['env GOMAXPROCS=4']); // the second waits for the first
    gates[0]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual(['env GOMAXPROCS=4', 'version']);
    gates[1]!.resolve();
    await h.editor.whenIdle();
    await h.settle();
    expect(h.screen()).toEqual(['rtlab> env GOMAXPROCS=4', 'rtlab> version', 'rtlab>']);
  });

  it('buffers input typed while a command runs', async () => {
    const gate = deferred();
    const h = await makeHarness({
      onSubmit: async () => {
        await gate.promise;
        h.term.write('output\r\n');
      },
    });
    h.editor.handle('run\r');
    h.editor.handle('ver');
    h.editor.handle('sion');
    await h.settle();
    expect(h.editor.isBusy).toBe(true);
    expect(h.screen()).toEqual(['rtlab> run']); // nothing echoed yet, nothing lost
    gate.resolve();
    await h.editor.whenIdle();
    await h.settle();
    expect(h.screen()).toEqual(['rtlab> run', 'output', 'rtlab> version']);
  });

  it('queues input until start()', async () => {
    const h = await makeHarness();
    // A second editor that has not started: input waits.
    const { LineEditor } = await import('../../web/src/terminal/lineEditor');
    let out = '';
    const later = new LineEditor({ columns: 40, write: (d) => (out += d) });
    later.handle('help');
    expect(out).toBe('');
    later.start();
    expect(later.line).toBe('help');
    expect(out).toContain('rtlab> help');
    expect(h.editor.isBusy).toBe(false);
  });

  it('recalls history with Up and Down, keeping the draft', async () => {
    const history = new History({ storage: null });
    const h = await makeHarness({ history });
    await h.type('help\renv\rver');
    await h.type(UP);
    expect(h.editor.line).toBe('env');
    expect(h.screen().at(-1)).toBe('rtlab> env');
    await h.type(UP + UP); // stops at the oldest
    expect(h.editor.line).toBe('help');
    await h.type(DOWN);
    expect(h.editor.line).toBe('env');
    await h.type(DOWN);
    expect(h.editor.line).toBe('ver');
    expect(h.screen().at(-1)).toBe('rtlab> ver');
    await h.type('\x1bOA'); // application-mode Up
    expect(h.editor.line).toBe('env');
  });

  describe('Tab completion', () => {
    const commands = ['env', 'exit', 'help', 'history', 'version'];
    const complete = (line: string): Completion => {
      const token = /\S*$/.exec(line)![0];
      return { token, candidates: commands.filter((c) => c.startsWith(token)) };
    };

    it('completes a single candidate and adds a space', async () => {
      const h = await makeHarness({ complete });
      await h.type('hel\t');
      expect(h.editor.line).toBe('help ');
      expect(h.screen()).toEqual(['rtlab> help']);
      expect(h.cursor().col).toBe(12);
    });

    it('extends to the common prefix, then lists on the second Tab', async () => {
      const h = await makeHarness({ complete });
      await h.type('h\t');
      expect(h.editor.line).toBe('h'); // help/history share only "h"
      await h.type('\t');
      expect(h.screen()).toEqual(['rtlab> h', 'help     history', 'rtlab> h']);
      expect(h.cursor()).toEqual({ row: 2, col: 8 });
      await h.type('e\t');
      expect(h.editor.line).toBe('help ');
    });

    it('extends an ambiguous token as far as the candidates agree', async () => {
      const h = await makeHarness({
        complete: (line) => ({ token: 'G', candidates: ['GOGC=', 'GOMAXPROCS='] }),
      });
      await h.type('env G\t');
      expect(h.editor.line).toBe('env GO');
    });

    it('does not add a space after a trailing "="', async () => {
      const h = await makeHarness({ complete: () => ({ token: 'GOM', candidates: ['GOMAXPROCS='] }) });
      await h.type('env GOM\t');
      expect(h.editor.line).toBe('env GOMAXPROCS=');
    });

    it('completes in the middle of a line', async () => {
      const h = await makeHarness({ complete });
      await h.type('ver --json' + LEFT.repeat(7) + '\t');
      expect(h.editor.line).toBe('version  --json');
    });

    it('handles keys typed while a completion is pending', async () => {
      const gate = deferred();
      const h = await makeHarness({
        complete: async (line) => {
          await gate.promise;
          return complete(line);
        },
      });
      h.editor.handle('hel\t\r');
      gate.resolve();
      await h.editor.whenIdle();
      expect(h.submitted).toEqual(['help ']);
    });
  });

  it('prints notices above the line being edited', async () => {
    const h = await makeHarness({ cols: 20 });
    await h.type('a long line that wraps' + LEFT.repeat(3));
    h.editor.printAbove('notice one\nnotice two');
    await h.settle();
    expect(h.screen()).toEqual([
      'notice one', 'notice two', 'rtlab> a long line t', 'hat wraps',
    ]);
    expect(h.cursor()).toEqual({ row: 3, col: 6 });
  });

  it('redraws correctly after the terminal is resized', async () => {
    const h = await makeHarness({ cols: 30 });
    await h.type('0123456789abcdefghijklmnopqrstuvwxyz');
    await h.resize(20);
    const joined = h.screen().join('');
    expect(joined).toBe('rtlab> 0123456789abcdefghijklmnopqrstuvwxyz');
    expect(h.cursor()).toEqual({ row: 2, col: 3 });
    await h.type('!');
    expect(h.screen().join('')).toBe('rtlab> 0123456789abcdefghijklmnopqrstuvwxyz!');
  });
});
