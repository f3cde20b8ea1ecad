// The course in a real headless Chromium, in both modes, as a learner takes it: open day 3,
// run its experiment from ▶, solve an exercise by typing (switching language mid-way), see ✓,
// reload and still see it, export the progress, reset, import it back; refuse a damaged file.
// Then one exercise of each of days 4–6, typed, answered from the learner's own run.
// Then the layout: terminal, lesson and view on one laptop screen, a phone without sideways
// scrolling, the view controls following a typed run. Needs dist/ (scripts/lab.sh build).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, launchBrowser, openLab, run, startServer, tempDir } from './helpers.mjs';

const SCREENSHOTS = process.env.RTLAB_UPDATE_DOCS ? path.join(ROOT, 'docs/layout') : path.join(ROOT, 'artifacts/screenshots/layout');

const MODES = [
  { name: 'isolated', port: 'isolated' },
  { name: 'plain', port: 'plain' },
];

/** Waits for the editor to be idle (a ▶ button types several commands). */
async function idle(page) {
  await page.waitForFunction(() => !window.__rtlab.editor.isBusy, null, { timeout: 60_000, polling: 50 });
}

async function exerciseState(page, id) {
  return page.getAttribute(`[data-exercise="${id}"]`, 'data-state');
}

describe('the course in Chromium', { timeout: 600_000 }, () => {
  let server;
  let browser;
  let files;

  before(async () => {
    if (!existsSync(path.join(ROOT, 'dist/index.html'))) throw new Error('missing dist/ — run `bash scripts/lab.sh build`');
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
    files = tempDir('rtlab-progress-');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    files?.cleanup();
  });

  for (const mode of MODES) {
    it(`${mode.name} page: day 3 from experiment to a solved exercise, kept across a reload, exported and imported`, async () => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 768 });
      const url = `http://127.0.0.1:${server[mode.port]}/?lang=en`;
      try {
        await openLab(page, url);
        await page.evaluate(() => localStorage.removeItem('rtlab.progress'));

        // All seven days are ready.
        for (const n of [1, 2, 3, 4, 5, 6, 7]) assert.equal(await page.getAttribute(`button[data-day="${n}"]`, 'data-status'), 'ready');

        await page.click('button[data-day="3"]');
        await page.waitForSelector('article.lesson[data-day="3"]');
        assert.ok((await page.locator('article.lesson[data-day="3"] .misconception').count()) > 0, 'a misconception box');

        // The first experiment's ▶ types its commands into the terminal; the views follow.
        const firstExperiment = page.locator('.experiment').first();
        const commands = await firstExperiment.locator('.cmd').allTextContents();
        await firstExperiment.locator('.run-experiment').click();
        await idle(page);
        await page.waitForFunction(() => document.querySelector('.experiment')?.classList.contains('ran'));
        const screen = await page.evaluate(() => {
          const b = window.__rtlab.term.buffer.active;
          const out = [];
          for (let i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));
          return out.join('\n');
        });
        assert.ok(screen.includes(`rtlab> ${commands.at(-1)}`), `the experiment's last command is in the terminal: ${commands.at(-1)}`);

        // Solve "steal half" by typing, reading the answer from this run.
        await page.click('#terminal');
        await run(page, 'run fanout --engine sim --procs 2 --size 300 --seed 4 --step', { timeoutMs: 60_000 });
        const out = (await run(page, 'until steal', { timeoutMs: 60_000 })).join('\n');
        const m = /P(\d+) steals (\d+) Gs? from P(\d+)/.exec(out);
        assert.ok(m, `until steal shows the steal:\n${out}`);
        const taken = Number(m[2]);

        const answer = page.locator('[data-exercise="d3-steal-half"] input[name="answer"]');
        await answer.fill(String(taken + 1));
        await answer.press('Enter');
        assert.equal(await exerciseState(page, 'd3-steal-half'), 'open', 'a wrong answer does not pass');
        assert.notEqual((await page.textContent('[data-exercise="d3-steal-half"] .verdict')).trim(), '', 'and says why');

        // Switch language mid-way: the attempt and the typed answer stay.
        await page.click('button[data-lang="zh"]');
        assert.match(await page.textContent('[data-exercise="d3-steal-half"] h4'), /窃取一半/);
        assert.equal(await answer.inputValue(), String(taken + 1));
        await answer.fill(String(taken));
        await answer.press('Enter');
        await page.waitForSelector('[data-exercise="d3-steal-half"][data-state="solved"]');
        assert.match(await page.textContent('button[data-day="3"] .day-state'), /1\/3/);
        await page.click('button[data-lang="en"]');

        // "Show solution" reveals the commands as text, and is recorded.
        await page.click('[data-exercise="d3-spill"] [data-action="show-solution"]');
        assert.match(await page.textContent('[data-exercise="d3-spill"] [data-solution]'), /run --file \/scripts\/mine\.scn/);

        // A reload keeps the ✓ and the open day.
        await page.reload();
        await openLab(page, url);
        await page.waitForSelector('article.lesson[data-day="3"]');
        assert.equal(await exerciseState(page, 'd3-steal-half'), 'solved');
        assert.equal(await page.isHidden('[data-exercise="d3-spill"] [data-solution]'), false, 'the viewed solution stays shown');

        // Export, reset, import.
        const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-progress"]')]);
        const exported = path.join(files.dir, `${mode.name}.json`);
        await download.saveAs(exported);
        const doc = JSON.parse(readFileSync(exported, 'utf8'));
        assert.equal(doc.format, 'go-runtime-lab-progress');
        assert.equal(doc.days['3'].exercises['d3-steal-half'].solved, true);
        assert.deepEqual(doc.days['3'].experimentsRun.includes('d3-e1'), true);

        await page.click('[data-action="reset-progress"]');
        assert.equal(await exerciseState(page, 'd3-steal-half'), 'solved', 'one click only arms the reset');
        await page.click('[data-action="reset-progress"]');
        assert.equal(await exerciseState(page, 'd3-steal-half'), 'open');

        // A damaged file is refused with one message and changes nothing.
        const damaged = path.join(files.dir, 'damaged.json');
        writeFileSync(damaged, '{"format":"go-runtime-lab-progress","version":1,"days":');
        await page.setInputFiles('[data-action="import-file"]', damaged);
        await page.waitForFunction(() => document.querySelector('.progress-message')?.dataset.error === 'true');
        assert.match(await page.textContent('.progress-message'), /Not imported: the progress file is damaged/);
        assert.equal(await exerciseState(page, 'd3-steal-half'), 'open');

        await page.setInputFiles('[data-action="import-file"]', exported);
        await page.waitForSelector('[data-exercise="d3-steal-half"][data-state="solved"]');
        assert.match(await page.textContent('.progress-message'), /Progress imported \(1 solved\)/);
      } finally {
        await page.close();
      }
    });
  }

  it('plain page: a learner solves one exercise of each of days 4, 5 and 6 by typing', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    try {
      await openLab(page, `http://127.0.0.1:${server.plain}/?lang=en`);
      await page.evaluate(() => localStorage.removeItem('rtlab.progress'));
      const solve = (id) => page.waitForSelector(`[data-exercise="${id}"][data-state="solved"]`, { timeout: 60_000 });

      // Day 4: a tiny-allocator hit needs a noscan object under 16 bytes.
      await page.click('button[data-day="4"]');
      await page.waitForSelector('article.lesson[data-day="4"]');
      await page.click('#terminal');
      await run(page, 'alloc 16 x2 --noscan --reset');
      assert.equal(await exerciseState(page, 'd4-tiny'), 'open', '16 bytes is not tiny');
      await run(page, 'alloc 8 x2 --noscan --reset');
      await solve('d4-tiny');

      // Day 5: the same race loses objects without a barrier and none with one.
      await page.click('button[data-day="5"]');
      await page.waitForSelector('article.lesson[data-day="5"]');
      await page.click('#terminal');
      await run(page, 'run mutator-race --engine sim --seed 1 --barrier none', { timeoutMs: 60_000 });
      assert.equal(await exerciseState(page, 'd5-barrier-saves'), 'open', 'one run is not the comparison');
      await run(page, 'run mutator-race --engine sim --seed 1 --barrier yuasa', { timeoutMs: 60_000 });
      await solve('d5-barrier-saves');

      // Day 6: read the assists' CPU time off the last gctrace line of this run.
      await page.click('button[data-day="6"]');
      await page.waitForSelector('article.lesson[data-day="6"]');
      await page.click('#terminal');
      const out = (await run(page, 'run binarytrees --engine sim --procs 2 --seed 2 --size 15 --godebug gctrace=1', { timeoutMs: 90_000 })).join('\n');
      const lines = out.split('\n').filter((l) => /^gc \d+ @/.test(l));
      assert.ok(lines.length > 0, `gctrace lines in the output:\n${out.slice(-2000)}`);
      const cpu = /, ([\d.]+)\+([\d.]+)\/([\d.]+)\/([\d.]+)\+([\d.]+) ms cpu/.exec(lines.at(-1));
      assert.ok(cpu, `a gctrace cpu field: ${lines.at(-1)}`);
      const answer = page.locator('[data-exercise="d6-gctrace-assist-cpu"] input[name="answer"]');
      await answer.fill(cpu[3]);  // the background workers' time: the classic misreading
      await answer.press('Enter');
      assert.equal(await exerciseState(page, 'd6-gctrace-assist-cpu'), 'open');
      await answer.fill(cpu[2]);
      await answer.press('Enter');
      await solve('d6-gctrace-assist-cpu');
      for (const n of [4, 5, 6]) assert.match(await page.textContent(`button[data-day="${n}"] .day-state`), /^1\//);
    } finally {
      await page.close();
    }
  });

  it('lays out lesson, view and terminal together on a laptop, and in one column on a phone', async () => {
    const page = await browser.context.newPage();
    try {
      for (const lang of ['en', 'zh']) {
        for (const [width, height] of [[1366, 768], [1920, 1080], [390, 844]]) {
          await page.setViewportSize({ width, height });
          await openLab(page, `http://127.0.0.1:${server.plain}/?lang=${lang}`);
          await page.click('button[data-day="3"]');
          await page.click('#terminal');
          await run(page, 'run fanout --engine sim --procs 2 --size 300 --seed 1 --step', { timeoutMs: 60_000 });
          await run(page, 'until steal', { timeoutMs: 60_000 });
          const m = await page.evaluate(() => {
            const box = (sel) => document.querySelector(sel).getBoundingClientRect();
            const onScreen = (r) => r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0;
            return {
              rows: window.__rtlab.term.rows,
              terminal: onScreen(box('.terminal-panel')),
              terminalBottom: box('.terminal-panel').bottom,
              lesson: onScreen(box('.lesson')),
              view: onScreen(box('#timeline')),
              overflow: document.documentElement.scrollWidth - innerWidth,
            };
          });
          const where = `${width}×${height} ${lang}`;
          assert.ok(m.overflow <= 0, `${where}: nothing overflows sideways (${m.overflow}px)`);
          if (width >= 1366) {
            assert.ok(m.rows >= 12, `${where}: the terminal shows ${m.rows} rows`);
            assert.ok(m.terminal && m.lesson && m.view, `${where}: terminal, lesson and view on screen together: ${JSON.stringify(m)}`);
            assert.ok(m.terminalBottom <= height, `${where}: the terminal ends on screen`);
          }
          await page.screenshot({ path: path.join(SCREENSHOTS, `${width}x${height}-${lang}.png`) });
        }
      }

      // The script editor opens without pushing the terminal off screen.
      await page.setViewportSize({ width: 1366, height: 768 });
      await openLab(page, `http://127.0.0.1:${server.plain}/?lang=en`);
      await page.click('.script-box summary');
      const terminal = await page.evaluate(() => {
        const r = document.querySelector('.terminal-panel').getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, rows: window.__rtlab.term.rows };
      });
      assert.ok(terminal.bottom <= 768 && terminal.top < 768 - 150 && terminal.rows >= 12, `terminal with the editor open: ${JSON.stringify(terminal)}`);
      await page.click('.script-box summary');

      // Focus: one view full-width over the terminal, the lesson aside; and back.
      const before = await page.evaluate(() => document.querySelector('.views').getBoundingClientRect().width);
      await page.click('#focus-toggle');
      const focused = await page.evaluate(() => ({
        course: document.getElementById('course-panel').getBoundingClientRect().width,
        timeline: document.querySelector('.views').getBoundingClientRect().width,
        rows: window.__rtlab.term.rows,
      }));
      assert.equal(focused.course, 0, 'the lesson steps aside');
      assert.ok(focused.timeline > before + 200 && focused.rows >= 12, `the view takes the width: ${before} -> ${JSON.stringify(focused)}`);
      await page.click('#focus-toggle');

      // Dragging the splitter above the terminal gives it rows, and the page remembers.
      const rowsBefore = await page.evaluate(() => window.__rtlab.term.rows);
      const handle = await page.locator('#split-terminal').boundingBox();
      await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await page.mouse.down();
      await page.mouse.move(handle.x + handle.width / 2, handle.y - 120, { steps: 5 });
      await page.mouse.up();
      await page.waitForFunction((n) => window.__rtlab.term.rows > n + 3, rowsBefore);
      await page.reload();
      await openLab(page, `http://127.0.0.1:${server.plain}/?lang=en`);
      const rowsAfter = await page.evaluate(() => window.__rtlab.term.rows);
      assert.ok(rowsAfter > rowsBefore + 3, `the terminal keeps its size after a reload: ${rowsBefore} -> ${rowsAfter}`);
      await page.evaluate(() => localStorage.removeItem('rtlab.layout'));

      // A typed run sets the view controls, whichever way it was started.
      await page.click('#terminal');
      await run(page, 'run mutator-race --engine sim --procs 3 --seed 5 --barrier none --size 40 --step', { timeoutMs: 60_000 });
      const form = await page.evaluate(() => {
        const f = document.getElementById('sim-controls');
        const v = (n) => f.elements.namedItem(n).value;
        return { scenario: v('scenario'), seed: v('seed'), procs: v('procs'), barrier: v('barrier'), size: v('size') };
      });
      assert.deepEqual(form, { scenario: 'mutator-race', seed: '5', procs: '3', barrier: 'none', size: '40' });
    } finally {
      await page.close();
    }
  });
});
