// Page entry: layout strings, language switch, terminal, the lab worker, share links and the
// embed mode (share.ts, embed.ts).

// First: starts the lab worker before the rest of the page's modules are evaluated.
import { earlyLab } from './lab/early';
import './styles.css';
import { bannerLines } from './banner';
import { days as courseDays, exerciseIds } from '../../course/index';
import { CoursePanel, type CourseText } from './course/panel';
import { localProgressStore, PROGRESS_KEY } from './course/progress';
import { Layout } from './layout';
import { LANG_KEY, LANGS, detectLanguage, t, type Lang, type MessageKey } from './i18n';
import type { BuildInfo } from './lab/protocol';
import { LabShell, escapeControls } from './terminal/shell';
import {
  SHARE_VERSION, commandsToShare, decodeHash, encodeState, mayDiffer, scriptsUsed, type RanCommand, type ReadLink,
} from './share';
import { EmbedApi, embeddingOrigin, fullLabUrl, parseEmbedParams } from './embed';
import { applyTheme } from './theme';
import type { ExecResult } from './lab/protocol';
import { HeapMapView, parseHeap } from './views/heapMap';
import { MarkingView, parseGraph } from './views/marking';
import type { MetricsText, MetricsView } from './views/metrics';
import { markingText } from './views/markingText';
import { SchedViews } from './views/schedViews';
import { formatNs } from './views/trace';
import { createTerminal } from './terminal/terminalView';

function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled (sandboxed iframe, privacy settings)
  }
}

function storageOrUndefined(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined; // storage disabled: progress lives for this page only
  }
}

function writeStored(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not persisted; the choice still applies to this page
  }
}

// A share link (#s=…, share.ts) is read before anything else: its language wins. An embed's
// parameters (embed.ts) choose the compact layout.
const sharedLink: ReadLink = decodeHash(location.hash);
const embed = parseEmbedParams(location.search);
// The theme (theme.ts) is set before the first frame; the metrics charts are drawn on a canvas
// and redraw when an auto theme follows the system to the other one.
applyTheme(document.documentElement, embed.theme, window.matchMedia?.('(prefers-color-scheme: dark)'), () =>
  metrics?.relabel(),
);
if (embed.embed) {
  document.body.classList.add('embed');
  if (embed.height) document.documentElement.style.setProperty('--embed-height', `${embed.height}px`);
}

let lang: Lang =
  (sharedLink.kind === 'ok' ? sharedLink.state.lang : undefined) ??
  detectLanguage({
    search: location.search,
    stored: readStored(LANG_KEY),
    navigatorLanguage: navigator.language,
  });

const st = (key: MessageKey) => t(lang, key);

// ---- static layout ----

// A static heap sketch: spans as rows of slots, some white, grey and black.
const heap = document.getElementById('heap-sketch')!;
const shades = ['w', 'b', 'b', 'g', 'b', 'w', 'b', 'g', 'w', 'b', 'b', 'w', 'g'];
let cells = '';
for (let row = 0; row < 5; row++) {
  for (let col = 0; col < 20; col++) {
    const shade = shades[(row * 7 + col * 3 + ((row * col) % 5)) % shades.length];
    cells += `<rect x="${6 + col * 11.5}" y="${6 + row * 16}" width="9.5" height="12" rx="1.5" class="h${shade}"/>`;
  }
}
heap.innerHTML = cells;

type ModeState = 'loading' | 'threads' | 'single' | 'failed';
let mode: { state: ModeState; info?: BuildInfo } = { state: 'loading' };

function renderMode(): void {
  const badge = document.getElementById('mode')!;
  const key: Record<ModeState, MessageKey> = {
    loading: 'modeLoading', threads: 'modeThreads', single: 'modeSingle', failed: 'modeFailed',
  };
  let text = t(lang, key[mode.state]);
  if (mode.state === 'threads' && mode.info) text += ` · ${t(lang, 'workers', { n: mode.info.workers })}`;
  badge.textContent = text;
  badge.title = mode.info ? `Go Runtime Lab ${mode.info.version}` : '';
  badge.dataset.state = mode.state;
}

