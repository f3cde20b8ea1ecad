// The scheduling views and their controls, kept in step with the terminal.
//
// Every control is a terminal command: the buttons type it into the terminal
// (so it shows there, goes into the history, and is exactly what a learner
// could have typed), and after every command — typed or clicked — the views
// fetch the run's new trace events from the lab in one batch and redraw.

import type { TraceBatch } from '../lab/protocol';
import { GmpView, type GmpText } from './gmp';
import { TimelineView, type TimelineText } from './timeline';
import { decodeEvents, decodeHeap, TraceModel, type TraceInfo } from './trace';

/** Scenarios with a garbage-collected heap: the write barrier applies to them. */
export const GC_SCENARIOS = new Set(['mutator-race', 'binarytrees', 'churn', 'linkedlist']);

export interface SchedViewsText {
  timeline: () => TimelineText;
  gmp: () => GmpText;
  /** The status line; traceEndNs: where a full trace's record ends (TraceModel.recordedEndTs). */
  status: (info: TraceInfo, events: number, traceEndNs: number) => string;
}

export interface SchedViewsOptions {
  timelineHost: HTMLElement;
  gmpHost: HTMLElement;
  controls: HTMLFormElement;
  status: HTMLElement;
  /** Fetches trace events of the current run from `from` on. */
  trace: (from: number) => Promise<TraceBatch>;
  /** Runs a command as if typed at the prompt (and waits for it). */
  type: (line: string) => Promise<void>;
  text: SchedViewsText;
}

export class SchedViews {
  readonly model = new TraceModel();
  readonly timeline: TimelineView;
  private readonly gmp: GmpView;
  private playing: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  /** Frame timestamps while playing, for the frame-rate figure the browser test prints. */
  readonly frames: number[] = [];

  constructor(private readonly opts: SchedViewsOptions) {
    this.timeline = new TimelineView(opts.timelineHost, this.model, opts.text.timeline);
    this.gmp = new GmpView(opts.gmpHost, this.model, opts.text.gmp);
    this.wireControls();
    this.enableStepButtons();
    new ResizeObserver(() => this.render()).observe(opts.timelineHost);
  }

  /** Fetches what the last command recorded and redraws. Calls never overlap. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.fetch()).catch(() => {});
    return this.refreshing;
  }

  private async fetch(): Promise<void> {
    const from = this.model.events.length;
    let batch = await this.opts.trace(from);
    if (batch.events === null) return; // no run yet
    if (batch.session === this.model.session && batch.from < from) {
      // `back` moved the same run back to event batch.from: keep what came before.
      this.model.truncate(batch.from);
    } else if (batch.session !== this.model.session || batch.from !== from) {
      // A new run, or `back` replaced this one (a run replayed from its start): start over.
      batch = batch.from === 0 ? batch : await this.opts.trace(0);
      if (batch.events === null) return;
      this.model.reset(infoOf(batch));
    }
    this.model.append(decodeEvents(batch.events), infoOf(batch));
    this.model.setHeapFrom(batch.from, decodeHeap(batch.heap));
    this.render();
  }

  render(): void {
    const info = this.model.info;
    const live = info !== undefined && this.model.events.length > 0;
    for (const host of [this.opts.timelineHost, this.opts.gmpHost]) host.closest('.card')?.classList.toggle('live', live);
    if (!live) return;
    this.timeline.render();
    this.gmp.render();
    this.opts.status.textContent = this.opts.text.status(info, this.model.events.length, this.model.recordedEndTs);
    const form = this.opts.controls;
    form.classList.toggle('over', info.over);
    form.classList.toggle('sim', info.engine === 'sim');
    form.classList.toggle('trace-full', info.traceFull === true);
    this.enableStepButtons();
  }

  /** Step, Play and To the end need a paused simulator run that is not over: disabled
   *  otherwise (truly disabled, so the keyboard and screen readers skip them too). Step and
   *  Play count recorded events, so a full trace disables them; To the end still goes on. */
  private enableStepButtons(): void {
    const form = this.opts.controls;
    const canMove = form.classList.contains('sim') && !form.classList.contains('over');
    const canStep = canMove && !form.classList.contains('trace-full');
    for (const b of form.querySelectorAll<HTMLButtonElement>('.step-buttons button:not([data-action="back"])'))
      b.disabled = b.dataset.action === 'continue' ? !canMove : !canStep;
  }

