// Day 7's exercises: the service scenario seen from production's tools — finding a goroutine
// leak in a goroutine profile, seeing that the leak needs its slow path, watching the
// collector's goal follow a leaking live heap in the metrics, choosing a timing wheel's tick
// for a lateness target, the lab-only priority queue that serves payments first (and what
// it costs the others), and a rollout gate's threshold from the noise it must live with. CI
// replays each solution and near-miss (tests/course/).

import { parseAnswer, parseLine, type RunFact } from '../../web/src/course/facts';
import type { Exercise, LabRecord } from '../../web/src/course/model';
import { notYet, runs, solved } from '../goals';

const MiB = 1 << 20;

/** The latest finished run of the service on the simulator, and where it is in the record. */
function lastServiceRun(record: LabRecord): RunFact | undefined {
  return runs(record)
    .filter((r) => r.report.scenario === 'service' && r.report.engine === 'sim')
    .at(-1);
}

const noServiceRun = notYet(
  '还没有跑完的 service：先在模拟器上运行它（`run service --engine sim --leak`）。',
  'no finished service run yet: run it on the simulator first (`run service --engine sim --leak`).',
);

/** The replies of `command` (parsed JSON) that came after the latest `run`, in order. */
function repliesSinceLastRun(record: LabRecord, command: string): unknown[] {
  const out: unknown[] = [];
  for (const e of record.events) {
    if (e.kind !== 'command') continue;
    const o = e.observation;
    const name = parseLine(o.line).command;
    if (name === 'run' && o.ok) out.length = 0;
    else if (name === command && o.ok && o.json !== undefined) out.push(o.json);
  }
  return out;
}

/** A group of `gs --group --json` (core/lab/commands/inspect.cpp gsGrouped). */
interface ProfileGroup {
  count: number;
  function: string;
  state: string;
  createdBy: string;
}

function profileGroups(json: unknown): ProfileGroup[] | undefined {
  const groups = (json as { groups?: unknown } | undefined)?.groups;
  return Array.isArray(groups) ? (groups as ProfileGroup[]) : undefined;
}

const leakSite: Exercise = {
  id: 'd7-leak-site',
  title: { zh: '在 goroutine profile 里找到泄漏', en: 'Find the leak in a goroutine profile' },
  goal: {
    zh: '在模拟器上运行带 `--leak` 的 `service`（种子随你选），然后像 Go 用户那样用 goroutine profile 找出泄漏。你这次运行结束时，有多少个 goroutine 阻塞在 `chan send` 上？',
    en: 'Run `service` with `--leak` on the simulator (any seed), then find the leak the way Go users do, with a goroutine profile. At the end of **your run**, how many goroutines are blocked in `chan send`?',
  },
  question: { zh: '阻塞在 chan send 上的 goroutine 数', en: 'Goroutines blocked in chan send' },
  hints: [
    { zh: '`run service --engine sim --leak --seed 7`，然后 `gs --group`。', en: '`run service --engine sim --leak --seed 7`, then `gs --group`.' },
    {
      zh: '`gs --group` 每行一组：数量 @ 函数 [状态] created by 创建者。找状态是 `chan send` 的那一组。',
      en: '`gs --group` prints one line per group: count @ function [state] created by creator. Find the group whose state is `chan send`.',
    },
    {
      zh: '运行报告里“N goroutines still alive”还包括仍在 `sleep` 的后端（它们的应答还没到），它们不在 `chan send` 那一组里。',
      en: 'The report\'s "N goroutines still alive" also counts backends still in `sleep` (their answers have not arrived); they are not in the `chan send` group.',
    },
  ],
  solution: { commands: ['run service --engine sim --leak --seed 1', 'gs --group'], answer: '349' },
  nearMiss: {
    commands: ['run service --engine sim --leak --seed 1', 'gs --group'],
    answer: '354',
    why: {
      zh: '354 是报告里仍存活的 goroutine 数：其中 5 个后端还在 `sleep`，阻塞在 `chan send` 的是 349 个。',
      en: '354 is the report\'s count of goroutines still alive: 5 of those backends are still in `sleep`; 349 are blocked in `chan send`.',
    },
  },
  check(record, answer) {
    const run = lastServiceRun(record);
    if (!run) return noServiceRun;
    if (!run.report.options?.leak) return notYet('这次运行没有 `--leak`：加上它再运行。', 'that run had no `--leak`: add it and run again.');
    const profile = repliesSinceLastRun(record, 'gs').map(profileGroups).filter((g) => g !== undefined).at(-1);
    if (!profile) return notYet('运行之后用 `gs --group` 看 goroutine profile。', 'after the run, look at the goroutine profile with `gs --group`.');
    const blocked = profile.filter((g) => g.state === 'chan send').reduce((n, g) => n + g.count, 0);
    const value = parseAnswer(answer);
    if (value === undefined) return notYet('读 `gs --group` 的输出，填一个数。', 'read `gs --group` and type a number.');
    if (value === blocked) {
      const site = profile.find((g) => g.state === 'chan send');
      return solved(
        `对：${blocked} 个 ${site?.function ?? ''} 阻塞在 chan send，由 ${site?.createdBy ?? ''} 创建。`,
        `right: ${blocked} ${site?.function ?? ''} blocked in chan send, created by ${site?.createdBy ?? ''}.`,
      );
    }
    if (value === (run.report.metrics?.goroutinesAtEnd ?? -1) - 1)
      return notYet('这是仍存活的 goroutine 总数：有些还在 sleep。只数 chan send 那一组。', 'that is every goroutine still alive: some are still in sleep. Count the chan send group only.');
    return notYet(`你这次运行里阻塞在 chan send 的不是 ${value} 个。`, `the goroutines blocked in chan send in your run are not ${value}.`);
  },
};

