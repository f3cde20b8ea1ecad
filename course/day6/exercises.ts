// Day 6's exercises: the GC engine seen from the run report's `gc` object — reading a gctrace
// line of the learner's own run, predicting the pacer's heap goal, making assists do the mark,
// and holding a workload to a cycle budget under a heap cap with GOGC and GOMEMLIMIT. CI replays
// each solution and near-miss (tests/course/).

import { parseAnswer, type RunFact } from '../../web/src/course/facts';
import type { Exercise, LabRecord } from '../../web/src/course/model';
import { gcCycles, gcOf, notYet, parseGctrace, runs, runsWithGcEnv, solved } from '../goals';

const MiB = 1 << 20;

/** The latest finished run of a GC scenario on the simulator, if any. */
function lastGcSimRun(record: LabRecord, scenario?: string): RunFact | undefined {
  return runs(record)
    .filter((r) => r.report.engine === 'sim' && gcOf(r) !== undefined && (scenario === undefined || r.report.scenario === scenario))
    .at(-1);
}

const noGcRun = notYet(
  '还没有跑完的 GC 场景：先在模拟器上运行 binarytrees（`run binarytrees --engine sim --procs 2`）。',
  'no finished GC scenario yet: run binarytrees on the simulator first (`run binarytrees --engine sim --procs 2`).',
);

/** Assists' share of the bytes marked in the cycles a report lists. */
function assistShare(run: RunFact): { assists: number; total: number } {
  let assists = 0;
  let total = 0;
  for (const c of gcCycles(run)) {
    assists += c.markedBytes.assists;
    for (const v of Object.values(c.markedBytes)) total += v;
  }
  return { assists, total };
}

const readAssistCpu: Exercise = {
  id: 'd6-gctrace-assist-cpu',
  title: { zh: '读你自己的 gctrace', en: 'Read your own gctrace' },
  goal: {
    zh: '带 `gctrace=1` 在模拟器上运行 `binarytrees`（种子随你选）。在你这次运行的**最后一行** `gc …` 里，标记辅助（mark assist）用了多少毫秒的 CPU？',
    en: 'Run `binarytrees` on the simulator with `gctrace=1` (any seed). In the **last** `gc …` line of **your run**, how many milliseconds of CPU did mark assists use?',
  },
  question: { zh: '最后一个周期里辅助标记的 CPU 时间（ms）', en: "Assists' CPU time in the last cycle (ms)" },
  hints: [
    { zh: '`run binarytrees --engine sim --procs 2 --seed 3 --godebug gctrace=1`，看最后一行 `gc N …`。', en: '`run binarytrees --engine sim --procs 2 --seed 3 --godebug gctrace=1`, then look at the last `gc N …` line.' },
    { zh: '`… ms cpu` 前面有五个数：`a+b/c/d+e`。', en: 'Five numbers come before `… ms cpu`: `a+b/c/d+e`.' },
    {
      zh: 'a 和 e 是两次 STW 的 CPU；斜杠分开的三个是并发标记的 CPU：辅助 / 后台 worker（dedicated+fractional）/ 空闲 worker。答案是 b。',
      en: 'a and e are the two stop-the-worlds; the three joined by slashes are the concurrent mark: assists / background workers (dedicated + fractional) / idle workers. The answer is b.',
    },
  ],
  solution: { commands: ['run binarytrees --engine sim --procs 2 --seed 1 --size 15 --godebug gctrace=1'], answer: '1.4' },
  nearMiss: {
    commands: ['run binarytrees --engine sim --procs 2 --seed 1 --size 15 --godebug gctrace=1'],
    answer: '0.026',
    why: {
      zh: '0.026 是斜杠之间的中间那个数：后台 worker 的时间。辅助在第一个斜杠之前。',
      en: "0.026 is the middle number between the slashes: the background workers' time. Assists come before the first slash.",
    },
  },
  check(record, answer) {
    const run = lastGcSimRun(record);
    if (!run) return noGcRun;
    const cycles = gcCycles(run);
    const last = cycles.at(-1);
    const line = last ? parseGctrace(last.gctrace) : undefined;
    if (!last || !line) return notYet('这次运行没有完成任何 GC 周期。', 'that run finished no GC cycle.');
    const value = parseAnswer(answer?.replace(/ms$/i, ''));
    if (value === undefined) return notYet(`读 gc ${line.n} 那一行，填一个数（毫秒）。`, `read the gc ${line.n} line and type a number (ms).`);
    if (Math.abs(value - line.cpu.assist) <= Math.max(0.0005, line.cpu.assist * 0.01))
      return solved(`对：gc ${line.n} 的辅助用了 ${line.cpu.assist} ms CPU。`, `right: assists used ${line.cpu.assist} ms of CPU in gc ${line.n}.`);
    if (Math.abs(value - line.cpu.background) <= line.cpu.background * 0.01)
      return notYet('这是后台 worker 的时间（斜杠之间的中间数）。', "that is the background workers' time (the middle number between the slashes).");
    return notYet(`gc ${line.n} 那一行里的辅助时间不是 ${value}。`, `the assist time in the gc ${line.n} line is not ${value}.`);
  },
};

