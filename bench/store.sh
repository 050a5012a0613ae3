#!/usr/bin/env bash
# Audited, durable record saves per second on SQLite (issue 5), one by one
# and with 64 concurrent submitters through the group-commit writer, next to the
# disk's own limit for durable writes measured in the same run (dd with
# oflag=dsync: one synchronous 4 KiB write per operation), so the ratio
# shows how close the store comes to what the disk allows.
#   bench/store.sh PATH/TO/hccstudy [RECORDS]
set -eu
bin=${1:?usage: store.sh HCCSTUDY [RECORDS]}
n=${2:-2000}
tmp=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$tmp"' EXIT
export HCCSTUDY_DB=$tmp/study.db HCCSTUDY_ADMIN_PASSWORD=admin-password-123
"$bin" init >/dev/null
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 "$bin" site add --code S1 --name "Site 1" >/dev/null
HCCSTUDY_USER=admin HCCSTUDY_PASSWORD=admin-password-123 HCCSTUDY_NEW_PASSWORD=coord-password-1 \
  "$bin" user add --username c1 --role coordinator --site S1 >/dev/null
out=$(HCCSTUDY_USER=c1 HCCSTUDY_PASSWORD=coord-password-1 "$bin" test-writer --patients 100 --records "$n" --quiet)
rate=$(echo "$out" | awk '{print $6}')
out=$(HCCSTUDY_USER=c1 HCCSTUDY_PASSWORD=coord-password-1 "$bin" test-writer --patients 100 --records "$((n * 4))" --threads 64 --quiet)
group=$(echo "$out" | awk '{print $6}')
start=$(date +%s.%N)
dd if=/dev/zero of="$tmp/sync" bs=4k count=500 oflag=dsync 2>/dev/null
end=$(date +%s.%N)
disk=$(echo "$start $end" | awk '{printf "%.0f", 500 / ($2 - $1)}')
echo "store, one writer, one fsync per save:      $rate saves per second"
echo "store, 64 submitters, group commit:          $group saves per second"
echo "disk, synchronous 4 KiB writes:              $disk per second"
echo "ratio one-by-one/disk: $(echo "$rate $disk" | awk '{printf "%.2f", $1 / $2}')"
echo "ratio group commit/disk: $(echo "$group $disk" | awk '{printf "%.2f", $1 / $2}')"
