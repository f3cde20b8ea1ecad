// Grades the course's hand-write exercises, like xv6's `make grade`.
//
// The learner writes the bodies of a few real runtime functions in
// course/<day>/handwrite/ (listed in course/handwrite.json). The exercises
// build (CMake preset `exercises`, RTLAB_EXERCISES=ON) compiles those files in
// place of their references in core/, and the day's tests (ctest label
// <day>) judge them: the same tests the lab's own code passes.
//
//   node scripts/grade.mjs day3        build build/exercises with your day-3 files (the
//                                      other days' come from core/), run the day-3 tests,
//                                      print the score; exit 0 only if every test passes
//   node scripts/grade.mjs             every day, one after the other
//   node scripts/grade.mjs day3 -v     also print the output of each failed test
//   node scripts/grade.mjs day3 --dir D   grade D/day3/handwrite/ instead of course/'s
//   node scripts/grade.mjs day3 --build B   build in B instead of build/exercises
//                                      (any command; B is configured with the
//                                      exercises preset's settings)
//   node scripts/grade.mjs --check     (no build) each skeleton is still its reference
//                                      outside the bodies left to write
//   node scripts/grade.mjs --prove [day5]...   (CI: every day) the graders are real: with the untouched
//                                      skeletons every day fails; with core's own files
//                                      (the references) every day passes (one tree,
//                                      build/exercises). Day 4's files are headers that
//                                      most of the runtime includes, so swapping them in
//                                      or out recompiles most of the tree: day 4 goes
//                                      first, so that happens twice
//
// The exercises build runs under ThreadSanitizer. A test that fails, crashes,
// reports a race or times out scores 0; the points of each test are in
// course/handwrite.json.
//
// Options: --jobs N (build jobs; default: the number of CPUs), --timeout S (per
// test; default 30, the slowest passes in about 5 s under ThreadSanitizer, and
// a scheduler that livelocks the simulator would otherwise hang). Needs cmake,
// ninja and a C++ compiler (npm test installs them); Node 20, no packages.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'course/handwrite.json'), 'utf8'));
const DAYS = Object.keys(MANIFEST.days);
// The default exercises tree (--build changes it).
const DEFAULT_BUILD = 'build/exercises';
// The exercises build runs under ThreadSanitizer (CMakePresets.json), so that
// a missing acquire or release is a failed test, not a silent pass on x86.
// As in the native-tsan test preset: stop at the first report.
const TSAN_OPTIONS = 'halt_on_error=1 second_deadlock_stack=1';
// --prove's per-test timeout for the untouched skeletons, which are expected
// to fail (seconds).
const SKELETON_TIMEOUT = 10;

// ---------------------------------------------------------------- arguments

function usage(msg) {
  if (msg) console.error(`grade: ${msg}`);
  console.error(`usage: node scripts/grade.mjs [${DAYS.join('|')}]... [-v] [--dir DIR] [--jobs N] [--timeout S]
       node scripts/grade.mjs --check
       node scripts/grade.mjs --prove [day]... [--jobs N] [--timeout S]
       (each build command also takes --build DIR: the tree to build in, default ${DEFAULT_BUILD})`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { days: [], verbose: false, check: false, prove: false, jobs: availableParallelism(), timeout: 30, dir: join(ROOT, 'course'), build: DEFAULT_BUILD };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) usage(`${a} wants a positive integer`);
      return v;
    };
    if (a === '-v' || a === '--verbose') opts.verbose = true;
    else if (a === '--check') opts.check = true;
    else if (a === '--prove') opts.prove = true;
    else if (a === '--jobs' || a === '-j') opts.jobs = value();
    else if (a === '--timeout') opts.timeout = value();
    else if (a === '--build') {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('-')) usage('--build wants a directory');
      // Kept relative to the repository when it is inside it (the tree's
      // paths are printed and joined with ROOT).
      const b = resolve(argv[++i]);
      const rel = relative(ROOT, b);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) usage(`--build must be a directory inside the repository, not ${argv[i]}`);
      opts.build = rel;
    }
    else if (a === '--dir') {
      if (i + 1 >= argv.length) usage('--dir wants a directory');
      opts.dir = resolve(argv[++i]);
      if (!existsSync(opts.dir)) usage(`no directory ${opts.dir}`);
    }
    else if (a === '-h' || a === '--help') usage();
    else if (DAYS.includes(a)) opts.days.push(a);
    else usage(`unknown argument "${a}"${/^day\d+$/.test(a) ? ` (hand-write exercises exist for ${DAYS.join(', ')})` : ''}`);
  }
  opts.someDays = opts.days.length > 0;
  if (opts.days.length === 0) opts.days = [...DAYS];
  return opts;
}

