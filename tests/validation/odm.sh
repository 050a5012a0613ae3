#!/usr/bin/env bash
# CDISC ODM 1.3.2 round trip (issue 13; docs/odm.md), run live on a demo
# study of 30 patients to which an SDV mark, a corrected record (with its
# reason: old and new value in the audit trail) and a query whose text
# holds XML's special characters, a tab and a line break are added:
#   * xmllint (libxml2-utils) finds the export well formed (CDISC's
#     ODM 1.3.2 schema is not a Debian package and no third-party file
#     is copied into the repository: see docs/odm.md);
#   * xmllint --xpath: every StudyEventOID, FormOID, ItemGroupOID and
#     ItemOID used in ClinicalData is declared in the MetaDataVersion,
#     every UserRef, LocationRef and SiteRef in AdminData, every
#     SignatureRef a SignatureDef;
#   * the file holds every casebook and record (counted in the JSON export
#     with jq) and every audit entry up to its hccstudy:AuditSeq (counted
#     in `hccstudy audit log --json`);
#   * `hccstudy import --format odm` into a new database; there `hccstudy
#     audit verify` passes, entries 1..AuditSeq equal the original's field
#     for field (audit log --json, and the SQLite table itself when the
#     engine is SQLite) and end at the root's hccstudy:ChainHash;
#   * the JSON casebooks (`hccstudy export`, jq -S) are identical; the ODM
#     export of the imported database's freeze 1 equals the original file
#     byte for byte but for hccstudy:FreezeID;
#   * refused with exit 2, naming the element or option, leaving the target
#     as it was (a later good import into it succeeds): a truncated file,
#     an undeclared ItemOID, a DOCTYPE with an external entity (XXE), an
#     altered audit entry, a record value the audit trail does not record,
#     a target that already holds the study, an importer who is not an
#     admin or data manager.
# A missing tool is a failure, never a skip.  Prints "N passed, N failed".
#   tests/validation/odm.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: odm.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/server.sh
. "$here/../lib/server.sh"
server_setup
for tool in xmllint jq python3; do
  command -v "$tool" >/dev/null 2>&1
  check "$tool installed (scripts/deps.sh test)" $?
done
engine=$(test_engine)
if [ "$engine" = sqlite ]; then
  command -v sqlite3 >/dev/null 2>&1
  check "sqlite3 installed" $?
fi
server_demo study 30
pw=$demo_pw
as() { # as USER hccstudy-ARGS...
  local u=$1
  shift
  HCCSTUDY_USER=$u HCCSTUDY_PASSWORD=$pw "$bin" "$@"
}

# Some workflow beyond the demo's: SDV, a correction, a query in odd text.
as data.manager export --db "$db" --patient TJH-0001 >"$tmp/tjh1.json"
rid=$(jq '.casebooks[0].records[] | select(.kind == "baseline") | .id' \
  "$tmp/tjh1.json")
rver=$(jq '.casebooks[0].records[] | select(.kind == "baseline") | .version' \
  "$tmp/tjh1.json")
old=$(jq -c '.casebooks[0].records[] | select(.kind == "baseline")
  | .data.weight_kg' "$tmp/tjh1.json")
new=$(jq -n -c --argjson o "$old" '($o * 10 + 5) / 10')
as monitor sdv --db "$db" --record "$rid" >/dev/null 2>&1
check "SDV mark" $?
jq --argjson id "$rid" --argjson v "$rver" '{patients: [{code: "TJH-0001",
  records: [.casebooks[0].records[] | select(.id == $id)
            | {kind, id, version: $v, data: (.data + {weight_kg: $new}),
               reason: ("chart says \($new) kg <not \($old)> & was "
                        + "\"misread\"")}]}]}' \
  --argjson new "$new" --argjson old "$old" "$tmp/tjh1.json" >"$tmp/fix.json"
as coordinator.tjh import --db "$db" --input "$tmp/fix.json" >/dev/null 2>&1
check "a corrected record" $?
as monitor query raise --db "$db" --patient TJH-0001 --record "$rid" \
  --field weight_kg --text "$(printf 'weight <&> "check"\tplease\nline two')" \
  >/dev/null 2>&1
check "a query with <&>\", a tab and a line break" $?

