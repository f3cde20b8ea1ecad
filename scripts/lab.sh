#!/usr/bin/env bash
# The lab's one entry point for people and CI (npm start / npm test call it).
#
#   scripts/lab.sh start [--port N] [--plain-port N] [--exercises]
#       install what is missing, build the wasm modules and the page when their
#       inputs changed, and serve the lab on http://127.0.0.1:8080 (threads,
#       cross-origin isolated) and http://127.0.0.1:8081 (single-threaded).
#       --exercises builds the runtime from the course's hand-write files
#       (course/day*/handwrite), the learner's own functions.
#   scripts/lab.sh test
#       install what is missing, then run every test: a check that no file
#       refers outside the repository, native ctest, the lab's Go-format lines
#       against Go 1.19's (bench/formats.mjs), the same
#       suite under ThreadSanitizer and ASan+UBSan, the input parsers fuzzed
#       with libFuzzer (scripts/fuzz.sh, 30 s per target), the graders of the course's
#       hand-write exercises (grade.mjs --prove), the suite as wasm under
#       node (threads), the web unit tests, the course's exercises replayed on the
#       wasm lab, and the browser end-to-end tests.
#   scripts/lab.sh build      only the wasm modules and the page
#   scripts/lab.sh deps       only install what is missing (to build and test)
#   scripts/lab.sh deps bench the same, and bench/compare.mjs's peers (Go,
#                             Google Benchmark, mimalloc, Boehm GC, GNU time)
#
# On Debian 12 (as root, or with sudo) dependencies come from apt and npm.
# Elsewhere the script stops and names what to install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian's emscripten runs its JS optimizer with the system node, which finds
# the acorn module only here (Debian's node-acorn package).
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf 'lab: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- dependencies

# apt package -> a file or command that proves it is installed.
declare -A START_DEPS=(
  [cmake]=cmake
  [ninja-build]=ninja
  [emscripten]=emcc
  # The build tree configures the test suite too (the same presets serve
  # `start` and `test`), and that needs GoogleTest's sources.
  [googletest]=/usr/src/googletest/CMakeLists.txt
  # The native trees' shared compiler cache (cmake/RtlabCcache.cmake): a
  # grading tree configured for another day, and the test stages' trees,
  # compile again only what differs.
  [ccache]=ccache
)
declare -A TEST_DEPS=(
  [g++]=g++
  [chromium]=chromium
  # A CJK font, so the Chinese UI renders in headless screenshots.
  [fonts-wqy-microhei]=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
  # The native rtlab's line editing, history and Tab completion.
  [libedit-dev]=/usr/include/histedit.h
  # The fuzz stage: clang, and libFuzzer (-fsanitize=fuzzer links clang's
  # libclang_rt.fuzzer, which Debian 12 ships in libclang-rt-14-dev;
  # libfuzzer-14-dev is the standalone libFuzzer.a, not needed).
  [clang]=clang++
  [libclang-rt-14-dev]=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
  # Go 1.19, whose gctrace/schedtrace lines bench/formats.mjs compares the lab's with.
  [golang-go]=go
)

# bench/compare.mjs: the benchmark library and the peers the lab is measured
# against. Not needed to build or test; `deps bench` (and compare.mjs --build)
# installs them.
declare -A BENCH_DEPS=(
  [libbenchmark-dev]=/usr/include/benchmark/benchmark.h
  [golang-go]=go
  [libmimalloc-dev]=/usr/include/mimalloc.h
  [libgc-dev]=/usr/include/gc.h
  # Peak RSS of each side (/usr/bin/time -f %M).
  [time]=/usr/bin/time
)

have() { if [[ "$1" == /* ]]; then [[ -e "$1" ]]; else command -v "$1" >/dev/null 2>&1; fi; }

missing_packages() {
  local -n deps=$1
  local pkg
  for pkg in "${!deps[@]}"; do have "${deps[$pkg]}" || printf '%s\n' "$pkg"; done
}

check_node() {
  have node && have npm || die "Node.js 20 or newer with npm is needed (https://nodejs.org); then run this again."
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  ((major >= 20)) || die "Node.js $(node --version) is too old: the web build needs Node.js 20 or newer."
}

install_packages() {
  (($# == 0)) && return 0
  if [[ ! -f /etc/debian_version ]] || ! have apt-get; then
    die "missing: $* — this script installs them with apt on Debian 12; on this system install them by hand, then run again."
  fi
  local sudo=()
  if ((EUID != 0)); then
    have sudo || die "missing: $* — run as root (or install sudo) so apt-get can install them."
    sudo=(sudo)
  fi
  say "installing with apt: $*"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}

npm_install() {
  # Reinstall only when the lock file is newer than what node_modules holds.
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

deps() {
  local want=()
  mapfile -t want < <(missing_packages START_DEPS)
  if [[ "${1:-}" == test || "${1:-}" == bench ]]; then
    mapfile -t -O "${#want[@]}" want < <(missing_packages TEST_DEPS)
  fi
  if [[ "${1:-}" == bench ]]; then mapfile -t -O "${#want[@]}" want < <(missing_packages BENCH_DEPS); fi
  install_packages "${want[@]}"
  check_node
  npm_install
}

# ---------------------------------------------------------------------- builds

configure() {  # configure a preset once; later builds are incremental
  local preset=$1
  [[ -f "build/$preset/build.ninja" ]] || cmake --preset "$preset" >/dev/null
}

# Copies a file only when its content changed, so the page's build stamp and
# the browser's cache see no change after a no-op build.
copy_if_changed() {
  local src=$1 dst=$2
  mkdir -p "$(dirname "$dst")"
  cmp -s "$src" "$dst" 2>/dev/null || cp "$src" "$dst"
}

build_wasm() {  # build_wasm [-exercises]: the page's two modules, or those with the learner's functions
  local suffix=${1:-} preset flavor out f
  for preset in wasm-threads wasm-single; do
    flavor=${preset#wasm-}
    say "building the $flavor wasm module${suffix:+ with your hand-written functions (course/day*/handwrite)}"
    configure "$preset$suffix"
    cmake --build "build/$preset$suffix" --target rtlab_web
    out="build/$preset$suffix/wasm_bindings"
    for f in rtlab.mjs rtlab.wasm rtlab.worker.js; do
      if [[ -f "$out/$f" ]]; then copy_if_changed "$out/$f" "public/wasm/$flavor/$f"; fi
    done
  done
}

