// Day 3's exercises: P's run queues, stealing and preemption, made to happen and measured
// on the learner's own runs. CI replays each solution and near-miss (tests/course/).

import { parseAnswer } from '../../web/src/course/facts';
import type { Exercise } from '../../web/src/course/model';
import { lastScriptRun, noScriptYet, notYet, solved, steppedEvents } from '../goals';

const stealHalf: Exercise = {
  id: 'd3-steal-half',
  title: { zh: '窃取一半', en: 'Steal half' },
  goal: {
    zh: '用 2 个 P 运行 `fanout`（模拟器，单步：`--step`），然后用 `until steal`（或 `until`、`step`）走过**第一次窃取**。它从受害者那里拿走了多少个 G？答案从**你自己的运行**里读。',
    en: 'Run `fanout` with 2 Ps on the simulator, paused (`--step`), then move past the **first steal** with `until steal` (or `until`, `step`). How many Gs did it take from its victim? Read the answer from **your own run**.',
  },
  question: { zh: '第一次窃取拿走的 G 数', en: 'Gs taken by the first steal' },
  hints: [
    { zh: '`run fanout --engine sim --procs 2 --size 300 --step`，然后 `until steal`：它停在第一次窃取之后，那一行是 “P1 steals …”。', en: '`run fanout --engine sim --procs 2 --size 300 --step`, then `until steal`: it stops just past the first steal, a line "P1 steals …".' },
    { zh: '那一行写着拿走几个、受害者还剩几个。时间轴上窃取是一支从受害者指向窃取者的箭头。', en: 'That line says how many it took and how many were left to the victim. On the timeline a steal is an arrow from the victim to the thief.' },
    { zh: 'runqgrab 拿走 n - n/2 个（一半，向上取整）：剩下的是向下取整的那一半。', en: 'runqgrab takes n - n/2 (half, rounded up): what stays behind is the half rounded down.' },
  ],
  solution: { commands: ['run fanout --engine sim --procs 2 --size 300 --seed 1 --step', 'until steal'], answer: '41' },
  nearMiss: {
    commands: ['run fanout --engine sim --procs 2 --size 300 --seed 1 --step', 'until steal'],
    answer: '40',
    why: { zh: '40 是留给受害者的数量（向下取整的一半），不是被拿走的。', en: '40 is what stayed with the victim (half rounded down), not what was taken.' },
  },
  check(record, answer) {
    const steal = steppedEvents(record).find((e) => e.type === 'Steal');
    if (!steal) return notYet('还没有看到窃取：单步运行一个有 2 个 P 的 fanout，并走过第一次窃取。', 'no steal seen yet: step a fanout run with 2 Ps past its first steal.');
    const n = parseAnswer(answer);
    if (n === undefined) return notYet('请输入一个整数。', 'type a whole number.');
    if (n === steal.a) return solved(`对：P${steal.p} 从 P${steal.p2} 拿走 ${steal.a} 个，留下 ${steal.b} 个。`, `Right: P${steal.p} took ${steal.a} from P${steal.p2} and left ${steal.b}.`);
    return notYet(`不对：看你运行里第一次窃取那一行（${steal.ts} ns 处）。`, `Not that: look at the first steal line of your run (at ${steal.ts} ns).`);
  },
};

const SPILL_SCRIPT = `# 258 goroutines started on one P: runnext holds one, the ring 256, the next one spills
procs 1
go main:
  spawn worker x258
  yield
go worker:
  cpu 10us
`;