// ---------------------------------------------------------------- processes

/** Runs a command; resolves { code, out } (stdout and stderr together). onLine sees each line. */
function run(cmd, args, { onLine } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { TSAN_OPTIONS: TSAN_OPTIONS, ...process.env } });
    let out = '';
    let pending = '';
    const feed = (chunk) => {
      const s = chunk.toString();
      out += s;
      if (!onLine) return;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', (err) => resolveRun({ code: 127, out: `${cmd}: ${err.message}\n` }));
    child.on('close', (code) => {
      if (onLine && pending) onLine(pending);
      resolveRun({ code: code ?? 1, out });
    });
  });
}

function tail(text, n) {
  const lines = text.trimEnd().split('\n');
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
}

// ---------------------------------------------------------------- building

function cacheValue(buildDir, name) {
  const cache = join(ROOT, buildDir, 'CMakeCache.txt');
  if (!existsSync(cache)) return undefined;
  const m = readFileSync(cache, 'utf8').match(new RegExp(`^${name}:[A-Z]+=(.*)$`, 'm'));
  return m ? m[1] : undefined;
}

/** Configures (when its settings differ) and builds an exercises tree. Returns null or the error text. */
async function build(buildDir, exercisesDir, days, jobs) {
  // The preset's settings and ours: any that differs from the tree's cache
  // means configuring again (a rebuild of only what changed).
  const preset = JSON.parse(readFileSync(join(ROOT, 'CMakePresets.json'), 'utf8')).configurePresets.find((p) => p.name === 'exercises');
  const vars = Object.fromEntries(Object.entries(preset.cacheVariables).map(([k, v]) => [k, String(v).replaceAll('${sourceDir}', ROOT)]));
  const want = { ...vars, RTLAB_EXERCISES_DIR: exercisesDir, RTLAB_EXERCISES_DAYS: days.join(';') };
  const stale = Object.entries(want).some(([k, v]) => cacheValue(buildDir, k) !== v);
  if (stale || !existsSync(join(ROOT, buildDir, 'build.ninja'))) {
    const args = ['--preset', 'exercises', '-B', buildDir, ...Object.entries(want).map(([k, v]) => `-D${k}=${v}`)];
    const r = await run('cmake', args);
    if (r.code !== 0) return `cmake ${args.join(' ')}\n${tail(r.out, 40)}`;
  }
  const r = await run('cmake', ['--build', buildDir, '-j', String(jobs)]);
  if (r.code !== 0) {
    // The compiler's errors are what the learner needs: show them first.
    const errors = r.out.split('\n').filter((l) => /error|FAILED|undefined reference/.test(l));
    return `${errors.slice(0, 40).join('\n')}\n...\n${tail(r.out, 30)}`;
  }
  return null;
}

// ---------------------------------------------------------------- testing

/** A test's points on `day`: the first of the day's patterns (gtest globs) that matches it. */
function points(day, test) {
  for (const [pattern, pts] of Object.entries(MANIFEST.days[day].points ?? {})) {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    if (re.test(test)) return pts;
  }
  return 1;
}

/** The tests that carry `label` in buildDir, in ctest's order. */
async function listTests(buildDir, label) {
  const r = await run('ctest', ['--test-dir', buildDir, '-L', `^${label}$`, '--show-only=json-v1']);
  if (r.code !== 0) throw new Error(`ctest --show-only failed:\n${tail(r.out, 20)}`);
  const json = JSON.parse(r.out.slice(r.out.indexOf('{')));
  return json.tests.map((t) => t.name);
}

