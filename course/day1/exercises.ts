// Day 1's exercises: reading what the runtime prints about itself (schedtrace, gctrace) from
// the learner's own runs, and making NumGoroutine pass 10 000. CI replays each solution and
// near-miss (tests/course/).

import { parseAnswer, parseSchedLine, schedLines, type RunReport } from '../../web/src/course/facts';
import type { Exercise, LabRecord } from '../../web/src/course/model';
import { gsReplies, lastSimRun, noRunYet, notYet, solved } from '../goals';

/** One gctrace line's fields (runtime/mgc.go gcMarkTermination): the cycle and the three heap sizes. */
interface GcLine {
  n: number;
  heap0: number;
  heap1: number;
  heap2: number;
  goal: number;
}

function gcLines(report: RunReport): GcLine[] {
  const out: GcLine[] = [];
  for (const l of report.output.split('\n')) {
    const m = /^gc (\d+) @[\d.]+s \d+%: .* ms cpu, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal/.exec(l);
    if (m) out.push({ n: Number(m[1]), heap0: Number(m[2]), heap1: Number(m[3]), heap2: Number(m[4]), goal: Number(m[5]) });
  }
  return out;
}

const globalRunq: Exercise = {
  id: 'd1-global-runq',
  title: { zh: '全局队列还是本地队列', en: 'Global queue or local queue' },
  goal: {
    zh: '用 `env GOMAXPROCS=1` 把 P 减到一个，在模拟器上带 schedtrace 运行 `fanout`。在**你这次运行的最后一行** `SCHED` 里，有多少个 goroutine 排在**全局**运行队列里？',
    en: 'Cut the Ps down to one with `env GOMAXPROCS=1`, then run `fanout` on the simulator with schedtrace. In the **last** `SCHED` line of **your run**, how many goroutines wait in the **global** run queue?',
  },
  question: { zh: '最后一行 SCHED 里全局队列的长度', en: 'Global queue length in the last SCHED line' },
  hints: [
    { zh: '`env GOMAXPROCS=1`，然后 `run fanout --engine sim --size 2000 --godebug schedtrace=1`（或先 `env GODEBUG=schedtrace=1`）。', en: '`env GOMAXPROCS=1`, then `run fanout --engine sim --size 2000 --godebug schedtrace=1` (or `env GODEBUG=schedtrace=1` first).' },
    { zh: '一行里有两个队列长度：`runqueue=N`，和后面方括号里每个 P 一个的数字。', en: 'A line holds two kinds of queue length: `runqueue=N`, and the numbers in brackets after it, one per P.' },
    { zh: 'schedtrace 打印的 `runqueue` 是 `sched.runq` 的长度，即全局队列；方括号里是每个 P 的本地队列（runqtail - runqhead）。', en: "schedtrace prints `sched.runq`'s size as `runqueue`: the global queue. The brackets hold each P's local queue (runqtail - runqhead)." },
  ],
  solution: { commands: ['env GOMAXPROCS=1', 'run fanout --engine sim --seed 1 --size 2000 --godebug schedtrace=1'], answer: '373' },
  nearMiss: {
    commands: ['env GOMAXPROCS=1', 'run fanout --engine sim --seed 1 --size 2000 --godebug schedtrace=1'],
    answer: '72',
    why: { zh: '72 是方括号里 P0 的本地队列长度，不是全局队列。', en: "72 is P0's local queue length in the brackets, not the global queue." },
  },
  check(record, answer) {
    const run = lastSimRun(record);
    if (!run) return noRunYet;
    const lines = schedLines(run.report);
    if (lines.length === 0) return notYet('这次运行没有打印 SCHED 行：加上 --godebug schedtrace=1。', 'that run printed no SCHED lines: add --godebug schedtrace=1.');
    if (run.report.procs !== 1) return notYet(`这次运行有 ${run.report.procs} 个 P：先 env GOMAXPROCS=1。`, `that run had ${run.report.procs} Ps: env GOMAXPROCS=1 first.`);
    const last = parseSchedLine(lines.at(-1)!);
    const global = last?.fields.get('runqueue');
    if (!last || global === undefined) return notYet('最后一行 SCHED 不是 Go 的格式。', 'the last SCHED line is not in Go\'s format.');
    const n = parseAnswer(answer);
    if (n === undefined) return notYet('请输入一个整数。', 'type a whole number.');
    if (n === global) return solved(`对：SCHED ${last.t} 时全局队列有 ${global} 个 G，P0 的本地队列有 ${last.runqs[0] ?? 0} 个。`, `Right: at SCHED ${last.t} the global queue held ${global} Gs, P0's local queue ${last.runqs[0] ?? 0}.`);
    if (last.runqs.includes(n)) return notYet('那是方括号里的数字：P 的本地队列。', 'that is the number in brackets: a P\'s local queue.');
    return notYet(`不对：看你运行的最后一行（SCHED ${last.t}）。`, `Not that: look at the last line of your run (SCHED ${last.t}).`);
  },
};

