#!/usr/bin/env bash
# The audit trail vouches for the data (issue 14, item 1): every row the
# store writes is sealed in the trail (src/store/seal.c), and `audit
# verify` compares each row with its newest seal.  Attacked as someone
# with the database would attack it, on either engine (sqlite3 or psql),
# one case per sealed table, each undone before the next:
#   * a column changed by SQL (an AE grade 2 -> 1, a patient's cohort and
#     status, a user promoted to admin, a token's scope widened, ...):
#     exit 1 naming the table, the row and the column;
#   * a record row inserted, a query row deleted: named as added / removed
#     outside the store;
#   * every audit row deleted (triggers dropped): every row is then unsealed;
#   * undone, the study verifies again; a clean and a migrated study verify.
# Prints "N passed, N failed".
#   tests/cli/seal.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: seal.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
server_demo seal 16
export HCCSTUDY_PASSWORD=$demo_pw
sql() { # sql STATEMENT: as the attacker, on either engine
  if [ -n "${HCCSTUDY_TEST_PG:-}" ]; then psql -Atq "$db" -c "$1"; else sqlite3 "$db" "$1"; fi
}
verify() { HCCSTUDY_USER=pi "$bin" audit verify --db "$db" "$@" >"$tmp/v.out" 2>&1; }
verify; r=$?
[ $r = 0 ] && grep -q "rows equal their seals" "$tmp/v.out"; check "a clean demo study verifies ($(head -c 100 "$tmp/v.out"))" $?
# Data the demo does not make: an SDV mark, a signature, an API token.
R=$(sql "SELECT min(r.id) FROM record r JOIN patient p ON p.id = r.patient_id JOIN site s ON s.id = p.site_id WHERE s.code = 'TJH' AND r.kind = 'adverse_event'")
P=$(sql "SELECT p.code FROM record r JOIN patient p ON p.id = r.patient_id WHERE r.id = $R")
HCCSTUDY_USER=monitor "$bin" sdv --db "$db" --record "$R" >/dev/null 2>&1 ||
  HCCSTUDY_USER=monitor "$bin" sdv --db "$db" "$R" >/dev/null 2>&1
check "SDV of record $R" $?
HCCSTUDY_USER=coordinator.tjh "$bin" token create --db "$db" --name t --scope read >/dev/null 2>&1
check "an API token" $?
verify; check "the study verifies after them" $?

# tamper NAME EXPECT SQL UNDO: SQL makes verify fail naming EXPECT; UNDO
# restores the row and verify passes again.
tamper() {
  local name=$1 expect=$2 bad=$3 undo=$4
  sql "$bad" >/dev/null
  verify; local r=$?
  [ $r = 1 ] && grep -qF "$expect" "$tmp/v.out"
  check "$name: exit $r, '$expect' ($(grep -m1 '^  ' "$tmp/v.out" | head -c 90))" $?
  sql "$undo" >/dev/null
  verify; check "$name undone: verifies again" $?
}
sid=$(sql "SELECT id FROM site WHERE code = 'TJH'")
uid=$(sql "SELECT id FROM app_user WHERE username = 'monitor'")
pid=$(sql "SELECT patient_id FROM record WHERE id = $R")
qid=$(sql "SELECT min(id) FROM query")
tid=$(sql "SELECT min(id) FROM api_token")
sql "CREATE TABLE keep_study AS SELECT protocol_json FROM study"
tamper "study: the protocol" "study 1: protocol_json changed" \
  "UPDATE study SET protocol_json = protocol_json || ' '" \
  "UPDATE study SET protocol_json = (SELECT protocol_json FROM keep_study)"
sql "CREATE TABLE keep_site AS SELECT name FROM site WHERE id = $sid"
tamper "site: its name" "site $sid: name changed" \
  "UPDATE site SET name = 'Elsewhere' WHERE id = $sid" \
  "UPDATE site SET name = (SELECT name FROM keep_site) WHERE id = $sid"
role=$(sql "SELECT role FROM app_user WHERE id = $uid")
tamper "app_user: a monitor promoted to admin" "app_user $uid: role changed" \
  "UPDATE app_user SET role = 'admin' WHERE id = $uid" \
  "UPDATE app_user SET role = '$role' WHERE id = $uid"
