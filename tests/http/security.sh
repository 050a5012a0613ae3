#!/usr/bin/env bash
# Security of the server: HTTPS with __Host- Secure cookies and HSTS, login
# throttling (lockout after 5 failures, audited), session cookie flags.
# Prints "N passed, N failed".
#   tests/http/security.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: security.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
server_init study
server_admin site add --code SA --name A
server_user ca coordinator SA
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
  -subj /CN=localhost >/dev/null 2>&1; check "test certificate" $?
server_start --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
base="$host/api/v1"
curl -sk -D "$tmp/h" -o "$tmp/b" -X POST "$base/session" -d '{"username":"ca","password":"user-password-123"}'
grep -qi '^set-cookie: __Host-hcc_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Secure' "$tmp/h"; check "TLS cookie __Host- Secure HttpOnly SameSite=Strict" $?
grep -qi '^strict-transport-security: max-age=' "$tmp/h"; check "HSTS" $?
grep -qi "^content-security-policy: default-src 'self'; script-src 'self'" "$tmp/h"; check "CSP without inline script" $?
curl -s "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; [ $? -ne 0 ]; check "no plain HTTP on the TLS port" $?
# Five wrong passwords lock the account; then even the right one fails.
for i in 1 2 3 4 5; do
  code=$(curl -sk -o /dev/null -w '%{http_code}' -X POST "$base/session" -d '{"username":"ca","password":"wrong-password-x"}')
  [ "$code" = 401 ] || break
done
[ "$code" = 401 ]; check "wrong passwords: 401" $?
code=$(curl -sk -o "$tmp/b" -w '%{http_code}' -X POST "$base/session" -d '{"username":"ca","password":"user-password-123"}')
[ "$code" = 401 ]; check "locked after 5 failures" $?
server_stop
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" audit log --json --limit 100 >"$tmp/a" 2>&1
[ "$(jq '[.entries[] | select(.action == "login_failed" and .new_value == "ca")] | length' "$tmp/a")" -ge 6 ]; check "failures audited" $?
[ "$(jq '[.entries[] | select(.reason == "account locked after repeated failed logins")] | length' "$tmp/a")" = 1 ]; check "lock audited" $?
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" user set --username ca --active true >/dev/null 2>&1
HCCSTUDY_USER=ca HCCSTUDY_PASSWORD=user-password-123 "$bin" status >/dev/null 2>&1; check "admin reactivation unlocks" $?
# Behind a TLS-terminating proxy (plain HTTP from the proxy): the same
# cookie and HSTS; the cookie is accepted back.
server_log=$tmp/server2.log server_start --behind-tls-proxy
base="$host/api/v1"
curl -s -c "$tmp/jar" -D "$tmp/h" -o "$tmp/b" -X POST "$base/session" -d '{"username":"ca","password":"user-password-123"}'
grep -qi '^set-cookie: __Host-hcc_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Secure' "$tmp/h"; check "proxied TLS: __Host- Secure cookie" $?
grep -qi '^strict-transport-security: max-age=' "$tmp/h"; check "proxied TLS: HSTS" $?
tok=$(grep -o '__Host-hcc_session=[0-9a-f]*' "$tmp/h" | head -n 1)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $tok" "$base/session")
[ "$code" = 200 ]; check "proxied TLS: the cookie is accepted" $?
server_stop
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
