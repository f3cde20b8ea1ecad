// Embedding in a real headless Chromium: embed.html's compact layout (the terminal and one view,
// read-only when asked, a link to the full lab with the run), in both pages; and a tutorial page
// on another origin (examples/embed-demo.html) whose three <go-runtime-lab> elements load, run
// their commands, answer `exec` over postMessage, and ignore a message from any window but their
// parent. Needs dist/ (scripts/lab.sh build).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES, labInChromium, readLines, startServer, withTimeout } from './helpers.mjs';

async function waitForEmbed(page) {
  await page.waitForFunction(() => window.__rtlab !== undefined && document.body.dataset.sharedReplay === 'done', null, { timeout: 60_000 });
  await page.waitForFunction(() => !window.__rtlab.editor.isBusy, null, { timeout: 60_000 });
}

describe('embedding in Chromium', { timeout: 600_000 }, () => {
  const lab = labInChromium();

  for (const mode of MODES) {
    it(`${mode.name} page: embed.html shows the terminal and one view, runs its commands, and types nothing when read-only`, async () => {
      const page = await lab.browser.context.newPage();
      await page.setViewportSize({ width: 900, height: 600 });
      try {
        const base = `http://127.0.0.1:${lab.server[mode.port]}`;
        await page.goto(`${base}/embed.html?view=heap&cmd=alloc%2033%20x100&readonly=1&lang=en&height=480&bogus=1`);
        await waitForEmbed(page);
        assert.match(page.url(), /\?embed=1&view=heap&/);
        assert.equal(await page.isVisible('#course-panel'), false);
        assert.equal(await page.isVisible('.view-tabs'), false);
        assert.equal(await page.isVisible('article[data-view="heap"]'), true);
        assert.equal(await page.isVisible('article[data-view="scheduler"]'), false);
        assert.equal(await page.evaluate(() => document.body.getBoundingClientRect().height), 480);
        const lines = (await readLines(page)).join('\n');
        assert.match(lines, /embed: unknown parameters ignored: bogus/, lines);
        assert.match(lines, /rtlab> alloc 33 x100\nalloc 100 x 33 B \(scan\): size class 5 \(48 B\/obj/, lines);
        assert.match(await page.textContent('#mode'), mode.name === 'isolated' ? /threads|多线程/ : /single|单线程/);
        // Read-only: keys do not reach the prompt.
        await page.click('#terminal');
        await page.keyboard.type('gs');
        await page.keyboard.press('Enter');
        assert.deepEqual(await page.evaluate(() => window.__rtlab.ranCommands.map((c) => c.line)), ['alloc 33 x100']);
        // "Open in the full lab" carries the run.
        const full = new URL(await page.getAttribute('#open-full', 'href'));
        assert.equal(full.search, '?lang=en');
        assert.match(full.hash, /^#s=/);
      } finally {
        await page.close();
      }
    });
  }

  it('a tutorial on another origin embeds three labs that answer exec over postMessage, and only to their parent', async () => {
    const demo = await startServer(['--port', '0', '--plain-port', '0', '--dir', 'examples']);
    const page = await lab.browser.context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    try {
      const labHost = `http://127.0.0.1:${lab.server.plain}/`;
      await page.goto(`http://127.0.0.1:${demo.plain}/embed-demo.html?lab=${encodeURIComponent(labHost)}`);
      assert.notEqual(new URL(page.url()).origin, new URL(labHost).origin);
      // Lazy iframes load as they come into view.
      for (const id of ['lab-sched', 'lab-alloc', 'lab-gc']) await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      await page.waitForFunction(() => window.labEvents.filter((e) => e.type === 'ready').length === 3, null, { timeout: 120_000 });
      const events = await page.evaluate(() => window.labEvents);
      const ran = (id) => events.filter((e) => e.lab === id && e.type === 'state').map((e) => `${e.ok ? 'ok' : 'error'}: ${e.line}`);
      assert.deepEqual(ran('lab-sched'), ['ok: run skynet --engine sim --size 1000 --seed 1 --step', 'ok: until steal']);
      assert.deepEqual(ran('lab-alloc'), ['ok: alloc 33 x100']);
      assert.deepEqual(ran('lab-gc'), ['ok: run mutator-race --engine sim --barrier none --seed 3 --verify']);
      assert.ok(events.filter((e) => e.type === 'ready').every((e) => e.threads === false), 'a non-isolated page runs the single-threaded build');

      // exec over postMessage, through the element's API.
      await page.click('#ask-runq');
      await page.waitForFunction(() => document.getElementById('answer').textContent !== '', null, { timeout: 30_000 });
      assert.match(await page.textContent('#answer'), /^state of `run skynet` at event \d+[\s\S]*P0: runnext=/);

      // A window that is not the lab's parent (a frame inside the tutorial) asks for a run: ignored.
      await page.evaluate(() => {
        const evil = document.createElement('iframe');
        evil.srcdoc = `<script>
          parent.document.querySelector('#lab-sched iframe').contentWindow.postMessage(
            { source: 'go-runtime-lab', type: 'exec', id: 'evil', line: 'run fanout --engine sim' }, '*');
        </script>`;
        document.body.append(evil);
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const labFrame = page.frames().find((f) => f.url().includes('until+steal') || f.url().includes('until%20steal'));
      assert.ok(labFrame, page.frames().map((f) => f.url()).join('\n'));
      const commands = await labFrame.evaluate(() => window.__rtlab.ranCommands.map((c) => c.line));
      assert.deepEqual(commands, ['run skynet --engine sim --size 1000 --seed 1 --step', 'until steal', 'runq']);
      assert.equal((await page.evaluate(() => window.labEvents)).some((e) => e.id === 'evil'), false);

      // The element passes its theme attribute on: the third lab is dark, the others light.
      const themes = await Promise.all(
        page.frames().filter((f) => f.url().includes('embed=1')).map((f) => f.evaluate(() => document.documentElement.dataset.theme)),
      );
      assert.deepEqual(themes.sort(), ['dark', 'light', 'light']);
    } finally {
      await page.close();
      await withTimeout(demo.stop(), 10_000, 'the demo server to stop');
    }
  });
});
