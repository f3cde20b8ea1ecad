// Small helpers the days' goals share: the verdicts they give when there is nothing to check
// yet, and the runs a goal accepts.

import { lastRun, parseLine, runs, type RunFact } from '../web/src/course/facts';
import type { LabRecord, Localized, Verdict } from '../web/src/course/model';

export const noRunYet: Verdict = {
  solved: false,
  note: { zh: '还没有跑完的运行：先用 run 运行一次（或 continue 跑完单步的运行）。', en: 'no finished run yet: start one with run (or finish a stepped one with continue).' },
};

export const noScriptYet: Verdict = {
  solved: false,
  note: {
    zh: '还没有跑完你自己的脚本：在“你自己的场景”里写好，按“运行此脚本”，再按“运行到底”（continue）。',
    en: 'no script of yours has finished yet: write one under "Your own scenario", press "Run this script", then "To the end" (continue).',
  },
};

export function notYet(zh: string, en: string): Verdict {
  return { solved: false, note: { zh, en } };
}

export function solved(zh: string, en: string): Verdict {
  return { solved: true, note: { zh, en } };
}

/** The latest finished run on the simulator (answers are checked against a reproducible run). */
export function lastSimRun(record: LabRecord): RunFact | undefined {
  return runs(record).filter((r) => r.report.engine === 'sim').at(-1);
}

/** The latest finished run of a scenario script the learner wrote (`run --file`). */
export function lastScriptRun(record: LabRecord): RunFact | undefined {
  return runs(record).filter((r) => r.line.flags.has('file')).at(-1);
}

export { lastRun, runs };
export type { Localized };

/** A row of `gs --json` (core/lab/commands/inspect.cpp). */
export interface GRow {
  goid: number;
  status: string;
  waitReason: string;
  name: string;
}

/** Every `gs` reply in the record, in order, and whether the run it looked at was a scenario
 *  script of the learner's (`run --file`). */
export function gsReplies(record: LabRecord): { rows: GRow[]; script: boolean }[] {
  const out: { rows: GRow[]; script: boolean }[] = [];
  let script = false;
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok) continue;
    const line = parseLine(e.observation.line);
    if (line.command === 'run') script = line.flags.has('file');
    if (line.command !== 'gs') continue;
    const json = e.observation.json as { goroutines?: unknown } | undefined;
    if (json && Array.isArray(json.goroutines)) out.push({ rows: json.goroutines as GRow[], script });
  }
  return out;
}

/** A trace event as `step --json` and `until --json` list it (core/lab/commands/step.cpp). */
export interface StepEvent {
  i: number;
  ts: number;
  type: string;
  g: number;
  p: number;
  m: number;
  a: number;
  b: number;
  p2: number;
  text: string;
}

/** The trace events the learner has stepped through since the latest `run`, in order and
 *  without repeats (a `back` then a step shows some again). */
export function steppedEvents(record: LabRecord): StepEvent[] {
  const seen = new Map<number, StepEvent>();
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok) continue;
    const command = e.observation.line.trim().split(/\s+/)[0];
    if (command === 'run') seen.clear();
    if (command !== 'step' && command !== 'until') continue;
    const json = e.observation.json as { events?: unknown } | undefined;
    if (!json || !Array.isArray(json.events)) continue;
    for (const ev of json.events as StepEvent[]) if (typeof ev?.i === 'number') seen.set(ev.i, ev);
  }
  return [...seen.values()].sort((x, y) => x.i - y.i);
}

/** The reply of `alloc --json` (core/lab/commands/alloc.cpp): what was asked and the path
 *  counts of mallocgc that served it. */
export interface AllocReply {
  size: number;
  count: number;
  noscan: boolean;
  kind: 'tiny' | 'small' | 'large';
  sizeClass: number;
  paths: { tiny: number; fast: number; nextFree: number; refill: number; grow: number; large: number };
}

