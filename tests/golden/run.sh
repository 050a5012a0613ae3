#!/usr/bin/env bash
# Data-driven command-line cases (jq's jq.test, curl's tests/data).
#
# Each tests/golden/*.test file holds blocks:
#   @case NAME            starts a case
#   @args ARGS...         hccstudy arguments (word-split; no quoting)
#   @stdin                the following lines, up to the next @-line, are stdin
#   @exit N               expected exit status (default 0)
#   @jq EXPR              jq expression that must print `true` on stdout's JSON
#   @out-has TEXT         stdout must contain TEXT
#   @err-has TEXT         stderr must contain TEXT
#   @end                  runs the case
# Lines starting with # outside @stdin are comments.
#   tests/golden/run.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: run.sh HCCSTUDY}
dir=$(cd "$(dirname "$0")" && pwd)
cd "$dir" || exit 1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_case() {
  local ok=1 msg=""
  # shellcheck disable=SC2086
  "$bin" $args <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want_exit" ]; then
    ok=0; msg="exit $rc, expected $want_exit"
  fi
  local c
  for c in "${jqs[@]+"${jqs[@]}"}"; do
    if [ "$(jq -e "$c" <"$tmp/out" 2>/dev/null)" != true ]; then
      ok=0; msg="$msg; jq false: $c"
    fi
  done
  for c in "${outs[@]+"${outs[@]}"}"; do
    grep -qF -- "$c" "$tmp/out" || { ok=0; msg="$msg; stdout lacks: $c"; }
  done
  for c in "${errs[@]+"${errs[@]}"}"; do
    grep -qF -- "$c" "$tmp/err" || { ok=0; msg="$msg; stderr lacks: $c"; }
  done
  if [ "$rc" -ge 128 ] || grep -q "Sanitizer" "$tmp/err"; then
    ok=0; msg="$msg; crashed or sanitizer report"
  fi
  if [ $ok = 1 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $file: $name: $msg"
    sed 's/^/    stdout: /' "$tmp/out" | head -20
    sed 's/^/    stderr: /' "$tmp/err" | head -10
  fi
}

for file in "$dir"/*.test; do
  [ -f "$file" ] || continue
  mode=""
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "$mode" = stdin ] && [ "${line#@}" = "$line" ]; then
      printf '%s\n' "$line" >>"$tmp/in"
      continue
    fi
    mode=""
    case "$line" in
      "@case "*) name=${line#@case }; args=""; want_exit=0; jqs=(); outs=(); errs=(); : >"$tmp/in" ;;
      "@args "*) args=${line#@args } ;;
      "@stdin") mode=stdin ;;
      "@exit "*) want_exit=${line#@exit } ;;
      "@jq "*) jqs+=("${line#@jq }") ;;
      "@out-has "*) outs+=("${line#@out-has }") ;;
      "@err-has "*) errs+=("${line#@err-has }") ;;
      "@end") run_case ;;
      "#"*|"") ;;
      *) echo "FAIL $file: bad line: $line"; fail=$((fail + 1)) ;;
    esac
  done <"$file"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
