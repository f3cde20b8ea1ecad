// Takes the README's screenshot: serves dist/, opens the threads page in
// headless Chromium, runs a few lab commands and saves docs/screenshot.png.
// Usage: node scripts/screenshot.mjs [out.png]   (after `npm start` built dist/)
import path from 'node:path';

import { ROOT, launchBrowser, openLab, run, startServer } from '../tests/e2e/helpers.mjs';

const out = process.argv[2] || path.join(ROOT, 'docs', 'screenshot.png');
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await openLab(page, `http://127.0.0.1:${server.isolated}/?lang=en`);
  await run(page, 'env GOMAXPROCS=2');
  await run(page, 'run fanout --size 3000 --godebug schedtrace=10', { timeoutMs: 120_000 });
  await run(page, 'run deadlock --size 1', { timeoutMs: 60_000 });
  await page.screenshot({ path: out });
  console.log(`saved ${path.relative(ROOT, out)}`);
} finally {
  await browser.close();
  await server.stop();
}
