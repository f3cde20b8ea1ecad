// All UI strings, in English and Simplified Chinese. Lab output (help texts, errors) comes
// from the C++ side in the language set with lab.setLanguage().

import type { Lang } from './lab/protocol';

export type { Lang };
export const LANGS: readonly Lang[] = ['zh', 'en'];
export const LANG_KEY = 'rtlab.lang';

const en = {
  appTitle: 'Go Runtime Lab',
  appTagline: 'A mini Go runtime — GMP scheduler, allocator, concurrent GC — you can drive and watch.',
  courseTitle: 'Go Runtime Internals Crash Course',
  courseIntro: 'Seven days from the GMP model to the garbage collector: read, run each experiment (▶), and solve the exercises — they are checked after every command you run.',
  dayComing: 'coming',
  dayComingBody: 'This day is being written: its lesson, experiments and exercises will appear here. The lab already runs everything it will use; try `help`.',
  dayProgress: '{solved}/{total} solved',
  exercisesTitle: 'Exercises',
  exerciseCommands: 'commands in this attempt: {n}',
  exerciseHint: 'Hint {n}/{total}',
  exerciseShowSolution: 'Show solution',
  exerciseSolutionFile: '# write this script (Your own scenario), saved as {path}:',
  exerciseStartOver: 'Start over',
  exerciseCheck: 'Check',
  exerciseAnswerPlaceholder: 'from your run',
  runExperiment: 'Type these commands into the terminal',
  progressExport: 'Export progress',
  progressImport: 'Import progress',
  progressReset: 'Reset progress',
  progressResetConfirm: 'Click again to erase all progress',
  progressImported: 'Progress imported ({n} solved).',
  progressImportKept: '{n} exercises in the file are not in this version of the course: they are kept, not shown.',
  progressImportFailed: 'Not imported: {reason} Your progress is unchanged.',
  progressStoredDamaged: 'Your saved progress could not be read ({reason}); it is kept aside (localStorage rtlab.progress.damaged) and the course starts afresh.',
  progressResetDone: 'Progress erased.',
  tabScheduler: 'Scheduler',
  tabHeap: 'Heap / marking',
  focusMode: 'Focus',
  splitCourse: 'Resize the lesson panel',
  splitTerminal: 'Resize the terminal',
  dayLabel: 'Day {n}',
  viewsTitle: 'Views',
  viewScheduler: 'Scheduler timeline',
  viewSchedulerHint: 'Per-P timelines: which goroutine runs where, steals, syscalls, preemption.',
  viewGmp: 'GMP diagram',
  viewGmpHint: 'Gs, Ms and Ps with their run queues, live.',
  viewHeap: 'Heap / marking',
  viewHeapHint: 'Spans filling up; in GC runs, the object graph by depth from the roots turning white → grey → black, with the write barrier\'s shades ringed in orange.',
  viewEmpty: 'Run a scenario to see it here.',
  heapEmpty: 'Allocate to see it here (alloc 32 x1000), or run a GC scenario and step through its mark (run mutator-race --engine sim --step).',
  markRoots: 'roots',
  markQueue: 'grey queue: {n} objects waiting to be scanned',
  markSpans: 'Too many objects to draw one by one: {n} spans, the marked share of each filled in.',
  markSummary: 'GC cycle {cycle}, {phase}, {barrier} barrier: {black} black, {grey} grey and {white} white objects; the barrier shaded {shaded} since the last step.',
  heapMcache: 'mcache',
  heapMcentral: 'mcentral',
  heapMheap: 'mheap',
  heapSummary: 'The heap has {spans} spans over {pages} pages holding {objects} objects; HeapInuse {inuse} bytes of HeapSys {sys}.',
  terminalTitle: 'Terminal',
  language: 'Language',
  modeLoading: 'loading…',
  modeThreads: 'threads',
  modeSingle: 'single-threaded',
  modeFailed: 'not loaded',
  workers: '{n} workers',
  loading: 'Loading the lab…',
  bannerThreads: 'Multi-threaded mode: {n} Web Workers are ready for the runtime’s threads (Ms).',
  bannerSingle: 'Single-threaded mode: threads need a cross-origin isolated page (COOP/COEP).',
  bannerHint: 'Type help to list the commands. Tab completes, ↑/↓ recall history, Ctrl-L clears.',
  loadFailed: 'error: the lab could not be loaded ({reason}) — build the wasm, then npm run build:web',
  labFailed: 'error: the lab stopped responding ({reason}) — reload the page',
  labRestarted:
    'the command did not stop within 1 s, so the lab was restarted: its runs and settings start afresh ' +
    '(the page, the course and the history are kept)',
  stopRun: 'Stop the running command (Ctrl-C)',
  ctlScenario: 'scenario',
  ctlSeed: 'seed',
  ctlBarrier: 'write barrier',
  ctlSize: 'size',
  ctlRun: 'Run',
  ctlBack: '◀ Back',
  ctlStep: 'Step ▶',
  ctlPlay: 'Play',
  ctlContinue: 'To the end',
  ctlSpeed: 'events/step',
  scriptTitle: 'Your own scenario (a .scn script)',
  scriptHint: 'Templates are goroutines: cpu, syscall, sleep, send, recv, close, select, spawn, yield, lock, unlock, repeat. The run starts paused on the simulator.',
  scriptRun: 'Run this script',
  viewMerged: '{n} short goroutine runs, merged (zoom in to see them)',
  viewIdle: 'idle',
  gmpGlobal: 'global run queue',
  gmpLooseMs: 'Ms without a P',
  stRunning: 'running',
  stIdle: 'idle',
  stSyscall: 'syscall',
  stSpinning: 'spinning',
  stParked: 'parked',
  stRunnable: 'runnable',
  stWaiting: 'waiting',
  viewStatus: '{scenario} · seed {seed} · {engine} · {events} events · {time}{over}',
  viewOver: ' · over',
  gmpSummary:
    'At {time}: GOMAXPROCS {procs}; {running} running, {idle} idle and {syscall} in a syscall. Global run queue {global}. Goroutines: {grunning} running, {grunnable} runnable, {gwaiting} waiting.',
};

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  appTitle: 'Go Runtime Lab',
  appTagline: '一个可以亲手操作、亲眼观察的迷你 Go 运行时：GMP 调度器、内存分配器、并发 GC。',
  courseTitle: 'Go 底层机制速成作战室',
  courseIntro: '七天，从 GMP 模型到垃圾回收：读课文，点 ▶ 运行实验，完成练习——每运行一条命令都会自动检查。',
  dayComing: '即将上线',
  dayComingBody: '这一天的课程正在编写：课文、实验和练习将出现在这里。它要用到的功能实验室已经都有了，试试 `help`。',
  dayProgress: '已完成 {solved}/{total}',
  exercisesTitle: '练习',
  exerciseCommands: '本次尝试用了 {n} 条命令',
  exerciseHint: '提示 {n}/{total}',
  exerciseShowSolution: '查看答案',
  exerciseSolutionFile: '# 写下这个脚本（“你自己的场景”），保存为 {path}：',
  exerciseStartOver: '重新开始',
  exerciseCheck: '检查',
  exerciseAnswerPlaceholder: '从你的运行中读出',
  runExperiment: '把这些命令输入终端',
  progressExport: '导出进度',
  progressImport: '导入进度',
  progressReset: '重置进度',
  progressResetConfirm: '再点一次将清除全部进度',
  progressImported: '进度已导入（已完成 {n} 个练习）。',
  progressImportKept: '文件中有 {n} 个练习不在当前版本的课程里：它们被保留，但不显示。',
  progressImportFailed: '未导入：{reason}你的进度没有改变。',
  progressStoredDamaged: '无法读取已保存的进度（{reason}）；它已另存（localStorage rtlab.progress.damaged），课程从头开始。',
  progressResetDone: '进度已清除。',
  tabScheduler: '调度',
  tabHeap: '堆 / 标记',
  focusMode: '专注',
  splitCourse: '调整课文面板宽度',
  splitTerminal: '调整终端高度',
  dayLabel: '第 {n} 天',
  viewsTitle: '可视化',
  viewScheduler: '调度时间线',
  viewSchedulerHint: '每个 P 一条时间线：哪个 goroutine 在哪里运行、窃取、系统调用、抢占。',
  viewGmp: 'GMP 示意图',
  viewGmpHint: '实时显示 G、M、P 及其运行队列。',
  viewHeap: '堆 / 标记',
  viewHeapHint: 'span 逐渐填满；GC 运行时，按距根深度排列的对象图由白变灰再变黑，写屏障着色的对象以橙色圆环标出。',
  viewEmpty: '运行一个场景后在此显示。',
  heapEmpty: '分配一些对象后在此显示（alloc 32 x1000），或运行一个 GC 场景并逐步查看标记（run mutator-race --engine sim --step）。',
  markRoots: '根',
  markQueue: '灰色队列：{n} 个对象等待扫描',
  markSpans: '对象太多，无法逐个绘制：共 {n} 个 span，按各自已标记的比例填充。',
  markSummary: '第 {cycle} 轮 GC，{phase}，{barrier} 屏障：黑色 {black} 个、灰色 {grey} 个、白色 {white} 个对象；自上一步以来写屏障着色了 {shaded} 个。',
  heapMcache: 'mcache',
  heapMcentral: 'mcentral',
  heapMheap: 'mheap',
  heapSummary: '堆中有 {spans} 个 span，占 {pages} 页，共 {objects} 个对象；HeapInuse {inuse} 字节，HeapSys {sys} 字节。',
  terminalTitle: '终端',
  language: '语言',
  modeLoading: '加载中…',
  modeThreads: '多线程',
  modeSingle: '单线程',
  modeFailed: '未加载',
  workers: '{n} 个 worker',
  loading: '正在加载实验环境…',
  bannerThreads: '多线程模式：已为运行时的线程（M）准备 {n} 个 Web Worker。',
  bannerSingle: '单线程模式：多线程需要跨源隔离的页面（COOP/COEP）。',
  bannerHint: '输入 help 查看命令列表。Tab 补全，↑/↓ 翻看历史，Ctrl-L 清屏。',
  loadFailed: '错误：实验环境加载失败（{reason}）——请先构建 wasm，再运行 npm run build:web',
  labFailed: '错误：实验环境已停止响应（{reason}）——请刷新页面',
  labRestarted: '命令在 1 秒内没有停下，实验环境已重启：其中的运行与设置从头开始（页面、课程进度与历史记录都保留）',
  stopRun: '停止正在运行的命令（Ctrl-C）',
  ctlScenario: '场景',
  ctlSeed: '种子',
  ctlBarrier: '写屏障',
  ctlSize: '规模',
  ctlRun: '运行',
  ctlBack: '◀ 后退',
  ctlStep: '前进 ▶',
  ctlPlay: '播放',
  ctlContinue: '运行到底',
  ctlSpeed: '每步事件数',
  scriptTitle: '你自己的场景（.scn 脚本）',
  scriptHint: '每个模板是一个 goroutine：cpu、syscall、sleep、send、recv、close、select、spawn、yield、lock、unlock、repeat。运行将在模拟器上以暂停状态开始。',
  scriptRun: '运行这个脚本',
  viewMerged: '{n} 段较短的 goroutine 运行已合并（放大可查看）',
  viewIdle: '空闲',
  gmpGlobal: '全局运行队列',
  gmpLooseMs: '没有 P 的 M',
  stRunning: '运行中',
  stIdle: '空闲',
  stSyscall: '系统调用',
  stSpinning: '自旋',
  stParked: '休眠',
  stRunnable: '可运行',
  stWaiting: '等待',
  viewStatus: '{scenario} · 种子 {seed} · {engine} · {events} 个事件 · {time}{over}',
  viewOver: ' · 已结束',
  gmpSummary:
    '{time} 时：GOMAXPROCS 为 {procs}；{running} 个 P 运行中，{idle} 个空闲，{syscall} 个在系统调用中。全局运行队列 {global}。goroutine：{grunning} 个运行中，{grunnable} 个可运行，{gwaiting} 个等待。',
};

export const MESSAGES: Record<Lang, Record<MessageKey, string>> = { en, zh };

/** The message for `key` in `lang`, with {name} placeholders filled in. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (all, name: string) =>
    name in params ? String(params[name]) : all,
  );
}

function asLang(value: string | null | undefined): Lang | undefined {
  return value === 'zh' || value === 'en' ? value : undefined;
}

/** Language choice: `?lang=` first, then the saved choice, then the browser's language. */
export function detectLanguage(sources: {
  search?: string;
  stored?: string | null;
  navigatorLanguage?: string;
}): Lang {
  const fromQuery = asLang(new URLSearchParams(sources.search ?? '').get('lang'));
  if (fromQuery) return fromQuery;
  const fromStorage = asLang(sources.stored);
  if (fromStorage) return fromStorage;
  return (sources.navigatorLanguage ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
