#!/usr/bin/env bash
# API tokens (docs/api.md, "API tokens") against a real server: created by
# the command line and the API, used as "Authorization: Bearer"; read-only
# and route scopes, no CSRF for Bearer requests, revoked, expired and
# unknown tokens refused (401), out-of-scope routes refused (403), the
# user's site scoping kept, every use audited, and the token's text never
# in the server log, the audit trail or the database.  Prints
# "N passed, N failed".
#   tests/http/tokens.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: tokens.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
server_init study
server_admin site add --code SA --name "Site A"
server_admin site add --code SB --name "Site B"
server_user ca coordinator SA
server_user cb coordinator SB
server_user stat statistician
as() { # as USER ARGS...: hccstudy ARGS as USER
  local u=$1
  shift
  HCCSTUDY_USER=$u HCCSTUDY_PASSWORD=$user_pw "$bin" "$@"
}
as ca patient add >/dev/null 2>&1
as cb patient add >/dev/null 2>&1
secrets=()

# Tokens from the command line.
t_read=$(as ca token create --name nightly 2>"$tmp/create.err")
[[ $t_read =~ ^hcc_[0-9a-f]{64}$ ]] && grep -q "shown only once" "$tmp/create.err"; check "cli: create prints the token once" $?
secrets+=("$t_read")
t_list=$(as ca token create --name list-only --scope "GET patients" 2>/dev/null)
secrets+=("$t_list")
t_write=$(as ca token create --name writer --scope "POST patients,GET patients" 2>/dev/null)
secrets+=("$t_write")
t_exp=$(as ca token create --name short --expires 1 2>/dev/null)
secrets+=("$t_exp")
t_py=$(as ca token create --name scripts 2>/dev/null)
secrets+=("$t_py")
as ca token create --name bad --scope "GET nowhere" >/dev/null 2>&1; [ $? = 2 ]; check "cli: unknown route in scope refused" $?
as ca token create --name bad --expires 400 >/dev/null 2>&1; [ $? = 2 ]; check "cli: over 365 days refused" $?
as ca token create --name bad --for cb >/dev/null 2>&1; [ $? = 2 ]; check "cli: a coordinator cannot make another's token" $?
t_admin=$(HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$admin_pw "$bin" token create --name for-cb --for cb 2>/dev/null)
[[ $t_admin =~ ^hcc_ ]]; check "cli: admin makes a token for another user" $?
secrets+=("$t_admin")
as ca token list >"$tmp/list" 2>&1 && [ "$(wc -l <"$tmp/list")" = 5 ] && ! grep -q "${t_read:12}" "$tmp/list"; check "cli: list shows own tokens, not their text" $?

