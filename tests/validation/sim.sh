#!/usr/bin/env bash
# Validation of `hccstudy simulate` (docs/simulator.md):
#  1. `simulate power --model exponential` against rpact::getSimulationSurvival
#     run live (sim/rpact.R) for the same designs: the simulated powers agree
#     within Monte Carlo error, |diff| < 3 SE of the difference.  rpact is
#     one-sided (alpha 0.025, lower side); hccstudy is two-sided 0.05, whose
#     upper-side rejections are negligible under HR 0.7-0.75; under HR 1 the
#     two-sided rate is compared with twice rpact's one-sided rate.
#  2. The same seed gives byte-identical output across runs and --threads;
#     a simulated study imports into a study database (hccstudy import), and
#     the store's derived PFS, OS and BOR equal the simulator's.
#  3. `simulate calibrate` with the defaults lands inside every published
#     range of the sim file (outside == 0).
# Last line: "N passed, N failed".
#   tests/validation/sim.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: sim.sh HCCSTUDY}
dir=$(cd "$(dirname "$0")" && pwd)
if ! command -v Rscript >/dev/null 2>&1; then
  echo "sim: Rscript not found (install r-base-core)"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! Rscript -e 'suppressMessages(library(rpact))' >/dev/null 2>&1; then
  echo "sim: the R package rpact is missing (install r-cran-rpact)"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! command -v jq >/dev/null 2>&1; then
  echo "sim: jq not found"
  echo "0 passed, 1 failed"
  exit 1
fi
tmp=$(mktemp -d)
. "$(cd "$(dirname "$0")/../lib" && pwd)/db.sh"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

iter=10000
# name HR median accrual n events dropout dropout_time factor
while read -r name hr med acc n ev dr dt factor; do
  [ -z "$name" ] && continue
  if ! r=$(Rscript "$dir/sim/rpact.R" "$hr" "$med" "$acc" "$n" "$ev" "$dr" \
           "${dt:-12}" "$iter" 12345 2>"$tmp/rerr"); then
    cat "$tmp/rerr"
    bad "$name: rpact failed"
    continue
  fi
  rp=$(echo "$r" | awk '{print $1}')
  opts=(--model exponential --hr "$hr" --median-control "$med"
        --accrual-time "$acc" --n "$n" --events "$ev" --trials "$iter"
        --threads 2 --seed 2026 --json)
  if [ "$dr" != "0" ]; then
    opts+=(--dropout "$dr" --dropout-time "$dt")
  fi
  if ! "$bin" simulate power "${opts[@]}" >"$tmp/out.json" 2>"$tmp/err"; then
    cat "$tmp/err"
    bad "$name: hccstudy failed"
    continue
  fi
  hp=$(jq -r '.power.logrank' "$tmp/out.json")
  verdict=$(awk -v h="$hp" -v r="$rp" -v f="$factor" -v n="$iter" 'BEGIN {
    rr = r * f; vr = f * f * r * (1 - r) / n; vh = h * (1 - h) / n;
    se = sqrt(vr + vh); d = h - rr; if (d < 0) d = -d;
    printf "%s hccstudy %.4f rpact %.4f (x%s) |diff| %.4f, 3 SE %.4f",
      (d < 3 * se) ? "ok" : "FAIL", h, rr, f, d, 3 * se }')
  case $verdict in
    ok*) ok "$name: ${verdict#ok }" ;;
    *) bad "$name: ${verdict#FAIL }" ;;
  esac
done <<'CASES'
hr070_dropout 0.7 8 24 364 247 0.1 12 1
hr075_nodrop 0.75 10 24 364 200 0 12 1
hr065_small 0.65 9 18 200 120 0.15 12 1
null_hr1 1 8 24 364 247 0.1 12 2
CASES

# 2. Determinism: runs and thread counts.
"$bin" simulate power --trials 40 --threads 1 --seed 9 --json >"$tmp/l1" 2>/dev/null
"$bin" simulate power --trials 40 --threads 2 --seed 9 --json >"$tmp/l2" 2>/dev/null
"$bin" simulate power --trials 40 --threads 3 --seed 9 --json >"$tmp/l3" 2>/dev/null
if [ -s "$tmp/l1" ] && cmp -s "$tmp/l1" "$tmp/l2" && cmp -s "$tmp/l1" "$tmp/l3"; then
  ok "lesion power: byte-identical with 1, 2 and 3 threads"
else
  bad "lesion power: output differs between thread counts"
fi
"$bin" simulate cohort --n 120 --seed 77 --out "$tmp/c1.json" 2>/dev/null
"$bin" simulate cohort --n 120 --seed 77 --out "$tmp/c2.json" 2>/dev/null
"$bin" simulate cohort --n 120 --seed 78 --out "$tmp/c3.json" 2>/dev/null
if [ -s "$tmp/c1.json" ] && cmp -s "$tmp/c1.json" "$tmp/c2.json" &&
   ! cmp -s "$tmp/c1.json" "$tmp/c3.json"; then
  ok "cohort: same seed byte-identical, another seed differs"
else
  bad "cohort: seed reproducibility"