function applyLanguage(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const n = el.dataset.n;
    el.textContent = t(lang, el.dataset.i18n as MessageKey, n ? { n } : {});
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(lang, el.dataset.i18nLabel as MessageKey));
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
  document.getElementById('lang-switch')!.setAttribute('aria-label', t(lang, 'language'));
  renderMode();
}

applyLanguage();

// ---- terminal and lab ----

// A worker starts only after the task that created it ends: yield once (the theme and the
// language are set, so nothing shows unstyled), and the lab worker (early.ts) loads the wasm
// module while the rest of this module builds the page.
await new Promise((resolve) => setTimeout(resolve, 0));

const view = createTerminal(document.getElementById('terminal')!);
const layout = new Layout({ root: document.querySelector<HTMLElement>('.layout')!, onResize: () => view.fit() });
const lab = earlyLab.lab;
// A share link's language is known only now (the worker started with the first guess).
if (lang !== earlyLab.lang) lab.setLanguage(lang).catch(() => {}); // a failed worker says so in the banner
// After every command, typed or clicked, the views fetch what the run recorded
// (and, after a heap command, the heap map reads the heap).
let views: SchedViews | undefined;
let heapMap: HeapMapView | undefined;
// The heap card holds the heap map (after alloc, spans, mstats) and the
// marking view (in GC runs), one at a time: the one the latest command
// concerned, so the card never grows past the terminal's room.
let heapLive = false;
let markingLive = false;
let heapCardShows: 'heap' | 'marking' = 'heap';
function showHeapCard(): void {
  const showMarking = markingLive && (heapCardShows === 'marking' || !heapLive);
  const showHeap = heapLive && !showMarking;
  document.getElementById('heapmap')!.closest('.card')!.classList.toggle('live', showHeap || showMarking);
  document.getElementById('heapmap')!.hidden = !showHeap;
  document.getElementById('marking')!.hidden = !showMarking;
}
const HEAP_COMMANDS = new Set(['alloc', 'spans', 'mstats']);
// The heap map draws at most this many spans (the first, by address): after
// `alloc 32 x10000000` the heap has 39 063, whose JSON would pass the reply cap.
const HEAP_MAP_SPANS = 4096;
async function refreshHeap(): Promise<void> {
  const spans = await lab.exec(`spans --limit ${HEAP_MAP_SPANS} --json`);
  if (!heapMap || !spans.ok) return;
  heapMap.snapshot = parseHeap(spans.json);
  heapLive = (heapMap.snapshot?.spans.length ?? 0) > 0;
  heapCardShows = 'heap';
  showHeapCard();
  if (heapLive) heapMap.render();
}
// The marking view reads the run's object graph after every command. The
// barrier's shades it rings are those of the last step forward: from the
// previous position to this one (a command that does not move the run, like
// `heap`, keeps the same window). Going back to a position the run stepped
// through rings the shades of the step that arrived there, as before; to any
// other position, those since the last trace event before it.
let marking: MarkingView | undefined;
let markingPath: number[] = []; // the run times of the positions stepped through, in order
async function refreshMarking(command: string): Promise<void> {
  if (!marking) return;
  if (command === 'run') {
    marking.layout.reset();
    markingPath = [];
  }
  const read = async (since: number) => {
    const reply = await lab.exec(`heap --graph --json --since ${since}`);
    return reply.ok ? parseGraph(reply.json) : null;
  };
  const now = markingPath.at(-1) ?? -1;
  let graph = await read(now);
  if (graph && graph.nowNs < now) {
    // Went back: keep the path up to the new position.
    const at = markingPath.indexOf(graph.nowNs);
    if (at >= 0) {
      markingPath.length = at + 1;
    } else {
      const from = views?.model.lastEventBefore(graph.nowNs) ?? -1;
      markingPath = markingPath.filter((t) => t < from);
      markingPath.push(from, graph.nowNs);
    }
  } else if (graph && graph.nowNs > now) {
    markingPath.push(graph.nowNs); // moved forward: this step's shades
  }
  if (graph && markingPath.length > 0) {
    const from = markingPath.at(-2) ?? -1;
    if (from !== now) graph = await read(from);
  }
  markingLive = graph !== null;
  if (markingLive && !HEAP_COMMANDS.has(command)) heapCardShows = 'marking';
  showHeapCard();
  marking.graph = graph;
  if (graph) marking.render();
}
// The metrics view reads `metrics --json` after every command that can have
// moved a run which samples metrics (the service; rollout leaves its canary
// as the last run): the charts end where the run stands.
// The view and its chart library load with the first run that has metrics
// (a chunk of their own: most sessions never need them).
let metrics: MetricsView | undefined;
let metricsLive = false;
let metricsModule: Promise<typeof import('./views/metrics')> | undefined;
const RUN_MOVES = new Set(['run', 'step', 'until', 'continue', 'back', 'metrics', 'rollout']);
async function refreshMetrics(command: string): Promise<void> {
  if (!RUN_MOVES.has(command)) return;
  const reply = await lab.exec('metrics --json');
  const card = document.getElementById('metrics')!.closest('.card')!;
  if (!reply.ok) {
    metricsLive = false; // the last run samples nothing
    card.classList.toggle('live', false);
    return;
  }
  const mod = await (metricsModule ??= import('./views/metrics'));
  const series = mod.parseMetrics(reply.json);
  metricsLive = series !== null && series.samples > 0;
  card.classList.toggle('live', metricsLive);
  if (!metrics) {
    metrics = new mod.MetricsView(document.getElementById('metrics')!, metricsText);
    if (window.__rtlab) window.__rtlab.metrics = metrics;
  }
  metrics.series = series;
  if (metricsLive) metrics.render();
}
/** The tab that shows what a command concerned: the metrics after a run that samples them
 *  (and after `metrics`), the heap after heap commands and in a stepped mark, the scheduler
 *  after other runs. A learner's own choice holds otherwise. */