const threadsVsProcs: Exercise = {
  id: 'd1-threads',
  title: { zh: 'GOMAXPROCS 不是线程数', en: 'GOMAXPROCS is not a thread count' },
  goal: {
    zh: '先预测：GOMAXPROCS=2 时，8 个 goroutine 不停地做阻塞的系统调用，进程里有几个线程（M）？然后用 `env GOMAXPROCS=2` 在模拟器上带 schedtrace 运行 `syscalls`，从**你这次运行的最后一行** `SCHED` 里读出答案。',
    en: 'Predict first: with GOMAXPROCS=2 and 8 goroutines making blocking system calls, how many threads (Ms) does the process have? Then run `syscalls` on the simulator with `env GOMAXPROCS=2` and schedtrace, and read the answer from the **last** `SCHED` line of **your run**.',
  },
  question: { zh: '最后一行 SCHED 里的线程数', en: 'Threads in the last SCHED line' },
  hints: [
    { zh: '`env GOMAXPROCS=2 GODEBUG=schedtrace=1`，然后 `run syscalls --engine sim`。', en: '`env GOMAXPROCS=2 GODEBUG=schedtrace=1`, then `run syscalls --engine sim`.' },
    { zh: '字段是 `threads=`（Go 的 `mcount()`），不是 `gomaxprocs=`。GMP 示意图里数一数 M。', en: 'The field is `threads=` (Go\'s `mcount()`), not `gomaxprocs=`. Count the Ms in the GMP diagram.' },
    { zh: '进入阻塞系统调用的 G 带着它的 M 一起阻塞，P 被交出去（handoff），另一个 M 接着跑 Go 代码。GOMAXPROCS 只限制同时执行 Go 代码的 M。', en: 'A G in a blocking system call blocks with its M; the P is handed off and another M runs Go code. GOMAXPROCS only limits the Ms running Go code at once.' },
  ],
  solution: { commands: ['env GOMAXPROCS=2 GODEBUG=schedtrace=1', 'run syscalls --engine sim --seed 1'], answer: '10' },
  nearMiss: {
    commands: ['env GOMAXPROCS=2 GODEBUG=schedtrace=1', 'run syscalls --engine sim --seed 1'],
    answer: '2',
    why: { zh: '2 是 gomaxprocs（P 的个数）；阻塞在系统调用里的线程不占 P。', en: '2 is gomaxprocs (the number of Ps); threads blocked in system calls hold no P.' },
  },
  check(record, answer) {
    const run = lastSimRun(record);
    if (!run) return noRunYet;
    if (run.report.scenario !== 'syscalls') return notYet(`最近一次模拟运行是 ${run.report.scenario}：运行 syscalls。`, `your latest simulator run is ${run.report.scenario}: run syscalls.`);
    const lines = schedLines(run.report);
    if (lines.length === 0) return notYet('这次运行没有打印 SCHED 行：加上 --godebug schedtrace=1。', 'that run printed no SCHED lines: add --godebug schedtrace=1.');
    const last = parseSchedLine(lines.at(-1)!);
    const threads = last?.fields.get('threads');
    if (!last || threads === undefined) return notYet('最后一行 SCHED 不是 Go 的格式。', 'the last SCHED line is not in Go\'s format.');
    const n = parseAnswer(answer);
    if (n === undefined) return notYet('请输入一个整数。', 'type a whole number.');
    const procs = last.fields.get('gomaxprocs');
    if (n === threads) return solved(`对：gomaxprocs=${procs}，threads=${threads}。`, `Right: gomaxprocs=${procs}, threads=${threads}.`);
    if (n === procs) return notYet('那是 gomaxprocs：P 的个数，不是线程数。', 'that is gomaxprocs: the number of Ps, not of threads.');
    return notYet(`不对：看你运行的最后一行（SCHED ${last.t}）的 threads=。`, `Not that: look at threads= in the last line of your run (SCHED ${last.t}).`);
  },
};

