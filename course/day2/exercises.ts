// Day 2's exercises: G states and wait reasons, system calls that hand their P off, and the
// threads they cost, made to happen on the learner's own runs. CI replays each solution and
// near-miss (tests/course/).

import { parseAnswer } from '../../web/src/course/facts';
import type { Exercise } from '../../web/src/course/model';
import { gsReplies, lastScriptRun, lastSimRun, noScriptYet, notYet, solved } from '../goals';

const HANDOFF_SCRIPT = `# One P: a goroutine blocks in system calls while another one has work to do
procs 1
go main:
  spawn reader
  spawn worker
  sleep 5ms
go reader:
  repeat 3:
    syscall 1ms
go worker:
  repeat 20:
    cpu 100us
`;

const handoff: Exercise = {
  id: 'd2-handoff',
  title: { zh: '交出 P', en: 'Hand the P off' },
  goal: {
    zh: '写一个场景脚本（“你自己的场景”），让一个 goroutine 陷在系统调用里足够久，使 sysmon 收回它的 P 并交给另一个 M（handoffp）：运行报告里 `handoffs ≥ 1`。',
    en: 'Write a scenario script ("Your own scenario") in which a goroutine stays in a system call long enough for sysmon to take its P and hand it to another M (handoffp): the run report shows `handoffs ≥ 1`.',
  },
  hints: [
    { zh: '`syscall D` 是一次阻塞 D 的系统调用。跑完后（单步运行就 `continue`）看报告里的 `handoffs`、`syscalls` 和 `retakes`。', en: '`syscall D` is a system call that blocks for D. When the run is over (`continue` a stepped one), look at `handoffs`, `syscalls` and `retakes` in the report.' },
    { zh: 'sysmon 每 20µs 或更久才醒一次。在它收回 P 之前就返回的调用，exitsyscallfast 用一次 CAS 把旧 P 要回来，没有交接。', en: 'sysmon wakes every 20µs or more. A call that returns before sysmon takes its P gets the old P back with one CAS in exitsyscallfast: no handoff.' },
    { zh: '用 `procs 1`，让另一个 goroutine 有活可干，把调用写成 `syscall 1ms`，而不是几微秒。', en: 'Use `procs 1`, give another goroutine work to do, and make the call `syscall 1ms`, not a few microseconds.' },
  ],
  solution: { files: { '/scripts/mine.scn': HANDOFF_SCRIPT }, commands: ['run --file /scripts/mine.scn --engine sim --seed 1'] },
  nearMiss: {
    files: { '/scripts/mine.scn': HANDOFF_SCRIPT.replace('syscall 1ms', 'syscall 5us') },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1'],
    why: {
      zh: '5µs 的调用在 sysmon 收回 P 之前就返回了：exitsyscallfast 收回旧 P（快路径），handoffs = 0。',
      en: 'A 5µs call returns before sysmon takes the P: exitsyscallfast gets the old P back (the fast path), handoffs = 0.',
    },
  },
  check(record) {
    const run = lastScriptRun(record);
    if (!run) return noScriptYet;
    const { handoffs, syscalls, syscallRetakes } = run.report;
    if (syscalls === 0) return notYet('syscalls = 0：脚本里没有 syscall 步骤。', 'syscalls = 0: the script makes no system call.');
    if (handoffs >= 1) return solved(`handoffs = ${handoffs}（syscalls = ${syscalls}，retakes = ${syscallRetakes}）。`, `handoffs = ${handoffs} (syscalls = ${syscalls}, retakes = ${syscallRetakes}).`);
    return notYet(
      `handoffs = 0（syscalls = ${syscalls}，retakes = ${syscallRetakes}）：每次调用都在 sysmon 交出 P 之前返回了。`,
      `handoffs = 0 (syscalls = ${syscalls}, retakes = ${syscallRetakes}): every call returned before sysmon handed its P off.`,
    );
  },
};

const THREADS_SCRIPT = `# Four goroutines block in system calls at the same time
procs 1
go main:
  spawn caller x4
  sleep 10ms
go caller:
  repeat 3:
    cpu 50us
    syscall 2ms
`;

const SEQUENTIAL_SCRIPT = `# One goroutine makes all the blocking calls, one after another
procs 1
go main:
  spawn caller
  sleep 10ms
go caller:
  repeat 12:
    cpu 50us
    syscall 2ms
`;