const leakNeedsTimeouts: Exercise = {
  id: 'd7-leak-needs-timeouts',
  title: { zh: '泄漏要等慢路径', en: 'A leak waits for the slow path' },
  goal: {
    zh: '保留 `--leak`，在模拟器上运行 `service`（至少默认的 4000 个请求），让它结束时**没有**一个 goroutine 泄漏。不许改代码（也就是不许去掉 `--leak`）：只能改服务的其它参数。',
    en: 'Keep `--leak` and run `service` on the simulator (at least the default 4000 requests) so that it ends with **no** goroutine leaked. No code change (that is, `--leak` stays): change only the service\'s other flags.',
  },
  hints: [
    { zh: '泄漏发生在哪条路径上？看报告里的 `timed out`。', en: 'On which path does the leak happen? Look at `timed out` in the report.' },
    {
      zh: '每次超时正好泄漏一个 goroutine。后端延迟服从均值为 `--call` 的指数分布，处理函数最多等 `--deadline`。',
      en: 'Each timeout leaks exactly one goroutine. The backend\'s latency is exponential with mean `--call`; the handler waits at most `--deadline`.',
    },
    {
      zh: '指数分布超过 d 的概率是 e^(−d/均值)：均值减半还剩 e^(−5) ≈ 0.7%。把截止时间放宽到均值的几十倍。',
      en: 'An exponential latency exceeds d with probability e^(−d/mean): halving the mean still leaves e^(−5) ≈ 0.7%. Make the deadline tens of times the mean.',
    },
  ],
  solution: { commands: ['run service --engine sim --leak --deadline 1s --seed 1'] },
  nearMiss: {
    commands: ['run service --engine sim --leak --call 10ms --seed 1'],
    why: {
      zh: '后端快一倍，超时变少（27 个）但没有消失：指数分布的尾巴一直都在，每次超时泄漏一个 goroutine。',
      en: 'A backend twice as fast times out less (27 times) but not never: the exponential tail is always there, and each timeout leaks a goroutine.',
    },
  },
  check(record) {
    const run = lastServiceRun(record);
    if (!run) return noServiceRun;
    if (!run.report.options?.leak) return notYet('`--leak` 得保留：这道题是不改代码地避开泄漏。', '`--leak` must stay: the point is to avoid the leak without changing the code.');
    if (run.report.size < 4000)
      return notYet(`这次只有 ${run.report.size} 个请求：至少跑默认的 4000 个。`, `that run had only ${run.report.size} requests: run at least the default 4000.`);
    const timeouts = run.report.metrics?.timeouts ?? -1;
    const alive = (run.report.metrics?.goroutinesAtEnd ?? 0) - 1;
    if (timeouts === 0 && alive === 0)
      return solved('没有一个请求超时，也就没有一个 goroutine 泄漏：同样的代码，只是慢路径没有发生。', 'not one request timed out, so not one goroutine leaked: the same code, only the slow path never happened.');
    return notYet(`${timeouts} 个请求超时，结束时还有 ${alive} 个 goroutine：每次超时泄漏一个。`, `${timeouts} requests timed out and ${alive} goroutines are left at the end: each timeout leaks one.`);
  },
};

