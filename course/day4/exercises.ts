// Day 4's exercises: the allocator's paths made to happen (tiny, refill) and its numbers read
// from the learner's own session (size classes, MemStats). Every check reads the JSON of
// `alloc`, `sizeclass` and `mstats`; CI replays each solution and near-miss (tests/course/).

import { lastReply, parseAnswer } from '../../web/src/course/facts';
import type { Exercise } from '../../web/src/course/model';
import { allocReplies, notYet, sizeClassTable, solved, type MemStatsReply } from '../goals';

const tiny: Exercise = {
  id: 'd4-tiny',
  title: { zh: '两个对象，一个 16 字节块', en: 'Two objects, one 16-byte block' },
  goal: {
    zh: '让 tiny 分配器把一个对象**塞进已有的 16 字节块**：某条 `alloc` 的路径计数里 `tiny ≥ 1`。先预测：8 B、12 B、16 B 的对象，哪些会被打包？加不加 `--noscan` 有没有关系？',
    en: 'Get the tiny allocator to pack an object **into a 16-byte block it already has**: an `alloc` whose path counts show `tiny ≥ 1`. Predict first: which of 8 B, 12 B and 16 B objects get packed? Does `--noscan` matter?',
  },
  hints: [
    { zh: '用 `alloc <字节数> x2 --noscan`，看输出里的 `paths:` 一行（或 `--json` 里的 `paths.tiny`）。', en: 'Use `alloc <bytes> x2 --noscan` and read the `paths:` line (or `paths.tiny` with `--json`).' },
    { zh: 'mallocgc 的条件是 `noscan && size < maxTinySize`（16）：对象不含指针，并且**小于** 16 B。第一个对象开一个新块，之后的对象只有在块里还放得下（按对齐后的偏移 + 大小 ≤ 16）时才算 tiny。', en: "mallocgc's test is `noscan && size < maxTinySize` (16): no pointers, and **smaller than** 16 B. The first object opens a new block; a later one counts as tiny only if it still fits (aligned offset + size ≤ 16)." },
    { zh: '`alloc 8 x2 --noscan --reset`：两个 8 B 正好装满一个块。16 B 不是 tiny；12 B 两个也装不进 16 B。', en: '`alloc 8 x2 --noscan --reset`: two 8 B objects fill one block exactly. 16 B is not tiny, and two 12 B objects do not fit in 16 B.' },
  ],
  solution: { commands: ['alloc 8 x2 --noscan --reset'] },
  nearMiss: {
    commands: ['alloc 16 x2 --noscan --reset'],
    why: { zh: '16 B 不走 tiny 分配器：条件是小于 16 B（源文本说的 “≤ 16B” 是错的），所以两个对象都从 size class 2 的 span 里各拿一个槽。', en: 'A 16 B object does not go to the tiny allocator: the test is smaller than 16 B (the source text\'s "≤ 16B" is wrong), so each object takes its own slot of a size class 2 span.' },
  },
  check(record) {
    const all = allocReplies(record);
    if (all.length === 0) return notYet('还没有 alloc：用 alloc <字节数> x2 --noscan 试试。', 'no alloc yet: try alloc <bytes> x2 --noscan.');
    const hit = all.find((a) => a.paths.tiny >= 1);
    if (hit) return solved(`对：${hit.size} B（noscan）有 ${hit.paths.tiny} 个对象被塞进了已有的 16 字节块。`, `Right: ${hit.paths.tiny} object(s) of ${hit.size} B (noscan) went into a 16-byte block already there.`);
    const last = all.at(-1)!;
    if (!last.noscan) return notYet(`${last.size} B 没有 --noscan：可能含指针的对象从不走 tiny 分配器。`, `${last.size} B without --noscan: an object that may hold pointers never goes to the tiny allocator.`);
    if (last.size >= 16) return notYet(`paths.tiny = 0：${last.size} B 不小于 16 B，不走 tiny 分配器。`, `paths.tiny = 0: ${last.size} B is not smaller than 16 B, so it is not tiny.`);
    return notYet(`paths.tiny = 0：每个 ${last.size} B 的对象都开了新块。要有第二个对象放进同一块里。`, `paths.tiny = 0: each ${last.size} B object opened a new block. A second one has to fit into the same block.`);
  },
};