const threads: Exercise = {
  id: 'd2-threads',
  title: { zh: '线程涨到 5 个', en: 'Five threads' },
  goal: {
    zh: '写一个脚本，让运行时用到至少 5 个线程：运行报告里 `maxMs ≥ 5`（和 Go 的 `threads=` 一样，sysmon 的 M 也算一个）。先预测：一个 P 上需要几个 goroutine 同时陷在系统调用里？',
    en: 'Write a script that makes the runtime use at least 5 threads: the run report shows `maxMs ≥ 5` (like Go\'s `threads=`, sysmon\'s M counts as one). Predict first: on one P, how many goroutines must be in system calls at the same time?',
  },
  hints: [
    { zh: '跑完后看报告里的 `maxMs`（文本里是 `threads=`）。单步时，`ms` 列出每个 M 和它的 `curg`。', en: 'After the run, look at `maxMs` in the report (`threads=` in the text). While stepping, `ms` lists every M and its `curg`.' },
    { zh: '陷在调用里的线程放下了 P，但线程本身还被占着。调用返回后，线程可以接着做下一次调用：一个接一个的调用不需要更多线程。', en: 'A thread in a call has let go of its P, but the thread itself is busy. When the call returns, the same thread can make the next one: calls one after another need no more threads.' },
    { zh: 'sysmon 1 个 + 同时阻塞的 N 个 + 拿着 P 运行的 1 个：N = 3 就够 5 个。`spawn caller x4`，每个都 `syscall 2ms`。', en: 'sysmon 1 + N blocked at once + 1 running with the P: N = 3 makes 5. `spawn caller x4`, each one `syscall 2ms`.' },
  ],
  solution: { files: { '/scripts/mine.scn': THREADS_SCRIPT }, commands: ['run --file /scripts/mine.scn --engine sim --seed 1'] },
  nearMiss: {
    files: { '/scripts/mine.scn': SEQUENTIAL_SCRIPT },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1'],
    why: {
      zh: '一个 goroutine 一个接一个地做调用：同一时刻最多只有一个调用在阻塞，线程被反复复用，maxMs = 3。',
      en: 'One goroutine makes the calls one after another: at most one call blocks at any moment, the threads are reused, maxMs = 3.',
    },
  },
  check(record) {
    const run = lastScriptRun(record);
    if (!run) return noScriptYet;
    const { maxMs, syscalls } = run.report;
    if (maxMs >= 5) return solved(`maxMs = ${maxMs}（syscalls = ${syscalls}）。`, `maxMs = ${maxMs} (syscalls = ${syscalls}).`);
    if (syscalls === 0) return notYet(`maxMs = ${maxMs}，而且没有系统调用：线程是被阻塞的调用撑起来的。`, `maxMs = ${maxMs} and no system calls: blocked calls are what takes threads.`);
    return notYet(
      `maxMs = ${maxMs}（syscalls = ${syscalls}）：同时阻塞的调用还不够多。`,
      `maxMs = ${maxMs} (syscalls = ${syscalls}): not enough calls blocked at the same time.`,
    );
  },
};


const SEND_SCRIPT = `# A channel with room for one value: the producer's second send has to wait
procs 1
chan box 1
go main:
  spawn producer
  sleep 1ms
go producer:
  send box
  send box
`;

const RECV_SCRIPT = `# A channel with one value in it: the consumer's second receive has to wait
procs 1
chan box 1
go main:
  send box
  spawn consumer
  sleep 1ms
go consumer:
  recv box
  recv box
`;

const chanSend: Exercise = {
  id: 'd2-chan-send',
  title: { zh: '停在 chan send 上', en: 'Stuck on chan send' },
  goal: {
    zh: '写一个脚本，让一个 goroutine 因为向**满的** channel 发送而阻塞。单步运行它，在它阻塞时用 `gs` 看到一个 `_Gwaiting` 的 G，其 wait reason 正是 Go 的字符串 `"chan send"`。',
    en: 'Write a script in which a goroutine blocks sending on a **full** channel. Step it, and while it is blocked, show with `gs` a G in `_Gwaiting` whose wait reason is exactly Go\'s string `"chan send"`.',
  },
  hints: [
    { zh: '“运行此脚本”会以暂停状态启动；`until 500us` 之后 `gs`。看 `status` 和 `waitReason` 两列。', en: '"Run this script" starts it paused; `until 500us`, then `gs`. Look at the `status` and `waitReason` columns.' },
    { zh: '`chan box 1` 是容量为 1 的 channel。第一次发送放进缓冲区，不阻塞；缓冲区满了，下一次发送才阻塞（gopark，waitReasonChanSend）。', en: '`chan box 1` is a channel of capacity 1. The first send goes into the buffer without blocking; once it is full, the next send blocks (gopark, waitReasonChanSend).' },
    { zh: '让一个 goroutine 连续 `send box` 两次，并且没有人接收。', en: 'Have one goroutine `send box` twice with nobody receiving.' },
  ],
  solution: {
    files: { '/scripts/mine.scn': SEND_SCRIPT },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1 --step', 'until 500us', 'gs'],
  },
  nearMiss: {
    files: { '/scripts/mine.scn': RECV_SCRIPT },
    commands: ['run --file /scripts/mine.scn --engine sim --seed 1 --step', 'until 500us', 'gs'],
    why: {
      zh: '阻塞的是接收方：它的 wait reason 是 "chan receive"，不是 "chan send"。',
      en: 'The one blocked is a receiver: its wait reason is "chan receive", not "chan send".',
    },
  },
  check(record) {
    const gs = gsReplies(record).at(-1);
    if (!gs) return notYet('还没有 gs 的结果：运行你的脚本（单步），再输入 gs。', 'no gs reply yet: run your script (stepped), then type gs.');
    if (!gs.script) return notYet('这次 gs 看的是内置场景；请运行你自己的脚本（run --file）再看。', 'that gs looked at a built-in scenario; run your own script (run --file) and look again.');
    const hit = gs.rows.find((r) => r.status === '_Gwaiting' && r.waitReason === 'chan send');
    if (hit) return solved(`G${hit.goid}（${hit.name}）：_Gwaiting，wait reason "chan send"。`, `G${hit.goid} (${hit.name}): _Gwaiting, wait reason "chan send".`);
    const waiting = gs.rows.filter((r) => r.status === '_Gwaiting').map((r) => `G${r.goid} "${r.waitReason}"`);
    if (waiting.length === 0) return notYet('gs 里没有 _Gwaiting 的 G：发送都成功了（缓冲区还有空位？）。', 'no G in _Gwaiting in gs: every send went through (room left in the buffer?).');
    return notYet(`在等待的 G：${waiting.join('，')}；没有一个在等 "chan send"。`, `Gs waiting: ${waiting.join(', ')}; none of them on "chan send".`);
  },
};

