// Embedding (web/src/embed.ts): the embed parameters are read and bounded, a bad one is named
// and left out, and the postMessage API answers only its parent window at its origin, only to
// well-formed exec messages.

import { describe, expect, it, vi } from 'vitest';
import { EmbedApi, MESSAGE_SOURCE, fullLabUrl, parseEmbedParams } from '../../web/src/embed';

describe('embed parameters', () => {
  it('reads the layout, the view, the commands in order, read-only and the height', () => {
    const p = parseEmbedParams('?embed=1&view=timeline&cmd=run+skynet+--engine+sim&cmd=step%2010&readonly=1&height=420&lang=zh&theme=dark');
    expect(p).toEqual({
      embed: true, view: 'scheduler', readOnly: true, height: 420, theme: 'dark', commands: ['run skynet --engine sim', 'step 10'], problems: [],
    });
    expect(parseEmbedParams('?embed=1').theme).toBe('light');
    expect(parseEmbedParams('?view=marking').view).toBe('heap');
    expect(parseEmbedParams('').embed).toBe(false);
  });

  it('names every bad parameter and uses the rest', () => {
    const p = parseEmbedParams('?embed=1&view=<script>&height=99999&cmd=gs%1B%5B2J&cmd=gs&theme=%3Cb%3Enight&onload=x');
    expect(p.view).toBeUndefined();
    expect(p.height).toBeUndefined();
    expect(p.commands).toEqual(['gs']);
    expect(p.problems).toEqual([
      'theme=<b>night: not one of light|dark|auto',
      'view=<script>: not one of scheduler|timeline|gmp|heap|marking|metrics',
      'height=99999: not a whole number of pixels in 200..2000',
      'cmd #1: a command is one line of text',
      'unknown parameters ignored: onload',
    ]);
    const many = parseEmbedParams('?' + Array.from({ length: 205 }, () => 'cmd=gs').join('&'));
    expect(many.commands).toHaveLength(200);
    expect(many.problems).toEqual(['cmd: only the first 200 commands run']);
  });

  it('links the full lab with the same language, theme and run, without the embed parameters', () => {
    expect(fullLabUrl('https://lab.example/?embed=1&view=heap&lang=zh&cmd=gs#x', '#s=abc')).toBe('https://lab.example/?lang=zh#s=abc');
    expect(fullLabUrl('https://lab.example/?theme=dark&embed=1&lang=en', '')).toBe('https://lab.example/?lang=en&theme=dark');
    expect(fullLabUrl('https://lab.example/sub/?embed=1', '#s=abc')).toBe('https://lab.example/sub/#s=abc');
  });
});

describe('the postMessage API', () => {
  const parent = { postMessage: vi.fn() } as unknown as Window;
  const stranger = {} as Window;
  const exec = vi.fn(async (line: string) => ({ ok: true, text: `ran ${line}`, json: '{}' }));
  const api = new EmbedApi({ parent, parentOrigin: 'https://blog.example', exec });
  const message = (data: unknown, origin = 'https://blog.example', source: Window = parent) => ({ data, origin, source });

  it('runs an exec from the parent and answers to its origin only', async () => {
    expect(await api.onMessage(message({ source: MESSAGE_SOURCE, type: 'exec', id: 7, line: 'gs' }))).toBe(true);
    expect(exec).toHaveBeenCalledWith('gs');
    expect(parent.postMessage).toHaveBeenLastCalledWith(
      { source: MESSAGE_SOURCE, type: 'result', id: 7, ok: true, text: 'ran gs', json: '{}' },
      'https://blog.example',
    );
  });

  it('ignores other windows, other origins and malformed messages', async () => {
    exec.mockClear();
    const good = { source: MESSAGE_SOURCE, type: 'exec', id: 1, line: 'gs' };
    expect(await api.onMessage(message(good, 'https://evil.example'))).toBe(false);
    expect(await api.onMessage(message(good, 'https://blog.example', stranger))).toBe(false);
    for (const bad of [
      'exec gs',
      { ...good, source: 'other' },
      { ...good, type: 'eval' },
      { ...good, line: 'gs\nrun skynet' },
      { ...good, line: 'x'.repeat(2000) },
      { ...good, id: { toString: 1 } },
    ]) {
      expect(await api.onMessage(message(bad))).toBe(false);
    }
    expect(exec).not.toHaveBeenCalled();
  });

  it('tells the parent when it is ready and after every command', () => {
    api.ready('0.1.0', false);
    expect(parent.postMessage).toHaveBeenLastCalledWith({ source: MESSAGE_SOURCE, type: 'ready', version: '0.1.0', threads: false }, 'https://blog.example');
    api.state('step 1', true);
    expect(parent.postMessage).toHaveBeenLastCalledWith({ source: MESSAGE_SOURCE, type: 'state', line: 'step 1', ok: true }, 'https://blog.example');
  });
});
