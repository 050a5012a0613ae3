#!/usr/bin/env bash
# Security of the server: HTTPS with __Host- Secure cookies and HSTS, login
# throttling (lockout after 5 failures, audited), session cookie flags.
# Prints "N passed, N failed".
#   tests/http/security.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: security.sh HCCSTUDY}
tmp=$(mktemp -d)
. "$(cd "$(dirname "$0")/../lib" && pwd)/db.sh"
pass=0
fail=0
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi; }
export HCCSTUDY_DB=$(test_db study) HCCSTUDY_ADMIN_PASSWORD=admin-password-123
"$bin" init >/dev/null 2>&1
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" site add --code SA --name A >/dev/null 2>&1
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 HCCSTUDY_NEW_PASSWORD=user-password-123 \
  "$bin" user add --username ca --role coordinator --site SA >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
  -subj /CN=localhost >/dev/null 2>&1; check "test certificate" $?
port=$((20000 + RANDOM % 20000))
"$bin" serve --listen "127.0.0.1:$port" --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" >"$tmp/log" 2>&1 &
pid=$!
base="https://127.0.0.1:$port/api/v1"
for _ in $(seq 1 50); do curl -sk "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done
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
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" audit log --json --limit 100 >"$tmp/a" 2>&1
[ "$(jq '[.entries[] | select(.action == "login_failed" and .new_value == "ca")] | length' "$tmp/a")" -ge 6 ]; check "failures audited" $?
[ "$(jq '[.entries[] | select(.reason == "account locked after repeated failed logins")] | length' "$tmp/a")" = 1 ]; check "lock audited" $?
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" user set --username ca --active true >/dev/null 2>&1
HCCSTUDY_USER=ca HCCSTUDY_PASSWORD=user-password-123 "$bin" status >/dev/null 2>&1; check "admin reactivation unlocks" $?
# Behind a TLS-terminating proxy (plain HTTP from the proxy): the same
# cookie and HSTS; the cookie is accepted back.
port=$((20000 + RANDOM % 20000))
"$bin" serve --listen "127.0.0.1:$port" --behind-tls-proxy >"$tmp/log2" 2>&1 &
pid=$!
base="http://127.0.0.1:$port/api/v1"
for _ in $(seq 1 50); do curl -s "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -s -c "$tmp/jar" -D "$tmp/h" -o "$tmp/b" -X POST "$base/session" -d '{"username":"ca","password":"user-password-123"}'
grep -qi '^set-cookie: __Host-hcc_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Secure' "$tmp/h"; check "proxied TLS: __Host- Secure cookie" $?
grep -qi '^strict-transport-security: max-age=' "$tmp/h"; check "proxied TLS: HSTS" $?
tok=$(grep -o '__Host-hcc_session=[0-9a-f]*' "$tmp/h" | head -n 1)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $tok" "$base/session")
[ "$code" = 200 ]; check "proxied TLS: the cookie is accepted" $?
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
