// Splits what xterm.js's onData gives us (typed keys, escape sequences, pasted text) into
// tokens: one escape sequence, one control character, or one run of printable text.

const ESC = '\x1b';

/** Names of the keys the line editor understands, keyed by the sequences terminals send. */
export const KEYS: Record<string, string> = {
  '\x1b[D': 'left', '\x1bOD': 'left', '\x02': 'left',
  '\x1b[C': 'right', '\x1bOC': 'right', '\x06': 'right',
  '\x1b[A': 'up', '\x1bOA': 'up', '\x10': 'up',
  '\x1b[B': 'down', '\x1bOB': 'down', '\x0e': 'down',
  '\x1b[H': 'home', '\x1bOH': 'home', '\x1b[1~': 'home', '\x1b[7~': 'home', '\x01': 'home',
  '\x1b[F': 'end', '\x1bOF': 'end', '\x1b[4~': 'end', '\x1b[8~': 'end', '\x05': 'end',
  '\x1b[1;5D': 'wordLeft', '\x1b[1;3D': 'wordLeft', '\x1bb': 'wordLeft',
  '\x1b[1;5C': 'wordRight', '\x1b[1;3C': 'wordRight', '\x1bf': 'wordRight',
  '\x7f': 'backspace', '\b': 'backspace',
  '\x1b[3~': 'delete', '\x04': 'eof',
  '\x15': 'killToStart', '\x0b': 'killToEnd', '\x17': 'killWord',
  '\x03': 'interrupt', '\x0c': 'clear',
  '\r': 'enter', '\n': 'enter', '\t': 'tab',
};

function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0);
}

/** Splits an input chunk into tokens. "\r\n" (pasted Windows text) counts as one Enter. */
export function tokenize(data: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < data.length) {
    const ch = data[i]!;
    if (ch === ESC) {
      let end = i + 1;
      const next = data[end];
      if (next === '[') {
        // CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, one final byte 0x40-0x7e.
        end++;
        while (end < data.length && /[\x30-\x3f]/.test(data[end]!)) end++;
        while (end < data.length && /[\x20-\x2f]/.test(data[end]!)) end++;
        if (end < data.length) end++;
      } else if (next === 'O') {
        end = Math.min(data.length, end + 2); // SS3 + one character
      } else if (next !== undefined) {
        end++; // Alt+key
      }
      tokens.push(data.slice(i, end));
      i = end;
    } else if (isControl(ch.charCodeAt(0))) {
      if (!(ch === '\n' && data[i - 1] === '\r')) tokens.push(ch);
      i++;
    } else {
      let end = i + 1;
      while (end < data.length && data[end] !== ESC && !isControl(data.charCodeAt(end))) end++;
      tokens.push(data.slice(i, end));
      i = end;
    }
  }
  return tokens;
}

/** True when a token is printable text to insert. */
export function isText(token: string): boolean {
  return token.length > 0 && token[0] !== ESC && !isControl(token.charCodeAt(0));
}
