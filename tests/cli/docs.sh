#!/usr/bin/env bash
# Documentation generated from the code must match the code.
#   tests/cli/docs.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: docs.sh HCCSTUDY}
root=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
if diff -q <("$bin" dictionary) "$root/docs/data-dictionary.md" >/dev/null; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL docs/data-dictionary.md is stale: run 'build/hccstudy dictionary > docs/data-dictionary.md'"
fi
if [ "$("$bin" protocol --json | jq -S .)" = "$(jq -S . "$root/protocols/challenge06.json")" ]; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL the built-in protocol differs from protocols/challenge06.json"
fi
# Every command in the table appears in README.md.
for c in $("$bin" --help | sed -n '/^commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
  if grep -q "\`$c" "$root/README.md"; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL README.md does not mention the $c command"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
