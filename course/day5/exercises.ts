// Day 5's exercises: tri-colour marking caught in the act. A black object pointing to a white
// one, an object hidden on a stack that only Dijkstra's re-scan finds, the same interleaving
// with and without a barrier, and a loss counted from the learner's own run. Every check reads
// the JSON of `heap --graph`, `verify` and the run report's `gc`; CI replays each solution and
// near-miss (tests/course/).

import { asRunReport, parseAnswer, parseLine, type RunFact } from '../../web/src/course/facts';
import type { Exercise, LabRecord } from '../../web/src/course/model';
import { blackToWhite, gcOf, heapGraphs, notYet, runs, solved, type GcRunReport } from '../goals';

const RACE = 'run mutator-race --engine sim --seed 1';

const blackToWhiteEdge: Exercise = {
  id: 'd5-black-to-white',
  title: { zh: '黑指向白', en: 'Black points to white' },
  goal: {
    zh: '用 `--barrier none` 单步运行 `mutator-race`（模拟器，`--step`），停在标记进行中的某一刻，用 `heap --graph` 看到**一个黑对象指向一个白对象**——强三色不变量被打破的那一刻。',
    en: 'Step a `mutator-race` run with `--barrier none` on the simulator (`--step`), stop while the mark is in progress, and show with `heap --graph` a moment when **a black object points to a white one**: the strong tri-colour invariant broken.',
  },
  hints: [
    { zh: '`run mutator-race --engine sim --barrier none --seed 1 --step`，然后用 `until` 走到标记中（`heap` 的第一行要是 `_GCmark`），再 `heap --graph`；标记视图画的就是它。', en: '`run mutator-race --engine sim --barrier none --seed 1 --step`, then `until` into the mark (the first line of `heap` must say `_GCmark`), then `heap --graph`: the marking view draws the same graph.' },
    { zh: '刚进入 `_GCmark` 时还没有任何对象是黑的（`heap` 说 marked so far 0）：要等标记工作者扫过一部分链表，mutator 再把一个子对象搬进已经扫过的 holder。', en: 'Right after `_GCmark` begins nothing is black yet (`heap` says marked so far 0): wait until the workers have scanned part of the chain and a mutator has moved a child into a holder they already passed.' },
    { zh: '`until gc` 停在标记的起点；再往前走几十微秒，比如 `until 323us`。', en: '`until gc` stops where the mark begins; go a few tens of microseconds further, e.g. `until 323us`.' },
  ],
  solution: { commands: [`${RACE} --barrier none --step`, 'until 323us', 'heap --graph'] },
  nearMiss: {
    commands: [`${RACE} --barrier none --step`, 'until gc', 'heap --graph'],
    why: { zh: '`until gc` 停在标记刚开始的地方：根还没扫，没有一个对象是黑的，自然也没有黑指向白。', en: '`until gc` stops where the mark has just begun: no root has been scanned, no object is black yet, so nothing black points anywhere.' },
  },
  check(record) {
    const graphs = heapGraphs(record);
    if (graphs.length === 0) return notYet('还没有 heap --graph：先单步运行 mutator-race，走到标记中再看。', 'no heap --graph yet: step a mutator-race run into a mark, then look.');
    for (const g of graphs) {
      const edge = g.phase === '_GCmark' && g.barrier === 'none' ? blackToWhite(g)[0] : undefined;
      if (edge) return solved(`对：在 ${g.nowNs} ns，黑对象 ${edge[0]} 指向白对象 ${edge[1]}。`, `Right: at ${g.nowNs} ns the black object ${edge[0]} points to the white ${edge[1]}.`);
    }
    const g = graphs.at(-1)!;
    if (g.barrier !== 'none') return notYet(`这次运行的写屏障是 ${g.barrier}：用 --barrier none。`, `that run's write barrier is ${g.barrier}: use --barrier none.`);
    if (g.phase !== '_GCmark') return notYet(`phase = ${g.phase}：要在标记进行中（_GCmark）看。`, `phase = ${g.phase}: look while the mark is in progress (_GCmark).`);
    const black = g.nodes.filter((n) => n.color === 'black').length;
    if (black === 0) return notYet('这张图里还没有黑对象：标记刚开始，再往前走一点。', 'no object in this graph is black yet: the mark has just begun; go on a little.');
    return notYet(`这张图里有 ${black} 个黑对象，但没有一条黑→白的边：再往前走一点。`, `this graph has ${black} black objects but no black → white edge: go on a little.`);
  },
};

