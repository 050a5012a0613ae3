#!/usr/bin/env bash
# The browser layer (issue 7): installs what it needs (scripts/e2e-deps.sh:
# Debian's chromium, playwright-core from npm; never a downloaded browser),
# makes a demo study, serves it on a random loopback port, runs the journey
# (tests/e2e/journey.mjs: one check per step) in headless Chromium, writes a
# screenshot of every page to build/screenshots/ and stops the server.
# Prints "N passed, N failed" as its last line (one check per journey step,
# plus one failure when the server's log has a sanitizer report) and exits
# non-zero on failure; when the harness itself cannot run (install, demo,
# server), that counts as one failure with the reason printed.
# E2E_SCREENSHOTS=DIR overrides the screenshot folder; E2E_TIMEOUT_MS (default
# 10000) is the wait for each element.
#   tests/e2e/run.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: tests/e2e/run.sh HCCSTUDY}
root=$(cd "$(dirname "$0")/../.." && pwd)
case $bin in /*) ;; *) bin="$PWD/$bin" ;; esac
shots=${E2E_SCREENSHOTS:-$root/build/screenshots}
tmp=$(mktemp -d)
. "$(cd "$(dirname "$0")/../lib" && pwd)/db.sh"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# harness_fail WHY: the journey could not run; one failure.
harness_fail() {
  echo "FAIL harness: $1"
  echo "0 passed, 1 failed"
  exit 1
}

[ -x "$bin" ] || harness_fail "no hccstudy binary at $bin"
bash "$root/scripts/e2e-deps.sh" || harness_fail "scripts/e2e-deps.sh failed"

db=$(test_db study)
"$bin" demo --db "$db" --patients 60 >"$tmp/demo.log" 2>&1 ||
  { cat "$tmp/demo.log"; harness_fail "hccstudy demo failed"; }

# A random free port on the loopback; retried when the bind fails.
base=""
for _ in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  "$bin" serve --db "$db" --listen "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health" 2>/dev/null; then
      base="http://127.0.0.1:$port"
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$base" ] && break
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=""
done
[ -n "$base" ] || { cat "$tmp/server.log"; harness_fail "hccstudy serve did not answer"; }

mkdir -p "$shots"
rm -f "$shots"/*.png
cd "$root/tests/e2e" || harness_fail "no tests/e2e"
timeout 600 node journey.mjs "$base" "$shots" >"$tmp/journey.log" 2>&1
rc=$?
cat "$tmp/journey.log"

# Stop the server now (SIGTERM, then wait) so that a sanitizer build's report
# is in its log; any such report is one more failed check.
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=""
san=0
if grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/server.log"; then
  echo "FAIL server: sanitizer report in the server log:"
  grep -E -A 12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/server.log" | head -n 60
  san=1
fi

p=$(grep -c '^PASS ' "$tmp/journey.log")
f=$(grep -c '^FAIL ' "$tmp/journey.log")
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/journey.log" | tail -n 1)
if [ -z "$line" ]; then
  # The journey crashed (browser launch, time limit): count what it did.
  echo "FAIL harness: journey.mjs ended without a result (exit $rc)"
  f=$((f + 1))
fi
if [ "$rc" -ne 0 ] || [ "$san" -ne 0 ]; then
  echo "--- server log (last 20 lines)"
  tail -n 20 "$tmp/server.log"
fi
f=$((f + san))
echo "$p passed, $f failed"
[ "$rc" -eq 0 ] && [ "$f" -eq 0 ]
