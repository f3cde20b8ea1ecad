import { describe, expect, it } from 'vitest';
import { LabClient } from '../../web/src/lab/client';
import { LabHost, type ModuleFactory, type ModuleLoader } from '../../web/src/lab/host';
import {
  toBuildInfo, toCompletion, toExecResult, toStringArray,
  type Endpoint, type Request, type Response,
} from '../../web/src/lab/protocol';
import fakeFactory from './fixtures/fake-rtlab.mjs';

type Listener<T> = (event: { data: T }) => void;

/** An in-memory message channel: structured-cloned, delivered asynchronously, like a Worker. */
function channel(host: LabHost): Endpoint<Response, Request> & { sent: Request[] } {
  const listeners: Array<Listener<Response>> = [];
  const sent: Request[] = [];
  return {
    sent,
    postMessage(message) {
      const request = structuredClone(message);
      sent.push(request);
      void host.handle(request).then((response) => {
        const copy = structuredClone(response);
        setTimeout(() => listeners.forEach((l) => l({ data: copy })), 0);
      });
    },
    addEventListener(_type, listener) {
      listeners.push(listener);
    },
  };
}

const options = { url: '/wasm/single/rtlab.mjs', poolSize: 3, lang: 'en' as const };

function start(loader: ModuleLoader = async () => fakeFactory, timeoutMs?: number) {
  const host = new LabHost(loader, timeoutMs);
  const endpoint = channel(host);
  return { client: new LabClient(endpoint, options), endpoint };
}

describe('page <-> worker protocol', () => {
  it('initialises with the URL and pool size and reports build info', async () => {
    const seen: { url?: string; overrides?: Record<string, unknown> } = {};
    const { client, endpoint } = start(async (url) => {
      seen.url = url;
      return (async (overrides) => {
        seen.overrides = overrides;
        return fakeFactory(overrides);
      }) as ModuleFactory;
    });
    const info = await client.ready;
    expect(info).toEqual({ version: '0.0.0-fake', threads: false, workers: 0 });
    expect(client.info).toEqual(info);
    expect(seen.url).toBe('/wasm/single/rtlab.mjs');
    expect(seen.overrides?.rtlabPoolSize).toBe(3);
    expect(endpoint.sent[0]).toMatchObject({ type: 'init', id: 1, poolSize: 3, lang: 'en' });
  });

  it('round-trips exec, complete and setLanguage', async () => {
    const { client } = start();
    await client.ready;
    expect(await client.exec('version')).toEqual({
      ok: true, text: 'rtlab 0.0.0-fake', json: '{"version":"0.0.0-fake"}',
    });
    expect(await client.exec('nosuch')).toMatchObject({ ok: false });
    // The fake returns an Embind-style vector; the client gets a plain array.
    expect(await client.complete('he')).toEqual({ token: 'he', candidates: ['help'] });
    expect(await client.complete('env GO')).toEqual({
      token: 'GO', candidates: ['GOGC=', 'GOMAXPROCS='],
    });
    await client.setLanguage('zh');
    expect((await client.exec('help')).text).toContain('命令');
  });

  it('answers concurrent requests in order, each to its caller', async () => {
    const { client } = start();
    // Sent before the module has loaded: they wait for it.
    const results = await Promise.all([
      client.exec('env GOMAXPROCS=4'),
      client.exec('env'),
      client.complete('v'),
    ]);
    expect(results[0].ok).toBe(true);
    expect(results[1].text).toContain('GOMAXPROCS=4');
    expect(results[2].candidates).toEqual(['version']);
  });

  it('turns a throwing command into an error result, and the lab keeps working', async () => {
    const { client } = start();
    const result = await client.exec('boom');
    expect(result.ok).toBe(false);
    expect(result.text).toBe('internal error: boom');
    expect((await client.exec('version')).ok).toBe(true);
  });

  it('rejects ready with a clear message when the module cannot be loaded', async () => {
    const { client } = start(async () => {
      throw new TypeError('Failed to fetch dynamically imported module');
    });
    await expect(client.ready).rejects.toThrow(
      'cannot load /wasm/single/rtlab.mjs: Failed to fetch dynamically imported module',
    );
    await expect(client.exec('help')).rejects.toThrow('cannot load');
  });

  it('shows the path once when the browser repeats the URL in its message', async () => {
    const url = 'http://127.0.0.1:8081/wasm/single/rtlab.mjs';
    const host = new LabHost(async () => {
      throw new TypeError(`Failed to fetch dynamically imported module: ${url}`);
    });
    const client = new LabClient(channel(host), { ...options, url });
    await expect(client.ready).rejects.toThrow(
      /^cannot load \/wasm\/single\/rtlab\.mjs: Failed to fetch dynamically imported module$/,
    );
  });

  it('rejects ready when the module aborts or never starts', async () => {
    const aborting = start(async () => (async (overrides) => {
      (overrides.onAbort as (what: unknown) => void)('both async and sync fetching of the wasm failed');
      return new Promise(() => {});
    }) as ModuleFactory);
    await expect(aborting.client.ready).rejects.toThrow('aborted');

    const hanging = start(async () => (() => new Promise(() => {})) as ModuleFactory, 20);
    await expect(hanging.client.ready).rejects.toThrow('did not start');
  });

  it('rejects pending requests when the worker fails', async () => {
    const silent: Endpoint<Response, Request> = { postMessage() {}, addEventListener() {} };
    const client = new LabClient(silent, options);
    const pending = client.exec('help');
    client.fail(new Error('the lab worker failed'));
    await expect(pending).rejects.toThrow('the lab worker failed');
    await expect(client.ready).rejects.toThrow('the lab worker failed');
    await expect(client.exec('help')).rejects.toThrow('the lab worker failed');
  });
});

describe('defensive conversion of Embind values', () => {
  it('accepts arrays, Embind vectors and iterables', () => {
    let deleted = false;
    const vector = { size: () => 2, get: (i: number) => ['a', 'b'][i], delete: () => (deleted = true) };
    expect(toStringArray(['x', 'y'])).toEqual(['x', 'y']);
    expect(toStringArray(vector)).toEqual(['a', 'b']);
    expect(deleted).toBe(true);
    expect(toStringArray(new Set(['s']))).toEqual(['s']);
    expect(toStringArray(undefined)).toEqual([]);
    expect(toStringArray(42)).toEqual([]);
  });

  it('fills in missing fields', () => {
    expect(toExecResult(null)).toEqual({ ok: false, text: '', json: '' });
    expect(toExecResult({ ok: true, text: 'hi' })).toEqual({ ok: true, text: 'hi', json: '' });
    expect(toCompletion({})).toEqual({ token: '', candidates: [] });
    expect(toBuildInfo({ version: '1.2', threads: true, workers: 4 })).toEqual({
      version: '1.2', threads: true, workers: 4,
    });
    expect(toBuildInfo(undefined)).toEqual({ version: 'unknown', threads: false, workers: 0 });
  });
});