  /** The controls follow the current run, however it was started (their Run button or a typed
   *  `run`), so Run again repeats it: scenario, seed and GOMAXPROCS as the lab reports them;
   *  size and barrier as the command gave them (a scenario's own default otherwise). */
  followRun(line: string): void {
    const words = line.trim().split(/\s+/);
    const flag = (name: string) => {
      const i = words.findIndex((w) => w === `--${name}` || w.startsWith(`--${name}=`));
      if (i < 0) return undefined;
      const w = words[i]!;
      return w.includes('=') ? w.slice(w.indexOf('=') + 1) : words[i + 1];
    };
    const info = this.model.info;
    const scenario = this.field('scenario') as HTMLSelectElement;
    const name = info?.scenario ?? words[1];
    if (name && [...scenario.options].some((o) => o.value === name)) scenario.value = name;
    if (info && info.seed > 0) this.field('seed').value = String(info.seed);
    if (info && info.procs > 0) this.field('procs').value = String(info.procs);
    this.field('size').value = flag('size') ?? '';
    const barrier = flag('barrier');
    const select = this.field('barrier') as HTMLSelectElement;
    if (barrier && [...select.options].some((o) => o.value === barrier)) select.value = barrier;
  }

  private field(name: string): HTMLInputElement | HTMLSelectElement {
    return this.opts.controls.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  }

  private wireControls(): void {
    const form = this.opts.controls;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.command(this.runLine());
    });
    const on = (action: string, fn: () => void) =>
      form.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)?.addEventListener('click', fn);
    on('step', () => void this.command(`step ${this.speed()}`));
    on('back', () => void this.command(`back ${this.speed()}`));
    on('continue', () => void this.command('continue'));
    on('play', () => this.togglePlay());
  }

  /** The `run` command the controls describe: paused on the simulator, ready to step. */
  runLine(): string {
    const scenario = this.field('scenario').value;
    const procs = Number(this.field('procs').value) || 2;
    const seed = Number(this.field('seed').value) || 1;
    const size = this.field('size').value.trim();
    const barrier = GC_SCENARIOS.has(scenario) ? ` --barrier ${this.field('barrier').value}` : '';
    return `run ${scenario} --engine sim --procs ${procs} --seed ${seed}${size ? ` --size ${Number(size) || 1}` : ''}${barrier} --step`;
  }

  private speed(): number {
    return Number(this.field('speed').value) || 10;
  }

  private async command(line: string): Promise<void> {
    await this.opts.type(line);
  }

  get isPlaying(): boolean {
    return this.playing !== undefined;
  }

  togglePlay(): void {
    const button = this.opts.controls.querySelector<HTMLButtonElement>('[data-action="play"]');
    if (this.playing !== undefined) {
      clearTimeout(this.playing);
      this.playing = undefined;
      button?.setAttribute('aria-pressed', 'false');
      return;
    }
    button?.setAttribute('aria-pressed', 'true');
    const tick = async () => {
      if (this.model.info?.over || this.model.info?.traceFull) {
        this.playing = undefined;
        button?.setAttribute('aria-pressed', 'false');
        return;
      }
      await this.command(`step ${this.speed()}`);
      this.frames.push(performance.now());
      if (this.playing !== undefined) this.playing = setTimeout(() => void tick(), 30);
    };
    this.playing = setTimeout(() => void tick(), 0);
  }
}

function infoOf(batch: TraceBatch): TraceInfo {
  const { from: _from, events: _events, heap: _heap, ...info } = batch;
  return info;
}
