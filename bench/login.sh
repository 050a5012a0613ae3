#!/usr/bin/env bash
# Login timing (issue 14, item 6): a wrong password for an account that
# exists against a login of a username that does not, from the command
# line (no client address, so only the per-username throttle applies and
# each name is tried once).  Both should cost one argon2id verification:
# prints the medians and their ratio (goal: within 10 %).
#   bench/login.sh PATH/TO/hccstudy [ROUNDS]
set -eu
bin=${1:?usage: login.sh HCCSTUDY [ROUNDS]}
rounds=${2:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1 /proc/loadavg)"
export HCCSTUDY_DB=$tmp/s.db HCCSTUDY_ADMIN_PASSWORD=admin-password-123
"$bin" init >/dev/null
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$HCCSTUDY_ADMIN_PASSWORD "$bin" site add --code SA --name A >/dev/null
for i in $(seq 1 "$rounds"); do
  HCCSTUDY_NEW_PASSWORD=user-password-123 HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=$HCCSTUDY_ADMIN_PASSWORD \
    "$bin" user add --username "u$i" --role coordinator --site SA >/dev/null
done
ms() {
  local t0 t1
  t0=$(date +%s%N)
  HCCSTUDY_USER=$1 HCCSTUDY_PASSWORD=wrong-password-zz "$bin" status >/dev/null 2>&1 || true
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000))
}
: >"$tmp/k"; : >"$tmp/u"
for i in $(seq 1 "$rounds"); do # interleaved, so that load hits both alike
  ms "u$i" >>"$tmp/k"
  ms "ghost$i" >>"$tmp/u"
done
med() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
k=$(med "$tmp/k"); u=$(med "$tmp/u")
printf 'wrong password, account exists: median %.1f ms over %d\n' "$(echo "$k / 1000" | bc -l)" "$rounds"
printf 'unknown username:               median %.1f ms over %d\n' "$(echo "$u / 1000" | bc -l)" "$rounds"
printf 'ratio unknown / known: %.3f (goal: 0.90 - 1.10)\n' "$(echo "$u / $k" | bc -l)"
