#!/usr/bin/env bash
# The analysis routes (GET /api/v1/analysis/...) against a real server on a
# demo study (hccstudy demo --patients 120).  The honest check: every number
# the API gives equals `hccstudy stats km/logrank/cox/ps/binom` run on a CSV
# exported from the same casebooks with `hccstudy export` and jq; counts
# (ORR, DCR, AEs by worst grade, n) are recounted by jq from the export.
# SVGs must be well-formed XML (xmllint, or python3's parser when xmllint is
# missing), have a <title> and carry no raw markup.
# Prints "N passed, N failed".
#   tests/http/analysis.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: analysis.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
pw=$demo_pw
server_demo study 120
server_start --db "$db"
base="$host/api/v1"

# req METHOD PATH [OUTFILE] -> $status, body in $tmp/body (or OUTFILE), headers in $tmp/hdr
req() {
  local out=${3:-$tmp/body}
  local args=(-s -o "$out" -D "$tmp/hdr" -w '%{http_code}' -X "$1")
  [ -n "${jar:-}" ] && args+=(-b "$jar" -c "$jar")
  status=$(curl "${args[@]}" "$base$2")
}
login() { server_login "$1" "$pw"; } # login USER -> sets jar, status
# The one error shape: {"error": {"code", "message", "field"}} and nothing else.
error_shape() { # error_shape CODE
  jq -e --arg c "$1" '(keys == ["error"]) and (.error | has("code") and has("message") and has("field"))
    and .error.code == $c and (.error.message | type == "string")' "$tmp/body" >/dev/null
}
routes="km km.svg summary waterfall.svg swimmer.svg forest.svg"

# No session: 401.
jar=""
for r in $routes; do
  req GET "/analysis/$r"; [ "$status" = 401 ] && error_shape E_UNAUTHENTICATED; check "no session $r: 401" $?
done
# Coordinator (and monitor): 403 with the one error shape.
for u in coordinator.tjh monitor; do
  login $u; [ "$status" = 200 ]; check "login $u" $?
  for r in $routes; do
    req GET "/analysis/$r"; [ "$status" = 403 ] && error_shape E_FORBIDDEN; check "$u $r: 403" $?
  done
done
login statistician
req GET "/analysis/summary"; [ "$status" = 200 ]; check "statistician summary: 200" $?
login pi; [ "$status" = 200 ]; check "login pi" $?
req GET "/analysis/km?endpoint=dfs"; [ "$status" = 400 ] && error_shape E_INVALID && [ "$(jq -r .error.field "$tmp/body")" = endpoint ]
check "bad endpoint: 400 naming it" $?
req GET "/analysis/km.svg?adjust=maybe"; [ "$status" = 400 ] && [ "$(jq -r .error.field "$tmp/body")" = adjust ]
check "bad adjust: 400 naming it" $?