/** Every successful `alloc` reply in the record, in order. */
export function allocReplies(record: LabRecord): AllocReply[] {
  const out: AllocReply[] = [];
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok || parseLine(e.observation.line).command !== 'alloc') continue;
    const json = e.observation.json as Partial<AllocReply> | undefined;
    if (json && typeof json.size === 'number' && json.paths && typeof json.paths.refill === 'number') out.push(json as AllocReply);
  }
  return out;
}

/** The fields of `mstats --json` (core/lab/commands/mstats.cpp) the goals read: Go's MemStats names. */
export interface MemStatsReply {
  HeapAlloc: number;
  HeapSys: number;
  HeapIdle: number;
  HeapInuse: number;
  Mallocs: number;
  Frees: number;
}

/** Go's size-class table as the learner last printed it (`sizeclass --all`), if they did. */
export function sizeClassTable(record: LabRecord): { class: number; bytesPerObj: number }[] | undefined {
  let table: { class: number; bytesPerObj: number }[] | undefined;
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok || parseLine(e.observation.line).command !== 'sizeclass') continue;
    const json = e.observation.json as { classes?: unknown; numSizeClasses?: unknown } | undefined;
    // Only the whole table: `sizeclass` alone lists its first rows (class 0 has no row).
    if (json && Array.isArray(json.classes) && json.classes.length === Number(json.numSizeClasses) - 1)
      table = json.classes as { class: number; bytesPerObj: number }[];
  }
  return table;
}

/** One GC cycle of a run report's `gc.cycles` (core/lab/gc_report.cpp gcJson). */
export interface GcCycle {
  numgc: number;
  forced: boolean;
  markNs: number;
  markTermNs: number;
  /** Dijkstra's stack re-scan inside the mark-termination pause (0 with the other barriers). */
  rescanNs: number;
  /** Reachable objects this cycle's mark left white (what the verifier kept alive). */
  lost: number;
  gctrace: string;
}

/** The `gc` part of a run report of a GC scenario (core/lab/gc_report.cpp gcJson). */
export interface GcRunReport {
  numGC: number;
  marker: string;
  barrier: string;
  pauseTotalNs: number;
  lostObjects: number;
  cycles: GcCycle[];
}

/** The collector's report of a finished run, or undefined for a run without the GC'd heap. */
export function gcOf(run: RunFact): GcRunReport | undefined {
  const gc = (run.report as unknown as { gc?: Partial<GcRunReport> }).gc;
  if (!gc || typeof gc.lostObjects !== 'number' || typeof gc.barrier !== 'string' || !Array.isArray(gc.cycles)) return undefined;
  return gc as GcRunReport;
}

/** `heap --graph --json` (core/lab/gc_graph.cpp): the object graph with each object's colour. */
export interface HeapGraph {
  phase: string;
  cycle: number;
  barrier: string;
  marker: string;
  nowNs: number;
  nodes: { id: string; type: string; depth: number; color: 'white' | 'grey' | 'black' }[];
  edges: [string, string][];
  roots: { name: string; to: string }[];
}

/** Every object graph (`heap --graph`) the learner printed since the latest `run`, in order. */
export function heapGraphs(record: LabRecord): HeapGraph[] {
  let out: HeapGraph[] = [];
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok) continue;
    const command = parseLine(e.observation.line).command;
    if (command === 'run') out = [];
    if (command !== 'heap') continue;
    const json = e.observation.json as Partial<HeapGraph> | undefined;
    if (json && Array.isArray(json.nodes) && Array.isArray(json.edges)) out.push(json as HeapGraph);
  }
  return out;
}

/** The pointers of a graph that go from a black object to a white one: what the strong
 *  tri-colour invariant forbids. */
export function blackToWhite(graph: HeapGraph): [string, string][] {
  const color = new Map(graph.nodes.map((n) => [n.id, n.color]));
  return graph.edges.filter(([from, to]) => color.get(from) === 'black' && color.get(to) === 'white');
}