const refill: Exercise = {
  id: 'd4-refill',
  title: { zh: '从 mcentral 拿 span', en: 'A span from the mcentral' },
  goal: {
    zh: '让 mcache 从 mcentral 的 partial 集合里**恰好 2 次** refill 到一个还有空槽的 span：这次练习里所有 `alloc` 的 `paths.refill` 加起来等于 2。只是把 span 用满是不够的，为什么？',
    en: 'Make the mcache refill **exactly twice** from a span with free slots in the mcentral\'s partial set: the `paths.refill` of all your `alloc`s in this exercise add up to 2. Filling spans is not enough: why?',
  },
  hints: [
    { zh: '看 `alloc … xN` 的 `paths:` 一行：`refill from mcentral` 和 `mheap grow` 是两条不同的路。用 `spans <class>` 看每个 span 的 where（mcache、partial、full）。', en: 'Read the `paths:` line of `alloc … xN`: `refill from mcentral` and `mheap grow` are two different paths. `spans <class>` shows where each span is (mcache, partial, full).' },
    { zh: '实验室从不释放对象：用满的 span 进 mcentral 的 full 集合，partial 一直是空的，所以每次换 span 都是 mcentral.grow。得有谁把一个用了一半的 span 还给 mcentral。', en: "The lab never frees: a span that fills up goes to the mcentral's full set and the partial set stays empty, so every new span is an mcentral.grow. Something must hand a half-used span back to the mcentral." },
    { zh: '`mstats` 像 Go 的 ReadMemStats 一样 flush P 0 的 mcache：半满的 span 回到 partial。之后同一 size class 的下一次 alloc 就是 refill。做两遍。', en: "`mstats` flushes P 0's mcache, as Go's ReadMemStats does: the half-used span goes back to partial. The next alloc of that size class is then a refill. Do it twice." },
  ],
  solution: { commands: ['alloc 48 x200 --reset', 'mstats', 'alloc 48', 'mstats', 'alloc 48'] },
  nearMiss: {
    commands: ['alloc 48 x400 --reset', 'alloc 48 x400'],
    why: { zh: '用满的 span 进了 full 集合；mcentral 没有带空槽的 span，每个新 span 都是 mcentral.grow（paths.grow），refill 一直是 0。', en: 'Full spans go to the full set; the mcentral has no span with a free slot, so every new span is an mcentral.grow (paths.grow) and refill stays 0.' },
  },
  check(record) {
    const all = allocReplies(record);
    if (all.length === 0) return notYet('还没有 alloc。', 'no alloc yet.');
    const refills = all.reduce((n, a) => n + a.paths.refill, 0);
    const grows = all.reduce((n, a) => n + a.paths.grow, 0);
    if (refills === 2) return solved('对：2 次 refill，两次都从 mcentral 的 partial 集合拿到了还有空槽的 span。', 'Right: 2 refills, each a span with free slots from the mcentral\'s partial set.');
    if (refills > 2) return notYet(`refill 一共 ${refills} 次，要恰好 2 次（按“重新开始”再来）。`, `${refills} refills in all; exactly 2 are asked (press Start over to try again).`);
    return notYet(`refill 一共 ${refills} 次，mcentral.grow ${grows} 次：mcentral 里还没有带空槽的 span。`, `${refills} refill(s) and ${grows} mcentral.grow(s) so far: the mcentral has no span with a free slot yet.`);
  },
};

/** The smallest request above 1 KiB whose rounding waste (class size - request) is more than
 *  12 % of its class, from the table the lab printed (`sizeclass --all`). */
function smallestWastefulOver1K(table: { bytesPerObj: number }[]): number | undefined {
  const sizes = table.map((c) => c.bytesPerObj).sort((a, b) => a - b);
  for (let s = 1025; s <= sizes.at(-1)!; s++) {
    const c = sizes.find((x) => x >= s)!;
    if ((c - s) / c > 0.12) return s;
  }
  return undefined;
}

