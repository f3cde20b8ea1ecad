// The timeline's heap row and the heap map in a real headless Chromium, in both pages
// (isolated = the threads build, plain = the single-threaded build): after
// `run churn --engine sim --seed 1` the timeline has a heap row with heapLive and the goal as
// step lines over at least one shaded GC mark, whose hover readout names the values; after
// allocating objects of two size classes, the heap map's size-class filter narrows the spans
// it draws, and the keyboard names a span's class, occupancy and sweep state. Needs dist/
// (scripts/lab.sh build). With RTLAB_UPDATE_DOCS=1 the screenshots go to docs/views/.
//
// And a run longer than the page's trace (300 000 events), in the single-threaded page: the
// views stop drawing at the trace's last event and say the trace is full, step refuses, and back
// counts from the last recorded event.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MODES, ROOT, labInChromium, openLab, run } from './helpers.mjs';

const ARTIFACTS = path.join(ROOT, 'artifacts/screenshots/views');
const SCREENSHOTS = process.env.RTLAB_UPDATE_DOCS ? path.join(ROOT, 'docs/views') : ARTIFACTS;
/** Where a page's screenshot goes: the isolated page's are the README's pictures. */
const shot = (mode, name) => (mode.name === 'isolated' ? path.join(SCREENSHOTS, `${name}.png`) : path.join(ARTIFACTS, `${name}-${mode.name}.png`));

