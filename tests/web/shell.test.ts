import { describe, expect, it } from 'vitest';
import { escapeControls, toTerminalText } from '../../web/src/terminal/shell';

describe('what the lab prints reaches the terminal as text', () => {
  it('shows control characters escaped, so output cannot drive the terminal', () => {
    // An escape sequence that would clear the screen, a bell, a title change (OSC), C1 CSI.
    expect(escapeControls('a\x1b[2Jb\x07c\x1b]0;owned\x07d\u009b31me\x7f')).toBe(
      'a\\x1b[2Jb\\x07c\\x1b]0;owned\\x07d\\x9b31me\\x7f',
    );
  });

  it('keeps newlines, tabs and text in any script', () => {
    expect(escapeControls('G1\tmain.main\r\n第 3 天 → ✓\n')).toBe('G1\tmain.main\n第 3 天 → ✓\n');
    expect(toTerminalText(escapeControls('a\nb'))).toBe('a\r\nb\r\n');
    expect(escapeControls('a\rb')).toBe('a\\x0db');
  });
});
