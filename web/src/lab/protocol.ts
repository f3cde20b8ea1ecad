// Messages between the page (LabClient) and the lab worker (LabHost). Every request carries
// an id; the worker answers each one exactly once with the same id.

export type Lang = 'en' | 'zh';

export interface BuildInfo {
  version: string;
  threads: boolean;
  workers: number;
}

export interface ExecResult {
  ok: boolean;
  /** What to print: may be empty or multi-line ("\n"); one error line when !ok. */
  text: string;
  /** Machine-readable form of the answer, for views and tests ("" when none). */
  json: string;
}

export interface Completion {
  token: string;
  candidates: string[];
}

/** A batch of the current run's trace events (views/trace.ts decodes them). */
export interface TraceBatch {
  /** Changes when the run is replaced (a new run, or `back`). */
  session: number;
  /** Index of the first event in `events`. */
  from: number;
  /** 10 ints per event (core/trace/event.hpp); null when there is no run. */
  events: Int32Array | null;
  /** The heap samples taken at or after event `from` (8 ints each, core/trace/tracer.hpp
   *  HeapSample); null when there is no run. */
  heap?: Int32Array | null;
  names: string[];
  scenario: string;
  engine: string;
  procs: number;
  seed: number;
  nowNs: number;
  over: boolean;
  /** The trace reached its limit (300 000 events in the page) and recorded nothing after its
   *  last event; the run itself may have gone on (RunSession::traceFull). */
  traceFull?: boolean;
}

export type Request =
  | { type: 'init'; id: number; url: string; poolSize: number; lang: Lang }
  | { type: 'exec'; id: number; line: string }
  | { type: 'trace'; id: number; from: number }
  | { type: 'writeFile'; id: number; path: string; text: string }
  | { type: 'complete'; id: number; line: string }
  | { type: 'setLanguage'; id: number; lang: Lang };

/**
 * The lab's interrupt flag as the page can reach it: with threads, the module's memory is a
 * SharedArrayBuffer, and the page raises the flag with Atomics.store(new Int32Array(buffer),
 * index, 1) while a command runs (core/lab/interrupt.hpp).
 */
export interface InterruptWord {
  buffer: SharedArrayBuffer;
  index: number;
}

export type Response =
  | { type: 'ready'; id: number; info: BuildInfo; interrupt?: InterruptWord }
  | { type: 'result'; id: number; result: ExecResult }
  | { type: 'completion'; id: number; completion: Completion }
  | { type: 'trace'; id: number; trace: TraceBatch }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string };

/** Either side of a message channel: a Worker, the worker's global scope, or a test fake. */
export interface Endpoint<In, Out> {
  postMessage(message: Out): void;
  addEventListener(type: 'message', listener: (event: { data: In }) => void): void;
}

// ---- defensive conversion of what Embind hands us ----

/** Embind's registered std::vector wrapper, in case the C++ side returns one. */
interface EmbindVector {
  size(): number;
  get(i: number): unknown;
  delete?(): void;
}

function isEmbindVector(x: unknown): x is EmbindVector {
  return (
    typeof x === 'object' && x !== null &&
    typeof (x as EmbindVector).size === 'function' && typeof (x as EmbindVector).get === 'function'
  );
}

/** A JS array, an Embind vector or any iterable of strings, as a plain string[]. */
export function toStringArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (isEmbindVector(value)) {
    const out: string[] = [];
    for (let i = 0, n = value.size(); i < n; i++) out.push(String(value.get(i)));
    value.delete?.(); // free the C++ copy
    return out;
  }
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) {
    return Array.from(value as Iterable<unknown>, String);
  }
  return [];
}

function field(obj: unknown, name: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[name] : undefined;
}

export function toExecResult(raw: unknown): ExecResult {
  const text = field(raw, 'text');
  const json = field(raw, 'json');
  return {
    ok: field(raw, 'ok') === true,
    text: typeof text === 'string' ? text : '',
    json: typeof json === 'string' ? json : '',
  };
}

export function toCompletion(raw: unknown): Completion {
  const token = field(raw, 'token');
  return {
    token: typeof token === 'string' ? token : '',
    candidates: toStringArray(field(raw, 'candidates')),
  };
}

export function toBuildInfo(raw: unknown): BuildInfo {
  const version = field(raw, 'version');
  const workers = Number(field(raw, 'workers'));
  return {
    version: typeof version === 'string' && version !== '' ? version : 'unknown',
    threads: field(raw, 'threads') === true,
    workers: Number.isFinite(workers) ? workers : 0,
  };
}

/** A readable message from anything thrown (Error, string, Emscripten's numbers, ...). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

/** What lab.trace(from) returned, with the events copied out of wasm memory. */
export function toTraceBatch(raw: unknown): TraceBatch {
  const num = (name: string) => {
    const v = Number(field(raw, name));
    return Number.isFinite(v) ? v : 0;
  };
  const events = field(raw, 'events');
  const heap = field(raw, 'heap');
  return {
    session: num('session'),
    from: num('from'),
    // slice(): a copy, since the view onto wasm memory dies with the next command.
    events: events instanceof Int32Array ? events.slice() : null,
    heap: heap instanceof Int32Array ? heap.slice() : null,
    names: toStringArray(field(raw, 'names')),
    scenario: String(field(raw, 'scenario') ?? ''),
    engine: String(field(raw, 'engine') ?? ''),
    procs: num('procs'),
    seed: num('seed'),
    nowNs: num('nowNs'),
    over: field(raw, 'over') === true,
    traceFull: field(raw, 'traceFull') === true,
  };
}
