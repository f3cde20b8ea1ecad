// The checker: follows the learner's commands for each exercise and evaluates its goal after
// every one (Learn Git Branching's model). The page and CI share it; it has no DOM.

import type { Attempt, Exercise, LabRecord, Observation, RecordEvent, Verdict } from './model';

/** What the lab answers to one command (the page's ExecResult, or the Embind object in node). */
export interface LabReply {
  ok: boolean;
  json: string;
}

/** A lab to replay attempts on: the page's client, or the wasm module under node. */
export interface LabLike {
  exec(line: string): Promise<LabReply> | LabReply;
  writeFile(path: string, text: string): Promise<unknown> | unknown;
}

/** A command and its reply as a goal sees it: the JSON parsed once, nothing if it does not parse. */
export function observe(line: string, reply: LabReply): Observation {
  let json: unknown;
  if (reply.json) {
    try {
      json = JSON.parse(reply.json);
    } catch {
      json = undefined; // a goal treats it as "no JSON"; the lab promises JSON, so this is a lab bug
    }
  }
  return { line, ok: reply.ok, json };
}

/** A record keeps this many events: enough for any exercise, bounded however long a session runs. */
const RECORD_LIMIT = 1000;

/** Evaluates a goal; a goal that throws is a course bug, reported as not solved rather than
 *  breaking the page. */
export function evaluate(exercise: Exercise, record: LabRecord, answer?: string): Verdict {
  try {
    return exercise.check(record, answer);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      solved: false,
      note: { zh: `检查出错（课程的问题，不是你的）：${why}`, en: `the check failed (a course bug, not yours): ${why}` },
    };
  }
}

/** One exercise's attempt in progress: what happened since it was opened or reset. */
export class ExerciseAttempt implements LabRecord {
  private log: RecordEvent[] = [];
  /** Commands the learner ran during this attempt. */
  commands = 0;

  constructor(readonly exercise: Exercise) {}

  get events(): readonly RecordEvent[] {
    return this.log;
  }

  /** Adds a command and evaluates the goal. Exercises with a question wait for the answer. */
  command(observation: Observation): Verdict | undefined {
    this.commands++;
    this.push({ kind: 'command', observation });
    return this.exercise.question ? undefined : evaluate(this.exercise, this);
  }

  /** A scenario script written into the lab (the script editor's "Run this script"). */
  file(path: string, text: string): void {
    this.push({ kind: 'file', path, text });
  }

  /** The learner's answer to the exercise's question, checked against this attempt's runs. */
  answer(text: string): Verdict {
    return evaluate(this.exercise, this, text);
  }

  reset(): void {
    this.log = [];
    this.commands = 0;
  }

  private push(event: RecordEvent): void {
    this.log.push(event);
    if (this.log.length > RECORD_LIMIT) this.log.splice(0, this.log.length - RECORD_LIMIT);
  }
}

/** Replays an attempt on a lab, the way a learner would make it: files, commands, then the
 *  answer. CI runs every solution and near-miss through this. */
export async function replay(lab: LabLike, exercise: Exercise, attempt: Attempt): Promise<{ verdict: Verdict; record: LabRecord }> {
  const run = new ExerciseAttempt(exercise);
  for (const [path, text] of Object.entries(attempt.files ?? {})) {
    await lab.writeFile(path, text);
    run.file(path, text);
  }
  // As in the page, a goal is reached at the first command that reaches it.
  let verdict: Verdict | undefined;
  for (const line of attempt.commands) {
    const v = run.command(observe(line, await lab.exec(line)));
    if (!verdict?.solved) verdict = v;
  }
  if (exercise.question) verdict = run.answer(attempt.answer ?? '');
  return { verdict: verdict ?? evaluate(exercise, run), record: run };
}
