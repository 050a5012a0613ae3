#!/usr/bin/env bash
# Export benchmark (issue 13): every format of `hccstudy export` on a data
# freeze of the demo study (364 patients) and of a simulated study ten
# times larger (3,640), with wall time and peak memory (GNU time's maximum
# resident set), and beside it R haven writing the same datasets (read
# from our CSV export first; only the write is timed) as XPORT, Stata and
# SPSS: the ratio is R's write time over ours for the whole export
# (casebooks read, SDTM and ADaM derived, files written).
# Goal: all formats for 364 patients in under 2 s (`--format all`, and
# each format on its own); memory independent of the number of patients
# for the streaming format (odm).
#   bench/export.sh PATH/TO/hccstudy [N1 N2]
set -eu
bin=${1:?usage: export.sh HCCSTUDY [N1 N2]}
sizes="${2:-364} ${3:-3640}"
command -v Rscript >/dev/null || { echo "bench/export: Rscript not found (scripts/deps.sh test)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HCCSTUDY_PASSWORD=hccstudy-demo-2026
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1 /proc/loadavg)"
fmts="csv xpt dta sav sdtm adam define odm"
# run NAME CMD...: one timed run, "seconds peak_kib"
run() {
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    echo "bench/export: $* failed:"; cat "$tmp/err"; exit 1; }
  cat "$tmp/time"
}
cat >"$tmp/haven.R" <<'R'
args <- commandArgs(TRUE)
files <- list.files(args[1], pattern = "[.]csv$")
files <- files[!grepl("_dictionary[.]csv$", files)]
d <- lapply(file.path(args[1], files), function(f) utils::read.csv(f, stringsAsFactors = FALSE))
names(d) <- toupper(sub("[.]csv$", "", files))
w <- function(fn, ext) {
  system.time(for (n in names(d)) fn(d[[n]], file.path(args[2], paste0(tolower(n), ext))))[["elapsed"]]
}
cat(sprintf("%.3f %.3f %.3f\n", w(function(x, p) haven::write_xpt(x, p, version = 5), ".xpt"),
            w(haven::write_dta, ".dta"), w(haven::write_sav, ".sav")))
R
for n in $sizes; do
  db=$tmp/demo$n.db
  t0=$(date +%s)
  "$bin" demo --db "$db" --patients "$n" >/dev/null
  HCCSTUDY_USER=data.manager "$bin" freeze create --db "$db" --label bench >/dev/null
  echo
  echo "== $n patients (demo made in $(( $(date +%s) - t0 )) s; database $(du -m "$db" | cut -f1) MB)"
  printf '%-8s %9s %11s %9s %12s\n' format seconds "peak MiB" "MiB out" "R haven s"
  total=0
  for f in $fmts; do
    case $f in odm | define) out=$tmp/out_$n.$f.xml ;; *) out=$tmp/out_${n}_$f ;; esac
    rm -rf "$out"
    read -r s kib < <(run env HCCSTUDY_USER=statistician "$bin" export --db "$db" --freeze 1 --format "$f" --out "$out")
    total=$(echo "$total + $s" | bc)
    eval "t_$f=$s"
    printf '%-8s %9s %11.1f %9.1f\n' "$f" "$s" "$(echo "$kib / 1024" | bc -l)" "$(du -sk "$out" | cut -f1 | awk '{print $1 / 1024}')"
  done
  rm -rf "$tmp/all_$n"
  read -r sa kiba < <(run env HCCSTUDY_USER=statistician "$bin" export --db "$db" --freeze 1 --format all --out "$tmp/all_$n")
  read -r rx rd rs < <(Rscript "$tmp/haven.R" "$tmp/out_${n}_csv" "$tmp" 2>/dev/null)
  printf 'every format, one command at a time: %.2f s in all (each command logs in: argon2id, about 0.1 s)\n' "$total"
  printf 'every format at once (--format all, one login, datasets built once): %s s, peak %.1f MiB (goal for 364 patients: < 2 s)\n' \
    "$sa" "$(echo "$kiba / 1024" | bc -l)"
  printf 'R haven writing the same datasets: xpt %s s, dta %s s, sav %s s; ratio R / hccstudy (whole export): xpt %.1fx, dta %.1fx, sav %.1fx\n' \
    "$rx" "$rd" "$rs" "$(echo "$rx / $t_xpt" | bc -l)" "$(echo "$rd / $t_dta" | bc -l)" "$(echo "$rs / $t_sav" | bc -l)"
done