fi
"$bin" simulate cohort --n 50 --seed 77 --csv "$tmp/csv" 2>/dev/null
if [ "$(head -1 "$tmp/csv/patients.csv" | cut -d, -f1-9)" = \
     "id,site,cohort,haic,pfs_days,pfs_event,os_days,os_event,bor" ] &&
   [ "$(wc -l <"$tmp/csv/patients.csv")" -eq 51 ]; then
  ok "cohort --csv: header and 50 rows"
else
  bad "cohort --csv: header or row count"
fi

# 2b. Casebooks import into a study database, and the store's derived
# PFS, OS and BOR (recomputed from the records) equal the simulator's.
# The virtual cohort is dated from the protocol's study start on, years
# past today, and the store refuses dates after today: the import runs on
# a clock set after the cohort's last date (HCCSTUDY_FAKE_NOW).
db=$(test_db study)
"$bin" simulate cohort --n 60 --seed 31 --out "$tmp/cb.json" 2>/dev/null
"$bin" simulate cohort --n 60 --seed 31 --csv "$tmp/cbcsv" 2>/dev/null
export HCCSTUDY_DB="$db"
# add_sites: the six site codes of the simulator (src/sim/study.c).
add_sites() {
  local s
  for s in TJH SYSU ZSH WCH FAH XJH; do
    HCCSTUDY_USER=admin HCCSTUDY_PASSWORD='sim-admin-password-1' \
      "$bin" site add --code "$s" --name "Hospital $s" >/dev/null 2>&1 ||
      return 1
  done
}
if HCCSTUDY_ADMIN_PASSWORD='sim-admin-password-1' "$bin" init >/dev/null 2>&1 &&
   add_sites &&
   HCCSTUDY_USER=admin HCCSTUDY_PASSWORD='sim-admin-password-1' \
     HCCSTUDY_NEW_PASSWORD='sim-dm-password-12' \
     "$bin" user add --username dm --role data_manager >/dev/null 2>&1 &&
   HCCSTUDY_USER=dm HCCSTUDY_PASSWORD='sim-dm-password-12' \
     HCCSTUDY_FAKE_NOW=2035-01-01T00:00:00Z \
     "$bin" import --input "$tmp/cb.json" >"$tmp/imp" 2>&1 &&
   HCCSTUDY_USER=dm HCCSTUDY_PASSWORD='sim-dm-password-12' \
     "$bin" export >"$tmp/exp.json" 2>/dev/null; then
  jq -r '.casebooks[] | [.patient.code, .derived.endpoints.pfs.days,
      (if .derived.endpoints.pfs.event then 1 else 0 end),
      .derived.endpoints.os.days,
      (if .derived.endpoints.os.event then 1 else 0 end),
      .derived.endpoints.best_overall_response] | @tsv' "$tmp/exp.json" |
    sort >"$tmp/store.tsv"
  # Patient i goes to site i mod 6, numbered in import order per site.
  awk -F, 'NR > 1 { i = NR - 2; printf "%s-%04d\t%s\t%s\t%s\t%s\t%s\n",
      $2, int(i / 6) + 1, $5, $6, $7, $8, $9 }' "$tmp/cbcsv/patients.csv" |
    sort >"$tmp/sim.tsv"
  if [ "$(wc -l <"$tmp/store.tsv")" -eq 60 ] &&
     cmp -s "$tmp/store.tsv" "$tmp/sim.tsv"; then
    ok "casebooks: imported ($(cat "$tmp/imp")); the store derives the same PFS, OS and BOR for all 60 patients"
  else
    bad "casebooks: store-derived endpoints differ: $(diff "$tmp/store.tsv" "$tmp/sim.tsv" | head -4 | tr '\n' ' ')"
  fi
else
  cat "$tmp/imp" 2>/dev/null | head -5
  bad "casebooks: init/site/user/import/export failed"
fi
unset HCCSTUDY_DB

# 3. Calibration with the defaults.
if "$bin" simulate calibrate --json >"$tmp/cal.json" 2>/dev/null &&
   [ "$(jq -r '.outside' "$tmp/cal.json")" = "0" ]; then
  ok "calibrate: all $(jq '.targets | length' "$tmp/cal.json") measures within the published ranges"
else
  bad "calibrate: $(jq -r '[.targets[] | select(.within | not) | .cohort + " " + .measure] | join(", ")' "$tmp/cal.json" 2>/dev/null) outside"
fi

# 4. Bad input is refused with exit 2, naming the option.
"$bin" simulate power --model exponential --trials 10 >/dev/null 2>"$tmp/e1"
rc=$?
if [ $rc -eq 2 ] && grep -q -- "--median-control" "$tmp/e1"; then
  ok "power --model exponential without a design: exit 2"
else
  bad "power --model exponential without a design: exit $rc"
fi
"$bin" simulate cohort --n 0 >/dev/null 2>"$tmp/e2"
rc=$?
if [ $rc -eq 2 ] && grep -q -- "--n" "$tmp/e2"; then
  ok "cohort --n 0: exit 2"
else
  bad "cohort --n 0: exit $rc"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
