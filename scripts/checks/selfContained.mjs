// The repository stands alone: nothing it builds, tests or documents may read
// a path outside the checkout (a folder beside it exists on some machines and
// not on a learner's). `npm test` runs this over every tracked file.
//
//   node scripts/checks/selfContained.mjs     exit 1 and one line per reference found

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// What a reference outside the repository looks like. Each pattern names why
// it is one; they are checked line by line.
export const OUTSIDE_PATTERNS = [
  { re: /\.\.\/shared\b/, why: 'a folder beside the checkout' },
  { re: /(^|[^\w.-])shared\/(reference|seed|hooks)\b/, why: 'a folder beside the checkout' },
  { re: /(^|[^\w])shared\/(COURSE|DESIGN|TOOLCHAIN)\.md/, why: 'a document beside the checkout' },
  { re: /\$\{(PROJECT_SOURCE_DIR|CMAKE_SOURCE_DIR|CMAKE_CURRENT_SOURCE_DIR)\}\/\.\.(\/\.\.)*\/?(?![\w.]*\/?(core|tests|web|bench|cmake|course|public|scripts|wasm_bindings|examples)\b)/,
    why: 'a CMake path that leaves the source tree' },
  { re: /`shared`|\bshared (TOOLCHAIN|COURSE|DESIGN)\b|\bRTLAB_SHARED_DIR\b/, why: 'a folder beside the checkout' },
  { re: /(^|[\s"'`(=])\/work\//, why: 'an absolute path of one machine' },
];

/** The lines of `text` that refer outside the repository, as { line, text, why }. */
export function findOutsideReferences(text) {
  const found = [];
  text.split('\n').forEach((line, i) => {
    for (const { re, why } of OUTSIDE_PATTERNS) {
      if (re.test(line)) {
        found.push({ line: i + 1, text: line.trim(), why });
        break;
      }
    }
  });
  return found;
}

/** Tracked files worth reading: text, not generated, not this checker's own test data. */
export function trackedFiles(root) {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && !/\.(png|jpe?g|ico|wasm|woff2?)$/.test(f) && f !== 'package-lock.json'
    && !f.startsWith('scripts/checks/') && f !== 'tests/web/selfContained.test.ts');
}

function main() {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let problems = 0;
  for (const file of trackedFiles(root)) {
    let text;
    try {
      text = readFileSync(new URL(file, `file://${root}`), 'utf8');
    } catch {
      continue; // deleted in the work tree but still tracked
    }
    for (const f of findOutsideReferences(text)) {
      console.log(`${file}:${f.line}: refers outside the repository (${f.why}): ${f.text.slice(0, 120)}`);
      problems++;
    }
  }
  if (problems > 0) {
    console.log(`self-contained check: ${problems} reference(s) outside the repository; copy what is needed into the repository (with its provenance) or cite a public source`);
    process.exit(1);
  }
  console.log('self-contained check: no build, test or doc file refers outside the repository');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
