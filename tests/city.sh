#!/bin/sh
# city.sh - the city commands through the real binary: the GPC tree, an
# inventory imported, shown, checked and exported as CSV and XLSX (the XLSX
# read back with python3's zipfile and xml, independently of c2c's reader),
# an XLSX written by python3 imported, bad input refused with nothing
# stored, the Tianjin indicators evaluated, and the worked scenario run.
# usage: tests/city.sh BUILD_DIR; last line "city: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib/db.sh"
test_db c.db
. "$(dirname "$0")/lib/assert.sh"
py() { python3 -c "$1"; }
c2c() { "$BIN" "$@"; }
P="--place vn-da-nang-city --year 2022"

c2c init >/dev/null

# --- the GPC tree ------------------------------------------------------------
check "53 GPC reference numbers" "$(c2c city gpc --format json | py 'import json,sys; print(len(json.load(sys.stdin)))')" 53
check "32 of them BASIC" "$(c2c city gpc --format json | py 'import json,sys; print(sum(r["level"]=="basic" for r in json.load(sys.stdin)))')" 32

# --- inventory: import, show, check --------------------------------------------
c2c city inventory import "$HERE/city/inventory-example.csv" $P --gwp AR5 >/dev/null \
	&& ok "inventory import (CSV)" || bad "inventory import (CSV)"
totals() { c2c city inventory show $1 --format json | py 'import json,sys; t=json.load(sys.stdin)["totals"]; print(t["basic_t"], t["basic_plus_t"], t["scope1_t"], t["scope2_t"], t["scope3_t"])'; }
check "hand-checked totals: BASIC, BASIC+, scope 1, 2, 3" "$(totals "$P")" "1276533.0 1316533.0 1536533.0 640000.0 40000.0"
out=$(c2c city inventory check $P 2>&1); rc=$?
check "check exits 3 when BASIC rows are missing" "$rc" 3
echo "$out" | grep -q "26 BASIC rows neither filled nor keyed" && echo "$out" | grep -q "^I.2.1 " \
	&& ok "check names the missing BASIC rows" || bad "check output: $out"
c2c city inventory check $P --format json 2>/dev/null | py 'import json,sys; d=json.load(sys.stdin); assert d["basic_missing"]==26 and not d["basic_complete"]' \
	&& ok "check --format json" || bad "check --format json"

# --- bad input: refused, named, nothing stored ------------------------------------
before=$(c2c city inventory export $P | md5sum)
refuse() { # refuse NAME CSV-ROW EXPECTED-MESSAGE
	printf 'gpc_ref,notation_key,explanation,activity_value,activity_unit,ef_co2,ef_ch4,ef_n2o,ef_unit,ef_source\nI.1.2,,,1,MWh,1,,,t/MWh,x\n%s\n' "$2" >"$WORK/bad.csv"
	msg=$(c2c city inventory import "$WORK/bad.csv" $P 2>&1); rc=$?
	if [ "$rc" = 3 ] && echo "$msg" | grep -qF "$3"; then ok "refused: $1"; else bad "$1: exit $rc: $msg"; fi
}
refuse "unknown GPC number" "I.9.9,,,1,MWh,1,,,t/MWh,x" "row 3, column gpc_ref: 'I.9.9' is not a GPC reference number"
refuse "unit mismatch" "I.1.1,,,1,kL,1,,,kg/GJ,x" "row 3, column ef_unit: unit mismatch: the factor is per GJ (energy) but the activity is in kL (volume)"
refuse "negative activity" "I.1.1,,,-3,GJ,1,,,kg/GJ,x" "row 3, column activity_value: -3 is negative"
refuse "notation key with a value" "I.1.1,NE,not known,,,56,,,," "row 3, column ef_co2: the row has notation key NE and also '56'"
# issue 18 items 8 and 9: a row beyond what 64-bit kg can hold (llround overflowed to -9.2e15 t),
# and numbers a person did not mean (strtod reads 0x1p3 as 8, and inf, nan)
refuse "an activity of 1e300 times a factor of 1e300" "I.1.1,,,1e300,GJ,1e300,,,kg/GJ,x" "row 3, column activity_value: 1e300 GJ times ef_co2 1e300 comes to"
refuse "a row of 2e13 kg CO2" "I.1.1,,,2e10,GJ,1000,,,kg/GJ,x" "beyond the 1e+13 kg one row may hold"
refuse "a hex float activity" "I.1.1,,,0x1p3,GJ,1,,,kg/GJ,x" "row 3, column activity_value: '0x1p3' is not a number"
refuse "an explanation with ESC" "I.1.1,NE,$(printf 'a\033[2Jb'),,,,,,," "row 3, column explanation: the text has a control character U+001B"
refuse "an infinite factor" "I.1.1,,,1,GJ,inf,,,kg/GJ,x" "row 3, column ef_co2: 'inf' is not a number"
check "nothing stored by the refused imports" "$(c2c city inventory export $P | md5sum)" "$before"
c2c city inventory add $P --gpc-ref I.1.1 --notation-key C --explanation secret --activity-value 9 2>/dev/null
check "inventory add refuses a key with a value (exit 3)" "$?" 3
c2c city inventory add $P --gpc-ref I.3.1 --notation-key IE --explanation "in I.2.1" >/dev/null \
	&& ok "inventory add keys a row" || bad "inventory add"