describe('the heap row and the heap map in Chromium', { timeout: 600_000 }, () => {
  const lab = labInChromium({ screenshotDirs: [SCREENSHOTS, ARTIFACTS] });

  for (const mode of MODES) {
    it(`${mode.name} page: the timeline's heap row after a GC run, the heap map's size-class filter`, async () => {
      const page = await lab.browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 900 });
      try {
        await openLab(page, `http://127.0.0.1:${lab.server[mode.port]}/?lang=en`);
        const out = await run(page, 'run churn --engine sim --seed 1', { timeoutMs: 120_000 });
        assert.ok(out.some((l) => /GC: [1-9]\d* cycles/.test(l)), `churn collected:\n${out.join('\n')}`);
        await page.click('.view-tabs [data-tab="scheduler"]');
        await page.waitForSelector('#timeline svg.timeline path.heap-live', { timeout: 30_000 });

        // The row: both step lines (only level and upright segments), at least one GC mark shaded.
        const row = await page.$eval('#timeline svg.timeline', (svg) => ({
          live: svg.querySelector('path.heap-live')?.getAttribute('d') ?? '',
          goal: svg.querySelector('path.heap-goal')?.getAttribute('d') ?? '',
          cycles: svg.querySelectorAll('rect.heap-gc').length,
          lane: (() => {
            const r = svg.querySelector('rect.heap-lane');
            return r ? { x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')), w: Number(r.getAttribute('width')), h: Number(r.getAttribute('height')) } : null;
          })(),
          summary: svg.parentElement.querySelector('p.sr-only')?.textContent ?? '',
        }));
        assert.match(row.live, /^M[\d.-]+ [\d.-]+([HV][\d.-]+)+$/, 'heapLive is a step line');
        assert.match(row.goal, /^M[\d.-]+ [\d.-]+([HV][\d.-]+)*$/, 'the goal is a step line');
        assert.ok(row.cycles >= 1, `at least one GC cycle shaded, got ${row.cycles}`);
        assert.ok(row.lane, 'the heap row has its lane');
        assert.match(row.summary, /Heap row: heapLive went from .+ GC cycles/);

        // Hovering the row reads the values in effect there.
        const box = await page.$eval('#timeline svg.timeline', (svg) => {
          const r = svg.getBoundingClientRect();
          const vb = svg.viewBox.baseVal;
          return { left: r.left, top: r.top, scale: r.width / vb.width };
        });
        await page.mouse.move(box.left + (row.lane.x + row.lane.w * 0.6) * box.scale, box.top + (row.lane.y + row.lane.h / 2) * box.scale);
        await page.waitForFunction(() => document.querySelector('#timeline g.heap-hover')?.getAttribute('visibility') === 'visible');
        const readout = await page.$eval('#timeline g.heap-hover text', (t) => t.textContent);
        assert.match(readout, /^heapLive [\d.]+ [KM]?i?B · goal [\d.]+ [KM]?i?B · /);
        await page.locator('article.card[data-view="scheduler"]').screenshot({ path: shot(mode, 'timeline-heap') });

        // Hovering a P row reads what ran there: the goroutine under the pointer, or the merged spans.
        const slice = await page.$eval('#timeline svg.timeline rect.slice, #timeline svg.timeline rect.merged', (r) => ({
          x: Number(r.getAttribute('x')) + Number(r.getAttribute('width')) / 2,
          y: Number(r.getAttribute('y')) + Number(r.getAttribute('height')) / 2,
        }));
        await page.mouse.move(box.left + slice.x * box.scale, box.top + slice.y * box.scale);
        await page.waitForFunction(() => document.querySelector('#timeline g.slice-hover')?.getAttribute('visibility') === 'visible');
        const sliceReadout = await page.$eval('#timeline g.slice-hover text', (t) => t.textContent);
        assert.match(sliceReadout, /^(.+ · P\d+ · M\d+ · .+–.+ \(.+\)|\d+ short goroutine runs, merged .+)/);
        await page.mouse.move(box.left + 2, box.top + 2);
        await page.waitForFunction(() => document.querySelector('#timeline g.slice-hover')?.getAttribute('visibility') === 'hidden');

        // The heap map: objects of two size classes, then the filter keeps one.
        await page.click('#terminal'); // the keyboard back to the terminal, from the tab
        await run(page, 'alloc 32 x3000', { timeoutMs: 60_000 });
        await run(page, 'alloc 1024 x200', { timeoutMs: 60_000 });
        await page.click('.view-tabs [data-tab="heap"]');
        await page.waitForSelector('#heapmap svg.heapmap g.span', { timeout: 30_000 });
        const all = await page.locator('#heapmap svg.heapmap g.span').count();
        const options = await page.$$eval('#heapmap select.heapmap-filter option', (os) => os.map((o) => ({ value: o.value, text: o.textContent })));
        const class32 = options.find((o) => / 32 B /.test(o.text));
        assert.ok(class32, `a filter option for 32-byte objects: ${JSON.stringify(options)}`);
        await page.selectOption('#heapmap select.heapmap-filter', class32.value);
        await page.waitForFunction((n) => document.querySelectorAll('#heapmap svg.heapmap g.span').length < n, all);
        const kept = await page.$$eval('#heapmap svg.heapmap g.span rect', (rs) => [...new Set(rs.map((r) => r.dataset.class))]);
        assert.deepEqual(kept, [class32.value], 'only the chosen class stays in colour');
        assert.ok((await page.locator('#heapmap svg.heapmap rect.page.other').count()) > 0, 'the other spans stay as outlines');

        // Keyboard: focus the map, move to a span, read it.
        await page.focus('#heapmap svg.heapmap');
        await page.keyboard.press('End');
        const said = await page.textContent('#heapmap .heapmap-readout');
        assert.match(said, /size class \d+: 32 B per object/);
        assert.match(said, /\d+\/\d+ objects in use \(allocCount\/nelems\)/);
        assert.match(said, /swept|unswept|sweeping/);
        await page.locator('article.card[data-view="heap"]').screenshot({ path: shot(mode, 'heap-map') });
      } finally {
        await page.close();
      }
    });
  }

  it('plain page: a run past the trace\'s limit is drawn up to its last event, and says so', async () => {
    const page = await lab.browser.context.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    try {
      await openLab(page, `http://127.0.0.1:${lab.server.plain}/?lang=en`);
      await run(page, 'run pingpong --engine sim --procs 2 --size 100000 --seed 1 --step', { timeoutMs: 60_000 });
      const cont = await run(page, 'continue', { timeoutMs: 120_000 });
      assert.ok(cont.some((l) => /^pingpong: /.test(l)), `the run ended:\n${cont.join('\n')}`);
      await page.waitForSelector('#timeline svg.timeline g.unrecorded', { timeout: 30_000 });
      const drawn = await page.$eval('#timeline svg.timeline', (svg) => {
        const from = Number(svg.querySelector('g.unrecorded rect').getAttribute('x'));
        const ends = [...svg.querySelectorAll('rect.slice, rect.band, rect.merged')].map((r) => Number(r.getAttribute('x')) + Number(r.getAttribute('width')));
        return { from, latest: Math.max(...ends), label: svg.getAttribute('aria-label') };
      });
      assert.ok(drawn.latest <= drawn.from + 1, `nothing drawn as going on past the trace (${drawn.latest} > ${drawn.from})`);
      assert.match(drawn.label, /The trace is full: nothing was recorded after [\d.]+m?s \(300000 events, its limit\)/);
      assert.match(await page.textContent('#sched-status'), /300000 events · .* · over · trace full after /);
      assert.equal(await page.isDisabled('#sim-controls [data-action="step"]'), true);

      // Back from the end counts from the last recorded event; below the limit, step works again.
      const back = await run(page, 'back 10', { timeoutMs: 60_000 });
      assert.match(back.join('\n'), /counted back from the trace's last event, event 300000 \(/);
      await page.waitForFunction(() => !document.querySelector('#timeline svg.timeline g.unrecorded'), null, { timeout: 30_000 });
      assert.equal(await page.isDisabled('#sim-controls [data-action="step"]'), false);
      const step = await run(page, 'step 50');
      assert.match(step.join('\n'), /at event 300000, .*the trace is full: it stopped recording at event 300000/);
      const refused = await run(page, 'step');
      assert.match(refused.join('\n'), /error: step: the trace is full/);
    } finally {
      await page.close();
    }
  });
});
