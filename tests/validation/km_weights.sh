#!/usr/bin/env bash
# stats km --weights against R's survfit(weights = ...), run live: with
# non-integer weights survfit's default robust (infinitesimal jackknife) SE,
# with integer weights the frequency-weight Greenwood SE.  Every number of
# summary(fit) (surv, std.err, lower, upper) and the medians with their
# limits is one check (1e-7 relative, medians exact).  Prints
# "N passed, N failed"; without Rscript or jq: "0 passed, 1 failed".
#   tests/validation/km_weights.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: km_weights.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v Rscript >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
  echo "km_weights: Rscript or jq is missing (scripts/deps.sh test installs them)"
  echo "0 passed, 1 failed"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
Rscript "$here/kmw/ref.R" "$tmp" >"$tmp/r.log" 2>&1 || { cat "$tmp/r.log"; echo "0 passed, 1 failed"; exit 1; }
pass=0
fail=0
for ref in "$tmp"/*.ref.tsv; do
  name=$(basename "$ref" .ref.tsv)
  case $name in
    lung_w_log) args="--group sex --weights w --conf-type log" ;;
    lung_w_loglog) args="--group sex --weights w --conf-type log-log" ;;
    lung_w_plain) args="--weights w --conf-type plain" ;;
    lung_wi_log) args="--group sex --weights wi --conf-type log" ;;
    vet_w_log) args="--group trt --weights w --conf-type log" ;;
  esac
  # shellcheck disable=SC2086
  if ! "$bin" stats km --data "$tmp/$name.csv" --time time --event status $args --json >"$tmp/out.json" 2>"$tmp/err"; then
    echo "FAIL $name: hccstudy failed: $(head -c 200 "$tmp/err")"; fail=$((fail + 1)); continue
  fi
  jq -r '.groups[] | .group as $g | (.table[] | [$g, .time, .surv, .std_err, .lower, .upper] | map(if . == null then "NA" else tostring end) | @tsv),
         ([$g, "median", .median, .median_lower, .median_upper, "NA"] | map(if . == null then "NA" else tostring end) | @tsv)' \
    "$tmp/out.json" >"$tmp/ours.tsv"
  out=$(awk -F'\t' -v name="$name" '
    function bad(a, b, tol) {
      if (a == "NA" || b == "NA" || a == "Inf" || b == "Inf") return a != b
      d = a - b; if (d < 0) d = -d
      s = b < 0 ? -b : b; if (s < 1) s = 1
      return d > tol * s
    }
    NR == FNR { key = $1 SUBSEP $2; for (i = 3; i <= 6; i++) ref[key, i] = $i; keys[key] = 1; next }
    { key = $1 SUBSEP $2
      if (!(key in keys)) next
      seen[key] = 1
      tol = ($2 == "median") ? 0 : 1e-7
      for (i = 3; i <= 6; i++) {
        if (bad($i, ref[key, i], tol)) { f++; if (f <= 5) printf "FAIL %s %s t=%s col%d: got %s, R %s\n", name, $1, $2, i, $i, ref[key, i] }
        else p++
      }
    }
    END { for (k in keys) if (!(k in seen)) { f++; split(k, a, SUBSEP); printf "FAIL %s: no row for group %s time %s\n", name, a[1], a[2] }
          printf "%d %d\n", p, f }' "$ref" "$tmp/ours.tsv")
  last=$(echo "$out" | tail -n 1)
  echo "$out" | sed '$d'
  pass=$((pass + ${last% *}))
  fail=$((fail + ${last#* }))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
