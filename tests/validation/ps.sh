#!/usr/bin/env bash
# Validation of `stats logistic` and `stats ps` against R run live: glm
# (coefficients 1e-6 relative, SEs/z/p/OR limits 1e-5, deviance, AIC,
# iterations), propensity scores and weights (1e-6), SMDs before/after and
# effective sample sizes (1e-6), and MatchIt's greedy nearest-neighbour
# matching on the logit (pairs count and every treated unit's control).
# Data: MatchIt's lalonde and survival's colon (death, Lev+5FU vs Obs), which
# the project does not hold.  Each compared number is one check; the last
# line is "N passed, N failed".
#   tests/validation/ps.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: ps.sh HCCSTUDY}
dir=$(cd "$(dirname "$0")" && pwd)
if ! command -v Rscript >/dev/null 2>&1 ||
   ! Rscript -e 'suppressMessages({library(MatchIt); library(survival)})' \
     >/dev/null 2>&1; then
  echo "ps validation: Rscript with MatchIt and survival is required" \
       "(apt-get install r-base-core r-cran-survival r-cran-matchit)"
  echo "0 passed, 1 failed"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! Rscript "$dir/ps/ref.R" "$tmp" >"$tmp/r.log" 2>&1; then
  cat "$tmp/r.log"
  echo "0 passed, 1 failed"
  exit 1
fi
pass=0
fail=0
ours="$tmp/ours.txt"
: >"$ours"
la_cov="--covariates age,educ,married,nodegree,re74,re75 --factor race"
co_cov="--covariates age,sex,obstruct,perfor,adhere,nodes,surg"
co_cov="$co_cov --factor differ,extent"

# fail_msg TEXT: one failed check.
fail_msg() {
  echo "FAIL $1"
  fail=$((fail + 1))
}

# run TAG ARGS...: run hccstudy with --json into $tmp/TAG.json.
run() {
  local tag=$1
  shift
  if ! "$bin" "$@" --json >"$tmp/$tag.json" 2>"$tmp/$tag.err"; then
    fail_msg "$tag: hccstudy $* failed: $(cat "$tmp/$tag.err")"
    echo '{}' >"$tmp/$tag.json"
  fi
}

# model TAG JQPATH: the coefficient table and fit numbers of one model.
model() {
  jq -r --arg t "$1" "$2"' |
    (.coefficients | to_entries[] | .key as $k | .value |
      "\($t).coef.\($k+1) \(.coef)", "\($t).se.\($k+1) \(.se)",
      "\($t).z.\($k+1) \(.z)", "\($t).p.\($k+1) \(.p)",
      "\($t).or_lower.\($k+1) \(.or_lower)",
      "\($t).or_upper.\($k+1) \(.or_upper)"),
    "\($t).deviance \(.deviance)", "\($t).null_deviance \(.null_deviance)",
    "\($t).aic \(.aic)", "\($t).iterations \(.iterations)"' \
    "$tmp/$3.json" >>"$ours"
}

# balance TAG FILE: SMDs and ESS of a ps run.
balance() {
  jq -r --arg t "$1" '
    (.balance | to_entries[] |
      "\($t).smd_before.\(.key+1) \(.value.smd_before)",
      "\($t).smd_after.\(.key+1) \(.value.smd_after)"),
    "\($t).ess_treated \(.ess.treated)", "\($t).ess_control \(.ess.control)",
    (if .n_matched != null then "\($t).n_matched \(.n_matched)" else empty
     end),
    (if .caliper_width != null then "\($t).caliper_width \(.caliper_width)"
     else empty end)' "$tmp/$2.json" >>"$ours"
}

# column TAG CSV NAME KEY: the non-empty values of column NAME, numbered.
column() {
  python3 - "$2" "$3" "$1.$4" >>"$ours" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
k = 0
for r in rows:
    if r[sys.argv[2]] != "":
        k += 1
        print("%s.%d %s" % (sys.argv[3], k, r[sys.argv[2]]))
PY
}

# pairs TAG CSV TREAT: each treated row's matched control row (numbers of
# the rows used, i.e. with a ps; R numbers its complete cases the same way).
pairs() {
  echo "$1.matchit_emulated 1" >>"$ours"
  python3 - "$2" "$1" "$3" >>"$ours" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
        if r["ps"] != ""]
tc = sys.argv[3]
by = {}
for i, r in enumerate(rows, 1):
    if r["match_id"]:
        by.setdefault(r["match_id"], []).append((r[tc], i))
ctl = {}
for g in by.values():
    t = [i for (tr, i) in g if tr == "1"]
    c = [i for (tr, i) in g if tr == "0"]
    if len(t) == 1 and len(c) == 1:
        ctl[t[0]] = c[0]
    else:
        print("%s.badpair %s" % (sys.argv[2], g))
for i, r in enumerate(rows, 1):
    if r[tc] == "1":
        print("%s.pair.%d %s" % (sys.argv[2], i, ctl.get(i, "null")))
PY
}