const predictGoal: Exercise = {
  id: 'd6-predict-goal',
  title: { zh: '预测堆目标', en: 'Predict the heap goal' },
  goal: {
    zh: '用 `env` 把 GOGC 设成 100 以外的数，在模拟器上运行 `binarytrees`。从运行报告里**最后一个周期**的 `heap2`（标记后存活的字节数）和你的 GOGC，算出 pacer 给**下一个**周期定的堆目标，以 MB（2^20 字节）为单位，保留两位小数。',
    en: 'Set GOGC to anything but 100 with `env`, then run `binarytrees` on the simulator. From the `heap2` (bytes marked live) of the **last cycle** in the run report and your GOGC, compute the heap goal the pacer sets for the **next** cycle, in MB (2^20 bytes), to two decimals.',
  },
  question: { zh: '下一个周期的堆目标（MB）', en: "The next cycle's heap goal (MB)" },
  hints: [
    { zh: '`env GOGC=200`，然后 `run binarytrees --engine sim --procs 2 --json`：`gc.cycles` 的最后一项有 `heap2`。', en: '`env GOGC=200`, then `run binarytrees --engine sim --procs 2 --json`: the last entry of `gc.cycles` has `heap2`.' },
    {
      zh: 'mgcpacer.go 的 gcPercentHeapGoal：goal = heapMarked + (heapMarked + 栈 + 全局变量) × GOGC/100。这里栈和全局变量不到 1 KB。',
      en: "mgcpacer.go's gcPercentHeapGoal: goal = heapMarked + (heapMarked + stacks + globals) × GOGC/100. Stacks and globals are under 1 KB here.",
    },
    { zh: 'GOGC=200 时目标约为 heap2 × 3，不是 heap2 × 2。运行后 `heap` 也会显示这个目标。', en: 'With GOGC=200 the goal is about heap2 × 3, not heap2 × 2. After the run, `heap` shows that goal too.' },
  ],
  solution: { commands: ['env GOGC=200', 'run binarytrees --engine sim --procs 2 --seed 1'], answer: '23.63' },
  nearMiss: {
    commands: ['env GOGC=200', 'run binarytrees --engine sim --procs 2 --seed 1'],
    answer: '15.75',
    why: {
      zh: '15.75 MB 是 heap2 × 200%：GOGC 说的是在存活堆**之上**还能再长多少，目标是 heap2 × 3。',
      en: 'heap2 × 200% is 15.75 MB: GOGC is how much the heap may grow **on top of** the live heap, so the goal is heap2 × 3.',
    },
  },
  check(record, answer) {
    const last = runsWithGcEnv(record)
      .filter(({ run }) => run.report.engine === 'sim' && gcOf(run) !== undefined)
      .at(-1);
    if (!last) return noGcRun;
    const gogc = last.env?.GOGC;
    if (gogc === undefined) return notYet('先用 `env GOGC=…` 设好 GOGC，再运行。', 'set GOGC with `env GOGC=…` first, then run.');
    if (gogc === 'off' || gogc === 100)
      return notYet(`这次运行的 GOGC=${gogc}：换一个 100 以外的数。`, `that run had GOGC=${gogc}: choose a number other than 100.`);
    const cycle = gcCycles(last.run).at(-1);
    if (!cycle) return notYet('这次运行没有完成任何 GC 周期。', 'that run finished no GC cycle.');
    const value = parseAnswer(answer?.replace(/mi?b$/i, ''));
    if (value === undefined) return notYet('填一个数（MB）。', 'type a number (MB).');
    const want = (cycle.heap2 * (1 + gogc / 100)) / MiB;
    if (Math.abs(value - want) <= Math.max(0.02, want * 0.01))
      return solved(`对：${(cycle.heap2 / MiB).toFixed(2)} MB × (1 + ${gogc}/100) ≈ ${want.toFixed(2)} MB。`, `right: ${(cycle.heap2 / MiB).toFixed(2)} MB × (1 + ${gogc}/100) ≈ ${want.toFixed(2)} MB.`);
    return notYet(
      `最后一个周期 heap2 = ${cycle.heap2} 字节，GOGC=${gogc}：${value} MB 不对。`,
      `the last cycle's heap2 = ${cycle.heap2} bytes, GOGC=${gogc}: ${value} MB is not it.`,
    );
  },
};