# Export.
f1=$tmp/study.xml
as data.manager export --db "$db" --format odm --out "$f1" >/dev/null \
  2>"$tmp/export.err"
check "export --format odm" $?
xmllint --noout "$f1" 2>"$tmp/xmllint.err"
check "xmllint: well formed" $?

# Declared versus used OIDs (xmllint --xpath; the default namespace is
# matched by local-name()).
xp() { # xp XPATH-OF-ATTRIBUTES -> the values, sorted, unique
  xmllint --xpath "$1" "$f1" 2>/dev/null | grep -o '"[^"]*"' | tr -d '"' |
    sort -u
}
el() { echo "//*[local-name()='$1']"; }
cd_el() { echo "//*[local-name()='ClinicalData']//*[local-name()='$1']"; }
undeclared() { # undeclared USED DECLARED -> the used values not declared
  comm -23 <(xp "$1") <(xp "$2")
}
n_used=0
for pair in "StudyEventData:StudyEventOID:StudyEventDef" \
  "FormData:FormOID:FormDef" "ItemGroupData:ItemGroupOID:ItemGroupDef" \
  "ItemData:ItemOID:ItemDef" "UserRef:UserOID:User" \
  "LocationRef:LocationOID:Location" "SiteRef:LocationOID:Location" \
  "SignatureRef:SignatureOID:SignatureDef"; do
  IFS=: read -r used attr def <<<"$pair"
  u=$(xp "$(cd_el "$used")/@$attr" | wc -l)
  n_used=$((n_used + u))
  [ "$u" -gt 0 ]
  check "ClinicalData uses $used/@$attr ($u distinct)" $?
  bad=$(undeclared "$(cd_el "$used")/@$attr" "$(el "$def")/@OID")
  [ -z "$bad" ]
  check "every $used/@$attr is declared as a $def: ${bad:-ok}" $?
done
# The references in the metadata itself resolve too.
for pair in "ItemRef:ItemOID:ItemDef" "ItemGroupRef:ItemGroupOID:ItemGroupDef" \
  "FormRef:FormOID:FormDef" "StudyEventRef:StudyEventOID:StudyEventDef" \
  "CodeListRef:CodeListOID:CodeList" \
  "MeasurementUnitRef:MeasurementUnitOID:MeasurementUnit"; do
  IFS=: read -r used attr def <<<"$pair"
  bad=$(undeclared "$(el "$used")/@$attr" "$(el "$def")/@OID")
  [ -z "$bad" ]
  check "every $used/@$attr is declared: ${bad:-ok}" $?
done

# Every casebook, record and audit entry is in the file.
as data.manager export --db "$db" | jq -S . >"$tmp/cb1.json"
n_pt=$(jq '.casebooks | length' "$tmp/cb1.json")
n_rec=$(jq '[.casebooks[].records[]] | length' "$tmp/cb1.json")
x_pt=$(xmllint --xpath "count($(el SubjectData))" "$f1")
x_rec=$(xmllint --xpath "count($(el FormData))" "$f1")
[ "$n_pt" -gt 0 ] && [ "$n_pt" = "$x_pt" ]
check "SubjectData: $x_pt, casebooks: $n_pt" $?
[ "$n_rec" -gt 0 ] && [ "$n_rec" = "$x_rec" ]
check "FormData: $x_rec, records: $n_rec" $?
# Every scalar of every record is one ItemData (a list member or a
# sub-object's member counts once; an empty list gives none).
n_items=$(jq '[.casebooks[].records[].data | to_entries[] | .value
  | if type == "array" then .[] | to_entries[] elif type == "object"
    then to_entries[] else . end] | length' "$tmp/cb1.json")
x_items=$(xmllint --xpath "count($(el ItemData))" "$f1")
[ "$n_items" = "$x_items" ]
check "ItemData: $x_items, scalar values in the casebooks: $n_items" $?
seq_n=$(xmllint --xpath "string(/*/@*[local-name()='AuditSeq'])" "$f1")
hash_n=$(xmllint --xpath "string(/*/@*[local-name()='ChainHash'])" "$f1")
x_ar=$(xmllint --xpath "count($(el AuditRecord))" "$f1")
as data.manager audit log --db "$db" --limit 1000000 --json \
  >"$tmp/log1.json" 2>&1
