// Embedding: the page in a compact layout for an author's iframe (`embed.html?view=…&cmd=…`,
// which forwards here with `embed=1`), and the postMessage API an embedding page can drive it
// with. The parameters are validated like a share link's (share.ts): a bad one is named in one
// line under the banner and left out; the commands are lab commands only, shown as text.
//
//   embed=1          the compact layout: the terminal and one view, no course panel
//   view=V           scheduler | heap | metrics (also timeline, gmp → scheduler; marking → heap)
//   cmd=LINE         a lab command to run on load; repeat it for more (at most MAX_COMMANDS)
//   readonly=1       the commands run and the view's buttons work, but nothing can be typed
//   height=PX        the page's height, 200..2000 (the web component sets it with the iframe's)
//   lang=zh|en       as on the full page
//   theme=T          light (the default) | dark | auto (the reader's system setting); the full
//                    page takes it too (theme.ts)
//
// A share link's state (#s=…) may come with them; its commands run first.
//
// The API (messages are objects with source: 'go-runtime-lab'):
//   lab → parent  { type: 'ready', version, threads }       once the lab has loaded
//   parent → lab  { type: 'exec', id, line }                runs a command as if typed
//   lab → parent  { type: 'result', id, ok, text, json }    its answer
//   lab → parent  { type: 'state', line, ok }               after every command, typed or not
// Messages are taken only from the embedding parent window and its origin, and answered only
// to that origin; anything else is ignored.

import { z } from 'zod';
import { MAX_COMMANDS, commandLine, type ShareView } from './share';
import { parseTheme, type ThemeChoice } from './theme';

export const MESSAGE_SOURCE = 'go-runtime-lab';

const VIEW_ALIASES: Record<string, ShareView> = {
  scheduler: 'scheduler', timeline: 'scheduler', gmp: 'scheduler', heap: 'heap', marking: 'heap', metrics: 'metrics',
};
const KNOWN = new Set(['embed', 'view', 'cmd', 'readonly', 'height', 'lang', 'theme']);

export interface EmbedParams {
  embed: boolean;
  view?: ShareView;
  readOnly: boolean;
  height?: number;
  theme: ThemeChoice;
  commands: string[];
  /** Parameters left out, with why: shown under the banner. */
  problems: string[];
}

/** Reads the embedding parameters of a location's query string. */
export function parseEmbedParams(search: string): EmbedParams {
  const q = new URLSearchParams(search);
  const theme = parseTheme(search);
  const out: EmbedParams = {
    embed: q.get('embed') === '1', readOnly: q.get('readonly') === '1', theme: theme.choice, commands: [], problems: [],
  };
  if (theme.problem) out.problems.push(theme.problem);
  const view = q.get('view');
  if (view !== null) {
    if (Object.hasOwn(VIEW_ALIASES, view)) out.view = VIEW_ALIASES[view];
    else out.problems.push(`view=${view.slice(0, 40)}: not one of ${Object.keys(VIEW_ALIASES).join('|')}`);
  }
  const height = q.get('height');
  if (height !== null) {
    const px = Number(height);
    if (Number.isInteger(px) && px >= 200 && px <= 2000) out.height = px;
    else out.problems.push(`height=${height.slice(0, 40)}: not a whole number of pixels in 200..2000`);
  }
  const cmds = q.getAll('cmd');
  cmds.slice(0, MAX_COMMANDS).forEach((line, i) => {
    const ok = commandLine.safeParse(line);
    if (ok.success) out.commands.push(line);
    else out.problems.push(`cmd #${i + 1}: ${ok.error.issues[0]?.message ?? 'not a command'}`);
  });
  if (cmds.length > MAX_COMMANDS) out.problems.push(`cmd: only the first ${MAX_COMMANDS} commands run`);
  const unknown = [...new Set([...q.keys()].filter((k) => !KNOWN.has(k)))];
  if (unknown.length > 0) out.problems.push(`unknown parameters ignored: ${unknown.slice(0, 8).map((k) => k.slice(0, 40)).join(', ')}`);
  return out;
}

/** The full lab's URL for an embed's: the same page, language and theme, without the embed parameters. */
export function fullLabUrl(href: string, hash: string): string {
  const url = new URL(href);
  const kept = new URLSearchParams();
  for (const name of ['lang', 'theme']) {
    const value = url.searchParams.get(name);
    if (value !== null) kept.set(name, value);
  }
  const query = kept.toString();
  url.search = query ? `?${query}` : '';
  url.hash = hash;
  return url.href;
}

const ExecMessage = z.object({
  source: z.literal(MESSAGE_SOURCE),
  type: z.literal('exec'),
  id: z.union([z.string().max(100), z.number().finite()]),
  line: commandLine,
});

export interface EmbedApiOptions {
  /** The window that embeds this page (window.parent), and its origin: the only one answered. */
  parent: Window;
  parentOrigin: string;
  /** Runs a command as if typed; resolves with its answer. */
  exec: (line: string) => Promise<{ ok: boolean; text: string; json: string }>;
}

/** The origin of the page embedding this one, or undefined (top-level, or unknown). */
export function embeddingOrigin(win: Window): string | undefined {
  if (win.parent === win) return undefined;
  const ancestors = win.location.ancestorOrigins;
  const origin = ancestors && ancestors.length > 0 ? ancestors[0] : win.document.referrer ? new URL(win.document.referrer).origin : undefined;
  return origin && origin !== 'null' ? origin : undefined;
}

/** The postMessage API: one listener, validated messages, answers to the parent's origin only. */
export class EmbedApi {
  constructor(private readonly opts: EmbedApiOptions) {}

  /** Starts listening on `win` (this page's window). */
  listen(win: Window): void {
    win.addEventListener('message', (event) => {
      void this.onMessage(event);
    });
  }

  /** Handles one message; exported for tests. Returns whether it was taken. */
  async onMessage(event: Pick<MessageEvent, 'source' | 'origin' | 'data'>): Promise<boolean> {
    if (event.source !== this.opts.parent || event.origin !== this.opts.parentOrigin) return false;
    const parsed = ExecMessage.safeParse(event.data);
    if (!parsed.success) return false;
    const { id, line } = parsed.data;
    const result = await this.opts.exec(line);
    this.post({ type: 'result', id, ok: result.ok, text: result.text, json: result.json });
    return true;
  }

  ready(version: string, threads: boolean): void {
    this.post({ type: 'ready', version, threads });
  }

  state(line: string, ok: boolean): void {
    this.post({ type: 'state', line, ok });
  }

  private post(message: Record<string, unknown>): void {
    this.opts.parent.postMessage({ source: MESSAGE_SOURCE, ...message }, this.opts.parentOrigin);
  }
}