function unescapeXml(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** name -> the test's output, from ctest's JUnit file. */
function junitOutputs(file) {
  const outputs = new Map();
  if (!existsSync(file)) return outputs;
  const xml = readFileSync(file, 'utf8');
  const re = /<testcase\s+name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m; (m = re.exec(xml)); ) {
    const out = /<system-out>([\s\S]*?)<\/system-out>/.exec(m[2] ?? '');
    outputs.set(unescapeXml(m[1]), out ? unescapeXml(out[1]) : '');
  }
  return outputs;
}

/** What went wrong, in a few lines: gtest's failure messages, or the last lines. */
function failureSummary(output, verbose) {
  if (verbose) return output.trimEnd();
  const lines = output.split('\n');
  const picked = [];
  // Each failure: its line and what follows, up to the next one or gtest's
  // own "[ FAILED ]" lines.
  for (let i = 0; i < lines.length && picked.length < 12; i++) {
    if (!/: Failure$|fatal error|Sanitizer|terminate called|Aborted|Segmentation/.test(lines[i])) continue;
    let j = i + 1;
    while (j < lines.length && j < i + 7 && !/: Failure$|^\[\s+\w+\s+\]/.test(lines[j])) j++;
    picked.push(...lines.slice(i, j).filter((l) => l.trim()));
    i = j - 1;
  }
  return (picked.length ? picked.slice(0, 12) : lines.filter((l) => l.trim()).slice(-6)).join('\n');
}

const dots = (name, width = 68) => `${name} ${'.'.repeat(Math.max(3, width - name.length))}`;

/**
 * Runs the tests labelled `label` in buildDir and prints one row per test as it
 * finishes. Returns { passed, failed, score, total, tests }.
 */
async function runDay(buildDir, day, { timeout, verbose, quiet = false, parallel = 1 }) {
  const label = MANIFEST.days[day].label;
  const tests = await listTests(buildDir, label);
  if (tests.length === 0) throw new Error(`no tests carry the label ${label} in ${buildDir}`);
  const total = tests.reduce((s, t) => s + points(day, t), 0);
  const junit = join(ROOT, buildDir, `grade-${label}.xml`);
  rmSync(junit, { force: true });
  const results = new Map();
  const say = quiet ? () => {} : (s) => console.log(s);
  // ctest's line per finished test: " 3/41 Test  #3: RunQueue.X ....   Passed    0.01 sec".
  // A name may hold spaces (a parameterized test: "Gc/GcEngines.X/Sim  #
  // GetParam() = ..."); ctest pads every name with a space and at least
  // three dots.
  const rowRe = /^\s*\d+\/\d+\s+Test\s+#\d+:\s+(.+?) \.{3,}\s*(\*{3}|)(.*?)\s+([\d.]+) sec\s*$/;
  await run('ctest', ['--test-dir', buildDir, '-L', `^${label}$`, '--timeout', String(timeout), '-j', String(parallel), '--output-junit', junit], {
    onLine: (line) => {
      const m = rowRe.exec(line);
      if (!m) return;
      const [, name, , status, secs] = m;
      const ok = /^Passed/.test(status.trim());
      const verdict = ok ? 'OK' : /Timeout/.test(status) ? 'TIMEOUT' : 'FAIL';
      results.set(name, ok);
      const pts = points(day, name);
      say(`${dots(name)} ${verdict.padEnd(7)} ${String(ok ? pts : 0).padStart(3)}/${String(pts).padEnd(3)} (${Number(secs).toFixed(1)}s)`);
    },
  });
  // A test ctest could not start (not built) has no row: it failed too.
  for (const t of tests)
    if (!results.has(t)) {
      results.set(t, false);
      say(`${dots(t)} ${'FAIL'.padEnd(7)}   0/${String(points(day, t)).padEnd(3)} (not run)`);
    }
  const failedTests = tests.filter((t) => !results.get(t));
  const score = tests.reduce((s, t) => s + (results.get(t) ? points(day, t) : 0), 0);
  if (failedTests.length && !quiet) {
    const outputs = junitOutputs(junit);
    const shown = verbose ? failedTests : failedTests.slice(0, 8);
    console.log(`\nWhat failed${verbose ? '' : ' (first lines; -v for everything)'}:`);
    for (const t of shown) {
      console.log(`--- ${t}`);
      const summary = failureSummary(outputs.get(t) ?? '', verbose);
      console.log(summary ? summary.replace(/^/gm, '    ') : '    (no output)');
    }
    if (shown.length < failedTests.length) console.log(`... and ${failedTests.length - shown.length} more (-v shows them)`);
  }
  return { passed: tests.length - failedTests.length, failed: failedTests.length, score, total, tests };
}

