// Share links: the page's state in the URL's hash (#s=…, compressed with lz-string), so that a
// link reproduces what its author saw. On the simulator a run is a pure function of its commands
// and seed, so replaying the commands gives the same run, event for event, in either page (the
// threads build or the single-threaded one); a run on real threads is replayed as a new real run.
//
// What a link holds: the language, the open day, the view tab, the lab commands to replay, and
// the scripts those commands read (`run --file /scripts/….scn`). What it never holds: anything
// the page would run but lab commands. Everything in it is validated (zod) and bounded before use,
// and shown only as text.

import LZString from 'lz-string';
import { z } from 'zod';

export const SHARE_VERSION = 1;
/** The hash's compressed state, at most (a few hundred commands fit; browsers allow far more). */
export const MAX_HASH_CHARS = 32_768;
export const MAX_COMMANDS = 200;
export const MAX_COMMAND_CHARS = 1_000;
export const MAX_SCRIPT_CHARS = 64 * 1024;
export const SHARE_VIEWS = ['scheduler', 'heap', 'metrics'] as const;
export type ShareView = (typeof SHARE_VIEWS)[number];

/** A command line: one line, no control characters (a terminal escape cannot ride in a link). */
export const commandLine = z.string().min(1).max(MAX_COMMAND_CHARS).regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, 'a command is one line of text');
const ScriptPath = z.string().regex(/^\/scripts\/[A-Za-z0-9._-]{1,64}\.scn$/, 'a script lives in /scripts/*.scn');

const SharedStateSchema = z.object({
  v: z.number().int().positive(),
  lang: z.enum(['zh', 'en']).optional(),
  day: z.number().int().min(1).max(7).optional(),
  view: z.enum(SHARE_VIEWS).optional(),
  /** The timeline's window [t0, t1] in ns of run time, when zoomed. */
  zoom: z.tuple([z.number().finite().min(-1e15), z.number().finite().max(1e15)]).refine(([a, b]) => b > a, 'the window ends after it starts').optional(),
  commands: z.array(commandLine).max(MAX_COMMANDS),
  files: z.record(ScriptPath, z.string().max(MAX_SCRIPT_CHARS)).optional(),
});

export type SharedState = z.infer<typeof SharedStateSchema>;

/** Why a link could not be used: each has its own line in the page's two languages. */
export type ShareProblem = 'tooLong' | 'malformed' | 'newer' | 'invalid';

export type ReadLink =
  | { kind: 'none' }
  | { kind: 'ok'; state: SharedState; ignored: string[] }
  | { kind: 'bad'; problem: ShareProblem; detail: string };

const HASH_KEY = 's=';

/** The hash (#s=…) for a state. */
export function encodeState(state: SharedState): string {
  return '#' + HASH_KEY + LZString.compressToEncodedURIComponent(JSON.stringify(state));
}

/** Reads a location's hash: no link, a usable state (with the fields it did not know), or why not. */
export function decodeHash(hash: string): ReadLink {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!body.startsWith(HASH_KEY)) return { kind: 'none' };
  const packed = body.slice(HASH_KEY.length);
  if (packed.length > MAX_HASH_CHARS) return { kind: 'bad', problem: 'tooLong', detail: `${packed.length} characters` };
  let raw: unknown;
  try {
    const text = LZString.decompressFromEncodedURIComponent(packed);
    if (!text) return { kind: 'bad', problem: 'malformed', detail: 'not compressed lab state' };
    raw = JSON.parse(text);
  } catch {
    return { kind: 'bad', problem: 'malformed', detail: 'not compressed lab state' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { kind: 'bad', problem: 'malformed', detail: 'not an object' };
  const version = (raw as { v?: unknown }).v;
  if (typeof version === 'number' && version > SHARE_VERSION)
    return { kind: 'bad', problem: 'newer', detail: `version ${version}` };
  const parsed = SharedStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    return { kind: 'bad', problem: 'invalid', detail: `${where ? where + ': ' : ''}${issue?.message ?? 'invalid'}`.slice(0, 120) };
  }
  const known = new Set(Object.keys(SharedStateSchema.shape));
  const ignored = Object.keys(raw).filter((k) => !known.has(k)).slice(0, 8).map((k) => k.slice(0, 40));
  return { kind: 'ok', state: parsed.data, ignored };
}

/** A command the page ran, with whether the lab accepted it. */
export interface RanCommand {
  line: string;
  ok: boolean;
}

/** Commands that set up the lab for the runs after them. */
const SETUP = new Set(['env', 'gc', 'alloc']);
/** Commands that start a run; the link replays the latest with what came after it. */
const RUNS = new Set(['run', 'rollout']);

const commandOf = (line: string) => line.trim().split(/\s+/)[0] ?? '';

/**
 * The commands a link replays: the latest run (`run` or `rollout`) and every command after it,
 * preceded by the settings typed before it (`env`, `gc`, `alloc`); with no run yet, everything.
 * Only commands the lab accepted; at most MAX_COMMANDS, the latest kept.
 */
export function commandsToShare(ran: readonly RanCommand[]): string[] {
  const ok = ran.filter((c) => c.ok && c.line.trim() !== '').map((c) => c.line.trim());
  let lastRun = -1;
  ok.forEach((line, i) => {
    if (RUNS.has(commandOf(line))) lastRun = i;
  });
  const chosen = lastRun < 0 ? ok : [...ok.slice(0, lastRun).filter((l) => SETUP.has(commandOf(l))), ...ok.slice(lastRun)];
  return chosen.filter((l) => l.length <= MAX_COMMAND_CHARS).slice(-MAX_COMMANDS);
}

/** The scripts among `files` that the commands read with --file. */
export function scriptsUsed(commands: readonly string[], files: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of commands) {
    const m = /(?:^|\s)--file(?:=|\s+)(\S+)/.exec(line);
    const path = m?.[1];
    if (path && files.has(path) && ScriptPath.safeParse(path).success) out[path] = files.get(path)!.slice(0, MAX_SCRIPT_CHARS);
  }
  return out;
}

/** True if a replayed run may differ from the one shared: one on real threads (not `--engine sim`). */
export function mayDiffer(commands: readonly string[]): boolean {
  return commands.some((l) => commandOf(l) === 'run' && !/(?:^|\s)--engine(?:=|\s+)sim(?:\s|$)/.test(l));
}
