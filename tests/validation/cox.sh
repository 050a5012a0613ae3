#!/bin/bash
# cox.sh: validate `hccstudy stats cox` and `stats zph` against R's survival
# (coxph, cox.zph) on data sets exported from R at test time (lung, veteran,
# ovarian, colon deaths, pbc Mayo model, a simulated set with near-ties,
# ties, weights and strata).  Every compared number is one check; the last
# line is "N passed, N failed".  Usage: tests/validation/cox.sh HCCSTUDY
set -u
bin=${1:-build/hccstudy}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v Rscript >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
  echo "cox.sh: Rscript or jq is missing; cannot validate against R" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! Rscript "$here/cox/export.R" "$tmp" >"$tmp/export.log" 2>&1; then
  cat "$tmp/export.log" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
# Flatten hccstudy's JSON into key<TAB>index<TAB>value lines that R reads.
flat_cox='(.coefficients | to_entries[] | .key as $i | .value | to_entries[]
            | [.key, ($i|tostring), (.value|tostring)]),
          (["n","events","n_dropped","iterations","loglik_null","loglik",
            "concordance","concordance_se"][] as $k | [$k, "", (.[$k]|tostring)]),
          (["lr","wald","score"][] as $t | .[$t + "_test"] | to_entries[]
            | [$t + "_" + .key, "", (.value|tostring)])'
flat_zph='(.terms | to_entries[] | .key as $i | .value | to_entries[]
            | [.key, ($i|tostring), (.value|tostring)]),
          (.global | to_entries[] | [.key, "GLOBAL", (.value|tostring)])'
while IFS='|' read -r name kind csv flags rcall transform; do
  case "$name" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086
  if "$bin" stats "$kind" --data "$tmp/$csv" $flags --json \
       >"$tmp/$name.json" 2>"$tmp/$name.err"; then
    if [ "$kind" = cox ]; then f=$flat_cox; else f=$flat_zph; fi
    jq -r "$f | @tsv" "$tmp/$name.json" >"$tmp/$name.tsv"
  else
    echo "cox.sh: $name: hccstudy failed: $(cat "$tmp/$name.err")" >&2
    : >"$tmp/$name.tsv"
  fi
done <"$here/cox/cases.txt"
Rscript "$here/cox/compare.R" "$here/cox/cases.txt" "$tmp" >"$tmp/out" 2>&1
grep -v ' passed, ' "$tmp/out"
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/out" | tail -1)
if [ -z "$last" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
echo "$last"
case "$last" in *" 0 failed") exit 0 ;; *) exit 1 ;; esac