c2c city inventory import "$HERE/city/inventory-example.csv" --place xx-nowhere-city --year 2022 --gwp AR5 2>/dev/null
check "an unknown place is refused (exit 4)" "$?" 4

# --- export / import round trips ----------------------------------------------------
c2c city inventory import "$HERE/city/inventory-example.csv" $P --gwp AR5 >/dev/null
c2c city inventory export $P >"$WORK/a.csv"
c2c city inventory import "$WORK/a.csv" --place vn-da-nang-city --year 2021 --gwp AR5 >/dev/null
c2c city inventory export --place vn-da-nang-city --year 2021 >"$WORK/b.csv"
check "CSV export -> import -> export is byte-identical" "$(md5sum <"$WORK/b.csv")" "$(md5sum <"$WORK/a.csv")"
check "the export has one row per GPC number" "$(wc -l <"$WORK/a.csv" | tr -d ' ')" 54

c2c city inventory export $P --format xlsx --output "$WORK/inv.xlsx" && ok "XLSX export" || bad "XLSX export"
# the same data a second later: the same bytes (rows_workbook_new fixes the
# workbook's "created" property), so an export can be compared by its hash
sleep 1.1
c2c city inventory export $P --format xlsx --output "$WORK/inv2.xlsx" >/dev/null
check "XLSX export written again a second later: the same bytes" "$(cmp "$WORK/inv.xlsx" "$WORK/inv2.xlsx" 2>&1 && echo same)" same
# read the workbook with python's zipfile + xml only: shared strings and the first sheet
cat >"$WORK/readx.py" <<'PY'
import sys, zipfile, re
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
sst = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        sst.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
rows = []
for r in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%s}row" % ns["m"]):
    cells = {}
    for c in r.findall("m:c", ns):
        col = re.match(r"[A-Z]+", c.get("r")).group(0)
        v = c.find("m:v", ns)
        val = v.text if v is not None else ""
        if c.get("t") == "s":
            val = sst[int(val)]
        cells[col] = val
    rows.append(cells)
hdr = rows[0]
col = {v: k for k, v in hdr.items()}
i11 = [r for r in rows if r.get("A") == "I.1.1"][0]
print(len(rows), i11[col["co2e_t"]], i11[col["ef_source"]])
PY
check "XLSX read back by python: rows, I.1.1 CO2e, its source" "$(python3 "$WORK/readx.py" "$WORK/inv.xlsx")" \
	"54 126533 IPCC 2006 vol. 2 Table 2.5 (LPG; residential)"
c2c city inventory import "$WORK/inv.xlsx" --place vn-da-nang-city --year 2020 --gwp AR5 >/dev/null \
	&& check "XLSX export -> import keeps the totals" "$(totals "--place vn-da-nang-city --year 2020")" "$(totals "$P")" \
	|| bad "XLSX import of our own export"

