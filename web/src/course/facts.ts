// Facts a goal reads from a record: the runs the learner made and what the lab reported about
// them. Goals are written over these, so they depend on the lab's JSON, never on the wording of
// its text (which changes with the language).

import type { LabRecord, Observation } from './model';

/** The fields of a finished run's report (core/lab/run_session.cpp RunSession::report). */
export interface RunReport {
  scenario: string;
  engine: string;
  procs: number;
  size: number;
  /** The scenario's own flags (`run service --leak`): a Bool as 0/1, a Duration in ns. */
  options?: Record<string, number>;
  seed?: number;
  godebug: string;
  status: string;
  passed?: boolean;
  fatal?: string;
  goroutines: number;
  steals: number;
  stolenGs: number;
  handoffs: number;
  preemptRequests: number;
  preemptions: number;
  syscalls: number;
  syscallRetakes: number;
  globalQueueSpills: number;
  maxMs: number;
  runNs: number;
  wallNs?: number;
  metrics?: Record<string, number>;
  /** What the run printed: schedtrace/gctrace lines in Go's format, a fatal error's report. */
  output: string;
}

/** A command line split as the lab's shell splits it, for the flags a goal cares about. */
export interface ParsedLine {
  command: string;
  args: string[];
  flags: Map<string, string>;
}

const BOOLEAN_FLAGS = new Set(['step', 'json', 'background', 'verify', 'all', 'stw', 'concurrent', 'graph', 'leak', 'csv', 'group', 'keepalive']);

/** Splits a command line: words separated by blanks, '…' and "…" quoting, --flag value or --flag=value. */
export function parseLine(line: string): ParsedLine {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  const [command = '', ...rest] = words;
  const args: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (!w.startsWith('--')) {
      args.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    if (eq > 0) flags.set(w.slice(2, eq), w.slice(eq + 1));
    else if (BOOLEAN_FLAGS.has(w.slice(2)) || i + 1 >= rest.length) flags.set(w.slice(2), 'true');
    else flags.set(w.slice(2), rest[++i]!);
  }
  return { command, args, flags };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The report when this observation is a finished run (a `run`, or the `continue` that ended one). */
export function asRunReport(o: Observation): RunReport | undefined {
  const j = o.json;
  if (!o.ok || !isObject(j)) return undefined;
  if (typeof j.scenario !== 'string' || typeof j.status !== 'string' || typeof j.goroutines !== 'number') return undefined;
  return j as unknown as RunReport;
}

/** A finished run: its report, the `run` line that started it, and the script it ran, if any. */
export interface RunFact {
  report: RunReport;
  line: ParsedLine;
  /** The text of the scenario script the run used (`run --file`), as written before the run. */
  script?: string;
}

function commands(record: LabRecord): Observation[] {
  return record.events.flatMap((e) => (e.kind === 'command' ? [e.observation] : []));
}

/** Every finished run in the record, in order. */
export function runs(record: LabRecord): RunFact[] {
  const out: RunFact[] = [];
  const files = new Map<string, string>();
  let started: { line: ParsedLine; script?: string } | undefined;
  for (const e of record.events) {
    if (e.kind === 'file') {
      files.set(e.path, e.text);
      continue;
    }
    const o = e.observation;
    const line = parseLine(o.line);
    if (line.command === 'run' && o.ok) {
      const file = line.flags.get('file');
      started = { line, script: file !== undefined ? files.get(file) : undefined };
    }
    const report = asRunReport(o);
    if (report && started) out.push({ report, line: started.line, script: started.script });
  }
  return out;
}

/** The latest finished run, if any. */
export function lastRun(record: LabRecord): RunFact | undefined {
  return runs(record).at(-1);
}

/** The JSON of the latest successful command named `command` (e.g. "gs", "env"). */
export function lastReply(record: LabRecord, command: string): unknown {
  return commands(record).filter((o) => o.ok && parseLine(o.line).command === command).at(-1)?.json;
}

/** The lines of Go's `SCHED …` schedtrace output in a run's output. */
export function schedLines(report: RunReport): string[] {
  return report.output.split('\n').filter((l) => l.startsWith('SCHED '));
}

/** One schedtrace line's fields (runtime/proc.go schedtrace): `name=value` pairs and the
 *  per-P run queue lengths in brackets. Undefined when the line is not in Go's format. */
export function parseSchedLine(line: string): { t: string; fields: Map<string, number>; runqs: number[] } | undefined {
  const m = /^SCHED (\S+): (.*)$/.exec(line);
  if (!m) return undefined;
  const fields = new Map<string, number>();
  for (const f of m[2]!.matchAll(/(\w+)=(-?\d+)/g)) fields.set(f[1]!, Number(f[2]));
  const q = /runqueue=\d+ \[([\d ]*)\]/.exec(m[2]!);
  const runqs = q ? q[1]!.trim().split(/\s+/).filter(Boolean).map(Number) : [];
  return { t: m[1]!, fields, runqs };
}

/** A learner's number: digits with optional blanks, commas or a unit the question allows. */
export function parseAnswer(answer: string | undefined): number | undefined {
  if (answer === undefined) return undefined;
  const text = answer.trim().replace(/[,\s_]/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}