const assistsThird: Exercise = {
  id: 'd6-assists-third',
  title: { zh: '让辅助标记挑大梁', en: 'Make the assists do the marking' },
  goal: {
    zh: '在模拟器上运行 `binarytrees`，让**标记辅助**标记的字节超过报告所列周期里全部标记字节的三分之一（`gc.cycles[].markedBytes.assists`）。',
    en: 'Run `binarytrees` on the simulator so that **mark assists** mark more than a third of all the bytes marked in the cycles the report lists (`gc.cycles[].markedBytes.assists`).',
  },
  hints: [
    { zh: '运行结束时 `GC:` 那一行写着 “last cycle marked by … assists N%”；`gc` 命令逐个周期列出。', en: 'The `GC:` line at the end of a run says "last cycle marked by … assists N%"; the `gc` command lists every cycle.' },
    {
      zh: '辅助是分配者还的债：每分配一个字节欠 assistWorkPerByte 的扫描工作；后台 worker 干得越少，分配者就得干得越多。',
      en: 'An assist is an allocating goroutine paying a debt: assistWorkPerByte of scan work per byte allocated. The less the background workers do, the more the allocators must.',
    },
    {
      zh: '只有一个 P 时（`--procs 1`），后台 worker 只是一个 fractional worker，而 binarytrees 唯一的 goroutine 在标记期间一直占着这个 P。',
      en: "With one P (`--procs 1`) the only background worker is a fractional one, and binarytrees' single goroutine keeps that P for the whole mark.",
    },
  ],
  solution: { commands: ['run binarytrees --engine sim --procs 1 --seed 1'] },
  nearMiss: {
    commands: ['env GOGC=200', 'run binarytrees --engine sim --procs 2 --seed 1'],
    why: {
      zh: 'GOGC 越大，从触发到目标的跑道越长：assistWorkPerByte = 剩余扫描工作 / 剩余堆空间 变小，辅助只标记了约 2%。',
      en: 'A larger GOGC gives a longer runway from trigger to goal: assistWorkPerByte = scan work left / heap left gets smaller, and assists mark about 2%.',
    },
  },
  check(record) {
    const run = lastGcSimRun(record, 'binarytrees');
    if (!run) return noGcRun;
    const { assists, total } = assistShare(run);
    if (total === 0) return notYet('这次运行没有标记任何字节（GOGC=off？）。', 'that run marked nothing (GOGC=off?).');
    const pct = Math.round((assists * 100) / total);
    if (assists * 3 > total) return solved(`辅助标记了 ${pct}% 的字节。`, `assists marked ${pct}% of the bytes.`);
    return notYet(`辅助只标记了 ${pct}% 的字节（要超过 33%）。`, `assists marked only ${pct}% of the bytes (more than 33% needed).`);
  },
};

const CYCLE_BUDGET = 40;
const HEAP_CAP_MB = 24;

