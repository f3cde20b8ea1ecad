// <go-runtime-lab>: Go Runtime Lab in an author's page, with no JavaScript to write.
//
//   <script src="https://your-lab-host/go-runtime-lab.js"></script>
//   <go-runtime-lab commands="run skynet --engine sim --size 1000 --seed 1 --step; step 40"
//                   view="scheduler" height="420" lang="zh" theme="dark" readonly></go-runtime-lab>
//
// Attributes: commands (lab commands, separated by ";" or new lines), view (scheduler | heap |
// metrics), height (pixels, 200..2000), lang (zh | en), theme (light | dark | auto: the
// reader's system setting), readonly (no typing). The element makes
// an iframe of the lab's embed page (embed.html, next to this script) and sizes it; the lab in it
// runs single-threaded unless the page is cross-origin isolated.
//
// For authors who want more: element.exec('gs') resolves with the lab's answer
// ({ ok, text, json }); the element dispatches 'lab-ready' and 'lab-state' events (detail: the
// message). Only messages from its own iframe, from the lab's origin, are taken.
// A classic script (not a module), so a page on any origin can load it without CORS.
(() => {
  'use strict';
  if (customElements.get('go-runtime-lab')) return;
  const script = document.currentScript;
  const labBase = new URL('.', script ? script.src : location.href);
  const SOURCE = 'go-runtime-lab';
  let nextId = 1;

  class GoRuntimeLab extends HTMLElement {
    static get observedAttributes() {
      return ['commands', 'view', 'height', 'lang', 'theme', 'readonly'];
    }

    constructor() {
      super();
      this._pending = new Map();
      this._onMessage = (event) => this._message(event);
    }

    connectedCallback() {
      window.addEventListener('message', this._onMessage);
      this._render();
    }

    disconnectedCallback() {
      window.removeEventListener('message', this._onMessage);
      for (const { reject } of this._pending.values()) reject(new Error('the lab was removed from the page'));
      this._pending.clear();
    }

    attributeChangedCallback() {
      if (this.isConnected) this._render();
    }

    /** Runs a lab command in this lab, as if typed; resolves with { ok, text, json }. */
    exec(line) {
      const frame = this._frame;
      if (!frame || !frame.contentWindow) return Promise.reject(new Error('the lab is not on the page'));
      const id = `${nextId++}`;
      return new Promise((resolve, reject) => {
        this._pending.set(id, { resolve, reject });
        frame.contentWindow.postMessage({ source: SOURCE, type: 'exec', id, line: String(line) }, labBase.origin);
      });
    }

    _render() {
      const url = new URL('embed.html', labBase);
      const commands = (this.getAttribute('commands') || '').split(/[;\n]/).map((c) => c.trim()).filter(Boolean);
      for (const line of commands) url.searchParams.append('cmd', line);
      for (const name of ['view', 'lang', 'theme']) {
        const value = this.getAttribute(name);
        if (value) url.searchParams.set(name, value);
      }
      if (this.hasAttribute('readonly')) url.searchParams.set('readonly', '1');
      const height = Math.min(2000, Math.max(200, Number(this.getAttribute('height')) || 420));
      url.searchParams.set('height', String(height));
      const frame = document.createElement('iframe');
      frame.src = url.href;
      frame.title = `Go Runtime Lab${commands.length > 0 ? ': ' + commands[0] : ''}`;
      frame.loading = 'lazy';
      frame.allow = 'clipboard-write';
      frame.style.cssText = `display:block;width:100%;height:${height}px;border:1px solid #d0d7de;border-radius:8px`;
      this._frame = frame;
      this.replaceChildren(frame);
    }

    _message(event) {
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== labBase.origin) return;
      const data = event.data;
      if (!data || data.source !== SOURCE) return;
      if (data.type === 'result') {
        const waiting = this._pending.get(String(data.id));
        if (!waiting) return;
        this._pending.delete(String(data.id));
        waiting.resolve({ ok: data.ok === true, text: String(data.text), json: String(data.json) });
      } else if (data.type === 'ready' || data.type === 'state') {
        this.dispatchEvent(new CustomEvent(`lab-${data.type}`, { detail: data }));
      }
    }
  }

  customElements.define('go-runtime-lab', GoRuntimeLab);
})();
