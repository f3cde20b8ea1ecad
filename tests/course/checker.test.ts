import { describe, expect, it } from 'vitest';
import { ExerciseAttempt, evaluate, observe, replay } from '../../web/src/course/checker';
import { lastRun, parseAnswer, parseLine, parseSchedLine, runs } from '../../web/src/course/facts';
import type { Exercise } from '../../web/src/course/model';
import { steppedEvents } from '../../course/goals';

const report = (over: Record<string, unknown> = {}) => JSON.stringify({
  scenario: 'fanout', engine: 'sim', procs: 2, size: 300, seed: 1, godebug: '', status: 'ok', goroutines: 301,
  steals: 1, stolenGs: 23, handoffs: 0, preemptRequests: 0, preemptions: 0, syscalls: 0, syscallRetakes: 0,
  globalQueueSpills: 1, maxMs: 3, runNs: 1, output: '', ...over,
});

const exercise = (check: Exercise['check'], question = false): Exercise => ({
  id: 'x', title: { zh: '', en: '' }, goal: { zh: '', en: '' }, hints: [],
  solution: { commands: [] }, nearMiss: { commands: [], why: { zh: '', en: '' } },
  ...(question ? { question: { zh: 'q', en: 'q' } } : {}), check,
});

describe('reading the lab', () => {
  it('splits command lines as the shell does', () => {
    const p = parseLine('run --file "/scripts/my file.scn" --engine=sim --step --seed 4');
    expect(p.command).toBe('run');
    expect(p.flags.get('file')).toBe('/scripts/my file.scn');
    expect(p.flags.get('engine')).toBe('sim');
    expect(p.flags.get('step')).toBe('true');
    expect(p.flags.get('seed')).toBe('4');
  });

  it('pairs a stepped run with the continue that finished it, and the script it ran', () => {
    const a = new ExerciseAttempt(exercise(() => ({ solved: false })));
    a.file('/scripts/mine.scn', 'procs 1');
    a.command(observe('run --file /scripts/mine.scn --engine sim --step', { ok: true, json: '{"paused":true}' }));
    a.command(observe('gs', { ok: true, json: '{"goroutines":[]}' }));
    a.command(observe('continue', { ok: true, json: report({ scenario: 'mine' }) }));
    a.command(observe('run fanout --engine sim', { ok: false, json: '{"ok":false}' }));
    const all = runs(a);
    expect(all).toHaveLength(1);
    expect(all[0]!.script).toBe('procs 1');
    expect(lastRun(a)?.report.scenario).toBe('mine');
  });

  it('reads schedtrace lines in Go\'s format', () => {
    const s = parseSchedLine('SCHED 1ms: gomaxprocs=2 idleprocs=0 threads=3 spinningthreads=0 needspinning=1 idlethreads=0 runqueue=63 [ 122 18 ] schedticks=[ 49 48 ]');
    expect(s?.fields.get('runqueue')).toBe(63);
    expect(s?.runqs).toEqual([122, 18]);
    expect(parseSchedLine('gc 1 @0.1s')).toBeUndefined();
    expect(parseAnswer(' 1,024 ')).toBe(1024);
    expect(parseAnswer('twelve')).toBeUndefined();
  });

  it('collects stepped events without repeats, starting again at each run', () => {
    const a = new ExerciseAttempt(exercise(() => ({ solved: false })));
    const ev = (i: number, type = 'GoStatus') => ({ i, ts: i, type, g: 0, p: 0, m: 0, a: 0, b: 0, p2: -1, text: '' });
    a.command(observe('run fanout --step', { ok: true, json: '{}' }));
    a.command(observe('step 2', { ok: true, json: JSON.stringify({ events: [ev(1), ev(2)] }) }));
    a.command(observe('back 1', { ok: true, json: JSON.stringify({ events: [ev(1)] }) }));
    a.command(observe('step 2', { ok: true, json: JSON.stringify({ events: [ev(2), ev(3, 'Steal')] }) }));
    expect(steppedEvents(a).map((e) => e.i)).toEqual([1, 2, 3]);
    a.command(observe('run fanout --step', { ok: true, json: '{}' }));
    expect(steppedEvents(a)).toEqual([]);
  });
});

describe('the checker', () => {
  it('reports a goal that throws as a course bug, not a crash', () => {
    const v = evaluate(exercise(() => { throw new Error('boom'); }), { events: [] });
    expect(v.solved).toBe(false);
    expect(v.note?.en).toMatch(/course bug.*boom/);
  });

  it('counts the commands of an attempt and bounds what it keeps', () => {
    const a = new ExerciseAttempt(exercise((r) => ({ solved: r.events.length > 2000 })));
    for (let i = 0; i < 1500; i++) a.command(observe('version', { ok: true, json: '{}' }));
    expect(a.commands).toBe(1500);
    expect(a.events.length).toBe(1000);
    a.reset();
    expect(a.commands).toBe(0);
  });

  it('waits for the answer on question exercises, and treats unparsable JSON as none', async () => {
    const ex = exercise((r, answer) => ({ solved: answer === '7' && r.events.length === 1 }), true);
    const lab = { exec: () => ({ ok: true, json: '{not json' }), writeFile: () => undefined };
    expect((await replay(lab, ex, { commands: ['version'], answer: '7' })).verdict.solved).toBe(true);
    expect((await replay(lab, ex, { commands: ['version'], answer: '8' })).verdict.solved).toBe(false);
    const a = new ExerciseAttempt(ex);
    expect(a.command(observe('version', { ok: true, json: '{not json' }))).toBeUndefined();
    expect((a.events[0] as { kind: 'command'; observation: { json: unknown } }).observation.json).toBeUndefined();
  });
});