const waste: Exercise = {
  id: 'd4-waste',
  title: { zh: '哪里浪费最多', en: 'Where rounding costs most' },
  goal: {
    zh: 'mallocgc 把每个请求向上取整到它的 size class。**大于 1024 B** 的请求里，最小的、取整浪费超过对象大小 12 % 的请求是多少字节？（浪费 =（class 大小 − 请求）/ class 大小。）先用 `sizeclass --all` 查表，再用 `sizeclass --size N` 验证。',
    en: 'mallocgc rounds every request up to its size class. Among requests **larger than 1024 B**, what is the smallest one whose rounding wastes more than 12 % of its object? (Waste = (class size − request) / class size.) Look it up in `sizeclass --all`, then check with `sizeclass --size N`.',
  },
  question: { zh: '请求大小（字节）', en: 'request size (bytes)' },
  hints: [
    { zh: '`sizeclass --all` 打印 Go 的整张表。一个 class 里最坏的请求是上一个 class 的大小 + 1。', en: '`sizeclass --all` prints Go\'s whole table. The worst request of a class is the previous class\'s size + 1.' },
    { zh: '1024 之后 class 间隔是 128 B，1025 → 1152 只浪费 127/1152 ≈ 11 %。继续往下找第一个间隔更大的地方（mksizeclasses 把 span 页数和对象数都相同的相邻 class 合并了）。', en: 'Past 1024 the classes are 128 B apart: 1025 → 1152 wastes only 127/1152 ≈ 11 %. Look further down for the first larger gap (mksizeclasses merges neighbouring classes with the same pages per span and objects per span).' },
    { zh: '1536 之后的 class 是 1792（1664 被合并掉了）。1537 → 1792 浪费 255 B。', en: 'After 1536 comes 1792 (1664 was merged away). 1537 → 1792 wastes 255 B.' },
  ],
  solution: { commands: ['sizeclass --all', 'sizeclass --size 1537'], answer: '1537' },
  nearMiss: {
    commands: ['sizeclass --all', 'sizeclass --size 1025'],
    answer: '1025',
    why: { zh: '“刚过 2 的幂最浪费”的直觉：1025 B 取整到 1152 B，只浪费 11.02 %，因为 1024 之后的 class 只相隔 128 B。', en: 'The "just past a power of two" intuition: 1025 B rounds up to 1152 B and wastes only 11.02 %, since past 1024 the classes are 128 B apart.' },
  },
  check(record, answer) {
    const table = sizeClassTable(record);
    if (!table) return notYet('先用 sizeclass --all 看一下 Go 的整张 size class 表。', 'look at Go\'s whole size-class table first: sizeclass --all.');
    const expected = smallestWastefulOver1K(table);
    const n = parseAnswer(answer);
    if (n === undefined || !Number.isInteger(n)) return notYet('请输入一个字节数（整数）。', 'type a number of bytes (a whole number).');
    if (expected !== undefined && n === expected) return solved(`对：${n} B 取整后浪费超过 12 %。`, `Right: ${n} B wastes more than 12 % once rounded up.`);
    const c = table.map((x) => x.bytesPerObj).sort((a, b) => a - b).find((x) => x >= n);
    if (n <= 1024 || c === undefined) return notYet('要找的是 1025 到 32768 B 之间的请求。', 'the request asked for is between 1025 and 32768 B.');
    const pct = (((c - n) / c) * 100).toFixed(2);
    if ((c - n) / c > 0.12) return notYet(`${n} B → ${c} B 浪费 ${pct} %，超过了 12 %，但还有更小的请求也超过。`, `${n} B → ${c} B wastes ${pct} %, more than 12 %, but a smaller request does too.`);
    return notYet(`${n} B → ${c} B 只浪费 ${pct} %。`, `${n} B → ${c} B wastes only ${pct} %.`);
  },
};

