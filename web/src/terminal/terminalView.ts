// The xterm.js terminal: creation, theme, and keeping it fitted to its container.

import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import '@xterm/xterm/css/xterm.css';

export interface TerminalView {
  term: Terminal;
  /** Re-fits now (also done automatically on container and window resizes). */
  fit(): void;
}

export function createTerminal(container: HTMLElement): TerminalView {
  const term = new Terminal({
    allowProposedApi: true, // the unicode API used below is still "proposed"
    cursorBlink: true,
    convertEol: false, // the shell writes \r\n itself
    scrollback: 5000,
    fontSize: 14,
    lineHeight: 1.15,
    fontFamily:
      '"JetBrains Mono", "Cascadia Mono", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", ' +
      '"Noto Sans Mono CJK SC", "Sarasa Mono SC", monospace',
    theme: {
      background: '#0f1419',
      foreground: '#d8dee9',
      cursor: '#f0c674',
      cursorAccent: '#0f1419',
      selectionBackground: '#33415580',
      black: '#1d2430', red: '#f07178', green: '#a6e3a1', yellow: '#f0c674',
      blue: '#7aa2f7', magenta: '#c792ea', cyan: '#89ddff', white: '#d8dee9',
      brightBlack: '#8b95a3', brightRed: '#ff8b92', brightGreen: '#c3f0be',
      brightYellow: '#ffd98e', brightBlue: '#9ab8ff', brightMagenta: '#dcb0ff',
      brightCyan: '#a8e8ff', brightWhite: '#ffffff',
    },
  });
  const fitAddon = new FitAddon();
  term.loadAddon(fitAddon);
  // Unicode 11 widths: CJK and emoji take two cells, matching what the line editor measures.
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  term.open(container);

  let scheduled = false;
  const fit = (): void => {
    try {
      fitAddon.fit();
    } catch {
      // A hidden container has no size yet; the next resize fits it.
    }
  };
  // Coalesce bursts of resize events into one fit per frame.
  const scheduleFit = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      fit();
    });
  };
  new ResizeObserver(scheduleFit).observe(container);
  window.addEventListener('resize', scheduleFit);
  fit();
  return { term, fit };
}
