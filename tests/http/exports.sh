#!/usr/bin/env bash
# Data freezes and exports through the API and the command line (issue 13):
#   * a data manager freezes the study (POST /api/v1/freezes, and
#     `hccstudy freeze create`); GET /api/v1/freezes lists both;
#   * GET /api/v1/exports/FMT?freeze=ID is a ZIP archive (checked by
#     Python's zipfile and Info-ZIP's unzip -t, readers nobody here wrote)
#     whose files are byte for byte those of `hccstudy export --format FMT
#     --freeze ID`, and whose manifest.json gives each file's SHA-256
#     (recomputed by sha256sum);
#   * a freeze exported twice, with writes in between, gives byte-identical
#     files: every format, CLI and API, the archive itself, the analysis
#     summary (?freeze=ID), the frozen JSON casebooks; the live export does
#     change;
#   * ?file=NAME gives one file of the archive; odm and define are one XML
#     file, well formed for xmllint;
#   * a site-scoped coordinator's export holds its own site's patients
#     only; a read-only API token downloads the same bytes as a session;
#   * the server's temporary directory is empty after every download.
# Prints "N passed, N failed".
#   tests/http/exports.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: exports.sh HCCSTUDY}
# shellcheck source=tests/lib/server.sh
. "$(cd "$(dirname "$0")/../lib" && pwd)/server.sh"
server_setup
for tool in jq curl xmllint unzip sha256sum /usr/bin/python3; do
  command -v "$tool" >/dev/null 2>&1
  check "$tool installed (scripts/deps.sh test)" $?
done
server_demo exports 40
pw=$demo_pw
mkdir -p "$tmp/srvtmp"
TMPDIR=$tmp/srvtmp server_start --db "$db"
base="$host/api/v1"
for u in data.manager statistician coordinator.tjh monitor; do
  server_login "$u" "$pw"
  echo "$csrf" >"$tmp/$u.csrf"
done
# get USER PATH OUT: a GET with USER's session, status in $status,
# headers in OUT.h
get() {
  status=$(curl -s -b "$tmp/$1.jar" -D "$3.h" -o "$3" -w '%{http_code}' "$base$2")
}
sql() { # sql STATEMENT on either engine
  if [ -n "${HCCSTUDY_TEST_PG:-}" ]; then psql -Atq "$db" -c "$1"; else sqlite3 "$db" "$1"; fi
}
cli() { # cli USER ARGS...: hccstudy as USER
  local u=$1
  shift
  HCCSTUDY_USER=$u HCCSTUDY_PASSWORD=$pw "$bin" "$@"
}

# 1. Freezes: by the API and by the command line.
status=$(curl -s -b "$tmp/data.manager.jar" -H "X-CSRF-Token: $(cat "$tmp/data.manager.csrf")" \
  -H 'Content-Type: application/json' -o "$tmp/f1.json" -w '%{http_code}' \
  -X POST --data-binary '{"label":"primary analysis"}' "$base/freezes")
F=$(jq -r .id "$tmp/f1.json")
[ "$status" = 201 ] && [ "$F" = 1 ] && [ "$(jq -r .label "$tmp/f1.json")" = "primary analysis" ] &&
  [ "$(jq -r '.chain_hash | length' "$tmp/f1.json")" = 64 ] && [ "$(jq -r .n_patients "$tmp/f1.json")" = 40 ]
check "POST /freezes: 201, id 1, label, chain hash, 40 patients" $?
seq1=$(jq -r .audit_seq "$tmp/f1.json")
[ "$(sql "SELECT seq, hash FROM audit WHERE seq = $seq1" | tr '|' ' ')" = \
  "$seq1 $(jq -r .chain_hash "$tmp/f1.json")" ]
check "the freeze's chain hash is the audit trail's at its sequence number" $?
cli data.manager freeze create --db "$db" --label "interim" --json >"$tmp/f2.json" 2>"$tmp/f2.err"
[ $? = 0 ] && [ "$(jq -r .id "$tmp/f2.json")" = 2 ]; check "freeze create (CLI): id 2" $?
cli statistician freeze create --db "$db" --label "x" >/dev/null 2>"$tmp/f3.err"
[ $? = 2 ] && grep -q "permission" "$tmp/f3.err"; check "freeze create as statistician: exit 2" $?
cli data.manager freeze create --db "$db" >/dev/null 2>"$tmp/f4.err"
[ $? = 2 ] && grep -q -- "--label" "$tmp/f4.err"; check "freeze create without --label: exit 2 naming it" $?
get statistician /freezes "$tmp/list.json"
[ "$status" = 200 ] && [ "$(jq -c '[.freezes[].id]' "$tmp/list.json")" = "[2,1]" ]
check "GET /freezes: newest first" $?
cli statistician freeze list --db "$db" --json | jq -e '.freezes | length == 2' >/dev/null
check "freeze list (CLI)" $?
sql "SELECT count(DISTINCT entity_id) FROM audit WHERE action = 'freeze' AND entity = 'data_freeze'" | grep -qx 2
check "each freeze audited" $?