# The same casebooks as CSV.
HCCSTUDY_USER=pi HCCSTUDY_PASSWORD=$pw "$bin" export --db "$db" >"$tmp/export.json" 2>"$tmp/export.err"
check "export" $?
jq -r '
  def num: if . == null then "" else tostring end;
  ["code","cohort","haic","pfs_days","pfs_event","os_days","os_event","bor","age","male","ecog","albi",
   "tumour_number","largest_mm","afp_log","pvi","bclc_B","bclc_C","worst_grade"],
  (.casebooks[] | select(.patient.cohort == "HAIC" or .patient.cohort == "TACE")
   | (.records | map(select(.kind == "baseline"))[0].data) as $b
   | .derived.endpoints as $e
   | [.patient.code, .patient.cohort, (if .patient.cohort == "HAIC" then 1 else 0 end),
      ($e.pfs.days | num), (if $e.pfs == null then "" elif $e.pfs.event then 1 else 0 end),
      ($e.os.days | num), (if $e.os == null then "" elif $e.os.event then 1 else 0 end),
      ($e.best_overall_response // ""),
      ($b.age | num), (if $b.sex == null then "" elif $b.sex == "male" then 1 else 0 end), ($b.ecog | num),
      (.derived.eligibility.albi_score | num), ($b.tumour_number | num), ($b.largest_diameter_mm | num),
      (if $b.afp_ng_ml == null then "" else ($b.afp_ng_ml + 1 | log10) end),
      (if $b.portal_vein_invasion == null then "" elif $b.portal_vein_invasion == "none" then 0 else 1 end),
      (if $b.bclc == null then "" elif $b.bclc == "B" then 1 else 0 end),
      (if $b.bclc == null then "" elif $b.bclc == "C" then 1 else 0 end),
      ([.records[] | select(.kind == "adverse_event") | .data.grade] | max // 0)])
  | @csv' "$tmp/export.json" >"$tmp/study.csv"
n_csv=$(($(wc -l <"$tmp/study.csv") - 1))
[ "$n_csv" -ge 100 ]; check "CSV has the patients ($n_csv)" $?
st() { "$bin" stats "$@" --json 2>>"$tmp/stats.err"; }
covs=age,male,ecog,albi,tumour_number,largest_mm,afp_log,pvi,bclc_B,bclc_C
st ps --data "$tmp/study.csv" --treatment haic --covariates $covs --method iptw --estimand ate \
  --out "$tmp/study_ps.csv" >"$tmp/ps.json"
check "stats ps --method iptw" $?

# close A B: every number equal within 1e-9 relative, same keys and lengths.
close() {
  jq -n -e --slurpfile a "$1" --slurpfile b "$2" '
    def ab: if . < 0 then -. else . end;
    def eq(x; y):
      if (x | type) == "number" and (y | type) == "number" then
        ((x - y) | ab) <= 1e-9 * ([1, (y | ab)] | max)
      elif (x | type) == "array" and (y | type) == "array" then
        (x | length) == (y | length) and ([range(0; x | length) as $i | eq(x[$i]; y[$i])] | all)
      elif (x | type) == "object" and (y | type) == "object" then
        (x | keys) == (y | keys) and ([x | keys[] as $k | eq(x[$k]; y[$k])] | all)
      else x == y end;
    eq($a[0]; $b[0])' >/dev/null
}
kmpick='[.groups[] | {group, n, events, median, median_lower, median_upper, rmst, rmst_se, rmst_tau, quantiles, table}]'
coxpick='{coef, se, hr, hr_lower, hr_upper, p}'
coxrpick='{coef, se, robust_se, hr, hr_lower, hr_upper, p}'
for ep in pfs os; do
  # Crude KM and log-rank.
  req GET "/analysis/km?endpoint=$ep&adjust=crude"; [ "$status" = 200 ]; check "km $ep crude: 200" $?
  jq -e 'has("groups") and has("logrank") and has("cox") and .adjust == "crude"' "$tmp/body" >/dev/null
  check "km $ep crude: keys" $?
  jq "$kmpick" "$tmp/body" >"$tmp/a.json"; cp "$tmp/body" "$tmp/km_crude.json"
  st km --data "$tmp/study.csv" --time ${ep}_days --event ${ep}_event --group cohort | jq "$kmpick" >"$tmp/b.json"
  close "$tmp/a.json" "$tmp/b.json"; check "km $ep crude = stats km" $?
  jq '.logrank | {chisq, df, p, groups}' "$tmp/km_crude.json" >"$tmp/a.json"
  st logrank --data "$tmp/study.csv" --time ${ep}_days --event ${ep}_event --group cohort \
    | jq '{chisq, df, p, groups: [.groups[] | {group, n, observed, expected}]}' >"$tmp/b.json"
  close "$tmp/a.json" "$tmp/b.json"; check "log-rank $ep = stats logrank" $?
  # Crude Cox.
  jq ".cox | $coxpick" "$tmp/km_crude.json" >"$tmp/a.json"
  st cox --data "$tmp/study.csv" --time ${ep}_days --event ${ep}_event --covariates haic \
    | jq ".coefficients[0] | $coxpick" >"$tmp/b.json"
  close "$tmp/a.json" "$tmp/b.json"; check "cox $ep crude = stats cox" $?
  cp "$tmp/b.json" "$tmp/cox_crude_$ep.json"
  # IPTW KM (robust SE) and Cox (robust).
  req GET "/analysis/km?endpoint=$ep&adjust=iptw"; [ "$status" = 200 ]; check "km $ep iptw: 200" $?
  jq "$kmpick" "$tmp/body" >"$tmp/a.json"; cp "$tmp/body" "$tmp/km_iptw.json"
  st km --data "$tmp/study_ps.csv" --time ${ep}_days --event ${ep}_event --group cohort --weights weight \
    | jq "$kmpick" >"$tmp/b.json"
  close "$tmp/a.json" "$tmp/b.json"; check "km $ep iptw = stats ps + stats km --weights" $?
  jq ".cox | $coxrpick" "$tmp/km_iptw.json" >"$tmp/a.json"
  st cox --data "$tmp/study_ps.csv" --time ${ep}_days --event ${ep}_event --covariates haic \
    --weights weight --robust | jq ".coefficients[0] | $coxrpick" >"$tmp/b.json"
  close "$tmp/a.json" "$tmp/b.json"; check "cox $ep iptw = stats cox --weights --robust" $?
  cp "$tmp/b.json" "$tmp/cox_iptw_$ep.json"
  cp "$tmp/km_crude.json" "$tmp/km_crude_$ep.json"
done

# Summary.
req GET "/analysis/summary"; [ "$status" = 200 ]; check "summary: 200" $?
cp "$tmp/body" "$tmp/summary.json"
jq -e '(keys | sort) == (["adverse_events","iptw_note","n","n_by_cohort","os","pfs","population","response"] | sort)
  and (.pfs | has("logrank") and has("cox_crude") and has("cox_iptw"))' "$tmp/summary.json" >/dev/null
check "summary: keys" $?
# The population is explicit: enrolled and eligible at screening (issue 18).
jq -e '.population == {rule: "enrolled_eligible", description: "enrolled patients eligible at screening", n: .n, excluded: 0}' \
  "$tmp/summary.json" >/dev/null
check "summary: population enrolled_eligible, n = summary n" $?
for ep in pfs os; do
  jq ".$ep.logrank" "$tmp/summary.json" >"$tmp/a.json"; jq '.logrank' "$tmp/km_crude_$ep.json" >"$tmp/b.json"
  close "$tmp/a.json" "$tmp/b.json"; check "summary $ep log-rank = km route" $?
  jq ".$ep.cox_crude | $coxpick" "$tmp/summary.json" >"$tmp/a.json"
  close "$tmp/a.json" "$tmp/cox_crude_$ep.json"; check "summary $ep cox crude = stats cox" $?
  jq ".$ep.cox_iptw | $coxrpick" "$tmp/summary.json" >"$tmp/a.json"
  close "$tmp/a.json" "$tmp/cox_iptw_$ep.json"; check "summary $ep cox iptw = stats cox --robust" $?
  jq -e ".$ep.cox_iptw.robust == true and .$ep.cox_crude.robust == false" "$tmp/summary.json" >/dev/null
  check "summary $ep robust flags" $?
done
# n per cohort, ORR/DCR (Clopper-Pearson from stats binom), AEs by worst grade, recounted from the CSV.
for c in HAIC TACE; do
  n=$(awk -F, -v c="\"$c\"" 'NR > 1 && $2 == c' "$tmp/study.csv" | wc -l)
  orr=$(awk -F, -v c="\"$c\"" 'NR > 1 && $2 == c && ($8 == "\"CR\"" || $8 == "\"PR\"")' "$tmp/study.csv" | wc -l)
  dcr=$(awk -F, -v c="\"$c\"" 'NR > 1 && $2 == c && ($8 == "\"CR\"" || $8 == "\"PR\"" || $8 == "\"SD\"")' "$tmp/study.csv" | wc -l)
  [ "$(jq ".n_by_cohort.$c" "$tmp/summary.json")" = "$n" ]; check "n $c = $n" $?
  for k in orr dcr; do
    x=${!k}
    jq --arg c $c ".response[] | select(.cohort == \$c) | .$k | {x, estimate, lower, upper}" "$tmp/summary.json" >"$tmp/a.json"
    st binom --x "$x" --n "$n" --method clopper-pearson \
      | jq --argjson x "$x" '{x: $x, estimate, lower, upper}' >"$tmp/b.json"
    close "$tmp/a.json" "$tmp/b.json"; check "$k $c ($x/$n) = stats binom" $?
  done
  ae=$(awk -F, -v c="\"$c\"" 'NR > 1 && $2 == c { n[$NF]++ } END { printf "[%d,%d,%d,%d,%d,%d]", n[0], n[1], n[2], n[3], n[4], n[5] }' "$tmp/study.csv")
  [ "$(jq -c --arg c $c '.adverse_events[] | select(.cohort == $c) | .patients_by_worst_grade' "$tmp/summary.json")" = "$ae" ]
  check "AEs by worst grade $c = $ae" $?
done

# SVGs.
xml_ok() {
  if command -v xmllint >/dev/null 2>&1; then xmllint --noout "$1" 2>/dev/null
  else python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>/dev/null; fi
}
i=0
for p in "km.svg?endpoint=pfs" "km.svg?endpoint=os&adjust=iptw" "km.svg?endpoint=pfs&adjust=iptw" \
         waterfall.svg swimmer.svg forest.svg; do
  i=$((i + 1)); f=$tmp/plot$i.svg
  req GET "/analysis/$p" "$f"
  [ "$status" = 200 ] && grep -qi '^content-type: image/svg+xml' "$tmp/hdr"; check "$p: 200 image/svg+xml" $?
  xml_ok "$f"; check "$p: well-formed XML" $?
  [ "$(grep -c '<title>[^<][^<]*</title>' "$f")" = 1 ]; check "$p: one <title>" $?
  ! grep -qiE '<script|style=|on[a-z]+=' "$f"; check "$p: no script, style or handler" $?
done
# The plots count the same patients as the export.
n_wf=$(jq '[.casebooks[] | select(.patient.cohort != null)
  | select([.derived.response.timepoints[]?.change_baseline_pct | numbers] | length > 0)] | length' "$tmp/export.json")
grep -q "<title>Best change in viable tumour size (n = $n_wf)</title>" "$tmp/plot4.svg"; check "waterfall n = $n_wf" $?
[ "$(grep -c '<rect' "$tmp/plot4.svg")" = $((n_wf + 3)) ]; check "waterfall: one bar per patient" $?
n_sw=$(awk -F, 'NR > 1 && $6 != ""' "$tmp/study.csv" | wc -l)
grep -q "(n = $n_sw)</title>" "$tmp/plot5.svg"; check "swimmer n = $n_sw" $?
printf -v hr2 '%.2f' "$(jq '.hr' "$tmp/cox_crude_pfs.json")"
grep -q ">$hr2 (" "$tmp/plot6.svg"; check "forest shows the crude PFS HR $hr2" $?
# Text is escaped: the waterfall's description holds "%" and the KM plot's
# "S(t)"; no raw "&" that does not start an entity anywhere.
! sed -E 's/&(amp|lt|gt|quot|#39);//g' "$tmp"/plot*.svg | grep -q '&'; check "svg: every & is an entity" $?
grep -q '<text[^>]*>S(t)</text>' "$tmp/plot1.svg"; check "km svg: axis text" $?

# Speed is measured by bench/web.sh (the analysis routes' latency), not
# here: a timed check fails on a busy machine or under the sanitizers.
for r in "km?endpoint=os&adjust=iptw" summary forest.svg; do
  curl -s -o /dev/null -b "$jar" -w '%{http_code}' "$base/analysis/$r" |
    grep -qx 200
  check "$r answers 200" $?
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
