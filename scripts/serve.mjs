#!/usr/bin/env node
// Static server for the built page (dist/), with no dependencies. It listens on two ports:
//  - the isolated one sends COOP/COEP/CORP on every response, so the page is cross-origin
//    isolated and loads the threads build (SharedArrayBuffer);
//  - the plain one sends none of them, like a tutorial's iframe, so the page loads the
//    single-threaded build. It also refuses the isolation service worker
//    (coi-serviceworker.js), with which a page on a host that sends no headers makes itself
//    isolated on a second load: a tutorial's iframe cannot (its parent is not isolated), and
//    this port stands for that case. Any other static server serves it like any file.
//
//   node scripts/serve.mjs [--port 8080] [--plain-port 8081] [--host 127.0.0.1] [--dir dist]
//
// Port 0 picks a free port; then a line "LISTENING isolated=<port> plain=<port>" is printed
// for scripts and tests.

import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const USAGE =
  'usage: node scripts/serve.mjs [--port N] [--plain-port N] [--host ADDR] [--dir DIR]\n' +
  '  --port N        isolated port, with COOP/COEP (default 8080; 0 = any free port)\n' +
  '  --plain-port N  port without COOP/COEP (default 8081; 0 = any free port)\n' +
  '  --host ADDR     address to listen on (default 127.0.0.1)\n' +
  '  --dir DIR       directory to serve (default dist)';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function fail(message, code = 2) {
  process.stderr.write(`serve: ${message}\n`);
  process.exit(code);
}

function parsePort(flag, value) {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) {
    fail(`${flag} needs a port number from 0 to 65535, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return Number(value);
}

function parseArgs(argv) {
  const options = { port: 8080, plainPort: 8081, host: '127.0.0.1', dir: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => (value !== undefined ? value : argv[++i]);
    switch (arg) {
      case '--port':
        options.port = parsePort(arg, takeValue());
        break;
      case '--plain-port':
        options.plainPort = parsePort(arg, takeValue());
        break;
      case '--host':
        options.host = takeValue();
        if (!options.host) fail('--host needs an address');
        break;
      case '--dir':
        options.dir = takeValue();
        if (!options.dir) fail('--dir needs a directory');
        break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        fail(`unknown option ${JSON.stringify(argv[i])} (try --help)`);
    }
  }
  if (options.port !== 0 && options.port === options.plainPort) {
    fail(`--port and --plain-port must differ (both are ${options.port})`);
  }
  return options;
}

/** Maps a URL path to a file under root, or null if it would leave root. */
function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

function makeHandler(root, isolated) {
  return (req, res) => {
    const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    if (isolated) Object.assign(headers, ISOLATION_HEADERS);
    const send = (status, text) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : text + '\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      headers.Allow = 'GET, HEAD';
      return send(405, 'method not allowed');
    }
    const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0];
    if (!isolated && urlPath === '/coi-serviceworker.js') return send(404, 'not served on the plain port');
    let file = resolveFile(root, urlPath);
    if (file === null) return send(404, 'not found');
    let stat;
    try {
      stat = statSync(file);
      if (stat.isDirectory()) {
        file = path.join(file, 'index.html');
        stat = statSync(file);
      }
    } catch {
      return send(404, 'not found');
    }
    if (!stat.isFile()) return send(404, 'not found');
    res.writeHead(200, {
      ...headers,
      'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': stat.size,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}

function listen(server, port, host, flag) {
  return new Promise((resolve) => {
    server.once('error', (error) => {
      if (error.code === 'EADDRINUSE') {
        fail(`port ${port} on ${host} is already in use — choose another with ${flag} N (0 picks a free one)`, 1);
      }
      if (error.code === 'EACCES') fail(`no permission to listen on port ${port} — use ${flag} N above 1023`, 1);
      fail(`cannot listen on ${host}:${port}: ${error.message}`, 1);
    });
    server.listen(port, host, () => resolve(server.address().port));
  });
}

const options = parseArgs(process.argv.slice(2));
const root = path.resolve(options.dir);
try {
  if (!statSync(root).isDirectory()) throw new Error();
} catch {
  fail(`${options.dir} is not a directory — build the page first (npm run build:web)`, 1);
}

const isolatedServer = createServer(makeHandler(root, true));
const plainServer = createServer(makeHandler(root, false));
const isolatedPort = await listen(isolatedServer, options.port, options.host, '--port');
const plainPort = await listen(plainServer, options.plainPort, options.host, '--plain-port');

const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
console.log(`Go Runtime Lab: http://${hostForUrl}:${isolatedPort}/ (threads, cross-origin isolated)`);
console.log(`Go Runtime Lab: http://${hostForUrl}:${plainPort}/ (single-threaded)`);
if (options.port === 0 || options.plainPort === 0) {
  console.log(`LISTENING isolated=${isolatedPort} plain=${plainPort}`);
}

const stop = () => {
  isolatedServer.close();
  plainServer.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
