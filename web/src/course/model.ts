// The course's data model: days, lessons, exercises and what a goal sees.
//
// One source of truth with three readers: the page renders it and checks goals after every
// command; CI (tests/course/) replays every exercise's solution and near-miss on the wasm lab
// with the same checker; authors write it in course/dayN/. Nothing here touches the DOM.

export type Lang = 'en' | 'zh';

/** A text in both of the course's languages (zh-CN first: the learners read Chinese first). */
export interface Localized {
  zh: string;
  en: string;
}

/** One command as the lab answered it. */
export interface Observation {
  line: string;
  ok: boolean;
  /** The reply's JSON, parsed (undefined when the reply had none or it did not parse). */
  json: unknown;
}

/** What a goal sees: the commands run since the exercise was opened or reset, in order,
 *  and the files written into the lab (scenario scripts), each as it was when written. */
export interface LabRecord {
  readonly events: readonly RecordEvent[];
}

export type RecordEvent =
  | { kind: 'command'; observation: Observation }
  | { kind: 'file'; path: string; text: string };

/** A goal's answer: solved or not, and a line for the learner either way. */
export interface Verdict {
  solved: boolean;
  /** Why not yet (or what was achieved), in the learner's terms: a field and its value. */
  note?: Localized;
}

/** A sequence of actions that CI replays on a fresh lab: files, then commands, then an answer. */
export interface Attempt {
  /** Scenario scripts to write first (path → text), as the page's script editor does. */
  files?: Record<string, string>;
  commands: string[];
  /** The value typed into the exercise's answer box, for exercises with a question. */
  answer?: string;
}

export interface Exercise {
  /** Stable across course versions: progress files refer to it. "d3-steal-half". */
  id: string;
  title: Localized;
  /** What to make happen or find out (Markdown). */
  goal: Localized;
  /** In steps: where to look, then which field, then the idea. */
  hints: Localized[];
  /** Reaches the goal on the simulator (CI proves it). */
  solution: Attempt;
  /** A plausible wrong attempt that must not reach the goal (CI proves it), and why it fails. */
  nearMiss: Attempt & { why: Localized };
  /** Set when the goal asks for a value read from the learner's own run: the answer box's label. */
  question?: Localized;
  /** The goal: a predicate over what the lab reported (its JSON), never over terminal text. */
  check(record: LabRecord, answer?: string): Verdict;
}

/** An experiment: a command block in a lesson, run from its ▶ button. */
export interface Experiment {
  /** "d3-e2": the day and the block's place in the lesson (the same in both languages). */
  id: string;
  commands: string[];
}

export interface Day {
  n: number;
  title: Localized;
  /** Which chapter of the course's source text the day covers. */
  seedChapters: string;
  /** 'coming' days show in the navigation, marked as coming, with no lesson yet. */
  status: 'ready' | 'coming';
  lesson?: Localized;
  exercises: Exercise[];
}

/** The version of the course's content; a progress file records the one it was made with. */
export const COURSE_VERSION = 1;

export function localize(text: Localized, lang: Lang): string {
  return lang === 'zh' ? text.zh : text.en;
}