# 2. Every format of freeze 1: the API archive equals the CLI's files.
fmts="csv xpt dta sav sdtm adam"
for f in $fmts; do
  get statistician "/exports/$f?freeze=$F" "$tmp/a1_$f.zip"
  [ "$status" = 200 ] && grep -qi "^content-type: application/zip" "$tmp/a1_$f.zip.h" &&
    grep -qi "content-disposition: attachment; filename=\"CHALLENGE-06_${f}_freeze$F.zip\"" "$tmp/a1_$f.zip.h"
  check "GET /exports/$f?freeze=$F: a ZIP download" $?
  unzip -tq "$tmp/a1_$f.zip" >/dev/null 2>&1; check "$f: unzip -t finds the archive sound" $?
  mkdir -p "$tmp/z_$f"
  /usr/bin/python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; z.extractall(sys.argv[2])' \
    "$tmp/a1_$f.zip" "$tmp/z_$f" 2>"$tmp/py.err"
  check "$f: Python zipfile reads it (CRC checked)" $?
  cli statistician export --db "$db" --format "$f" --freeze "$F" --out "$tmp/c_$f" >/dev/null 2>"$tmp/c.err"
  check "export --format $f --freeze $F (CLI)" $?
  diff -r "$tmp/z_$f" "$tmp/c_$f" >/dev/null; check "$f: the archive's files are the CLI's, byte for byte" $?
  ok=0
  while read -r name sha; do
    [ "$(sha256sum <"$tmp/z_$f/$name" | cut -c1-64)" = "$sha" ] || ok=1
  done < <(jq -r '.files[] | "\(.name) \(.sha256)"' "$tmp/z_$f/manifest.json")
  [ "$(jq -r '.freeze_id' "$tmp/z_$f/manifest.json")" = "$F" ] &&
    [ "$(jq -r .chain_hash "$tmp/z_$f/manifest.json")" = "$(jq -r .chain_hash "$tmp/f1.json")" ] &&
    [ "$(jq '.files | length' "$tmp/z_$f/manifest.json")" -ge 1 ] && [ $ok = 0 ]
  check "$f: manifest.json names the freeze and chain hash, SHA-256 of every file" $?
done
for f in odm define; do
  get statistician "/exports/$f?freeze=$F" "$tmp/a1_$f.xml"
  [ "$status" = 200 ] && grep -qi "^content-type: application/xml" "$tmp/a1_$f.xml.h" &&
    xmllint --noout "$tmp/a1_$f.xml" 2>/dev/null
  check "GET /exports/$f?freeze=$F: XML, well formed" $?
  cli statistician export --db "$db" --format "$f" --freeze "$F" --out "$tmp/c_$f.xml" >/dev/null 2>&1 &&
    cmp -s "$tmp/a1_$f.xml" "$tmp/c_$f.xml"
  check "$f: the download is the CLI's file" $?
done
cli statistician export --db "$db" --format all --freeze "$F" --out "$tmp/all" >/dev/null 2>&1
ok=$?
for f in $fmts; do diff -r "$tmp/all/$f" "$tmp/c_$f" >/dev/null || ok=1; done
cmp -s "$tmp/all/define.xml" "$tmp/c_define.xml" && cmp -s "$tmp/all/odm.xml" "$tmp/c_odm.xml" && [ $ok = 0 ]
check "export --format all: every format's files, byte for byte those of one format at a time" $?
get statistician "/exports/xpt?freeze=$F&file=adsl.xpt" "$tmp/one.xpt"
[ "$status" = 200 ] && cmp -s "$tmp/one.xpt" "$tmp/c_xpt/adsl.xpt"; check "?file=adsl.xpt: that file alone" $?
get statistician "/analysis/summary?freeze=$F" "$tmp/s1.json"
[ "$status" = 200 ]; check "GET /analysis/summary?freeze=$F" $?
cli statistician export --db "$db" --freeze "$F" >"$tmp/j1.json"; check "export --freeze (JSON casebooks)" $?
get statistician "/exports/csv" "$tmp/live1.zip"
[ "$status" = 200 ]; check "a live export (no freeze)" $?

# 3. Writes after the freeze: new patients and a record.
for i in 1 2 3; do
  cli coordinator.tjh patient add --db "$db" --site TJH >/dev/null 2>&1
done
P=$(cli coordinator.tjh patient add --db "$db" --site TJH 2>/dev/null)
status=$(curl -s -b "$tmp/coordinator.tjh.jar" -H "X-CSRF-Token: $(cat "$tmp/coordinator.tjh.csrf")" \
  -H 'Content-Type: application/json' -o /dev/null -w '%{http_code}' -X POST \
  --data-binary '{"kind":"lab","data":{"date":"2026-03-01","test":"ALT","value":40,"unit":"U/L"}}' \
  "$base/patients/$P/records")
[ "$status" = 201 ]; check "writes after the freeze" $?
# ... a frozen record corrected, a query raised on it, an account added.
Q=$(cli coordinator.tjh export --db "$db" | jq -c '[.casebooks[] | select(.patient.locked == false and .patient.site == "TJH")
  | .records[] | select(.kind == "adverse_event")][0]')