build_web() {
  # vite build only when an input is newer than the last build.
  local stamp=dist/.build-stamp
  if [[ -f $stamp ]] && [[ -z "$(find web public vite.config.ts tsconfig.json package-lock.json -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  say "building the web page"
  npx vite build --logLevel warn
  touch "$stamp"
}

build() {
  build_wasm
  build_web
}

# ----------------------------------------------------------------------- start

start() {
  # --exercises: the page runs the runtime built from the learner's files
  # (cmake --preset exercises' choice of files), so their runqsteal shows in the timeline.
  local suffix="" args=() a
  for a in "$@"; do
    if [[ $a == --exercises ]]; then suffix=-exercises; else args+=("$a"); fi
  done
  deps start
  build_wasm "$suffix"
  build_web
  say "serving the lab${suffix:+ (built with your hand-written functions)} (Ctrl-C to stop)"
  exec node scripts/serve.mjs --dir dist "${args[@]}"
}

# ------------------------------------------------------------------------ test

STAGES_PASSED=0
STAGES_FAILED=0
FAILED_NAMES=()

stage() {  # stage <name> <command...>: run one test stage, keep going on failure
  local name=$1 started=$SECONDS
  shift
  say "test: $name"
  if "$@"; then
    STAGES_PASSED=$((STAGES_PASSED + 1))
    say "passed in $((SECONDS - started)) s: $name"
  else
    STAGES_FAILED=$((STAGES_FAILED + 1))
    FAILED_NAMES+=("$name")
    say "FAILED after $((SECONDS - started)) s: $name"
  fi
}

ctest_preset() {  # ctest_preset <preset> [ctest arguments...]
  local preset=$1
  shift
  configure "$preset"
  cmake --build "build/$preset" && ctest --preset "$preset" --timeout 600 "$@"
}

test_all() {
  deps test
  stage "the repository stands alone" node scripts/checks/selfContained.mjs
  stage "native ctest" ctest_preset native
  stage "Go-format lines field by field against Go 1.19" node bench/formats.mjs
  # The tests that grade the hand-write days (label `graded`) run under
  # ThreadSanitizer in the hand-write stage, on core's own files: not twice.
  stage "native ctest under ThreadSanitizer (the graded tests: in the hand-write stage)" ctest_preset native-tsan -LE graded
  stage "native ctest under ASan+UBSan" ctest_preset native-asan
  stage "fuzzing the input parsers (libFuzzer, 30 s per target)" bash scripts/fuzz.sh 30
  stage "hand-write exercises: the skeletons fail, core's functions pass" node scripts/grade.mjs --prove
  stage "wasm ctest under node (threads)" ctest_preset wasm-threads
  stage "wasm modules and page build" build
  stage "wasm ctest under node (single-threaded: the simulator only)" ctest_preset wasm-single
  stage "web unit tests" npx vitest run
  stage "the wasm lab under node: every exercise and experiment of the course replayed, memory reused across runs" env RTLAB_WASM_TESTS=1 npx vitest run
  stage "browser end-to-end tests" node --test tests/e2e/
  echo
  if ((STAGES_FAILED > 0)); then
    printf 'lab: failed stages: %s\n' "${FAILED_NAMES[*]}"
  fi
  echo "stages: $STAGES_PASSED passed, $STAGES_FAILED failed"
  ((STAGES_FAILED == 0))
}

case "${1:-}" in
  start) shift; start "$@" ;;
  test) shift; test_all "$@" ;;
  build) shift; deps start; build ;;
  deps)
    shift
    case "${1:-}" in
      "") deps test ;;
      bench) deps bench ;;
      *) die "usage: scripts/lab.sh deps [bench]" ;;
    esac
    ;;
  *) die "usage: scripts/lab.sh start [--port N] [--plain-port N] [--exercises] | test | build | deps [bench]" ;;
esac
