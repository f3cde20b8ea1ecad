#!/usr/bin/env bash
# The native CLI and Ctrl-C: rtlab reads a script whose run never ends; SIGINT
# stops that run (on the simulator, then on real threads), rtlab prints the
# one line saying so, and answers the next command. A SIGINT between commands
# is not sent: that one ends rtlab, as it ends any program.
#
#   cli_sigint_test.sh path/to/rtlab
set -u
rtlab=$1
dir=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  echo "--- stdout"; cat "$dir/out"
  echo "--- stderr"; cat "$dir/err"
  exit 1
}

printf 'go main:\n  repeat 10000000:\n    repeat 10000000:\n      yield\n' > "$dir/yield.scn"
printf 'go main:\n  cpu 1h\n' > "$dir/cpu.scn"

mkfifo "$dir/in"
"$rtlab" < "$dir/in" > "$dir/out" 2> "$dir/err" &
pid=$!
exec 3> "$dir/in"

# rtlab's CPU time so far, in clock ticks (all its threads).
cpuTicks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

# Sends a run whose program never ends and interrupts it. rtlab idles at
# almost no CPU between commands; once it has burnt 0.3 s of CPU time more
# than before, the run is under way (at most 30 s), and SIGINT is meant for it.
interruptRun() {  # engine script
  local before
  before=$(cpuTicks)
  echo "run --file $2 --engine $1 --timeout 0 --max-events 0" >&3
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || fail "rtlab exited early"
    [ $(($(cpuTicks) - before)) -ge 30 ] && break
    sleep 0.1
  done
  [ $(($(cpuTicks) - before)) -ge 30 ] || fail "the $1 run did not start"
  kill -INT "$pid"
}
interruptRun sim "$dir/yield.scn"
interruptRun real "$dir/cpu.scn"
echo "version --json" >&3
exec 3>&-

for _ in $(seq 300); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "rtlab did not end after its input did"
wait "$pid"
status=$?
pid=
[ "$status" = 1 ] || fail "exit status $status, want 1 (the two interrupted runs count as failures)"
# A stopped run is a failed line: its message goes to stderr.
grep -q '^yield: interrupted at .* (virtual), [0-9]* events into the run; it is paused there' "$dir/err" ||
  fail "no interrupted line for the simulator run"
grep -q '^cpu: interrupted; the run was ended .* into it (wall)' "$dir/err" ||
  fail "no interrupted line for the real run"
grep -q '"version"' "$dir/out" || fail "the command after the interrupts did not answer"
echo "ok"
