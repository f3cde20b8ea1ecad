// Takes the README's screenshot: serves dist/, opens the threads page in
// headless Chromium, steps a simulator run and saves docs/screenshot.png.
// Usage: node scripts/screenshot.mjs [out.png]   (after `npm start` built dist/)
import path from 'node:path';

import { ROOT, launchBrowser, openLab, run, startServer } from '../tests/e2e/helpers.mjs';

const out = process.argv[2] || path.join(ROOT, 'docs', 'screenshot.png');
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await openLab(page, `http://127.0.0.1:${server.isolated}/?lang=en`);
  // A simulator run stepped to a point where stealing is under way: the
  // timeline, the GMP diagram and the terminal's account of the same events.
  await run(page, 'run fanout --engine sim --procs 4 --seed 7 --size 300 --step', { timeoutMs: 60_000 });
  await run(page, 'until 640us', { timeoutMs: 60_000 });
  await run(page, 'step 12', { timeoutMs: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('#timeline .slice').length > 0);
  await page.screenshot({ path: out });
  console.log(`saved ${path.relative(ROOT, out)}`);
} finally {
  await browser.close();
  await server.stop();
}
