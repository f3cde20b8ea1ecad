// The learner's progress: a versioned JSON document kept in localStorage, exported to a file
// and imported back. Validated with zod, so a corrupt, foreign or future file is refused with
// one message and overwrites nothing.

import { z } from 'zod';
import { COURSE_VERSION, type Localized } from './model';

export const PROGRESS_FORMAT = 'go-runtime-lab-progress';
/** The version of this document's shape (not of the course's content: see COURSE_VERSION). */
export const PROGRESS_VERSION = 1;
export const PROGRESS_KEY = 'rtlab.progress';

const exerciseState = z.object({
  solved: z.boolean(),
  /** Commands used in the attempt that solved it (or in the current one, if not solved). */
  commands: z.number().int().nonnegative(),
  hintsShown: z.number().int().nonnegative(),
  solutionViewed: z.boolean(),
  solvedAt: z.string().optional(),
});

const dayState = z.object({
  lessonRead: z.boolean(),
  experimentsRun: z.array(z.string().max(64)).max(200),
  exercises: z.record(z.string().max(64), exerciseState),
});

const progressSchema = z.object({
  format: z.literal(PROGRESS_FORMAT),
  version: z.literal(PROGRESS_VERSION),
  courseVersion: z.number().int().positive(),
  days: z.record(z.string().regex(/^[1-7]$/), dayState),
});

export type ExerciseState = z.infer<typeof exerciseState>;
export type DayState = z.infer<typeof dayState>;
export type Progress = z.infer<typeof progressSchema>;

export function emptyProgress(): Progress {
  return { format: PROGRESS_FORMAT, version: PROGRESS_VERSION, courseVersion: COURSE_VERSION, days: {} };
}

export function dayOf(p: Progress, n: number): DayState {
  return (p.days[String(n)] ??= { lessonRead: false, experimentsRun: [], exercises: {} });
}

export function exerciseOf(p: Progress, day: number, id: string): ExerciseState {
  return (dayOf(p, day).exercises[id] ??= { solved: false, commands: 0, hintsShown: 0, solutionViewed: false });
}

export type ParseResult = { ok: true; progress: Progress } | { ok: false; error: Localized };

/** Reads a progress document from text: from localStorage or from a file the learner chose. */
export function parseProgress(text: string): ParseResult {
  if (text.length > 1_000_000) {
    return { ok: false, error: { zh: '进度文件太大（超过 1 MB），不是本实验室导出的文件。', en: 'the progress file is too large (over 1 MB); it is not one this lab exported.' } };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: { zh: '进度文件已损坏：它不是有效的 JSON。', en: 'the progress file is damaged: it is not valid JSON.' } };
  }
  const head = z.object({ format: z.string(), version: z.number() }).safeParse(raw);
  if (!head.success || head.data.format !== PROGRESS_FORMAT) {
    return { ok: false, error: { zh: '这不是 Go Runtime Lab 的进度文件。', en: 'this is not a Go Runtime Lab progress file.' } };
  }
  if (head.data.version > PROGRESS_VERSION) {
    return {
      ok: false,
      error: {
        zh: `这个进度文件来自更新版本的实验室（格式 ${head.data.version}，本页支持 ${PROGRESS_VERSION}）；请在新版页面中打开。`,
        en: `this progress file comes from a newer lab (format ${head.data.version}; this page reads ${PROGRESS_VERSION}); open it in the newer page.`,
      },
    };
  }
  const full = progressSchema.safeParse(raw);
  if (!full.success) {
    const issue = full.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top)' : '?';
    return { ok: false, error: { zh: `进度文件已损坏：字段 ${where} 无效。`, en: `the progress file is damaged: field ${where} is not valid.` } };
  }
  return { ok: true, progress: full.data };
}

export function serializeProgress(p: Progress): string {
  return JSON.stringify(p, null, 2);
}

/** Exercises a progress document knows that the current course does not (renamed or removed
 *  since the file was made). They are kept, so nothing is lost, and not shown. */
export function unknownExercises(p: Progress, known: ReadonlySet<string>): string[] {
  return Object.values(p.days).flatMap((d) => Object.keys(d.exercises).filter((id) => !known.has(id)));
}

/** Where progress is kept: localStorage, or memory when storage is disabled. */
export interface ProgressStore {
  load(): ParseResult | undefined;
  save(p: Progress): void;
  clear(): void;
}

export function localProgressStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined): ProgressStore {
  let memory: string | undefined;
  return {
    load() {
      let text: string | null | undefined;
      try {
        text = storage?.getItem(PROGRESS_KEY);
      } catch {
        text = memory;
      }
      text ??= memory;
      return text ? parseProgress(text) : undefined;
    },
    save(p) {
      memory = serializeProgress(p);
      try {
        storage?.setItem(PROGRESS_KEY, memory);
      } catch {
        // storage disabled or full: progress lives for this page only
      }
    },
    clear() {
      memory = undefined;
      try {
        storage?.removeItem(PROGRESS_KEY);
      } catch {
        // nothing stored
      }
    },
  };
}
