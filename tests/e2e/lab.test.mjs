// The page in a real headless Chromium, in both modes: cross-origin isolated (threads
// build) and plain (single-threaded build). Types into the terminal like a learner and reads
// the xterm.js buffer. Needs the real wasm build and the built page in dist/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CHROMIUM, PROMPT, ROOT, currentLine, launchBrowser, openLab, readLines, run, startServer,
  tempDir, waitIdle,
} from './helpers.mjs';

const REQUIRED = [
  'dist/index.html',
  'dist/wasm/threads/rtlab.mjs',
  'dist/wasm/threads/rtlab.worker.js',
  'dist/wasm/single/rtlab.mjs',
];
const SCREENSHOTS = path.join(ROOT, 'artifacts/screenshots');

// What the native CLI answers to one command (the native ctest stage builds it).
function nativeAnswer(cmd) {
  const native = path.join(ROOT, 'build/native/core/cli/rtlab');
  assert.ok(existsSync(native), `${native} is missing: build it first (cmake --preset native && cmake --build build/native)`);
  const r = spawnSync(native, cmd.split(' '), { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd();
}

function checkPrerequisites() {
  const missing = REQUIRED.filter((f) => !existsSync(path.join(ROOT, f)));
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')} — build the wasm into public/wasm/ first, ` +
        'then run `npm run build:web` (it copies public/ into dist/)',
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM} — apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
}

const MODES = [
  { name: 'isolated', port: 'isolated', banner: /— threads \(\d+ workers\)/, isolated: true },
  { name: 'plain', port: 'plain', banner: /— single-threaded \(this page is not cross-origin isolated\)/, isolated: false },
];

describe('Go Runtime Lab in Chromium', { timeout: 300_000 }, () => {
  let server;
  let browser;
  /** Per mode: { page, banner, help, env, version } */
  const seen = {};

  before(async () => {
    checkPrerequisites();
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    for (const { page } of Object.values(seen)) await page?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  for (const mode of MODES) {
    it(`${mode.name} page: loads the right build, help and version work`, async () => {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(60_000);
      const url = `http://127.0.0.1:${server[mode.port]}/?lang=en`;
      const banner = await openLab(page, url);
      seen[mode.name] = { page, banner };

      assert.equal(await page.evaluate(() => self.crossOriginIsolated), mode.isolated);
      assert.match(banner.join('\n'), mode.banner, `banner:\n${banner.join('\n')}`);
      const info = await page.evaluate(() => window.__rtlab.lab.info);
      assert.equal(info.threads, mode.isolated);
      if (mode.isolated) assert.ok(info.workers > 0, 'the threads build reports its workers');

      const help = await run(page, 'help');
      const helpText = help.join('\n');
      for (const command of ['help', 'version', 'env']) {
        assert.match(helpText, new RegExp(`\\b${command}\\b`), `help lists ${command}:\n${helpText}`);
      }
      const version = await run(page, 'version');
      assert.ok(version.join('\n').includes(info.version), `version prints ${info.version}: ${version}`);
      const env = await run(page, 'env');
      Object.assign(seen[mode.name], { help, env });

      await page.screenshot({ path: path.join(SCREENSHOTS, `${mode.name}.png`), fullPage: true });
    });
  }

  it('help and env print the same text in both modes', () => {
    assert.ok(seen.isolated?.help && seen.plain?.help, 'both pages loaded');
    assert.deepEqual(seen.plain.help, seen.isolated.help);
    assert.deepEqual(seen.plain.env, seen.isolated.env);
  });

  for (const mode of MODES) {
    describe(`${mode.name} page`, () => {
      const page = () => {
        assert.ok(seen[mode.name]?.page, `the ${mode.name} page loaded`);
        return seen[mode.name].page;
      };

      it('an unknown command prints exactly one error line', async () => {
        const out = await run(page(), 'nosuch');
        assert.equal(out.length, 1, `one line, got:\n${out.join('\n')}`);
        assert.match(out[0], /did you mean|unknown command/i);
      });

      it('Tab completes "hel" to "help"', async () => {
        const p = page();
        await p.keyboard.type('hel');
        await p.keyboard.press('Tab');
        await waitIdle(p);
        assert.equal((await currentLine(p)).trimEnd(), PROMPT + 'help');
        const out = await run(p, '', { echo: PROMPT + 'help' }); // Enter runs the completed line
        assert.match(out.join('\n'), /\bversion\b/);
      });

      it('ArrowUp recalls the previous command', async () => {
        const p = page();
        await run(p, 'version');
        await p.keyboard.press('ArrowUp');
        await waitIdle(p);
        assert.equal((await currentLine(p)).trimEnd(), PROMPT + 'version');
        await p.keyboard.press('Control+C'); // leave the prompt clean for the next test
        await waitIdle(p);
      });

      if (mode.isolated) {
        it('runs skynet on real threads (wasm pthreads) and survives a deadlock', async () => {
          const p = page();
          const out = (await run(p, 'run skynet --size 10000 --procs 2', { timeoutMs: 60_000 })).join('\n');
          assert.match(out, /skynet: result 49995000\b/, out);
          assert.match(out, /goroutines=11112\b/, out);
          const dead = (await run(p, 'run deadlock --size 1', { timeoutMs: 60_000 })).join('\n');
          assert.match(dead, /^fatal error: all goroutines are asleep - deadlock!$/m, dead);
          assert.match(dead, /^exit status 2$/m, dead);
          const after = await run(p, 'version');
          assert.match(after.join('\n'), /Go Runtime Lab/, 'the lab still answers after the program died');
        });
      } else {
        it('the real engine explains in one line that it needs threads', async () => {
          const out = await run(page(), 'run skynet --size 100 --engine real');
          assert.equal(out.length, 1, out.join('\n'));
          assert.match(out[0], /needs threads/);
        });
      }

      it('the simulator replays a seed exactly as the native build does', async () => {
        const p = page();
        const cmd = 'run fanout --engine sim --procs 4 --seed 7 --size 300';
        const first = (await run(p, cmd, { timeoutMs: 60_000 })).join('\n');
        assert.match(first, /fanout: 300 workers, sum of ids 44850\b/, first);
        const again = (await run(p, cmd, { timeoutMs: 60_000 })).join('\n');
        assert.equal(again, first, 'the same seed gives the same run');
        const other = (await run(p, cmd.replace('--seed 7', '--seed 8'), { timeoutMs: 60_000 })).join('\n');
        assert.notEqual(other, first, 'another seed, another interleaving');
        assert.equal(first, nativeAnswer(cmd), 'the page and the native CLI agree');
      });

      it('a collecting run prints the same lines, addresses included, as the native build', async () => {
        const p = page();
        const cmd = 'run mutator-race --engine sim --procs 2 --barrier none --verify --seed 3';
        const text = (await run(p, cmd, { timeoutMs: 60_000 })).join('\n');
        assert.match(text, /verify: lost object 0xc000[0-9a-f]+ \(child\)/, text);
        assert.equal(text, nativeAnswer(cmd), 'the page and the native CLI agree');
      });

      it('env GOMAXPROCS=4 is shown by env', async () => {
        const p = page();
        await run(p, 'env GOMAXPROCS=4');
        const env = await run(p, 'env');
        assert.match(env.join('\n'), /GOMAXPROCS=4\b/);
      });

      it('CJK input takes two cells per character', async () => {
        const p = page();
        await p.keyboard.type('中文');
        await waitIdle(p);
        assert.equal((await currentLine(p)).trimEnd(), PROMPT + '中文');
        assert.equal(await p.evaluate(() => window.__rtlab.term.buffer.active.cursorX), PROMPT.length + 4);
        await p.keyboard.press('ArrowLeft');
        await waitIdle(p);
        assert.equal(await p.evaluate(() => window.__rtlab.term.buffer.active.cursorX), PROMPT.length + 2);
        await p.keyboard.press('Control+U');
        await waitIdle(p);
        assert.equal((await currentLine(p)).trimEnd(), PROMPT + '文');
        await p.keyboard.press('Control+C');
        await waitIdle(p);
      });

      it('the scheduling views follow the simulator from the terminal and from the buttons', async () => {
        const p = page();
        const status = () => p.textContent('#sched-status');
        const events = async () => Number((await status()).match(/(\d+) events/)?.[1] ?? -1);
        // From the terminal: a paused run, then steps.
        await run(p, 'run fanout --engine sim --procs 4 --seed 7 --size 300 --step', { timeoutMs: 60_000 });
        await run(p, 'step 5', { timeoutMs: 60_000 });
        const out = (await run(p, 'until 1ms', { timeoutMs: 60_000 })).join('\n');
        assert.match(out, /^at event \d+, [\d.]+(µs|ms)$/m, out);
        assert.match(out, /M\d P\d {2}G\d+ main\.worker: _Grunnable -> _Grunning/, out);
        await p.waitForFunction(() => document.querySelectorAll('#timeline .slice').length > 0);
        assert.match(await status(), /fanout · seed 7 · sim/);
        assert.equal(await p.locator('#gmp .proc').count(), 4, 'one box per P');
        assert.ok((await p.locator('#timeline .steal').count()) > 0, 'steal arrows are drawn');
        assert.match(await p.textContent('#gmp .sr-only'), /GOMAXPROCS 4/);
        const atStep = await events();
        assert.ok(atStep > 300, `status counts the events: ${await status()}`);

        // From the buttons: each one types its command into the terminal.
        await p.click('#sim-controls [data-action="step"]');
        await waitIdle(p);
        const afterStep = await events();
        assert.ok(afterStep > atStep, `Step moves forward: ${atStep} -> ${afterStep}`);
        assert.match((await readLines(p)).join('\n'), /rtlab> step 10$/m);
        await p.click('#sim-controls [data-action="back"]');
        await waitIdle(p);
        await p.waitForFunction((n) => Number(document.querySelector('#sched-status').textContent.match(/(\d+) events/)?.[1]) < n, afterStep);
        assert.match((await readLines(p)).join('\n'), /rtlab> back 10$/m);
        await p.screenshot({ path: path.join(SCREENSHOTS, `views-${mode.name}.png`), fullPage: true });

        // Another seed from the controls: a different run, reproducible.
        await p.fill('#sim-controls input[name="seed"]', '8');
        await p.click('#sim-controls button[type="submit"]');
        await waitIdle(p);
        await p.click('#sim-controls [data-action="continue"]');
        await waitIdle(p);
        await p.waitForFunction(() => /seed 8 .* over/.test(document.querySelector('#sched-status').textContent));
        const seed8 = await p.locator('#timeline .slice').count();
        assert.ok(seed8 > 0);
      });

      it('a pasted scenario script runs on the simulator, and a broken one gets one error line', async () => {
        const p = page();
        // The button saves the file, then types the command: wait for its answer.
        const until = async (re) => {
          for (let i = 0; i < 300; i++) {
            const text = (await readLines(p)).join('\n');
            if (re.test(text)) return text;
            await new Promise((r) => setTimeout(r, 100));
          }
          return (await readLines(p)).join('\n');
        };
        await p.click('.script-box summary');
        await p.click('#script-run');
        let lines = await until(/mine: paused before its first event/);
        assert.match(lines, /rtlab> run --file \/scripts\/mine\.scn --engine sim --seed \d+ --step\nmine: paused before its first event/, lines);
        await p.click('#sim-controls [data-action="continue"]');
        await waitIdle(p);
        lines = (await readLines(p)).join('\n');
        assert.match(lines, /mine: main returned; 5 goroutines started/, lines);
        await p.fill('#script-text', 'go main:\n  cpus 1ms\n');
        await p.click('#script-run');
        await until(/unknown step "cpus"/);
        await waitIdle(p);
        const tail = (await readLines(p)).filter((l) => l.trim() !== '').slice(-2);
        assert.equal(tail[0], 'error: run: /scripts/mine.scn:2:3: unknown step "cpus"; did you mean "cpu"?');
        await p.click('.script-box summary'); // fold it again for the screenshots that follow
      });

      it('the heap map follows alloc: spans by size class, fill, and the three levels', async () => {
        const p = page();
        await p.click('#terminal'); // the keyboard back to the terminal after the script box
        await run(p, 'alloc 32 x1000');
        await run(p, 'alloc 100000');
        await p.waitForFunction(() => document.querySelectorAll('#heapmap .page').length > 0);
        // Spans are coloured by class: the 32-byte class (4) and a large object (class 0).
        const classes = await p.$$eval('#heapmap svg.heapmap rect.page', (rs) => [...new Set(rs.map((r) => r.dataset.class))]);
        assert.ok(classes.includes('4') && classes.includes('0'), `classes drawn: ${classes}`);
        // The keyboard names a span of the class the filter keeps: a 32-byte span, then the large object.
        for (const [value, said] of [['4', /size class 4: 32 B per object · \d+\/256 objects in use/], ['0', /large object \(106496 B\)/]]) {
          await p.selectOption('#heapmap select.heapmap-filter', value);
          await p.focus('#heapmap svg.heapmap');
          await p.keyboard.press('Home');
          assert.match(await p.textContent('#heapmap .heapmap-readout'), said);
        }
        await p.selectOption('#heapmap select.heapmap-filter', 'all');
        assert.match(await p.textContent('#heapmap svg'), /mcache: \d+ spans.*mcentral: \d+ partial · \d+ full.*mheap: inuse/);
        assert.match(await p.textContent('#heapmap .sr-only'), /HeapInuse \d+ bytes/);
        await p.screenshot({ path: path.join(SCREENSHOTS, `heap-${mode.name}.png`), fullPage: true });
      });

      it('the marking view steps through a concurrent mark: colours change, the barrier shades show', async () => {
        const p = page();
        await p.click('#terminal');
        await run(p, 'run mutator-race --engine sim --barrier hybrid --seed 1 --step', { timeoutMs: 60_000 });
        await run(p, 'until 400us', { timeoutMs: 60_000 });
        await p.waitForFunction(() => document.querySelectorAll('#marking .obj').length > 0);
        const colours = () =>
          p.evaluate(() => ({
            white: document.querySelectorAll('#marking .obj.white').length,
            grey: document.querySelectorAll('#marking .obj.grey').length,
            black: document.querySelectorAll('#marking .obj.black').length,
            shaded: document.querySelectorAll('#marking .obj.shaded').length,
            roots: document.querySelectorAll('#marking .root').length,
          }));
        const before = await colours();
        assert.ok(before.roots > 0, 'roots are drawn');
        assert.ok(before.white > 0 && before.black > 0, JSON.stringify(before));
        assert.match(await p.textContent('#marking svg'), /_GCmark · concurrent marker · hybrid barrier/);
        // A position is stable across steps: the root object stays where it was.
        const firstId = await p.getAttribute('#marking .obj', 'data-id');
        const place = (id) => p.evaluate((i) => {
          const c = document.querySelector(`#marking .obj[data-id="${i}"] rect`);
          return c ? `${c.getAttribute('x')},${c.getAttribute('y')}` : '';
        }, id);
        const where = await place(firstId);
        assert.match(where, /^\d+(\.\d+)?,\d+(\.\d+)?$/, 'the object is drawn at a place');
        // From the controls: Step moves the mark on (10 events: the mark is
        // still open after them, with idle Ps marking too).
        await p.selectOption('#sim-controls select[name="speed"]', '10');
        await p.click('#sim-controls [data-action="step"]');
        await waitIdle(p);
        // A command that does not move the run keeps the step's shades ringed.
        await run(p, 'heap', { timeoutMs: 60_000 });
        const after = await colours();
        // The mark moved on: more objects marked (grey or black; whether the step's shades are
        // already scanned depends on which worker ran last).
        assert.ok(after.black + after.grey > before.black + before.grey, `more marked after stepping: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
        assert.ok(after.shaded > 0, `the barrier's shades are ringed: ${JSON.stringify(after)}`);
        assert.equal(await place(firstId), where, 'positions are stable across steps');
        assert.match(await p.textContent('#marking .sr-only'), /black, \d+ grey and \d+ white objects; the barrier shaded \d+/);
        // Back to this position from the next step (by as many events as the
        // step moved): the same colours, and the shades of the step that
        // arrived here, ringed again.
        const events = () => p.evaluate(() => window.__rtlab.views.model.events.length);
        const here = await events();
        await run(p, 'step', { timeoutMs: 60_000 });
        const moved = (await events()) - here;
        assert.ok(moved > 0, 'the step moved the run');
        await run(p, `back ${moved}`, { timeoutMs: 60_000 });
        assert.deepEqual(await colours(), after, 'back shows the position as it was');
        await p.screenshot({ path: path.join(SCREENSHOTS, `marking-${mode.name}.png`), fullPage: true });
      });

      it('playing a 10^4-goroutine scenario keeps drawing (frame rate printed, not asserted)', async () => {
        const p = page();
        await p.bringToFront(); // a background tab gets one animation frame a second
        await p.selectOption('#sim-controls select[name="scenario"]', 'fanout');
        await p.fill('#sim-controls input[name="size"]', '10000');
        await p.selectOption('#sim-controls select[name="speed"]', '1000');
        await p.click('#sim-controls button[type="submit"]');
        await waitIdle(p);
        const fps = await p.evaluate(async () => {
          const stamps = [];
          let on = true;
          const frame = (t) => {
            stamps.push(t);
            if (on) requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
          window.__rtlab.views.togglePlay();
          await new Promise((r) => setTimeout(r, 3000));
          if (window.__rtlab.views.isPlaying) window.__rtlab.views.togglePlay();
          on = false;
          const span = (stamps.at(-1) - stamps[0]) / 1000;
          return { fps: (stamps.length - 1) / span, steps: window.__rtlab.views.frames.length / 3 };
        });
        console.log(`# ${mode.name}: ${fps.fps.toFixed(1)} frames/s while playing, ${fps.steps.toFixed(1)} steps/s`);
        await waitIdle(p);
        assert.ok((await p.locator('#timeline .slice, #timeline .merged').count()) > 0);
      });

      it('the page shows no error line from loading', async () => {
        const lines = await readLines(page());
        assert.ok(!lines.some((l) => l.includes('could not be loaded')), lines.join('\n'));
      });
    });
  }

  it('the Chinese page loads too (screenshot)', async () => {
    const p = await browser.context.newPage();
    try {
      const banner = await openLab(p, `http://127.0.0.1:${server.plain}/?lang=zh`);
      assert.match(banner.join('\n'), /single-threaded/);
      assert.equal(await p.evaluate(() => document.documentElement.lang), 'zh-CN');
      assert.match(await p.textContent('#course-title'), /Go 底层机制速成作战室/);
      const zhHelp = await run(p, 'help');
      await p.screenshot({ path: path.join(SCREENSHOTS, 'plain-zh.png'), fullPage: true });

      // Switching to English changes the page and the lab's help text.
      await p.click('button[data-lang="en"]');
      assert.equal(await p.textContent('#course-title'), 'Go Runtime Internals Crash Course');
      assert.equal(await p.evaluate(() => localStorage.getItem('rtlab.lang')), 'en');
      await p.click('#terminal');
      const enHelp = await run(p, 'help');
      assert.notDeepEqual(enHelp, zhHelp);
      assert.match(enHelp.join('\n'), /\bversion\b/);
    } finally {
      await p.close();
    }
  });
});

describe('Go Runtime Lab without its wasm files', { timeout: 120_000 }, () => {
  let server;
  let browser;
  let site;

  before(async () => {
    if (!existsSync(path.join(ROOT, 'dist/index.html'))) {
      throw new Error('missing dist/index.html — run `npm run build:web`');
    }
    // A copy of the page with no wasm/ directory next to it.
    mkdirSync(SCREENSHOTS, { recursive: true });
    site = tempDir('rtlab-nowasm-');
    cpSync(path.join(ROOT, 'dist'), site.dir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}wasm`),
    });
    server = await startServer(['--port', '0', '--plain-port', '0', '--dir', site.dir]);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    site?.cleanup();
  });

  it('shows one clear error line instead of a blank terminal', async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${server.plain}/?lang=en`, { timeout: 60_000 });
    await page.waitForFunction(() => window.__rtlab !== undefined, null, { timeout: 60_000 });
    const failed = await page.evaluate(() => window.__rtlab.ready.then(() => false, () => true));
    assert.equal(failed, true);
    await page.evaluate(() => new Promise((resolve) => window.__rtlab.term.write('', resolve)));
    const lines = await readLines(page);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^error: the lab could not be loaded \(.*\/wasm\/single\/rtlab\.mjs.*\) — build the wasm/);
    assert.equal(await page.textContent('#mode'), 'not loaded');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'no-wasm.png') });
    await page.close();
  });
});
