#!/usr/bin/env bash
# Server messages and plot text in the reader's language (issue 18 item 5;
# docs/api.md "Language") against a real server on a demo study: with
# Accept-Language: zh-CN (or ?lang=zh) a 422's message and each problem's
# message, a 401, 403 and 404 are Chinese while code and field stay as
# they are; without it (or with en, zh-TW, or a lower q for zh) they are
# English; q-values decide; a `lang` argument beats the header.  The KM
# SVG with lang=zh has the Chinese axis titles and no English one, and its
# numbers and geometry equal the English SVG's; the other plots have no
# English words left.  Prints "N passed, N failed".
#   tests/http/i18n.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: i18n.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
pw=$demo_pw
server_demo study 60
if ! server_start --db "$db"; then
  echo "FAIL serve"; echo "0 passed, 1 failed"; exit 1
fi
base="$host/api/v1"

# req METHOD PATH [BODY] [ACCEPT-LANGUAGE] -> $status, body in $tmp/body,
# headers in $tmp/hdr; uses the cookie jar $jar and $csrf.
req() {
  local args=(-s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' -X "$1")
  [ -n "${jar:-}" ] && args+=(-b "$jar" -c "$jar")
  [ -n "${csrf:-}" ] && args+=(-H "X-CSRF-Token: $csrf")
  [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  [ -n "${4:-}" ] && args+=(-H "Accept-Language: $4")
  status=$(curl "${args[@]}" "$base$2")
}
login() { # login USER -> sets jar, csrf
  jar=$tmp/$1.jar; csrf=""
  req POST /session "{\"username\":\"$1\",\"password\":\"$pw\"}"
  csrf=$(jq -r .csrf "$tmp/body")
}
# The error's members.
msg() { jq -r .error.message "$tmp/body"; }
code() { jq -r .error.code "$tmp/body"; }
field() { jq -r .error.field "$tmp/body"; }
# cjk TEXT: does TEXT hold a CJK ideograph?
cjk() { printf '%s' "$1" | grep -qP '[\x{4e00}-\x{9fff}]'; }
# english TEXT: ASCII only (no CJK, no full-width punctuation)?
english() { ! printf '%s' "$1" | grep -qP '[^\x00-\x7f]'; }

# ---- 401 before login ---------------------------------------------------
jar=""; csrf=""
req GET /patients "" zh-CN
[ "$status" = 401 ] && [ "$(code)" = E_UNAUTHENTICATED ] && cjk "$(msg)"; check "401 in Chinese" $?
grep -qi '^Content-Language: zh-CN' "$tmp/hdr"; check "Content-Language: zh-CN" $?
grep -qi '^Vary: Accept-Language' "$tmp/hdr"; check "Vary: Accept-Language" $?
req GET /patients
[ "$status" = 401 ] && [ "$(msg)" = "log in first" ]; check "401 in English by default" $?
grep -qi '^Content-Language: en' "$tmp/hdr"; check "Content-Language: en" $?
req POST /session '{"username":"coordinator.tjh","password":"wrong-password"}' zh
[ "$status" = 401 ] && [ "$(code)" = E_LOGIN ] && cjk "$(msg)"; check "wrong password in Chinese" $?

# ---- a coordinator's 422 ------------------------------------------------
login coordinator.tjh; [ "$status" = 200 ]; check "login coordinator.tjh" $?
req POST /patients '{}'; [ "$status" = 201 ]; check "register a patient" $?
pt=$(jq -r .code "$tmp/body")
bad='{"kind":"screening","data":{"screening_date":"2026-01-05","age":150,"bclc":"Z"}}'
req POST "/patients/$pt/records" "$bad" zh-CN
cp "$tmp/body" "$tmp/zh422.json"
[ "$status" = 422 ] && [ "$(code)" = E_INVALID ]; check "zh: 422 E_INVALID" $?
[ "$(field)" = data.age ]; check "zh: field untouched (data.age)" $?
m=$(msg); cjk "$m" && [[ $m == data.age* ]] && [[ $m == *120* ]]
check "zh: message Chinese, naming data.age and 120 ($m)" $?
jq -e '.error.problems | length == 2 and (map(.field) == ["data.age", "data.bclc"])' "$tmp/body" >/dev/null
check "zh: problems' fields untouched" $?
ok=0
for i in 0 1; do cjk "$(jq -r ".error.problems[$i].message" "$tmp/body")" || ok=1; done
check "zh: every problem's message Chinese" $ok
[ "$(jq -r '.error.problems[0].message' "$tmp/body")" = "超出范围：允许 0 至 120" ]
check "zh: out of range in Chinese with the numbers" $?
req POST "/patients/$pt/records" "$bad"
cp "$tmp/body" "$tmp/en422.json"
[ "$status" = 422 ] && [ "$(msg)" = "data.age: out of range: allowed 0 to 120 (and more problems)" ] &&
  [ "$(jq -r '.error.problems[0].message' "$tmp/body")" = "out of range: allowed 0 to 120" ]
check "no Accept-Language: English" $?
jq -e --slurpfile zh "$tmp/zh422.json" '(.error | del(.message, .problems)) == ($zh[0].error | del(.message, .problems))
  and (.error.problems | map(.field)) == ($zh[0].error.problems | map(.field))' "$tmp/en422.json" >/dev/null
check "zh and en: the same code, status, field and problem fields" $?
for al in "en" "en-US,en;q=0.9" "zh-TW" "zh-Hant" "fr" "zh;q=0.4, en;q=0.6" "zh;q=0"; do
  req POST "/patients/$pt/records" "$bad" "$al"
  english "$(msg)" && english "$(jq -r '.error.problems[].message' "$tmp/body")"
  check "Accept-Language: $al -> English" $?
done
for al in "zh" "zh-Hans" "zh-CN,zh;q=0.9,en;q=0.8" "en;q=0.5, zh-CN;q=0.9" "fr, zh;q=0.5"; do
  req POST "/patients/$pt/records" "$bad" "$al"
  cjk "$(msg)"; check "Accept-Language: $al -> Chinese" $?
done
req POST "/patients/$pt/records?lang=zh" "$bad"; cjk "$(msg)"; check "?lang=zh without a header: Chinese" $?
req POST "/patients/$pt/records?lang=en" "$bad" zh-CN; english "$(msg)"; check "?lang=en beats Accept-Language: zh-CN" $?
# A saved record changed without a reason, a stale version (409).
good='{"kind":"screening","data":{"screening_date":"2026-01-05","age":60}}'
req POST "/patients/$pt/records" "$good"; [ "$status" = 201 ]; check "screening saved" $?
rid=$(jq -r .id "$tmp/body")
req PUT "/patients/$pt/records/$rid" '{"kind":"screening","version":1,"data":{"screening_date":"2026-01-05","age":61}}' zh-CN
[ "$status" = 422 ] && [ "$(field)" = reason ] && [ "$(msg)" = "原因：修改已保存的数据须填写原因" ]
r=$?; check "zh: a reason is required ($(msg))" $r
req PUT "/patients/$pt/records/$rid" '{"kind":"screening","version":7,"reason":"typo","data":{"screening_date":"2026-01-05","age":61}}' zh-CN
[ "$status" = 409 ] && [ "$(code)" = E_CONFLICT ] && cjk "$(msg)" && [[ $(msg) == *7* ]]
r=$?; check "zh: 409 stale version in Chinese ($(msg))" $r

# The live eligibility verdict: its reasons in Chinese, criterion ids kept.
el='{"age":17,"bclc":"B","hiv":true,"hepatic_vein_invasion":true,"ivc_invasion":true}'
req POST /rules/eligibility "$el" zh-CN; cp "$tmp/body" "$tmp/el_zh.json"
req POST /rules/eligibility "$el"; cp "$tmp/body" "$tmp/el_en.json"
jq -e --slurpfile en "$tmp/el_en.json" '(.failed | map(.criterion)) == ($en[0].failed | map(.criterion))
  and (.failed | length) >= 3 and del(.failed) == ($en[0] | del(.failed))' "$tmp/el_zh.json" >/dev/null &&
  ! jq -r '.failed[].reason' "$tmp/el_zh.json" | grep -q '[a-z]\{4,\}' &&
  jq -r '.failed[].reason' "$tmp/el_en.json" | grep -q 'HIV infection'
check "eligibility: reasons in Chinese, criteria and the rest as in English" $?

# ---- 403 and 404 --------------------------------------------------------
req GET /analysis/km.svg "" zh-CN
[ "$status" = 403 ] && [ "$(code)" = E_FORBIDDEN ] && [ "$(field)" = null ] && cjk "$(msg)"
r=$?; check "zh: 403 in Chinese, code and field untouched ($(msg))" $r
req GET /analysis/km.svg
[ "$status" = 403 ] && [ "$(msg)" = "analysis: permission denied for the coordinator role" ]; check "en: 403 in English" $?
other=$(HCCSTUDY_USER=pi HCCSTUDY_PASSWORD=$pw "$bin" export --db "$db" 2>/dev/null |
  jq -r '[.casebooks[].patient.code | select(startswith("TJH") | not)][0]')
req GET "/patients/$other" "" zh-CN
[ "$status" = 404 ] && [ "$(code)" = E_NOT_FOUND ] && cjk "$(msg)" && [[ $(msg) == *"$other"* ]]
r=$?; check "zh: 404 of another site's patient in Chinese, naming $other ($(msg))" $r
req GET "/patients/$other"
[ "$status" = 404 ] && english "$(msg)"; check "en: 404 in English" $?
req GET /no-such-route "" zh-CN
[ "$status" = 404 ] && [ "$(code)" = E_NOT_FOUND ] && cjk "$(msg)"; check "zh: unknown route 404 in Chinese" $?

# ---- plots ---------------------------------------------------------------
login pi; [ "$status" = 200 ]; check "login pi" $?
svg() { # svg NAME QUERY [ACCEPT-LANGUAGE] -> $tmp/NAME.svg
  req GET "/analysis/$2" "" "${3:-}"; cp "$tmp/body" "$tmp/$1.svg"
  [ "$status" = 200 ] && grep -qi '^Content-Type: image/svg+xml' "$tmp/hdr"
}
wellformed() {
  if command -v xmllint >/dev/null 2>&1; then xmllint --noout "$1" 2>/dev/null
  else python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>/dev/null; fi
}
# texts FILE: the content of every <text> element, one a line.
texts() { grep -o '<text[^>]*>[^<]*</text>' "$1" | sed -E 's/<[^>]*>//g'; }
# numbers FILE: the <text> contents that are numbers (ticks, numbers at risk).
numbers() { texts "$1" | grep -E '^[-+0-9.%]+$'; }
# shape FILE: the document without its text (every element and attribute).
shape() { sed -E 's/>[^<]*</></g' "$1" | grep -v -E '^<(title|desc)>'; }

svg km_en "km.svg?endpoint=pfs&adjust=crude"; check "KM en: 200 SVG" $?
svg km_zh "km.svg?endpoint=pfs&adjust=crude&lang=zh"; check "KM lang=zh: 200 SVG" $?
wellformed "$tmp/km_zh.svg"; check "KM zh: well-formed XML" $?
grep -q '自治疗开始的时间（月）' "$tmp/km_zh.svg" && grep -q '风险人数' "$tmp/km_zh.svg"
check "KM zh: the Chinese axis title and numbers-at-risk heading" $?
! grep -q -e 'Months from treatment start' -e 'At risk' -e 'survival' "$tmp/km_zh.svg"
check "KM zh: no English axis title, heading or title" $?
grep -q 'Months from treatment start' "$tmp/km_en.svg" && grep -q 'At risk' "$tmp/km_en.svg" && ! cjk "$(cat "$tmp/km_en.svg")"
check "KM en: English, no Chinese" $?
[ "$(numbers "$tmp/km_en.svg" | wc -l)" -gt 10 ] && diff <(numbers "$tmp/km_en.svg") <(numbers "$tmp/km_zh.svg") >/dev/null
r=$?; check "KM: the numbers of zh equal en's ($(numbers "$tmp/km_en.svg" | wc -l) of them)" $r
diff <(shape "$tmp/km_en.svg") <(shape "$tmp/km_zh.svg") >/dev/null; check "KM: the same geometry in both languages" $?
svg km_al "km.svg?endpoint=pfs&adjust=crude" zh-CN
cmp -s "$tmp/km_al.svg" "$tmp/km_zh.svg"; check "KM: Accept-Language zh-CN draws the same as lang=zh" $?
svg km_arg "km.svg?endpoint=pfs&adjust=crude&lang=en" zh-CN
cmp -s "$tmp/km_arg.svg" "$tmp/km_en.svg"; check "KM: lang=en beats Accept-Language zh-CN" $?
svg os_zh "km.svg?endpoint=os&adjust=iptw&lang=zh"
grep -q '<title>总生存（IPTW 校正）</title>' "$tmp/os_zh.svg"; check "KM OS IPTW zh: Chinese title" $?
# The other plots: Chinese, no English words of their own (cohort names,
# CR/PR/PD, HR and CI stay), the same numbers as in English.
for p in waterfall swimmer forest; do
  svg "${p}_zh" "$p.svg?lang=zh" && svg "${p}_en" "$p.svg"
  check "$p: 200 in both languages" $?
  wellformed "$tmp/${p}_zh.svg"; check "$p zh: well-formed XML" $?
  words=$(texts "$tmp/${p}_zh.svg" | sed -E 's/HAIC|TACE|CR|PR|PD|PFS|OS|BCLC|IPTW|HR|CI|S\(t\)|n =|n=|[0-9.%x()-]//g' | grep -o '[A-Za-z]\{2,\}' | sort -u | tr '\n' ' ')
  [ -z "$words" ] && cjk "$(texts "$tmp/${p}_zh.svg")"; check "$p zh: Chinese, no English words left ($words)" $?
  n_en=$(texts "$tmp/${p}_en.svg" | grep -oE '[0-9]+(\.[0-9]+)?' | tr '\n' ' ')
  n_zh=$(texts "$tmp/${p}_zh.svg" | grep -oE '[0-9]+(\.[0-9]+)?' | tr '\n' ' ')
  [ -n "$n_en" ] && [ "$n_en" = "$n_zh" ]; check "$p: the numbers of zh equal en's" $?
  diff <(shape "$tmp/${p}_en.svg") <(shape "$tmp/${p}_zh.svg") >/dev/null; check "$p: the same geometry in both languages" $?
done
# The summary's one sentence for the reader is Chinese, every number the same.
req GET /analysis/summary "" zh-CN; cp "$tmp/body" "$tmp/sum_zh.json"
req GET /analysis/summary; cp "$tmp/body" "$tmp/sum_en.json"
cjk "$(jq -r .iptw_note "$tmp/sum_zh.json")" && english "$(jq -r .iptw_note "$tmp/sum_en.json")" &&
  jq -e --slurpfile zh "$tmp/sum_zh.json" 'del(.iptw_note) == ($zh[0] | del(.iptw_note))' "$tmp/sum_en.json" >/dev/null
check "summary: iptw_note in Chinese, the rest equal to English" $?
grep -q 'HAIC 更优' "$tmp/forest_zh.svg" && grep -q '事件=' "$tmp/forest_zh.svg"; check "forest zh: footnote and event counts in Chinese" $?

kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
if grep -q -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/server.log"; then
  check "no sanitizer report in the server log" 1
  grep -E -A 12 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/server.log" | head -40
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
