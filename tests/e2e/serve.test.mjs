// scripts/serve.mjs: headers, MIME types, traversal safety, flags and errors.
// Runs against a temporary directory, so it needs neither dist/ nor a browser.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runServer, startServer, tempDir } from './helpers.mjs';

/** A raw GET (no URL normalisation, unlike fetch) -> { status, headers, body }. */
function get(port, rawPath, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.end();
  });
}

describe('scripts/serve.mjs', () => {
  const site = tempDir('rtlab-serve-');
  let server;

  before(async () => {
    const root = path.join(site.dir, 'site');
    mkdirSync(path.join(root, 'wasm/threads'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>lab</title>');
    writeFileSync(path.join(root, 'wasm/threads/rtlab.mjs'), 'export default 1;');
    writeFileSync(path.join(root, 'wasm/threads/rtlab.worker.js'), '// worker');
    writeFileSync(path.join(root, 'wasm/threads/rtlab.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
    writeFileSync(path.join(site.dir, 'secret.txt'), 'outside the served directory');
    server = await startServer(['--port', '0', '--plain-port', '0', '--dir', root]);
  });

  after(async () => {
    await server?.stop();
    site.cleanup();
  });

  it('prints one URL line per port and the LISTENING line', () => {
    const out = server.output();
    assert.match(out, new RegExp(`http://127\\.0\\.0\\.1:${server.isolated}/ \\(threads, cross-origin isolated\\)`));
    assert.match(out, new RegExp(`http://127\\.0\\.0\\.1:${server.plain}/ \\(single-threaded\\)`));
    assert.match(out, /^LISTENING isolated=\d+ plain=\d+$/m);
  });

  it('serves index.html for / with isolation headers on the isolated port only', async () => {
    const isolated = await get(server.isolated, '/');
    assert.equal(isolated.status, 200);
    assert.match(isolated.headers['content-type'], /^text\/html/);
    assert.equal(isolated.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(isolated.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(isolated.headers['cross-origin-resource-policy'], 'same-origin');
    const plain = await get(server.plain, '/');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['cross-origin-opener-policy'], undefined);
    assert.equal(plain.headers['cross-origin-embedder-policy'], undefined);
  });

  it('sends the right MIME types', async () => {
    const wasm = await get(server.isolated, '/wasm/threads/rtlab.wasm');
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    assert.match((await get(server.isolated, '/wasm/threads/rtlab.mjs')).headers['content-type'], /^text\/javascript/);
    assert.match((await get(server.plain, '/wasm/threads/rtlab.worker.js?x=1')).headers['content-type'], /^text\/javascript/);
  });

  it('answers 404 for missing files, also with isolation headers', async () => {
    const missing = await get(server.isolated, '/nope.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['cross-origin-embedder-policy'], 'require-corp');
  });

  it('never serves files outside the directory', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/wasm/../../secret.txt', '/..%2fsecret.txt', '/%00', '/%E0%A4%A']) {
      const res = await get(server.plain, p);
      assert.equal(res.status, 404, p);
      assert.doesNotMatch(res.body, /outside/, p);
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(server.plain, '/', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal((await get(server.plain, '/', 'POST')).status, 405);
  });

  it('rejects bad flags with one clear line and exit code 2', async () => {
    for (const args of [['--bogus'], ['--port'], ['--port', 'abc'], ['--plain-port', '70000'], ['--port', '9000', '--plain-port', '9000']]) {
      const { code, stderr } = await runServer(args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stderr.trim().split('\n').length, 1, stderr);
    }
  });

  it('names the port and the flag when a port is in use', async () => {
    const { code, stderr } = await runServer(['--port', String(server.isolated), '--plain-port', '0', '--dir', site.dir]);
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`port ${server.isolated} .*in use.*--port`));
    const plain = await runServer(['--port', '0', '--plain-port', String(server.plain), '--dir', site.dir]);
    assert.match(plain.stderr, new RegExp(`port ${server.plain} .*in use.*--plain-port`));
  });
});
