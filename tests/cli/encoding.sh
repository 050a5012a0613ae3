#!/usr/bin/env bash
# Text that is not UTF-8 on the command line or in an imported file is
# refused with exit 2, naming the option or the row and column, and
# changes nothing (everything stored is later written as JSON, which must
# be UTF-8).  Prints "N passed, N failed".
#   tests/cli/encoding.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: encoding.sh HCCSTUDY}
tmp=$(mktemp -d)
. "$(cd "$(dirname "$0")/../lib" && pwd)/db.sh"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
export HCCSTUDY_DB=$(test_db study) HCCSTUDY_ADMIN_PASSWORD=admin-password-123
"$bin" init >/dev/null 2>&1; check init $?
adm() { HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" "$@"; }
bad=$'\xff\xfe'
adm site add --code SA --name "Site $bad" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q -- '--name: the value is not valid UTF-8' "$tmp/err"; check "site add --name: exit 2 naming --name (rc $rc)" $?
adm site add --code SA --name "Site 同济" >/dev/null 2>&1; check "the same with valid UTF-8 (Chinese) succeeds" $?
adm site add --code "S$bad" --name B >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q -- '--code:' "$tmp/err"; check "site add --code: exit 2 naming --code" $?
n=$(adm audit log --json --limit 1000 2>/dev/null | jq '[.entries[] | select(.entity == "site" and .action == "create" and .field == "code")] | length')
[ "$n" = 1 ]; check "nothing added by the refused commands (site entries: $n)" $?
"$bin" eligibility --input "$tmp/x$bad.json" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q -- '--input:' "$tmp/err"; check "a file name that is not UTF-8: exit 2 naming --input" $?
printf 'meddra_code,soc,term\n10000001,Gastrointestinal disorders,Diarrhea\n10000002,X,Bad \xff term\n' >"$tmp/terms.csv"
adm terms import --input "$tmp/terms.csv" --name "CTCAE test" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'row 2, column term: not valid UTF-8' "$tmp/err"; check "terms import: exit 2 naming row and column" $?
adm terms search --text Diarrhea --json >"$tmp/out" 2>/dev/null
[ "$(jq '.terms | length' "$tmp/out" 2>/dev/null || echo 0)" = 0 ]; check "terms import changed nothing" $?
printf '{"age": 60, "note": "\xff"}' | "$bin" eligibility --json >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -qi 'utf-8\|unable to decode' "$tmp/err"; check "a JSON document that is not UTF-8: exit 2" $?
echo "$pass passed, $fail failed"
