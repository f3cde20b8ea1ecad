// Every exercise is solvable and not trivially solved: its reference solution reaches the goal
// and its near-miss does not, replayed on the wasm lab (the page's single-threaded module)
// through the checker the page uses. Every experiment in every lesson runs without an error,
// and both languages of a lesson carry the same experiments.

import { describe, expect, it } from 'vitest';
import { days } from '../../course/index';
import { replay } from '../../web/src/course/checker';
import { renderLesson } from '../../web/src/course/markdown';
import { freshLab } from './wasmLab';

const ready = days.filter((d) => d.status === 'ready');

describe.each(ready.map((d) => [d.n, d] as const))('day %i', (_n, day) => {
  it('has its experiments in both languages, in the same order', () => {
    const zh = renderLesson(day.lesson!.zh, day.n).experiments;
    const en = renderLesson(day.lesson!.en, day.n).experiments;
    expect(zh.length).toBeGreaterThan(0);
    expect(zh).toEqual(en);
  });

  it('runs every experiment without an error line', async () => {
    const lab = await freshLab();
    try {
      for (const exp of renderLesson(day.lesson!.en, day.n).experiments) {
        for (const line of exp.commands) {
          const reply = await lab.exec(line);
          // lab.text runs the line again for its text: only for a failure, or every command
          // would run twice (a second `until gc` goes on to the next cycle).
          if (!reply.ok) expect(reply.ok, `${exp.id}: ${line}: ${lab.text(line).split('\n')[0]}`).toBe(true);
        }
      }
    } finally {
      lab.dispose();
    }
  }, 120_000);

  it.each(day.exercises.map((e) => [e.id, e] as const))('%s: the solution solves it, the near-miss does not', async (_id, exercise) => {
    const good = await freshLab();
    const bad = await freshLab();
    try {
      const yes = await replay(good, exercise, exercise.solution);
      expect(yes.verdict.solved, `solution: ${yes.verdict.note?.en}`).toBe(true);
      const no = await replay(bad, exercise, exercise.nearMiss);
      expect(no.verdict.solved, `near-miss was accepted: ${no.verdict.note?.en}`).toBe(false);
    } finally {
      good.dispose();
      bad.dispose();
    }
  }, 120_000);
});