function showViewFor(command: string): void {
  if (embed.embed) return; // an embed shows the one view its author chose
  if (metricsLive && (command === 'run' || command === 'metrics' || command === 'rollout')) layout.showTab('metrics');
  else if (HEAP_COMMANDS.has(command) || (markingLive && heapCardShows === 'marking' && command === 'run')) layout.showTab('heap');
  else if (command === 'run' && !markingLive) layout.showTab('scheduler');
}

const progressStore = localProgressStore(storageOrUndefined());
const courseText = (): CourseText => ({
  dayLabel: (n) => t(lang, 'dayLabel', { n }),
  coming: st('dayComing'),
  comingBody: st('dayComingBody'),
  exercisesTitle: st('exercisesTitle'),
  commands: (n) => t(lang, 'exerciseCommands', { n }),
  hint: (n, total) => t(lang, 'exerciseHint', { n, total }),
  showSolution: st('exerciseShowSolution'),
  solutionFile: (path) => t(lang, 'exerciseSolutionFile', { path }),
  startOver: st('exerciseStartOver'),
  check: st('exerciseCheck'),
  answerPlaceholder: st('exerciseAnswerPlaceholder'),
  runExperiment: st('runExperiment'),
  dayProgress: (solved, total) => t(lang, 'dayProgress', { solved, total }),
  exportProgress: st('progressExport'),
  importProgress: st('progressImport'),
  resetProgress: st('progressReset'),
  resetConfirm: st('progressResetConfirm'),
  imported: (n) => t(lang, 'progressImported', { n }),
  importKept: (n) => t(lang, 'progressImportKept', { n }),
  importFailed: (reason) => t(lang, 'progressImportFailed', { reason }),
  storedDamaged: (reason) => t(lang, 'progressStoredDamaged', { reason }),
  resetDone: st('progressResetDone'),
});
const course = new CoursePanel({
  nav: document.getElementById('days')!,
  body: document.getElementById('course-body')!,
  tools: document.getElementById('progress-tools')!,
  days: courseDays,
  knownExercises: exerciseIds,
  store: progressStore,
  lang: () => lang,
  text: courseText,
  type: typeCommand,
  readStored: () => readStored(PROGRESS_KEY),
  keepDamaged: (text) => writeStored(`${PROGRESS_KEY}.damaged`, text),
});

// What a share link replays: the commands run in this page, and the scripts it wrote.
const ranCommands: RanCommand[] = [];
const writtenScripts = new Map<string, string>();
// The answer to the latest command (the embed API returns it for the command it typed).
let lastResult: ExecResult | undefined;
let embedApi: EmbedApi | undefined;

