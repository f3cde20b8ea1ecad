import { describe, expect, it } from 'vitest';
import { LabClient, LabRestartedError, type WorkerEndpoint } from '../../web/src/lab/client';
import { LineEditor } from '../../web/src/terminal/lineEditor';
import type { Request, Response } from '../../web/src/lab/protocol';

type Listener = (event: { data: Response }) => void;

/**
 * A fake lab worker. `run forever` never answers unless the worker shares an interrupt word
 * (the threads build) and the page raises it; everything else answers at once.
 */
class FakeWorker implements WorkerEndpoint {
  readonly seen: Request[] = [];
  terminated = false;
  private readonly listeners: Listener[] = [];
  private session = 0;
  constructor(private readonly shared?: Int32Array) {}

  postMessage(request: Request): void {
    this.seen.push(request);
    const answer = (response: Response) =>
      setTimeout(() => !this.terminated && this.listeners.forEach((l) => l({ data: response })), 0);
    const id = request.id;
    switch (request.type) {
      case 'init':
        answer({
          type: 'ready', id, info: { version: 'fake', threads: !!this.shared, workers: 0 },
          ...(this.shared ? { interrupt: { buffer: this.shared.buffer as SharedArrayBuffer, index: 1 } } : {}),
        });
        return;
      case 'exec':
        if (request.line === 'run forever') {
          if (!this.shared) return; // busy: a single-threaded worker cannot even read messages
          Atomics.store(this.shared, 1, 0); // each command starts with the flag cleared
          const poll = setInterval(() => {
            if (Atomics.load(this.shared!, 1) === 0) return;
            clearInterval(poll);
            answer({ type: 'result', id, result: { ok: false, text: 'forever: interrupted at 1ms', json: '' } });
          }, 5);
          return;
        }
        if (request.line.startsWith('run')) this.session++;
        answer({ type: 'result', id, result: { ok: true, text: `did ${request.line}`, json: '' } });
        return;
      case 'trace':
        answer({
          type: 'trace', id,
          trace: {
            session: this.session, from: 0, events: new Int32Array(0), names: [], scenario: 'x', engine: 'sim',
            procs: 1, seed: 1, nowNs: 0, over: true,
          },
        });
        return;
      default:
        answer({ type: 'done', id });
    }
  }

  addEventListener(_type: 'message', listener: Listener): void {
    this.listeners.push(listener);
  }

  terminate(): void {
    this.terminated = true;
  }
}

const options = { url: '/wasm/single/rtlab.mjs', poolSize: 0, lang: 'en' as const };

function singleThreaded() {
  const workers: FakeWorker[] = [];
  const spawn = () => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  };
  const client = new LabClient(spawn(), options, spawn, 50);
  return { client, workers };
}

describe('Ctrl-C: LabClient.interrupt', () => {
  it('does nothing when no command runs', async () => {
    const { client, workers } = singleThreaded();
    await client.ready;
    expect(await client.interrupt()).toBe('idle');
    expect(workers).toHaveLength(1);
  });

  it('restarts a worker that does not answer, and keeps what the page gave it', async () => {
    const { client, workers } = singleThreaded();
    await client.ready;
    await client.setLanguage('zh');
    await client.writeFile('/scripts/mine.scn', 'go main:\n  yield\n');
    await client.exec('run fanout');
    const before = await client.trace(0);

    const stuck = client.exec('run forever');
    const outcome = client.interrupt();
    await expect(stuck).rejects.toBeInstanceOf(LabRestartedError);
    expect(await outcome).toBe('restarted');

    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    // The new worker is set up as the old one was: same build, language, files.
    const again = workers[1]!.seen.map((r) => r.type);
    expect(again).toEqual(['init', 'setLanguage', 'writeFile']);
    expect(workers[1]!.seen[0]).toMatchObject({ url: options.url, lang: 'zh' });
    expect(workers[1]!.seen[1]).toMatchObject({ lang: 'zh' });
    expect(workers[1]!.seen[2]).toMatchObject({ path: '/scripts/mine.scn', text: 'go main:\n  yield\n' });

    // The next command works, and its run is a new session for the views.
    expect(await client.exec('run skynet')).toMatchObject({ ok: true, text: 'did run skynet' });
    const after = await client.trace(0);
    expect(after.session).not.toBe(before.session);
    expect(after.session).toBeGreaterThan(before.session);
  });

  it('stops the command through the shared flag when there is one, without a restart', async () => {
    const shared = new Int32Array(new SharedArrayBuffer(8));
    const spawned: FakeWorker[] = [];
    const client = new LabClient(new FakeWorker(shared), options, () => {
      const w = new FakeWorker(shared);
      spawned.push(w);
      return w;
    }, 1000);
    await client.ready;
    const running = client.exec('run forever');
    expect(await client.interrupt()).toBe('stopped');
    expect(await running).toMatchObject({ ok: false, text: 'forever: interrupted at 1ms' });
    expect(spawned).toHaveLength(0);
    expect(await client.exec('env')).toMatchObject({ ok: true });
  });
});

describe('Ctrl-C in the line editor', () => {
  it('interrupts a running command at once instead of queueing behind it', async () => {
    let out = '';
    let interrupts = 0;
    let finish: () => void = () => {};
    const editor = new LineEditor({
      columns: 80,
      write: (d) => (out += d),
      onSubmit: () => new Promise<void>((resolve) => (finish = resolve)),
      onInterrupt: () => interrupts++,
    });
    editor.start();
    editor.handle('run forever\r');
    await Promise.resolve();
    expect(editor.isBusy).toBe(true);
    editor.handle('\x03');
    expect(interrupts).toBe(1);
    finish();
    await editor.whenIdle();
    // Not replayed at the prompt afterwards (that would print a second ^C).
    expect(out).not.toContain('^C');
    // At the prompt, Ctrl-C drops the line as before and calls nothing.
    editor.handle('half typed\x03');
    expect(interrupts).toBe(1);
    expect(out).toContain('^C');
    expect(editor.line).toBe('');
  });
});
