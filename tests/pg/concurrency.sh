#!/usr/bin/env bash
# Concurrency test: two hccstudy servers on one PostgreSQL database, 64
# clients (each logged in on one server, each request sent to either) doing
# read-modify-write updates of the same few records, new records and new
# patients for 30 seconds.  Checks: every answer is 200, 201 or 409; every
# 409 is E_CONFLICT and refused a really stale version; no lost update (each
# record's accepted updates made versions 2..N, the database holds N and its
# value); every accepted write is in the audit trail once; created records
# exist; patient codes per site are unique and gap-free; `audit verify`
# passes.  Prints "N passed, N failed".
#   tests/pg/concurrency.sh PATH/TO/hccstudy [SECONDS]
# Uses the PostgreSQL server in $HCCSTUDY_TEST_PG (tests/run.sh --engine
# postgres) or starts its own (tests/lib/pg.sh).
set -u
src=${1:?usage: concurrency.sh HCCSTUDY [SECONDS]}
seconds=${2:-30}
clients=64
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
. "$here/../lib/db.sh"
pass=0
fail=0
pids=()
pgdir=""
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [ -n "$pgdir" ] && bash "$here/../lib/pg.sh" stop "$pgdir"
  rm -rf "$tmp"
}
trap cleanup EXIT
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit; }

# The client is a Node.js script (Debian's nodejs, as the browser layer).
if ! command -v node >/dev/null 2>&1; then
  bash "$here/../../scripts/e2e-deps.sh" >/dev/null 2>&1
fi
command -v node >/dev/null 2>&1; check "node (scripts/e2e-deps.sh)" $?
command -v node >/dev/null 2>&1 || finish

# Our own copy of the binary: the build directory may be rebuilt meanwhile.
cp "$src" "$tmp/hccstudy" || { check "copy $src" 1; finish; }
bin=$tmp/hccstudy
if [ -z "${HCCSTUDY_TEST_PG:-}" ]; then
  pgdir=$(mktemp -u /tmp/hcc-conc-pg.XXXXXX)
  HCCSTUDY_TEST_PG=$(bash "$here/../lib/pg.sh" start "$pgdir")
  check "start PostgreSQL" $?
  [ -n "$HCCSTUDY_TEST_PG" ] || finish
  export HCCSTUDY_TEST_PG
fi
db=$(test_db conc)
check "new schema" $?
"$bin" demo --db "$db" --patients 12 >"$tmp/demo.log" 2>&1
check "demo study" $?
export HCCSTUDY_PASSWORD=hccstudy-demo-2026

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}
urls=()
for s in a b; do
  port=$(free_port)
  "$bin" serve --db "$db" --listen "127.0.0.1:$port" --threads 4 >"$tmp/server-$s.log" 2>&1 &
  pids+=($!)
  url=http://127.0.0.1:$port/api/v1
  up=1
  for _ in $(seq 1 100); do
    curl -sf "$url/health" >/dev/null 2>&1 && { up=0; break; }
    sleep 0.1
  done
  check "server $s up on port $port" $up
  urls+=("$url")
done
[ "$up" -eq 0 ] || { tail -n 20 "$tmp"/server-*.log; finish; }

node "$here/concurrency.mjs" run "${urls[0]}" "${urls[1]}" "$seconds" "$clients" "$tmp/log.json" 2>&1 | tee "$tmp/run.out"
check "clients ran ($clients clients, $seconds s)" "${PIPESTATUS[0]}"
# Both servers still alive after the load, then stopped: what follows reads
# the database directly.
alive=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || alive=1; done
check "both servers survived" $alive
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
pids=()
if grep -qiE 'error|assert|sanitizer|panic' "$tmp"/server-*.log; then
  echo "server logs:"; grep -iE 'error|assert|sanitizer|panic' "$tmp"/server-*.log | head -n 20
  check "no error in the server logs" 1
else
  check "no error in the server logs" 0
fi

"$bin" export --db "$db" --user monitor >"$tmp/export.json" 2>"$tmp/export.err"
check "export" $?
"$bin" audit log --db "$db" --user monitor --json --limit 100000000 >"$tmp/audit.json" 2>"$tmp/audit.err"
check "audit log" $?
if [ -s "$tmp/log.json" ]; then
  node "$here/concurrency.mjs" check "$tmp/log.json" "$tmp/export.json" "$tmp/audit.json" >"$tmp/check.out" 2>&1
  rc=$?
  n=0
  while IFS= read -r line; do
    case $line in
      "PASS "*) check "${line#PASS }" 0; n=$((n + 1)) ;;
      "FAIL "*) check "${line#FAIL }" 1; n=$((n + 1)) ;;
      *) echo "$line" ;;
    esac
  done <"$tmp/check.out"
  [ "$rc" -eq 0 ] && [ "$n" -ge 20 ]; check "checks ran ($n, exit $rc)" $?
else
  check "client log written" 1
fi
HCCSTUDY_PASSWORD=hccstudy-demo-2026 "$bin" audit verify --db "$db" --user admin >"$tmp/verify.out" 2>&1
check "audit verify: $(head -n 1 "$tmp/verify.out")" $?
finish
