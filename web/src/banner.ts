// The lines printed when the lab is ready. The first line stays in English in both languages
// (tests and bug reports match on it); the second explains the mode in the UI language.

import { t, type Lang } from './i18n';
import type { BuildInfo } from './lab/protocol';

export function bannerLines(info: BuildInfo, lang: Lang): string[] {
  const mode = info.threads
    ? `threads (${info.workers} workers)`
    : 'single-threaded (this page is not cross-origin isolated)';
  return [
    `Go Runtime Lab ${info.version} — ${mode}`,
    info.threads ? t(lang, 'bannerThreads', { n: info.workers }) : t(lang, 'bannerSingle'),
    t(lang, 'bannerHint'),
  ];
}
