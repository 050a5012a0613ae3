#!/usr/bin/env bash
# The ADaM export (hccstudy export --format adam: ADSL, ADRS, ADTTE as SAS
# XPORT v5) and define.xml (--format define), issue 13, on a demo study of
# 120 patients plus one screened patient with nothing entered:
#   * R haven::read_xpt reads the three files; every variable has its row in
#     tests/validation/cdisc/adam.tsv (name, label, type, Char length) and
#     the datasets agree with each other (ADTTE AVAL = ADT - STARTDT and =
#     ADSL PFSDY/OSDY, CNSR 0/1 = ADSL's, ADRS BOR = ADSL BOR, one row per
#     key) (adam/adam.R);
#   * survival::coxph(Surv(AVAL, 1 - CNSR) ~ HAIC) and survfit on ADTTE,
#     analysis population (ANLPOPFL = "Y"), give the HR, coefficient, SE, n
#     and events of GET /api/v1/analysis/summary?freeze=ID on the same
#     data freeze as the files (within 1e-6 relative,
#     counts exactly) and the medians by cohort of GET /api/v1/analysis/km
#     (exactly) of a server on the same database;
#   * the BOR rows of ADRS give the analysis routes' response counts (n,
#     ORR and DCR numerators by cohort), and so does ADSL's BOR;
#   * define.xml is well-formed XML (xmllint --noout), Define-XML 2.0 (the
#     def: namespace v2.0, def:DefineVersion 2.0.0), and with xmllint
#     --xpath: one ItemGroupDef a dataset exported (ADaM and SDTM), an
#     ItemRef for each of its variables and no other, an ItemDef for every
#     ItemRef, a CodeList for every CodeListRef (holding every ADRS AVALC),
#     a MethodDef for every MethodOID, a def:leaf naming an exported file
#     for every dataset.  The Define-XML schema (define2-0-0.xsd) is not
#     packaged by Debian, so the file is not validated against it.
# A tool that is not installed is a failure, never a skip.
# Prints "N passed, N failed".
#   tests/validation/adam.sh PATH/TO/hccstudy
set -u
bin=${1:?usage: adam.sh HCCSTUDY}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/server.sh
. "$here/../lib/server.sh"
server_setup
for tool in Rscript jq curl xmllint; do
  command -v "$tool" >/dev/null 2>&1
  check "$tool installed (scripts/deps.sh test)" $?
done
server_demo adam 120
pw=$demo_pw
HCCSTUDY_USER=coordinator.tjh HCCSTUDY_PASSWORD=$pw "$bin" patient add --db "$db" --site TJH \
  >"$tmp/new.code" 2>&1
check "a screened patient without data" $?
# Everything below reads one data freeze: the files and the analysis
# routes (?freeze=) see the same casebooks, whatever is written meanwhile.
F=$(HCCSTUDY_USER=data.manager HCCSTUDY_PASSWORD=$pw "$bin" freeze create --db "$db" \
  --label "adam.sh" --json 2>"$tmp/freeze.err" | jq -r .id)
[ "$F" = 1 ]; check "a data freeze (id $F)" $?
HCCSTUDY_USER=coordinator.tjh HCCSTUDY_PASSWORD=$pw "$bin" patient add --db "$db" --site TJH \
  >/dev/null 2>&1
check "a write after the freeze" $?
ex() { HCCSTUDY_USER=statistician HCCSTUDY_PASSWORD=$pw "$bin" export --db "$db" --freeze "$F" "$@"; }
ex --format adam --out "$tmp/adam" >"$tmp/adam.list" 2>"$tmp/adam.err"
check "export --format adam" $?
for f in adsl adrs adtte; do
  [ -s "$tmp/adam/$f.xpt" ] && grep -qx "$tmp/adam/$f.xpt" "$tmp/adam.list"
  check "$f.xpt written and listed" $?
  jq -e --arg n "$f.xpt" '.files[] | select(.name == $n) | .rows > 0' \
    "$tmp/adam/manifest.json" >/dev/null
  check "manifest.json lists $f.xpt with rows" $?