# an XLSX written by another program: inline and shared strings, numbers, phonetic runs
cat >"$WORK/mkx.py" <<'PY'
import sys, zipfile
ct = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
rels = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
wb = '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId7"/></sheets></workbook>'
wbrels = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>'
strings = ["gpc_ref", "activity_value", "activity_unit", "ef_co2", "ef_unit", "ef_source", "I.1.2", "MWh", "t/MWh"]
sst = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "".join("<si><t>%s</t></si>" % s for s in strings)
sst += '<si><r><t>電力会社</t></r><r><t> 2022</t></r><rPh sb="0" eb="4"><t>デンリョクガイシャ</t></rPh></si></sst>'
def c(ref, s=None, n=None, inline=None):
    if s is not None: return '<c r="%s" t="s"><v>%d</v></c>' % (ref, s)
    if inline is not None: return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, inline)
    return '<c r="%s"><v>%s</v></c>' % (ref, n)
rows = ['<row r="1">' + "".join(c("%s1" % "ABCDEF"[i], s=i) for i in range(6)) + '</row>',
        '<row r="2">' + c("A2", s=6) + c("B2", n="1000") + c("C2", s=7) + c("D2", n="0.5") + c("E2", s=8) + c("F2", s=9) + '</row>',
        '<row r="4">' + c("A4", inline="III.4.1") + '<c r="G4"/></row>']
sheet = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + "".join(rows) + '</sheetData></worksheet>'
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", ct); z.writestr("_rels/.rels", rels); z.writestr("xl/workbook.xml", wb)
    z.writestr("xl/_rels/workbook.xml.rels", wbrels); z.writestr("xl/sharedStrings.xml", sst); z.writestr("xl/worksheets/data.xml", sheet)
PY
python3 "$WORK/mkx.py" "$WORK/other.xlsx"
c2c city inventory import "$WORK/other.xlsx" --place vn-da-nang-city --year 2019 --gwp AR6 >/dev/null \
	&& ok "XLSX import of a workbook written elsewhere" || bad "XLSX import: $(c2c city inventory import "$WORK/other.xlsx" --place vn-da-nang-city --year 2019 --gwp AR6 2>&1)"
check "its row: 1000 MWh x 0.5 t/MWh, source without the furigana" \
	"$(c2c city inventory show --place vn-da-nang-city --year 2019 --format json | py 'import json,sys; d=json.load(sys.stdin); r=d["rows"][1]; print(d["totals"]["basic_t"], r["ef_source"])')" \
	"500.0 電力会社 2022"
printf 'not a zip' >"$WORK/fake.xlsx"
c2c city inventory import "$WORK/fake.xlsx" $P 2>/dev/null
check "a file that is not a workbook is refused (exit 3)" "$?" 3

# --- indicators ----------------------------------------------------------------------
check "22 Tianjin indicators" "$(c2c city indicators frameworks --format json | py 'import json,sys; print([f["indicators"] for f in json.load(sys.stdin) if f["id"]=="tianjin-eco-city"][0])')" 22
printf 'place_id,measure_id,year,value,source\ncn-tianjin-city,tj-10,2012,130,example\ncn-tianjin-city,tj-10,2013,110,example\ncn-tianjin-city,tj-22,2013,40,example\n' >"$WORK/obs.csv"
c2c city indicators import "$WORK/obs.csv" >/dev/null && ok "observations import" || bad "observations import"
c2c city indicators observe --place cn-tianjin-city --measure tj-13 --year 2013 --value 65 --source example >/dev/null \
	&& ok "indicators observe" || bad "indicators observe"
check "evaluation: met, not met, no data; the trend" \
	"$(c2c city indicators evaluate --place cn-tianjin-city --format json | py 'import json,sys; d=json.load(sys.stdin); s=d["summary"]; l={i["number"]: i for i in d["indicators"]}; print(s["met"], s["not_met"], s["no_data"], l[10]["status"], l[10]["lines"][0]["trend"], l[22]["status"])')" \
	"2 1 19 met improving not met"
