// The single-threaded wasm lab under node, for replaying the course's exercises: the same
// module the non-isolated page loads (scripts/lab.sh build copies it to public/wasm/single/).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LabLike, LabReply } from '../../web/src/course/checker';

interface EmbindLab {
  exec(line: string): LabReply & { text: string };
  writeFile(path: string, text: string): string;
  delete(): void;
}
interface LabModule {
  Lab: new () => EmbindLab;
  /** The module's memory, as bytes (its length is the wasm memory's size). */
  HEAP8: Int8Array;
}

export const WASM_SINGLE_DIR = resolve(process.env.RTLAB_WASM_SINGLE ?? 'public/wasm/single');

let loading: Promise<LabModule> | undefined;

/** Loads the module once per test file. */
export function loadLabModule(): Promise<LabModule> {
  loading ??= (async () => {
    const glue = resolve(WASM_SINGLE_DIR, 'rtlab.mjs');
    if (!existsSync(glue)) {
      throw new Error(`${glue} is missing: build it with \`bash scripts/lab.sh build\` (or set RTLAB_WASM_SINGLE)`);
    }
    // Emscripten 3.1.6's ES module glue reaches for CommonJS names under node.
    const g = globalThis as Record<string, unknown>;
    g.__dirname ??= WASM_SINGLE_DIR;
    g.require ??= createRequire(glue);
    const factory = (await import(/* @vite-ignore */ pathToFileURL(glue).href)).default as (o: object) => Promise<LabModule>;
    return factory({ wasmBinary: readFileSync(resolve(WASM_SINGLE_DIR, 'rtlab.wasm')) });
  })();
  return loading;
}

/** A fresh lab: nothing run, default environment. */
export async function freshLab(): Promise<LabLike & { text(line: string): string; dispose(): void }> {
  const module = await loadLabModule();
  const lab = new module.Lab();
  return {
    exec: (line) => lab.exec(line),
    writeFile: (path, text) => {
      const problem = lab.writeFile(path, text);
      if (problem) throw new Error(`writeFile ${path}: ${problem}`);
    },
    text: (line) => lab.exec(line).text,
    dispose: () => lab.delete(),
  };
}