check "audit log of the original" $?
n_ar=$(jq --argjson n "$seq_n" '[.. | objects | select(has("seq") and
  has("hash")) | select(.seq <= $n)] | length' "$tmp/log1.json")
[ "$x_ar" -gt 0 ] && [ "$x_ar" = "$seq_n" ] && [ "$n_ar" = "$seq_n" ]
check "AuditRecord: $x_ar, AuditSeq: $seq_n, audit log entries: $n_ar" $?
grep -q "OldValue=\"$old\" NewValue=\"$new\"" "$f1"
check "the correction's old and new value are in the file" $?
python3 - "$f1" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = {"h": "https://github.com/hccstudy/ns/odm/v1"}
t = ET.parse(sys.argv[1])
want = 'weight <&> "check"\tplease\nline two'
ok = any(q.get("text") == want for q in t.iterfind(".//h:Query", ns))
sys.exit(0 if ok else 1)
EOF
check "python's XML parser reads the query text back exactly" $?

# Import into a new database.
db2=$(test_db imported)
as data.manager import --db "$db2" --format odm --input "$f1" \
  >"$tmp/import.out" 2>"$tmp/import.err"
check "import --format odm into a new database" $?
[ -s "$tmp/import.err" ] && cat "$tmp/import.err"
as data.manager audit verify --db "$db2" >"$tmp/verify.out" 2>&1
check "audit verify passes on the imported database" $?
as data.manager audit log --db "$db2" --limit 1000000 --json \
  >"$tmp/log2.json" 2>&1
sel='[.. | objects | select(has("seq") and has("hash")) | select(.seq <= $n)]
  | sort_by(.seq)'
jq -S --argjson n "$seq_n" "$sel" "$tmp/log1.json" >"$tmp/a1.json"
jq -S --argjson n "$seq_n" "$sel" "$tmp/log2.json" >"$tmp/a2.json"
[ "$(jq length "$tmp/a2.json")" = "$seq_n" ] && cmp -s "$tmp/a1.json" \
  "$tmp/a2.json"
check "audit entries 1..$seq_n identical (audit log --json)" $?
last=$(jq -r --argjson n "$seq_n" '.[] | select(.seq == $n) | .hash' \
  "$tmp/a2.json")
