#!/usr/bin/env bash
# Benchmark of `hccstudy simulate power` side by side with rpact in one run.
#   bash bench/sim.sh PATH/TO/hccstudy
# 1. --model exponential against rpact::getSimulationSurvival for the same
#    design (HR 0.7, control median 8 months, 24 months accrual, 364
#    patients, analysis at 247 events, 10 %/12 months dropout), 20,000
#    trials each (SIM_BENCH_TRIALS overrides): prints trials per second of
#    each (wall time of the whole hccstudy command; rpact's proc.time
#    around getSimulationSurvival) and the ratio.
# 2. --model lesion (364 patients, scans, mRECIST, PS model, IPTW and
#    matched Cox): trials per second with 1 and 2 threads, wall and CPU.
# The machine's load average is printed too: other work on the 2 cores
# lowers every figure.
set -u
bin=${1:?usage: sim.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
trials=${SIM_BENCH_TRIALS:-20000}
lesion_trials=${SIM_BENCH_LESION_TRIALS:-2000}
command -v Rscript >/dev/null 2>&1 || { echo "bench/sim: Rscript not found"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/sim: /usr/bin/time not found"; exit 1; }
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "R: $(Rscript -e 'cat(R.version.string, "rpact", as.character(packageVersion("rpact")))' 2>/dev/null)"

# wall SECONDS of a command (bash EPOCHREALTIME).
wall() {
  local t0 t1
  t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo fail; return; }
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

echo
echo "exponential model, $trials trials of 364 patients"
r=$(Rscript "$root/tests/validation/sim/rpact.R" 0.7 8 24 364 247 0.1 12 "$trials" 12345)
r_s=$(echo "$r" | awk '{print $2}')
r_p=$(echo "$r" | awk '{print $1}')
for th in 1 2; do
  h_s=$(wall "$bin" simulate power --model exponential --hr 0.7 \
        --median-control 8 --accrual-time 24 --n 364 --events 247 \
        --dropout 0.1 --dropout-time 12 --trials "$trials" --threads "$th")
  h_p=$("$bin" simulate power --model exponential --hr 0.7 \
        --median-control 8 --accrual-time 24 --n 364 --events 247 \
        --dropout 0.1 --dropout-time 12 --trials "$trials" --threads "$th" \
        --json 2>/dev/null | jq -r .power.logrank)
  awk -v t="$trials" -v hs="$h_s" -v rs="$r_s" -v th="$th" -v hp="$h_p" \
      -v rp="$r_p" 'BEGIN {
    printf "  hccstudy (%d thread%s) %8.3f s %9.0f trials/s  power %.4f\n",
      th, th == 1 ? " " : "s", hs, t / hs, hp
    if (th == 1) printf "  rpact                 %8.3f s %9.0f trials/s  power %.4f\n", rs, t / rs, rp
    printf "  ratio rpact/hccstudy (%d thread%s): %.1fx\n", th, th == 1 ? "" : "s", rs / hs }'
done

echo
echo "lesion model, $lesion_trials trials of 364 patients"
for th in 1 2; do
  t0=$EPOCHREALTIME
  /usr/bin/time -f "%U %S" -o "$tmpd/time" "$bin" simulate power \
    --trials "$lesion_trials" --threads "$th" >/dev/null 2>&1
  t1=$EPOCHREALTIME
  ct=$(tail -1 "$tmpd/time")
  awk -v a="$t0" -v b="$t1" -v t="$lesion_trials" -v th="$th" -v ct="$ct" 'BEGIN {
    split(ct, c, " "); cpu = c[1] + c[2]; w = b - a
    printf "  %d thread%s: %7.3f s wall %7.0f trials/s; CPU %.3f s = %.2f ms per trial\n",
      th, th == 1 ? " " : "s", w, t / w, cpu, 1000 * cpu / t }'
done
