// The worker side of the protocol: loads the Emscripten module, owns the Embind `Lab`
// object and answers requests. Kept free of worker globals so tests drive it with a fake
// module.

import {
  errorMessage, toBuildInfo, toCompletion, toExecResult, toTraceBatch,
  type BuildInfo, type InterruptWord, type Request, type Response,
} from './protocol';

/** The Embind surface of the C++ side (see wasm_bindings/). */
export interface EmbindLab {
  exec(line: string): unknown;
  complete(lineUpToCursor: string): unknown;
  setLanguage(lang: string): void;
  trace(from: number): unknown;
  writeFile(path: string, text: string): unknown;
  /** The address of the lab's interrupt flag in the module's memory. */
  interruptAddress?(): number;
}

export interface LabModule {
  Lab: new () => EmbindLab;
  buildInfo(): unknown;
  /** The module's memory: a SharedArrayBuffer underneath in the threads build. */
  HEAP32?: Int32Array;
}

/** The default export of rtlab.mjs (-sMODULARIZE -sEXPORT_ES6). */
export type ModuleFactory = (overrides: Record<string, unknown>) => Promise<LabModule>;

/** Imports rtlab.mjs from a URL and returns its factory. */
export type ModuleLoader = (url: string) => Promise<ModuleFactory>;

/** The path of an absolute URL ("/wasm/single/rtlab.mjs"), or the text as given. */
function displayPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

interface Loaded {
  lab: EmbindLab;
  info: BuildInfo;
  interrupt?: InterruptWord;
}

/** The lab's interrupt flag, when the page can share it (threads build: shared memory). */
function interruptWord(module: LabModule, lab: EmbindLab): InterruptWord | undefined {
  const buffer = module.HEAP32?.buffer;
  const address = Number(lab.interruptAddress?.() ?? 0);
  if (typeof SharedArrayBuffer === 'undefined' || !(buffer instanceof SharedArrayBuffer)) return undefined;
  if (!(address > 0) || address % 4 !== 0) return undefined;
  return { buffer, index: address / 4 };
}

export class LabHost {
  private loaded: Promise<Loaded> | undefined;

  constructor(
    private readonly load: ModuleLoader,
    /** A module that never settles (e.g. a pthread that cannot start) becomes an error. */
    private readonly timeoutMs = 60_000,
  ) {}

  /** Answers one request. Never rejects: failures become `error` responses. */
  async handle(request: Request): Promise<Response> {
    const id = request.id;
    try {
      switch (request.type) {
        case 'init': {
          this.loaded ??= this.init(request.url, request.poolSize, request.lang);
          const { info, interrupt } = await this.loaded;
          return interrupt ? { type: 'ready', id, info, interrupt } : { type: 'ready', id, info };
        }
        case 'exec': {
          const { lab } = await this.lab();
          try {
            return { type: 'result', id, result: toExecResult(lab.exec(request.line)) };
          } catch (error) {
            // The C++ side promises one-line errors and no throws; keep the page alive anyway.
            const text = `internal error: ${errorMessage(error)}`;
            return { type: 'result', id, result: { ok: false, text, json: '' } };
          }
        }
        case 'complete': {
          const { lab } = await this.lab();
          try {
            return { type: 'completion', id, completion: toCompletion(lab.complete(request.line)) };
          } catch {
            return { type: 'completion', id, completion: { token: '', candidates: [] } };
          }
        }
        case 'trace': {
          const { lab } = await this.lab();
          return { type: 'trace', id, trace: toTraceBatch(lab.trace(request.from)) };
        }
        case 'writeFile': {
          const { lab } = await this.lab();
          const problem = String(lab.writeFile(request.path, request.text) ?? '');
          return problem ? { type: 'error', id, message: problem } : { type: 'done', id };
        }
        case 'setLanguage': {
          const { lab } = await this.lab();
          lab.setLanguage(request.lang);
          return { type: 'done', id };
        }
        default:
          return { type: 'error', id, message: `unknown request ${JSON.stringify(request)}` };
      }
    } catch (error) {
      return { type: 'error', id, message: errorMessage(error) };
    }
  }

  private lab(): Promise<Loaded> {
    if (!this.loaded) return Promise.reject(new Error('the lab is not initialised'));
    return this.loaded;
  }

  private async init(url: string, poolSize: number, lang: string): Promise<Loaded> {
    let factory: ModuleFactory;
    try {
      factory = await this.load(url);
    } catch (error) {
      // Keep the line short: show the path, and only once (browsers repeat the URL).
      const shown = displayPath(url);
      const reason = errorMessage(error).replace(`: ${url}`, '').replaceAll(url, shown);
      throw new Error(`cannot load ${shown}: ${reason}`);
    }
    if (typeof factory !== 'function') throw new Error(`${url} has no default export`);

    let onAbort: (what: unknown) => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = (what) => reject(new Error(`the wasm module aborted: ${errorMessage(what)}`));
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${url} did not start within ${this.timeoutMs / 1000} s`)),
        this.timeoutMs,
      );
    });
    try {
      // rtlabPoolSize is read by the C++ side as the pre-spawned pthread pool size.
      const module = await Promise.race([
        factory({ rtlabPoolSize: poolSize, onAbort }),
        aborted,
        timedOut,
      ]);
      const lab = new module.Lab();
      lab.setLanguage(lang);
      return { lab, info: toBuildInfo(module.buildInfo()), interrupt: interruptWord(module, lab) };
    } finally {
      clearTimeout(timer);
    }
  }
}
