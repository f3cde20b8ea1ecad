// The lab runs in this module worker so that a long command never freezes the page, and so
// that the threads build's main thread is not the browser's main thread (where waiting on
// a lock would busy-wait the UI).

import { LabHost, type ModuleFactory } from './host';
import type { Endpoint, Request, Response } from './protocol';

const scope = self as unknown as Endpoint<Request, Response>;

const host = new LabHost(async (url) => {
  // The wasm glue is served as a static file from public/wasm/: bundling it is not wanted.
  const module = (await import(/* @vite-ignore */ url)) as { default: ModuleFactory };
  return module.default;
});

scope.addEventListener('message', (event) => {
  void host.handle(event.data).then((response) => scope.postMessage(response));
});
