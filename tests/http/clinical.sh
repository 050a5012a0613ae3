#!/usr/bin/env bash
# The clinical rules of issue 18 against a real server on a demo study
# (hccstudy demo --patients 120):
# - the dashboard's counts (GET /api/v1/status) equal an independent count:
#   patients and open queries by SQL on the study database, overdue and
#   due-this-week visits by jq from the exported records (the visit
#   schedule rebuilt from the protocol's numbers: assessments every 56 days
#   +/- 3 from treatment start until progression or new therapy, survival
#   contacts every 56 days +/- 7 from then on, nothing after death or end of
#   study; a visit is answered by a record of its kind within 28 days of
#   its target day).  Only the progression date is taken from the derived
#   values (mRECIST is not re-implemented in jq);
# - no visit is scheduled after death or end of study, and a survival
#   contact on its target day is counted done;
# - a date after today is refused at save naming the field, and so is text
#   where a number is required;
# - the PD-1 interval tolerance is read from the study's protocol file;
# - a screen-failed patient's enrolment is refused; where the protocol file
#   allows it, an investigator (not a coordinator) may enrol by override
#   with a reason, audited, with an automatic query; the analysis population
#   (enrolled and eligible) leaves such a patient out and says so.
# Prints "N passed, N failed".
#   tests/http/clinical.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: clinical.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
pw=$demo_pw
today=$(date -u +%F)
server_demo study 120

# sql QUERY: one value from the study database, on either engine.
sql() {
  if [ -n "${HCCSTUDY_TEST_PG:-}" ]; then
    psql "$db" -qAt -v ON_ERROR_STOP=1 -c "$1"
  else
    sqlite3 "$db" "$1"
  fi
}

if ! server_start --db "$db"; then
  echo "FAIL serve"; echo "0 passed, 1 failed"; exit 1
fi
base="$host/api/v1"

