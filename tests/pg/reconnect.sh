#!/usr/bin/env bash
# A PostgreSQL restart under a running hccstudy server: requests after it
# succeed without restarting hccstudy (each thread's connection is reset
# and its statements prepared again), and study ids continue without a
# gap.  Needs the server that
# tests/run.sh --engine postgres started (HCCSTUDY_TEST_PG_DIR).
# Prints "N passed, N failed".
#   tests/pg/reconnect.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: reconnect.sh HCCSTUDY}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
. "$root/tests/lib/db.sh"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
if [ -z "${HCCSTUDY_TEST_PG_DIR:-}" ]; then
  echo "reconnect.sh: run by tests/run.sh --engine postgres"
  echo "0 passed, 1 failed"
  exit 1
fi
db=$(test_db reconnect)
"$bin" demo --db "$db" --patients 6 >/dev/null 2>&1; check demo $?
port=$((20000 + RANDOM % 20000))
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --threads 2 >"$tmp/log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port/api/v1"
for _ in $(seq 1 50); do curl -s "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done
csrf=$(curl -s -c "$tmp/jar" -X POST "$base/session" -d '{"username":"coordinator.tjh","password":"hccstudy-demo-2026"}' | jq -r .csrf)
[ -n "$csrf" ] && [ "$csrf" != null ]; check login $?
# Warm every thread's connection and the writer's.
for _ in 1 2 3 4; do curl -s -o /dev/null -b "$tmp/jar" "$base/patients"; done
code=$(curl -s -o "$tmp/p1" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -X POST "$base/patients" -d '{}')
[ "$code" = 201 ]; check "write before the restart" $?
bash "$root/tests/lib/pg.sh" restart "$HCCSTUDY_TEST_PG_DIR"; check "PostgreSQL restarted" $?
ok=0
for _ in 1 2 3 4 5 6; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/jar" "$base/patients")
  [ "$code" = 200 ] && ok=$((ok + 1))
done
[ "$ok" = 6 ]; check "reads after the restart: 6 of 6 succeed ($ok)" $?
code=$(curl -s -o "$tmp/p2" -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -X POST "$base/patients" -d '{}')
[ "$code" = 201 ]; check "write after the restart ($code)" $?
[ "$(jq -r .code "$tmp/p1")" = TJH-0002 ] && [ "$(jq -r .code "$tmp/p2")" = TJH-0003 ]; check "study ids continue without a gap" $?
# With the database down, a logged-in request is 503 (the database), never
# 401 (which would log the user out); afterwards it works again.
bash "$root/tests/lib/pg.sh" halt "$HCCSTUDY_TEST_PG_DIR"; check "PostgreSQL stopped" $?
code=$(curl -s -o "$tmp/down" -w '%{http_code}' -b "$tmp/jar" "$base/patients")
[ "$code" = 503 ] && [ "$(jq -r .error.code "$tmp/down")" = E_DATABASE ]; check "database down: 503 E_DATABASE ($code)" $?
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -X POST "$base/patients" -d '{}')
[ "$code" = 503 ]; check "database down: a write is 503 ($code)" $?
bash "$root/tests/lib/pg.sh" resume "$HCCSTUDY_TEST_PG_DIR"; check "PostgreSQL started again" $?
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$tmp/jar" "$base/patients")
[ "$code" = 200 ]; check "the same session works afterwards ($code)" $?
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
HCCSTUDY_DB=$db HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=hccstudy-demo-2026 "$bin" audit verify >/dev/null 2>&1; check "audit chain verifies" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
