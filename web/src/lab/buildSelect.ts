// Which wasm build to load. One binary cannot do both: the threads build declares shared
// memory, which needs a cross-origin isolated page (COOP + COEP); anywhere else (for example
// an iframe in a tutorial page) we load the single-threaded build.

export interface BuildChoice {
  url: string;
  threads: boolean;
  /** Pre-spawned pthread pool size, passed to the module as `rtlabPoolSize`. */
  poolSize: number;
}

/**
 * Pool size: two pthreads per core (at least 2, at most 8 cores) plus four. A run of the real
 * engine needs one thread per M: one per P, more while goroutines block in system calls (the
 * P is handed to a new M), plus sysmon. The workers are spawned up front because the browser
 * can only start a Web Worker after yielding to the event loop, and a pthread_create that
 * waits for that would deadlock; the runtime never asks for more than the pool (Go's
 * maxmcount plays that role, ending a run that needs more with "thread exhaustion").
 */
export function poolSizeFor(hardwareConcurrency: number | undefined): number {
  const cores = hardwareConcurrency && hardwareConcurrency > 0 ? hardwareConcurrency : 2;
  return 2 * Math.min(8, Math.max(2, cores)) + 4;
}

/** `base` is the app's base URL (Vite's BASE_URL, "/" by default). */
export function selectBuild(
  crossOriginIsolated: boolean,
  hardwareConcurrency: number | undefined,
  base = '/',
): BuildChoice {
  const prefix = base.endsWith('/') ? base : base + '/';
  return {
    url: `${prefix}wasm/${crossOriginIsolated ? 'threads' : 'single'}/rtlab.mjs`,
    threads: crossOriginIsolated,
    poolSize: poolSizeFor(hardwareConcurrency),
  };
}
