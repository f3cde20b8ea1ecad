// Vite builds the page from web/ into dist/; static files (course text, the generated wasm
// under public/wasm/) are copied from public/. Vitest runs the unit tests in tests/web/.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// coi-serviceworker (npm) at the site's root, where index.html loads it: emitted into dist/ and
// served by the dev server, from node_modules rather than a copy kept in the repository.
const coiServiceWorker = (): Plugin => {
  const file = 'coi-serviceworker.js';
  const source = () => readFileSync(createRequire(import.meta.url).resolve(`coi-serviceworker/${file}`), 'utf8');
  return {
    name: 'coi-serviceworker',
    configureServer(server) {
      server.middlewares.use(`/${file}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: file, source: source() });
    },
  };
};

// The dev server and `vite preview` send the headers that make the page cross-origin
// isolated, so they load the threads build (scripts/serve.mjs does the same for dist/).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  root: 'web',
  plugins: [coiServiceWorker()],
  publicDir: '../public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // xterm.js alone is ~400 kB minified; that is expected for this app.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      // The lab page, and the address embeds use (it forwards to the page's compact layout).
      input: { main: 'web/index.html', embed: 'web/embed.html' },
      output: {
        // The course (seven days of lessons in two languages, and their
        // exercises) is a chunk of its own: the browser caches it apart from
        // the code, and neither grows past the limit above.
        manualChunks: (id) => (id.includes('/course/') && !id.includes('/web/src/') ? 'course' : undefined),
      },
    },
  },
  // Module workers so the lab worker can import() the ES module glue.
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
  test: {
    root: decodeURIComponent(new URL('.', import.meta.url).pathname), // the repo root
    // The *.wasm.test.ts files (the course's replays, the lab's memory) need the wasm build:
    // `scripts/lab.sh test` runs them in a stage of their own, after building it
    // (RTLAB_WASM_TESTS=1).
    include: process.env.RTLAB_WASM_TESTS
      ? ['tests/course/**/*.wasm.test.ts', 'tests/web/**/*.wasm.test.ts']
      : ['tests/web/**/*.test.ts', 'tests/course/**/*.test.ts'],
    exclude: process.env.RTLAB_WASM_TESTS ? [] : ['tests/**/*.wasm.test.ts', 'node_modules/**'],
    environment: 'node',
  },
});