c2c city indicators evaluate --place cn-tianjin-city >/dev/null 2>&1 && ok "evaluate as a table" || bad "evaluate as a table"
check "observations listed: place, measure, year, value, in order" \
	"$(c2c city indicators observations --place cn-tianjin-city --format json | py 'import json,sys; print(" ".join("%s/%s/%d/%g" % (o["name_en"], o["measure_id"], o["year"], o["value"]) for o in json.load(sys.stdin)))')" \
	"Tianjin/tj-10/2012/130 Tianjin/tj-10/2013/110 Tianjin/tj-13/2013/65 Tianjin/tj-22/2013/40"
check "observations of a place with none: an empty list" "$(c2c city indicators observations --place vn-da-nang-city --format json)" "[]"
check "observations as CSV: a header and four rows" "$(c2c city indicators observations --format csv | wc -l | tr -d ' ')" 5

# --- scenarios -------------------------------------------------------------------------
c2c city scenario add "$ROOT/data/city/scenario-example.json" >/dev/null && ok "scenario add" || bad "scenario add"
# scenario_totals [ARGS]: BaU, case, reduction and the parts of the worked run, as one line
scenario_totals() { c2c city scenario run example-iskandar-2030 --format json "$@" | py 'import json,sys; d=json.load(sys.stdin); t=d["totals"]; print(t["bau_t"], t["cm_t"], t["reduction_t"], " ".join("%g" % m["reduction_t"] for m in d["measures"]))'; }
check "scenario run (Shapley): BaU, case, reduction, parts" "$(scenario_totals)" "549500.0 352350.0 197150.0 139500 22500 15600 17550 2000"
check "scenario run (sequential)" "$(scenario_totals --attribution sequential)" "549500.0 352350.0 197150.0 147000 15000 15600 17550 2000"
c2c city scenario run example-iskandar-2030 2>/dev/null | grep -q "^residential  I.1" && ok "scenario run prints sectors" || bad "scenario run table"
# a project that displaces grid electricity is worth the case's grid factor: 5000 MWh at
# 0.72 t/MWh alone (3600 t), at 0.36 once solar halves the factor (1800 t); Shapley shares
# that 1800 t overlap with solar (2700 and 139500 - 900), the listed order gives it to solar
# (issue 19: a fixed cut in tonnes kept all its tonnes and counted the overlap twice)
py "import json; d=json.load(open('$ROOT/data/city/scenario-example.json')); d['id']='displaced'; d['measures'][4]['changes']=[{'type':'displace','sector':'commercial','fuel':'electricity','mwh':5000}]; json.dump(d, open('$WORK/disp.json', 'w'))"
c2c city scenario add "$WORK/disp.json" >/dev/null && ok "a scenario with a displacement" || bad "displace: $(c2c city scenario add "$WORK/disp.json" 2>&1)"
disp_totals() { c2c city scenario run displaced --format json "$@" | py 'import json,sys; d=json.load(sys.stdin); t=d["totals"]; print(t["bau_t"], t["cm_t"], t["reduction_t"], " ".join("%g" % m["reduction_t"] for m in d["measures"]))'; }
check "displacement (Shapley): the overlap with solar shared" "$(disp_totals)" "549500.0 352550.0 196950.0 138600 22500 15600 17550 2700"
check "displacement (sequential): listed after solar, it gets the rest" "$(disp_totals --attribution sequential)" "549500.0 352550.0 196950.0 147000 15000 15600 17550 1800"
# the case of every subset does not depend on the order the measures are listed in: the
# same measures listed backwards get the same Shapley parts (two efficiencies of one
# technology: the higher counts, whichever comes first)
py "import json; d=json.load(open('$WORK/disp.json')); d['id']='displaced-rev'; d['measures'].append({'id':'more-efficient','kind':'efficiency','changes':[{'type':'efficiency','sector':'commercial','tech':'electric','value':1.1}]}); json.dump(d, open('$WORK/fwd.json', 'w')); d['id']='displaced-bwd'; d['measures'].reverse(); json.dump(d, open('$WORK/bwd.json', 'w'))"
c2c city scenario add "$WORK/fwd.json" >/dev/null && c2c city scenario add "$WORK/bwd.json" >/dev/null && ok "the same measures listed both ways" || bad "order scenarios"
parts() { c2c city scenario run "$1" --format json | py 'import json,sys; d=json.load(sys.stdin); print(d["totals"]["reduction_t"], sorted((m["measure"], m["reduction_t"]) for m in d["measures"]))'; }
check "Shapley parts do not depend on the listed order" "$(parts displaced-rev)" "$(parts displaced-bwd)"
check "... and the weaker efficiency adds nothing to the case beside the stronger" "$(parts displaced-rev | cut -d' ' -f1)" "196950.0"
# what would make the order matter is refused, naming the place
py "import json; d=json.load(open('$ROOT/data/city/scenario-example.json')); d['id']='twice'; d['measures'].append({'id':'more-compost','kind':'waste','changes':[{'type':'share','sector':'waste','from':'landfill','to':'compost','points':0.6}]}); json.dump(d, open('$WORK/twice.json', 'w'))"
run "shares moved out twice beyond what the technology has" 3 "$BIN" city scenario add "$WORK/twice.json"
has "it says the order would decide" "$WORK/err" "measures[5].changes[0]: the measures together move more share out of this technology than the base year gives it"
py "import json; d=json.load(open('$ROOT/data/city/scenario-example.json')); d['id']='ef-twice'; d['measures'] += [{'id':'lpg-a','kind':'fuel_switch','changes':[{'type':'fuel_ef','fuel':'lpg','value':0.05}]},{'id':'lpg-b','kind':'fuel_switch','changes':[{'type':'fuel_ef','fuel':'lpg','value':0.04}]}]; json.dump(d, open('$WORK/ef.json', 'w'))"
run "one fuel's factor set by two measures" 3 "$BIN" city scenario add "$WORK/ef.json"
has "it says keep it in one" "$WORK/err" "another measure sets this fuel's factor too"
# drivers and values each within their bounds that multiply past what a scenario may hold
# (10^15 households x 10^12 GJ x 10^6 t/GJ at an efficiency of 10^-9): refused, naming the
# sector, and nothing stored (a figure to the kg would pass a 64-bit integer)
py "import json; d=json.load(open('$ROOT/data/city/scenario-example.json')); d['id']='huge'; d['drivers'][0].update(base=1, target=1e15); d['sectors'][0]['intensity']=1e12; d['fuels'][1]['ef']=1e6; d['sectors'][0]['techs'][0]['efficiency']=1e-9; json.dump(d, open('$WORK/huge.json', 'w'))"
run "a scenario beyond 10^12 t is refused" 3 "$BIN" city scenario add "$WORK/huge.json"
has "it names the sector and the bound" "$WORK/err" "scenario huge: sector residential, base year"
check "nothing stored" "$(c2c city scenario list --format json | py 'import json,sys; print([s["id"] for s in json.load(sys.stdin) if s["id"] == "huge"])')" "[]"
c2c city scenario link example-iskandar-2030 --measure study --project pj-nowhere --sector waste --reduction-t 10 2>/dev/null
check "link refuses a project the atlas does not have (exit 3)" "$?" 3
c2c city scenario link example-iskandar-2030 --measure study --project pj-iskandar-decarbonisation-study-2021 --sector waste --reduction-t 50 >/dev/null \
	&& check "a linked project counts as a measure" "$(scenario_totals | cut -d' ' -f3)" 197200.0 || bad "scenario link"