server_start
base="$host/api/v1"
# breq NAME TOKEN METHOD PATH [BODY] -> $status, $tmp/body (no cookie, no CSRF)
breq() {
  local t=$1 m=$2 p=$3 b=${4:-}
  local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $t")
  [ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
  status=$(curl "${args[@]}" "$base$p")
}
errcode() { jq -r .error.code "$tmp/body"; }

breq "$t_read" GET /patients
[ "$status" = 200 ] && [ "$(jq -r '[.patients[].code] | join(",")' "$tmp/body")" = SA-0001 ]; check "read token: GET patients 200, own site only" $?
breq "$t_read" GET /patients/SB-0001; [ "$status" = 404 ]; check "read token: another site's patient 404" $?
breq "$t_read" GET /patients/SA-0001; [ "$status" = 200 ]; check "read token: own casebook 200" $?
breq "$t_read" POST /patients '{}'; [ "$status" = 403 ] && [ "$(errcode)" = E_FORBIDDEN ]; check "read token: POST 403" $?
breq "$t_read" GET /tokens; [ "$status" = 403 ]; check "a token cannot list tokens" $?
breq "$t_read" POST /tokens '{"name":"x"}'; [ "$status" = 403 ]; check "a token cannot make tokens" $?
breq "$t_list" GET /patients; [ "$status" = 200 ]; check "route token: its route 200" $?
breq "$t_list" GET /patients/SA-0001; [ "$status" = 403 ] && [ "$(errcode)" = E_FORBIDDEN ]; check "route token: another route 403" $?
breq "$t_write" POST /patients '{}'; [ "$status" = 201 ] && [ "$(jq -r .site "$tmp/body")" = SA ]; check "write token: POST without CSRF 201, at its own site" $?
breq "$t_write" POST /patients '{"site":"SB"}'; [ "$status" = 403 ]; check "write token: the role's rules still apply" $?
breq "${t_read%?}0" GET /patients; [ "$status" = 401 ] && [ "$(errcode)" = E_UNAUTHENTICATED ]; check "unknown token 401" $?
breq "hcc_nonsense" GET /patients; [ "$status" = 401 ]; check "malformed token 401" $?
! grep -q "nonsense" "$tmp/body"; check "the token is not echoed" $?
status=$(curl -s -o "$tmp/body" -w '%{http_code}' -H "Authorization: Basic Y2E6eA==" "$base/patients"); [ "$status" = 401 ]; check "Basic auth 401" $?
# A cookie does not rescue a bad token: the Authorization header decides.
server_login ca "$user_pw"
status=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$jar" -H "Authorization: Bearer hcc_x" "$base/patients"); [ "$status" = 401 ]; check "bad token with a good cookie 401" $?

# Tokens through the API (the session's user; CSRF as for any write).
req() { # req METHOD PATH [BODY] with the session cookie and CSRF token
  local m=$1 p=$2 b=${3:-}
  local args=(-s -o "$tmp/body" -w '%{http_code}' -X "$m" -b "$jar" -H "X-CSRF-Token: $csrf")
  [ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
  status=$(curl "${args[@]}" "$base$p")
}
req POST /tokens '{"name":"from-api","scope":"read","expires_days":7}'
[ "$status" = 201 ]; check "api: create 201" $?
t_api=$(jq -r .token "$tmp/body"); api_id=$(jq -r .id "$tmp/body")
secrets+=("$t_api")
[[ $t_api =~ ^hcc_[0-9a-f]{64}$ ]]; check "api: the token in the answer" $?
status=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST -b "$jar" -H 'Content-Type: application/json' --data-binary '{"name":"x"}' "$base/tokens")
[ "$status" = 403 ] && [ "$(errcode)" = E_CSRF ]; check "api: create needs the CSRF token" $?
req POST /tokens '{"name":"x","expires_days":1000}'; [ "$status" = 422 ]; check "api: over 365 days 422" $?
req POST /tokens '{"name":"x","scope":"DELETE session"}'; [ "$status" = 422 ]; check "api: a session route in scope 422" $?
req POST /tokens '{"name":"x","user":"cb"}'; [ "$status" = 403 ]; check "api: not for another user" $?
breq "$t_api" GET /patients; [ "$status" = 200 ]; check "api token works" $?
req GET /tokens
[ "$status" = 200 ] && [ "$(jq '.tokens | length' "$tmp/body")" = 6 ] && ! grep -q "${t_api:12}" "$tmp/body" && [ "$(jq -r --argjson i "$api_id" '.tokens[] | select(.id == $i) | .uses' "$tmp/body")" = 1 ]
check "api: list (own, counted uses, no text)" $?
read_id=$(jq -r '.tokens[] | select(.name == "nightly") | .id' "$tmp/body")
cb_id=$(HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$admin_pw "$bin" token list --json | jq -r '.tokens[] | select(.user == "cb") | .id')
req DELETE "/tokens/$cb_id"; [ "$status" = 404 ]; check "api: another user's token reads as not found" $?
req DELETE "/tokens/$api_id"; [ "$status" = 200 ]; check "api: revoke" $?
breq "$t_api" GET /patients; [ "$status" = 401 ] && [ "$(errcode)" = E_UNAUTHENTICATED ]; check "revoked (api) 401" $?
as ca token revoke "$read_id" >/dev/null 2>&1; check "cli: revoke" $?
breq "$t_read" GET /patients; [ "$status" = 401 ] && jq -r .error.message "$tmp/body" | grep -q revoked; check "revoked (cli) 401" $?
# The examples of docs/api.md, as written, against this server: Python
# (standard library) and R (httr, jsonlite: scripts/deps.sh test installs
# them; a missing package fails the check, it does not skip it).
docs=$(cd "$(dirname "$0")/../.." && pwd)/docs/api.md
snippet() { # snippet LANG: the first ```LANG block of docs/api.md, on $base
  awk -v l="$1" '$0 == "```" l { on = 1; next } on && $0 == "```" { exit } on' "$docs" |
    sed "s|https://hcc.example.org/api/v1|$base|"
}
mkdir -p "$tmp/py" "$tmp/r"
snippet python >"$tmp/py/pull.py"
(cd "$tmp/py" && HCCSTUDY_TOKEN=$t_list python3 pull.py) >/dev/null 2>&1; [ $? != 0 ]; check "docs python: out-of-scope route fails" $?
(cd "$tmp/py" && HCCSTUDY_TOKEN=$t_py python3 pull.py) >"$tmp/py.log" 2>&1 && [ "$(jq -r .patient.code "$tmp/py/SA-0001.json" 2>/dev/null)" = SA-0001 ]
check "docs python example pulls the casebooks" $?
snippet r >"$tmp/r/pull.R"
(cd "$tmp/r" && HCCSTUDY_TOKEN=$t_py Rscript pull.R) >"$tmp/r.log" 2>&1 && [ -s "$tmp/r/SA-0001.json" ]
check "docs R example pulls the casebooks (R httr, jsonlite)" $?
breq "$t_admin" GET /patients; [ "$status" = 200 ] && [ "$(jq -r '[.patients[].code] | join(",")' "$tmp/body")" = SB-0001 ]; check "admin-made token acts as its user (site SB)" $?

# Expiry: the server's clock two days on.
breq "$t_exp" GET /patients; [ "$status" = 200 ]; check "1-day token works today" $?
server_stop
server_log=$tmp/server2.log HCCSTUDY_FAKE_EPOCH_OFFSET=$((2 * 86400)) server_start
base="$host/api/v1"
breq "$t_exp" GET /patients; [ "$status" = 401 ] && jq -r .error.message "$tmp/body" | grep -q expired; check "expired 401" $?
breq "$t_list" GET /patients; [ "$status" = 200 ]; check "a 90-day token still works" $?
server_stop
grep -q "stopped" "$tmp/server.log" && grep -q "stopped" "$tmp/server2.log"; check "clean shutdowns" $?

# Every use audited (token_use, with the route; refusals with the reason).
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$admin_pw "$bin" audit log --json --limit 1000 >"$tmp/audit.json" 2>&1
uses=$(jq '[.entries[] | select(.action == "token_use")] | length' "$tmp/audit.json")
[ "$uses" -ge 17 ]; check "every use audited ($uses)" $?
[ "$(jq '[.entries[] | select(.action == "token_use" and .reason == "refused: out of scope")] | length' "$tmp/audit.json")" -ge 3 ]; check "out-of-scope uses audited" $?
[ "$(jq '[.entries[] | select(.action == "token_use" and .reason == "refused: expired")] | length' "$tmp/audit.json")" = 1 ]; check "expired use audited" $?
jq -e '[.entries[] | select(.action == "token_use" and .actor == "ca" and .new_value == "/api/v1/patients")] | length > 0' "$tmp/audit.json" >/dev/null; check "a use names the user and path" $?
jq -e '[.entries[] | select(.action == "token_create")] | length >= 30' "$tmp/audit.json" >/dev/null &&
  jq -e '[.entries[] | select(.action == "token_revoke")] | length == 2' "$tmp/audit.json" >/dev/null; check "creation and revocation audited" $?
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$admin_pw "$bin" audit log --limit 1000 >"$tmp/audit.txt" 2>&1
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$admin_pw "$bin" audit verify >/dev/null 2>&1; check "audit verifies" $?
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$admin_pw "$bin" backup --to "$tmp/copy.db" >/dev/null 2>&1; check "backup" $?
# The token's text (or its secret part) never stored or logged.
leak=0
for s in "${secrets[@]}"; do
  for f in "$tmp/server.log" "$tmp/server2.log" "$tmp/audit.json" "$tmp/audit.txt" "$tmp/copy.db" "$tmp"/study.db*; do
    [ -f "$f" ] || continue
    if grep -a -q -e "$s" -e "${s:12}" "$f"; then leak=1; echo "token text in $f"; fi
  done
done
[ "$leak" = 0 ]; check "no token text in the log, the audit trail or the database" $?
! grep -qi "bearer" "$tmp/server.log" "$tmp/server2.log"; check "no Authorization header in the log" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
