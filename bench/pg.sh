#!/usr/bin/env bash
# Load test of the server on PostgreSQL against SQLite (issue 8), with wrk
# from Debian, on loopback only, bounded in time (about 3 minutes).  The
# requests are those of bench/web.sh:
#   reads:  GET /api/v1/patients/CODE (a casebook), authenticated, 10 s;
#   writes: POST /api/v1/patients/CODE/records (a lab result: validated,
#           audited, derived, committed) to the centre's unlocked patients
#           in turn, 10 s;
# each with 64 connections in total, in three scenarios:
#   sqlite   one server (--threads 4) on the SQLite demo study;
#   pg1      one server (--threads 4) on the PostgreSQL demo study;
#   pg2      two servers (--threads 4 each) on the same PostgreSQL database
#            (a copy of the demo study taken before pg1, so the same data),
#            two wrk at once (32 connections each, same duration); rates
#            are summed and the p99 is the worse of the two.  One login
#            serves both servers (sessions live in the database).
# PostgreSQL is a throw-away durable cluster (tests/lib/pg.sh ... durable:
# fsync and synchronous_commit on).  Only the measured server(s) run during
# a scenario.  After each write phase `audit verify` checks the audit chain.
# A 2 s warm-up of reads (not counted) precedes each scenario; the CPU use
# of the servers, of PostgreSQL and of the rest is printed per phase.
# Prints a table: requests per second, p99 latency, non-2xx/3xx responses
# and socket errors, and the ratios against SQLite and pg2 against pg1.
#   bench/pg.sh PATH/TO/hccstudy [PATIENTS]     (364 patients by default)
set -eEu
trap 'echo "bench/pg: failed at line $LINENO" >&2' ERR
src=${1:?usage: pg.sh HCCSTUDY [PATIENTS]}
n=${2:-364}
here=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "bench/pg: wrk not found (apt-get install wrk)"; exit 1; }
for c in curl jq psql; do
  command -v $c >/dev/null || { echo "bench/pg: $c not found (scripts/deps.sh test)"; exit 1; }
