// Hosting without a server of our own: `npm run build`'s dist/ served by a plain static file
// server that sends no headers at all (as GitHub Pages does). In Chromium the page's service
// worker (coi-serviceworker) makes it cross-origin isolated on a second load, and it runs the
// threads build; where a service worker cannot be registered, it runs the single-threaded build. The
// header files for hosts that can send headers are in dist/.
// Needs dist/ (scripts/lab.sh build).

import assert from 'node:assert/strict';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, launchBrowser, openLab, run } from './helpers.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.md': 'text/markdown' };

/** The plainest static server: files from dist/, a content type, nothing else. */
function plainStaticServer() {
  const root = path.join(ROOT, 'dist');
  const server = createServer((req, res) => {
    const urlPath = decodeURIComponent((req.url ?? '/').split(/[?#]/, 1)[0]);
    let file = path.join(root, path.normalize(urlPath));
    if (!file.startsWith(root)) return res.writeHead(404).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('static hosting in Chromium', { timeout: 300_000 }, () => {
  let server;
  before(async () => {
    if (!existsSync(path.join(ROOT, 'dist/index.html'))) throw new Error('missing dist/ — run `bash scripts/lab.sh build`');
    server = await plainStaticServer();
  });
  after(() => server?.close());
  const url = () => `http://127.0.0.1:${server.address().port}/?lang=en`;

  it('a plain static server: the service worker makes the page isolated, and it runs the threads build', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(url());
      // The first load registers the worker and reloads once; the second is isolated.
      await page.waitForFunction(() => window.crossOriginIsolated === true, null, { timeout: 60_000 });
      await openLab(page, page.url());
      assert.equal(await page.getAttribute('#mode', 'data-state'), 'threads');
      const report = (await run(page, 'run skynet --size 1000', { timeoutMs: 60_000 })).join('\n');
      assert.match(report, /engine real/, report);
    } finally {
      await browser.close();
    }
  });

  it('no service worker allowed: the same server gives the single-threaded build, which works', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      // As in a private window of some browsers: registering a service worker fails.
      await page.addInitScript(() => {
        navigator.serviceWorker.register = () => Promise.reject(new DOMException('service workers are disabled', 'SecurityError'));
      });
      await openLab(page, url());
      assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
      assert.equal(await page.getAttribute('#mode', 'data-state'), 'single');
      const report = (await run(page, 'run skynet --engine sim --size 1000', { timeoutMs: 60_000 })).join('\n');
      assert.match(report, /engine sim/, report);
    } finally {
      await browser.close();
    }
  });

  it('dist/ carries the headers for hosts that can send them', () => {
    const headers = readFileSync(path.join(ROOT, 'dist/_headers'), 'utf8');
    assert.match(headers, /^\/\*\n {2}Cross-Origin-Opener-Policy: same-origin\n {2}Cross-Origin-Embedder-Policy: require-corp\n/m);
    const nginx = readFileSync(path.join(ROOT, 'docs/hosting/nginx.conf'), 'utf8');
    assert.match(nginx, /add_header Cross-Origin-Embedder-Policy require-corp always;/);
    assert.ok(existsSync(path.join(ROOT, 'dist/coi-serviceworker.js')));
    assert.ok(existsSync(path.join(ROOT, 'dist/go-runtime-lab.js')));
  });
});
