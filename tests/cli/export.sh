#!/usr/bin/env bash
# hccstudy export: the file formats' options (exit 2 naming the option),
# the JSON casebooks without --format unchanged, site scoping of the files.
# Prints "N passed, N failed".
#   tests/cli/export.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: export.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
server_demo study 12
export HCCSTUDY_DB=$db HCCSTUDY_USER=statistician HCCSTUDY_PASSWORD=$demo_pw
bad() { # bad NAME OPTION ARGS...: exit 2, stderr names OPTION
  local name=$1 opt=$2
  shift 2
  "$bin" export "$@" >"$tmp/o" 2>"$tmp/e"
  local rc=$?
  [ $rc -eq 2 ] && grep -q -- "$opt" "$tmp/e"
  check "$name: exit 2 naming $opt (rc $rc: $(head -c 120 "$tmp/e"))" $?
}
touch "$tmp/afile"
bad "unknown format" --format --format xls --out "$tmp/x"
bad "empty format" --format --format= --out "$tmp/x"
bad "format without --out" --out --format csv
bad "--out without --format" --format --out "$tmp/x"
bad "--patient with --format" --patient --format csv --out "$tmp/x" --patient TJH-0001
bad "--out is a file" --out --format xpt --out "$tmp/afile"
bad "--out under a missing directory" --out --format dta --out "$tmp/no/such/dir"
bad "define.xml under a missing directory" --out --format define --out "$tmp/no/such/define.xml"
bad "odm --out is a directory" --out --format odm --out "$tmp"
bad "a bad --freeze" --freeze --format csv --freeze x1 --out "$tmp/x"
bad "no such freeze" freeze --format csv --freeze 99 --out "$tmp/x"
bad "misspelt option" --formt --formt csv
[ ! -e "$tmp/x" ]; check "nothing written on bad input" $?
"$bin" export >"$tmp/cb.json" 2>"$tmp/e"
check "export without --format" $?
jq -e '.casebooks | length == 12' "$tmp/cb.json" >/dev/null
check "without --format: the JSON casebooks" $?
"$bin" help export >"$tmp/help" 2>&1 || "$bin" export --help >"$tmp/help" 2>&1
grep -q -- "--format" "$tmp/help" && grep -q -- "--freeze" "$tmp/help" && grep -q "define.xml" "$tmp/help"
check "help tells of --format and the files" $?
HCCSTUDY_USER=coordinator.tjh "$bin" export --format csv --out "$tmp/tjh" >/dev/null 2>&1
check "coordinator export" $?
awk -F, 'NR > 1 && $4 != "TJH" { bad = 1 } NR > 1 { n++ } END { exit bad || !n }' \
  "$tmp/tjh/adsl.csv"
check "a site-scoped role exports only its site" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
