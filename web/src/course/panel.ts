// The course panel: the days, a day's lesson with its experiments, and its exercises, checked
// after every command the learner runs (Learn Git Branching's model).
//
// The page contract that tests and embedders rely on:
//   [data-day="N"]                    each day's card in the navigation, and the open lesson
//   [data-experiment="dN-eK"]         an experiment block; its ▶ button types the commands
//   [data-exercise="id"][data-state]  an exercise, data-state "open" or "solved"
//   [data-solution]                   the solution's commands and files, as text, once shown

import { ExerciseAttempt, observe } from './checker';
import { renderInline, renderLesson } from './markdown';
import { COURSE_VERSION, localize, type Day, type Exercise, type Experiment, type Lang, type Localized, type Verdict } from './model';
import {
  dayOf, emptyProgress, exerciseOf, parseProgress, serializeProgress, unknownExercises,
  type Progress, type ProgressStore,
} from './progress';

/** The UI strings the panel needs, in the current language. */
export interface CourseText {
  dayLabel(n: number): string;
  coming: string;
  comingBody: string;
  exercisesTitle: string;
  commands(n: number): string;
  hint(n: number, total: number): string;
  showSolution: string;
  solutionFile(path: string): string;
  startOver: string;
  check: string;
  answerPlaceholder: string;
  runExperiment: string;
  dayProgress(solved: number, total: number): string;
  exportProgress: string;
  importProgress: string;
  resetProgress: string;
  resetConfirm: string;
  imported(solved: number): string;
  importKept(n: number): string;
  importFailed(reason: string): string;
  storedDamaged(reason: string): string;
  resetDone: string;
}

export interface CoursePanelOptions {
  nav: HTMLElement;
  body: HTMLElement;
  tools: HTMLElement;
  days: readonly Day[];
  knownExercises: ReadonlySet<string>;
  store: ProgressStore;
  lang: () => Lang;
  text: () => CourseText;
  /** Types commands into the terminal, as the learner would, and waits for each. */
  type: (line: string) => Promise<void>;
  /** Keeps a damaged stored document aside before the course overwrites it. */
  keepDamaged: (text: string) => void;
  /** Reads the raw stored document (to keep it aside if it is damaged). */
  readStored: () => string | null;
}

const OPEN_DAY_KEY = 'rtlab.course.day';

export class CoursePanel {
  private progress: Progress;
  private openDay: number;
  private readonly attempts = new Map<string, ExerciseAttempt>();
  private readonly verdicts = new Map<string, Verdict>();
  private experiments: Experiment[] = [];
  /** The last message of the progress tools (import, reset): kept across re-renders. */
  private message: { text: () => string; error: boolean } | undefined;
  private resetArmed: ReturnType<typeof setTimeout> | undefined;
  private lessonObserver: IntersectionObserver | undefined;
  private restoreAfterRender: () => void = () => {};

  constructor(private readonly opts: CoursePanelOptions) {
    const stored = opts.store.load();
    if (stored && !stored.ok) {
      // Keep the damaged document aside, so nothing is lost, and start afresh.
      const raw = opts.readStored();
      if (raw !== null) opts.keepDamaged(raw);
      const reason = stored.error;
      this.message = { text: () => this.t.storedDamaged(localize(reason, this.lang)), error: true };
    }
    this.progress = stored?.ok ? stored.progress : emptyProgress();
    for (const day of opts.days) for (const ex of day.exercises) this.attempts.set(ex.id, new ExerciseAttempt(ex));
    const saved = Number(safeGet(OPEN_DAY_KEY));
    this.openDay = opts.days.some((d) => d.n === saved) ? saved : 1;
    this.wireTools();
    this.render();
  }

  private get lang(): Lang {
    return this.opts.lang();
  }

  private get t(): CourseText {
    return this.opts.text();
  }

  private get day(): Day {
    return this.opts.days.find((d) => d.n === this.openDay) ?? this.opts.days[0]!;
  }

  /** The day whose lesson is open. */
  get currentDay(): number {
    return this.openDay;
  }

