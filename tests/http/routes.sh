#!/usr/bin/env bash
# Every route of the API, refused as it must be (issue 7): no session (401),
# no CSRF token on a state-changing route (403), a role that may not (403),
# another site's patient answered exactly like a missing one (404/403), a
# stale version (409), bad input (400/422 naming the field).  One check per
# route and case.  Prints "N passed, N failed".
#   tests/http/routes.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: routes.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
server_demo demo 18
server_start --db "$db"
base="$host/api/v1"
PW=$demo_pw
login() { # login USER: cookie jar $tmp/USER.jar, token in $tmp/USER.csrf
  server_login "$1" "$demo_pw"
  echo "$csrf" >"$tmp/$1.csrf"
}
# call USER METHOD PATH [BODY] [nocsrf] -> $status, body in $tmp/b
call() {
  local user=$1 m=$2 p=$3 b=${4:-} args=(-s -o "$tmp/b" -w '%{http_code}' -X "$2")
  if [ "$user" != - ]; then
    args+=(-b "$tmp/$user.jar")
    [ "${5:-}" = nocsrf ] || args+=(-H "X-CSRF-Token: $(cat "$tmp/$user.csrf")")
  fi
  [ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
  status=$(curl "${args[@]}" "$base$p")
}
expect() { # expect NAME STATUS [CODE]
  local code
  code=$(jq -r '.error.code // empty' "$tmp/b" 2>/dev/null)
  if [ "$status" = "$2" ] && { [ -z "${3:-}" ] || [ "$code" = "$3" ]; }; then ok; else
    bad "$1: got $status $code, expected $2 ${3:-}"; fi
}
for u in coordinator.tjh coordinator.sysu investigator.tjh monitor data.manager statistician pi admin; do login "$u"; done
P=$(curl -s -b "$tmp/coordinator.tjh.jar" "$base/patients" | jq -r '[.patients[] | select(.locked == false)][0].code')
R=$(curl -s -b "$tmp/coordinator.tjh.jar" "$base/patients/$P" | jq -r '[.records[] | select(.kind == "lab" or .kind == "tace" or .kind == "pd1_dose")][0].id')
RK=$(curl -s -b "$tmp/coordinator.tjh.jar" "$base/patients/$P" | jq -c "[.records[] | select(.id == $R)][0] | {kind, data}")
call monitor POST "/patients/$P/queries" '{"text":"Please check"}'
Q=$(jq -r .id "$tmp/b")
LAB='{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":40,"unit":"U/L"}}'
GOOD_PUT=$(echo "$RK" | jq -c '. + {version: 1, reason: "check"}')

# 1. No session: 401 on every authenticated route.
while read -r m p; do
  call - "$m" "$p" '{}'; expect "no session: $m $p" 401 E_UNAUTHENTICATED
done <<EOF2
GET /session
DELETE /session
GET /status
GET /dictionary
GET /patients
POST /patients
GET /patients/$P
POST /patients/$P/records
PUT /patients/$P/records/$R
GET /patients/$P/records/$R/history
POST /patients/$P/queries
POST /patients/$P/signature
POST /patients/$P/lock
GET /queries
POST /queries/$Q/answer
POST /queries/$Q/close
POST /records/$R/sdv
POST /import
GET /analysis/km
GET /analysis/km.svg
GET /analysis/summary
GET /analysis/waterfall.svg
GET /analysis/swimmer.svg
GET /analysis/forest.svg
GET /freezes
POST /freezes
GET /freezes/1
GET /exports
GET /exports/csv
POST /rules/eligibility
POST /rules/mrecist
EOF2

# 2. No CSRF token: 403 on every state-changing route.
while read -r m p; do
  call data.manager "$m" "$p" '{}' nocsrf; expect "no CSRF: $m $p" 403 E_CSRF
done <<EOF2
DELETE /session
POST /patients
POST /patients/$P/records
PUT /patients/$P/records/$R
POST /patients/$P/queries
POST /patients/$P/signature
POST /patients/$P/lock
POST /queries/$Q/answer
POST /queries/$Q/close
POST /records/$R/sdv
POST /import
POST /freezes
POST /rules/eligibility
POST /rules/mrecist
EOF2

# 3. A role that may not: 403.
while read -r u m p b; do
  call "$u" "$m" "$p" "$b"; expect "role $u: $m $p" 403 E_FORBIDDEN
done <<EOF2
statistician POST /patients {"site":"TJH"}
monitor POST /patients/$P/records $LAB
statistician PUT /patients/$P/records/$R $GOOD_PUT
coordinator.tjh POST /patients/$P/queries {"text":"x"}
coordinator.tjh POST /patients/$P/signature {"password":"$PW","meaning":"ok"}
coordinator.tjh POST /patients/$P/lock {"locked":true}
monitor POST /queries/$Q/answer {"text":"x"}
coordinator.tjh POST /queries/$Q/close {}
coordinator.tjh POST /records/$R/sdv
statistician POST /import {"patients":[]}
coordinator.tjh GET /analysis/km
coordinator.tjh GET /analysis/km.svg
coordinator.tjh GET /analysis/summary
monitor GET /analysis/waterfall.svg
monitor GET /analysis/swimmer.svg
data.manager GET /analysis/forest.svg
statistician POST /freezes {"label":"x"}
coordinator.tjh POST /freezes {"label":"x"}
monitor GET /freezes
monitor GET /exports
monitor GET /exports/sdtm
admin GET /exports/odm
admin GET /status
admin GET /patients
admin GET /patients/$P
admin GET /queries
EOF2

# 4. Another site's patient: the same answer as for a missing one.
X=TJH-9999
while read -r m p1 p2 b; do
  call coordinator.sysu "$m" "$p1" "$b"; s1=$status; c1=$(jq -r '.error.code // empty' "$tmp/b")
  call coordinator.sysu "$m" "$p2" "$b"; s2=$status; c2=$(jq -r '.error.code // empty' "$tmp/b")
  if [ "$s1" = "$s2" ] && [ "$c1" = "$c2" ] && { [ "$s1" = 404 ] || [ "$s1" = 403 ]; }; then ok; else
    bad "other site: $m $p1 gave $s1 $c1, missing gave $s2 $c2"; fi
done <<EOF2
GET /patients/$P /patients/$X
POST /patients/$P/records /patients/$X/records $LAB
PUT /patients/$P/records/$R /patients/$X/records/$R $GOOD_PUT
GET /patients/$P/records/$R/history /patients/$X/records/$R/history
POST /patients/$P/queries /patients/$X/queries {"text":"x"}
POST /patients/$P/signature /patients/$X/signature {"password":"$PW","meaning":"ok"}
POST /patients/$P/lock /patients/$X/lock {"locked":true}
POST /queries/$Q/answer /queries/999999/answer {"text":"x"}
EOF2
call coordinator.sysu GET "/queries?patient=$P"
[ "$status" = 200 ] && [ "$(jq '.queries | length' "$tmp/b")" = 0 ] && ok || bad "other site's queries listed"

# 5. Stale version: 409.
call coordinator.tjh PUT "/patients/$P/records/$R" "$(echo "$RK" | jq -c '. + {version: 999, reason: "x"}')"
expect "stale version" 409 E_CONFLICT

# 6. Bad input: 400 for a body that is not JSON, 400/422 naming the field.
while read -r m p; do
  call data.manager "$m" "$p" '{"broken":'; expect "bad JSON: $m $p" 400 E_JSON
done <<EOF2
POST /session
POST /patients
POST /patients/$P/records
PUT /patients/$P/records/$R
POST /patients/$P/queries
POST /patients/$P/signature
POST /patients/$P/lock
POST /queries/$Q/answer
POST /queries/$Q/close
POST /import
POST /freezes
POST /rules/eligibility
POST /rules/mrecist
EOF2
named() { # named NAME STATUS FIELD
  local f
  f=$(jq -r '.error.field // empty' "$tmp/b")
  if [ "$status" = "$2" ] && [ "$f" = "$3" ]; then ok; else bad "$1: got $status field '$f', expected $2 '$3'"; fi
}
call - POST /session '{"username":"pi"}'; named "login without password" 400 password
call coordinator.tjh POST "/patients/$P/records" '{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":"high","unit":"U/L"}}'
named "record with a bad value" 422 data.value
call coordinator.tjh POST "/patients/$P/records" '{"kind":"nonsense","data":{}}'; named "unknown kind" 422 kind
call coordinator.tjh PUT "/patients/$P/records/$R" "$(echo "$RK" | jq -c '. + {reason: "x"}')"; named "update without version" 400 version
call coordinator.tjh PUT "/patients/$P/records/$R" "$(echo "$RK" | jq -c '. + {version: 1}')"; named "update without reason" 422 reason
call monitor POST "/patients/$P/queries" '{}'; named "query without text" 422 text
call data.manager POST "/patients/$P/lock" '{}'; named "lock without locked" 400 locked
call coordinator.tjh POST /rules/eligibility '{"age":"old"}'; named "eligibility bad age" 422 age
call coordinator.tjh POST /rules/mrecist '{"start_date":"2026-02-30"}'; named "mrecist bad date" 422 start_date
call data.manager POST /freezes '{"label":""}'; named "freeze with an empty label" 422 label
call data.manager POST /freezes '{}'; named "freeze without a label" 422 label
call statistician GET "/exports/csv?freeze=abc"; named "export: a bad freeze id" 400 freeze
call statistician GET "/exports/csv?freeze=999"; named "export: no such freeze" 404 freeze
call statistician GET "/exports/json"; named "export: an unknown format" 404 format
call statistician GET "/exports/odm?file=x.xml"; named "export: ?file on a one-file format" 400 file
call statistician GET "/exports/csv?file=../etc/passwd"; named "export: a file not in the export" 404 file
call statistician GET "/analysis/summary?freeze=0"; named "analysis: a bad freeze id" 400 freeze
call statistician GET "/freezes/999"; named "no such freeze" 404 freeze
server_stop
if grep -q Sanitizer "$tmp/server.log"; then
  bad "sanitizer report in the server log"
  grep -B2 -A40 -m1 -E "ERROR|runtime error" "$tmp/server.log" | head -60
else
  ok
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
