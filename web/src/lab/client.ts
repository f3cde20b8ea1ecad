// The page side of the protocol: a promise-based handle on the lab running in the worker.

import type { Endpoint, BuildInfo, Completion, ExecResult, Lang, Request, Response, TraceBatch } from './protocol';

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

export class LabClient {
  /** Resolves with the build info once the module is loaded; rejects if it cannot load. */
  readonly ready: Promise<BuildInfo>;
  private buildInfo: BuildInfo | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private broken: Error | undefined;

  constructor(private readonly endpoint: Endpoint<Response, Request>, options: LabClientOptions) {
    endpoint.addEventListener('message', (event) => this.onMessage(event.data));
    this.ready = this.request({ type: 'init', ...options }).then((response) => {
      if (response.type !== 'ready') throw new Error(`unexpected answer ${response.type} to init`);
      this.buildInfo = response.info;
      return response.info;
    });
    this.ready.catch(() => {}); // callers observe failures through `ready`
  }

  /** Starts the lab in a module worker. */
  static inWorker(options: LabClientOptions): LabClient {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    const client = new LabClient(worker as unknown as Endpoint<Response, Request>, options);
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      client.fail(new Error(`the lab worker failed: ${event.message || 'could not start'}`));
    });
    return client;
  }

  /** Build info, once ready. */
  get info(): BuildInfo | undefined {
    return this.buildInfo;
  }

  async exec(line: string): Promise<ExecResult> {
    const response = await this.request({ type: 'exec', line });
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
    return response.trace;
  }

  /** Saves a file where `run --file` finds it (the lab's in-memory file system). */
  async writeFile(path: string, text: string): Promise<void> {
    await this.request({ type: 'writeFile', path, text }); // an error answer rejects
  }

  async setLanguage(lang: Lang): Promise<void> {
    await this.request({ type: 'setLanguage', lang });
  }

  /** Rejects every pending and future request (the worker is gone). */
  fail(error: Error): void {
    this.broken ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private request(message: WithoutId<Request>): Promise<Response> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<Response>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ ...message, id } as Request);
    });
  }

  private onMessage(response: Response): void {
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if (response.type === 'error') pending.reject(new Error(response.message));
    else pending.resolve(response);
  }
}