const liveHeap: Exercise = {
  id: 'd1-gctrace-live',
  title: { zh: '读 gctrace：还活着多少', en: 'Read gctrace: how much is still live' },
  goal: {
    zh: '在模拟器上带 `gctrace=1` 运行 `binarytrees`。在**你这次运行的最后一行** `gc N …` 里，这一轮标记结束后还有多少 MB 的堆是存活的（被标记的）？',
    en: 'Run `binarytrees` on the simulator with `gctrace=1`. In the **last** `gc N …` line of **your run**, how many MB of the heap were still live (marked) when that cycle finished marking?',
  },
  question: { zh: '最后一轮的存活堆（MB）', en: 'Live heap of the last cycle (MB)' },
  hints: [
    { zh: '`run binarytrees --engine sim --size 14 --procs 2 --godebug gctrace=1`。', en: '`run binarytrees --engine sim --size 14 --procs 2 --godebug gctrace=1`.' },
    { zh: '看 `A->B->C MB` 这一段：三个数分别是开始时的堆、结束时的堆、存活的堆。', en: 'Look at `A->B->C MB`: heap at the start, heap at the end, live heap.' },
    { zh: 'gcMarkTermination 打印 `heap0->heap1->heap2`：heap2 是 `work.bytesMarked`，标记出的字节数。中间的数还包括标记期间新分配、可能已经是垃圾的对象。', en: 'gcMarkTermination prints `heap0->heap1->heap2`: heap2 is `work.bytesMarked`, the bytes marked. The middle number also counts objects allocated during the mark that may already be garbage.' },
  ],
  solution: { commands: ['run binarytrees --engine sim --seed 1 --size 14 --procs 2 --godebug gctrace=1'], answer: '1' },
  nearMiss: {
    commands: ['run binarytrees --engine sim --seed 1 --size 14 --procs 2 --godebug gctrace=1'],
    answer: '3',
    why: { zh: '3 是中间的数：标记结束时的堆大小，不是存活的堆。', en: '3 is the middle number: the heap size when marking ended, not the live heap.' },
  },
  check(record, answer) {
    const run = lastSimRun(record);
    if (!run) return noRunYet;
    const lines = gcLines(run.report);
    if (lines.length === 0) {
      return notYet('这次运行没有 gc 行：加上 --godebug gctrace=1，并用足够大的 --size（如 14）让 GC 运行。', 'that run printed no gc lines: add --godebug gctrace=1 and a --size large enough (14) for the GC to run.');
    }
    const last = lines.at(-1)!;
    const n = parseAnswer(answer);
    if (n === undefined) return notYet('请输入一个整数（MB）。', 'type a whole number (MB).');
    if (n === last.heap2) return solved(`对：gc ${last.n} 是 ${last.heap0}->${last.heap1}->${last.heap2} MB，存活 ${last.heap2} MB。`, `Right: gc ${last.n} reads ${last.heap0}->${last.heap1}->${last.heap2} MB, ${last.heap2} MB live.`);
    if (n === last.heap1) return notYet('那是中间的数：标记结束时的堆，包括标记期间新分配的对象。', 'that is the middle number: the heap when marking ended, including what was allocated meanwhile.');
    if (n === last.heap0) return notYet('那是第一个数：这一轮开始时的堆。', 'that is the first number: the heap when the cycle started.');
    if (n === last.goal) return notYet('那是这一轮的堆目标（goal）。', "that is the cycle's heap goal.");
    return notYet(`不对：看你运行的最后一行 gc ${last.n}。`, `Not that: look at the last line of your run, gc ${last.n}.`);
  },
};

const MANY_SCRIPT = `# 10 000 workers that all wait on one channel: they are alive at the same time
chan start
go main:
  spawn worker x10000
  sleep 10ms
  close start
go worker:
  recv start
  cpu 10us
`;