const shellLab = {
  exec: async (line: string) => {
    const result = await lab.exec(line);
    ranCommands.push({ line, ok: result.ok });
    if (ranCommands.length > 1000) ranCommands.splice(0, ranCommands.length - 1000);
    lastResult = result;
    await views?.refresh();
    const command = line.trim().split(/\s+/)[0] ?? '';
    if (command === 'run' && result.ok) views?.followRun(line);
    if (HEAP_COMMANDS.has(command)) await refreshHeap().catch(() => {});
    await refreshMarking(command).catch(() => {});
    await refreshMetrics(command).catch(() => {});
    showViewFor(command);
    try {
      course.onCommand(line, result);
    } catch (error) {
      console.error('the course could not check this command', error); // the terminal still shows its answer
    }
    embedApi?.state(line, result.ok);
    if (embed.embed) updateFullLabLink();
    return result;
  },
  complete: (line: string) => lab.complete(line),
  interrupt: () => void lab.interrupt().catch(() => {}), // a failed restart shows on the next command
};
const shell = new LabShell(
  view.term, shellLab, (reason) => t(lang, 'labFailed', { reason }), () => st('labRestarted'),
);
// The stop button: shown while a typed command runs; it does what Ctrl-C does.
const stopButton = document.getElementById('stop-run') as HTMLButtonElement;
stopButton.addEventListener('click', () => {
  shell.interrupt();
  view.term.focus();
});
shell.onBusyChange = (busy) => {
  stopButton.hidden = !busy;
};

/** Runs a command as if typed at the prompt: it shows in the terminal and the history. */
async function typeCommand(line: string): Promise<void> {
  view.term.focus(); // the terminal keeps the keyboard: the learner can type on from there
  await shell.editor.whenIdle();
  shell.editor.handle('\x15' + line + '\r'); // Ctrl-U clears a half-typed line first
  await shell.editor.whenIdle();
}

heapMap = new HeapMapView(document.getElementById('heapmap')!, () => ({
  mcache: st('heapMcache'),
  mcentral: st('heapMcentral'),
  mheap: st('heapMheap'),
  summary: (s) =>
    t(lang, 'heapSummary', {
      spans: s.total, pages: s.pages, objects: s.objects, inuse: s.stats.HeapInuse ?? 0, sys: s.stats.HeapSys ?? 0,
    }),
  filter: st('heapFilter'),
  allClasses: st('heapAllClasses'),
  large: st('heapLarge'),
  firstSpans: st('heapFirstSpans'),
  span: (sp) =>
    t(lang, 'heapSpan', {
      base: sp.base, used: sp.allocCount, nelems: sp.nelems, sweep: sp.sweepState, pages: sp.npages, where: sp.where,
      what: (sp.sizeClass === 0 ? t(lang, 'heapSpanLarge', { bytes: sp.elemsize })
        : t(lang, 'heapSpanClass', { c: sp.sizeClass, bytes: sp.elemsize })) + (sp.noscan ? ', noscan' : ''),
    }),
}));
const markingWords = () => markingText((key, vars) => t(lang, key, vars));
marking = new MarkingView(document.getElementById('marking')!, () => ({
  roots: st('markRoots'),
  queue: (n) => t(lang, 'markQueue', { n }),
  spans: (n) => t(lang, 'markSpans', { n }),
  summary: (g, c, shaded) =>
    t(lang, 'markSummary', {
      cycle: g.cycle, phase: g.phase, barrier: g.barrier, black: c.black, grey: c.grey, white: c.white, shaded,
    }),
  ...markingWords(),
}));
const metricsText = (): MetricsText => ({
  goroutines: st('metricsGoroutines'),
  heap: st('metricsHeap'),
  heapLive: st('metricsHeapLive'),
  heapMarked: st('metricsHeapMarked'),
  heapGoal: st('metricsHeapGoal'),
  requests: st('metricsRequests'),
  runtimeLatency: st('metricsRuntimeLatency'),
  sched: st('metricsSched'),
  timers: st('metricsTimers'),
  pauses: st('metricsPauses'),
  otherPauses: st('metricsOtherPauses'),
  summary: (m) =>
    t(lang, 'metricsSummary', {
      run: m.run, samples: m.samples, seconds: +m.seconds.toFixed(3), first: m.goroutinesFirst,
      last: m.goroutinesLast, max: m.goroutinesMax, gc: m.gcCycles,
    }),
});
views = new SchedViews({
  timelineHost: document.getElementById('timeline')!,
  gmpHost: document.getElementById('gmp')!,
  controls: document.getElementById('sim-controls') as HTMLFormElement,
  status: document.getElementById('sched-status')!,
  trace: (from) => lab.trace(from),
  type: typeCommand,
  text: {
    timeline: () => ({
      merged: (n) => t(lang, 'viewMerged', { n }),
      idle: st('viewIdle'),
      summary: (f) => t(lang, 'viewTimelineSummary', f),
      heapSummary: (f) => t(lang, 'viewHeapSummary', f),
      unrecorded: (f) => t(lang, 'viewUnrecorded', f),
      unrecordedLabel: st('viewUnrecordedLabel'),
    }),
    gmp: () => ({
      global: st('gmpGlobal'),
      traceEnd: (at) => t(lang, 'gmpTraceEnd', { at }),
      idleMs: st('gmpLooseMs'),
      state: {
        running: st('stRunning'), idle: st('stIdle'), syscall: st('stSyscall'), spinning: st('stSpinning'),
        parked: st('stParked'), runnable: st('stRunnable'), waiting: st('stWaiting'),
      },
      summary: (s) => {
        const count = (state: string) => s.procs.filter((p) => p.state === state).length;
        return t(lang, 'gmpSummary', {
          time: formatNs(s.t), procs: s.gomaxprocs, running: count('running'), idle: count('idle'),
          syscall: count('syscall'), global: s.global, grunning: s.counts.running,
          grunnable: s.counts.runnable, gwaiting: s.counts.waiting,
        });
      },
    }),
    status: (info, events, traceEndNs) =>
      t(lang, 'viewStatus', {
        scenario: info.scenario, seed: info.seed, engine: info.engine, events,
        time: formatNs(info.nowNs), over: info.over ? st('viewOver') : '',
      }) + (info.traceFull ? t(lang, 'viewTraceFull', { at: formatNs(traceEndNs) }) : ''),
  },
});
shell.status(t(lang, 'loading'));