done
head -c 1000 "$tmp/adam/adtte.xpt" | grep -q "SAS     ADTTE   SASDATA"
check "XPT: member ADTTE" $?
ex --format sdtm --out "$tmp/sdtm" >/dev/null 2>"$tmp/sdtm.err"
check "export --format sdtm (for define.xml's SDTM datasets)" $?
ex --format define --out "$tmp/define.xml" >"$tmp/define.list" 2>"$tmp/define.err"
check "export --format define" $?
ex --format define --out "$tmp/no/such/dir/define.xml" >/dev/null 2>"$tmp/bad.err"
[ $? -ne 0 ] && grep -q "no/such/dir" "$tmp/bad.err" && [ ! -e "$tmp/no" ]
check "define to a missing directory: refused, the path named, nothing written" $?

Rscript "$here/adam/adam.R" "$tmp/adam" "$here/cdisc/adam.tsv" "$tmp/names.txt" \
  "$tmp/sdtm" >"$tmp/r.out" 2>"$tmp/r.err"
check "R (haven, survival) on the ADaM export ran" $?
[ "$(grep -c '^ok ' "$tmp/r.out")" -ge 45 ]; check "R: every check ran" $?
tally "$tmp/r.out"
grep -q . "$tmp/r.err" && sed -n 1,10p "$tmp/r.err"
code=$(tr -d '\r\n' <"$tmp/new.code")
grep -q "^ADSL " "$tmp/names.txt"; check "variables of every XPORT file listed" $?

# The analysis routes of a server on the same database.
server_start --db "$db"
server_login statistician "$pw"
[ "$status" = 200 ]; check "login statistician" $?
api() { curl -s -b "$jar" "$host/api/v1/analysis/$1"; }
api "summary?freeze=$F" >"$tmp/summary.json"
api "km?endpoint=pfs&freeze=$F" >"$tmp/km_pfs.json"
api "km?endpoint=os&freeze=$F" >"$tmp/km_os.json"
r() { awk -v k="$1" '$1 == "val" && $2 == k { print $3 }' "$tmp/r.out"; }
same() { # same NAME A B: equal and not empty
  [ -n "$2" ] && [ "$2" = "$3" ]
  check "$1 ($2 vs $3)" $?
}
for ep in pfs os; do
  near "ADTTE $ep HR" "$(jq -r ".$ep.cox_crude.hr" "$tmp/summary.json")" "$(r ${ep}_hr)" 1e-6
  near "ADTTE $ep coef" "$(jq -r ".$ep.cox_crude.coef" "$tmp/summary.json")" "$(r ${ep}_coef)" 1e-6
  near "ADTTE $ep SE" "$(jq -r ".$ep.cox_crude.se" "$tmp/summary.json")" "$(r ${ep}_se)" 1e-6
  same "ADTTE $ep n" "$(jq -r ".$ep.cox_crude.n" "$tmp/summary.json")" "$(r ${ep}_n)"
  same "ADTTE $ep events" "$(jq -r ".$ep.cox_crude.events" "$tmp/summary.json")" \
    "$(r ${ep}_events)"
  for g in HAIC TACE; do
    same "ADTTE $ep median $g" \
      "$(jq -r --arg g $g '.groups[] | select(.group == $g) | .median' "$tmp/km_$ep.json")" \
      "$(r ${ep}_median_$g)"
  done
done
for g in HAIC TACE; do
  resp() { jq -r --arg g $g ".response[] | select(.cohort == \$g) | $1" "$tmp/summary.json"; }
  same "response $g n (ADSL)" "$(resp .n)" "$(r resp_${g}_n)"
  same "response $g ORR x (ADRS BOR)" "$(resp .orr.x)" "$(r resp_${g}_orr)"
  same "response $g DCR x (ADRS BOR)" "$(resp .dcr.x)" "$(r resp_${g}_dcr)"
  same "response $g ORR x (ADSL BOR)" "$(resp .orr.x)" "$(r resp_${g}_adsl_orr)"
done