# a project's MRV-verified reductions as a measure: the ER of its approved
# reports over the days they cover, times 365 (KH_AM002: MWh x EF_RE)
c2c mrv project add --id KH009 --host KH --methodology KH_AM002 --param EF_RE=0.5 --title "PV" --participants "A Co." >/dev/null
printf 'meter_id,timestamp,value\nPV1,2024-01-15T00:00:00Z,1000\n' >"$WORK/h1.csv"
printf 'meter_id,timestamp,value\nPV1,2024-08-01T00:00:00Z,460\n' >"$WORK/h2.csv"
printf 'meter_id,timestamp,value\nPV1,2024-06-10T00:00:00Z,10\n' >"$WORK/h3.csv"
c2c mrv report submit --project KH009 --data "$WORK/h1.csv" --from 2024-01-01 --to 2024-06-30 >/dev/null &&
	c2c mrv report submit --project KH009 --data "$WORK/h2.csv" --from 2024-07-01 --to 2024-12-31 >/dev/null &&
	ok "two monitoring reports submitted" || bad "mrv report submit"
link_pv() { c2c city scenario link example-iskandar-2030 --measure pv --project pj-iskandar-decarbonisation-study-2021 --sector residential "$@"; }
link_pv --mrv-project KH009 2>"$WORK/err" >/dev/null
check "an MRV project with no approved report is refused (exit 4)" "$?" 4
grep -q "KH009 has no approved monitoring report" "$WORK/err" && ok "and the message says so" || bad "message: $(cat "$WORK/err")"
link_pv --mrv-project KH999 2>/dev/null >/dev/null
check "an unknown MRV project is refused (exit 4)" "$?" 4
link_pv --mrv-project KH009 --reduction-t 5 2>/dev/null >/dev/null
check "--reduction-t and --mrv-project together are a usage error" "$?" 2
c2c mrv report verify 1 --approve --comment ok >/dev/null
# 500 t over 2024-01-01..06-30 (182 days): 500 x 365 / 182 = 1002.747 t a year
check "linked from one approved report: the yearly rate" "$(link_pv --mrv-project KH009 --format json | py 'import json,sys; d=json.load(sys.stdin); print(d["reduction_t"], d["basis"])')" \
	"1002.747 MRV-verified: 1 approved report of KH009, 2024-01-01..2024-06-30 (182 days, ER 500 t)"