/** Whether a `verify` reply was taken mid-mark and found objects only black ones still reach. */
function hiddenMidMark(json: unknown): boolean {
  const v = json as { phase?: unknown; lost?: unknown } | undefined;
  return v?.phase === '_GCmark' && typeof v.lost === 'number' && v.lost > 0;
}

/** The latest finished GC run, and whether a `verify` between its `run` line and its end found,
 *  mid-mark, white objects that only black ones still reach. */
function latestRunWithMidMarkVerify(record: LabRecord): { hidden: boolean; gc: GcRunReport } | undefined {
  let hidden = false;
  let latest: { hidden: boolean; gc: GcRunReport } | undefined;
  for (const e of record.events) {
    if (e.kind !== 'command' || !e.observation.ok) continue;
    const command = parseLine(e.observation.line).command;
    if (command === 'run') hidden = false;
    if (command === 'verify' && hiddenMidMark(e.observation.json)) hidden = true;
    const report = asRunReport(e.observation);
    const gc = report ? gcOf({ report, line: parseLine(e.observation.line) }) : undefined;
    if (gc) latest = { hidden, gc };
  }
  return latest;
}

const rescan: Exercise = {
  id: 'd5-dijkstra-rescan',
  title: { zh: '只有重扫栈才找得回', en: 'Only the re-scan finds it' },
  goal: {
    zh: '用 Dijkstra 插入屏障（`--barrier dijkstra`）单步运行 `mutator-race`，在标记中让 `verify` 报出一个“只被黑对象/黑栈引用的白对象”（如果此刻结束标记就会丢）；然后 `continue` 跑完：这次运行一个对象都没丢。先预测：换成 `--barrier hybrid`，标记中的 `verify` 会报什么？',
    en: 'Step a `mutator-race` run with Dijkstra\'s insertion barrier (`--barrier dijkstra`) and get `verify`, mid-mark, to report a white object that only black objects or black stacks still reach (lost if the mark ended now); then `continue` to the end: the run loses nothing. Predict first: with `--barrier hybrid`, what does the same mid-mark `verify` say?',
  },
  hints: [
    { zh: '`run mutator-race --engine sim --barrier dijkstra --seed 1 --step`，`until` 到标记中，然后 `verify`；不对就再往前走一点再 `verify`。', en: '`run mutator-race --engine sim --barrier dijkstra --seed 1 --step`, `until` into the mark, then `verify`; if it finds nothing, go on a little and `verify` again.' },
    { zh: 'Dijkstra 只给堆上的写入加屏障（shade(ptr)）。一个子对象从堆搬到 goroutine 的栈上、堆里的指针被删掉时，没有任何东西给它着色。', en: "Dijkstra's barrier covers heap stores only (shade(ptr)). When a child moves from the heap onto a goroutine's stack and the heap pointer is deleted, nothing shades it." },
    { zh: '`until 323us` 再 `verify`：一个白对象只剩栈还指着它。`continue` 之后 `gc` 显示 “stacks re-scanned”：标记终止时重扫所有栈把它找了回来。', en: '`until 323us`, then `verify`: one white object is held only by a stack. After `continue`, `gc` shows "stacks re-scanned": mark termination re-scanned every stack and found it.' },
  ],
  solution: { commands: [`${RACE} --barrier dijkstra --step`, 'until 323us', 'verify', 'continue'] },
  nearMiss: {
    commands: [`${RACE} --barrier hybrid --step`, 'until 323us', 'verify', 'continue'],
    why: { zh: '混合屏障删除指针时会 shade(*slot)：被搬到栈上的对象已经是灰的，标记中的 verify 什么也找不到——这正是 Go 1.8 不再需要重扫栈的原因。', en: 'The hybrid barrier shades *slot when a pointer is deleted: the object moved onto the stack is already grey, so the mid-mark verify finds nothing. That is why Go 1.8 no longer needs the stack re-scan.' },
  },
  check(record) {
    const run = latestRunWithMidMarkVerify(record);
    if (!run) return notYet('还没有跑完的 GC 运行：单步运行 mutator-race，标记中 verify，然后 continue。', 'no finished GC run yet: step mutator-race, verify mid-mark, then continue.');
    if (run.gc.barrier !== 'dijkstra') return notYet(`这次运行的写屏障是 ${run.gc.barrier}：用 --barrier dijkstra。`, `that run's write barrier is ${run.gc.barrier}: use --barrier dijkstra.`);
    if (!run.hidden) return notYet('这次运行在标记中的 verify 都没有报出被藏起来的白对象（lost = 0）：换个时刻再 verify。', 'no mid-mark verify of this run reported a hidden white object (lost = 0): verify at another moment.');
    if (run.gc.lostObjects > 0) return notYet(`gc.lostObjects = ${run.gc.lostObjects}：对象真的丢了。`, `gc.lostObjects = ${run.gc.lostObjects}: objects really were lost.`);
    return solved('对：标记中有对象只被栈引用，标记终止时重扫栈把它找了回来，gc.lostObjects = 0。', 'Right: mid-mark an object was held only by a stack; mark termination re-scanned the stacks and found it, gc.lostObjects = 0.');
  },
};