la="$tmp/lalonde.csv"
co="$tmp/colon.csv"
# shellcheck disable=SC2086
{
  run la stats logistic --data "$la" --outcome treat $la_cov
  run law stats logistic --data "$la" --outcome treat $la_cov --weights w
  run laa stats logistic --data "$la" --outcome treat \
    --covariates age,educ,age2 --factor race
  run co stats logistic --data "$co" --outcome trt $co_cov
  run la_ate stats ps --data "$la" --treatment treat $la_cov --method iptw \
    --out "$tmp/la_ate.csv"
  run la_ow stats ps --data "$la" --treatment treat $la_cov \
    --method overlap --out "$tmp/la_ow.csv"
  run la_m stats ps --data "$la" --treatment treat $la_cov --method match \
    --out "$tmp/la_m.csv"
  run la_m02 stats ps --data "$la" --treatment treat $la_cov --method match \
    --caliper 0.2 --out "$tmp/la_m02.csv"
  run co_sate stats ps --data "$co" --treatment trt $co_cov --method iptw \
    --stabilize --out "$tmp/co_sate.csv"
  run co_att stats ps --data "$co" --treatment trt $co_cov --method iptw \
    --estimand att --out "$tmp/co_att.csv"
  run co_m02 stats ps --data "$co" --treatment trt $co_cov --method match \
    --caliper 0.2 --out "$tmp/co_m02.csv"
}
for t in la law laa co; do
  model "$t" '.' "$t"
done
for t in la_ate la_ow la_m la_m02 co_sate co_att co_m02; do
  balance "$t" "$t"
done
column la "$tmp/la_ate.csv" ps ps
column la_ate "$tmp/la_ate.csv" weight weight
column la_ow "$tmp/la_ow.csv" weight weight
column co "$tmp/co_sate.csv" ps ps
column co_sate "$tmp/co_sate.csv" weight weight
column co_att "$tmp/co_att.csv" weight weight
pairs la_m "$tmp/la_m.csv" treat
pairs la_m02 "$tmp/la_m02.csv" treat
pairs co_m02 "$tmp/co_m02.csv" trt
# The ps model inside `stats ps` is the same fit as `stats logistic`.
model la_ate_model '.ps_model' la_ate
sed -n 's/^la\.\(coef\|se\)\./la_ate_model.\1./p' "$tmp/ref.txt" \
  >>"$tmp/ref.txt.extra"
[ -f "$tmp/ref.txt.extra" ] && cat "$tmp/ref.txt.extra" >>"$tmp/ref.txt"

# Compare: every reference number is one check.
out=$(awk '
  NR == FNR { v[$1] = $2; next }
  {
    key = $1; want = $2; tol = $3; mode = $4
    if (!(key in v)) { print "FAIL " key ": missing (R " want ")"; f++; next }
    got = v[key]
    if (want == "null" || got == "null" || tol == 0) {
      if (got == want || (tol == 0 && got + 0 == want + 0 && got != "null" &&
                          want != "null")) { p++ }
      else { print "FAIL " key ": got " got ", R " want; f++ }
      next
    }
    d = got - want; if (d < 0) d = -d
    s = want < 0 ? -want : want
    if (mode == "abs" && s < 1) s = 1
    if (d <= tol * s) { p++ }
    else { printf "FAIL %s: got %.17g, R %.17g (tol %g %s)\n", key, got,
                  want, tol, mode; f++ }
  }
  END { printf "%d %d\n", p, f }' "$ours" "$tmp/ref.txt")
echo "$out" | grep '^FAIL' | head -40
counts=$(echo "$out" | tail -n 1)
pass=$((pass + ${counts% *}))
fail=$((fail + ${counts#* }))
if grep -q 'badpair' "$ours"; then
  fail_msg "matching: a match_id group is not one treated + one control"
fi

# Error cases: exit 2 and a message naming the problem.
# expect_err NAME PATTERN ARGS...
expect_err() {
  local name=$1 pat=$2
  shift 2
  "$bin" "$@" >"$tmp/e.out" 2>"$tmp/e.err"
  local rc=$?
  if [ "$rc" -eq 2 ] && grep -q -- "$pat" "$tmp/e.err"; then
    pass=$((pass + 1))
  else
    fail_msg "$name: exit $rc, stderr: $(head -c 300 "$tmp/e.err")"
  fi
}
printf 'y,x,k,t,w\n0,1,5,a,1\n0,2,5,a,1\n0,3,5,b,1\n1,4,5,b,-1\n1,5,5,b,\n' \
  >"$tmp/bad.csv"
printf 't,x\n1,1\n1,2\n1,3\n' >"$tmp/one.csv"
printf 't,x\n0,1\n2,2\n0,3\n' >"$tmp/two.csv"
# shellcheck disable=SC2086
{
  printf 't,x\n0,1\n0,2\n0,3\n0,6\n1,4\n1,5\n1,7\n1,8\n' >"$tmp/cal.csv"
  expect_err caliper "no treated unit" stats ps --data "$tmp/cal.csv" \
    --treatment t --covariates x --method match --caliper 0.01
  expect_err separation "'x' separates" stats ps --data "$tmp/bad.csv" \
    --treatment y --covariates x --method iptw
  printf 't,a,b\n0,1,-2\n0,-2,1\n0,0,-1\n1,2,-1\n1,-1,2\n1,1,0\n' \
    >"$tmp/sep2.csv"
  expect_err separation_2 "separate the treatment groups" stats ps \
    --data "$tmp/sep2.csv" --treatment t --covariates a,b --method overlap
  expect_err constant "'k': constant" stats ps --data "$tmp/bad.csv" \
    --treatment y --covariates x,k --method iptw
  expect_err one_value "only one value" stats ps --data "$tmp/one.csv" \
    --treatment t --covariates x --method overlap
  expect_err not01 "not 0 or 1" stats ps --data "$tmp/two.csv" \
    --treatment t --covariates x --method overlap
  expect_err negative_weight "negative weight" stats logistic \
    --data "$tmp/bad.csv" --outcome y --covariates x --weights w
  printf 'y,x,w\n0,1,1\n1,2,\n' >"$tmp/miss.csv"
  expect_err missing_weight "missing weight" stats logistic \
    --data "$tmp/miss.csv" --outcome y --covariates x --weights w
}
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
