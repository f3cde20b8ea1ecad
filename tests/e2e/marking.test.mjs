// The marking view in a real headless Chromium, in both pages (isolated = the threads build,
// plain = the single-threaded build), as a learner uses it on day 6: step mutator-race without
// a barrier on the simulator to where the mark has hidden objects behind black ones, ask
// `verify`, and find the objects it lists ringed in red in the view, the path the verifier
// followed from a root drawn in red, and the stores that hid them listed beside the graph (in
// English and in Chinese). Then: details on focus and hover, the arrow keys, objects that keep
// their place across a step, full size and Escape. Needs dist/ (scripts/lab.sh build).
// With RTLAB_UPDATE_DOCS=1 the screenshots go to docs/views/ (the README's pictures).

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MODES, ROOT, labInChromium, openLab, run } from './helpers.mjs';

const SCREENSHOTS = process.env.RTLAB_UPDATE_DOCS ? path.join(ROOT, 'docs/views') : path.join(ROOT, 'artifacts/screenshots/views');

// Seed 1 without a barrier: at 330µs (simulated) the mark has already hidden objects
// (tests/core/lab/gc_graph_test.cpp checks the same point natively).
const RUN = 'run mutator-race --barrier none --engine sim --step --seed 1';

/** Every object the view draws: its address, classes and box. */
function objects(page) {
  return page.$$eval('#marking svg.marking g.obj', (gs) =>
    gs.map((g) => {
      const r = g.querySelector('rect');
      return { id: g.dataset.id, cls: g.getAttribute('class'), x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')) };
    }),
  );
}

describe('the marking view in Chromium', { timeout: 600_000 }, () => {
  const lab = labInChromium({ screenshotDirs: [SCREENSHOTS] });

  for (const mode of MODES) {
    it(`${mode.name} page: the objects verify finds hidden are ringed, with the verifier's path and the stores that hid them`, async () => {
      const page = await lab.browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 900 });
      try {
        await openLab(page, `http://127.0.0.1:${lab.server[mode.port]}/?lang=en`);
        await run(page, RUN, { timeoutMs: 60_000 });
        await run(page, 'until 330us', { timeoutMs: 60_000 });
        const verify = (await run(page, 'verify', { timeoutMs: 60_000 })).join('\n');
        assert.match(verify, /reachable only through black ones: lost if the mark ended now/, verify);
        const hidden = [...verify.matchAll(/hidden: (0x[0-9a-f]+)/g)].map((m) => m[1]);
        assert.ok(hidden.length > 0, verify);

        // The view is on screen, and draws every hidden object ringed in red.
        await page.waitForSelector('#marking svg.marking g.obj.lost', { state: 'visible', timeout: 30_000 });
        const drawn = await objects(page);
        const lost = drawn.filter((o) => o.cls.split(' ').includes('lost')).map((o) => o.id);
        assert.deepEqual(lost.slice(0, hidden.length), hidden, 'the view rings the objects verify lists, in its order');
        for (const id of lost) assert.match(drawn.find((o) => o.id === id).cls, /\bwhite\b/, `${id} is white`);
        // Ringed in the theme's red (--danger in styles.css): compared as the browser resolves both.
        const { ringed, danger } = await page.$eval('#marking g.obj.lost rect', (r) => {
          const probe = document.createElement('span');
          probe.style.color = 'var(--danger)';
          document.body.append(probe);
          const danger = getComputedStyle(probe).color;
          probe.remove();
          return { ringed: getComputedStyle(r).stroke, danger };
        });
        assert.match(danger, /^rgb\(2[0-5]\d, \d{1,2}, \d{1,2}\)$/, `--danger is a red: ${danger}`);
        assert.equal(ringed, danger, 'ringed in red');

        // The verifier's path: red edges from a root through black objects to each lost one.
        const onPath = drawn.filter((o) => o.cls.split(' ').includes('on-path'));
        assert.ok(onPath.length > lost.length, 'objects on the way to a lost one are highlighted too');
        for (const o of onPath) if (!lost.includes(o.id)) assert.match(o.cls, /\b(black|grey)\b/, `${o.id} on the path is marked`);
        assert.ok((await page.locator('#marking path.edge.path').count()) >= onPath.length, 'every hop of the path is drawn in red');
        assert.ok((await page.locator('#marking g.root.on-path').count()) >= 1, 'and it starts at a root');

        // Beside the graph: the same objects and the stores that hid them, in verify's words.
        const panel = page.locator('#marking .marking-lost');
        assert.equal(await panel.isVisible(), true);
        assert.match(await panel.locator('h4').textContent(), /reachable only through black ones: lost if the mark ended now/);
        assert.deepEqual((await panel.locator('li[data-lost]').evaluateAll((ls) => ls.map((l) => l.dataset.lost))).slice(0, hidden.length), hidden);
        const panelText = await panel.textContent();
        assert.match(panelText, /reached by: (global\[\d+\]|G\d+ stack slot \d+) -> /);
        assert.match(panelText, /hidden by: G\d+ at [\d.]+µs: 0x[0-9a-f]+ \(\w+\)\.w\d+ = nil \(deleted the pointer to it\)/);
        assert.match(await page.textContent('#marking .sr-only'), /would be lost if the mark ended now/, 'the live summary says so');
        if (mode.name === 'isolated') await page.screenshot({ path: path.join(SCREENSHOTS, 'marking-card.png') });

        // Keyboard: the panel's address focuses the object; its details show; arrows move.
        await panel.locator('li[data-lost] .lost-id').first().click();
        assert.equal(await page.evaluate(() => document.activeElement?.dataset?.id), hidden[0]);
        const detail = await page.textContent('#marking .marking-detail');
        assert.ok(detail.startsWith(`${hidden[0]} · `), detail);
        assert.match(detail, / · white · .*lost if the mark ended now/);
        const moves = [];
        for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowDown', 'ArrowUp']) {
          await page.keyboard.press(key);
          moves.push(await page.evaluate(() => document.activeElement?.dataset?.id));
        }
        assert.ok(moves.some((id) => id && id !== hidden[0]), `the arrow keys move between objects: ${moves}`);
        assert.equal(await page.locator('#marking g.obj[tabindex="0"]').count(), 1, 'one tab stop in the graph');

        // Hover on a black object: who shaded it, and when.
        const black = drawn.find((o) => /\bblack\b/.test(o.cls));
        await page.hover(`#marking g.obj[data-id="${black.id}"]`);
        assert.match(await page.textContent('#marking .marking-detail'), /^0x[0-9a-f]+ · \w+ · \d+ B · black · shaded by G\d+ \([a-z ]+\) on P\d+ at [\d.]+µs/);

        // In Chinese: the same stores in Chinese words.
        await page.click('button[data-lang="zh"]');
        await page.waitForFunction(() => document.querySelector('#marking .marking-lost h4')?.textContent.includes('只能经由黑色对象到达'));
        assert.match(await panel.textContent(), /被隐藏于: G\d+ 在 [\d.]+µs：0x[0-9a-f]+ \(\w+\)\.w\d+ = nil（删除了指向它的指针）/);
        await page.click('button[data-lang="en"]');

        // Full size, and Escape closes it.
        await page.click('#marking .marking-full-toggle');
        const box = await page.$eval('#marking', (m) => {
          const r = m.getBoundingClientRect();
          return { full: m.classList.contains('marking-full'), w: r.width, h: r.height };
        });
        assert.ok(box.full && box.w >= 1366 - 2 && box.h >= 900 - 2, `full size: ${JSON.stringify(box)}`);
        if (mode.name === 'isolated') await page.screenshot({ path: path.join(SCREENSHOTS, 'marking.png') });
        await page.keyboard.press('Escape');
        assert.equal(await page.$eval('#marking', (m) => m.classList.contains('marking-full')), false, 'Escape closes it');

        // A step: objects still at the same depth keep their place.
        await page.click('#terminal');
        await run(page, 'step 3', { timeoutMs: 60_000 });
        const later = await objects(page);
        let kept = 0;
        for (const o of later) {
          const before = drawn.find((d) => d.id === o.id && d.x === o.x);
          if (!before) continue;
          kept++;
          assert.equal(o.y, before.y, `${o.id} stays in its row`);
        }
        assert.ok(kept > later.length / 2, `most objects stay put (${kept} of ${later.length})`);
      } finally {
        await page.close();
      }
    });
  }
});