# req METHOD PATH [BODY] -> $status, body in $tmp/body; session $jar, $csrf
req() {
  local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$1")
  [ -n "${jar:-}" ] && args+=(-b "$jar" -c "$jar")
  [ -n "${csrf:-}" ] && args+=(-H "X-CSRF-Token: $csrf")
  [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  status=$(curl "${args[@]}" "$base$2")
}
login() { # login USER -> sets jar, csrf
  jar=$tmp/$1.jar; csrf=""
  req POST /session "{\"username\":\"$1\",\"password\":\"$pw\"}"
  csrf=$(jq -r .csrf "$tmp/body")
}

# ---- the dashboard against an independent count
login pi
req GET /status; cp "$tmp/body" "$tmp/status.json"
[ "$status" = 200 ]; check "pi: GET /status" $?
HCCSTUDY_DB=$db HCCSTUDY_USER=monitor HCCSTUDY_PASSWORD=$pw "$bin" export >"$tmp/export.json" 2>"$tmp/export.err"
check "monitor: export" $?

n_sql=$(sql "SELECT COUNT(*) FROM patient")
n_enr=$(sql "SELECT COUNT(*) FROM patient WHERE status IN ('enrolled', 'off_study')")
n_sf=$(sql "SELECT COUNT(*) FROM patient WHERE status = 'screen_failed'")
n_q=$(sql "SELECT COUNT(*) FROM query WHERE status = 'open'")
[ "$(jq .screened "$tmp/status.json")" = "$n_sql" ] && [ "$n_sql" = 120 ]; check "screened = SQL count ($n_sql)" $?
[ "$(jq .enrolled "$tmp/status.json")" = "$n_enr" ]; check "enrolled = SQL count ($n_enr)" $?
[ "$(jq .screen_failed "$tmp/status.json")" = "$n_sf" ]; check "screen failures = SQL count ($n_sf)" $?
[ "$(jq .open_queries "$tmp/status.json")" = "$n_q" ]; check "open queries = SQL count ($n_q)" $?

# The schedule rebuilt from the records; per site [overdue, due this week].
cat >"$tmp/visits.jq" <<'EOF'
def day: strptime("%Y-%m-%d") | mktime / 86400 | floor;
def dates($r; $kinds): [$r[] | select(.kind as $k | $kinds | index($k)) | .data.date | day];
# visits(start; last; every; w; kind): targets start + every*k <= last
def visits($from; $last; $every; $w; $kind):
  if $last < $from + $every then [] else
    [range(1; (($last - $from) / $every | floor) + 1)
     | {kind: $kind, target: ($from + . * $every), w: $w}] end;
($today | day) as $t
| [.casebooks[] | select(.patient.status == "enrolled")
   | .patient.site as $site | .records as $r
   | ($r | map(select(.kind == "enrolment"))[0].data.treatment_start | day) as $start
   | ([("2028-12-31" | day)] + [$r[] | select(.kind == "death" or .kind == "end_of_study") | .data.date | day] | min) as $stop
   | ([(.derived.response.progression_date // empty | day)]
      + [$r[] | select(.kind == "new_therapy") | .data.date | day | select(. >= $start)] | min) as $sw0
   | (if $sw0 != null and $sw0 <= $stop then $sw0 else null end) as $sw
   | (visits($start; (if $sw != null then [$sw, $stop] | min else $stop end); 56; 3; "a")
      + (if $sw != null then visits($sw; $stop; 56; 7; "s") else [] end))[]
   | . as $v
   | (if $v.kind == "a" then dates($r; ["assessment"]) else dates($r; ["survival_contact", "death"]) end) as $ev
   | select(any($ev[]; . >= $v.target - 28 and . < $v.target + 28 and . <= $stop) | not)
   | {site: $site,
      overdue: ($v.target + $v.w < $t),
      due: ($v.target + $v.w >= $t and $v.target - $v.w <= $t + 7)}]
| {overdue: map(select(.overdue)) | length, due: map(select(.due)) | length,
   sites: (group_by(.site) | map({key: .[0].site, value: [(map(select(.overdue)) | length), (map(select(.due)) | length)]}) | from_entries)}
EOF
jq --arg today "$today" -f "$tmp/visits.jq" "$tmp/export.json" >"$tmp/mine.json"
check "jq: schedule rebuilt from the export" $?
mine_over=$(jq .overdue "$tmp/mine.json")
mine_due=$(jq .due "$tmp/mine.json")
[ "$(jq .overdue_visits "$tmp/status.json")" = "$mine_over" ]
check "overdue visits = independent count ($mine_over; dashboard $(jq .overdue_visits "$tmp/status.json"))" $?
[ "$(jq .due_this_week "$tmp/status.json")" = "$mine_due" ]
check "due this week = independent count ($mine_due; dashboard $(jq .due_this_week "$tmp/status.json"))" $?
# Per site, every site the dashboard lists.
jq -n --slurpfile s "$tmp/status.json" --slurpfile m "$tmp/mine.json" -e '
  all($s[0].sites[]; . as $x | ($m[0].sites[$x.site] // [0, 0]) == [$x.overdue_visits, $x.due_this_week])' >/dev/null
check "per-site overdue and due this week = independent count" $?
# And by the same SQL/jq route on the stored derived schedules.
if [ -z "${HCCSTUDY_TEST_PG:-}" ]; then
  stored=$(sqlite3 "$db" "SELECT d.data FROM derived d JOIN patient p ON p.id = d.patient_id WHERE p.status = 'enrolled'" |
    jq -s --arg t "$today" '[.[].schedule[]? | select(.done_date == null and .window_end < $t)] | length')
  [ "$stored" = "$mine_over" ]; check "overdue = SQL/jq count over the stored schedules ($stored)" $?
fi

# ---- no visit after death or end of study; contacts on their target day done
after=$(jq '[.casebooks[] | (.records | map(select(.kind == "death" or .kind == "end_of_study") | .data.date) | min) as $stop
  | select($stop != null) | .derived.schedule[]? | select(.target_date > $stop)] | length' "$tmp/export.json")
[ "$after" = 0 ]; check "no visit after death or end of study ($after)" $?
deaths=$(jq '[.casebooks[] | select(any(.records[]; .kind == "death"))] | length' "$tmp/export.json")
[ "$deaths" -gt 0 ]; check "the demo has deaths ($deaths)" $?
jq -e '[.casebooks[] | .derived.schedule as $s | .records[] | select(.kind == "survival_contact") | .data.date as $d
  | $s[]? | select(.kind == "survival" and .target_date == $d)] as $hit
  | ($hit | length) > 0 and all($hit[]; .status == "done" and .done_date == .target_date)' "$tmp/export.json" >/dev/null
check "survival contacts on their target day are done, with their date" $?
jq -e '[.casebooks[].derived.schedule[]? | .status] | index("past") == null' "$tmp/export.json" >/dev/null
check "no visit status \"past\" (every contact window is done, early, late, missed, due or planned)" $?

# ---- a future date refused at save, naming the field; text for a number
login coordinator.tjh
req POST /patients '{}'; code=$(jq -r .code "$tmp/body")
[ "$status" = 201 ]; check "coordinator.tjh: new patient $code" $?
future=$(date -u -d '+30 days' +%F)
req POST "/patients/$code/records" "{\"kind\":\"screening\",\"data\":{\"screening_date\":\"$future\"}}"
[ "$status" = 422 ] && [ "$(jq -r .error.field "$tmp/body")" = data.screening_date ] &&
  jq -e --arg d "$future" '.error.message | contains("data.screening_date: " + $d + " is after today")' "$tmp/body" >/dev/null
check "a screening date 30 days ahead: 422 naming data.screening_date" $?
req POST "/patients/$code/records" "{\"kind\":\"pd1_dose\",\"data\":{\"date\":\"$(date -u -d '+365 days' +%F)\",\"agent\":\"x\",\"dose_mg\":200}}"
[ "$status" = 422 ] && [ "$(jq -r '.error.problems[0].field' "$tmp/body")" = data.date ]
check "a PD-1 dose a year ahead: 422 naming data.date" $?
req POST "/patients/$code/records" "{\"kind\":\"screening\",\"data\":{\"screening_date\":\"$today\",\"age\":\"6O\"}}"
[ "$status" = 422 ] && [ "$(jq -r .error.field "$tmp/body")" = data.age ] &&
  [ "$(jq -r '.error.problems[0].message' "$tmp/body")" = "expected a number" ]
check "text in a number field: 422 \"expected a number\" naming data.age" $?
req POST "/patients/$code/records" "{\"kind\":\"screening\",\"data\":{\"screening_date\":\"$today\",\"age\":60}}"
[ "$status" = 201 ]; check "today's screening date is accepted" $?
# PD-1 doses 25 days apart: within 21 +/- 7 of the built-in protocol.
d1=$(date -u -d '-40 days' +%F); d2=$(date -u -d '-15 days' +%F)
req POST "/patients/$code/records" "{\"kind\":\"pd1_dose\",\"data\":{\"date\":\"$d1\",\"agent\":\"x\",\"dose_mg\":200}}"
req POST "/patients/$code/records" "{\"kind\":\"pd1_dose\",\"data\":{\"date\":\"$d2\",\"agent\":\"x\",\"dose_mg\":200}}"
[ "$status" = 201 ]; check "PD-1 doses saved" $?
req GET "/queries?patient=$code"
[ "$(jq '[.queries[] | select(.check == "pd1_interval")] | length' "$tmp/body")" = 0 ]
check "25 days between PD-1 doses: no query with the built-in tolerance (+/- 7)" $?

# ---- enrolment needs an eligible screening
req POST /patients '{}'; sf=$(jq -r .code "$tmp/body")
scr=$(jq -n --arg d "$(date -u -d '-20 days' +%F)" '{screening_date: $d, age: 80, bclc: "C",
  extrahepatic_metastasis: false, treatment_naive: true, ecog: 0, severe_organ_disease: false,
  decompensated_cirrhosis: false, other_malignancy: false, recurrent_hcc: false,
  autoimmune_disease: false, hypersensitivity: false, hiv: false, active_hepatitis: false,
  portal_vein_invasion: "vp2", hepatic_vein_invasion: false, ivc_invasion: false,
  child_pugh: {bilirubin_umol_l: 15, albumin_g_l: 40, inr: 1.0, ascites: "none", encephalopathy: "none"}}')
req POST "/patients/$sf/records" "{\"kind\":\"screening\",\"data\":$scr}"
req GET "/patients/$sf"
[ "$(jq -r .patient.status "$tmp/body")" = screen_failed ]; check "age 80 at screening: $sf screen_failed" $?
enrol="{\"consent_date\":\"$(date -u -d '-19 days' +%F)\",\"cohort\":\"TACE\",\"treatment_start\":\"$(date -u -d '-18 days' +%F)\"}"
req POST "/patients/$sf/records" "{\"kind\":\"enrolment\",\"data\":$enrol}"
[ "$status" = 422 ] && jq -e '.error.message | contains("not eligible at screening") and contains("80")' "$tmp/body" >/dev/null
check "a screen-failed patient's enrolment: 422 saying why" $?
req GET "/patients/$sf"
[ "$(jq -r .patient.status "$tmp/body")" = screen_failed ] && [ "$(jq '[.records[] | select(.kind == "enrolment")] | length' "$tmp/body")" = 0 ]
check "the screen-failed patient stays screen_failed, with no enrolment" $?
req POST "/patients/$sf/records" "{\"kind\":\"enrolment\",\"data\":$(echo "$enrol" | jq -c '. + {eligibility_override: true, override_reason: "fit"}')}"
[ "$status" = 422 ]; check "an override is refused where the protocol does not allow it" $?
login statistician
req GET /analysis/summary
jq -e '.population.rule == "enrolled_eligible" and .population.excluded == 0' "$tmp/body" >/dev/null
check "analysis: population enrolled_eligible, nobody left out" $?

# ---- the tolerance read from a changed protocol file
"$bin" protocol --json | jq '.checks.pd1_interval_tolerance_days = 2 | .enrolment.eligibility_override_allowed = true' >"$tmp/proto.json"
"$bin" protocol --protocol "$tmp/proto.json" | grep -q 'every 21 days (+/- 2)'
check "hccstudy protocol shows the changed tolerance" $?
db2=$(test_db changed)
adm() { HCCSTUDY_DB=$db2 HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" "$@"; }
HCCSTUDY_DB=$db2 HCCSTUDY_ADMIN_PASSWORD=admin-password-123 "$bin" init --protocol "$tmp/proto.json" >/dev/null 2>&1 &&
  adm site add --code SA --name "Site A" >/dev/null 2>&1 &&
  HCCSTUDY_NEW_PASSWORD=user-password-123 adm user add --username ca --role coordinator --site SA >/dev/null 2>&1
check "a study initialised with the changed protocol file" $?
jq -n --arg s "$(date -u -d '-45 days' +%F)" --arg d1 "$d1" --arg d2 "$d2" --argjson scr "$scr" '{patients: [{site: "SA", records: [
  {kind: "screening", data: ($scr + {age: 60})},
  {kind: "enrolment", data: {consent_date: $s, cohort: "TACE", treatment_start: $d1}},
  {kind: "pd1_dose", data: {date: $d1, agent: "x", dose_mg: 200}},
  {kind: "pd1_dose", data: {date: $d2, agent: "x", dose_mg: 200}}]}]}' >"$tmp/import.json"
HCCSTUDY_DB=$db2 HCCSTUDY_USER=ca HCCSTUDY_PASSWORD=user-password-123 "$bin" import --input "$tmp/import.json" >/dev/null 2>&1
check "the same doses imported" $?
HCCSTUDY_DB=$db2 HCCSTUDY_USER=ca HCCSTUDY_PASSWORD=user-password-123 "$bin" query list --json >"$tmp/q2.json" 2>&1
jq -e '[.queries[] | select(.check == "pd1_interval")] | length == 1 and (.[0].text | contains("+/- 2"))' "$tmp/q2.json" >/dev/null
check "25 days between PD-1 doses: a pd1_interval query with the file's tolerance (+/- 2)" $?

# ---- an investigator's override, where the protocol file allows it
HCCSTUDY_NEW_PASSWORD=user-password-123 adm user add --username ia --role investigator --site SA >/dev/null 2>&1
HCCSTUDY_NEW_PASSWORD=user-password-123 adm user add --username st --role statistician >/dev/null 2>&1
jq -n --argjson s "$scr" --argjson e "$enrol" '{patients: [{site: "SA", records: [
  {kind: "screening", data: $s}, {kind: "enrolment", data: ($e + {eligibility_override: true})}]}]}' >"$tmp/ov.json"
