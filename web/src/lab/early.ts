// The lab worker, started before the rest of the page is evaluated.
//
// main.ts imports this module first, so it (and the three small modules it needs) is evaluated
// before the rest of the page's bundle, and main.ts yields once before it builds the page: the
// worker's download, the wasm compile and (in the threads build) the start of the pthread pool
// overlap with building the terminal, the views and the course, instead of following them. The
// language is a first guess from the query, the stored choice and the browser's; main.ts corrects
// it when a share link says otherwise.

import { LANG_KEY, detectLanguage } from '../i18n';
import { selectBuild } from './buildSelect';
import { LabClient } from './client';

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null; // storage disabled (sandboxed iframe, privacy settings)
  }
}

const firstLang = detectLanguage({ search: location.search, stored: storedLanguage(), navigatorLanguage: navigator.language });
const build = selectBuild(self.crossOriginIsolated === true, navigator.hardwareConcurrency, import.meta.env.BASE_URL);

export const earlyLab = {
  lang: firstLang,
  lab: LabClient.inWorker({ url: new URL(build.url, location.href).href, poolSize: build.poolSize, lang: firstLang }),
};
// For bench/page.mjs: where the page's time to its first prompt goes.
performance.mark('rtlab:worker-started');
void earlyLab.lab.ready.then(() => performance.mark('rtlab:lab-ready'), () => {});