QC=$(cli coordinator.tjh export --db "$db" | jq -r --argjson r "$Q" '.casebooks[] | select(any(.records[]; .id == $r.id)) | .patient.code')
QB=$(echo "$Q" | jq -c '{kind, version, reason: "corrected after the freeze", data: (.data + {grade: (if .data.grade == 1 then 2 else 1 end)})}')
status=$(curl -s -b "$tmp/coordinator.tjh.jar" -H "X-CSRF-Token: $(cat "$tmp/coordinator.tjh.csrf")" \
  -H 'Content-Type: application/json' -o "$tmp/put.json" -w '%{http_code}' -X PUT \
  --data-binary "$QB" "$base/patients/$QC/records/$(echo "$Q" | jq .id)")
[ "$status" = 200 ]; check "a frozen record corrected after the freeze ($QC)" $?
status=$(curl -s -b "$tmp/monitor.jar" -H "X-CSRF-Token: $(cat "$tmp/monitor.csrf")" \
  -H 'Content-Type: application/json' -o /dev/null -w '%{http_code}' -X POST \
  --data-binary "{\"record_id\": $(echo "$Q" | jq .id), \"text\": \"please check the grade\"}" "$base/patients/$QC/queries")
[ "$status" = 201 ]; check "a query raised after the freeze" $?
HCCSTUDY_NEW_PASSWORD=a-new-long-password cli admin user add --db "$db" --username late.monitor --role monitor >/dev/null 2>&1
check "an account added after the freeze" $?
sleep 1 # a second later: a file stamped with the time would differ
for f in $fmts; do
  get statistician "/exports/$f?freeze=$F" "$tmp/a2_$f.zip"
  cmp -s "$tmp/a1_$f.zip" "$tmp/a2_$f.zip"; check "$f: freeze $F again, after the writes: the same bytes" $?
  cli statistician export --db "$db" --format "$f" --freeze "$F" --out "$tmp/d_$f" >/dev/null 2>&1 &&
    diff -r "$tmp/c_$f" "$tmp/d_$f" >/dev/null
  check "$f (CLI): freeze $F again: the same bytes" $?
done
for f in odm define; do
  get statistician "/exports/$f?freeze=$F" "$tmp/a2_$f.xml"
  cmp -s "$tmp/a1_$f.xml" "$tmp/a2_$f.xml"; check "$f: freeze $F again: the same bytes" $?
done
get statistician "/analysis/summary?freeze=$F" "$tmp/s2.json"
cmp -s "$tmp/s1.json" "$tmp/s2.json"; check "analysis summary of freeze $F: unchanged" $?
cli statistician export --db "$db" --freeze "$F" >"$tmp/j2.json"
cmp -s "$tmp/j1.json" "$tmp/j2.json" && [ "$(jq '.casebooks | length' "$tmp/j2.json")" = 40 ]
check "frozen JSON casebooks: unchanged, 40 patients" $?
get statistician "/exports/csv" "$tmp/live2.zip"
mkdir -p "$tmp/l2" && unzip -q "$tmp/live2.zip" -d "$tmp/l2" &&
  [ "$(($(wc -l <"$tmp/l2/adsl.csv") - 1))" = 44 ]
check "the live export has the 4 new patients" $?

# 4. Site scoping and a read-only token.
get coordinator.tjh "/exports/csv?freeze=$F" "$tmp/tjh.zip"
mkdir -p "$tmp/tjh" && unzip -q "$tmp/tjh.zip" -d "$tmp/tjh"
want=$(jq '[.casebooks[] | select(.patient.site == "TJH")] | length' "$tmp/j1.json")
got=$(($(wc -l <"$tmp/tjh/adsl.csv") - 1))
[ "$status" = 200 ] && [ "$got" = "$want" ] && [ "$want" -gt 0 ] && [ "$want" -lt 40 ] &&
  ! grep -v '^STUDYID' "$tmp/tjh/adsl.csv" | grep -vq 'TJH-'
check "a coordinator's export: TJH's $want patients only ($got)" $?
get monitor "/exports/csv" "$tmp/mon.zip"
[ "$status" = 403 ]; check "monitor: 403" $?
TOKEN=$(cli statistician token create --db "$db" --name nightly --scope read 2>/dev/null)
status=$(curl -s -H "Authorization: Bearer $TOKEN" -o "$tmp/tok.zip" -w '%{http_code}' "$base/exports/adam?freeze=$F")
[ "$status" = 200 ] && cmp -s "$tmp/tok.zip" "$tmp/a1_adam.zip"; check "read-only token: the same archive" $?
server_stop
[ -z "$(ls -A "$tmp/srvtmp")" ]; check "no temporary file left by the server" $?
if grep -q Sanitizer "$tmp/server.log"; then
  check "sanitizer report in the server log" 1
  grep -B2 -A40 -m1 -E "ERROR|runtime error" "$tmp/server.log" | head -60
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
