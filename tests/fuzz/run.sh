#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD SECONDS [HARNESS...]: run each libFuzzer harness
# (BUILD/fuzz_*; `make fuzz-build` makes them) for SECONDS seconds on a
# copy of its seed corpus tests/fuzz/corpus/NAME/ (the seeds stay as they
# are; new inputs go to BUILD/corpus/NAME/, crashes to BUILD/crashes/NAME/),
# under ASan+UBSan with the leak check on.  Prints one line per harness
# (execs, exec/s, corpus size, result) and ends with "N passed, N failed":
# a harness passes when it ran its time without a crash, leak, timeout or
# out-of-memory.  FUZZ_JOBS (default 1) harnesses run at once.
set -u
build=${1:?usage: run.sh BUILD SECONDS [HARNESS...]}
secs=${2:?usage: run.sh BUILD SECONDS [HARNESS...]}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
if [ $# -eq 0 ]; then
  set -- $(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')
fi
jobs=${FUZZ_JOBS:-1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local name=$1 bin="$build/fuzz_$1" work="$build/corpus/$1"
  local crashes="$build/crashes/$1" log="$build/logs/$1.log"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  if [ ! -x "$bin" ]; then
    echo "missing $bin" >"$log"
    return
  fi
  # -max_len: the largest seed, at least 4096 bytes (libFuzzer's default).
  local max
  max=$(find "tests/fuzz/corpus/$name" -type f -printf '%s\n' |
        sort -n | tail -1)
  [ "${max:-0}" -lt 4096 ] && max=4096
  "$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
    -max_len="$max" -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$work" "tests/fuzz/corpus/$name" \
    >"$log" 2>&1
  echo $? >"$log.rc"
}

pids=()
for name in "$@"; do
  run_one "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}"
    pids=("${pids[@]:1}")
  fi
done
wait

pass=0 fail=0
printf '%-12s %12s %8s %10s  %s\n' harness execs exec/s corpus result
for name in "$@"; do
  log="$build/logs/$name.log"
  rc=$(cat "$log.rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" = 0 ] && ! grep -q 'ERROR: \|==ERROR\|runtime error' "$log"; then
    result=ok
    pass=$((pass + 1))
  else
    result="FAILED (exit $rc; $(grep -m1 -o 'ERROR: .*\|runtime error.*\|missing .*' "$log" | cut -c1-70); see $log)"
    fail=$((fail + 1))
  fi
  printf '%-12s %12s %8s %10s  %s\n' "$name" "${execs:-0}" "${rate:-0}" \
    "${corp:--}" "$result"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