/** The pacing side of a cycle in `gc.cycles` (core/lab/gc_report.cpp gcJson): gctrace's three
 *  heap sizes and its goal, in bytes, and who marked the cycle's bytes. */
export interface GcCycleHeap {
  heap0: number;
  heap1: number;
  heap2: number;
  goal: number;
  assistParks: number;
  markedBytes: Record<'roots' | 'workers' | 'assists' | 'barrier' | 'termination' | 'allocation', number>;
}

/** A run's GC cycles with their heap sizes ([] for a run without the GC'd heap). The report
 *  lists at most the last 64 cycles; `gcOf(run).numGC` counts them all. */
export function gcCycles(run: RunFact): (GcCycle & GcCycleHeap)[] {
  const cycles = gcOf(run)?.cycles ?? [];
  return cycles.filter((c) => typeof (c as Partial<GcCycleHeap>).heap1 === 'number' && typeof (c as Partial<GcCycleHeap>).markedBytes === 'object') as (GcCycle & GcCycleHeap)[];
}

/** GOGC and GOMEMLIMIT as `env --json` reports them: GOGC a percentage or "off", GOMEMLIMIT
 *  bytes or "off". */
export interface GcEnv {
  GOGC: number | 'off';
  GOMEMLIMIT: number | 'off';
}

/** Every finished run with the GOGC/GOMEMLIMIT of the latest `env` reply before it (undefined
 *  when no `env` command was run since the record began: the learner's setting is unknown). */
export function runsWithGcEnv(record: LabRecord): { run: RunFact; env?: GcEnv }[] {
  // runs() pairs each report with the `run` line that started it; this walk follows the same
  // rule (a report counts once a run has started) to find the env in force at that start.
  const envAtStart: (GcEnv | undefined)[] = [];
  let env: GcEnv | undefined;
  let started = false;
  let pending: GcEnv | undefined;
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok) continue;
    const line = parseLine(e.observation.line);
    const json = e.observation.json as Record<string, unknown> | undefined;
    if (line.command === 'env' && json && json.GOGC !== undefined && json.GOMEMLIMIT !== undefined)
      env = { GOGC: json.GOGC as GcEnv['GOGC'], GOMEMLIMIT: json.GOMEMLIMIT as GcEnv['GOMEMLIMIT'] };
    if (line.command === 'run') {
      started = true;
      pending = env;
    }
    const isReport = json && typeof json.scenario === 'string' && typeof json.status === 'string' && typeof json.goroutines === 'number';
    if (isReport && started) envAtStart.push(pending);
  }
  return runs(record).map((run, i) => ({ run, env: envAtStart[i] }));
}

/** One gctrace line's numbers (runtime/mgc.go gcMarkTermination): the three clock times, the
 *  five CPU times (STW sweep termination, assists / background workers / idle workers, STW mark
 *  termination), all in ms, and the heap sizes in MB. Undefined when the line is not Go's format. */
export interface GctraceLine {
  n: number;
  clock: [number, number, number];
  cpu: { sweepTerm: number; assist: number; background: number; idle: number; markTerm: number };
  heap: [number, number, number];
  goal: number;
  procs: number;
}

export function parseGctrace(line: string): GctraceLine | undefined {
  const m =
    /^gc (\d+) @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, ([\d.]+)\+([\d.]+)\/([\d.]+)\/([\d.]+)\+([\d.]+) ms cpu, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal, \d+ MB stacks, \d+ MB globals, (\d+) P/.exec(
      line,
    );
  if (!m) return undefined;
  const n = m.slice(1).map(Number);
  return {
    n: n[0]!,
    clock: [n[1]!, n[2]!, n[3]!],
    cpu: { sweepTerm: n[4]!, assist: n[5]!, background: n[6]!, idle: n[7]!, markTerm: n[8]! },
    heap: [n[9]!, n[10]!, n[11]!],
    goal: n[12]!,
    procs: n[13]!,
  };
}
