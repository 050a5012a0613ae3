#!/usr/bin/env bash
# Load test of the server against the demo study (issue 7), with wrk from
# Debian, on loopback only, bounded in time:
#   reads:  64 connections, GET /api/v1/patients/CODE (a casebook: the data of
#           the casebook page) for 10 s, authenticated;
#   writes: 64 connections, POST /api/v1/patients/CODE/records (a lab result:
#           validated, audited, derived, group-committed) to the centre's
#           patients in turn, for 10 s.
# Prints requests per second and latency percentiles, next to the targets
# (5,000 reads/s with p99 < 20 ms; 1,000 audited saves/s).
#   bench/web.sh PATH/TO/hccstudy [PATIENTS]
set -eu
bin=${1:?usage: web.sh HCCSTUDY [PATIENTS]}
n=${2:-364}
command -v wrk >/dev/null || { echo "bench/web: wrk not found (apt-get install wrk)"; exit 1; }
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
"$bin" demo --db "$tmp/demo.db" --patients "$n" >/dev/null
port=$((20000 + RANDOM % 20000))
"$bin" serve --db "$tmp/demo.db" --listen "127.0.0.1:$port" --threads 4 >"$tmp/log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -s "$base/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -s -c "$tmp/jar" -o "$tmp/login" -X POST "$base/api/v1/session" \
  -d '{"username":"coordinator.tjh","password":"hccstudy-demo-2026"}'
csrf=$(jq -r .csrf "$tmp/login")
cookie="hcc_session=$(awk '$6 == "hcc_session" {print $7}' "$tmp/jar")"
code=$(curl -s -b "$tmp/jar" "$base/api/v1/patients" | jq -r '.patients[0].code')
codes=$(curl -s -b "$tmp/jar" "$base/api/v1/patients" | jq -r '[.patients[] | select(.locked == false) | "\"" + .code + "\""] | join(",")')
echo "demo study: $n patients; casebook $code: $(curl -s -b "$tmp/jar" "$base/api/v1/patients/$code" | wc -c) bytes"
cat >"$tmp/write.lua" <<LUA
wrk.method = "POST"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["X-CSRF-Token"] = "$csrf"
wrk.headers["Content-Type"] = "application/json"
codes = {$codes}
counter = 0
request = function()
  counter = counter + 1
  local body = '{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":' .. (counter % 90 + 10) .. ',"unit":"U/L"}}'
  return wrk.format(nil, "/api/v1/patients/" .. codes[counter % #codes + 1] .. "/records", nil, body)
end
LUA
echo
echo "== reads: GET /api/v1/patients/$code, 64 connections, 10 s"
wrk -t2 -c64 -d10s --latency -H "Cookie: $cookie" "$base/api/v1/patients/$code" | \
  grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors"
echo
echo "== writes: POST a lab record to the centre's patients in turn, 64 connections, 10 s"
wrk -t2 -c64 -d10s --latency -s "$tmp/write.lua" "$base" | \
  grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors"
echo
echo "== analysis routes as the pi, one at a time (median of 5, seconds; target < 1 s)"
curl -s -c "$tmp/pi.jar" -o /dev/null -X POST "$base/api/v1/session" \
  -d '{"username":"pi","password":"hccstudy-demo-2026"}'
for r in "km?endpoint=os&adjust=iptw" summary forest.svg; do
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -b "$tmp/pi.jar" -w '%{time_total}\n' "$base/api/v1/analysis/$r"
  done | sort -n | sed -n 3p | xargs printf '%-28s %s\n' "$r"
done
HCCSTUDY_DB=$tmp/demo.db HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=hccstudy-demo-2026 \
  "$bin" audit verify
