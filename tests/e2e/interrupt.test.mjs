// Ctrl-C in the page, in both modes: a run that never ends is stopped, the prompt is back
// within 2 s, the views still show what they showed, and the next command works. With
// threads the page raises the lab's interrupt flag in shared memory and the run stops where
// it is; without threads the worker cannot hear it, so it is restarted after a second.
// Needs the real wasm build and the built page in dist/.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHROMIUM, PROMPT, ROOT, launchBrowser, openLab, readLines, run, startServer, waitForPrompt } from './helpers.mjs';

const REQUIRED = ['dist/index.html', 'dist/wasm/threads/rtlab.mjs', 'dist/wasm/single/rtlab.mjs'];

const FOREVER = 'go main:\n  repeat 10000000:\n    repeat 10000000:\n      yield\n';
const CPU_HOUR = 'go main:\n  cpu 1h\n';

const MODES = [
  { name: 'isolated', port: 'isolated', stopped: /^forever: interrupted at .* \(virtual\), \d+ events into the run/ },
  { name: 'plain', port: 'plain', stopped: /^the command did not stop within 1 s, so the lab was restarted/ },
];

/** Types a command that does not end, presses Ctrl-C (or clicks stop) once it runs, and
 *  returns the lines it printed once the prompt is back, which must be within 2 s. */
async function interrupt(page, command, { button = false } = {}) {
  const rowBefore = await page.evaluate(() => {
    const buffer = window.__rtlab.term.buffer.active;
    return buffer.baseY + buffer.cursorY;
  });
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__rtlab.shell.busy, null, { timeout: 10_000, polling: 20 });
  await page.waitForTimeout(500); // the run is under way
  if (button) await page.click('#stop-run');
  else await page.keyboard.press('Control+C');
  await waitForPrompt(page, rowBefore, 2_000, 20);
  const lines = await readLines(page);
  let start = lines.length - 2;
  while (start >= 0 && !lines[start].startsWith(PROMPT + command)) start--;
  assert.ok(start >= 0, `the command is on screen:\n${lines.join('\n')}`);
  return lines.slice(start + 1, lines.length - 1);
}

/** What the scheduler views show: whether their card is live, and their status line. */
function viewsState(page) {
  return page.evaluate(() => ({
    live: document.getElementById('timeline').closest('.card').classList.contains('live'),
    status: document.getElementById('sched-status').textContent,
  }));
}

describe('Ctrl-C stops a runaway run in the page', { timeout: 300_000 }, () => {
  let server;
  let browser;

  before(async () => {
    const missing = REQUIRED.filter((f) => !existsSync(path.join(ROOT, f)));
    if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}: build the wasm and the page first`);
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`);
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const mode of MODES) {
    it(`${mode.name} page: Ctrl-C gives the prompt back, the views and the session go on`, async () => {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(60_000);
      try {
        await openLab(page, `http://127.0.0.1:${server[mode.port]}/?lang=en`);
        await page.evaluate(
          ([a, b]) => Promise.all([
            window.__rtlab.lab.writeFile('/scripts/forever.scn', a),
            window.__rtlab.lab.writeFile('/scripts/cpu.scn', b),
          ]),
          [FOREVER, CPU_HOUR],
        );
        const first = await run(page, 'run fanout --engine sim --size 20');
        assert.ok(first.some((l) => l.startsWith('fanout: ')), first.join('\n'));
        const shown = await viewsState(page);
        assert.ok(shown.live && shown.status.includes('fanout'), JSON.stringify(shown));

        const stopped = await interrupt(page, 'run --file /scripts/forever.scn --engine sim --timeout 0 --max-events 0');
        assert.ok(stopped.some((l) => mode.stopped.test(l)), stopped.join('\n'));
        // The views were not blanked: they show the last run they had (with threads, the
        // stopped run up to where it stopped).
        const after = await viewsState(page);
        assert.ok(after.live, JSON.stringify(after));
        if (mode.name === 'plain') assert.equal(after.status, shown.status);
        else assert.match(after.status, /forever/);

        // The lab answers, and a run works; the file written before is still there.
        const next = await run(page, 'run skynet --engine sim --size 1000');
        assert.ok(next.some((l) => l.startsWith('skynet: ')), next.join('\n'));
        const again = await run(page, 'run --file /scripts/forever.scn --engine sim --max-events 1000');
        assert.ok(again.some((l) => /stopped after 1000 simulator events/.test(l)), again.join('\n'));

        if (mode.name === 'isolated') {
          // Real threads: the stop button does what Ctrl-C does, and a cpu burst is cut short.
          const real = await interrupt(page, 'run --file /scripts/cpu.scn --engine real --timeout 0', { button: true });
          assert.ok(real.some((l) => /^cpu: interrupted; the run was ended/.test(l)), real.join('\n'));
          const after = await run(page, 'version');
          assert.ok(after.join('\n').includes('Go Runtime Lab'), after.join('\n'));
        }
      } finally {
        await page.close().catch(() => {});
      }
    });
  }
});