const cyclesUnderCap: Exercise = {
  id: 'd6-cycles-under-cap',
  title: { zh: '少跑几轮，堆不超标', en: 'Fewer cycles, heap under a cap' },
  goal: {
    zh: `在模拟器上运行 \`binarytrees\`（默认大小，\`--procs 2\`），GC 周期不超过 ${CYCLE_BUDGET} 个，同时每个周期标记结束时的堆（gctrace 的第二个数，\`heap1\`）都不超过 ${HEAP_CAP_MB} MB。用 \`env\` 选 GOGC 和 GOMEMLIMIT。`,
    en: `Run \`binarytrees\` on the simulator (default size, \`--procs 2\`) in at most ${CYCLE_BUDGET} GC cycles, while the heap at the end of each cycle's mark (gctrace's second number, \`heap1\`) stays at or under ${HEAP_CAP_MB} MB. Choose GOGC and GOMEMLIMIT with \`env\`.`,
  },
  hints: [
    { zh: '先试几个 GOGC：`env GOGC=200`，再运行，看 `GC: N cycles` 和 gctrace 里最大的中间数。', en: 'Try a few GOGC values first: `env GOGC=200`, run, and look at `GC: N cycles` and the largest middle number of gctrace.' },
    {
      zh: '单靠 GOGC，周期数和堆大小此消彼长。GOMEMLIMIT 给堆目标加了一个上限：min(GOGC 目标, 内存上限目标)。',
      en: 'GOGC alone trades cycles against heap size. GOMEMLIMIT caps the heap goal: min(GOGC goal, memory-limit goal).',
    },
    {
      zh: '只设 GOMEMLIMIT 时 GOGC=100 的目标（约 16 MB）总是更小，上限从不起作用。要 `env GOGC=off GOMEMLIMIT=24MiB`：只在接近上限时回收。',
      en: 'With only GOMEMLIMIT set, the GOGC=100 goal (about 16 MB) is always the smaller one, and the limit never binds. Use `env GOGC=off GOMEMLIMIT=24MiB`: collect only near the limit.',
    },
  ],
  solution: { commands: ['env GOGC=off GOMEMLIMIT=24MiB', 'run binarytrees --engine sim --procs 2 --seed 1'] },
  nearMiss: {
    commands: ['env GOMEMLIMIT=24MiB', 'run binarytrees --engine sim --procs 2 --seed 1'],
    why: {
      zh: 'GOGC 仍是 100：它的目标（约 16 MB）比内存上限小，于是照样跑 72 个周期。',
      en: 'GOGC is still 100: its goal (about 16 MB) is below the memory limit, so the run still takes 72 cycles.',
    },
  },
  check(record) {
    const run = lastGcSimRun(record, 'binarytrees');
    if (!run) return noGcRun;
    if (run.report.size !== 16 || run.report.procs !== 2)
      return notYet(
        `这次运行 size=${run.report.size}、procs=${run.report.procs}：用默认大小和 --procs 2。`,
        `that run had size=${run.report.size} and procs=${run.report.procs}: use the default size and --procs 2.`,
      );
    const gc = gcOf(run)!;
    const cycles = gcCycles(run);
    if (gc.numGC === 0)
      return notYet(
        '一个周期也没有：堆从没被回收，峰值就是 binarytrees 分配的全部字节。',
        'not a single cycle: the heap was never collected, so its peak is everything binarytrees allocated.',
      );
    if (gc.numGC > CYCLE_BUDGET) return notYet(`${gc.numGC} 个周期，超过 ${CYCLE_BUDGET}。`, `${gc.numGC} cycles, more than ${CYCLE_BUDGET}.`);
    const peak = Math.max(...cycles.map((c) => c.heap1));
    const peakMB = (peak / MiB).toFixed(1);
    if (peak > HEAP_CAP_MB * MiB) return notYet(`${gc.numGC} 个周期，但堆在标记结束时到了 ${peakMB} MB。`, `${gc.numGC} cycles, but the heap reached ${peakMB} MB at a mark's end.`);
    return solved(`${gc.numGC} 个周期，堆最高 ${peakMB} MB。`, `${gc.numGC} cycles, the heap at most ${peakMB} MB.`);
  },
};

export const exercises: Exercise[] = [readAssistCpu, predictGoal, assistsThird, cyclesUnderCap];