# define.xml.
d=$tmp/define.xml
xp() { xmllint --xpath "$1" "$d" 2>/dev/null; }
attrs() { # attrs XPATH-TO-ATTRIBUTES: the values, one a line, sorted
  xp "$1" | grep -o '"[^"]*"' | tr -d '"' | sort
}
xmllint --noout "$d" 2>"$tmp/xmllint.err"; check "define.xml well-formed (xmllint)" $?
[ "$(xp "namespace-uri(/*)")" = "http://www.cdisc.org/ns/odm/v1.3" ]
check "define.xml: ODM root" $?
[ "$(xp "count(/*/namespace::*[. = 'http://www.cdisc.org/ns/def/v2.0'])")" = 1 ]
check "define.xml: def: namespace v2.0" $?
[ "$(xp "string(//*[local-name() = 'MetaDataVersion']/@*[local-name() = 'DefineVersion'])")" \
  = 2.0.0 ]
check "define.xml: def:DefineVersion 2.0.0" $?
xp "string(/*/@SourceSystemVersion)" | grep -Eq 'chain hash [0-9a-f]{64}'
check "define.xml: the chain hash in the ODM root" $?
ngroups=$(xp "count(//*[local-name() = 'ItemGroupDef'])")
nds=$(cut -d' ' -f1 "$tmp/names.txt" | sort -u | wc -l)
[ "$ngroups" = "$nds" ]; check "define.xml: one ItemGroupDef a dataset ($ngroups vs $nds)" $?
for ds in $(cut -d' ' -f1 "$tmp/names.txt" | sort -u); do
  g="//*[local-name() = 'ItemGroupDef'][@Name = '$ds']"
  attrs "$g/*[local-name() = 'ItemRef']/@ItemOID" >"$tmp/refs.$ds"
  awk -v ds="$ds" '$1 == ds { print "IT." ds "." $2 }' "$tmp/names.txt" | sort >"$tmp/want.$ds"
  cmp -s "$tmp/refs.$ds" "$tmp/want.$ds"
  check "define.xml: $ds has an ItemRef per exported variable" $?
  leaf=$(xp "string($g/*[local-name() = 'leaf']/@*[local-name() = 'href'])")
  [ -n "$leaf" ] && { [ -f "$tmp/adam/$leaf" ] || [ -f "$tmp/sdtm/$leaf" ]; }
  check "define.xml: $ds def:leaf names its file ($leaf)" $?
  p=$(xp "string($g/@Purpose)")
  case $ds in AD*) [ "$p" = Analysis ] ;; *) [ "$p" = Tabulation ] ;; esac
  check "define.xml: $ds Purpose ($p)" $?
done
attrs "//*[local-name() = 'ItemRef']/@ItemOID" | uniq >"$tmp/refs"
attrs "//*[local-name() = 'ItemDef']/@OID" >"$tmp/defs"
[ -s "$tmp/refs" ] && [ -z "$(comm -23 "$tmp/refs" "$tmp/defs")" ]
check "define.xml: every ItemRef's ItemOID has an ItemDef" $?
attrs "//*[local-name() = 'CodeListRef']/@CodeListOID" | uniq >"$tmp/clrefs"
attrs "//*[local-name() = 'CodeList']/@OID" >"$tmp/cls"
[ -s "$tmp/clrefs" ] && [ -z "$(comm -23 "$tmp/clrefs" "$tmp/cls")" ]
check "define.xml: every CodeListRef has a CodeList" $?
attrs "//*[local-name() = 'ItemRef']/@MethodOID" | uniq >"$tmp/mrefs"
attrs "//*[local-name() = 'MethodDef']/@OID" >"$tmp/mdefs"
[ -s "$tmp/mrefs" ] && [ -z "$(comm -23 "$tmp/mrefs" "$tmp/mdefs")" ]
check "define.xml: every MethodOID has a MethodDef" $?
[ "$(xp "string(//*[local-name() = 'ItemDef'][@OID = 'IT.ADTTE.ADT']/@*[local-name() = 'DisplayFormat'])")" \
  = DATE9. ]
check "define.xml: ADTTE ADT is a DATE9. date" $?
[ "$(xp "string(//*[local-name() = 'ItemRef'][@ItemOID = 'IT.ADTTE.PARAMCD']/@KeySequence)")" \
  = 3 ]
check "define.xml: ADTTE key STUDYID, USUBJID, PARAMCD" $?
attrs "//*[local-name() = 'CodeList'][@OID = 'CL.MRECIST']/*/@CodedValue" >"$tmp/mrecist"
Rscript -e 'x <- haven::read_xpt(commandArgs(TRUE)[1]); writeLines(sort(unique(x$AVALC)))' \
  "$tmp/adam/adrs.xpt" >"$tmp/avalc" 2>/dev/null
[ -s "$tmp/avalc" ] && [ -z "$(comm -23 "$tmp/avalc" "$tmp/mrecist")" ]
check "define.xml: CL.MRECIST holds every ADRS AVALC" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
