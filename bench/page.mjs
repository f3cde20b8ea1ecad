#!/usr/bin/env node
// The page's performance as a learner feels it, measured in headless Chromium with the page's own
// clock (performance.now()): the first prompt after load, a `continue` of a stepped skynet 10^6,
// and one frame of the timeline while it zooms and pans over the trace the page keeps (300 000
// events) and over a million (`run --trace-events 1000000`).
// It reports; it asserts nothing (no test asserts a timing). Needs dist/ (built by
// `npm start` or `bash scripts/lab.sh build`) and Debian's chromium, as the e2e tests do.
//
//   node bench/page.mjs            # 5 runs of each figure, medians
//   node bench/page.mjs --runs 3 --json
//   node bench/page.mjs --no-load  # the run and the timeline only, not the page loads

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, launchBrowser, openLab, startServer } from '../tests/e2e/helpers.mjs';

const USAGE = 'usage: node bench/page.mjs [--runs N] [--json] [--no-load]';

function parseArgs(argv) {
  const opts = { runs: 5, json: false, load: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--no-load') opts.load = false; // only the run and the timeline's frames
    else if (a === '--runs' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) opts.runs = Number(argv[++i]);
    else {
      console.error(`page.mjs: bad argument ${JSON.stringify(a)}\n${USAGE}`);
      process.exit(2);
    }
  }
  return opts;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const log = (s) => process.stderr.write(`[page] ${s}\n`);

/**
 * Milliseconds from navigation start to the first prompt (the editor idle after the banner), and
 * the page's own marks on the way (early.ts, main.ts): when the lab worker was started, when the
 * page was built, when the lab answered its init.
 */
async function firstPrompt(browser, url) {
  const page = await browser.context.newPage();
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    const handle = await page.waitForFunction(
      () => (window.__rtlab?.editor && !window.__rtlab.editor.isBusy ? performance.now() : false),
      null,
      { polling: 'raf', timeout: 60_000 },
    );
    const ms = await handle.jsonValue();
    if (!(await page.evaluate(() => window.__rtlab.lab.info))) throw new Error(`the lab did not load at ${url}`);
    const marks = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType('mark').map((e) => [e.name.replace(/^rtlab:/, ''), e.startTime])),
    );
    return { ms, marks };
  } finally {
    await page.close();
  }
}

/** Types `command` + Enter; the page's time from the key to the next prompt, in ms. */
async function commandMs(page, command, timeoutMs = 120_000) {
  const row = () => page.evaluate(() => window.__rtlab.term.buffer.active.baseY + window.__rtlab.term.buffer.active.cursorY);
  const rowBefore = await row();
  await page.keyboard.type(command);
  const started = await page.evaluate(() => performance.now());
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__rtlab.editor.isBusy, null, { polling: 'raf', timeout: 10_000 }).catch(() => {});
  const handle = await page.waitForFunction(
    () => (!window.__rtlab.editor.isBusy ? performance.now() : false),
    null,
    { polling: 'raf', timeout: timeoutMs },
  );
  const ms = (await handle.jsonValue()) - started;
  // Keys typed while another element has the focus reach no terminal: say so, not a time.
  if ((await row()) === rowBefore) throw new Error(`${JSON.stringify(command)} did not reach the terminal`);
  return ms;
}

/**
 * One timeline frame: set the window, wait for the frame that paints it. The time from the change
 * to the task after that frame's requestAnimationFrame (the render, style, layout and paint).
 */
