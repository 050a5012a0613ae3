#!/usr/bin/env bash
# Kaplan-Meier and log-rank against R's survival package, run live.
#
# tests/validation/km/ref.R exports survival's lung, aml, veteran, ovarian
# and colon plus a generated data set (ties, floating-point near-ties, text
# groups, missing values, strata) into a temporary directory, and writes the
# reference numbers from survfit / summary.survfit / survdiff.  Each case is
# then run through `hccstudy stats km|logrank --json`, flattened with jq to
# the same keys, and every number is compared (one check each):
#   survival, SE and confidence limits, rmst      1e-7 (abs below 1, else rel)
#   chisq, p, observed, expected                  1e-5 relative
#   medians, quantiles and their limits, times,
#   counts, df                                    exact (quantile limits 1e-7)
# A key present on one side only is a failure.  Prints one line per failed
# check and the closing "N passed, N failed".
#   tests/validation/km_logrank.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: km_logrank.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
for tool in Rscript jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "km_logrank: $tool not found (install with scripts/deps.sh test)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! Rscript "$here/km/ref.R" "$tmp" >"$tmp/r.log" 2>&1; then
  cat "$tmp/r.log"
  echo "km_logrank: the R reference script failed"
  echo "0 passed, 1 failed"
  exit 1
fi
: >"$tmp/got.tsv"
run_fail=0
while IFS=$'\t' read -r name kind args; do
  # shellcheck disable=SC2086
  if ! "$bin" stats "$kind" $args --json >"$tmp/out.json" 2>"$tmp/err"; then
    echo "FAIL $name: hccstudy exited non-zero: $(head -c 300 "$tmp/err")"
    run_fail=$((run_fail + 1))
    continue
  fi
  if [ "$kind" = km ]; then
    jq -r --arg c "$name" '
      .groups[] | . as $g | "groups.\($g.group)." as $p |
      ( ("n","events","median","median_lower","median_upper","rmst",
         "rmst_se") as $k | "\($c)\t\($p)\($k)\t\($g[$k])" ),
      ( $g.table | to_entries[] | .key as $i | .value | to_entries[] |
        "\($c)\t\($p)table.\($i).\(.key)\t\(.value)" ),
      ( $g.at_times | to_entries[] | .key as $i | .value | to_entries[] |
        "\($c)\t\($p)at_times.\($i).\(.key)\t\(.value)" ),
      ( $g.quantiles | to_entries[] | .key as $i | .value | to_entries[] |
        "\($c)\t\($p)quantiles.\($i).\(.key)\t\(.value)" )' \
      "$tmp/out.json" >>"$tmp/got.tsv"
  else
    jq -r --arg c "$name" '
      ( ("chisq","df","p") as $k | "\($c)\t\($k)\t\(.[$k])" ),
      ( .groups[] | . as $g |
        ("n","observed","expected") as $k |
        "\($c)\tgroups.\($g.group).\($k)\t\($g[$k])" )' \
      "$tmp/out.json" >>"$tmp/got.tsv"
  fi
done <"$tmp/cases.tsv"

awk -F'\t' -v run_fail="$run_fail" '
  function tol_of(key,   f) {
    f = key; sub(/.*\./, "", f)
    if (f ~ /^(surv|std_err|lower|upper|rmst|rmst_se)$/) return 1e-7
    if (f ~ /^(chisq|p|observed|expected)$/) return 1e-5
    return 0
  }
  function absf(x) { return x < 0 ? -x : x }
  FNR == NR { ref[$1 "\t" $2] = $3; order[++n] = $1 "\t" $2; next }
  { got[$1 "\t" $2] = $3 }
  END {
    pass = 0; fail = run_fail
    for (i = 1; i <= n; i++) {
      k = order[i]; r = ref[k]
      split(k, parts, "\t")
      if (!(k in got)) {
        # A failed case was already counted once; skip its keys.
        if (!(parts[1] in seen_missing)) { seen_missing[parts[1]] = 1 }
        if (!(parts[1] in okcase)) { missing[parts[1]]++ }
        continue
      }
      g = got[k]; okcase[parts[1]] = 1
      if (r == "null" || g == "null") {
        ok = (r == g)
      } else {
        t = tol_of(parts[2]); scale = absf(r + 0) > 1 ? absf(r + 0) : 1
        if (t >= 1e-5) { scale = absf(r + 0) > 0 ? absf(r + 0) : 1 }
        ok = (absf(g - r) <= t * scale)
      }
      if (ok) { pass++ } else {
        fail++
        printf "FAIL %s %s: hccstudy %s, R %s\n", parts[1], parts[2], g, r
      }
    }
    for (c in missing) {
      if (c in okcase) {
        printf "FAIL %s: %d numbers missing from hccstudy output\n", c, missing[c]
        fail += missing[c]
      }
    }
    for (k in got) {
      if (!(k in ref)) {
        split(k, parts, "\t")
        printf "FAIL %s %s: not in R output (hccstudy %s)\n", parts[1], parts[2], got[k]
        fail++
      }
    }
    printf "%d passed, %d failed\n", pass, fail
    exit fail > 0
  }' "$tmp/ref.tsv" "$tmp/got.tsv"