const GOAL_TARGET_MIB = 12;
const LIVE_HEAP_GREW_MIB = 4;

/** The columns of a `metrics --json` reply (core/lab/commands/metrics.cpp). */
function metricsColumn(json: unknown, name: string): (number | null)[] | undefined {
  const m = json as { columns?: { name: string }[]; data?: (number | null)[][] } | undefined;
  const k = m?.columns?.findIndex((c) => c.name === name) ?? -1;
  return k >= 0 ? m?.data?.[k] : undefined;
}

const goalFollowsLeak: Exercise = {
  id: 'd7-goal-follows-leak',
  title: { zh: '目标跟着泄漏涨', en: 'The goal follows the leak' },
  goal: {
    zh: `在模拟器上运行 \`service\`（保持默认的 \`--alloc\`），让 GC 的堆目标（\`metrics\` 的 \`heapGoal\` 列）在运行结束时超过 ${GOAL_TARGET_MIB} MiB，然后用 \`metrics\` 把它显示出来。`,
    en: `Run \`service\` on the simulator (keeping the default \`--alloc\`) so that the GC's heap goal (the \`heapGoal\` column of \`metrics\`) ends above ${GOAL_TARGET_MIB} MiB, then show it with \`metrics\`.`,
  },
  hints: [
    { zh: '`metrics heapMarked heapGoal`：目标由上一轮标记存活的堆算出。', en: '`metrics heapMarked heapGoal`: the goal is computed from the heap the last cycle marked live.' },
    {
      zh: 'GOGC=100 时目标约为 marked × 2，但不低于 4 MiB。默认运行里 marked 只有几百 KiB。',
      en: 'With GOGC=100 the goal is about marked × 2, but at least 4 MiB. In a default run, marked is a few hundred KiB.',
    },
    {
      zh: '什么会让存活堆一直增长？泄漏的每个后端都握着它的响应。让泄漏的服务跑得更久（`--size`）。',
      en: 'What makes the live heap keep growing? Every leaked backend holds its response. Let the leaking service run longer (`--size`).',
    },
  ],
  solution: { commands: ['run service --engine sim --leak --size 20000 --seed 1', 'metrics heapMarked heapGoal'] },
  nearMiss: {
    commands: ['run service --engine sim --size 20000 --seed 1', 'metrics heapMarked heapGoal'],
    why: {
      zh: '不泄漏时，多跑几倍只是多跑几轮 GC：存活堆不增长，目标一直是 4 MiB 的最小值。',
      en: 'Without the leak, running longer only means more GC cycles: the live heap does not grow and the goal stays at the 4 MiB minimum.',
    },
  },
  check(record) {
    const run = lastServiceRun(record);
    if (!run) return noServiceRun;
    if ((run.report.options?.alloc ?? 4096) !== 4096)
      return notYet('保持默认的 `--alloc`（4096 字节）：这道题要让存活堆本身增长。', 'keep the default `--alloc` (4096 bytes): the point is to make the live heap itself grow.');
    const reply = repliesSinceLastRun(record, 'metrics').at(-1);
    const goal = metricsColumn(reply, 'heapGoal')?.filter((v): v is number => v !== null).at(-1);
    const marked = metricsColumn(reply, 'heapMarked')?.filter((v): v is number => v !== null).at(-1);
    if (goal === undefined || marked === undefined)
      return notYet('运行之后用 `metrics` 看 heapGoal。', 'after the run, look at heapGoal with `metrics`.');
    const mib = (goal / MiB).toFixed(2);
    // The goal must have followed the live heap up (a larger GOGC alone raises the minimum goal).
    if (marked <= LIVE_HEAP_GREW_MIB * MiB)
      return notYet(
        `存活堆最后只有 ${(marked / MiB).toFixed(2)} MiB（heapMarked）：目标要跟着存活堆涨，而不是靠调 GOGC。`,
        `the live heap ended at only ${(marked / MiB).toFixed(2)} MiB (heapMarked): the goal must follow the live heap up, not GOGC.`,
      );
    if (goal > GOAL_TARGET_MIB * MiB) return solved(`堆目标最后是 ${mib} MiB。`, `the heap goal ended at ${mib} MiB.`);
    return notYet(`堆目标最后是 ${mib} MiB（要超过 ${GOAL_TARGET_MIB} MiB）。`, `the heap goal ended at ${mib} MiB (above ${GOAL_TARGET_MIB} MiB needed).`);
  },
};

