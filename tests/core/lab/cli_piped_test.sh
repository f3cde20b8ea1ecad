#!/usr/bin/env bash
# The native CLI with piped input (not a terminal): no prompt and no line
# editor, one answer per line, errors on stderr with their line number; and
# a run left going in the background is stopped at end of input rather than
# waited for.
set -u
rtlab=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

out=$(printf 'env GOMAXPROCS=3\nnosuch\nversion\n' | "$rtlab" 2>"$dir/err")
status=$?
[[ $status == 1 ]] || fail "exit status $status, want 1 (a line failed)"
[[ "$out" == *"GOMAXPROCS=3"* ]] || fail "env's answer missing: $out"
[[ "$out" != *"rtlab>"* ]] || fail "a prompt was printed for piped input: $out"
[[ "$(head -1 <<<"$out")" == "GOMAXPROCS=3" ]] || fail "first line is not env's answer: $out"
grep -qx 'rtlab: line 2: error: unknown command "nosuch".*' "$dir/err" || fail "stderr: $(cat "$dir/err")"
[[ $(wc -l <"$dir/err") == 1 ]] || fail "more than one error line: $(cat "$dir/err")"

# A background run that would go on for an hour: end of input stops it.
printf 'go main:\n  repeat 10000000:\n    syscall 1h\n' >"$dir/endless.scn"
printf 'run --file %s --engine real --background\n' "$dir/endless.scn" | timeout 60 "$rtlab" >/dev/null 2>&1
status=$?
[[ $status != 124 ]] || fail "rtlab waited for the background run at end of input"
echo ok
