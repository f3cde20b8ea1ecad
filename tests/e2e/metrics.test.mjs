// The metrics view in a real headless Chromium, in both pages (isolated = the threads build,
// plain = the single-threaded build), as a learner uses it on day 7: run the service with the
// goroutine leak on the simulator, find the metrics tab showing the goroutines rising in its
// charts, read the numbers with `metrics`, find the leak's creation site with `gs --group`, as
// pprof's goroutine profile shows it, and see the rollout gate reject the leaking canary.
// Needs dist/ (scripts/lab.sh build).
// With RTLAB_UPDATE_DOCS=1 the screenshots go to docs/views/ (the README's pictures).

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MODES, ROOT, labInChromium, openLab, run } from './helpers.mjs';

const SCREENSHOTS = process.env.RTLAB_UPDATE_DOCS ? path.join(ROOT, 'docs/views') : path.join(ROOT, 'artifacts/screenshots/views');

describe('the metrics view in Chromium', { timeout: 600_000 }, () => {
  const lab = labInChromium({ screenshotDirs: [SCREENSHOTS] });

  for (const mode of MODES) {
    it(`${mode.name} page: the leaking service's goroutines rise in the charts, gs --group names the leak, the gate rejects it`, async () => {
      const page = await lab.browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 900 });
      try {
        await openLab(page, `http://127.0.0.1:${lab.server[mode.port]}/?lang=en`);
        const report = (await run(page, 'run service --engine sim --leak', { timeoutMs: 60_000 })).join('\n');
        const timeouts = Number(/(\d+) timed out/.exec(report)?.[1]);
        assert.ok(timeouts > 100, report);

        // The run samples metrics: the page shows the metrics tab, four charts drawn.
        await page.waitForSelector('#metrics .metrics-chart canvas', { state: 'visible', timeout: 30_000 });
        assert.equal(await page.locator('.view-tabs [data-tab="metrics"]').getAttribute('aria-selected'), 'true');
        assert.equal(await page.locator('#metrics .metrics-chart').count(), 4);
        const shown = await page.$eval('#metrics', (el) => ({ ...el.dataset }));
        assert.ok(Number(shown.samples) > 100, JSON.stringify(shown));
        assert.ok(Number(shown.goroutinesLast) > 10 * Number(shown.goroutinesFirst), `goroutines rise: ${JSON.stringify(shown)}`);
        const summary = await page.textContent('#metrics .metrics-summary');
        assert.match(summary, /^run service: \d+ samples over [\d.]+s · goroutines 2 → \d+/, summary);
        const renderMs = await page.evaluate(() => window.__rtlab.metrics.lastRenderMs);
        console.log(`${mode.name}: the metrics view drew ${shown.samples} samples in ${renderMs.toFixed(1)} ms`);
        if (mode.name === 'isolated') {
          await page.locator('article[data-view="metrics"]').screenshot({ path: path.join(SCREENSHOTS, 'metrics.png') });
        }

        // 10^5 samples (a day of 1 s samples; the lab's own log keeps at most 20 000): the
        // run's columns repeated, drawn once, and the time to the frame after it. Reported,
        // not asserted: timings belong to the benchmarks, not to pass/fail.
        const big = await page.evaluate(async () => {
          const view = window.__rtlab.metrics;
          const s = view.series;
          const n = 100_000;
          const columns = new Map();
          for (const [name, values] of s.columns) {
            columns.set(name, Array.from({ length: n }, (_, i) => (name === 't' ? i * s.periodNs : values[i % values.length])));
          }
          view.series = { ...s, columns, samples: n };
          const started = performance.now();
          view.render();
          const renderMs = view.lastRenderMs;
          await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
          const frameMs = performance.now() - started;
          // A redraw of the four charts from their data (what a resize or a language switch
          // costs), paths rebuilt.
          const redrawStarted = performance.now();
          for (const chart of view.charts) chart.redraw(true, true);
          await Promise.resolve(); // uPlot commits a redraw in a microtask
          const redrawMs = performance.now() - redrawStarted;
          // New data again, the code now warm (the first time includes compiling it).
          view.render();
          const warmMs = view.lastRenderMs;
          return { renderMs, frameMs, redrawMs, warmMs, samples: document.getElementById('metrics').dataset.samples };
        });
        assert.equal(big.samples, '100000');
        console.log(
          `${mode.name}: 100000 samples: new data ${big.renderMs.toFixed(1)} ms the first time (${big.frameMs.toFixed(1)} ms ` +
            `to the next frame), ${big.warmMs.toFixed(1)} ms the second; a redraw ${big.redrawMs.toFixed(1)} ms`,
        );

        // The numbers behind the charts, and the leak's creation site.
        const table = (await run(page, 'metrics goroutines heapInuse reqP99', { timeoutMs: 60_000 })).join('\n');
        assert.match(table, /runtime metrics of `run service`: \d+ samples, one every 10ms/, table);
        const profile = (await run(page, 'gs --group', { timeoutMs: 60_000 })).join('\n');
        assert.match(profile, /\d+ @ main\.handler\.func1 \[chan send\] created by main\.handler/, profile);

        // The gate: the leaking canary is rolled back at its first stage, and the
        // metrics view follows the canary's run.
        const gate = (await run(page, 'rollout --canary "--leak"', { timeoutMs: 120_000 })).join('\n');
        assert.match(gate, /rolled back at 1% in window \d+: goroutines \+\d+ >= 50/, gate);

        // In Chinese, the charts are titled in Chinese.
        await page.click('[data-lang="zh"]');
        await page.waitForFunction(() => document.querySelector('#metrics .u-title')?.textContent === 'goroutine 数');
      } finally {
        await page.close();
      }
    });
  }
});