// ---- share links ----

/** The lines a share link adds under the banner: what it replays, or why it cannot. */
function sharedLinkLines(link: ReadLink): string[] {
  if (link.kind === 'none') return [];
  if (link.kind === 'bad') {
    const key = ({ tooLong: 'shareBadTooLong', malformed: 'shareBadMalformed', newer: 'shareBadNewer', invalid: 'shareBadInvalid' } as const)[link.problem];
    return [t(lang, key, { detail: link.detail })];
  }
  const lines = [t(lang, 'shareReplaying', { n: link.state.commands.length })];
  if (mayDiffer(link.state.commands)) lines.push(st('shareMayDiffer'));
  if (link.ignored.length > 0) lines.push(t(lang, 'shareIgnored', { fields: link.ignored.join(', ') }));
  return lines.map(escapeControls); // text from a link is shown, never interpreted
}

/** Replays a share link's state (its day and scripts, its commands as if typed, then its view),
 *  then an embed's own commands and view. */
async function replaySharedLink(link: ReadLink): Promise<void> {
  const state = link.kind === 'ok' ? link.state : undefined;
  if (state?.day !== undefined) course.open(state.day);
  for (const [path, text] of Object.entries(state?.files ?? {})) {
    await lab.writeFile(path, text);
    writtenScripts.set(path, text);
  }
  for (const line of [...(state?.commands ?? []), ...embed.commands]) await typeCommand(line);
  const view = embed.view ?? state?.view ?? (embed.embed ? 'scheduler' : undefined);
  if (view) layout.showTab(view);
  if (state?.zoom && views) views.timeline.zoom = state.zoom;
  document.body.dataset.sharedReplay = 'done';
}

/** The state a link to this page carries now (share.ts). */
function currentState() {
  const commands = commandsToShare(ranCommands);
  const files = scriptsUsed(commands, writtenScripts);
  const zoom = views?.timeline.zoom;
  return {
    v: SHARE_VERSION, lang, day: course.currentDay, view: layout.tab, commands,
    ...(zoom ? { zoom } : {}),
    ...(Object.keys(files).length > 0 ? { files } : {}),
  };
}

