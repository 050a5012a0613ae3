#!/usr/bin/env bash
# The JSON API against a real server on a loopback port: sessions, CSRF,
# roles, site scoping, versions, bad input.  Prints "N passed, N failed".
#   tests/http/api.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: api.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
server_init study
server_admin site add --code SA --name "Site A"
server_admin site add --code SB --name "Site B"
for u in "ca coordinator SA" "cb coordinator SB" "mon monitor" "dm data_manager" "stat statistician"; do
  # shellcheck disable=SC2086
  server_user $u
done
server_start
base="$host/api/v1"

# req NAME METHOD PATH [BODY] -> sets $status and $tmp/body; uses cookie jar $jar and $csrf
req() {
  local m=$1 p=$2 b=${3:-}
  local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$m")
  [ -n "${jar:-}" ] && args+=(-b "$jar" -c "$jar")
  [ -n "${csrf:-}" ] && args+=(-H "X-CSRF-Token: $csrf")
  [ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
  status=$(curl "${args[@]}" "$base$p")
}
login() { server_login "$1" "$user_pw"; } # login USER -> sets jar, csrf
errcode() { jq -r .error.code "$tmp/body"; }

jar=""; csrf=""
req GET /health; [ "$status" = 200 ]; check "health" $?
req GET /patients; [ "$status" = 401 ] && [ "$(errcode)" = E_UNAUTHENTICATED ]; check "no session: 401" $?
req POST /session '{"username":"ca","password":"wrong-password"}'; [ "$status" = 401 ]; check "bad login: 401" $?
req POST /session '{"username":'; [ "$status" = 400 ] && [ "$(errcode)" = E_JSON ]; check "bad JSON: 400" $?
login ca; [ "$status" = 200 ] && [ ${#csrf} = 64 ]; check "login" $?
# The session says what the role may do (docs/store.md's table, from
# src/store/access.c): the interface shows its actions from it.
req GET /session
[ "$(jq -r '.user | [.site_scoped, (.permissions | join(","))] | @tsv' "$tmp/body")" = "$(printf 'true\tread,write,query_answer,export')" ]
check "session: a coordinator's permissions, site-scoped" $?
grep -q "HttpOnly" "$jar" 2>/dev/null || grep -q "#HttpOnly_" "$jar"; check "cookie HttpOnly" $?
good_csrf=$csrf
csrf=""; req POST /patients '{}'; [ "$status" = 403 ] && [ "$(errcode)" = E_CSRF ]; check "no CSRF token: 403" $?
csrf=wrong; req POST /patients '{}'; [ "$status" = 403 ]; check "wrong CSRF token: 403" $?
csrf=$good_csrf
req POST /patients '{}'; [ "$status" = 201 ] && [ "$(jq -r .code "$tmp/body")" = SA-0001 ]; check "create patient" $?
req POST /patients/SA-0001/records '{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":"high","unit":"U/L","extra":1}}'
[ "$status" = 422 ] && [ "$(jq '.error.problems | length' "$tmp/body")" = 2 ] && [ "$(jq -r .error.field "$tmp/body")" != null ]; check "bad record: 422 naming fields" $?
req POST /patients/SA-0001/records '{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":40,"unit":"U/L"}}'
[ "$status" = 201 ]; check "record saved" $?
rid=$(jq .id "$tmp/body")
req PUT "/patients/SA-0001/records/$rid" '{"kind":"lab","version":1,"data":{"date":"2026-03-01","test":"ALT","value":41,"unit":"U/L"}}'
[ "$status" = 422 ]; check "update without reason: 422" $?
req PUT "/patients/SA-0001/records/$rid" '{"kind":"lab","version":1,"reason":"typo","data":{"date":"2026-03-01","test":"ALT","value":41,"unit":"U/L"}}'
[ "$status" = 200 ]; check "update" $?
req PUT "/patients/SA-0001/records/$rid" '{"kind":"lab","version":1,"reason":"again","data":{"date":"2026-03-01","test":"ALT","value":42,"unit":"U/L"}}'
[ "$status" = 409 ] && [ "$(errcode)" = E_CONFLICT ]; check "stale version: 409" $?
req GET /patients; [ "$status" = 200 ] && [ "$(jq '.patients | length' "$tmp/body")" = 1 ]; check "list own patients" $?
req GET "/patients/SA-0001/records/$rid/history"
[ "$status" = 200 ] && [ "$(jq '[.history[] | select(.field == "value")] | map(.new_value) | join(",")' -r "$tmp/body")" = "40,41" ]; check "record history" $?
[ "$(jq -r '[.history[] | select(.action == "update")][0].reason' "$tmp/body")" = typo ]; check "history has the reason" $?
# Site B's coordinator: another site's patient is indistinguishable from none.
login cb
req GET /patients/SA-0001; s1=$status; c1=$(errcode)
req GET /patients/SA-9999; [ "$s1" = 404 ] && [ "$status" = 404 ] && [ "$c1" = "$(errcode)" ]; check "other site: same 404 as missing" $?
req POST /patients/SA-0001/records '{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":1,"unit":"U/L"}}'
[ "$status" = 404 ]; check "other site write: 404" $?
req GET /patients; [ "$(jq '.patients | length' "$tmp/body")" = 0 ]; check "other site not listed" $?
# Roles.
login stat
req POST /patients '{"site":"SA"}'; [ "$status" = 403 ] && [ "$(errcode)" = E_FORBIDDEN ]; check "statistician cannot create: 403" $?
req GET /patients/SA-0001; [ "$status" = 200 ]; check "statistician reads" $?
login mon
req POST /patients/SA-0001/queries '{"record_id":'"$rid"',"field":"value","text":"Please confirm ALT"}'
[ "$status" = 201 ]; check "monitor raises query" $?
qid=$(jq .id "$tmp/body")
req POST "/queries/$qid/close" '{}'; [ "$status" = 200 ]; check "monitor closes query" $?
req POST /records/$rid/sdv; [ "$status" = 200 ]; check "monitor SDV" $?
# The mark is there on a later read (a reload), with who and which version.
req GET /patients/SA-0001
[ "$(jq -r --argjson r "$rid" '.sdv[] | select(.record_id == $r) | "\(.verified_by) \(.stale)"' "$tmp/body")" = "mon false" ]
check "casebook shows the SDV mark on a later read" $?
req GET /status
[ "$(jq -r '[.sdv.verified, ([.sites[] | select(.site == "SA")][0].sdv_verified)] | @tsv' "$tmp/body")" = "$(printf '1\t1')" ]
check "status counts the verified record, per site too" $?
login ca
req POST "/queries/$qid/answer" '{"text":"ok"}'; [ "$status" = 409 ]; check "answer a closed query: 409" $?
req POST /patients/SA-0001/lock '{"locked":true}'; [ "$status" = 403 ]; check "coordinator cannot lock: 403" $?
login dm
req POST /patients/SA-0001/lock '{"locked":true}'; [ "$status" = 200 ]; check "data manager locks" $?
req POST /patients/SA-0001/records '{"kind":"lab","data":{"date":"2026-03-02","test":"AST","value":1,"unit":"U/L"}}'
[ "$status" = 409 ]; check "locked casebook refuses writes: 409" $?
# Logout ends the session.
req DELETE /session; [ "$status" = 200 ]; check "logout" $?
req GET /session; [ "$status" = 401 ]; check "session gone after logout" $?
# Limits and unknown routes.
jar=""; csrf=""
req GET /nope; [ "$status" = 404 ]; check "unknown route: 404" $?
req PATCH /patients; [ "$status" = 405 ]; check "wrong method: 405" $?
long=$(head -c 3000 /dev/zero | tr '\0' a)
req GET "/patients/$long"; [ "$status" = 414 ]; check "long URL: 414" $?
head -c 2000000 /dev/zero | tr '\0' ' ' >"$tmp/big"
status=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/big" "$base/session")
[ "$status" = 413 ]; check "large body: 413" $?
# The audit trail records the API's changes and still verifies.
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" audit verify >/dev/null 2>&1; check "audit verifies" $?
server_stop
grep -q "stopped" "$tmp/server.log"; check "clean shutdown" $?
! grep -q "Sanitizer" "$tmp/server.log"; check "no sanitizer report" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
