#!/usr/bin/env bash
# Runs every test layer against one build directory and prints the total as
# the last line, "N passed, N failed".  Each layer prints its own
# "N passed, N failed" line; a layer that crashes or prints no such line
# counts as one failure.
#   tests/run.sh BUILD_DIR [--engine sqlite|postgres]
# With --engine postgres every layer runs against a real PostgreSQL server
# that this script starts from Debian's packages on a loopback port, in a
# temporary directory, as an unprivileged user (tests/lib/pg.sh), and stops
# at the end; the tests/pg layer (several servers, restarts) is added.  The
# validation scripts that open no study database (the statistics against
# R) run with the default engine only: they would repeat the same numbers.
set -u
build=${1:-build}
engine=sqlite
if [ "${2:-}" = --engine ]; then engine=${3:?--engine sqlite|postgres}; fi
case $engine in sqlite | postgres) ;; *) echo "run.sh: --engine sqlite|postgres" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
export HCCSTUDY="$root/$build/hccstudy"
export HCCSTUDY_ROOT="$root"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
total_pass=0
total_fail=0
log=$(mktemp)
pgdir=""
cleanup() {
  rm -f "$log"
  [ -n "$pgdir" ] && bash "$root/tests/lib/pg.sh" stop "$pgdir"
}
trap cleanup EXIT
unset HCCSTUDY_TEST_PG
if [ "$engine" = postgres ]; then
  pgdir=$(mktemp -u /tmp/hcc-pg.XXXXXX)
  if ! HCCSTUDY_TEST_PG=$(bash "$root/tests/lib/pg.sh" start "$pgdir"); then
    echo "!! could not start PostgreSQL"
    echo "0 passed, 1 failed"
    exit 1
  fi
  export HCCSTUDY_TEST_PG HCCSTUDY_TEST_PG_DIR=$pgdir
  echo "engine: postgres $(psql "$HCCSTUDY_TEST_PG" -qAtc 'SHOW server_version') on 127.0.0.1, server run by $(ps -o user= -p "$(head -n 1 "$pgdir/data/postmaster.pid")")"
else
  echo "engine: sqlite"
fi

# run_layer NAME COMMAND...: run one layer, add its closing line to the total.
run_layer() {
  local name=$1
  shift
  "$@" >"$log" 2>&1
  local rc=$?
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    cat "$log"
    echo "!! $name: no result line (exit $rc)"
    total_fail=$((total_fail + 1))
    return
  fi
  local p f
  p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    echo "!! $name exited $rc"
  fi
  if [ "$f" -ne 0 ]; then
    grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 60
  fi
  printf '%-28s %s\n' "$name" "$line"
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

# The rules of docs/style.md that a machine can check (tools/checksrc.sh).
run_layer checksrc bash "$root/tools/checksrc.sh" "$root"
for t in "$root/$build"/tests/test_*; do
  [ -x "$t" ] || continue
  run_layer "unit/$(basename "$t")" "$t"
done
run_layer golden bash "$root/tests/golden/run.sh" "$HCCSTUDY"
for v in "$root"/tests/cli/*.sh; do
  run_layer "cli/$(basename "$v" .sh)" bash "$v" "$HCCSTUDY"
done
for v in "$root"/tests/http/*.sh; do
  run_layer "http/$(basename "$v" .sh)" bash "$v" "$HCCSTUDY"
done
run_layer e2e/journey bash "$root/tests/e2e/run.sh" "$HCCSTUDY"
# PostgreSQL only: several servers on one database, a server restart.
if [ "$engine" = postgres ]; then
  for v in "$root"/tests/pg/*.sh; do
    [ -f "$v" ] || continue
    run_layer "pg/$(basename "$v" .sh)" bash "$v" "$HCCSTUDY"
  done
fi
for v in "$root"/tests/validation/*.sh; do
  [ -f "$v" ] || continue
  [ "$engine" = sqlite ] || grep -q test_db "$v" || continue
  run_layer "validation/$(basename "$v" .sh)" bash "$v" "$HCCSTUDY"
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