  open(n: number): void {
    if (!this.opts.days.some((d) => d.n === n)) return;
    this.openDay = n;
    safeSet(OPEN_DAY_KEY, String(n));
    this.render();
    this.opts.body.scrollTop = 0;
  }

  /** Re-renders every text in the current language; attempts, answers typed and hints stay. */
  render(): void {
    this.renderNav();
    this.renderDay();
    this.renderTools();
  }

  /** After every command, typed or clicked: the open day's exercises look at it. */
  onCommand(line: string, reply: { ok: boolean; json: string }): void {
    const trimmed = line.trim();
    if (trimmed === '') return;
    this.noteExperiment(trimmed);
    const observation = observe(trimmed, reply);
    let changed = false;
    for (const ex of this.day.exercises) {
      const attempt = this.attempts.get(ex.id)!;
      const verdict = attempt.command(observation);
      const state = exerciseOf(this.progress, this.openDay, ex.id);
      if (!state.solved) state.commands = attempt.commands;
      if (verdict) {
        this.verdicts.set(ex.id, verdict);
        if (verdict.solved && !state.solved) this.markSolved(ex, attempt.commands);
      }
      changed = true;
    }
    if (changed) {
      this.save();
      this.renderExerciseStates();
      this.renderNav();
    }
  }

  /** A scenario script the learner wrote (the script editor) is part of every open attempt. */
  onFile(path: string, text: string): void {
    for (const ex of this.day.exercises) this.attempts.get(ex.id)!.file(path, text);
  }

  // ---- navigation ----

  private renderNav(): void {
    const nav = this.opts.nav;
    nav.replaceChildren();
    for (const day of this.opts.days) {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'day-card';
      button.dataset.day = String(day.n);
      button.dataset.status = day.status;
      if (day.n === this.openDay) button.setAttribute('aria-current', 'true');
      const solved = day.exercises.filter((e) => exerciseOf(this.progress, day.n, e.id).solved).length;
      const done = day.exercises.length > 0 && solved === day.exercises.length;
      button.dataset.complete = String(done);
      button.title = `${this.t.dayLabel(day.n)} · ${localize(day.title, this.lang)}`;
      // The button's name is its text: what it shows (day, progress), then the title, which is
      // only for screen readers (a name must begin with what is seen: WCAG 2.5.3).
      button.append(
        span('day-num', this.t.dayLabel(day.n)),
        span('day-state', day.status === 'coming' ? this.t.coming : `${done ? '✓ ' : ''}${solved}/${day.exercises.length}`),
        span('day-title', `: ${localize(day.title, this.lang)}`),
      );
      button.addEventListener('click', () => this.open(day.n));
      li.append(button);
      nav.append(li);
    }
  }

  // ---- the open day ----

  private renderDay(): void {
    const day = this.day;
    const body = this.opts.body;
    this.lessonObserver?.disconnect();
    // Re-rendering the same day (a language switch) keeps what the learner typed and where
    // they were reading.
    const sameDay = body.dataset.day === String(day.n);
    const typed = new Map<string, string>();
    for (const input of body.querySelectorAll<HTMLInputElement>('[data-exercise] input[name="answer"]')) {
      const id = input.closest<HTMLElement>('[data-exercise]')?.dataset.exercise;
      if (id && input.value !== '') typed.set(id, input.value);
    }
    const scrollTop = body.scrollTop;
    body.replaceChildren();
    this.experiments = []; // a coming day has none; a ready one sets its own below
    this.restoreAfterRender = () => {
      if (!sameDay) return;
      for (const [id, value] of typed) {
        const input = body.querySelector<HTMLInputElement>(`[data-exercise="${id}"] input[name="answer"]`);
        if (input) input.value = value;
      }
      body.scrollTop = scrollTop;
    };
    body.dataset.day = String(day.n);
    if (day.status === 'coming' || !day.lesson) {
      const article = document.createElement('article');
      article.className = 'lesson coming';
      article.dataset.day = String(day.n);
      const h = document.createElement('h3');
      h.textContent = `${this.t.dayLabel(day.n)} · ${localize(day.title, this.lang)}`;
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = this.t.comingBody;
      article.append(h, p);
      body.append(article);
      return;
    }
    const { html, experiments } = renderLesson(localize(day.lesson, this.lang), day.n);
    this.experiments = experiments;
    const heading = document.createElement('p');
    heading.className = 'lesson-title';
    heading.textContent = `${this.t.dayLabel(day.n)} · ${localize(day.title, this.lang)}`;
    body.append(heading);
    const article = document.createElement('article');
    article.className = 'lesson';
    article.dataset.day = String(day.n);
    article.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    article.innerHTML = html; // markdown-it with raw HTML off: course text cannot add markup
    this.decorateLesson(article);
    body.append(article);

    const end = document.createElement('div');
    end.className = 'lesson-end';
    body.append(end);
    this.watchLessonEnd(end);

    const section = document.createElement('section');
    section.className = 'exercises';
    section.setAttribute('aria-label', this.t.exercisesTitle);
    const h = document.createElement('h3');
    h.textContent = this.t.exercisesTitle;
    section.append(h);
    for (const ex of day.exercises) section.append(this.renderExercise(ex));
    body.append(section);
    this.restoreAfterRender();
  }