// ---------------------------------------------------------------- skeletons

/**
 * Finds the body of function `name` (e.g. "runqput", "RandomOrder::start") in
 * C++ source: a definition starts at column 0 and reaches a '{' before any ';'.
 * Returns [open, close] indices of its braces.
 */
export function findBody(src, name) {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^[^\\s/#][^\\n;{}]*?(?<![\\w:])${esc}\\s*\\(`, 'gm');
  for (let m; (m = re.exec(src)); ) {
    let depth = 0;
    for (let j = m.index + m[0].length; j < src.length; j++) {
      const c = src[j];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === ';' && depth <= 0) break;
      else if (c === '{' && depth <= 0) return [j, matchBrace(src, j)];
    }
  }
  return null;
}

function matchBrace(src, open) {
  let depth = 0;
  for (let k = open; k < src.length; k++) {
    if (src.startsWith('//', k)) {
      k = src.indexOf('\n', k);
      if (k < 0) break;
      continue;
    }
    if (src.startsWith('/*', k)) {
      k = src.indexOf('*/', k) + 1;
      continue;
    }
    const c = src[k];
    if (c === '"' || c === "'") {
      for (k++; k < src.length && src[k] !== c; k++) if (src[k] === '\\') k++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return k;
  }
  throw new Error('unbalanced braces');
}

/** The file without its leading comment block and with the given bodies emptied. */
export function maskExercised(src, functions) {
  const lines = src.split('\n');
  let n = 0;
  while (n < lines.length && lines[n].startsWith('//')) n++;
  let body = lines.slice(n).join('\n');
  for (const f of functions) {
    const at = findBody(body, f);
    if (!at) throw new Error(`no definition of ${f}`);
    body = `${body.slice(0, at[0])}{ /* ${f}: exercised */ }${body.slice(at[1] + 1)}`;
  }
  return body;
}

function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++)
    if (la[i] !== lb[i]) return `after the header, line ${i + 1}:\n      reference: ${la[i] ?? '(end)'}\n      skeleton:  ${lb[i] ?? '(end)'}`;
  return '';
}

