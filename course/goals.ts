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
