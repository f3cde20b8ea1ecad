// The page side of the protocol: a promise-based handle on the lab running in the worker.
//
// Ctrl-C (interrupt): with threads, the worker shares the lab's interrupt flag, a word of the
// module's shared memory, and the run under way stops at its next safe point. Without threads
// the worker is busy inside the command and cannot read messages: if the command has not
// answered within a second, the worker is terminated and a new one started (same build,
// language and written files), and the command in flight rejects with a LabRestartedError.

import type {
  Endpoint, BuildInfo, Completion, ExecResult, InterruptWord, Lang, Request, Response, TraceBatch,
} from './protocol';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

interface Pending {
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
}

export interface LabClientOptions {
  url: string;
  poolSize: number;
  lang: Lang;
}

/** A worker, or a test's stand-in for one. */
export type WorkerEndpoint = Endpoint<Response, Request> & { terminate?(): void };

/** What interrupt() did: nothing was running, the command stopped, or the lab was restarted. */
export type InterruptOutcome = 'idle' | 'stopped' | 'restarted';

/** The command in flight when the lab was restarted rejects with this. */
export class LabRestartedError extends Error {
  constructor() {
    super('the lab was restarted');
    this.name = 'LabRestartedError';
  }
}

export class LabClient {
  /** Resolves with the build info once the module is loaded; rejects if it cannot load. */
  readonly ready: Promise<BuildInfo>;
  private buildInfo: BuildInfo | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private broken: Error | undefined;
  private endpoint: WorkerEndpoint;
  /** The lab's interrupt flag in the worker's shared memory (threads build only). */
  private interruptWord: Int32Array | undefined;
  private interruptIndex = 0;
  /** Ids of the exec requests not yet answered. */
  private readonly execs = new Set<number>();
  /** What a restarted worker is given again: the language and the files written. */
  private lang: Lang;
  private readonly files = new Map<string, string>();
  /** Trace sessions of a restarted worker count on from the old one's, so views start over. */
  private sessionOffset = 0;
  private lastSession = 0;

  /**
   * `spawn` starts a new worker for a restart (none: interrupt only sets the shared flag);
   * `stopWaitMs` is how long interrupt() waits for the command to answer before restarting.
   */
  constructor(
    endpoint: WorkerEndpoint,
    private readonly options: LabClientOptions,
    private readonly spawn?: () => WorkerEndpoint,
    private readonly stopWaitMs = 1000,
  ) {
    this.lang = options.lang;
    this.endpoint = endpoint;
    this.listen(endpoint);
    this.ready = this.init();
    this.ready.catch(() => {}); // callers observe failures through `ready`
  }

  /** Starts the lab in a module worker. */
  static inWorker(options: LabClientOptions): LabClient {
    let client: LabClient | undefined;
    const spawn = (): WorkerEndpoint => {
      const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
      const endpoint = worker as unknown as WorkerEndpoint;
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        // A worker already replaced by a restart no longer matters.
        if (client?.endpoint !== endpoint) return;
        client.fail(new Error(`the lab worker failed: ${event.message || 'could not start'}`));
      });
      return endpoint;
    };
    client = new LabClient(spawn(), options, spawn);
    return client;
  }

  /**
   * Ctrl-C: stops the command in flight. Sets the shared interrupt flag where there is one;
   * if the command has not answered within stopWaitMs, restarts the worker.
   */
  async interrupt(): Promise<InterruptOutcome> {
    if (this.execs.size === 0 || this.broken) return 'idle';
    const waiting = [...this.execs];
    if (this.interruptWord) Atomics.store(this.interruptWord, this.interruptIndex, 1);
    const answered = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (waiting.every((id) => !this.execs.has(id))) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
      setTimeout(() => clearInterval(poll), this.stopWaitMs + 50);
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.stopWaitMs);
    });
    const outcome = await Promise.race([answered.then(() => 'answered' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'answered' || !waiting.some((id) => this.execs.has(id))) return 'stopped';
    if (!this.spawn) return 'idle';
    await this.restart();
    return 'restarted';
  }

  /** Replaces the worker with a new one, set up as the old one was; pending requests reject. */
  private async restart(): Promise<void> {
    this.endpoint.terminate?.();
    const error = new LabRestartedError();
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    this.execs.clear();
    this.interruptWord = undefined;
    this.sessionOffset = this.lastSession + 1;
    this.endpoint = this.spawn!();
    this.listen(this.endpoint);
    // Posted at once, in order, so that a command typed next comes after them.
    const ready = this.init();
    const replays = [
      this.request({ type: 'setLanguage', lang: this.lang }),
      ...[...this.files].map(([path, text]) => this.request({ type: 'writeFile', path, text })),
    ];
    await ready;
    await Promise.allSettled(replays);
  }

  private listen(endpoint: WorkerEndpoint): void {
    endpoint.addEventListener('message', (event) => {
      if (endpoint === this.endpoint) this.onMessage(event.data);
    });
  }

  private async init(): Promise<BuildInfo> {
    const response = await this.request({
      type: 'init', url: this.options.url, poolSize: this.options.poolSize, lang: this.lang,
    });
    if (response.type !== 'ready') throw new Error(`unexpected answer ${response.type} to init`);
    this.buildInfo = response.info;
    this.useInterruptWord(response.interrupt);
    return response.info;
  }

  private useInterruptWord(word: InterruptWord | undefined): void {
    if (!word || typeof SharedArrayBuffer === 'undefined' || !(word.buffer instanceof SharedArrayBuffer)) return;
    this.interruptWord = new Int32Array(word.buffer);
    this.interruptIndex = word.index;
  }

  /** Build info, once ready. */
  get info(): BuildInfo | undefined {
    return this.buildInfo;
  }

  async exec(line: string): Promise<ExecResult> {
    const response = await this.request({ type: 'exec', line }, this.execs);
    if (response.type !== 'result') throw new Error(`unexpected answer ${response.type} to exec`);
    return response.result;
  }

  async complete(lineUpToCursor: string): Promise<Completion> {
    const response = await this.request({ type: 'complete', line: lineUpToCursor });
    if (response.type !== 'completion') throw new Error(`unexpected answer ${response.type}`);
    return response.completion;
  }

  /** The current run's trace events from index `from` on. */
  async trace(from: number): Promise<TraceBatch> {
    const response = await this.request({ type: 'trace', from });
    if (response.type !== 'trace') throw new Error(`unexpected answer ${response.type} to trace`);
    const session = response.trace.session + this.sessionOffset;
    this.lastSession = Math.max(this.lastSession, session);
    return { ...response.trace, session };
  }

  /** Saves a file where `run --file` finds it (the lab's in-memory file system). */
  async writeFile(path: string, text: string): Promise<void> {
    await this.request({ type: 'writeFile', path, text }); // an error answer rejects
    this.files.set(path, text);
  }

  async setLanguage(lang: Lang): Promise<void> {
    this.lang = lang;
    await this.request({ type: 'setLanguage', lang });
  }

  /** Rejects every pending and future request (the worker is gone). */
  fail(error: Error): void {
    this.broken ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private request(message: WithoutId<Request>, track?: Set<number>): Promise<Response> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    track?.add(id);
    return new Promise<Response>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ ...message, id } as Request);
    }).finally(() => track?.delete(id));
  }

  private onMessage(response: Response): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if (response.type === 'error') pending.reject(new Error(response.message));
    else pending.resolve(response);
  }
}