const WHEEL_TIMEOUTS = 500_000;
const WHEEL_P99_NS = 200_000;

const wheelTick: Exercise = {
  id: 'd7-wheel-tick',
  title: { zh: '给时间轮选格长', en: 'Choose the wheel\'s tick' },
  goal: {
    zh: `团队想用时间轮（启动、停止都是 O(1)）。在模拟器上让 ${WHEEL_TIMEOUTS} 个超时跑在时间轮上（\`run timers --timers wheel\`），并让迟到的 p99 低于 ${WHEEL_P99_NS / 1000} µs。`,
    en: `The team wants the timing wheel (O(1) to start and stop). On the simulator, put ${WHEEL_TIMEOUTS} timeouts on the wheel (\`run timers --timers wheel\`) with a lateness p99 under ${WHEEL_P99_NS / 1000} µs.`,
  },
  hints: [
    { zh: '`run timers --engine sim --size 500000 --timers wheel`，看报告里的 `lateness p99`。', en: '`run timers --engine sim --size 500000 --timers wheel`, then read `lateness p99` in the report.' },
    {
      zh: '时间轮把每个截止时间向上取整到它所在格的末尾：最多晚一格（再加上驱动 goroutine 自己的延迟）。',
      en: 'The wheel rounds every deadline up to the end of its tick: at most a tick late (plus the driver goroutine\'s own delay).',
    },
    { zh: '默认一格 1 ms。用 `--tick` 换一个更短的格长，比如 100us。', en: 'The default tick is 1 ms. Choose a shorter one with `--tick`, say 100us.' },
  ],
  solution: { commands: ['run timers --engine sim --size 500000 --timers wheel --tick 100us --seed 1'] },
  nearMiss: {
    commands: ['run timers --engine sim --size 500000 --timers wheel --seed 1'],
    why: {
      zh: '默认 1 ms 一格：截止时间均匀落在格内，p99 约为一整格（998 µs）。',
      en: 'With the default 1 ms tick the deadlines fall evenly inside the ticks, and the p99 is about a whole tick (998 µs).',
    },
  },
  check(record) {
    const run = runs(record)
      .filter((r) => r.report.scenario === 'timers' && r.report.engine === 'sim')
      .at(-1);
    if (!run) return notYet('还没有跑完的 timers：`run timers --engine sim --size 500000 --timers wheel`。', 'no finished timers run yet: `run timers --engine sim --size 500000 --timers wheel`.');
    if (run.report.options?.timers !== 1) return notYet('这次用的是定时器堆：加上 `--timers wheel`。', 'that run used the timer heap: add `--timers wheel`.');
    if (run.report.size < WHEEL_TIMEOUTS)
      return notYet(`这次只有 ${run.report.size} 个超时：要 ${WHEEL_TIMEOUTS} 个。`, `that run had ${run.report.size} timeouts: ${WHEEL_TIMEOUTS} are needed.`);
    const p99 = run.report.metrics?.p99LatenessNs ?? Infinity;
    const us = (p99 / 1000).toFixed(1);
    const tick = ((run.report.options?.tick ?? 0) / 1000).toFixed(0);
    if (p99 < WHEEL_P99_NS) return solved(`一格 ${tick} µs：p99 迟到 ${us} µs。`, `a ${tick} µs tick: p99 lateness ${us} µs.`);
    return notYet(`一格 ${tick} µs 时 p99 迟到 ${us} µs（要低于 ${WHEEL_P99_NS / 1000} µs）。`, `with a ${tick} µs tick the p99 lateness is ${us} µs (under ${WHEEL_P99_NS / 1000} µs needed).`);
  },
};