check "the run counts it" "$(scenario_totals | cut -d' ' -f3)" 198202.747
c2c mrv report verify 2 --approve --comment ok >/dev/null
# 500 + 230 t over the whole of 2024 (366 days): 730 x 365 / 366 = 728.005 t a year
link_pv --mrv-project KH009 >/dev/null
check "linked again after a second approval: replaced, not added" "$(scenario_totals | cut -d' ' -f3)" 197928.005
check "the run names the basis" "$(c2c city scenario run example-iskandar-2030 --format json | py 'import json,sys; print([m["basis"] for m in json.load(sys.stdin)["measures"] if m["measure"] == "pv"])')" \
	"['MRV-verified: 2 approved reports of KH009, 2024-01-01..2024-12-31 (366 days, ER 730 t)']"
# a report overlapping an approved one is refused when it is approved (mrv),
# so the yearly rate never sees two approved reports cover the same days
c2c mrv report submit --project KH009 --data "$WORK/h3.csv" --from 2024-06-01 --to 2024-06-30 >/dev/null
c2c mrv report verify 3 --approve --comment ok 2>"$WORK/err" >/dev/null
check "approving a report that overlaps an approved one is refused (exit 5)" "$?" 5
grep -q "report 3 (2024-06-01..2024-06-30) overlaps approved report 1 (2024-01-01..2024-06-30)" "$WORK/err" &&
	ok "naming the two reports" || bad "message: $(cat "$WORK/err")"
link_pv --mrv-project KH009 >/dev/null
check "and the measure is as it was" "$(scenario_totals | cut -d' ' -f3)" 197928.005
c2c city scenario add "$ROOT/data/city/scenario-example.json" 2>/dev/null
check "adding the same scenario twice is a conflict (exit 5)" "$?" 5
check "help lists city" "$(c2c help | grep -c '^  city ')" 1
# a file that cannot be opened: an I/O error, not a release of a buffer never made
run "observations import of a missing file" 6 c2c city indicators import "$WORK/none.csv"
has "names the file" "$WORK/err" "none.csv: cannot open"
run "framework import of a missing file" 6 c2c city indicators import-framework "$WORK/none.csv" "$WORK/none2.csv"