const NEAR_MISS_SCRIPT = `# 10 000 workers, started one after the other
go main:
  repeat 10000:
    spawn worker
    sleep 10us
go worker:
  cpu 10us
`;

/** The most user goroutines (NumGoroutine leaves out runtime.* ones) a `gs` reply listed alive
 *  during a run of the learner's own script (`run --file`). */
function mostAlive(record: LabRecord): number | undefined {
  const alive = gsReplies(record)
    .filter((gs) => gs.script)
    .map((gs) => gs.rows.filter((g) => g.status !== '_Gdead' && !g.name.startsWith('runtime.')).length);
  return alive.length > 0 ? Math.max(...alive) : undefined;
}

const manyGoroutines: Exercise = {
  id: 'd1-numgoroutine',
  title: { zh: 'NumGoroutine 过万', en: 'NumGoroutine above 10 000' },
  goal: {
    zh: '写一个场景脚本（“你自己的场景”），让 `runtime.NumGoroutine()` 超过 10 000：**同一时刻**活着的 goroutine 多于 10 000 个。在暂停的运行上用 `gs` 看（`run --file … --engine sim --step`，再 `until`）。注意：运行报告里的 `goroutines=` 是**启动过**的总数。',
    en: 'Write a scenario script ("Your own scenario") that makes `runtime.NumGoroutine()` pass 10 000: more than 10 000 goroutines alive **at the same moment**. Look with `gs` on a paused run (`run --file … --engine sim --step`, then `until`). Mind that the run report\'s `goroutines=` counts goroutines **ever started**.',
  },
  hints: [
    { zh: '`run --file /scripts/mine.scn --engine sim --step`，`until 1ms`，然后 `gs`：最后一行是此刻活着的 goroutine 数。', en: '`run --file /scripts/mine.scn --engine sim --step`, `until 1ms`, then `gs`: its last line is the number alive right now.' },
    { zh: '一个做完就退出的 goroutine 不再计入 NumGoroutine（它进了 P 的 gFree 列表）。要让它们同时活着，就让它们都在等什么。', en: 'A goroutine that has finished no longer counts (it went to its P\'s gFree list). To keep them alive together, make them all wait for something.' },
    { zh: '`chan start` + worker 里 `recv start`：main 先 `spawn worker x10000`，`sleep` 一会儿再 `close start`。加上 main 一共 10 001 个。', en: '`chan start` and `recv start` in the worker: main does `spawn worker x10000`, `sleep`s a while, then `close start`. With main that makes 10 001.' },
  ],
  solution: {
    files: { '/scripts/mine.scn': MANY_SCRIPT },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1 --step', 'until 1ms', 'gs'],
  },
  nearMiss: {
    files: { '/scripts/mine.scn': NEAR_MISS_SCRIPT },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1 --step', 'until 50ms', 'gs', 'continue'],
    why: {
      zh: '报告写着 goroutines=10001，但那是启动过的总数：每个 worker 在下一个启动前就已退出，gs 同一时刻只看到 2 个。',
      en: 'The report says goroutines=10001, but that is how many were started: each worker exits before the next one starts, and gs sees 2 alive at once.',
    },
  },
  check(record) {
    const most = mostAlive(record);
    if (most !== undefined && most > 10000) return solved(`gs 同时看到 ${most} 个活着的 goroutine。`, `gs saw ${most} goroutines alive at once.`);
    if (most !== undefined) return notYet(`gs 最多同时看到 ${most} 个活着的 goroutine：还不到 10 001。`, `gs saw at most ${most} goroutines alive at once: short of 10 001.`);
    const started = lastSimRun(record)?.report.goroutines;
    if (started !== undefined && started > 10000) {
      return notYet(`这次运行启动过 ${started} 个 goroutine，但同时活着的有多少？用 --step 暂停，再用 gs 看。`, `that run started ${started} goroutines, but how many were alive at once? Pause it with --step and look with gs.`);
    }
    return notYet('还没有在你自己的脚本运行中用 gs 看过：run --file … --step，until，再输入 gs。', 'no gs yet during a run of your own script: run --file … --step, until, then type gs.');
  },
};

export const exercises: Exercise[] = [globalRunq, threadsVsProcs, liveHeap, manyGoroutines];