[ "$last" = "$hash_n" ]
check "the imported chain hash at $seq_n is the file's" $?
if [ "$engine" = sqlite ]; then
  q="SELECT * FROM audit WHERE seq <= $seq_n ORDER BY seq"
  cmp -s <(sqlite3 "$db" "$q") <(sqlite3 "$db2" "$q")
  check "the audit table rows 1..$seq_n are identical (sqlite3)" $?
  for t in "site" "patient" "record" "derived" "query" "sdv" "signature" \
    "app_user(id, username, role, site_id, is_active, created_utc, version)"; do
    name=${t%%(*}
    cols=$(echo "$t" | sed -n 's/.*(\(.*\))/\1/p')
    q="SELECT ${cols:-*} FROM $name ORDER BY 1"
    cmp -s <(sqlite3 "$db" "$q") <(sqlite3 "$db2" "$q")
    check "table $name identical (sqlite3)" $?
  done
fi
as data.manager export --db "$db2" | jq -S . >"$tmp/cb2.json"
[ -s "$tmp/cb2.json" ] && cmp -s "$tmp/cb1.json" "$tmp/cb2.json"
check "JSON casebooks and derived values identical (jq -S)" $?
for d in "$db" "$db2"; do
  n=$([ "$d" = "$db" ] && echo 1 || echo 2)
  as data.manager export --db "$d" --format csv --out "$tmp/csv$n" \
    >/dev/null 2>&1
done
diff -r -x manifest.json "$tmp/csv1" "$tmp/csv2" >/dev/null &&
  [ -s "$tmp/csv1/adsl.csv" ]
check "the CSV exports (derived PFS, OS, BOR ...) are identical" $?
f2=$tmp/again.xml
as data.manager export --db "$db2" --format odm --freeze 1 --out "$f2" \
  >/dev/null 2>&1
check "export of the imported study's freeze 1" $?
cmp -s <(sed 's/ hccstudy:FreezeID="[0-9]*"//' "$f1") \
  <(sed 's/ hccstudy:FreezeID="[0-9]*"//' "$f2")
check "the ODM files are identical (but for hccstudy:FreezeID)" $?
HCCSTUDY_USER=monitor HCCSTUDY_PASSWORD=$pw "$bin" status --db "$db2" \
  >/dev/null 2>&1
[ $? -ne 0 ]
check "other imported accounts have no password until one is set" $?

# Refusals: exit 2, the target left empty (a good import then succeeds).
refused() { # refused NAME FILE USER PATTERN
  local t
  t=$(test_db "ref_$1")
  HCCSTUDY_USER=$3 HCCSTUDY_PASSWORD=$pw "$bin" import --db "$t" \
    --format odm --input "$2" >"$tmp/$1.out" 2>"$tmp/$1.err"
  [ $? -eq 2 ]
  check "$1: exit 2" $?
  grep -q -- "$4" "$tmp/$1.err"
  check "$1: the message names $4 ($(head -c 160 "$tmp/$1.err"))" $?
  if [ "$engine" = sqlite ]; then
    [ ! -e "$t" ]
    check "$1: no database file left behind" $?
  fi
  as data.manager import --db "$t" --format odm --input "$f1" >/dev/null 2>&1
  check "$1: the target was left empty (a good import succeeds)" $?
}
size=$(wc -c <"$f1")
head -c $((size * 2 / 3)) "$f1" >"$tmp/truncated.xml"
refused truncated "$tmp/truncated.xml" data.manager \
  "line [0-9]*: not well-formed"
python3 - "$f1" "$tmp" "$old" "$new" <<'EOF'
import sys
s = open(sys.argv[1]).read()
d = sys.argv[2]
i = s.index("<ClinicalData")
j = s.index('ItemOID="I.baseline.weight_kg"', i)
open(d + "/undeclared.xml", "w").write(
    s[:j] + 'ItemOID="I.baseline.shoe_size"' +
    s[j + len('ItemOID="I.baseline.weight_kg"'):])
x = s[s.index("<ODM"):].replace("<StudyName>", "<StudyName>&xxe;", 1)
open(d + "/xxe.xml", "w").write(
    '<?xml version="1.0"?>\n<!DOCTYPE ODM [<!ENTITY xxe SYSTEM '
    '"file:///etc/passwd">]>\n' + x)
m = 'ItemOID="I.baseline.weight_kg" Value="'
j = s.index(m, i) + len(m)
open(d + "/tampered.xml", "w").write(s[:j] + "99" + s[s.index('"', j):])
ov = 'OldValue="%s" NewValue="%s"' % (sys.argv[3], sys.argv[4])
k = s.index(ov)
open(d + "/altered.xml", "w").write(
    s[:k] + 'OldValue="%s" NewValue="%s0"' % (sys.argv[3], sys.argv[4]) +
    s[k + len(ov):])
EOF
refused undeclared "$tmp/undeclared.xml" data.manager \
  'ItemData>: ItemOID "I.baseline.shoe_size" is not declared'
refused xxe "$tmp/xxe.xml" data.manager "DOCTYPE"
refused altered "$tmp/altered.xml" data.manager "does not verify"
refused tampered "$tmp/tampered.xml" data.manager \
  "differ from what its audit trail records"
refused not_allowed "$f1" monitor "\-\-user"
before=$(as data.manager audit log --db "$db2" --limit 1 --json 2>/dev/null |
  jq -c '[.. | objects | select(has("seq")) | .seq]')
as data.manager import --db "$db2" --format odm --input "$f1" \
  >/dev/null 2>"$tmp/again.err"
[ $? -eq 2 ] && grep -q -- "--db" "$tmp/again.err"
check "a database that holds the study is refused (exit 2, --db)" $?
after=$(as data.manager audit log --db "$db2" --limit 2 --json 2>/dev/null |
  jq -c '[.. | objects | select(has("seq")) | .seq]')
# The refused import wrote nothing (it does not even log in to a
# database it refuses): the one entry since is the second audit log
# command's login.
b=$(echo "$before" | jq '.[-1]')
a=$(echo "$after" | jq '.[-1]')
[ -n "$a" ] && [ "$a" = $((b + 1)) ]
check "the refused import wrote nothing ($b -> $a)" $?
echo "$pass passed, $fail failed"