# --- a partner city's writes over HTTP (issue 15) --------------------------------
# its own place only; every write audited in its own transaction; a bad
# upload lists each bad row and column and stores nothing
run "inventory delete of a row that is not there (exit 4)" 4 c2c city inventory delete $P --gpc-ref I.4.1
c2c city inventory delete $P --gpc-ref I.1.3 >/dev/null && ok "inventory delete" || bad "inventory delete"
check "the deleted row is gone from BASIC+" "$(c2c city inventory show $P --format json | py 'import json,sys; print(json.load(sys.stdin)["totals"]["basic_plus_t"])')" 1276533.0
c2c city inventory import "$HERE/city/inventory-example.csv" $P >/dev/null
echo "pass-danang-0123" | c2c user add danang --role partner --scope vn-da-nang-city >/dev/null
# the token is random and the server's start line names its port: both by
# the real binary, outside tests/pg.sh's record of what the backends print
RECORDED_BIN=$BIN
BIN=${C2C_RECORD_BIN:-$BIN}
TOK=$("$BIN" user token add danang --label tests 2>/dev/null | sed 's/token .tests. of.*//' | tr -d '\n')
. "$HERE/lib/serve.sh"
serve_start city
started=$?
BIN=$RECORDED_BIN
if [ "$started" -eq 0 ]; then
	post() { # post PATH JSON: the reply in $WORK/body, the status printed
		curl -s -o "$WORK/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" \
			-H 'Content-Type: application/json' --data-binary "$2" "$URL/api/v1/$1"
	}
	jq1() { py "import json; d=json.load(open('$WORK/body')); print($1)"; }
	DN='"place":"vn-da-nang-city","year":2023'
	audits() { db_rows http_audit | wc -l; }
	check "a row of a new inventory" "$(post city/inventory/rows "{$DN,\"gwp\":\"AR6\",\"gpc_ref\":\"I.1.2\",\"activity_value\":\"1000\",\"activity_unit\":\"MWh\",\"ef_co2\":0.5,\"ef_unit\":\"t/MWh\",\"ef_source\":\"grid 2023\"}")" 200
	check "its CO2e computed" "$(jq1 '[r["co2e_t"] for r in d["rows"] if r["gpc_ref"]=="I.1.2"][0]')" 500.0
	check "the row corrected (replaced)" "$(post city/inventory/rows "{$DN,\"gpc_ref\":\"I.1.2\",\"activity_value\":2000,\"activity_unit\":\"MWh\",\"ef_co2\":0.5,\"ef_unit\":\"t/MWh\",\"ef_source\":\"grid 2023\"}")" 200
	check "BASIC total after the correction" "$(jq1 'd["totals"]["basic_t"]')" 1000.0
	check "a bad number refused (422)" "$(post city/inventory/rows "{$DN,\"gpc_ref\":\"I.1.1\",\"activity_value\":\"lots\",\"activity_unit\":\"MWh\",\"ef_co2\":1,\"ef_unit\":\"t/MWh\",\"ef_source\":\"x\"}")" 422
	check "at its field" "$(jq1 'd["error"]["field"]')" activity_value
	check "a key without its explanation refused at its field" "$(post city/inventory/rows "{$DN,\"gpc_ref\":\"I.1.1\",\"notation_key\":\"NO\"}"; jq1 'd["error"]["field"]')" "422explanation"
	check "another city's place refused (403)" "$(post city/inventory/rows "{\"place\":\"my-iskandar-region\",\"year\":2023,\"gwp\":\"AR6\",\"gpc_ref\":\"I.1.1\",\"notation_key\":\"NO\",\"explanation\":\"x\"}")" 403
	check "nothing stored there" "$(c2c city inventory list --format json | py 'import json,sys; print(sum(i["place_id"]=="my-iskandar-region" for i in json.load(sys.stdin)))')" 0
	check "a row deleted" "$(post city/inventory/rows/delete "{$DN,\"gpc_ref\":\"I.1.2\"}")" 200
	check "and gone" "$(jq1 'd["totals"]["rows_filled"]')" 0
	before=$(c2c city inventory export --place vn-da-nang-city --year 2022 | md5sum)
	n0=$(audits)
	bad_csv='gpc_ref,activity_value,activity_unit,ef_co2,ef_unit,ef_source\nI.1.1,abc,MWh,1,t/MWh,x\nI.1.2,5,MWh,1,t/MWh,x\nI.1.3,5,MWh,1,kg/kL,x\n'
	check "an upload with two bad rows refused (422)" "$(post city/inventory/upload "{\"place\":\"vn-da-nang-city\",\"year\":2022,\"file_name\":\"mine.csv\",\"csv\":\"$bad_csv\"}")" 422
	check "both named by row and column" "$(jq1 'd["error"]["detail"]')" "mine.csv: row 2, column activity_value: 'abc' is not a number
