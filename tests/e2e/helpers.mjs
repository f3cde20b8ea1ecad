// Shared helpers for the end-to-end tests: start scripts/serve.mjs, launch Chromium, and
// drive the terminal like a learner (type, press keys, read the screen).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Rejects after `ms` with a message, so every wait is bounded. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts scripts/serve.mjs with `args` (ports 0 by default) and resolves once it prints its
 * LISTENING line. Returns the ports, the output so far, and stop().
 */
export async function startServer(args = ['--port', '0', '--plain-port', '0', '--dir', 'dist']) {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/serve.mjs'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ports = await withTimeout(
    new Promise((resolve, reject) => {
      const onData = (chunk) => {
        output += chunk;
        const m = /LISTENING isolated=(\d+) plain=(\d+)/.exec(output);
        if (m) resolve({ isolated: Number(m[1]), plain: Number(m[2]) });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${output.trim()}`)));
    }),
    15_000,
    'serve.mjs to print LISTENING',
  );
  return {
    ...ports,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await withTimeout(exited, 5_000, 'serve.mjs to exit').catch(() => child.kill('SIGKILL'));
    },
  };
}

/** Runs serve.mjs expecting it to exit; resolves { code, stdout, stderr }. */
export function runServer(args, timeoutMs = 10_000) {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/serve.mjs'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const done = new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return withTimeout(done, timeoutMs, `serve.mjs ${args.join(' ')} to exit`).finally(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Launches headless Chromium with a fresh profile. Returns { context, close }. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const profile = tempDir('rtlab-chromium-');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await withTimeout(context.close(), 15_000, 'Chromium to close').catch(() => {});
      profile.cleanup();
    },
  };
}

// ---- reading and driving the terminal (window.__rtlab.term is the xterm.js Terminal) ----

/** All logical lines of the terminal buffer (rows joined where xterm wrapped them). */
export function readLines(page) {
  return page.evaluate(() => {
    const buffer = window.__rtlab.term.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) {
      const row = buffer.getLine(i);
      const text = row.translateToString(true);
      if (row.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
    return lines;
  });
}

/** The logical line the cursor is on. */
export function currentLine(page) {
  return page.evaluate(() => {
    const buffer = window.__rtlab.term.buffer.active;
    let y = buffer.baseY + buffer.cursorY;
    while (y > 0 && buffer.getLine(y).isWrapped) y--;
    let text = buffer.getLine(y).translateToString(true);
    while (buffer.getLine(y + 1)?.isWrapped) text += buffer.getLine(++y).translateToString(true);
    return text;
  });
}

export const PROMPT = 'rtlab> ';

/**
 * Opens the lab page and waits until the banner and the first prompt are shown.
 * Returns the banner lines.
 */
export async function openLab(page, url, timeoutMs = 60_000) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(() => window.__rtlab !== undefined, null, { timeout: timeoutMs });
  const loaded = await page.evaluate(() =>
    window.__rtlab.ready.then(
      () => ({ ok: true }),
      (e) => ({ ok: false, message: String(e && e.message ? e.message : e) }),
    ),
  );
  if (!loaded.ok) throw new Error(`the lab did not load at ${url}: ${loaded.message}`);
  await page.waitForFunction(
    () => window.__rtlab.editor && !window.__rtlab.editor.isBusy,
    null,
    { timeout: timeoutMs },
  );
  await page.click('#terminal');
  const lines = await readLines(page);
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  return lines;
}

/** Waits until the editor is idle (the command finished and the prompt is back). */
export async function waitIdle(page, timeoutMs = 30_000) {
  await page.waitForFunction(
    () => !window.__rtlab.editor.isBusy,
    null,
    { timeout: timeoutMs, polling: 50 },
  );
  // Let xterm parse what was written before reading the buffer.
  await page.evaluate(() => new Promise((resolve) => window.__rtlab.term.write('', resolve)));
}

/**
 * Types `command` + Enter like a learner and returns the lines it printed (between the
 * command line and the next prompt). `echo` is the command line as shown, when more than
 * `command` was already on it (e.g. after Tab).
 */
export async function run(page, command, { timeoutMs = 30_000, echo = PROMPT + command } = {}) {
  const rowBefore = await page.evaluate(() => {
    const buffer = window.__rtlab.term.buffer.active;
    return buffer.baseY + buffer.cursorY;
  });
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await waitForPrompt(page, rowBefore, timeoutMs, 50);
  await waitIdle(page, timeoutMs);
  const lines = await readLines(page);
  // Output = the lines between the last echo of the command and the new prompt.
  let start = lines.length - 2;
  while (start >= 0 && lines[start].trimEnd() !== echo.trimEnd()) start--;
  if (start < 0) throw new Error(`the command ${JSON.stringify(command)} is not on screen:\n${lines.join('\n')}`);
  return lines.slice(start + 1, lines.length - 1);
}

/** Waits until the editor is idle and an empty prompt sits below terminal row `rowBefore`. */
export async function waitForPrompt(page, rowBefore, timeoutMs, polling = 50) {
  await page.waitForFunction(
    ({ rowBefore: row, prompt }) => {
      if (window.__rtlab.editor.isBusy) return false;
      const buffer = window.__rtlab.term.buffer.active;
      const y = buffer.baseY + buffer.cursorY;
      return y > row && buffer.getLine(y).translateToString(true).trimEnd() === prompt.trimEnd();
    },
    { rowBefore, prompt: PROMPT },
    { timeout: timeoutMs, polling },
  );
}

/** The two pages every browser test runs in: the threads build (cross-origin isolated) and the
 *  single-threaded one (plain); `port` names the server's port for it. */
export const MODES = [
  { name: 'isolated', port: 'isolated' },
  { name: 'plain', port: 'plain' },
];

/** For a describe block: before its tests, checks that dist/ is built, makes the screenshot
 *  folders, and starts the page server and Chromium; after them, stops both. The returned
 *  object holds `server` and `browser` once they are up. */
export function labInChromium({ screenshotDirs = [] } = {}) {
  const lab = { server: undefined, browser: undefined };
  before(async () => {
    if (!existsSync(path.join(ROOT, 'dist/index.html'))) throw new Error('missing dist/ — run `bash scripts/lab.sh build`');
    for (const dir of screenshotDirs) mkdirSync(dir, { recursive: true });
    lab.server = await startServer();
    lab.browser = await launchBrowser();
  });
  after(async () => {
    await lab.browser?.close();
    await lab.server?.stop();
  });
  return lab;
}
