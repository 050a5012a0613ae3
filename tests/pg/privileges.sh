#!/usr/bin/env bash
# The least-privilege set-up of docs/deployment.md: the schema belongs to an
# owner role (init, migrate); the servers log in as a role that may read
# and write rows but neither change nor delete audit entries nor drop the
# triggers that guard them.  Needs tests/run.sh --engine postgres.
# Prints "N passed, N failed".
#   tests/pg/privileges.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: privileges.sh HCCSTUDY}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
. "$root/tests/lib/db.sh"
pass=0
fail=0
role="hcc_app_$$"
cleanup() {
  rm -rf "$tmp"
  [ -n "${HCCSTUDY_TEST_PG:-}" ] && psql "$HCCSTUDY_TEST_PG" -qc "DROP OWNED BY $role; DROP ROLE IF EXISTS $role" >/dev/null 2>&1
}
trap cleanup EXIT
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
if [ -z "${HCCSTUDY_TEST_PG:-}" ]; then
  echo "privileges.sh: run by tests/run.sh --engine postgres"
  echo "0 passed, 1 failed"
  exit 1
fi
owner_db=$(test_db priv)
schema=$(echo "$owner_db" | sed 's/.*search_path%3D//')
"$bin" demo --db "$owner_db" --patients 6 >/dev/null 2>&1; check "study created by the owner" $?
psql "$HCCSTUDY_TEST_PG" -q -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
CREATE ROLE $role LOGIN PASSWORD 'app-password-123';
GRANT USAGE ON SCHEMA $schema TO $role;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA $schema TO $role;
REVOKE UPDATE, DELETE, TRUNCATE ON $schema.audit FROM $role;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA $schema TO $role;
SQL
check "application role granted" $?
app_base=$(echo "$HCCSTUDY_TEST_PG" | sed -E "s|://[^@]*@|://$role:app-password-123@|")
app_db="$app_base?options=-csearch_path%3D$schema"
export HCCSTUDY_PASSWORD=hccstudy-demo-2026
out=$(HCCSTUDY_DB=$app_db HCCSTUDY_USER=coordinator.tjh "$bin" patient add 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = TJH-0002 ]; check "the application role saves audited data ($out)" $?
HCCSTUDY_DB=$app_db HCCSTUDY_USER=admin "$bin" audit verify >/dev/null 2>&1; check "and the chain verifies" $?
psql "$app_base" -qc "UPDATE $schema.audit SET actor = 'x' WHERE seq = 1" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "permission denied" "$tmp/out"; check "it cannot change an audit entry" $?
psql "$app_base" -qc "DROP TRIGGER audit_no_update ON $schema.audit" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "must be owner" "$tmp/out"; check "it cannot drop the audit triggers" $?
psql "$HCCSTUDY_TEST_PG" -qc "UPDATE $schema.audit SET actor = 'x' WHERE seq = 1" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "append-only" "$tmp/out"; check "even the owner meets the trigger" $?
psql "$HCCSTUDY_TEST_PG" -qc "TRUNCATE $schema.audit CASCADE" >"$tmp/out" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q "append-only" "$tmp/out"; check "TRUNCATE refused too" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