const sameSeed: Exercise = {
  id: 'd5-barrier-saves',
  title: { zh: '同一个种子，开屏障', en: 'Same seed, barrier on' },
  goal: {
    zh: '找一个种子，让 `mutator-race --barrier none` 在并发标记下丢对象（运行报告 `gc.lostObjects > 0`）；然后用**同一个种子**、**并发标记**、开一种写屏障再跑一次，一个都不丢（`gc.lostObjects = 0`）。',
    en: 'Find a seed where `mutator-race --barrier none` loses objects under concurrent marking (the run report shows `gc.lostObjects > 0`); then run the **same seed**, **still marking concurrently**, with a write barrier on, and lose none (`gc.lostObjects = 0`).',
  },
  hints: [
    { zh: '`run mutator-race --engine sim --barrier none --seed 1`：第一行说丢了几个对象，`verify` 说是哪几个、被谁的写入藏起来的。', en: '`run mutator-race --engine sim --barrier none --seed 1`: the first line says how many objects were lost; `verify` says which ones and whose stores hid them.' },
    { zh: '再用同样的 `--seed`，把 `--barrier` 换成 hybrid、dijkstra 或 yuasa。', en: 'Then the same `--seed` with `--barrier` set to hybrid, dijkstra or yuasa.' },
    { zh: '`--marker stw` 也不会丢，但那是因为标记时 mutator 根本不运行，没有验证任何屏障。', en: '`--marker stw` loses nothing either, but only because no mutator runs while it marks: it tests no barrier at all.' },
  ],
  solution: { commands: [`${RACE} --barrier none`, `${RACE} --barrier yuasa`] },
  nearMiss: {
    commands: [`${RACE} --barrier none`, `${RACE} --marker stw`],
    why: { zh: 'STW 标记时世界是停的，mutator 没机会藏对象：不丢是因为没有并发，不是因为屏障。', en: 'An STW mark runs with the world stopped, so no mutator can hide anything: nothing is lost because nothing runs concurrently, not because of a barrier.' },
  },
  check(record) {
    const gcRuns = runs(record).flatMap((r) => {
      const gc = gcOf(r);
      return gc ? [{ r, gc }] : [];
    });
    if (gcRuns.length === 0) return notYet('还没有跑完的 GC 场景：运行 mutator-race。', 'no finished GC scenario yet: run mutator-race.');
    const concurrent = gcRuns.filter(({ gc }) => gc.marker === 'concurrent');
    const lossy = concurrent.filter(({ gc }) => gc.barrier === 'none' && gc.lostObjects > 0);
    if (lossy.length === 0) return notYet('还没有丢对象的运行：用 --barrier none（并发标记）。', 'no run has lost an object yet: use --barrier none (concurrent marking).');
    const same = (a: RunFact, b: RunFact) =>
      a.report.scenario === b.report.scenario && a.report.engine === b.report.engine && a.report.seed === b.report.seed &&
      a.report.procs === b.report.procs && a.report.size === b.report.size;
    for (const bad of lossy) {
      const after = concurrent.slice(concurrent.indexOf(bad) + 1);
      const fixed = after.find(({ r, gc }) => same(r, bad.r) && gc.barrier !== 'none' && gc.lostObjects === 0);
      if (fixed) return solved(`对：种子 ${bad.r.report.seed} 无屏障丢了 ${bad.gc.lostObjects} 个，${fixed.gc.barrier} 屏障下 0 个。`, `Right: seed ${bad.r.report.seed} lost ${bad.gc.lostObjects} without a barrier and 0 with the ${fixed.gc.barrier} barrier.`);
    }
    const last = gcRuns.at(-1)!;
    if (last.gc.marker !== 'concurrent') return notYet(`最近一次是 ${last.gc.marker} 标记：要在并发标记下开屏障。`, `the latest run used the ${last.gc.marker} marker: turn a barrier on under concurrent marking.`);
    return notYet(`还没有和丢对象那次（种子 ${lossy.at(-1)!.r.report.seed}）同场景、同种子、同 P 数、开了屏障的运行。`, `no run yet with the same scenario, seed and Ps as the lossy one (seed ${lossy.at(-1)!.r.report.seed}) and a barrier on.`);
  },
};

