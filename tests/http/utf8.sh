#!/usr/bin/env bash
# Text that is not UTF-8 anywhere in a request, on every route of the route
# table (read from src/web/routes.c, so a new route is covered on the day it
# is added), with and without a session: path, query string, a header, the
# cookie, a JSON body.  Each answers 400 E_ENCODING in the one error shape,
# and the server stays up (the crash of issue 12: GET /api/v1/patients/
# followed by 0xff 0xfe 0xfd with a valid session).  Valid UTF-8 (Chinese
# text) still passes.  Prints "N passed, N failed".
#   tests/http/utf8.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: utf8.sh HCCSTUDY}
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/server.sh
. "$root/tests/lib/server.sh"
server_setup
server_init study
server_admin site add --code SA --name "Site A"
server_user ca coordinator SA
HCCSTUDY_USER=ca HCCSTUDY_PASSWORD=$user_pw "$bin" patient add --site SA >/dev/null 2>&1
server_start

# login: a fresh session in $jar and $csrf (each route gets its own, so
# that a route that ends a session cannot hide the others' answers).
login() {
  server_login ca "$user_pw"
  [ -n "$csrf" ] && [ "$csrf" != null ]
}
login; check "login" $?

bad=$'\xff\xfe\xfd'
printf '{"kind":"%s","data":{"x":"%s"}}' "$bad" "$bad" >"$tmp/bad.json"

# send LABEL WHERE METHOD PATH SESSION(0|1) [CURL ARGS...]: expects 400
# E_ENCODING naming WHERE in .error.field.
send() {
  local label=$1 where=$2 m=$3 p=$4 s=$5
  shift 5
  local args=(-s --path-as-is -o "$tmp/body" -w '%{http_code}' -X "$m")
  if [ "$s" = 1 ]; then args+=(-b "$jar" -H "X-CSRF-Token: $csrf"); fi
  local code ok=1
  code=$(curl "${args[@]}" "$@" "$host/$p")
  [ "$code" = 400 ] && [ "$(jq -r .error.code "$tmp/body" 2>/dev/null)" = E_ENCODING ] &&
    [ "$(jq -r .error.status "$tmp/body")" = 400 ] &&
    [ "$(jq -r .error.field "$tmp/body")" = "$where" ] && ok=0
  check "$label (session $s): got $code $(head -c 120 "$tmp/body")" "$ok"
}

routes=$(grep -oE '\{"(GET|POST|PUT|DELETE)", "api/v1/[^"]*"' "$root/src/web/routes.c" |
  sed -E 's/\{"([A-Z]+)", "([^"]*)"/\1 \2/')
n_routes=$(echo "$routes" | wc -l)
[ "$n_routes" -ge 25 ]; check "route table read ($n_routes routes)" $?
while read -r m pat; do
  good=$(echo "$pat" | sed -E 's#:code#SA-0001#g; s#:id#1#g')
  # The bad bytes in each parameter, or appended to a fixed path.
  if [[ $pat == *:* ]]; then
    badpath=$(echo "$pat" | sed -E 's#:[a-z]+#%FF%FE%FD#g')
  else
    badpath="$pat%FF%FE%FD"
  fi
  login || echo "login failed before $m $pat"
  for s in 0 1; do
    send "$m $pat: path" path "$m" "$badpath" "$s"
    send "$m $pat: query" query "$m" "$good?status=%FF%FE&x=1" "$s"
    send "$m $pat: query key" query "$m" "$good?%FF=1" "$s"
    send "$m $pat: header" header "$m" "$good" "$s" -H "X-Note: $bad"
    send "$m $pat: body" body "$m" "$good" "$s" -H 'Content-Type: application/json' \
      --data-binary @"$tmp/bad.json"
  done
done <<<"$routes"
# Raw bytes in the request line (not percent-encoded), overlong and
# surrogate forms, and a cookie that is not UTF-8; the static pages too.
send "raw bytes in the path" path GET "api/v1/patients/$bad" 1
send "overlong '/' (C0 AF)" path GET "api/v1/patients/%C0%AF" 1
send "surrogate (ED A0 80)" path GET "api/v1/patients/%ED%A0%80" 1
send "above U+10FFFF (F4 90 80 80)" path GET "api/v1/patients/%F4%90%80%80" 1
send "truncated sequence (E4 B8)" path GET "api/v1/patients/%E4%B8" 1
send "static page" path GET "%FF%FE.html" 0
send "cookie" header GET "api/v1/session" 0 -H "Cookie: hcc_session=$bad"
send "form body on a JSON route" body POST "api/v1/session" 0 --data-binary "$bad"

# Still up, and valid UTF-8 still passes: Chinese text in a query, a JSON
# string in a body, a patient code that does not exist.
curl -s -o "$tmp/body" "$host/api/v1/health" && [ "$(jq -r .status "$tmp/body")" = ok ]
check "server still answers" $?
kill -0 "$pid" 2>/dev/null; check "server process alive" $?
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$jar" "$host/api/v1/patients?status=%E5%85%A5%E7%BB%84")
[ "$code" = 200 ] && [ "$(jq '.patients | length' "$tmp/body")" = 0 ]; check "Chinese query value: 200" $?
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$jar" "$host/api/v1/patients/%E5%85%A5")
[ "$code" = 404 ] && [ "$(jq -r .error.code "$tmp/body")" = E_NOT_FOUND ]; check "Chinese patient code: 404 (got $code)" $?
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$jar" -H "X-CSRF-Token: $csrf" \
  -H 'Content-Type: application/json' -X POST "$host/api/v1/rules/eligibility" \
  --data-binary '{"age":55,"bclc":"C","ecog":"一"}')
ok=1
[ "$code" = 422 ] && [ "$(jq -r .error.field "$tmp/body")" = ecog ] && ok=0
check "Chinese text in a body is read and named (got $code $(head -c 100 "$tmp/body"))" "$ok"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$host/api/v1/patients")
[ "$code" = 200 ]; check "session still valid" $?
grep -q -E 'AddressSanitizer|runtime error|Segmentation' "$tmp/server.log"
[ $? -ne 0 ]; check "no sanitizer report in the server log" $?
server_stop
[ "$server_rc" -eq 0 ]; check "server exits cleanly (rc $server_rc)" $?
[ "$fail" -ne 0 ] && tail -n 20 "$tmp/server.log"
echo "$pass passed, $fail failed"
