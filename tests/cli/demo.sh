#!/usr/bin/env bash
# The demo study: created through the store, consistent and auditable.
#   tests/cli/demo.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: demo.sh HCCSTUDY}
tmp=$(mktemp -d)
. "$(cd "$(dirname "$0")/../lib" && pwd)/db.sh"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
db=$(test_db demo)
"$bin" demo --db "$db" --patients 48 >"$tmp/out" 2>&1; check "demo" $?
grep -q "hccstudy-demo-2026" "$tmp/out"; check "demo prints the password" $?
"$bin" demo --db "$db" >/dev/null 2>&1; [ $? -eq 2 ]; check "demo never overwrites" $?
export HCCSTUDY_DB=$db HCCSTUDY_PASSWORD=hccstudy-demo-2026
HCCSTUDY_USER=pi "$bin" status --json >"$tmp/s" 2>&1; check "status" $?
[ "$(jq '[.by_site[].patients] | add' "$tmp/s")" = 48 ]; check "48 patients" $?
[ "$(jq '[.by_site[].site] | unique | length' "$tmp/s")" = 6 ]; check "6 centres" $?
[ "$(jq '(.due_this_week | type) == "number" and (.recent_aes | type) == "array" and all(.recent_aes[]; .grade >= 3)' "$tmp/s")" = true ]; check "status: visits due this week, recent grade >= 3 AEs" $?
HCCSTUDY_USER=coordinator.tjh "$bin" status --json >"$tmp/s" 2>&1
[ "$(jq '[.by_site[].site] | unique' -c "$tmp/s")" = '["TJH"]' ]; check "a coordinator sees only its centre" $?
HCCSTUDY_USER=monitor "$bin" export >"$tmp/e" 2>&1; check "export" $?
[ "$(jq '[.casebooks[].signatures[] | select(.valid)] | length' "$tmp/e")" -gt 0 ]; check "signed casebooks" $?
[ "$(jq '[.casebooks[] | select(.derived.endpoints.pfs.event == true)] | length' "$tmp/e")" -gt 0 ]; check "progressions derived" $?
HCCSTUDY_USER=monitor "$bin" query list --json >"$tmp/q" 2>&1; check "queries" $?
[ "$(jq '.queries | length' "$tmp/q")" -gt 0 ]; check "queries exist" $?
HCCSTUDY_USER=admin "$bin" audit verify >/dev/null 2>&1; check "audit chain verifies" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
