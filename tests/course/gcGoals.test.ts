// The GC helpers of course/goals.ts that day 6's goals read: gctrace parsed field by field, and
// the GOGC/GOMEMLIMIT in force when each run started.

import { describe, expect, it } from 'vitest';
import { ExerciseAttempt, observe } from '../../web/src/course/checker';
import type { Exercise } from '../../web/src/course/model';
import { gcCycles, parseGctrace, runsWithGcEnv } from '../../course/goals';

const exercise: Exercise = {
  id: 'x', title: { zh: '', en: '' }, goal: { zh: '', en: '' }, hints: [],
  solution: { commands: [] }, nearMiss: { commands: [], why: { zh: '', en: '' } }, check: () => ({ solved: false }),
};

const cycle = { numgc: 1, forced: false, heap0: 1, heap1: 2, heap2: 3, goal: 4, sweepTermNs: 0, markNs: 0, markTermNs: 0, rescanNs: 0, lost: 0, assistParks: 0,
  markedBytes: { roots: 1, workers: 2, assists: 3, barrier: 0, termination: 0, allocation: 0 }, gctrace: '' };
const report = (gogcTag: number) => JSON.stringify({
  scenario: 'binarytrees', engine: 'sim', procs: 2, size: 16, status: 'ok', goroutines: gogcTag, output: '',
  gc: { numGC: 1, numForcedGC: 0, marker: 'concurrent', barrier: 'hybrid', pauseTotalNs: 0, lostObjects: 0, cycles: [cycle] },
});
const env = (gogc: number | 'off', limit: number | 'off') => JSON.stringify({ GOMAXPROCS: 2, GOGC: gogc, GOMEMLIMIT: limit, GODEBUG: {} });

describe('day 6 helpers', () => {
  it('reads every number of a Go 1.19 gctrace line', () => {
    // A line Go 1.19.8 printed (tests/fixtures and bench/formats.mjs check the lab prints the same format).
    const l = parseGctrace('gc 1 @0.022s 3%: 0.019+2.3+0.13 ms clock, 0.039+0.33/1.1/1.0+0.27 ms cpu, 3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P');
    expect(l).toEqual({
      n: 1,
      clock: [0.019, 2.3, 0.13],
      cpu: { sweepTerm: 0.039, assist: 0.33, background: 1.1, idle: 1.0, markTerm: 0.27 },
      heap: [3, 4, 3],
      goal: 4,
      procs: 2,
    });
    expect(parseGctrace('SCHED 0ms: gomaxprocs=2')).toBeUndefined();
  });

  it('pairs each run with the env in force when it started, not a later one', () => {
    const a = new ExerciseAttempt(exercise);
    a.command(observe('run binarytrees --engine sim', { ok: true, json: report(1) }));
    a.command(observe('env GOGC=50', { ok: true, json: env(50, 'off') }));
    a.command(observe('run binarytrees --engine sim', { ok: true, json: report(2) }));
    a.command(observe('env GOGC=off GOMEMLIMIT=24MiB', { ok: true, json: env('off', 25165824) }));
    a.command(observe('env GOGC=bad', { ok: false, json: '{"ok":false}' }));
    a.command(observe('run binarytrees --engine sim --step', { ok: true, json: '{"paused":true}' }));
    a.command(observe('env GOGC=100', { ok: true, json: env(100, 'off') }));
    a.command(observe('continue', { ok: true, json: report(3) }));
    const got = runsWithGcEnv(a).map(({ run, env }) => [run.report.goroutines, env?.GOGC, env?.GOMEMLIMIT]);
    expect(got).toEqual([
      [1, undefined, undefined],
      [2, 50, 'off'],
      [3, 'off', 25165824],
    ]);
    expect(gcCycles(runsWithGcEnv(a)[0]!.run)[0]!.markedBytes.assists).toBe(3);
  });
});
