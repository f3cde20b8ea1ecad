// Accessibility, checked with axe-core in a real headless Chromium: the full page (with a
// stepped run in its scheduler views, then the heap map, then the marking view and the metrics
// charts) and the embed page, each in both languages and in both themes (light in one language,
// dark in the other), have no serious or critical violations.
// Needs dist/ (scripts/lab.sh build).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, labInChromium, openLab, run } from './helpers.mjs';

const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now, one line each. */
async function seriousViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

describe('accessibility (axe-core) in Chromium', { timeout: 600_000 }, () => {
  const lab = labInChromium();

  for (const [lang, fullTheme, embedTheme] of [['en', 'light', 'dark'], ['zh', 'dark', 'light']]) {
    it(`the full page, ${lang}, ${fullTheme} theme: scheduler views, heap map, marking view and metrics charts`, async () => {
      const page = await lab.browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 900 });
      try {
        await openLab(page, `http://127.0.0.1:${lab.server.isolated}/?lang=${lang}&theme=${fullTheme}`);
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), fullTheme);
        assert.deepEqual(await seriousViolations(page), [], 'before any command');
        await run(page, 'run skynet --engine sim --size 1000 --seed 2 --step', { timeoutMs: 60_000 });
        await run(page, 'step 50');
        assert.deepEqual(await seriousViolations(page), [], 'a stepped run');
        await run(page, 'alloc 33 x100');
        assert.deepEqual(await seriousViolations(page), [], 'the heap map');
        await run(page, 'run mutator-race --engine sim --barrier none --seed 3 --verify', { timeoutMs: 60_000 });
        assert.deepEqual(await seriousViolations(page), [], 'the marking view');
        await run(page, 'run service --engine sim --size 500', { timeoutMs: 60_000 });
        await page.waitForSelector('#metrics .metrics-chart canvas', { state: 'visible' });
        assert.deepEqual(await seriousViolations(page), [], 'the metrics charts');
      } finally {
        await page.close();
      }
    });

    it(`the embed page, ${lang}, ${embedTheme} theme`, async () => {
      const page = await lab.browser.context.newPage();
      try {
        const url = `http://127.0.0.1:${lab.server.plain}/embed.html?view=scheduler&cmd=run%20fanout%20--engine%20sim%20--step&cmd=step%2030&lang=${lang}&theme=${embedTheme}`;
        await page.goto(url);
        await openLab(page, page.url());
        await page.waitForFunction(() => document.body.dataset.sharedReplay === 'done', null, { timeout: 60_000 });
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), embedTheme);
        assert.deepEqual(await seriousViolations(page), []);
      } finally {
        await page.close();
      }
    });
  }
});
