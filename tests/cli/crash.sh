#!/usr/bin/env bash
# Crash test: a writer killed with SIGKILL in the middle of a stream of
# audited saves loses no committed record, and the audit chain still
# verifies.  Prints "N passed, N failed".
#   tests/cli/crash.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: crash.sh HCCSTUDY}
tmp=$(mktemp -d)
. "$(cd "$(dirname "$0")/../lib" && pwd)/db.sh"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
export HCCSTUDY_DB=$(test_db study) HCCSTUDY_ADMIN_PASSWORD=admin-password-123
"$bin" init >/dev/null 2>&1; check init $?
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" site add --code S1 --name "Site 1" >/dev/null 2>&1
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 HCCSTUDY_NEW_PASSWORD=coord-password-1 \
  "$bin" user add --username c1 --role coordinator --site S1 >/dev/null 2>&1; check "user" $?
for round in 1 2 3; do
  HCCSTUDY_USER=c1 HCCSTUDY_PASSWORD=coord-password-1 "$bin" test-writer --patients 5 --records 100000 \
    >"$tmp/w$round.out" 2>/dev/null &
  pid=$!
  # Wait until some saves are committed, then kill without warning.
  for _ in $(seq 1 100); do
    [ "$(grep -c committed "$tmp/w$round.out" 2>/dev/null)" -ge 20 ] && break
    sleep 0.05
  done
  sleep 0.$((RANDOM % 5 + 1))
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  n=$(grep -c committed "$tmp/w$round.out")
  [ "$n" -ge 20 ]; check "round $round: writer committed before the kill ($n)" $?
  # Every id the writer saw committed is in the database.
  HCCSTUDY_USER=c1 HCCSTUDY_PASSWORD=coord-password-1 "$bin" export >"$tmp/export.json" 2>&1; check "round $round: export" $?
  jq -r '.casebooks[].records[].id' "$tmp/export.json" | sort >"$tmp/ids"
  grep committed "$tmp/w$round.out" | awk '{print $2}' | sort >"$tmp/committed"
  missing=$(comm -23 "$tmp/committed" "$tmp/ids" | wc -l)
  [ "$missing" -eq 0 ]; check "round $round: no committed record lost (missing $missing)" $?
  HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" audit verify >"$tmp/v" 2>&1; check "round $round: audit chain verifies" $?
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
