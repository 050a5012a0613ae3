#!/usr/bin/env bash
# The browser interface's static files (src/web/assets/) as a real server
# serves them: every file in the directory is served byte for byte at
# /NAME with the content type of its extension and the security headers
# (a Content-Security-Policy with script-src 'self' and no 'unsafe-inline',
# nosniff, no-store); "/" is index.html; index.html loads only same-origin
# ES modules (src="/name.js") and has no inline <script> body, no inline
# event handler (on*=) and no style attribute; every module a module imports
# ('./name.js') is served; no asset builds HTML from strings (innerHTML,
# outerHTML, insertAdjacentHTML, document.write), evaluates code (eval, new
# Function) or sets inline styles or handlers through attributes.  With
# node on the PATH, every module must also parse as an ES module.
# Prints "N passed, N failed".
#   tests/http/ui.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: ui.sh HCCSTUDY}
root=$(cd "$(dirname "$0")/../.." && pwd)
assets=$root/src/web/assets
# shellcheck source=tests/lib/server.sh
. "$root/tests/lib/server.sh"
server_setup

server_demo study 6
server_start --db "$db"
base=$host

# get PATH -> $status, body in $tmp/body, headers in $tmp/hdr
get() {
  status=$(curl -s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' "$base$1")
}
# header NAME -> its value (last occurrence, CR removed)
header() {
  grep -i "^$1:" "$tmp/hdr" | tail -n 1 | sed -E 's/^[^:]*:[[:space:]]*//' | tr -d '\r'
}
# The type a file must be served with.
type_of() {
  case $1 in
    *.html) echo 'text/html; charset=utf-8' ;;
    *.css) echo 'text/css; charset=utf-8' ;;
    *.js | *.mjs) echo 'text/javascript; charset=utf-8' ;;
    *.svg) echo 'image/svg+xml' ;;
    *.png) echo 'image/png' ;;
    *) echo 'unknown' ;;
  esac
}
# The CSP of the last response: script-src 'self', no inline anything.
csp_ok() {
  local c
  c=$(header Content-Security-Policy)
  [[ $c == *"script-src 'self'"* ]] && [[ $c == *"default-src 'self'"* ]] &&
    [[ $c == *"style-src 'self'"* ]] && [[ $c != *unsafe-inline* ]] && [[ $c != *unsafe-eval* ]]
}

n_files=0
for f in "$assets"/*; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  n_files=$((n_files + 1))
  get "/$name"
  [ "$status" = 200 ] && cmp -s "$tmp/body" "$f"
  check "/$name: 200 with the file's bytes" $?
  [ "$(header Content-Type)" = "$(type_of "$name")" ]
  check "/$name: Content-Type $(type_of "$name") (got $(header Content-Type))" $?
  csp_ok
  check "/$name: Content-Security-Policy without inline script or style" $?
  [ "$(header X-Content-Type-Options)" = nosniff ]
  check "/$name: X-Content-Type-Options nosniff" $?
done
[ "$n_files" -ge 3 ]
check "at least index.html, app.css and app.js in src/web/assets ($n_files files)" $?

get /
[ "$status" = 200 ] && cmp -s "$tmp/body" "$assets/index.html" && csp_ok
check "/ is index.html with the CSP" $?
get /no-such-file.js
[ "$status" = 404 ]
check "an unknown asset: 404" $?
get /../Makefile
[ "$status" = 404 ]
check "no path escapes the table: 404" $?

# index.html: scripts are same-origin modules with no body.
html=$assets/index.html
scripts=$(grep -o '<script[^>]*>' "$html")
[ -n "$scripts" ]
check "index.html loads a script" $?
bad=$(echo "$scripts" | grep -v -E '^<script type="module" src="/[a-z0-9-]+\.js"></?script>?$|^<script type="module" src="/[a-z0-9-]+\.js">$')
[ -z "$bad" ]
check "index.html: only <script type=\"module\" src=\"/name.js\"> (got: $bad)" $?
# Every <script ...> is closed at once: no inline script body.
inline=$(tr '\n' ' ' <"$html" | grep -o '<script[^>]*>[^<]*</script>' | grep -v -E '<script[^>]*src=[^>]*></script>')
[ -z "$inline" ] && ! tr '\n' ' ' <"$html" | grep -q -E '<script[^>]*>[^<]*[^[:space:]<][^<]*</script>'
check "index.html: no inline <script> body" $?
for src in $(grep -o 'src="[^"]*"' "$html" | sed -E 's/src="([^"]*)"/\1/'); do
  [[ $src == /* && $src != //* ]] && [ -f "$assets${src}" ]
  check "index.html src=$src is a same-origin asset" $?
done
for href in $(grep -o 'href="[^"]*"' "$html" | sed -E 's/href="([^"]*)"/\1/'); do
  { [[ $href == /* && $href != //* ]] && [ -f "$assets${href}" ]; } || [ "$href" = "data:," ]
  check "index.html href=$href is a same-origin asset" $?
done

# No inline handlers or styles in any asset's markup.
! grep -n -i -E '<[a-z][^>]*[[:space:]]on[a-z]+[[:space:]]*=' "$assets"/*
check "no inline event handler (on*=) in any asset" $?
! grep -n -i -E '<[a-z][^>]*[[:space:]]style[[:space:]]*=' "$assets"/*
check "no style= attribute in any asset" $?
! grep -n -E "\.(innerHTML|outerHTML)[[:space:]]*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(" "$assets"/*.js
check "no HTML built from strings, no eval in the modules" $?
! grep -n -i -E "setAttribute\([[:space:]]*['\"](on[a-z]+|style)['\"]" "$assets"/*.js
check "no handler or style set through setAttribute" $?

# Imports: relative same-origin modules that exist and are served.
for f in "$assets"/*.js; do
  for m in $(grep -o -E "^import[^;]*from '[^']*'" "$f" | sed -E "s/.*from '([^']*)'/\1/"); do
    if [[ $m =~ ^\./[a-z0-9-]+\.js$ ]]; then
      get "/${m#./}"
      [ "$status" = 200 ] && [ "$(header Content-Type)" = 'text/javascript; charset=utf-8' ]
    else
      false
    fi
    check "$(basename "$f") imports $m: a served same-origin module" $?
  done
done

# The modules parse as ES modules (when node is installed).
if command -v node >/dev/null 2>&1; then
  for f in "$assets"/*.js; do
    node --input-type=module --check <"$f" >"$tmp/node.log" 2>&1
    rc=$?
    [ "$rc" -ne 0 ] && cat "$tmp/node.log"
    check "$(basename "$f") parses as an ES module" $rc
  done
fi

# Every data-testid of docs/ui-testids.md appears in a module
# (the ids section: tokens with a hyphen; ids built from data are skipped)
for id in $(sed -n '/^## Ids/,$p' "$root/docs/ui-testids.md" | grep -o '`[a-z][a-z0-9]*-[a-z0-9-]*`' |
  tr -d '`' | sort -u); do
  case $id in
    *-) continue ;;
  esac
  # literally, or built as 'prefix-' + name (field-inr, lesion-add-target)
  grep -q -E "'$id'|\"$id\"" "$assets"/*.js || grep -q -F "'${id%-*}-' +" "$assets"/*.js
  check "test id $id is set by the UI" $?
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