done
tmp=$(mktemp -d)
pgdir=$(mktemp -u /tmp/hcc-benchpg.XXXXXX)
servers=""   # live server processes
pgmaster=""
pgurl=""     # set during the PostgreSQL scenarios
wrks=""      # live wrk processes
cleanup() {
  for p in $servers $wrks; do kill "$p" 2>/dev/null || true; done
  bash "$here/../tests/lib/pg.sh" stop "$pgdir" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# The binary is copied: build/ may be rebuilt while this runs.
bin=$tmp/hccstudy
cp "$src" "$bin"
pass=hccstudy-demo-2026

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The disk's synchronous write rate where both databases live (/tmp), for
# reading the save figures: 8 kB writes with O_DSYNC, for 1 s at most.
dsync=$(timeout 5 dd if=/dev/zero of="$tmp/dsync" bs=8k count=2000 oflag=dsync 2>&1 |
  awk '/copied/ { print $1 / 8192 / $(NF - 3) }') || true
rm -f "$tmp/dsync"
echo "disk ($(df --output=source "$tmp" | tail -n 1)): about ${dsync%.*} synchronous 8 kB writes/s (dd oflag=dsync)"
url=$(bash "$here/../tests/lib/pg.sh" start "$pgdir" durable)
pgmaster=$(head -n 1 "$pgdir/data/postmaster.pid")
echo "PostgreSQL $(psql "$url" -qAtc 'SHOW server_version') on 127.0.0.1 (fsync=$(psql "$url" -qAtc 'SHOW fsync'), synchronous_commit=$(psql "$url" -qAtc 'SHOW synchronous_commit'))"
t0=$(date +%s)
"$bin" demo --db "$tmp/demo.db" --patients "$n" >/dev/null
t1=$(date +%s)
"$bin" demo --db "$url" --patients "$n" >/dev/null
# VACUUM ANALYZE and a checkpoint now, so that autovacuum and the checkpoint
# after loading the demo do not land in the measured phases.  pg2 runs on a
# copy of the demo database made now, so that both PostgreSQL scenarios start
# from the same data (pg1's writes grow the casebooks).
psql "$url" -qc "VACUUM ANALYZE"
psql "${url%/*}/postgres" -qc "CREATE DATABASE hcc_pg2 TEMPLATE hcc" -c "CHECKPOINT"
url2=${url%/*}/hcc_pg2
t2=$(date +%s)
echo "demo study: $n patients (SQLite $((t1 - t0)) s, PostgreSQL $((t2 - t1)) s to create)"

# wrk scripts: each prints one machine-readable line at the end.
done_lua='
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %d %d %d %d %d\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end'
printf '%s\n' "$done_lua" >"$tmp/read.lua"

start_server() { # DB -> sets $base, adds to $servers
  local port p
  port=$((20000 + RANDOM % 20000))
  "$bin" serve --db "$1" --listen "127.0.0.1:$port" --threads 4 >>"$tmp/serve.log" 2>&1 &
  p=$!
  servers="$servers $p"
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -sf "$base/api/v1/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "bench/pg: server on $1 did not start"; cat "$tmp/serve.log"; exit 1
}
stop_servers() {
  local p
  for p in $servers; do kill -INT "$p" 2>/dev/null || true; done
  for p in $servers; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  servers=""
}
login() { # base URL -> sets $cookie, $csrf, $code, $codes; writes $tmp/write.lua
  curl -s -c "$tmp/jar" -o "$tmp/login" -X POST "$1/api/v1/session" \
    -d "{\"username\":\"coordinator.tjh\",\"password\":\"$pass\"}"
  csrf=$(jq -r .csrf "$tmp/login")
  cookie="hcc_session=$(awk '$6 == "hcc_session" {print $7}' "$tmp/jar")"
  curl -s -b "$tmp/jar" "$1/api/v1/patients" >"$tmp/patients"
  code=$(jq -r '.patients[0].code' "$tmp/patients")
  codes=$(jq -r '[.patients[] | select(.locked == false) | "\"" + .code + "\""] | join(",")' "$tmp/patients")
  ncodes=$(jq '[.patients[] | select(.locked == false)] | length' "$tmp/patients")
  if [ -z "$code" ] || [ "$code" = null ] || [ -z "$codes" ]; then
    echo "bench/pg: login or patient list failed"; cat "$tmp/login"; exit 1
  fi
  cat >"$tmp/write.lua" <<LUA
wrk.method = "POST"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["X-CSRF-Token"] = "$csrf"
wrk.headers["Content-Type"] = "application/json"
codes = {$codes}
counter = 0
request = function()
  counter = counter + 1
  local body = '{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":' .. (counter % 90 + 10) .. ',"unit":"U/L"}}'
  return wrk.format(nil, "/api/v1/patients/" .. codes[counter % #codes + 1] .. "/records", nil, body)
end
$done_lua
LUA
}
# CPU use during a phase, in cores (of nproc): the server processes, the
# PostgreSQL cluster (postmaster and backends) and the rest of the machine
# (wrk and anything else running), from /proc.
cpu_snap() { # FILE
  local p
  {
    awk '$1 == "cpu" { print "all", $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6 }' /proc/stat
    for p in $servers; do
      [ -r "/proc/$p/stat" ] && sed 's/.*) //' "/proc/$p/stat" | awk -v p="$p" '{ print "srv." p, $12 + $13 }'
    done
    if [ -n "$pgmaster" ]; then
      for p in $pgmaster $(ps --ppid "$pgmaster" -o pid=); do
        [ -r "/proc/$p/stat" ] && sed 's/.*) //' "/proc/$p/stat" | awk -v p="$p" '{ print "pg." p, $12 + $13 }'
      done
    fi
    [ -n "$pgurl" ] && echo "xact $(psql "$pgurl" -qAtc "SELECT pg_stat_force_next_flush(); SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()" | tail -n 1)"
  } >"$1" 2>/dev/null || true
}
cpu_report() { # BEFORE AFTER REQUESTS
  awk -v n="$(nproc)" '
    FNR == NR { a[$1] = $2; if ($1 == "all") ai = $3; next }
    $1 == "all" { tot = ($2 - a["all"]) / n; idle = $3 - ai; next }
    $1 == "xact" { xact = $2 - a["xact"]; next }
    { d = $2 - a[$1]; if ($1 ~ /^srv/) srv += d; else pg += d }
    END { if (tot > 0) printf "   CPU (cores of %d): servers %.2f, PostgreSQL %.2f, rest (wrk, other jobs) %.2f, idle %.2f\n",
            n, srv / tot, pg / tot, (n * tot - idle - srv - pg) / tot, idle / tot
          if (xact > 0 && req > 0) printf "   PostgreSQL transactions: about %.1f per request\n", xact / req }' req="$3" "$1" "$2"
}
# run_wrk PHASE SECONDS BASE... : one wrk per base, started together, 64
# connections in total; sets $rate (summed), $p99 (worst), $bad (non-2xx/3xx
# responses), $sockerr.
run_wrk() {
  local phase=$1 d=$2 k=0 b c t
  shift 2
  c=$((64 / $#)); t=$((2 / $#)); [ "$t" -ge 1 ] || t=1
  cpu_snap "$tmp/cpu.0"
  for b in "$@"; do
    k=$((k + 1))
    if [ "$phase" != write ]; then
      wrk -t$t -c$c -d"$d"s --latency -s "$tmp/read.lua" -H "Cookie: $cookie" "$b/api/v1/patients/$code" >"$tmp/wrk.$k" 2>&1 &
    else
      wrk -t$t -c$c -d"$d"s --latency -s "$tmp/write.lua" "$b" >"$tmp/wrk.$k" 2>&1 &
    fi
    wrks="$wrks $!"
  done
  for b in $wrks; do wait "$b"; done
  wrks=""
  cpu_snap "$tmp/cpu.1"
  rate=0; p99=0; bad=0; sockerr=0; reqs=0
  for k in $(seq 1 $#); do
    grep -q '^RESULT' "$tmp/wrk.$k" || { echo "bench/pg: wrk failed"; cat "$tmp/wrk.$k"; exit 1; }
    read -r _ req dur _ q99 st ec er ew et < <(grep '^RESULT' "$tmp/wrk.$k")
    se=$((ec + er + ew + et))
    if [ "$se" -gt 0 ] || [ "$st" -gt 0 ]; then
      echo "   $phase, server $k: non-2xx/3xx $st; socket errors: connect $ec, read $er, write $ew, timeout (2 s) $et"
    fi
    rate=$(awk -v a="$rate" -v r="$req" -v d="$dur" 'BEGIN { printf "%.1f", a + r / (d / 1e6) }')
    p99=$(awk -v a="$p99" -v b="$q99" 'BEGIN { printf "%.2f", (b > a) ? b : a }')
    bad=$((bad + st)); sockerr=$((sockerr + se)); reqs=$((reqs + req))
    if [ $# -gt 1 ] && [ "$phase" != warm ]; then
      echo "   $phase, server $k: $(awk -v r="$req" -v d="$dur" 'BEGIN { printf "%.1f", r / (d / 1e6) }') req/s, p99 $q99 ms, non-2xx $st, socket errors $se"
    fi
  done
}
verify() { # DB
  local out rc=0
  out=$(HCCSTUDY_DB=$1 HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$pass "$bin" audit verify 2>&1) || rc=$?
  echo "   audit verify (exit $rc): $out" | head -n 5
  [ "$rc" = 0 ] || verify_failed=1
}

verify_failed=0
declare -A R
scenario() { # NAME DB NSERVERS
  local name=$1 db=$2 ns=$3 bases=""
  case $db in postgresql://*) pgurl=$db ;; *) pgurl="" ;; esac
  for _ in $(seq 1 "$ns"); do start_server "$db"; bases="$bases $base"; done
  # One login for both servers: sessions live in the database.
  # shellcheck disable=SC2086
  set -- $bases
  login "$1"
  echo
  echo "== $name: $ns server(s) on $(case $db in postgresql://*) echo PostgreSQL ;; *) echo SQLite ;; esac), reads then writes, 64 connections, 10 s each"
  echo "   casebook $code: $(curl -s -b "$tmp/jar" "$1/api/v1/patients/$code" | wc -c) bytes; writes to $ncodes patients; load average before $(cut -d' ' -f1-3 /proc/loadavg)"
  # Warm-up, not counted: 2 s of reads (every worker opens its connection
  # and the casebook's pages are cached), then the measured phases.
  # shellcheck disable=SC2086
  run_wrk warm 2 $bases
  # shellcheck disable=SC2086
  run_wrk read 10 $bases
  cpu_report "$tmp/cpu.0" "$tmp/cpu.1" "$reqs"
  echo "   reads:  $rate req/s, p99 $p99 ms, non-2xx $bad, socket errors $sockerr"
  R[$name.rr]=$rate; R[$name.rp]=$p99; R[$name.rb]=$bad; R[$name.re]=$sockerr
  # shellcheck disable=SC2086
  run_wrk write 10 $bases
  cpu_report "$tmp/cpu.0" "$tmp/cpu.1" "$reqs"
  echo "   writes: $rate req/s, p99 $p99 ms, non-2xx $bad, socket errors $sockerr"
  R[$name.wr]=$rate; R[$name.wp]=$p99; R[$name.wb]=$bad; R[$name.we]=$sockerr
  stop_servers
  verify "$db"
}
scenario sqlite "$tmp/demo.db" 1
scenario pg1 "$url" 1
scenario pg2 "$url2" 2

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
echo
echo "| scenario | reads/s | read p99 ms | saves/s | save p99 ms | non-2xx (reads/saves) | socket errors |"
echo "|---|---|---|---|---|---|---|"
for s in sqlite pg1 pg2; do
  echo "| $s | ${R[$s.rr]} | ${R[$s.rp]} | ${R[$s.wr]} | ${R[$s.wp]} | ${R[$s.rb]}/${R[$s.wb]} | $((R[$s.re] + R[$s.we])) |"
done
echo
echo "| ratio | reads/s | read p99 | saves/s | save p99 |"
echo "|---|---|---|---|---|"
for pair in "pg1/sqlite pg1 sqlite" "pg2/sqlite pg2 sqlite" "pg2/pg1 pg2 pg1"; do
  # shellcheck disable=SC2086
  set -- $pair
  echo "| $1 | $(ratio "${R[$2.rr]}" "${R[$3.rr]}") | $(ratio "${R[$2.rp]}" "${R[$3.rp]}") | $(ratio "${R[$2.wr]}" "${R[$3.wr]}") | $(ratio "${R[$2.wp]}" "${R[$3.wp]}") |"
done
bad=0
for s in sqlite pg1 pg2; do bad=$((bad + R[$s.rb] + R[$s.wb] + R[$s.re] + R[$s.we])); done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$bad" -gt 0 ]; then
  echo "bench/pg: $bad non-2xx responses or socket errors (see above; there should be none)"
fi
if [ "$verify_failed" != 0 ]; then echo "bench/pg: audit verify FAILED"; fi
[ "$bad" = 0 ] && [ "$verify_failed" = 0 ]