  private decorateLesson(article: HTMLElement): void {
    const ran = new Set(dayOf(this.progress, this.openDay).experimentsRun);
    for (const block of article.querySelectorAll<HTMLElement>('.experiment')) {
      const id = block.dataset.experiment ?? '';
      block.classList.toggle('ran', ran.has(id));
      const button = block.querySelector<HTMLButtonElement>('.run-experiment')!;
      button.title = this.t.runExperiment;
      button.setAttribute('aria-label', this.t.runExperiment);
      button.addEventListener('click', () => void this.runExperiment(id));
    }
    // The misconception boxes: quotes that open with the marker (course/README.md).
    for (const quote of article.querySelectorAll('blockquote')) {
      const first = quote.querySelector('p > strong:first-child')?.textContent ?? '';
      if (/^(常见误解|Common misconception)/.test(first)) quote.classList.add('misconception');
    }
  }

  private async runExperiment(id: string): Promise<void> {
    const exp = this.experiments.find((e) => e.id === id);
    if (!exp) return;
    for (const line of exp.commands) await this.opts.type(line);
    this.markExperiment(id);
  }

  /** A typed command that is an experiment's last command counts as running it. */
  private noteExperiment(line: string): void {
    for (const exp of this.experiments) if (exp.commands.at(-1) === line) this.markExperiment(exp.id);
  }

  private markExperiment(id: string): void {
    const day = dayOf(this.progress, this.openDay);
    if (!day.experimentsRun.includes(id)) {
      day.experimentsRun.push(id);
      this.save();
    }
    this.opts.body.querySelector(`.experiment[data-experiment="${id}"]`)?.classList.add('ran');
  }

