#!/usr/bin/env bash
# The access matrix (issue 14, item 5; docs/security.md): every route of
# `hccstudy routes --json` (so a new route is covered, or fails naming it,
# without editing this file), tried by every role of the demo study, two
# API tokens and nobody, on a patient of the actor's own site and of
# another site, with and without the session and the CSRF token.  The
# expected status of each case comes from the rules as docs/api.md and
# docs/store.md state them (tests/http/matrix/matrix.py), not from the
# code.  Prints every mismatch, the leaks (another site's data answered with
# 2xx; must be 0), the matrix size, and "N passed, N failed".
#   tests/http/matrix.sh PATH/TO/hccstudy [--markdown FILE]
set -u
bin=${1:?usage: matrix.sh HCCSTUDY [--markdown FILE]}
md=()
[ "${2:-}" = --markdown ] && md=(--markdown "${3:?--markdown FILE}")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/server.sh
. "$here/../lib/server.sh"
server_setup
server_demo matrix 24
if ! "$bin" routes --json >"$tmp/routes.json" 2>"$tmp/routes.err"; then
  echo "FAIL hccstudy routes --json"
  cat "$tmp/routes.err"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! server_start --db "$db"; then
  echo "0 passed, 1 failed"
  exit 1
fi
python3 "$here/matrix/matrix.py" "$host" "$demo_pw" "${md[@]}" <"$tmp/routes.json" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
last=$(tail -n 1 "$tmp/out")
if [[ ! $last =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]]; then
  echo "FAIL matrix.py did not finish (exit $rc)"
  tail -n 20 "$tmp/server.log"
  echo "0 passed, 1 failed"
  exit 1
fi
server_stop
[ "$rc" = 0 ]