const PAYMENTS_P99_NS = 100_000_000;
const SECOND_NS = 1_000_000_000;
/** --priority's choices, in the order the run report numbers them (core/lab/scenarios/service.cpp). */
const POLICIES = ['go', 'slice', 'queue'];

const priorityQueue: Exercise = {
  id: 'd7-priority-queue',
  title: { zh: '支付请求优先', en: 'Payments first' },
  goal: {
    zh: `一个过载的服务：一个 P（\`--procs 1\`），每秒 11 000 个请求（\`--rate 11000\`），每个 100 µs，其中 10% 是支付请求（\`--high 10\`）。不降低负载（每秒请求数 × 每个请求的 CPU 时间仍不少于 P 的数量），在模拟器上让支付请求的 p99 延迟低于 ${PAYMENTS_P99_NS / 1e6} ms。然后读报告：你这次运行里，有多少个**普通**请求超时？`,
    en: `An overloaded service: one P (\`--procs 1\`), 11 000 requests a second (\`--rate 11000\`) of 100 µs each, 10 % of them payments (\`--high 10\`). Without lowering the load (requests a second × CPU time per request still at least the number of Ps), get the payments' p99 latency under ${PAYMENTS_P99_NS / 1e6} ms on the simulator. Then read the report: in **your run**, how many **normal** requests timed out?`,
  },
  question: { zh: '超时的普通请求数', en: 'Normal requests that timed out' },
  hints: [
    {
      zh: '先跑一次不加策略的：`run service --engine sim --procs 1 --size 4000 --rate 11000 --high 10`。报告最后一行按类别给出 p99 和超时数。',
      en: 'Run it once without a policy: `run service --engine sim --procs 1 --size 4000 --rate 11000 --high 10`. The report\'s last line gives p99 and timeouts by class.',
    },
    {
      zh: '请求在等什么：等它的时间片用完，还是等轮到它拿到 P？100 µs 的请求用得完 10 ms 的时间片吗？',
      en: 'What does a request wait for: for its time slice to run out, or for its turn on a P? Does a 100 µs request ever use up a 10 ms slice?',
    },
    { zh: '`--priority queue`：高优先级 goroutine 有自己的运行队列，先于其它一切被取走。', en: '`--priority queue`: high-priority goroutines get a run queue of their own, taken before anything else.' },
  ],
  solution: {
    commands: ['run service --engine sim --procs 1 --size 4000 --rate 11000 --high 10 --priority queue --seed 1'],
    answer: '1526',
  },
  nearMiss: {
    commands: ['run service --engine sim --procs 1 --size 4000 --rate 11000 --high 10 --priority slice --seed 1'],
    answer: '1526',
    why: {
      zh: '原文的补丁（3 倍时间片）什么也没改变：100 µs 的请求从来用不完 10 ms 的时间片，支付请求的 p99 仍是 218.1 ms。它们等的是轮到自己。',
      en: "The source text's patch (3× the slice) changes nothing: a 100 µs request never uses up a 10 ms slice, and the payments' p99 stays at 218.1 ms. What they wait for is their turn.",
    },
  },
  check(record, answer) {
    const run = lastServiceRun(record);
    if (!run) return noServiceRun;
    const o = run.report.options ?? {};
    if (!(o.high ?? 0)) return notYet('这次没有支付请求：加上 `--high 10`。', 'that run had no payments: add `--high 10`.');
    const load = ((o.rate ?? 0) * (o.work ?? 0)) / SECOND_NS / run.report.procs;
    if (load < 1)
      return notYet(
        `这次的负载只有 P 的 ${Math.round(load * 100)}%：要保持过载（--rate × --work 至少等于 --procs 秒）。`,
        `that run loaded the Ps to only ${Math.round(load * 100)}%: keep it overloaded (--rate × --work at least --procs seconds).`,
      );
    const m = run.report.metrics ?? {};
    const p99 = m.highLatencyP99Ns ?? Infinity;
    const ms = (p99 / 1e6).toFixed(1);
    const policy = POLICIES[o.priority ?? 0] ?? '?';
    if (p99 >= PAYMENTS_P99_NS)
      return notYet(
        `--priority ${policy}：支付请求的 p99 是 ${ms} ms（要低于 ${PAYMENTS_P99_NS / 1e6} ms）。`,
        `--priority ${policy}: the payments' p99 is ${ms} ms (under ${PAYMENTS_P99_NS / 1e6} ms needed).`,
      );
    const value = parseAnswer(answer);
    if (value === undefined)
      return notYet(`支付请求的 p99 是 ${ms} ms。现在读报告，填超时的普通请求数。`, `the payments' p99 is ${ms} ms. Now read the report and type the number of normal requests that timed out.`);
    const normal = m.normalTimeouts ?? -1;
    if (value === normal)
      return solved(
        `对：支付请求 p99 ${ms} ms，而 ${normal} 个普通请求超时（共 ${m.normalRequests ?? '?'} 个）：严格优先级把等待转嫁给了它们。`,
        `right: the payments' p99 is ${ms} ms, and ${normal} normal requests (of ${m.normalRequests ?? '?'}) timed out: strict priority moved the wait onto them.`,
      );
    if (value === m.timeouts)
      return notYet('这是所有超时的请求：只数普通请求（报告最后一行的 normal）。', 'that is every request that timed out: count the normal ones only (normal, on the report\'s last line).');
    return notYet(`你这次运行里超时的普通请求不是 ${value} 个。`, `the normal requests that timed out in your run are not ${value}.`);
  },
};