/** An embed's "Open in the full lab" link: this run, in the full page. */
const fullLabLink = document.getElementById('open-full') as HTMLAnchorElement;
function updateFullLabLink(): void {
  fullLabLink.href = fullLabUrl(location.href, encodeState(currentState()));
}
if (embed.embed) {
  fullLabLink.hidden = false;
  updateFullLabLink();
  shell.readOnly = embed.readOnly;
  const parentOrigin = embeddingOrigin(window);
  if (parentOrigin) {
    embedApi = new EmbedApi({
      parent: window.parent,
      parentOrigin,
      exec: async (line) => {
        await typeCommand(line);
        return lastResult ?? { ok: false, text: '', json: '' };
      },
    });
    embedApi.listen(window);
  }
}

const shareButton = document.getElementById('share-link') as HTMLButtonElement;
const shareStatus = document.getElementById('share-status')!;
shareButton.addEventListener('click', () => {
  const state = currentState();
  const hash = encodeState(state);
  const commands = state.commands;
  const url = new URL(location.href);
  url.hash = hash;
  history.replaceState(null, '', url); // the address bar holds the link too
  shareButton.dataset.link = url.href;
  // A browser may refuse the clipboard, or leave the request pending (a permission prompt):
  // after a second the status says where the link is anyway.
  const refused = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), 1000));
  const copied = navigator.clipboard?.writeText(url.href) ?? Promise.reject(new Error('no clipboard'));
  Promise.race([copied, refused]).then(
    () => (shareStatus.textContent = t(lang, 'shareCopied', { n: commands.length })),
    () => (shareStatus.textContent = st('shareInAddressBar')),
  );
});

const ready: Promise<BuildInfo> = lab.ready.then(
  (info) => {
    mode = { state: info.threads ? 'threads' : 'single', info };
    renderMode();
    const embedLines = embed.problems.map((p) => escapeControls(t(lang, 'embedProblem', { problem: p })));
    shell.start([...bannerLines(info, lang), ...sharedLinkLines(sharedLink), ...embedLines]);
    performance.mark('rtlab:first-prompt'); // for bench/page.mjs
    replaySharedLink(sharedLink)
      .then(() => embedApi?.ready(info.version, info.threads))
      .catch(() => {}); // a lab that died says so in the terminal
    return info;
  },
  (error: unknown) => {
    mode = { state: 'failed' };
    renderMode();
    const reason = error instanceof Error ? error.message : String(error);
    shell.fail(t(lang, 'loadFailed', { reason }));
    throw error;
  },
);
ready.catch(() => {}); // shown in the terminal; tests can still await the rejection

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
  button.addEventListener('click', () => {
    const next = button.dataset.lang as Lang;
    if (!LANGS.includes(next) || next === lang) return;
    lang = next;
    writeStored(LANG_KEY, lang);
    // Keep ?lang= in step so a reload or a shared link shows the same language.
    const url = new URL(location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.set('lang', lang);
      history.replaceState(null, '', url);
    }
    applyLanguage();
    course.render();
    views?.render();
    heapMap?.render();
    marking?.render();
    metrics?.relabel();
    lab.setLanguage(lang).catch(() => {}); // before ready this waits; on failure nothing to do
    view.term.focus();
  });
}

// A pasted script goes into the lab's in-memory file system, then runs from there.
document.getElementById('script-run')!.addEventListener('click', () => {
  const text = (document.getElementById('script-text') as HTMLTextAreaElement).value;
  const form = document.getElementById('sim-controls') as HTMLFormElement;
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
  const path = '/scripts/mine.scn';
  lab
    .writeFile(path, text)
    .then(() => writtenScripts.set(path, text))
    .then(() => course.onFile(path, text))
    .then(() => typeCommand(`run --file ${path} --engine sim --seed ${Number(value('seed')) || 1} --step`))
    .catch(() => {}); // the lab is gone: the terminal says so on the next command
});

// For tests and for poking around from the console; harmless in production.
window.__rtlab = { term: view.term, lab, ready, shell, editor: shell.editor, views, marking, metrics, course, layout, ranCommands };
view.term.focus();
performance.mark('rtlab:page-built'); // for bench/page.mjs