mine.csv: row 4, column ef_unit: unit mismatch: the factor is per kL (volume) but the activity is in MWh (energy)"
	check "the refusal says nothing was stored, about the file" "$(jq1 'd["error"]["message"], d["error"]["field"]')" "mine.csv: 2 rows with mistakes; nothing was stored file"
	check "nothing stored by the bad upload" "$(c2c city inventory export --place vn-da-nang-city --year 2022 | md5sum)" "$before"
	check "and no audit row for it" "$(audits)" "$n0"
	good=$(py "import json; print(json.dumps(open('$HERE/city/inventory-example.csv').read()))")
	check "a good CSV upload" "$(post city/inventory/upload "{$DN,\"gwp\":\"AR5\",\"csv\":$good}")" 200
	check "its totals" "$(jq1 'd["totals"]["basic_t"], d["totals"]["basic_rows_missing"]')" "1276533.0 26"
	c2c city inventory export $P --format xlsx --output "$WORK/up.xlsx" >/dev/null
	x64=$(py "import base64; print(base64.b64encode(open('$WORK/up.xlsx','rb').read()).decode())")
	check "an XLSX upload" "$(post city/inventory/upload "{\"place\":\"vn-da-nang-city\",\"year\":2024,\"gwp\":\"AR5\",\"file_name\":\"up.xlsx\",\"xlsx_base64\":\"$x64\"}")" 200
	check "the same totals as the CSV" "$(jq1 'd["totals"]["basic_plus_t"]')" 1316533.0
	check "each write audited" "$(audits)" "$((n0 + 2))"
	scn() { # scn TARGET REPLACE: the example as Da Nang's dn-2030, two measures, the first driver's target
		py "import json; d=json.load(open('$ROOT/data/city/scenario-example.json')); d['id']='dn-2030'; d['place_id']='vn-da-nang-city'; d['measures']=d['measures'][:2]; d['drivers'][0]['target']=$1; print(json.dumps({'document': d, 'replace': $2}))"
	}
	check "a scenario stored" "$(post city/scenarios "$(scn 120000 0)")" 200
	check "stored again without replace: a conflict" "$(post city/scenarios "$(scn 120000 0)")" 409
	check "its BaU edited (replace)" "$(post city/scenarios "$(scn 150000 1)")" 200
	check "the stored driver" "$(c2c city scenario show dn-2030 --format json | py 'import json,sys; print(json.load(sys.stdin)["drivers"][0]["target"])')" 150000
	iskandar=$(py "import json; print(json.dumps({'document': json.load(open('$ROOT/data/city/scenario-example.json')), 'replace': 1}))")
	check "another city's scenario is not replaced (403)" "$(post city/scenarios "$iskandar")" 403
	check "a project linked as a measure" "$(post city/scenarios/dn-2030/link '{"measure":"study","project":"pj-iskandar-decarbonisation-study-2021","sector":"waste","reduction_t":40}')" 200
	check "another city's scenario is not linked to (403)" "$(post city/scenarios/example-iskandar-2030/link '{"measure":"x","project":"pj-iskandar-decarbonisation-study-2021","sector":"waste","reduction_t":1}')" 403
	kill "$PID"
	wait "$PID" 2>/dev/null
fi

echo "city: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
