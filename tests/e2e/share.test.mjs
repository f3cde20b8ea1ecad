// Share links in a real headless Chromium: a link copied in one page and opened in a fresh page
// of the other build (threads → single-threaded and back) replays the same simulator run to the
// same event (compared by a hash of the run's trace), with the same day, view and zoom; bad and
// hostile links are refused or shown as text, and the page stays usable.
// Needs dist/ (scripts/lab.sh build).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import LZString from 'lz-string';
import { MODES, labInChromium, openLab, readLines, run } from './helpers.mjs';

/** The run the page shows: its trace's SHA-256, event count and position (status line). */
function traceFingerprint(page) {
  return page.evaluate(async () => {
    const batch = await window.__rtlab.lab.trace(0);
    const bytes = new Uint8Array(batch.events.buffer, batch.events.byteOffset, batch.events.byteLength);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return {
      sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
      events: batch.events.length / 10,
      nowNs: batch.nowNs,
      status: document.getElementById('sched-status').textContent,
    };
  });
}

async function waitForReplay(page) {
  await page.waitForFunction(() => document.body.dataset.sharedReplay === 'done', null, { timeout: 60_000 });
}

describe('share links in Chromium', { timeout: 600_000 }, () => {
  const lab = labInChromium();

  for (const [from, to] of [[MODES[0], MODES[1]], [MODES[1], MODES[0]]]) {
    it(`a link made in the ${from.name} page replays the same run to the same event in the ${to.name} page`, async () => {
      const context = lab.browser.context;
      const page = await context.newPage();
      const other = await context.newPage();
      try {
        await openLab(page, `http://127.0.0.1:${lab.server[from.port]}/?lang=en`);
        await run(page, 'env GOMAXPROCS=3');
        await run(page, 'run skynet --engine sim --size 1000 --seed 5 --step', { timeoutMs: 60_000 });
        await run(page, 'step 40');
        await run(page, 'until steal');
        await page.click('.view-tabs [data-tab="heap"]');
        await page.evaluate(() => window.__rtlab.course.open(3));
        await page.evaluate(() => (window.__rtlab.views.timeline.zoom = [5000, 20000])); // as a wheel zoom leaves it
        await page.click('#share-link');
        const link = await page.getAttribute('#share-link', 'data-link');
        assert.match(link, /#s=[A-Za-z0-9+$-]+$/, link);
        await page.waitForFunction(() => document.getElementById('share-status').textContent !== '');
        assert.match(await page.textContent('#share-status'), /Link copied: 4 commands|The link is in the address bar/);
        assert.equal(await page.evaluate(() => location.hash), new URL(link).hash);
        const original = await traceFingerprint(page);
        assert.ok(original.events > 40, JSON.stringify(original));

        // The same hash on the other build's origin, in a fresh page.
        const url = new URL(link);
        url.port = String(lab.server[to.port]);
        url.search = '';
        await openLab(other, url.href);
        await waitForReplay(other);
        const lines = (await readLines(other)).join('\n');
        assert.match(lines, /Replaying a shared link: 4 commands\./, lines);
        assert.deepEqual(await traceFingerprint(other), original);
        assert.equal(await other.getAttribute('.view-tabs [data-tab="heap"]', 'aria-selected'), 'true');
        assert.equal(await other.evaluate(() => window.__rtlab.course.currentDay), 3);
        assert.deepEqual(await other.evaluate(() => window.__rtlab.views.timeline.zoom), [5000, 20000]);
        // The replayed session goes on like any other.
        const gs = (await run(other, 'gs')).join('\n');
        assert.match(gs, /^state of `run skynet` at event \d+ at [\d.]+µs\n *goid +status/, gs);
      } finally {
        await page.close();
        await other.close();
      }
    });
  }

  it('bad and hostile links are refused or shown as text, and the page stays usable', async () => {
    const page = await lab.browser.context.newPage();
    const base = `http://127.0.0.1:${lab.server.plain}/?lang=en`;
    const pack = (value) => '#s=' + LZString.compressToEncodedURIComponent(JSON.stringify(value));
    try {
      for (const [hash, says] of [
        ['#s=%%%garbage', /This link is damaged \(not compressed lab state\); the lab starts fresh\./],
        [pack({ v: 99, commands: [] }), /made by a newer version of the lab \(version 99\)/],
        [pack({ v: 1, commands: ['gs\u001b[2J'] }), /This link could not be used \(commands\.0: a command is one line of text\)/],
        [`#s=${'A'.repeat(200_000)}`, /This link is too long to be a lab link \(200000 characters\)/],
      ]) {
        await page.goto('about:blank');
        await openLab(page, base + hash);
        const lines = (await readLines(page)).join('\n');
        assert.match(lines, says, lines);
        assert.match((await run(page, 'version')).join('\n'), /Go Runtime Lab/);
      }
      // Hostile text runs only as lab commands, and shows as text.
      const hostile = pack({ v: 1, commands: ['<img src=x onerror="window.__owned=1">', 'javascript:alert(1)'], speed: 3 });
      await page.goto('about:blank');
      await openLab(page, base + hostile);
      await waitForReplay(page);
      const lines = (await readLines(page)).join('\n');
      assert.match(lines, /Parts of the link this version does not know were ignored: speed\./, lines);
      assert.match(lines, /rtlab> <img src=x onerror="window.__owned=1">\s+error: /, lines);
      assert.equal(await page.evaluate(() => window.__owned), undefined);
      assert.equal(await page.locator('img[src="x"]').count(), 0);
    } finally {
      await page.close();
    }
  });
});
