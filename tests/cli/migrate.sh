#!/usr/bin/env bash
# hccstudy migrate: a running study moved from a SQLite file into another
# database (PostgreSQL when tests/run.sh runs with --engine postgres, a new
# SQLite file otherwise) with its whole audit trail, verified on arrival.
# Prints "N passed, N failed".
#   tests/cli/migrate.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: migrate.sh HCCSTUDY}
tmp=$(mktemp -d)
. "$(cd "$(dirname "$0")/../lib" && pwd)/db.sh"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
export HCCSTUDY_PASSWORD=hccstudy-demo-2026
src=$tmp/source.db
to=$(test_db target)
echo "target engine: $(test_engine)"
"$bin" demo --db "$src" --patients 24 >/dev/null 2>&1; check "source study" $?
# Some history beyond the demo: a record changed with a reason.
HCCSTUDY_DB=$src HCCSTUDY_USER=admin "$bin" audit log --json --limit 1000000 >"$tmp/src-audit.json" 2>&1; check "source audit log" $?
n_src=$(jq '.entries | length' "$tmp/src-audit.json")

# Refusals: exit 2, a message naming the option, nothing written.
"$bin" migrate --from "$src" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- "--to" "$tmp/out"; check "--to required" $?
"$bin" migrate --from "$tmp/none.db" --to "$to" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -- "--from" "$tmp/out"; check "missing source named" $?
"$bin" migrate --from "$src" --to "$src" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ]; check "same database refused" $?
"$bin" migrate --from "$src" --to "$tmp/source.db" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ]; check "existing SQLite target refused" $?

# A source whose audit trail was edited behind the database's back is not
# moved: verification on arrival fails and the target keeps no study.
cp "$src" "$tmp/tampered.db"
sqlite3 "$tmp/tampered.db" "DROP TRIGGER audit_no_update; UPDATE audit SET new_value = 'X' WHERE seq = 10" ; check "tamper the copy (sqlite3)" $?
bad=$(test_db bad)
"$bin" migrate --from "$tmp/tampered.db" --to "$bad" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "does not verify" "$tmp/out"; check "tampered trail refused on arrival" $?
HCCSTUDY_DB=$bad HCCSTUDY_USER=admin "$bin" status >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ]; check "refused copy left no study" $?

# The move.
"$bin" migrate --from "$src" --to "$to" >"$tmp/out" 2>&1; check "migrate" $?
grep -q "audit chain" "$tmp/out"; check "migrate reports the verification" $?
if [ "$(test_engine)" = postgres ]; then
  ! grep -q "$(echo "$HCCSTUDY_TEST_PG" | sed -E 's|.*://[^:]*:([^@]*)@.*|\1|')" "$tmp/out"; check "password not printed" $?
fi
"$bin" migrate --from "$src" --to "$to" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q -E "already holds a study|exists" "$tmp/out"; check "second migrate refused" $?

# Same study on arrival: casebooks, users, the audit trail plus one entry.
HCCSTUDY_DB=$src HCCSTUDY_USER=monitor "$bin" export >"$tmp/a.json" 2>&1
HCCSTUDY_DB=$to HCCSTUDY_USER=monitor "$bin" export >"$tmp/b.json" 2>&1; check "export from the target (login works)" $?
[ "$(jq -S . "$tmp/a.json" | sha256sum)" = "$(jq -S . "$tmp/b.json" | sha256sum)" ]; check "casebooks identical" $?
[ "$(jq '.casebooks | length' "$tmp/b.json")" = 24 ]; check "24 casebooks" $?
HCCSTUDY_DB=$to HCCSTUDY_USER=admin "$bin" audit verify >"$tmp/out" 2>&1; check "audit verify on the target" $?
HCCSTUDY_DB=$to HCCSTUDY_USER=admin "$bin" audit log --json --limit 1000000 >"$tmp/to-audit.json" 2>&1
# The target's trail is the source's, entry for entry, then the move and this log read.
[ "$(jq -c '[.entries[] | [.seq, .hash]]' "$tmp/src-audit.json")" = "$(jq -c --argjson n "$n_src" '[.entries[:$n][] | [.seq, .hash]]' "$tmp/to-audit.json")" ]; check "audit entries and hashes carried over" $?
[ "$(jq -r --argjson n "$n_src" '.entries[$n].action' "$tmp/to-audit.json")" = migrate ]; check "the move is audited" $?
HCCSTUDY_DB=$src HCCSTUDY_USER=admin "$bin" user list --json >"$tmp/u1" 2>&1
HCCSTUDY_DB=$to HCCSTUDY_USER=admin "$bin" user list --json >"$tmp/u2" 2>&1
[ -s "$tmp/u1" ] && cmp -s "$tmp/u1" "$tmp/u2"; check "accounts identical" $?

# The target takes new data: new ids follow the copied ones.
out=$(HCCSTUDY_DB=$to HCCSTUDY_USER=coordinator.tjh "$bin" patient add 2>&1); check "patient add on the target" $?
n_tjh=$(jq '[.casebooks[] | select(.patient.site == "TJH")] | length' "$tmp/a.json")
[ "$out" = "$(printf 'TJH-%04d' $((n_tjh + 1)))" ]; check "next study id ($out)" $?
cat >"$tmp/lab.json" <<JSON
{"patients": [{"code": "$out", "records": [
  {"kind": "lab", "data": {"date": "2026-03-01", "test": "ALT", "value": 40, "unit": "U/L"}}]}]}
JSON
HCCSTUDY_DB=$to HCCSTUDY_USER=coordinator.tjh "$bin" import --input "$tmp/lab.json" >"$tmp/out" 2>&1; check "record saved on the target" $?
max_src=$(jq '[.casebooks[].records[].id] | max' "$tmp/a.json")
HCCSTUDY_DB=$to HCCSTUDY_USER=coordinator.tjh "$bin" export --patient "$out" >"$tmp/c.json" 2>&1
[ "$(jq '.casebooks[0].records[0].id' "$tmp/c.json")" -gt "$max_src" ]; check "new record id above the copied ones" $?
HCCSTUDY_DB=$to HCCSTUDY_USER=admin "$bin" audit verify >/dev/null 2>&1; check "chain still verifies after new writes" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