/** Every skeleton is its reference outside the leading comment and the exercised bodies. */
function checkSkeletons({ requireTodo }) {
  const problems = [];
  for (const [day, d] of Object.entries(MANIFEST.days)) {
    for (const f of d.files) {
      const skelPath = join('course', day, 'handwrite', f.file);
      const ref = readFileSync(join(ROOT, f.reference), 'utf8');
      const skel = readFileSync(join(ROOT, skelPath), 'utf8');
      try {
        const a = maskExercised(ref, f.functions);
        const b = maskExercised(skel, f.functions);
        if (a !== b) problems.push(`${skelPath} differs from ${f.reference} ${firstDifference(a, b)}`);
        if (requireTodo)
          for (const fn of f.functions) {
            const [open, close] = findBody(skel, fn);
            if (!skel.slice(open, close).includes('TODO(you)')) problems.push(`${skelPath}: ${fn} is not left to write (no TODO(you))`);
          }
      } catch (e) {
        problems.push(`${skelPath}: ${e.message}`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- commands

async function grade(opts) {
  let allOk = true;
  for (const day of opts.days) {
    const d = MANIFEST.days[day];
    const files = d.files.map((f) => relative(ROOT, join(opts.dir, day, 'handwrite', f.file))).join(', ');
    console.log(`== ${day}: ${d.title} ==`);
    console.log(`   your files: ${files}`);
    console.log(`   building ${opts.build} ...`);
    const err = await build(opts.build, opts.dir, [day], opts.jobs);
    if (err) {
      console.log(`\nThe build failed:\n${err}\n\nScore: 0/${await dayTotal(opts.build, day)}\n`);
      allOk = false;
      continue;
    }
    const r = await runDay(opts.build, day, opts);
    console.log(`\n${day}: ${r.passed}/${r.tests.length} tests passed`);
    console.log(`Score: ${r.score}/${r.total}\n`);
    if (r.failed) allOk = false;
  }
  return allOk ? 0 : 1;
}

/** A day's total, for a build that failed (from the tests an earlier build left, if any). */
async function dayTotal(buildDir, day) {
  try {
    const tests = await listTests(buildDir, MANIFEST.days[day].label);
    if (tests.length) return tests.reduce((s, t) => s + points(day, t), 0);
  } catch {
    // not configured, or nothing built yet
  }
  return '?';
}

async function prove(opts) {
  const tree = opts.build;
  // Every day unless some were named (e.g. --prove day5 while writing day 5's tests).
  const days = opts.someDays ? opts.days : DAYS;
  const t0 = Date.now();
  let failures = 0;
  const line = (ok, what, detail = '') => {
    if (!ok) failures++;
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}${detail ? `  ${detail}` : ''}`);
  };
  const secs = () => `${((Date.now() - t0) / 1000).toFixed(0)}s`;

  const problems = checkSkeletons({ requireTodo: true });
  line(problems.length === 0, 'skeletons are their references outside the bodies left to write');
  for (const p of problems) console.log(`      ${p}`);

  // Each day's skeletons alone (the other days from core/) must fail that day.
  // Days that swap a header go first: a header is included across the tree,
  // so swapping one in or out rebuilds most of it, and this way that happens
  // twice (in, then back to core's for the next day) instead of three times.
  const swapsHeader = (day) => MANIFEST.days[day].files.some((f) => f.file.endsWith('.hpp'));
  const order = [...days.filter(swapsHeader), ...days.filter((d) => !swapsHeader(d))];
  for (const day of order) {
    const err = await build(tree, join(ROOT, 'course'), [day], opts.jobs);
    line(!err, `skeletons of ${day} compile and link (${tree})`, secs());
    if (err) {
      console.log(err.replace(/^/gm, '      '));
      continue;
    }
    // A skeleton that livelocks fails by timing out; it need not take the
    // full per-test timeout to show that. The skeletons are expected to
    // fail, so their tests may share the CPUs (the references' run one at a
    // time: a test that passes alone must not fail for want of a CPU).
    const r = await runDay(tree, day, { ...opts, timeout: Math.min(opts.timeout, SKELETON_TIMEOUT), quiet: true, parallel: opts.jobs });
    line(r.failed > 0, `skeletons of ${day} fail ${day}`, `${r.failed}/${r.tests.length} tests fail, score ${r.score}/${r.total}, ${secs()}`);
  }

  // Core's own files must pass every day. (CI runs these tests under
  // ThreadSanitizer only here: its ThreadSanitizer stage leaves the label
  // `graded` out.) They are the references: the
  // skeletons are these files with the bodies to write removed (checked
  // above), so building the tree with no day's files swapped in is
  // "the reference copied in", and recompiles only the last day's files.
  const err = await build(tree, join(ROOT, 'course'), [], opts.jobs);
  line(!err, "core's own files (the references) compile and link", secs());
  if (err) console.log(err.replace(/^/gm, '      '));
  else
    for (const day of days) {
      const r = await runDay(tree, day, { ...opts, quiet: true });
      line(r.failed === 0, `references pass ${day}`, `${r.passed}/${r.tests.length} tests pass, score ${r.score}/${r.total}, ${secs()}`);
      if (r.failed) {
        const outputs = junitOutputs(join(ROOT, tree, `grade-${MANIFEST.days[day].label}.xml`));
        for (const t of r.tests.filter((x) => outputs.has(x) && /Failure|fatal|Sanitizer/.test(outputs.get(x))))
          console.log(`      ${t}:\n${failureSummary(outputs.get(t), false).replace(/^/gm, '        ')}`);
      }
    }

  console.log(`prove: ${failures === 0 ? 'every expectation held' : `${failures} expectation(s) violated`} (${secs()})`);
  return failures === 0 ? 0 : 1;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.check) {
    const problems = checkSkeletons({ requireTodo: false });
    for (const p of problems) console.log(p);
    console.log(problems.length ? `check: ${problems.length} problem(s)` : 'check: every skeleton matches its reference');
    return problems.length ? 1 : 0;
  }
  if (opts.prove) return prove(opts);
  return grade(opts);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`grade: ${e.message}`);
      process.exit(1);
    },
  );
}

