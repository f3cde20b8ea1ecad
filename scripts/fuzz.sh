#!/usr/bin/env bash
# Fuzzes the lab's input parsers with libFuzzer for a bounded time:
#
#   scripts/fuzz.sh [SECONDS]     each target for SECONDS (default 45)
#
# Targets (tests/fuzz/): fuzz_shell (the shell's tokenizer, command parser
# and completion), fuzz_script (the scenario-script parser), fuzz_env
# (GOMAXPROCS, GOGC, GOMEMLIMIT, GODEBUG). They are built with clang in
# build/fuzz (cmake -DRTLAB_FUZZ=ON: coverage, ASan, UBSan) and start from
# the seed corpus in tests/fuzz/corpus/<target>/; what they learn goes to
# build/fuzz/corpus/<target>/ (not committed). A crash stops the script with
# the input that caused it: fix the bug, then add the input to
# tests/fuzz/corpus/<target>/ so the gtest suite replays it in every build.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-45}
tree=${RTLAB_FUZZ_TREE:-build/fuzz}  # RTLAB_FUZZ_TREE: another build tree
command -v clang++ >/dev/null || { echo "fuzz: clang++ is needed (Debian: clang)" >&2; exit 1; }

if [[ ! -f $tree/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$tree" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRTLAB_FUZZ=ON -DRTLAB_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$tree" --target fuzz_shell fuzz_script fuzz_env

status=0
for target in shell script env; do
  work=$tree/corpus/$target
  mkdir -p "$work" "$tree/crashes/$target"
  echo "==> fuzz_$target for ${seconds}s"
  # -max_len: a line is at most 64 KiB, a script 1 MiB; longer inputs only
  # test the size checks, and slow the search down. A run ends with a
  # non-zero status and a crash-* file if a property broke.
  if ! "$tree/tests/fuzz/fuzz_$target" "$work" "tests/fuzz/corpus/$target" -max_total_time="$seconds" -max_len=4096 \
    -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$tree/crashes/$target/" \
    -dict="tests/fuzz/$target.dict" 2>"$tree/fuzz_$target.log"; then
    tail -40 "$tree/fuzz_$target.log" >&2
    echo "fuzz: fuzz_$target found a crash: $(ls "$tree/crashes/$target/")" >&2
    status=1
  else
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$tree/fuzz_$target.log" || true
  fi
done
exit $status