async function timelineFrames(page, steps) {
  return page.evaluate(async (n) => {
    const tl = window.__rtlab.views.timeline;
    const model = window.__rtlab.views.model;
    // Over what was recorded: past a full trace's last event there is nothing to draw.
    const end = model.info?.traceFull ? model.recordedEndTs : model.endTs;
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    await frame();
    const out = { zoom: [], zoomJs: [], pan: [], panJs: [] };
    let t0 = 0;
    let span = end;
    const show = async (frames, js) => {
      const s = performance.now();
      tl.zoom = [t0, t0 + span]; // renders at once
      js.push(performance.now() - s);
      await frame();
      frames.push(performance.now() - s);
    };
    for (let i = 0; i < n; i++) {
      span *= 0.7;
      t0 = (end - span) / 2;
      await show(out.zoom, out.zoomJs);
    }
    for (let i = 0; i < n; i++) {
      t0 += span * 0.05;
      await show(out.pan, out.panJs);
    }
    // Continuous: one step in each animation frame, as a wheel or a drag gives them. The interval
    // between two frames' starts is 16.7 ms at 60 Hz while a step's render, style, layout and
    // paint fit in one frame, and a multiple of it when they do not (a frame dropped).
    const continuous = (step) =>
      new Promise((resolve) => {
        const starts = [];
        const tick = (ts) => {
          starts.push(ts);
          if (starts.length > 60) {
            resolve(starts.slice(1).map((t, i) => t - starts[i]));
            return;
          }
          step();
          tl.zoom = [t0, t0 + span];
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
    out.panFrames = await continuous(() => (t0 += span * 0.02));
    out.zoomFrames = await continuous(() => {
      span /= 0.9;
      t0 = Math.max(0, (end - span) / 2);
    });
    const whole = performance.now();
    tl.zoom = undefined;
    await frame();
    return { ...out, whole: performance.now() - whole, events: model.events.length };
  }, steps);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(ROOT, 'dist/index.html'))) {
    console.error('page.mjs: dist/ is not built: run `bash scripts/lab.sh build` (or `npm start`) first');
    process.exit(1);
  }
  const server = await startServer();
  const results = { machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? '?'}`, runs: opts.runs, loadavg: [os.loadavg()[0]] };
  try {
    for (const [mode, port] of opts.load ? [['isolated (threads)', server.isolated], ['plain (single-threaded)', server.plain]] : []) {
      const prompt = [];
      const built = [];
      const labReady = [];
      for (let i = 0; i < opts.runs; i++) {
        log(`first prompt, ${mode}, fresh profile: run ${i + 1}/${opts.runs}`);
        const browser = await launchBrowser();
        try {
          const { ms, marks } = await firstPrompt(browser, `http://127.0.0.1:${port}/?lang=en`);
          prompt.push(ms);
          built.push(marks['page-built']);
          labReady.push(marks['lab-ready']);
        } finally {
          await browser.close();
        }
      }
      results[`first prompt, ${mode}, fresh profile (ms)`] = prompt;
      results[`  of which: page built (main thread), ${mode} (ms)`] = built;
      results[`  of which: lab ready (worker: wasm and, with threads, the pthread pool), ${mode} (ms)`] = labReady;
    }

    const browser = await launchBrowser();
    try {
      // The same browser profile each time, after one untimed load: its HTTP cache and compiled
      // code are warm.
      if (opts.load) {
        await firstPrompt(browser, `http://127.0.0.1:${server.isolated}/?lang=en`);
        const warm = [];
        for (let i = 0; i < opts.runs; i++) {
          log(`first prompt, isolated, same profile: run ${i + 1}/${opts.runs}`);
          warm.push((await firstPrompt(browser, `http://127.0.0.1:${server.isolated}/?lang=en`)).ms);
        }
        results['first prompt, isolated (threads), same profile again (ms)'] = warm;
      }
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1366, height: 900 });

      await openLab(page, `http://127.0.0.1:${server.plain}/?lang=en`);
      const cont = [];
      for (let i = 0; i < opts.runs; i++) {
        log(`continue of a stepped skynet 10^6, single-threaded page: run ${i + 1}/${opts.runs}`);
        await commandMs(page, 'run skynet --engine sim --step');
        cont.push(await commandMs(page, 'continue'));
      }
      results['continue of a stepped skynet 10^6 on the simulator, single-threaded page (ms)'] = cont;

      await page.click('.view-tabs [data-tab="scheduler"]');
      await page.waitForSelector('#timeline svg.timeline', { timeout: 30_000 });
      // The timeline over the trace of that run (the page keeps 300 000 events), then over a
      // trace of a million: the same run with `run --trace-events 1000000`.
      for (const [label, events] of [['', 0], [', 10^6 events', 1_000_000]]) {
        if (events > 0) {
          log(`the same run traced to ${events} events`);
          await page.click('#terminal'); // the tab took the focus
          await commandMs(page, `run skynet --engine sim --step --trace-events ${events}`);
          results[`continue of that run${label} (ms)`] = [await commandMs(page, 'continue')];
        }
        // --runs times over the same trace: the steps' figures pooled, the late frames counted per run.
        const add = (name, values) => (results[`timeline${label}: ${name}`] ??= []).push(...values);
        // A frame that took more than one vsync at 60 Hz (an interval over 1.5 × 16.7 ms).
        const late = (v) => v.filter((x) => x > 25).length;
        let shown = 0;
        for (let i = 0; i < opts.runs; i++) {
          log(`timeline frames over the trace of that run${label}: run ${i + 1}/${opts.runs}`);
          const frames = await timelineFrames(page, 10);
          add('one zoom step, to the next painted frame (ms)', frames.zoom);
          add('one zoom step, its render (JS, DOM) (ms)', frames.zoomJs);
          add('one pan step, to the next painted frame (ms)', frames.pan);
          add('one pan step, its render (JS, DOM) (ms)', frames.panJs);
          add('panning, a step in every frame: interval between frames (ms)', frames.panFrames);
          add('zooming out, a step in every frame: interval between frames (ms)', frames.zoomFrames);
          add('panning: frames late, of 60, per run (count)', [late(frames.panFrames)]);
          add('zooming out: frames late, of 60, per run (count)', [late(frames.zoomFrames)]);
          add('back to the whole run, frame (ms)', [frames.whole]);
          shown = frames.events;
        }
        results[`trace shown${label}`] = `${shown} events; ${await page.$eval('#sched-status', (e) => e.textContent)}`;
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
  results.loadavg.push(os.loadavg()[0]);

  if (opts.json) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    return;
  }
  const version = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  console.log(`page ${version} on ${results.machine}; ${opts.runs} runs; load avg ${results.loadavg.map((x) => x.toFixed(2)).join(' -> ')}`);
  console.log('figure | median | min | max');
  console.log('---|---|---|---');
  for (const [name, v] of Object.entries(results)) {
    if (!Array.isArray(v) || name === 'loadavg') continue;
    const f = name.endsWith('(count)') ? (x) => String(x) : (x) => `${x.toFixed(1)} ms`;
    console.log(`${name.replace(/ \((ms|count)\)$/, '')} | ${f(median(v))} | ${f(Math.min(...v))} | ${f(Math.max(...v))}`);
  }
  for (const [name, v] of Object.entries(results)) if (name.startsWith('trace shown')) console.log(`${name}: ${v}`);
}

main().catch((e) => {
  console.error(`page.mjs: ${e.message}`);
  process.exit(1);
});
