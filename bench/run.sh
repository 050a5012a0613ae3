#!/usr/bin/env bash
# Benchmarks: hccstudy against R's survival on the same CSV, in one run.
#   bash bench/run.sh PATH/TO/hccstudy      (make bench)
# For 10^5 and 10^6 rows (BENCH_SIZES overrides, e.g. "100000"), generates
# the data with bench/gen.R (10 covariates, tied day times, 2 groups), then
# times `hccstudy stats km|logrank|cox` (whole command: reading the CSV,
# fitting, writing JSON; best of 5) and R's survfit, survdiff and coxph
# (system.time around the fit only, and read.csv + fit), and prints each
# time, the ratios R/hccstudy and hccstudy's peak RSS against the CSV size.
set -u
bin=${1:?usage: run.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
sizes=${BENCH_SIZES:-"100000 1000000"}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ -z "${BENCH_DIR:-}" ] && trap 'rm -rf "$work"' EXIT
for tool in Rscript; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool not found"; exit 1; }
done
have_time=0
[ -x /usr/bin/time ] && have_time=1
covs=x1,x2,x3,x4,x5,x6,x7,x8,x9,x10

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
echo "R: $(Rscript -e 'cat(R.version.string, "survival", as.character(packageVersion("survival")))' 2>/dev/null)"

# best_of CMD...: run BENCH_REPEAT (5) times; print "seconds peak_kb": the
# fastest wall time (bash's EPOCHREALTIME, microseconds) and the largest peak
# RSS (/usr/bin/time %M; 0 when /usr/bin/time is missing).
best_of() {
  local best="" best_kb=0 i s kb t0 t1
  for i in $(seq "${BENCH_REPEAT:-5}"); do
    t0=$EPOCHREALTIME
    if [ $have_time = 1 ]; then
      /usr/bin/time -f "%M" -o "$work/t" "$@" >/dev/null 2>"$work/err" ||
        { echo "fail 0"; return; }
      kb=$(tail -n 1 "$work/t")
    else
      "$@" >/dev/null 2>"$work/err" || { echo "fail 0"; return; }
      kb=0
    fi
    t1=$EPOCHREALTIME
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}')
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$s
    fi
    [ "$kb" -gt "$best_kb" ] && best_kb=$kb
  done
  echo "$best $best_kb"
}

printf '\n%-8s %-8s %10s %10s %8s %12s %8s %9s %8s\n' rows task \
  "hcc s" "R fit s" "R/hcc" "R read+fit" "R/hcc" "peak MB" "/CSV"
for n in $sizes; do
  csv="$work/bench_$n.csv"
  [ -f "$csv" ] || Rscript "$here/gen.R" "$n" "$csv" || exit 1
  csv_mb=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN{printf "%.1f", b/1048576}')
  Rscript "$here/time.R" "$csv" >"$work/r.txt" 2>"$work/r.err" || {
    cat "$work/r.err"; exit 1; }
  r_read=$(awk '$1=="read"{print $2}' "$work/r.txt")
  for task in km logrank cox; do
    case $task in
      km) args="km --group arm" ;;
      logrank) args="logrank --group arm" ;;
      cox) args="cox --covariates $covs" ;;
    esac
    # shellcheck disable=SC2086
    read -r hs kb < <(best_of "$bin" stats $args --data "$csv" --time time \
      --event status --json)
    rf=$(awk -v t="$task" '$1==t{print $2}' "$work/r.txt")
    if [ "$hs" = fail ]; then
      printf '%-8s %-8s %10s %10s   (hccstudy failed: %s)\n' "$n" "$task" \
        "-" "$rf" "$(head -c 120 "$work/err")"
      continue
    fi
    awk -v n="$n" -v task="$task" -v hs="$hs" -v rf="$rf" -v rr="$r_read" \
      -v kb="$kb" -v csv="$csv_mb" 'BEGIN {
        h = hs > 0 ? hs : 0.0001
        mb = kb / 1024
        printf "%-8s %-8s %10.3f %10.3f %8.1f %12.3f %8.1f %9.1f %8.2f\n",
          n, task, hs, rf, rf / h, rr + rf, (rr + rf) / h, mb,
          (csv > 0 ? mb / csv : 0)
      }'
  done
  # The Cox fit alone, against coxph's fit alone: hccstudy's own phase
  # timing (--timing prints "timing: read R s, fit F s" on stderr).
  best_fit=""
  for _ in $(seq "${BENCH_REPEAT:-5}"); do
    f=$("$bin" stats cox --covariates "$covs" --data "$csv" --time time \
      --event status --json --timing 2>&1 >/dev/null | sed -n 's/.*fit \([0-9.]*\) s.*/\1/p')
    if [ -n "$f" ] && { [ -z "$best_fit" ] || awk -v a="$f" -v b="$best_fit" 'BEGIN{exit !(a<b)}'; }; then
      best_fit=$f
    fi
  done
  rf=$(awk '$1=="cox"{print $2}' "$work/r.txt")
  awk -v n="$n" -v hs="$best_fit" -v rf="$rf" 'BEGIN {
    printf "%-8s %-8s %10.3f %10.3f %8.1f   (fit alone: after the CSV is read)\n",
      n, "cox-fit", hs, rf, rf / (hs > 0 ? hs : 0.0001) }'
  echo "  (CSV $csv_mb MB; R read.csv $r_read s)"
done
