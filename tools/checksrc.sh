#!/usr/bin/env bash
# checksrc: the rules of docs/style.md that a machine can check (curl's
# checksrc, SQLite's source checks).  Each rule is one check; a violation
# prints FILE:LINE: RULE: the line.  Prints "N passed, N failed".
#   tools/checksrc.sh [ROOT]
# A line may opt out of one rule with a comment, on it or on the line above,
# naming the rule and why:
#   /* checksrc:db_prepare-literal: identifiers checked above */
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 1
pass=0
fail=0
# Sources of the program (the embedded web assets are not C).
mapfile -t src < <(ls src/*.c src/*/*.c src/*/*.h 2>/dev/null)

# report RULE: reads "file:line:text" violations on stdin, drops the lines
# that opt out of RULE, counts one check.
report() {
  local rule=$1 out
  out=$(while IFS= read -r v; do
    f=${v%%:*}; rest=${v#*:}; n=${rest%%:*}
    if [ "$n" -gt 1 ] 2>/dev/null &&
      sed -n "$((n - 1)),${n}p" "$f" | grep -q "checksrc:$rule:"; then
      continue
    fi
    case $v in *"checksrc:$rule:"*) continue ;; esac
    printf '%s\n' "$v"
  done)
  if [ -z "$out" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "$out" | head -n 40 | sed "s/^\([^:]*:[0-9]*\):/\1: $rule:/"
  fi
}

# 1. Banned functions: unbounded copies and formats, conversions that
# cannot report errors, non-reentrant tokenising, unsafe temporary names.
report banned-function < <(
  grep -nHE '(^|[^_a-zA-Z0-9.>])(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|atof|strtok|tmpnam|tempnam|mktemp|alloca)[[:space:]]*\(' \
    "${src[@]}" | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(\*|/\*|\*\*)')

# 2. Lines of at most 80 columns.
report line-length < <(
  awk 'length($0) > 80 { printf "%s:%d:%d columns\n", FILENAME, FNR, length($0) }' "${src[@]}")

# 3. The SQL given to db_prepare is fixed text: a literal, or a name of a
# table of literals (never a string built at run time); the format given to
# buf_appendf is a literal.  The call's text up to its second argument is
# joined across lines first.
check_literal() {
for f in "${src[@]}"; do
  awk -v F="$f" '
    function flush() {
      if (call != "") {
        a = call; sub(/^[^,]*,[[:space:]]*/, "", a)
        if (kind == "db_prepare") {
          # Before its first literal, the argument calls no function:
          # literals, a ?: between literals, or a table of literals.
          p = a; q = index(p, "\""); if (q > 0) p = substr(p, 1, q - 1)
          if (p ~ /[A-Za-z_0-9][[:space:]]*\(/)
            printf "%s:%d:%s\n", F, start, first
        } else if (a !~ /^"/) {
          printf "%s:%d:%s\n", F, start, first
        }
      }
      call = ""
    }
    /^(int|static|void)[^;]*(db_prepare|buf_appendf)\(/ { next }  # the definitions
    {
      if (call != "") {
        line = $0; sub(/^[[:space:]]*/, "", line); call = call " " line
        if (call ~ /,[^,]*,/ || call ~ /\);/) flush()
        next
      }
      if (match($0, /(db_prepare|buf_appendf)\(/)) {
        kind = substr($0, RSTART, RLENGTH - 1)
        call = substr($0, RSTART + RLENGTH); start = FNR; first = $0
        if (call ~ /,[^,]*,/ || call ~ /\);/) flush()
      }
    }' "$f"
done
}
report db_prepare-literal < <(check_literal)

# 4. No SQL above the store: statements and the db_ calls that run them
# live in src/store/ and src/db/ only.
others=()
for f in "${src[@]}"; do
  case $f in src/store/* | src/db/*) ;; *) others+=("$f") ;; esac
done
report no-sql-above-store < <(
  grep -nHE '"[^"]*\b(SELECT [^"]*\bFROM|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|CREATE (TABLE|INDEX)|DROP TABLE)\b' "${others[@]}"
  grep -nHE '\bdb_(prepare|step|exec|begin_write|begin_read|commit|rollback)[[:space:]]*\(' "${others[@]}")

# 5. Who may do what is decided in one place: no role comparison outside
# src/store/access.c (roles are compared by access_may()/access_site_scope()).
report role-comparison-outside-access < <(
  grep -nHE '(==|!=)[[:space:]]*ROLE_[A-Z_]+|ROLE_[A-Z_]+[[:space:]]*(==|!=)|case[[:space:]]+ROLE_[A-Z_]+' \
    "${src[@]}" | grep -v '^src/store/access\.c:')

# 6. No include circles among src/store/ files (a .c and its .h are one
# node): tsort finds any loop.
{
  for f in src/store/*.c src/store/*.h; do
    [ -e "$f" ] || continue
    node=$(basename "$f"); node=${node%.*}
    grep -oE '^#include "[^"]+"' "$f" | sed -E 's/#include "(.*)"/\1/' | while read -r inc; do
      case $inc in ../*) continue ;; esac
      dep=${inc%.*}
      [ "$dep" = "$node" ] || echo "$dep $node"
    done
  done
} >"${TMPDIR:-/tmp}/checksrc.$$"
loops=$(tsort "${TMPDIR:-/tmp}/checksrc.$$" 2>&1 >/dev/null | grep -v 'input contains a loop' | sed 's/^tsort: //')
rm -f "${TMPDIR:-/tmp}/checksrc.$$"
if [ -z "$loops" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "src/store: include-circle: $(echo $loops)"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