const noRetake: Exercise = {
  id: 'd2-no-retake',
  title: { zh: 'sysmon 什么时候不收回', en: 'When sysmon leaves the P alone' },
  goal: {
    zh: '先预测，再运行：在模拟器上用 **2 个 P** 运行 `syscalls`，只要一个 goroutine（`--procs 2 --size 1`），它做 20 次 1 ms 的阻塞调用。sysmon 收回了几次 P（`retakes`）？答案从**你自己的运行**里读。',
    en: 'Predict, then run: run `syscalls` on the simulator with **2 Ps** and a single goroutine (`--procs 2 --size 1`), which makes 20 blocking calls of 1 ms. How many times did sysmon retake a P (`retakes`)? Read the answer from **your own run**.',
  },
  question: { zh: 'sysmon 收回 P 的次数（retakes）', en: 'P retakes by sysmon (retakes)' },
  hints: [
    { zh: '`run syscalls --engine sim --procs 2 --size 1`：报告第二行里有 `retakes=` 和 `handoffs=`。', en: '`run syscalls --engine sim --procs 2 --size 1`: the report\'s second line has `retakes=` and `handoffs=`.' },
    { zh: '读 proc.go 的 retake：P 的本地队列为空、又有空闲的 P（`npidle > 0`）时，它会把一次调用留给它 10 ms。', en: 'Read retake in proc.go: when the P\'s local queue is empty and some P is idle (`npidle > 0`), it leaves a call alone for 10 ms.' },
    { zh: '每次调用 1 ms 就返回，远不到 10 ms，所以旧 P 一直是 _Psyscall，exitsyscallfast 每次都把它要了回来。', en: 'Each call returns after 1 ms, far short of 10 ms, so the old P stays _Psyscall and exitsyscallfast takes it back every time.' },
  ],
  solution: { commands: ['run syscalls --engine sim --procs 2 --size 1 --seed 1'], answer: '0' },
  nearMiss: {
    commands: ['run syscalls --engine sim --procs 2 --size 1 --seed 1'],
    answer: '20',
    why: {
      zh: '20 是调用次数，也是只有 1 个 P 时的收回次数；有一个空闲 P 时，retake 一次也不收。',
      en: '20 is the number of calls, and the retakes with 1 P; with an idle P, retake takes none.',
    },
  },
  check(record, answer) {
    const run = lastSimRun(record);
    if (!run) return notYet('还没有模拟器上跑完的运行：run syscalls --engine sim --procs 2 --size 1。', 'no finished simulator run yet: run syscalls --engine sim --procs 2 --size 1.');
    const { scenario, procs, size, syscallRetakes } = run.report;
    if (scenario !== 'syscalls' || procs !== 2 || size !== 1)
      return notYet(`最近一次运行是 ${scenario}（procs ${procs}，size ${size}）；请运行 syscalls --procs 2 --size 1。`, `your latest run was ${scenario} (procs ${procs}, size ${size}); run syscalls --procs 2 --size 1.`);
    const n = parseAnswer(answer);
    if (n === undefined) return notYet('请输入一个整数。', 'type a whole number.');
    if (n === syscallRetakes) return solved(`对：retakes = ${syscallRetakes}，handoffs = ${run.report.handoffs}。`, `Right: retakes = ${syscallRetakes}, handoffs = ${run.report.handoffs}.`);
    return notYet('不对：看你这次运行报告里的 retakes。', 'Not that: look at retakes in the report of your run.');
  },
};

export const exercises: Exercise[] = [handoff, threads, chanSend, noRetake];