const lostInFirstCycle: Exercise = {
  id: 'd5-lost-gc1',
  title: { zh: '第一轮丢了几个', en: 'How many in the first cycle' },
  goal: {
    zh: '用 `--barrier none` 在模拟器上跑 `mutator-race`（种子你自己选）。这次运行的**第一轮 GC（gc 1）**在标记结束时留下了多少个可达却仍是白色的对象？答案从**你自己的运行**里读。',
    en: 'Run `mutator-race` with `--barrier none` on the simulator (with a seed of your choice). How many reachable objects did **the first cycle (gc 1)** leave white when its mark ended? Read the answer from **your own run**.',
  },
  question: { zh: 'gc 1 丢失的对象数', en: 'Objects lost by gc 1' },
  hints: [
    { zh: '跑完之后用 `gc`：每一轮一行 gctrace，下面一行写着谁标记了多少，以及 `LOST n`。', en: 'After the run, `gc`: one gctrace line per cycle, and under it who marked what, and `LOST n`.' },
    { zh: '运行报告第一行的数字是所有轮次的总数；`--json` 里是 `gc.lostObjects`，每一轮的在 `gc.cycles[i].lost`。', en: "The number on the report's first line is the total over every cycle: `gc.lostObjects` in `--json`; each cycle's own is `gc.cycles[i].lost`." },
    { zh: '只要 `numgc` 为 1 的那一轮。', en: 'Only the cycle whose `numgc` is 1.' },
  ],
  solution: { commands: [`${RACE} --barrier none`], answer: '8' },
  nearMiss: {
    commands: [`${RACE} --barrier none`],
    answer: '9',
    why: { zh: '9 是整次运行（4 轮）丢失的总数 gc.lostObjects；第二轮又丢了 1 个。', en: '9 is the whole run\'s total over its 4 cycles (gc.lostObjects); the second cycle lost one more.' },
  },
  check(record, answer) {
    const run = runs(record).filter((r) => gcOf(r)?.barrier === 'none' && r.report.engine === 'sim').at(-1);
    if (!run) return notYet('还没有 --barrier none 的模拟器运行：运行 mutator-race --engine sim --barrier none。', 'no simulator run with --barrier none yet: run mutator-race --engine sim --barrier none.');
    const gc = gcOf(run)!;
    const first = gc.cycles.find((c) => c.numgc === 1);
    if (!first) return notYet('这次运行的报告里没有 gc 1。', "that run's report has no gc 1.");
    const n = parseAnswer(answer);
    if (n === undefined) return notYet('请输入一个整数。', 'type a whole number.');
    if (n === first.lost) return solved(`对：gc 1 丢了 ${first.lost} 个（整次运行共 ${gc.lostObjects} 个）。`, `Right: gc 1 lost ${first.lost} (the whole run ${gc.lostObjects}).`);
    if (n === gc.lostObjects) return notYet('这是整次运行所有轮次的总数；问的是 gc 1 这一轮。', 'that is the total over every cycle of the run; the question asks for gc 1 alone.');
    return notYet(`不对：看你最近一次 none 屏障运行（种子 ${run.report.seed}）里 numgc = 1 的那一轮。`, `Not that: look at the cycle with numgc = 1 of your latest none-barrier run (seed ${run.report.seed}).`);
  },
};

export const exercises: Exercise[] = [blackToWhiteEdge, rescan, sameSeed, lostInFirstCycle];