const memstats: Exercise = {
  id: 'd4-memstats',
  title: { zh: '在用 span 里的空位', en: 'Room inside in-use spans' },
  goal: {
    zh: '在会话堆里分配几种大小的对象（至少一个大于 32 KiB 的大对象），然后 `mstats`。在用 span 里有多少字节**没有放对象**（HeapInuse − HeapAlloc）？答案从**你自己的** mstats 里读。',
    en: 'Allocate objects of a few sizes in the session heap (at least one large object, over 32 KiB), then `mstats`. How many bytes of in-use spans hold **no object** (HeapInuse − HeapAlloc)? Read it from **your own** mstats.',
  },
  question: { zh: 'HeapInuse − HeapAlloc（字节）', en: 'HeapInuse − HeapAlloc (bytes)' },
  hints: [
    { zh: '例如 `alloc 33 x100 --reset`、`alloc 40000`，然后 `mstats`。', en: 'For example `alloc 33 x100 --reset`, `alloc 40000`, then `mstats`.' },
    { zh: 'HeapAlloc 按 size class 的大小计（33 B 的对象算 48 B，40000 B 的大对象算它的 5 页）；HeapInuse 是在用 span 的全部字节。HeapSys 还包括空闲的 span（HeapIdle）。', en: 'HeapAlloc counts each object at its size class (a 33 B object counts 48 B, a 40000 B large object its 5 pages); HeapInuse is every byte of the in-use spans. HeapSys also includes the idle spans (HeapIdle).' },
    { zh: '差值是还没用到的槽加上尾部浪费。别用 HeapSys 减：那把 mheap 从 OS 拿来但还没切成 span 的页也算进去了。', en: 'The difference is the slots not used yet plus the tail waste. Do not subtract from HeapSys: that counts the pages mheap got from the OS but has not cut into spans yet.' },
  ],
  solution: { commands: ['alloc 33 x100 --reset', 'alloc 40000', 'mstats'], answer: '3392' },
  nearMiss: {
    commands: ['alloc 33 x100 --reset', 'alloc 40000', 'mstats'],
    answer: '4148544',
    why: { zh: '这是 HeapSys − HeapAlloc：它把 HeapIdle（mheap 已向 OS 要来、但不在任何在用 span 里的页）也算进去了。', en: 'That is HeapSys − HeapAlloc: it also counts HeapIdle, the pages mheap got from the OS that are in no in-use span.' },
  },
  check(record, answer) {
    const allocs = allocReplies(record);
    const stats = lastReply(record, 'mstats') as MemStatsReply | undefined;
    if (!stats || typeof stats.HeapInuse !== 'number') return notYet('还没有 mstats：先分配，再运行 mstats。', 'no mstats yet: allocate, then run mstats.');
    if (!allocs.some((a) => a.kind === 'large')) return notYet('还没有大对象：分配一个大于 32768 B 的对象，再 mstats。', 'no large object yet: allocate one over 32768 B, then mstats.');
    if (stats.HeapInuse === 0) return notYet('HeapInuse = 0：会话堆是空的（--reset 之后还没分配）。', 'HeapInuse = 0: the session heap is empty (nothing allocated since --reset).');
    const n = parseAnswer(answer);
    if (n === undefined) return notYet('请输入一个字节数。', 'type a number of bytes.');
    const expected = stats.HeapInuse - stats.HeapAlloc;
    if (n === expected) return solved(`对：HeapInuse ${stats.HeapInuse} − HeapAlloc ${stats.HeapAlloc} = ${expected}。`, `Right: HeapInuse ${stats.HeapInuse} − HeapAlloc ${stats.HeapAlloc} = ${expected}.`);
    if (n === stats.HeapSys - stats.HeapAlloc) return notYet('这是 HeapSys − HeapAlloc：HeapSys 还包括空闲的 span（HeapIdle）。', 'that is HeapSys − HeapAlloc: HeapSys also holds the idle spans (HeapIdle).');
    return notYet('不对：看你最近一次 mstats 的 HeapInuse 和 HeapAlloc。', 'not that: look at HeapInuse and HeapAlloc in your latest mstats.');
  },
};

export const exercises: Exercise[] = [tiny, refill, waste, memstats];