st=$(sql "SELECT status FROM patient WHERE id = $pid")
co=$(sql "SELECT cohort FROM patient WHERE id = $pid")
other=$([ "$co" = HAIC ] && echo TACE || echo HAIC)
tamper "patient: the cohort" "patient $pid: cohort changed" \
  "UPDATE patient SET cohort = '$other' WHERE id = $pid" \
  "UPDATE patient SET cohort = '$co' WHERE id = $pid"
tamper "patient: the status" "patient $pid: status changed" \
  "UPDATE patient SET status = 'off_study' WHERE id = $pid AND status <> 'off_study'; UPDATE patient SET status = 'enrolled' WHERE id = $pid AND '$st' = 'off_study'" \
  "UPDATE patient SET status = '$st' WHERE id = $pid"
g=$(sql "SELECT data FROM record WHERE id = $R" | sed -n 's/.*"grade":\([0-9]\).*/\1/p')
ng=$(( g == 1 ? 2 : 1 ))
tamper "record: an adverse event's grade $g -> $ng" "record $R: data changed" \
  "UPDATE record SET data = replace(data, '\"grade\":$g', '\"grade\":$ng') WHERE id = $R" \
  "UPDATE record SET data = replace(data, '\"grade\":$ng', '\"grade\":$g') WHERE id = $R"
tamper "derived: the derived values" "derived $pid: data changed" \
  "UPDATE derived SET data = data || '~x~' WHERE patient_id = $pid" \
  "UPDATE derived SET data = replace(data, '~x~', '') WHERE patient_id = $pid"
tamper "query: its text" "query $qid: text changed" \
  "UPDATE query SET text = text || '~x~' WHERE id = $qid" \
  "UPDATE query SET text = replace(text, '~x~', '') WHERE id = $qid"
tamper "sdv: who verified" "sdv $R: verified_by changed" \
  "UPDATE sdv SET verified_by = 'someone' WHERE record_id = $R" \
  "UPDATE sdv SET verified_by = 'monitor' WHERE record_id = $R"
sg=$(sql "SELECT min(id) FROM signature")
tamper "signature: its meaning" "signature $sg: meaning changed" \
  "UPDATE signature SET meaning = meaning || '~x~' WHERE id = $sg" \
  "UPDATE signature SET meaning = replace(meaning, '~x~', '') WHERE id = $sg"
tamper "api_token: its scope widened" "api_token $tid: scope changed" \
  "UPDATE api_token SET scope = 'GET api/v1/patients,POST api/v1/import' WHERE id = $tid" \
  "UPDATE api_token SET scope = 'read' WHERE id = $tid"
# A row added, a row removed.
sql "INSERT INTO record(patient_id, kind, data, created_utc, updated_utc) VALUES ($pid, 'lab', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
new=$(sql "SELECT max(id) FROM record")
verify; r=$?
[ $r = 1 ] && grep -qF "record $new: a row the store never wrote" "$tmp/v.out"; check "a record row inserted: exit $r, named" $?
sql "DELETE FROM record WHERE id = $new"
verify; check "removed again: verifies" $?
sql "CREATE TABLE keep_query AS SELECT * FROM query WHERE id = $qid"
sql "DELETE FROM query WHERE id = $qid"
verify; r=$?
[ $r = 1 ] && grep -qF "query $qid: removed outside the store" "$tmp/v.out"; check "a query row deleted: exit $r, named" $?
sql "INSERT INTO query SELECT * FROM keep_query"
verify; check "restored: verifies" $?
# Every audit row deleted (the triggers dropped first).
if [ -n "${HCCSTUDY_TEST_PG:-}" ]; then
  sql "DROP TRIGGER audit_no_delete ON audit; DROP TRIGGER audit_no_truncate ON audit"
else
  sql "DROP TRIGGER audit_no_delete"
fi
sql "DELETE FROM audit"
verify; r=$?
[ $r = 1 ] && grep -q "rows changed, added or removed" "$tmp/v.out"; check "every audit row deleted: exit $r, every row unsealed" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
