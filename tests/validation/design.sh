#!/usr/bin/env bash
# Cross-check of stats binom|fisher|chisq|samplesize|power against R run
# live (binom.test, prop.test(correct = FALSE), qbeta, fisher.test,
# chisq.test, rpact).  design/ref.R prints one line per hccstudy call with
# the values R gives; every value is one check, equal at 1e-6 relative
# (numbers R gives as exactly 0 must be exactly 0; "Inf" must be JSON
# null).  Last line: "N passed, N failed".
#   tests/validation/design.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: design.sh HCCSTUDY}
dir=$(cd "$(dirname "$0")" && pwd)
if ! command -v Rscript >/dev/null 2>&1; then
  echo "design: Rscript not found (install r-base-core)"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! Rscript -e 'suppressMessages(library(rpact))' >/dev/null 2>&1; then
  echo "design: the R package rpact is missing (install r-cran-rpact)"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! command -v jq >/dev/null 2>&1; then
  echo "design: jq not found"
  echo "0 passed, 1 failed"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! Rscript "$dir/design/ref.R" >"$tmp/ref" 2>"$tmp/rerr"; then
  cat "$tmp/rerr"
  echo "design: design/ref.R failed"
  echo "0 passed, 1 failed"
  exit 1
fi
pass=0
fail=0
# compare.awk reads "key want got" lines of one case and prints one
# "ok" or "FAIL key = got, R gives want" line per value.
cat >"$tmp/compare.awk" <<'AWK'
{
  key = $1; w = $2; g = $3; ok = 0
  if (w == "Inf") {
    ok = (g == "null")
  } else if (g != "null") {
    d = g - w; if (d < 0) d = -d
    s = w < 0 ? -w : w
    ok = (d <= 1e-6 * s)
  }
  if (ok) { print "ok" } else { print "FAIL " key " = " g ", R gives " w }
}
AWK
while IFS='|' read -r args rest; do
  [ -n "$args" ] || continue
  IFS='|' read -r -a pairs <<<"$rest"
  keys=()
  for kv in "${pairs[@]}"; do
    keys+=("${kv%%=*}")
  done
  # shellcheck disable=SC2086
  if ! "$bin" $args --json >"$tmp/out" 2>"$tmp/err"; then
    fail=$((fail + ${#pairs[@]}))
    echo "FAIL $args: exit status ($(sed -n 1p "$tmp/err"))"
    continue
  fi
  filter=$(printf '.%s,' "${keys[@]}")
  filter="${filter%,}"
  jq -r "$filter | if . == null then \"null\" else tostring end" \
    "$tmp/out" >"$tmp/got"
  for kv in "${pairs[@]}"; do
    echo "${kv%%=*} ${kv#*=}"
  done | paste -d' ' - "$tmp/got" | awk -f "$tmp/compare.awk" >"$tmp/res"
  p=$(grep -c '^ok$' "$tmp/res")
  f=$((${#pairs[@]} - p))
  pass=$((pass + p))
  fail=$((fail + f))
  if [ "$f" -ne 0 ]; then
    grep -v '^ok$' "$tmp/res" | sed "s|^|$args: |"
  fi
done <"$tmp/ref"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
