#!/usr/bin/env bash
# The data exports (hccstudy export --format csv|xpt|dta|sav, issue 13)
# read by the field's own readers, run live, on a demo study of 120
# patients plus one screened patient with nothing entered (missing values):
#   * R haven::read_xpt, foreign::read.xport (and lookup.xport), haven::
#     read_dta, haven::read_sav and pandas read_sas (Debian's python3-pandas)
#     give, for every dataset of the export (ADSL, ADRS, ADTTE and every
#     SDTM domain), every value of its CSV: numbers within 1e-12 relative
#     (XPORT holds IBM doubles), missing exactly where the CSV is empty,
#     strings equal; names, labels and the dictionary agree
#     (exports/readers.R, exports/pandas_xpt.py);
#   * the XPT file is SAS transport version 5 (the v5 library header, not
#     LIBV8) with member ADSL;
#   * survival::coxph and survfit on ADSL's PFS and OS (PFSDY/PFSCNSR,
#     OSDY/OSCNSR by ARMCD; analysis population, ANLPOPFL = "Y"; ADTTE is
#     checked the same way in adam.sh) give the HR, coefficient, SE, n, events
#     (GET /api/v1/analysis/summary) and the medians by cohort (GET
#     /api/v1/analysis/km) of the server on the same database: HR, coef
#     and SE within 1e-6 relative, counts and medians exactly
#     (exports/survival.R).
# A reader that is not installed is a failure, never a skip.
# Prints "N passed, N failed".
#   tests/validation/exports.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: exports.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/server.sh
. "$here/../lib/server.sh"
server_setup
for tool in Rscript jq curl /usr/bin/python3; do
  command -v "$tool" >/dev/null 2>&1
  check "$tool installed (scripts/deps.sh test)" $?
done
server_demo study 120
pw=$demo_pw
HCCSTUDY_USER=coordinator.tjh HCCSTUDY_PASSWORD=$pw "$bin" patient add --db "$db" --site TJH \
  >"$tmp/new.code" 2>&1
check "a screened patient without data" $?
out=$tmp/out
for f in csv xpt dta sav; do
  HCCSTUDY_USER=statistician HCCSTUDY_PASSWORD=$pw "$bin" export --db "$db" --format $f \
    --out "$out" >"$tmp/$f.list" 2>"$tmp/$f.err"
  check "export --format $f" $?
done
for p in adsl.csv adsl_dictionary.csv adsl.xpt adsl.dta adsl.sav; do
  [ -s "$out/$p" ] && grep -qx "$out/$p" "$tmp"/*.list
  check "$p written and listed" $?
done
ls "$out" | grep -q '\.tmp$'
[ $? -ne 0 ]; check "no temporary file left" $?
n=$(($(wc -l <"$out/adsl.csv") - 1))
[ "$n" -eq 121 ]; check "CSV: one row a patient ($n)" $?
head -n 1 "$out/adsl.csv" | grep -q $'\r$'; check "CSV: CRLF line ends (RFC 4180)" $?
code=$(tr -d '\r\n' <"$tmp/new.code")
awk -F, -v c="$code" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
  $k["SUBJID"] == c && $k["ANLPOPFL"] == "N" && $k["AGE"] == "" && $k["PFSDY"] == "" &&
  $k["TRTSDT"] == "" { f = 1 } END { exit !f }' "$out/adsl.csv"
check "CSV: the screened patient has missing values, ANLPOPFL N" $?
[ "$(head -c 80 "$out/adsl.xpt")" = \
  "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  " ]
check "XPT: SAS transport v5 library header" $?
head -c 1000 "$out/adsl.xpt" | grep -q "SAS     ADSL    SASDATA"; check "XPT: member ADSL" $?

# Every reader against the CSV.
Rscript "$here/exports/readers.R" "$out" >"$tmp/r.out" 2>"$tmp/r.err"
check "R readers ran" $?
nds=$(ls "$out"/*_dictionary.csv | wc -l)
[ "$nds" -ge 17 ]; check "every SDTM and ADaM dataset exported ($nds)" $?
[ "$(grep -c '^ok ' "$tmp/r.out")" -ge $((nds * 20)) ]; check "R: every reader checked on every dataset" $?
tally "$tmp/r.out"
/usr/bin/python3 "$here/exports/pandas_xpt.py" "$out" >"$tmp/py.out" 2>"$tmp/py.err"
check "pandas reader ran" $?
[ "$(grep -c '^ok ' "$tmp/py.out")" -eq $((1 + 3 * nds)) ]; check "pandas: every check ran on every dataset" $?
tally "$tmp/py.out"
grep -q . "$tmp/r.err" && sed -n 1,10p "$tmp/r.err"

# survival on the export against the analysis routes.
Rscript "$here/exports/survival.R" "$out" >"$tmp/surv.out" 2>"$tmp/surv.err"
check "survival on the export" $?
server_start --db "$db"
server_login statistician "$pw"
[ "$status" = 200 ]; check "login statistician" $?
api() { curl -s -b "$jar" "$host/api/v1/analysis/$1"; }
api summary >"$tmp/summary.json"
api 'km?endpoint=pfs' >"$tmp/km_pfs.json"
api 'km?endpoint=os' >"$tmp/km_os.json"
r() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/surv.out"; }
for ep in pfs os; do
  near "$ep HR" "$(jq -r ".$ep.cox_crude.hr" "$tmp/summary.json")" "$(r ${ep}_hr)" 1e-6
  near "$ep coef" "$(jq -r ".$ep.cox_crude.coef" "$tmp/summary.json")" "$(r ${ep}_coef)" 1e-6
  near "$ep SE" "$(jq -r ".$ep.cox_crude.se" "$tmp/summary.json")" "$(r ${ep}_se)" 1e-6
  [ "$(jq -r ".$ep.cox_crude.n" "$tmp/summary.json")" = "$(r ${ep}_n)" ]
  check "$ep n" $?
  [ "$(jq -r ".$ep.cox_crude.events" "$tmp/summary.json")" = "$(r ${ep}_events)" ]
  check "$ep events" $?
  for g in HAIC TACE; do
    a=$(jq -r --arg g $g '.groups[] | select(.group == $g) | .median' "$tmp/km_$ep.json")
    [ -n "$a" ] && [ "$a" = "$(r ${ep}_median_$g)" ]
    check "$ep median $g ($a vs $(r ${ep}_median_$g))" $?
  done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
