#!/usr/bin/env bash
# hccstudy stats ... --db: the survival commands on a study's analysis
# population (the patient-level frame) give the same numbers as (a) the
# same commands with --data on `export --format csv`'s adsl.csv filtered to
# ANLPOPFL = Y, and (b) R's survival (coxph, survfit, survdiff) run live on
# that CSV; bad option combinations exit 2 naming the option.  The column
# names are the frame's exported names (frame_cols: PFSDY, PFSCNSR, ARMCD ...).
# Prints "N passed, N failed".
#   tests/cli/stats_db.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: stats_db.sh HCCSTUDY}
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
for tool in Rscript jq awk; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL $tool is missing (needed to check against R)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done
server_demo study 240
export HCCSTUDY_USER=statistician HCCSTUDY_PASSWORD=$demo_pw
unset HCCSTUDY_DB
"$bin" export --db "$db" --format csv --out "$tmp/exp" >/dev/null 2>"$tmp/e"
check "export --format csv (rc $?: $(head -c 120 "$tmp/e"))" $?
# The analysis population, bytes unchanged: rows with ANLPOPFL = Y (the
# column found by its name; the file must hold no quoted field, which a
# plain awk split would misread).
! grep -q '"' "$tmp/exp/adsl.csv"
check "adsl.csv has no quoted field (awk filter is exact)" $?
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ANLPOPFL") c = i;
                   if (!c) exit 1; print; next }
         $c == "Y"' "$tmp/exp/adsl.csv" >"$tmp/pop.csv"
check "filter adsl.csv to ANLPOPFL = Y" $?
n_pop=$(($(wc -l <"$tmp/pop.csv") - 1))
[ "$n_pop" -gt 50 ]
check "analysis population has rows ($n_pop)" $?

# --db against --data: the whole JSON answer is the same.
same() { # same NAME ARGS...: stats ARGS --db and --data agree byte for byte
  local name=$1
  shift
  "$bin" stats "$@" --db "$db" --json >"$tmp/db.json" 2>"$tmp/db.err"
  local rc=$?
  check "$name --db (rc $rc: $(head -c 160 "$tmp/db.err"))" $rc
  "$bin" stats "$@" --data "$tmp/pop.csv" --json >"$tmp/csv.json" 2>"$tmp/e"
  check "$name --data (rc $?: $(head -c 160 "$tmp/e"))" $?
  cmp -s "$tmp/db.json" "$tmp/csv.json"
  check "$name: --db and --data give the same answer" $?
  cp "$tmp/db.json" "$tmp/$name.json"
}
same cox_pfs cox --time PFSDY --censor PFSCNSR --factor ARMCD
same cox_os cox --time OSDY --censor OSCNSR --covariates AGE,ECOGBL --factor ARMCD
same km_pfs km --time PFSDY --censor PFSCNSR --group ARMCD
same km_os km --time OSDY --censor OSCNSR --group ARMCD
same logrank_pfs logrank --time PFSDY --censor PFSCNSR --group ARMCD
same ps_iptw ps --treatment ARMCD --covariates AGE,ECOGBL --factor BCLCBL \
  --method iptw
jq -e '.n == '"$n_pop" "$tmp/cox_pfs.json" >/dev/null
check "cox --db uses every row of the analysis population" $?

# R on the same CSV, run now.
cat >"$tmp/ref.R" <<'EOF'
suppressMessages(library(survival))
a <- commandArgs(TRUE)
d <- read.csv(a[1], na.strings = c("", "NA"))
out <- function(k, v) cat(k, format(v, digits = 17), "\n", sep = "\t")
f <- coxph(Surv(PFSDY, 1 - PFSCNSR) ~ ARMCD, data = d, ties = "efron")
out("cox_pfs.ARMCD=TACE.coef", coef(f)[["ARMCDTACE"]])
out("cox_pfs.ARMCD=TACE.se", sqrt(diag(vcov(f)))[["ARMCDTACE"]])
out("cox_pfs.ARMCD=TACE.hr", exp(coef(f))[["ARMCDTACE"]])
f <- coxph(Surv(OSDY, 1 - OSCNSR) ~ AGE + ECOGBL + ARMCD, data = d,
           ties = "efron")
