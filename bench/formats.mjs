#!/usr/bin/env node
// The lines the lab prints in Go's formats — gctrace, gcpacertrace,
// schedtrace and scheddetail — checked field by field against the lines
// Go 1.19 prints on this machine for a comparable program
// (bench/go/formats: binarytrees and fanout, as the lab's scenarios).
//
// Each line is reduced to its shape: numbers become #, a goroutine's wait
// reason becomes (…), so "gc 3 @0.014s 3%: 0.020+0.28+0.033 ms clock, …"
// reads "gc # @#s #%: #+#+# ms clock, …". For each kind of line the shapes
// on both sides must be equal, or the difference must be one listed below
// (KNOWN) with its reason; the README's list is this one. A listed
// difference that no longer shows is an error too, so the list stays true.
//
//   node bench/formats.mjs [--rtlab PATH]   (default build/native/core/cli/rtlab)
//
// Needs `go` (Debian golang-go, Go 1.19). Exit status: 0 when every shape
// matches or is a known difference, 1 otherwise, 2 for usage errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Where the lab's formats differ from Go 1.19's, on purpose: each rewrites a
// lab shape into what Go 1.19 prints in its place; `why` goes into the
// table and the README.
export const KNOWN = [
  {
    name: 'needspinning=',
    rewrite: (s) => s.replace(' needspinning=# ', ' '),
    why: "the lab prints tip's schedtrace, which added needspinning=",
  },
  {
    name: 'per-P brackets and schedticks=',
    rewrite: (s) => s.replace(/\[ ((?:# )+)\] schedticks=\[ (?:# )+\]$/, (m, ps) => `[${ps.trim()}]`),
    why: 'tip prints the per-P run queues as "[ 0 0 ]" and adds schedticks=[ ... ]',
  },
  {
    name: 'booleans in the scheddetail SCHED line',
    rewrite: (s) => s.replace('gcwaiting=false', 'gcwaiting=#').replace('sysmonwait=false', 'sysmonwait=#'),
    why: 'tip prints gcwaiting and sysmonwait as true/false (Go 1.19: 0/1)',
  },
  {
    name: 'nil for none',
    rewrite: (s) => s.replace(/=nil\b/g, '=#'),
    why: 'tip prints nil for a missing P, M or G (Go 1.19: -1); the lab has no locked threads, so lockedg and lockedm are always nil',
  },
];

// The kind of a line, or null for lines the check ignores.
export function kindOf(line) {
  if (/^gc \d+ @/.test(line)) return 'gc';
  if (/^pacer: assist ratio=/.test(line)) return 'pacer (cycle start)';
  if (/^pacer: \d+% CPU/.test(line)) return 'pacer (cycle end)';
  if (/^SCHED \d+ms: .* gcwaiting=/.test(line)) return 'SCHED (scheddetail)';
  if (/^SCHED \d+ms: /.test(line)) return 'SCHED';
  if (/^ {2}P\d+: /.test(line)) return 'P (scheddetail)';
  if (/^ {2}M\d+: /.test(line)) return 'M (scheddetail)';
  if (/^ {2}G\d+: /.test(line)) return 'G (scheddetail)';
  return null;
}

// A line's shape: its words and punctuation, with numbers as # and a wait
// reason as (…), empty or not: a G that is not waiting has none, and both Go
// and the lab print it as "()"; which Gs a trace catches waiting changes from
// run to run of the Go program. Runs of per-P numbers ("[0 0]") keep their
// count, which is GOMAXPROCS on both sides.
export function shapeOf(line) {
  return line
    .trim()
    .replace(/status=(\d+)\((.*)\)( m=)/, (m, st, reason, rest) => `status=${st}(…)${rest}`)
    .replace(/preemptoff=\S*/, 'preemptoff=…')
    .replace(/(?<!gcwaiting|sysmonwait)=(true|false)\b/g, '=bool') // a value, not a shape
    .replace(/(?<![\d.])[+-]?\d+(\.\d+)?(e[+-]\d+)?/g, '#');
}

function usage(message) {
  process.stderr.write(`formats: ${message}\nusage: node bench/formats.mjs [--rtlab PATH]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { rtlab: path.join(ROOT, 'build/native/core/cli/rtlab') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rtlab' && i + 1 < argv.length) opts.rtlab = path.resolve(argv[++i]);
    else usage(`unknown argument ${JSON.stringify(argv[i])}`);
  }
  return opts;
}

// Go 1.19's lines: the comparable program under GODEBUG, GOMAXPROCS=2.
function goLines() {
  const bin = path.join(mkdtempSync(path.join(tmpdir(), 'rtlab-formats-')), 'formats');
  execFileSync('go', ['build', '-o', bin, './formats'], { cwd: path.join(ROOT, 'bench/go'), stdio: 'inherit' });
  const lines = [];
  for (const godebug of ['gctrace=1,gcpacertrace=1,schedtrace=1,scheddetail=1', 'schedtrace=1']) {
    const r = spawnSync(bin, [], { env: { ...process.env, GOMAXPROCS: '2', GODEBUG: godebug }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench/go/formats failed: ${r.stderr.slice(-500)}`);
    lines.push(...r.stderr.split('\n'));
  }
  return lines;
}

// The lab's lines: the scenarios the Go program imitates, on the simulator.
function labLines(rtlab) {
  if (!existsSync(rtlab)) throw new Error(`${rtlab} is missing: build it (cmake --preset native && cmake --build build/native)`);
  const script = [
    'run binarytrees --engine sim --procs 2 --size 12 --godebug gctrace=1,gcpacertrace=1',
    'run fanout --engine sim --procs 2 --size 2000 --godebug schedtrace=1',
    'run fanout --engine sim --procs 2 --size 300 --godebug schedtrace=1,scheddetail=1',
  ].join('\n');
  const r = spawnSync(rtlab, [], { input: `${script}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rtlab failed: ${r.stderr.slice(-500)}`);
  return r.stdout.split('\n');
}

function shapesByKind(lines) {
  const byKind = new Map();
  for (const line of lines) {
    const kind = kindOf(line);
    if (!kind) continue;
    if (!byKind.has(kind)) byKind.set(kind, new Set());
    byKind.get(kind).add(shapeOf(line));
  }
  return byKind;
}

export function compare(goByKind, labByKind) {
  const rows = [];
  const used = new Set();
  const kinds = new Set([...goByKind.keys(), ...labByKind.keys()]);
  for (const kind of [...kinds].sort()) {
    const go = goByKind.get(kind) ?? new Set();
    const lab = [...(labByKind.get(kind) ?? [])];
    for (const shape of lab) {
      if (go.has(shape)) {
        rows.push({ kind, status: 'same', shape });
        continue;
      }
      // The known differences, applied in turn, must turn it into a shape Go printed.
      let rewritten = shape;
      const applied = [];
      for (const k of KNOWN) {
        const next = k.rewrite(rewritten);
        if (next !== rewritten) applied.push(k);
        rewritten = next;
      }
      if (applied.length > 0 && go.has(rewritten)) {
        for (const k of applied) used.add(k);
        rows.push({ kind, status: 'known', shape, go: rewritten, why: applied.map((k) => k.why).join('; ') });
      } else {
        rows.push({ kind, status: 'UNEXPECTED', shape, go: [...go].join(' | ') || '(Go printed none)' });
      }
    }
    if (lab.length === 0) rows.push({ kind, status: 'UNEXPECTED', shape: '(the lab printed none)', go: [...go].join(' | ') });
  }
  for (const k of KNOWN) {
    if (!used.has(k)) rows.push({ kind: k.name, status: 'STALE', shape: '(listed as a known difference, not seen)', why: k.why });
  }
  return rows;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const rows = compare(shapesByKind(goLines()), shapesByKind(labLines(opts.rtlab)));
  let bad = 0;
  for (const r of rows) {
    if (r.status === 'UNEXPECTED' || r.status === 'STALE') bad++;
    process.stdout.write(`${r.status.padEnd(10)} ${r.kind}\n  lab: ${r.shape}\n`);
    if (r.go) process.stdout.write(`  go:  ${r.go}\n`);
    if (r.why) process.stdout.write(`  why: ${r.why}\n`);
  }
  process.stdout.write(bad === 0 ? 'formats: every line kind matches Go 1.19 or is a listed difference\n' : `formats: ${bad} difference(s) not listed\n`);
  process.exit(bad === 0 ? 0 : 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