HCCSTUDY_DB=$db2 HCCSTUDY_USER=ia HCCSTUDY_PASSWORD=user-password-123 "$bin" import --input "$tmp/ov.json" >"$tmp/ov.out" 2>&1
[ $? = 2 ] && grep -q "override_reason: required" "$tmp/ov.out"; check "override without a reason: refused naming override_reason" $?
jq '.patients[0].records[1].data.override_reason = "age 80 but fit; approved by the PI"' "$tmp/ov.json" >"$tmp/ov2.json"
HCCSTUDY_DB=$db2 HCCSTUDY_USER=ca HCCSTUDY_PASSWORD=user-password-123 "$bin" import --input "$tmp/ov2.json" >"$tmp/ov.out" 2>&1
[ $? = 2 ] && grep -q "only an investigator may enrol" "$tmp/ov.out"; check "override by a coordinator: refused" $?
HCCSTUDY_DB=$db2 HCCSTUDY_USER=ia HCCSTUDY_PASSWORD=user-password-123 "$bin" import --input "$tmp/ov2.json" >"$tmp/ov.out" 2>&1
check "override by the investigator with a reason: enrolled" $?
HCCSTUDY_DB=$db2 HCCSTUDY_USER=ia HCCSTUDY_PASSWORD=user-password-123 "$bin" query list --json >"$tmp/q3.json" 2>&1
jq -e '[.queries[] | select(.check == "enrolment_eligibility" and .status == "open" and (.text | contains("approved by the PI")))] | length == 1' "$tmp/q3.json" >/dev/null
check "the override raised an enrolment_eligibility query" $?
HCCSTUDY_DB=$db2 HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" audit log --json --limit 500 >"$tmp/audit.json" 2>&1
jq -e '[.entries[] | select(.actor == "ia" and .field == "override_reason" and (.new_value | contains("approved by the PI")))] | length == 1' "$tmp/audit.json" >/dev/null
check "the override and its reason are in the audit trail, by ia" $?
server_stop
server_log=$tmp/server2.log server_start --db "$db2"
check "a server on the changed-protocol study" $?
curl -s -c "$tmp/st.jar" -o /dev/null -H 'Content-Type: application/json' \
  --data-binary '{"username":"st","password":"user-password-123"}' "$host/api/v1/session"
curl -s -b "$tmp/st.jar" -o "$tmp/sum2.json" "$host/api/v1/analysis/summary"
jq -e '.population.rule == "enrolled_eligible" and .population.excluded == 1 and .population.n == 1' "$tmp/sum2.json" >/dev/null
check "analysis: the override patient is left out of the enrolled-eligible population ($(jq -c .population "$tmp/sum2.json" 2>/dev/null))" $?
server_stop

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