/** A `rollout --json` reply (core/lab/commands/rollout.cpp). */
interface RolloutReply {
  baseline: string;
  canary: string;
  gate: string;
  windowsPerStage: number;
  windowNs: number;
  decision: string;
  stagePercent: number;
}

function rolloutReplies(record: LabRecord): RolloutReply[] {
  const out: RolloutReply[] = [];
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok || parseLine(e.observation.line).command !== 'rollout') continue;
    const j = e.observation.json as Partial<RolloutReply> | undefined;
    if (j && typeof j.canary === 'string' && typeof j.decision === 'string') out.push(j as RolloutReply);
  }
  return out;
}

const GATE_WINDOW_NS = 100_000_000;

const gateThreshold: Exercise = {
  id: 'd7-gate-threshold',
  title: { zh: '给闸门定阈值', en: 'Set the gate\'s threshold' },
  goal: {
    zh: '用 100 ms 的窗口（`--window 100ms`）找一个闸门（`--gate`），让有泄漏的金丝雀（`--canary "--leak"`）在 **1% 阶段**就被回滚，同时让没有改动的金丝雀（`--canary ""`）全量发布。两次 rollout 用同一个闸门。',
    en: 'With 100 ms windows (`--window 100ms`), find a gate (`--gate`) that rolls the leaking canary (`--canary "--leak"`) back **at the 1% stage**, and promotes an unchanged canary (`--canary ""`) to 100%. Use the same gate for both rollouts.',
  },
  hints: [
    { zh: '先用原文的闸门试：`rollout --canary "--leak" --window 100ms`。它在哪个阶段被回滚？', en: 'Try the source text\'s gate first: `rollout --canary "--leak" --window 100ms`. At which stage is it rolled back?' },
    {
      zh: '看两次 rollout 的 Δgoroutine 列：泄漏在前 3 个窗口涨到多少？没有改动的金丝雀在 9 个窗口里最高到多少？',
      en: 'Read the Δgoroutines column of both rollouts: how high does the leak get in its first 3 windows, and the unchanged canary in its 9?',
    },
    {
      zh: '阈值要高于好金丝雀的噪声（+18），又不能高于泄漏在前 3 个窗口里的值（+29、+34）：比如 `--gate goroutines<25`。',
      en: 'The threshold must be above the good canary\'s noise (+18) and not above the leak\'s first 3 windows (+29, +34): for example `--gate goroutines<25`.',
    },
  ],
  solution: {
    commands: [
      'rollout --canary "--leak" --window 100ms --gate goroutines<25',
      'rollout --canary "" --window 100ms --gate goroutines<25',
    ],
  },
  nearMiss: {
    commands: ['rollout --canary "--leak" --window 100ms', 'rollout --canary "" --window 100ms'],
    why: {
      zh: '原文的 goroutines<50：泄漏在 100 ms 的窗口里长得慢，通过了整个 1% 阶段，直到 10% 阶段的第 4 个窗口（+60）才被回滚。',
      en: "The source text's goroutines<50: in 100 ms windows the leak grows slowly and passes the whole 1% stage; it is rolled back only in window 4, at 10% (+60).",
    },
  },
  check(record) {
    // 100 ms windows, the usual 3 per stage, an unchanged baseline: only the gate's conditions vary.
    const all = rolloutReplies(record).filter(
      (r) => r.windowNs === GATE_WINDOW_NS && r.windowsPerStage === 3 && /--seed \d+$/.test(r.baseline),
    );
    const leak = all.filter((r) => / --leak\b/.test(r.canary)).at(-1);
    if (!leak)
      return notYet(
        '还没有用 100 ms 窗口跑过泄漏的金丝雀（基线不加参数，--windows 保持 3）：`rollout --canary "--leak" --window 100ms`。',
        'no rollout of the leaking canary with 100 ms windows yet (no baseline flags, --windows left at 3): `rollout --canary "--leak" --window 100ms`.',
      );
    if (leak.decision !== 'rolled back' || leak.stagePercent !== 1)
      return notYet(
        `闸门 ${leak.gate}：泄漏的金丝雀${leak.decision === 'rolled back' ? `在 ${leak.stagePercent}% 阶段才被回滚` : '没有被回滚'}（要在 1%）。`,
        `gate ${leak.gate}: the leaking canary was ${leak.decision === 'rolled back' ? `rolled back only at ${leak.stagePercent}%` : 'not rolled back'} (1% needed).`,
      );
    const good = all.filter((r) => /--seed \d+$/.test(r.canary) && r.gate === leak.gate).at(-1);
    if (!good) return notYet(`现在用同一个闸门（${leak.gate}）跑没有改动的金丝雀：\`--canary ""\`。`, `now run the unchanged canary with the same gate (${leak.gate}): \`--canary ""\`.`);
    if (good.decision !== 'promoted')
      return notYet(`闸门 ${leak.gate} 把没有改动的金丝雀也拦下了（${good.decision}）：阈值低于噪声。`, `gate ${leak.gate} also stopped the unchanged canary (${good.decision}): the threshold is below the noise.`);
    return solved(`闸门 ${leak.gate}：泄漏在 1% 被回滚，好的发布全量上线。`, `gate ${leak.gate}: the leak is rolled back at 1%, the good release promoted.`);
  },
};

export const exercises: Exercise[] = [leakSite, leakNeedsTimeouts, goalFollowsLeak, wheelTick, priorityQueue, gateThreshold];
