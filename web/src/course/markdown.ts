// Lessons are Markdown, rendered with markdown-it (raw HTML off: course text is treated as
// untrusted, nothing in it can become markup or script) and highlight.js for Go and C++.
// A fenced block with the info string `rtlab` is an experiment: its lines are lab commands,
// and the page gives it a ▶ button that types them into the terminal. No DOM here: the
// output is an HTML string and the experiments found, so CI can render every lesson too.

import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import cpp from 'highlight.js/lib/languages/cpp';
import go from 'highlight.js/lib/languages/go';
import type { Experiment } from './model';

hljs.registerLanguage('go', go);
hljs.registerLanguage('cpp', cpp);
hljs.registerLanguage('bash', bash);

const md = new MarkdownIt({
  html: false, // `<script>` in a lesson prints as text
  linkify: true,
  typographer: false,
  highlight(code, lang) {
    if (lang && hljs.getLanguage(lang)) {
      try {
        return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
      } catch {
        // fall through to plain, escaped text
      }
    }
    return ''; // markdown-it escapes it
  },
});

type RenderEnv = { day: number; experiments: Experiment[] };

/** The commands of an `rtlab` block: one per line, blank lines and `#` comments skipped. */
export function experimentCommands(content: string): string[] {
  return content.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

const defaultFence = md.renderer.rules.fence!;
md.renderer.rules.fence = (tokens, idx, options, renderEnv, self) => {
  const token = tokens[idx]!;
  const env = renderEnv as RenderEnv;
  // Code and tables may scroll sideways: focusable, so the keyboard can scroll them too.
  if (token.info.trim() !== 'rtlab') return defaultFence(tokens, idx, options, renderEnv, self).replace(/^<pre/, '<pre tabindex="0"');
  const commands = experimentCommands(token.content);
  const id = `d${env.day}-e${env.experiments.length + 1}`;
  env.experiments.push({ id, commands });
  const lines = commands.map((c) => `<span class="cmd">${md.utils.escapeHtml(c)}</span>`).join('\n');
  return (
    `<div class="experiment" data-experiment="${id}">` +
    `<button type="button" class="run-experiment" data-experiment="${id}" data-i18n-title="runExperiment">▶</button>` +
    `<pre tabindex="0"><code>${lines}</code></pre></div>\n`
  );
};

md.renderer.rules.table_open = (tokens, idx, options, _env, self) => {
  tokens[idx]!.attrSet('tabindex', '0');
  return self.renderToken(tokens, idx, options);
};

// Links leave the page in a new tab (the lab keeps its state), never with access to it.
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const href = String(token.attrGet('href') ?? '');
  if (/^https?:/.test(href)) {
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Renders one lesson: HTML, and the experiments in the order they appear. */
export function renderLesson(markdown: string, day: number): { html: string; experiments: Experiment[] } {
  const env: RenderEnv = { day, experiments: [] };
  const html = md.render(markdown, env);
  return { html, experiments: env.experiments };
}

/** Renders a short text (a goal, a hint) that may hold inline code and links. */
export function renderInline(markdown: string): string {
  return md.render(markdown, { day: 0, experiments: [] });
}
