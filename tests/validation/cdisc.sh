#!/usr/bin/env bash
# CDISC conformance of the SDTM (and ADaM) exports (issue 13), on a demo
# study of 60 patients plus a screened patient with nothing entered and a
# screen failure (an ineligible screening, imported):
#   * `export --format sdtm` and `--format adam` write SAS XPORT v5 files,
#     and `--format csv` holds the SDTM domains too;
#   * cdisc/check.R reads every XPT file with R haven::read_xpt and checks
#     it against the tables cdisc/sdtm.tsv and cdisc/adam.tsv (once it
#     exists: the ADaM table comes with the ADaM builder) and the
#     controlled terms cdisc/terms.tsv: every Req variable present and
#     never missing, every Exp variable present, no variable outside the
#     table, names <= 8, labels <= 40 and as the table, types, Char
#     lengths, dataset label <= 40, the standard's variable order, --SEQ
#     unique within USUBJID, --DTC ISO 8601, no study day 0, values in
#     their codelists (RSORRES from the mRECIST list); a dataset without
#     table rows, or a table dataset not exported, fails;
#   * cdisc/fidelity.R compares the domains with the casebooks they come
#     from (jsonlite on `hccstudy export`): DM rows, cohorts, screen
#     failures, AE, EX, TR baseline diameters, RS responses and study days.
# The tables come from the SDTMIG v3.4 metadata (see docs/sdtm.md).  A
# reader that is not installed is a failure, never a skip.
# Prints "N passed, N failed".
#   tests/validation/cdisc.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: cdisc.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/server.sh
. "$here/../lib/server.sh"
server_setup
for tool in Rscript jq; do
  command -v "$tool" >/dev/null 2>&1
  check "$tool installed (scripts/deps.sh test)" $?
done
Rscript -e 'suppressPackageStartupMessages({library(haven); library(jsonlite)})' \
  >/dev/null 2>&1
check "R haven and jsonlite installed" $?
# server_demo makes the database with test_db (tests/lib/db.sh), so this
# layer also runs under tests/run.sh --engine postgres.
server_demo study 60
pw=$demo_pw
HCCSTUDY_USER=coordinator.tjh HCCSTUDY_PASSWORD=$pw "$bin" patient add --db "$db" --site TJH \
  >"$tmp/new.code" 2>&1
check "a screened patient without data" $?
cat >"$tmp/sf.json" <<'JSON'
{"patients": [{"site": "TJH", "records": [{"kind": "screening", "data": {
  "screening_date": "2026-03-02", "age": 61, "bclc": "C", "ecog": 1,
  "hiv": true, "treatment_naive": true}}]}]}
JSON
HCCSTUDY_USER=coordinator.tjh HCCSTUDY_PASSWORD=$pw "$bin" import --db "$db" \
  --input "$tmp/sf.json" >"$tmp/sf.out" 2>&1
check "a screen failure imported" $?
export HCCSTUDY_USER=statistician HCCSTUDY_PASSWORD=$pw
"$bin" export --db "$db" >"$tmp/casebooks.json" 2>"$tmp/cb.err"
check "export of the casebooks (JSON)" $?
jq -e '[.casebooks[] | select(.patient.status == "screen_failed")] | length == 1' \
  "$tmp/casebooks.json" >/dev/null
check "the casebooks hold one screen failure" $?
for f in sdtm adam csv; do
  mkdir -p "$tmp/$f"
  "$bin" export --db "$db" --format $f --out "$tmp/$f" >"$tmp/$f.list" 2>"$tmp/$f.err"
  check "export --format $f" $?
done
domains="dm sv ex ae lb ds tu tr rs suppdm suppex suppae supptu supptr"
for d in $domains; do
  [ -s "$tmp/sdtm/$d.xpt" ] && grep -qx "$tmp/sdtm/$d.xpt" "$tmp/sdtm.list"
  check "sdtm: $d.xpt written and listed" $?
  [ -s "$tmp/csv/$d.csv" ] && [ -s "$tmp/csv/${d}_dictionary.csv" ]
  check "csv: $d.csv and its dictionary" $?
done
[ "$(head -c 80 "$tmp/sdtm/dm.xpt")" = \
  "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  " ]
check "dm.xpt: SAS transport v5 library header" $?
head -c 1000 "$tmp/sdtm/dm.xpt" | grep -q "SAS     DM      SASDATA"
check "dm.xpt: member DM" $?
n=$(($(wc -l <"$tmp/csv/dm.csv") - 1))
m=$(jq '.casebooks | length' "$tmp/casebooks.json")
[ "$n" -eq "$m" ]; check "csv: dm.csv one row a patient ($n, $m)" $?

set -- "$here/cdisc/terms.tsv,$here/cdisc/terms-adam.tsv" "$tmp/sdtm" "$here/cdisc/sdtm.tsv" \
  "$tmp/adam" "$here/cdisc/adam.tsv"
Rscript "$here/cdisc/check.R" "$@" >"$tmp/check.out" 2>"$tmp/check.err"
check "conformance checker ran" $?
[ "$(grep -c '^ok .*: values in their codelists' "$tmp/check.out")" -ge 14 ]
check "conformance: every SDTM dataset checked" $?
tally "$tmp/check.out"
grep -q . "$tmp/check.err" && sed -n 1,10p "$tmp/check.err"
Rscript "$here/cdisc/fidelity.R" "$tmp/casebooks.json" "$tmp/sdtm" \
  >"$tmp/fid.out" 2>"$tmp/fid.err"
check "fidelity checks ran" $?
[ "$(grep -c -E "^(ok|FAIL) " "$tmp/fid.out")" -eq 14 ]
check "fidelity: every check ran" $?
tally "$tmp/fid.out"
grep -q . "$tmp/fid.err" && sed -n 1,10p "$tmp/fid.err"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