for (k in c("AGE", "ECOGBL", "ARMCDTACE")) {
  nm <- if (k == "ARMCDTACE") "ARMCD=TACE" else k
  out(paste0("cox_os.", nm, ".coef"), coef(f)[[k]])
  out(paste0("cox_os.", nm, ".se"), sqrt(diag(vcov(f)))[[k]])
  out(paste0("cox_os.", nm, ".hr"), exp(coef(f))[[k]])
}
for (ep in c("PFS", "OS")) {
  s <- survfit(as.formula(sprintf("Surv(%sDY, 1 - %sCNSR) ~ ARMCD", ep, ep)),
               data = d)
  t <- summary(s)$table
  for (g in c("HAIC", "TACE")) {
    r <- paste0("ARMCD=", g)
    out(sprintf("km_%s.%s.median", tolower(ep), g), t[r, "median"])
    out(sprintf("km_%s.%s.median_lower", tolower(ep), g), t[r, "0.95LCL"])
    out(sprintf("km_%s.%s.median_upper", tolower(ep), g), t[r, "0.95UCL"])
    out(sprintf("km_%s.%s.events", tolower(ep), g), t[r, "events"])
  }
}
l <- survdiff(Surv(PFSDY, 1 - PFSCNSR) ~ ARMCD, data = d)
out("logrank_pfs.chisq", l$chisq)
EOF
Rscript "$tmp/ref.R" "$tmp/pop.csv" >"$tmp/ref.tsv" 2>"$tmp/e"
check "R survival on the CSV (rc $?: $(head -c 160 "$tmp/e"))" $?
# ours KEY: the same key's number in our --db answers.
ours() {
  local name=${1%%.*} rest=${1#*.}
  case $name in
  cox_*)
    jq -r --arg t "${rest%.*}" --arg f "${rest##*.}" \
      '.coefficients[] | select(.name == $t) | .[$f]' "$tmp/$name.json" ;;
  km_*)
    jq -r --arg g "${rest%.*}" --arg f "${rest##*.}" \
      '.groups[] | select(.group == "ARMCD=" + $g or .group == $g) | .[$f]
       | if . == null then "NA" else . end' "$tmp/$name.json" ;;
  logrank_*)
    jq -r '.chisq' "$tmp/$name.json" ;;
  esac
}
n_ref=0
while IFS=$'\t' read -r key want _; do
  n_ref=$((n_ref + 1))
  got=$(ours "$key")
  awk -v g="$got" -v w="$want" 'BEGIN {
    if (w == "NA" || g == "NA") exit !(w == g)
    d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w
    exit !(d <= 1e-7 * (s > 1 ? s : 1)) }'
  check "R: $key = $want (ours ${got:-none})" $?
done <"$tmp/ref.tsv"
[ "$n_ref" -eq 29 ]
check "R gave every reference number ($n_ref of 29)" $?

# Site scoping: a coordinator sees its own site's patients only.
n_tjh=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "SITEID") c = i; next }
                 $c == "TJH" { n++ } END { print n + 0 }' "$tmp/pop.csv")
HCCSTUDY_USER=coordinator.tjh "$bin" stats km --db "$db" --time PFSDY \
  --censor PFSCNSR --json >"$tmp/tjh.json" 2>"$tmp/e"
check "coordinator km --db (rc $?: $(head -c 120 "$tmp/e"))" $?
jq -e '.n == '"$n_tjh" "$tmp/tjh.json" >/dev/null
check "coordinator km --db: only TJH's $n_tjh rows" $?

# Bad input: exit 2, stderr names the option, nothing on stdout.
bad() { # bad NAME OPTION ARGS...
  local name=$1 opt=$2
  shift 2
  "$bin" stats "$@" >"$tmp/o" 2>"$tmp/e"
  local rc=$?
  [ $rc -eq 2 ] && grep -q -- "$opt" "$tmp/e" && [ ! -s "$tmp/o" ]
  check "$name: exit 2 naming $opt (rc $rc: $(head -c 140 "$tmp/e"))" $?
}
pfs=(--time PFSDY --censor PFSCNSR)
bad "cox --data and --db" --db cox "${pfs[@]}" --factor ARMCD --db "$db" \
  --data "$tmp/pop.csv"
bad "km --data and --db" --db km "${pfs[@]}" --db "$db" --data "$tmp/pop.csv"
bad "ps --data and --db" --db ps --treatment ARMCD --covariates AGE \
  --method iptw --db "$db" --data "$tmp/pop.csv"
bad "cox neither" --data cox "${pfs[@]}" --factor ARMCD
bad "km neither" --data km "${pfs[@]}"
bad "logistic neither" --data logistic --outcome ARMCD --covariates AGE
bad "--freeze without --db" --freeze km "${pfs[@]}" --data "$tmp/pop.csv" \
  --freeze 1
bad "--freeze not a number" --freeze km "${pfs[@]}" --db "$db" --freeze x
bad "--freeze that does not exist" --freeze km "${pfs[@]}" --db "$db" \
  --freeze 999
bad "--user without --db" --user km "${pfs[@]}" --data "$tmp/pop.csv" \
  --user pi
bad "ps --out with --db" --out ps --treatment ARMCD --covariates AGE \
  --method iptw --db "$db" --out "$tmp/scores.csv"
[ ! -e "$tmp/scores.csv" ]
check "ps --out with --db wrote nothing" $?
bad "--db unknown column" "'PFSTIME'" km --time PFSTIME --censor PFSCNSR \
  --db "$db"
bad "--db text column as a number" "'ARMCD'" cox --time PFSDY --censor PFSCNSR \
  --covariates ARMCD --db "$db"
bad "--event and --censor" --censor km --time PFSDY --event PFSCNSR \
  --censor PFSCNSR --db "$db"
bad "--censor not 0/1" "'AEWORST'" km --time PFSDY --censor AEWORST \
  --db "$db"
HCCSTUDY_USER=monitor "$bin" stats km "${pfs[@]}" --db "$db" >"$tmp/o" \
  2>"$tmp/e"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/o" ]
check "monitor (no analysis or export permission) refused (rc $rc: $(head -c 120 "$tmp/e"))" $?
HCCSTUDY_PASSWORD=wrong "$bin" stats km "${pfs[@]}" --db "$db" >"$tmp/o" \
  2>"$tmp/e"
rc=$?
[ $rc -ne 0 ] && [ ! -s "$tmp/o" ]
check "wrong password refused (rc $rc)" $?
"$bin" help stats >"$tmp/help" 2>&1
grep -q -- "--db DB" "$tmp/help" && grep -q -- "--censor" "$tmp/help"
check "help stats tells of --db and --censor" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