  private watchLessonEnd(end: HTMLElement): void {
    const markRead = () => {
      const day = dayOf(this.progress, this.openDay);
      if (!day.lessonRead) {
        day.lessonRead = true;
        this.save();
      }
    };
    if (typeof IntersectionObserver === 'undefined') return markRead();
    this.lessonObserver = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) markRead();
    });
    this.lessonObserver.observe(end);
  }

  // ---- exercises ----

  private renderExercise(ex: Exercise): HTMLElement {
    const state = exerciseOf(this.progress, this.openDay, ex.id);
    const el = document.createElement('div');
    el.className = 'exercise';
    el.dataset.exercise = ex.id;
    el.dataset.state = state.solved ? 'solved' : 'open';

    const head = document.createElement('h4');
    head.append(span('exercise-check', '✓'), document.createTextNode(localize(ex.title, this.lang)));
    const goal = document.createElement('div');
    goal.className = 'goal';
    goal.innerHTML = renderInline(localize(ex.goal, this.lang));
    el.append(head, goal);

    if (ex.question) {
      const form = document.createElement('form');
      form.className = 'answer';
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.name = 'answer';
      input.autocomplete = 'off';
      input.placeholder = this.t.answerPlaceholder;
      label.append(span('', localize(ex.question, this.lang)), input);
      const submit = document.createElement('button');
      submit.type = 'submit';
      submit.textContent = this.t.check;
      form.append(label, submit);
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        this.answer(ex, input.value);
      });
      el.append(form);
    }

    const verdict = document.createElement('p');
    verdict.className = 'verdict';
    verdict.setAttribute('aria-live', 'polite');
    const meta = document.createElement('p');
    meta.className = 'meta muted';
    el.append(verdict, meta);

    const hints = document.createElement('ol');
    hints.className = 'hints';
    const actions = document.createElement('div');
    actions.className = 'exercise-actions';
    const hintButton = button('hint', '', () => {
      const s = exerciseOf(this.progress, this.openDay, ex.id);
      s.hintsShown = Math.min(ex.hints.length, s.hintsShown + 1);
      this.save();
      this.renderExerciseStates();
    });
    const solutionButton = button('show-solution', this.t.showSolution, () => {
      exerciseOf(this.progress, this.openDay, ex.id).solutionViewed = true;
      this.save();
      this.renderExerciseStates();
    });
    const startOver = button('start-over', this.t.startOver, () => {
      this.attempts.get(ex.id)!.reset();
      this.verdicts.delete(ex.id);
      const s = exerciseOf(this.progress, this.openDay, ex.id);
      s.solved = false;
      s.commands = 0;
      delete s.solvedAt;
      this.save();
      this.renderExerciseStates();
      this.renderNav();
    });
    actions.append(hintButton, solutionButton, startOver);
    const solution = document.createElement('pre');
    solution.className = 'solution';
    solution.dataset.solution = '';
    solution.hidden = true;
    el.append(hints, actions, solution);
    this.renderExerciseState(ex, el);
    return el;
  }

  private answer(ex: Exercise, text: string): void {
    const attempt = this.attempts.get(ex.id)!;
    const verdict = attempt.answer(text);
    this.verdicts.set(ex.id, verdict);
    const state = exerciseOf(this.progress, this.openDay, ex.id);
    if (verdict.solved && !state.solved) this.markSolved(ex, attempt.commands);
    this.save();
    this.renderExerciseStates();
    this.renderNav();
  }

  private markSolved(ex: Exercise, commands: number): void {
    const state = exerciseOf(this.progress, this.openDay, ex.id);
    state.solved = true;
    state.commands = commands;
    state.solvedAt = new Date().toISOString();
  }

  private renderExerciseStates(): void {
    for (const ex of this.day.exercises) {
      const el = this.opts.body.querySelector<HTMLElement>(`[data-exercise="${ex.id}"]`);
      if (el) this.renderExerciseState(ex, el);
    }
  }

  private renderExerciseState(ex: Exercise, el: HTMLElement): void {
    const state = exerciseOf(this.progress, this.openDay, ex.id);
    el.dataset.state = state.solved ? 'solved' : 'open';
    const verdict = this.verdicts.get(ex.id);
    const line = el.querySelector<HTMLElement>('.verdict')!;
    line.textContent = verdict?.note ? localize(verdict.note, this.lang) : '';
    line.dataset.solved = String(verdict?.solved ?? false);
    el.querySelector<HTMLElement>('.meta')!.textContent = this.t.commands(state.commands);

    const hints = el.querySelector<HTMLOListElement>('.hints')!;
    hints.replaceChildren(
      ...ex.hints.slice(0, state.hintsShown).map((h) => {
        const li = document.createElement('li');
        li.innerHTML = renderInline(localize(h, this.lang));
        return li;
      }),
    );
    const hintButton = el.querySelector<HTMLButtonElement>('[data-action="hint"]')!;
    hintButton.textContent = this.t.hint(Math.min(state.hintsShown + 1, ex.hints.length), ex.hints.length);
    hintButton.disabled = state.hintsShown >= ex.hints.length;

    const solution = el.querySelector<HTMLElement>('[data-solution]')!;
    solution.hidden = !state.solutionViewed;
    if (state.solutionViewed) solution.textContent = solutionText(ex, this.t);
    el.querySelector<HTMLButtonElement>('[data-action="show-solution"]')!.hidden = state.solutionViewed;
  }

  // ---- progress: export, import, reset ----

  private wireTools(): void {
    const tools = this.opts.tools;
    tools.replaceChildren();
    const exportButton = button('export-progress', '', () => this.exportProgress());
    const importInput = document.createElement('input');
    importInput.type = 'file';
    importInput.accept = 'application/json,.json';
    importInput.hidden = true;
    importInput.dataset.action = 'import-file';
    importInput.addEventListener('change', () => {
      const file = importInput.files?.[0];
      importInput.value = '';
      if (file) void file.text().then((text) => this.importProgress(text), () => this.importProgress(''));
    });
    const importButton = button('import-progress', '', () => importInput.click());
    const resetButton = button('reset-progress', '', () => this.resetProgress());
    const message = document.createElement('p');
    message.className = 'progress-message';
    message.setAttribute('role', 'status');
    tools.append(exportButton, importButton, resetButton, importInput, message);
  }

  private renderTools(): void {
    const tools = this.opts.tools;
    tools.querySelector<HTMLButtonElement>('[data-action="export-progress"]')!.textContent = this.t.exportProgress;
    tools.querySelector<HTMLButtonElement>('[data-action="import-progress"]')!.textContent = this.t.importProgress;
    tools.querySelector<HTMLButtonElement>('[data-action="reset-progress"]')!.textContent =
      this.resetArmed !== undefined ? this.t.resetConfirm : this.t.resetProgress;
    const message = tools.querySelector<HTMLElement>('.progress-message')!;
    message.textContent = this.message?.text() ?? '';
    message.dataset.error = String(this.message?.error ?? false);
  }

  /** The progress document, as exported (for tests and the export button). */
  exportText(): string {
    return serializeProgress(this.progress);
  }

  private exportProgress(): void {
    const blob = new Blob([this.exportText()], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'go-runtime-lab-progress.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  /** Replaces the progress with a file's, or refuses it with one message and changes nothing. */
  importProgress(text: string): void {
    const parsed = parseProgress(text);
    if (!parsed.ok) {
      const reason = parsed.error;
      this.message = { text: () => this.t.importFailed(localize(reason, this.lang)), error: true };
      this.renderTools();
      return;
    }
    this.progress = { ...parsed.progress, courseVersion: Math.max(parsed.progress.courseVersion, COURSE_VERSION) };
    for (const a of this.attempts.values()) a.reset();
    this.verdicts.clear();
    this.save();
    const solved = Object.values(this.progress.days).reduce(
      (n, d) => n + Object.entries(d.exercises).filter(([id, e]) => e.solved && this.opts.knownExercises.has(id)).length, 0);
    const kept = unknownExercises(this.progress, this.opts.knownExercises).length;
    this.message = { text: () => this.t.imported(solved) + (kept > 0 ? ' ' + this.t.importKept(kept) : ''), error: false };
    this.render();
  }

  private resetProgress(): void {
    if (this.resetArmed === undefined) {
      // Two clicks: the first arms the button for a few seconds.
      this.resetArmed = setTimeout(() => {
        this.resetArmed = undefined;
        this.renderTools();
      }, 5000);
      this.renderTools();
      return;
    }
    clearTimeout(this.resetArmed);
    this.resetArmed = undefined;
    this.progress = emptyProgress();
    for (const a of this.attempts.values()) a.reset();
    this.verdicts.clear();
    this.opts.store.clear();
    this.message = { text: () => this.t.resetDone, error: false };
    this.render();
  }

  private save(): void {
    this.opts.store.save(this.progress);
  }
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  if (className) s.className = className;
  s.textContent = text;
  return s;
}

function button(action: string, text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.action = action;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

/** The solution as text: the files to write, then the commands, then the answer. */
export function solutionText(ex: Exercise, t: Pick<CourseText, 'solutionFile'>): string {
  const parts: string[] = [];
  for (const [path, text] of Object.entries(ex.solution.files ?? {})) parts.push(`${t.solutionFile(path)}\n${text.trimEnd()}\n`);
  parts.push(ex.solution.commands.join('\n'));
  if (ex.solution.answer !== undefined) parts.push(`→ ${ex.solution.answer}`);
  return parts.join('\n');
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not remembered
  }
}

export type { Localized };