const spill: Exercise = {
  id: 'd3-spill',
  title: { zh: '溢出到全局队列', en: 'Spill to the global queue' },
  goal: {
    zh: '写一个场景脚本（“你自己的场景”），在**一个 P** 上让本地运行队列溢出到全局队列（runqputslow）：运行报告里 `globalQueueSpills ≥ 1`。先预测：main 最多能启动多少个 goroutine 而不溢出？',
    en: 'Write a scenario script ("Your own scenario") that overflows **one P**\'s local run queue into the global queue (runqputslow): the run report shows `globalQueueSpills ≥ 1`. Predict first: how many goroutines can main start before one spills?',
  },
  hints: [
    { zh: '`procs 1`，然后在 main 里 `spawn worker xN`。运行后用 `run … --json` 或看视图里的全局队列。', en: '`procs 1`, then `spawn worker xN` in main. After the run, look at `globalQueueSpills` (`--json`) or the global queue in the views.' },
    { zh: '新 G 先进 runnext，被挤出的进 256 格的环。环满时，runqputslow 把一半（128 个）加上新来的一个移到全局队列。', en: 'A new G goes to runnext; the one it displaces goes to the 256-slot ring. When the ring is full, runqputslow moves half of it (128) plus the new one to the global queue.' },
    { zh: '1（runnext）+ 256（环）= 257 个放得下；第 258 个溢出。', en: '1 (runnext) + 256 (ring) = 257 fit; the 258th spills.' },
  ],
  solution: { files: { '/scripts/mine.scn': SPILL_SCRIPT }, commands: ['run --file /scripts/mine.scn --engine sim --seed 1'] },
  nearMiss: {
    files: { '/scripts/mine.scn': SPILL_SCRIPT.replace('x258', 'x257') },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1'],
    why: { zh: '257 个刚好放得下：runnext 一个，环 256 个。', en: '257 fit exactly: one in runnext, 256 in the ring.' },
  },
  check(record) {
    const run = lastScriptRun(record);
    if (!run) return noScriptYet;
    const { globalQueueSpills, procs } = run.report;
    if (globalQueueSpills >= 1 && procs === 1) return solved(`溢出 ${globalQueueSpills} 次。`, `${globalQueueSpills} spill(s).`);
    if (procs !== 1) return notYet(`这次运行有 ${procs} 个 P；用 procs 1。`, `that run had ${procs} Ps; use procs 1.`);
    return notYet('globalQueueSpills = 0：本地队列还没满。', 'globalQueueSpills = 0: the local queue never filled.');
  },
};

const HOG_SCRIPT = `# A goroutine that computes for 50 ms without blocking, and one that needs the P now and then
procs 1
go main:
  spawn hog
  spawn light
  sleep 100ms
go hog:
  cpu 50ms
go light:
  repeat 10:
    cpu 100us
    sleep 1ms
`;

const preemptHog: Exercise = {
  id: 'd3-preempt-hog',
  title: { zh: '让 sysmon 抢占', en: 'Get sysmon to preempt' },
  goal: {
    zh: '写一个脚本：在一个 P 上，一个 goroutine 长时间计算不阻塞，另一个时不时需要运行。让 sysmon 抢占它：运行报告里 `preemptions ≥ 1`。',
    en: 'Write a script where, on one P, one goroutine computes for a long time without blocking while another needs to run now and then. Get sysmon to preempt it: the run report shows `preemptions ≥ 1`.',
  },
  hints: [
    { zh: '`cpu D` 是不阻塞的计算；`sleep D` 让出 P。', en: '`cpu D` computes without blocking; `sleep D` gives the P up.' },
    { zh: 'sysmon 的 retake 只抢占连续运行超过 forcePreemptNS（10 ms）的 G。', en: "sysmon's retake preempts only a G that has run for more than forcePreemptNS (10 ms) in a row." },
    { zh: '让 hog 计算 50ms，而不是 5ms。', en: 'Make the hog compute for 50ms, not 5ms.' },
  ],
  solution: { files: { '/scripts/mine.scn': HOG_SCRIPT }, commands: ['run --file /scripts/mine.scn --engine sim --seed 1'] },
  nearMiss: {
    files: { '/scripts/mine.scn': HOG_SCRIPT.replace('cpu 50ms', 'cpu 5ms') },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1'],
    why: { zh: '5 ms 比 10 ms 的时间片短：sysmon 不会打断它。', en: '5 ms is shorter than the 10 ms time slice: sysmon never interrupts it.' },
  },
  check(record) {
    const run = lastScriptRun(record);
    if (!run) return noScriptYet;
    const { preemptions } = run.report;
    if (preemptions >= 1) return solved(`抢占 ${preemptions} 次。`, `${preemptions} preemption(s).`);
    return notYet('preemptions = 0：没有 G 连续运行超过 10 ms。', 'preemptions = 0: no G ran for more than 10 ms in a row.');
  },
};

export const exercises: Exercise[] = [stealHalf, spill, preemptHog];
