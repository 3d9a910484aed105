#!/bin/sh
# mrv.sh - the MRV commands through the real binary: the issue's example
# command, every monitoring-data error with its message, --max-errors,
# nothing stored from a bad file, a verification round trip (approve, and
# a refusal when the data file changed), the XLSX export read back,
# registry issuance from an approved report (refused from an unapproved one),
# and per-unit parameter values (hand-computed, every error, a project's
# report with them, verified and exported).
# A project linked to its atlas project: the link's refusals, reports named
# by the atlas id or the JCM reference, an overlapping approval refused, the
# issuance into the host's registry once per report, a historical one
# verified outside c2c, and tampering that `registry verify` must catch.
# usage: tests/mrv.sh BUILD_DIR; last line "mrv: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
TESTS="$(cd "$(dirname "$0")" && pwd)"
. "$(dirname "$0")/lib/db.sh"
test_db m.db
. "$(dirname "$0")/lib/assert.sh"
json() { python3 -c "import json,sys; d=json.load(open('$WORK/out')); v=($1,); print(v[0] if len(v) == 1 else v)"; }
cd "$WORK"

"$BIN" init >/dev/null 2>&1 || bad "init"

# --- methodologies -------------------------------------------------------------
run "methodologies" 0 "$BIN" mrv methodologies --format json
NMETH=$(ls "$TESTS"/../data/mrv/*.meth | wc -l)
check "one implementation per file of data/mrv, the four old families among them" "$(json "len(d), len({'solar_pv', 'chiller', 'led_lighting', 'boiler'} & set(m['family'] for m in d))")" "($NMETH, 4)"
run "show by a shared reference number" 0 "$BIN" mrv show TH_AM001 --format json
check "TH_AM001 is the solar PV entry" "$(json "d['id'], [p['symbol'] for p in d['parameters']]")" "('KH_AM002', ['EG', 'EF_RE'])"
run "show unknown" 4 "$BIN" mrv show XX_AM001
has "show unknown names it" "$WORK/err" "methodology 'XX_AM001' is not known"

# --- a methodology added as a file, without C ----------------------------------------
mkdir "$WORK/meth"
cat > "$WORK/meth/XX_AM001.meth" <<'EOF'
# made up for this test: no JCM document (line 1; formula RE_i is line 23)
id: XX_AM001
countries: XX
title: A test methodology
source: tests/mrv.sh (made up for the test)
param EC
  description: electricity of the project
  unit: MWh
  kind: monitored
  source: test
param EF
  description: emission factor
  unit: tCO2/MWh
  kind: methodology
  default: 0.5
  source: test
param RATIO
  description: efficiency ratio of reference to project
  unit: -
  kind: project
  unconfirmed: the test says so
  source: test
formula RE_i = EC * EF * RATIO
formula RE = min(RE_i, EC * EF * 2)
formula PE = EC * EF
EOF
run "check a methodology file" 0 "$BIN" mrv check "$WORK/meth/XX_AM001.meth"
has "check says it reads" "$WORK/out" "XX_AM001 reads: 3 parameters, 3 formulas"
export C2C_MRV_DIR="$WORK/meth"
run "the added methodology is listed" 0 "$BIN" mrv methodologies --format json
check "listed with its country and its unconfirmed mark" "$(json "[(m['countries'], m['unconfirmed']) for m in d if m['id'] == 'XX_AM001']")" "[(['XX'], 1)]"
# RE_i = 10 x 0.5 x 1.5 = 7.5, below the cap 10 x 0.5 x 2 = 10; PE = 5; ER = 2.5 -> 2
run "compute with the added methodology" 0 "$BIN" mrv compute --methodology XX_AM001 --param EC=10 --param RATIO=1.5 --from 2024-01-01 --to 2024-01-31 --format json
check "its RE, PE and ER" "$(json "d['re_tco2e'], d['pe_tco2e'], d['er_tco2e']")" "(7.5, 5.0, 2)"
check "each formula's value, as the report sheet lists them" "$(json "[(c['symbol'], c['value'], c['unit']) for c in d['calculation']]")" "[('RE_i', '7.5', 'tCO2'), ('RE', '7.5', 'tCO2'), ('PE', '5', 'tCO2')]"
run "the cap of min() applies" 0 "$BIN" mrv compute --methodology XX_AM001 --param EC=10 --param RATIO=3 --from 2024-01-01 --to 2024-01-31 --format json
check "RE capped at 10" "$(json "d['re_tco2e']")" "10.0"
run "show marks what is unconfirmed" 0 "$BIN" mrv show XX_AM001
has "show: the unconfirmed parameter" "$WORK/out" "UNCONFIRMED RATIO: the test says so"
bad_meth() { # NAME SED-EXPRESSION EXPECTED-MESSAGE
	sed "$2" "$WORK/meth/XX_AM001.meth" > "$WORK/bad.meth"
	run "refused: $1" 3 "$BIN" mrv check "$WORK/bad.meth"
	has "refused with file and line: $1" "$WORK/err" "$3"
}
bad_meth "unknown parameter" 's/= EC \* EF \* RATIO/= EC * EF * RATIO2/' "bad.meth:23: unknown parameter RATIO2"
bad_meth "unit mismatch" 's/EC \* EF \* 2/EC * 2/' "bad.meth:24: unit mismatch: min(tCO2, MWh)"
bad_meth "PE not in tonnes" 's/^formula PE = EC \* EF/formula PE = EC/' "bad.meth:25: unit mismatch: PE is in MWh, not in tCO2"
bad_meth "formula does not parse" 's/^formula PE = EC \* EF/formula PE = EC * (EF/' "bad.meth:25: ')' expected"
bad_meth "unknown field" 's/^countries:/country:/' "bad.meth:3: unknown field 'country'"
bad_meth "a unit that does not read" 's|tCO2/MWh|tCO2//MWh|' "bad.meth:13: unit 'tCO2//MWh' does not read"
bad_meth "default of an unconfirmed parameter" 's/^  unconfirmed: the test says so/  unconfirmed: x\n  default: 1/' "bad.meth:17: parameter RATIO: a default whose source is unconfirmed"
cp "$WORK/bad.meth" "$WORK/meth/YY.meth"
run "a bad file in C2C_MRV_DIR stops mrv commands" 3 "$BIN" mrv methodologies
has "and names file and line" "$WORK/err" "meth/YY.meth:17: parameter RATIO"
run "a bad file in C2C_MRV_DIR stops the server before it listens" 3 "$BIN" serve --port 1
has "the server names file and line" "$WORK/err" "meth/YY.meth:17: parameter RATIO"
rm "$WORK/meth/YY.meth"
sed 's/^id: XX_AM001/id: KH_AM002/' "$WORK/meth/XX_AM001.meth" > "$WORK/meth/ZZ.meth"
run "a reference number twice" 3 "$BIN" mrv show KH_AM002
has "names both files" "$WORK/err" "ZZ.meth: KH_AM002 is already KH_AM002's, from data/mrv/KH_AM002.meth"
rm "$WORK/meth/ZZ.meth"
unset C2C_MRV_DIR

# --- the example of the issue -------------------------------------------------------
{
	echo "meter_id,timestamp,value"
	for m in PV1 PV2; do
		for mo in 01 02 03 04 05 06 07 08 09 10 11 12; do
			echo "$m,2024-$mo-01T00:00:00+07:00,100.5"
		done
	done
	echo "PV1,2025-01-01T00:00:00Z,999"
} >pv.csv
run "issue example" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=0.533 --data pv.csv --from 2024-01-01 --to 2024-12-31 --format json
# 2024-01-01T00:00+07:00 is 2023-12-31T17:00Z: outside; 11 x 2 x 100.5 = 2211 MWh x 0.533 = 1178.463
check "example: ER, exact, RE, PE" "$(json "d['er_tco2e'], d['er_exact_tco2e'], d['re_tco2e'], d['pe_tco2e']")" "(1178, 1178.463, 1178.463, 0.0)"
check "example: per meter rows, sum, first, last" "$(json "[(m['meter_id'], m['rows'], m['sum'], m['first'], m['last']) for m in d['meters']][0]")" \
	"('PV1', 11, 1105.5, '2024-01-31T17:00:00Z', '2024-11-30T17:00:00Z')"
check "example: skipped rows warned" "$(json "d['warnings'][0]")" "3 rows outside the period 2024-01-01 to 2024-12-31 skipped"
run "table output" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=0.533 --data pv.csv --from 2024-01-01 --to 2024-12-31
has "table shows ER" "$WORK/out" "ER_p = 1178 tCO2e (exact 1178.463, rounded down)"
run "no progress when stderr is not a terminal" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=0.533 --data pv.csv --from 2024-01-01 --to 2024-12-31
check "no progress line" "$(grep -c 'MB/s' "$WORK/err")" 0

# --- VN_AM003: two monitored parameters, intermediate formulas ----------------------------
printf 'meter_id,timestamp,value\nAC-1,2024-01-01T00:00:00Z,100\nAC-2,2024-01-01T00:00:00Z,50\n' > vn.csv
# by hand: RE_elec = 150 MWh x 5/4 x 0.5 = 93.75; RE_fuel = 200 GJ (AC-2 only) x 5/4 x 0.056 = 14;
# PE = 75 + 11.2 = 86.2; ER = 21.55 -> 21
run "VN_AM003 with per-meter fuel" 0 "$BIN" mrv compute --methodology VN_AM003 --data vn.csv --param FC_PJ=0 --param FC_PJ@AC-2=200 --param ETA_PJ=5 --param ETA_RE=4 --param EF_elec=0.5 --param EF_fuel=0.056 --from 2024-01-01 --to 2024-01-31 --format json
check "VN_AM003: each step and ER" "$(json "[(c['symbol'], c['value']) for c in d['calculation']], d['er_tco2e']")" "([('RE_elec', '93.75'), ('RE_fuel', '14'), ('RE', '107.75'), ('PE_elec', '75'), ('PE_fuel', '11.2'), ('PE', '86.2')], 21)"
run "VN_AM003 without its second monitored value" 2 "$BIN" mrv compute --methodology VN_AM003 --data vn.csv --param ETA_PJ=5 --param ETA_RE=4 --param EF_elec=0.5 --param EF_fuel=0.056 --from 2024-01-01 --to 2024-01-31
has "names the monitored value to give" "$WORK/err" "FC_PJ (fossil fuel consumption"
run "show TH_AM016 prints its own title" 0 "$BIN" mrv show TH_AM016 --format json
check "TH_AM016 title and country" "$(json "d['title'], d['countries']")" "('Introduction of high energy efficient and high colour rendering LED downlight/spotlight in indoor facilities', ['TH'])"

# --- TH_AM009: heat and gas as monitored totals beside the electricity data -----------------
printf 'meter_id,timestamp,value\nCGS-E,2024-01-01T00:00:00Z,200\n' > cgs.csv
# by hand: RE_elec = 200 MWh x 0.5 = 100; RE_heat = 1000 GJ / 0.8 x 0.056 = 70; RE = 170;
# PE = 20000 Nm3 x 0.036 GJ/Nm3 x 0.0561 = 40.392; ER = 129.608 -> 129
TH9="--methodology TH_AM009 --param HEAT=1000 --param FC=20000 --param EF_elec=0.5 --param ETA_BL=0.8 --param EF_BL=0.056 --param NCV_gas=0.036 --param EF_gas=0.0561 --from 2024-01-01 --to 2024-01-31"
run "TH_AM009 with one electricity meter" 0 "$BIN" mrv compute $TH9 --data cgs.csv --format json
check "TH_AM009: each step and ER" "$(json "[(c['symbol'], c['value']) for c in d['calculation']], d['er_tco2e']")" "([('RE_elec', '100'), ('RE_heat', '70'), ('RE', '170'), ('PE', '40.392')], 129)"
printf 'CGS-F,2024-01-01T00:00:00Z,50\n' >> cgs.csv
run "a monitored total with two meters" 2 "$BIN" mrv compute $TH9 --data cgs.csv
has "would be counted once per meter" "$WORK/err" "HEAT is monitored and the data has 2 meters: a project-wide HEAT would be counted once per meter"

# --- monitored values given for the period, with their unit (--value) ---------------------
# the same TH_AM009 figures as above, heat and gas given as values rather than --param
printf 'meter_id,timestamp,value\nCGS-E,2024-01-01T00:00:00Z,200\n' > cgs1.csv
TH9V="--methodology TH_AM009 --param EF_elec=0.5 --param ETA_BL=0.8 --param EF_BL=0.056 --param NCV_gas=0.036 --param EF_gas=0.0561 --from 2024-01-01 --to 2024-01-31"
run "--value: heat and gas with their units" 0 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1000 GJ" --value FC=20000Nm3 --format json
check "--value: each step and ER as by hand" "$(json "[(c['symbol'], c['value']) for c in d['calculation']], d['er_tco2e'], [(p['symbol'], p['origin']) for p in d['parameters'] if p['symbol'] in ('HEAT', 'FC')]")" "([('RE_elec', '100'), ('RE_heat', '70'), ('RE', '170'), ('PE', '40.392')], 129, [('HEAT', 'value'), ('FC', 'value')])"
run "--value: a wrong unit" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1000 GJ" --value "FC=20000 m3"
has "--value: the wrong unit names the parameter and its unit" "$WORK/err" "FC=20000 m3: FC is in Nm3, not m3"
run "--value: no unit" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1000" --value "FC=20000 Nm3"
has "--value: the missing unit is named" "$WORK/err" "--value HEAT=1000: the unit is missing"
run "--value: one monitored value missing" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1000 GJ"
has "--value: the missing one is named with its unit" "$WORK/err" "FC (gas fuel consumed by the CGS in period p; with several electricity meters, give it per meter, Nm3) is monitored and has no value for the period: give --value FC=VALUE Nm3"
run "--value: not a decimal" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1e3 GJ" --value "FC=20000 Nm3"
has "--value: a number with an exponent is refused" "$WORK/err" "HEAT=1 e3 GJ: HEAT is in GJ, not e3 GJ"
run "--value: a fixed parameter" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1000 GJ" --value "FC=20000 Nm3" --value "EF_gas=0.06 tCO2/GJ"
has "--value: a fixed parameter is not monitored" "$WORK/err" "EF_gas: EF_gas is fixed ex ante, not monitored"
run "--value: the data's parameter" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "EL=5 MWh" --value "HEAT=1000 GJ" --value "FC=20000 Nm3"
has "--value: the data's parameter comes from the data" "$WORK/err" "EL: EL comes from the data file"
run "--value: given twice" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1000 GJ" --value "HEAT=1 GJ" --value "FC=20000 Nm3"
has "--value: twice is named" "$WORK/err" "HEAT is given twice"
# a unit's fuel for a meter the data does not have would be dropped from PE: refused
run "--value: a unit the formulas do not run over" 2 "$BIN" mrv compute $TH9V --data cgs1.csv --value "HEAT=1000 GJ" --value "FC=0 Nm3" --value "FC@CGS-X=20000 Nm3"
has "--value: the dropped unit is named" "$WORK/err" "FC@CGS-X: unit CGS-X has no EL in the period, so its monitored FC would not be counted"
# every monitored value per unit, no data file: two systems, one in kWh
# by hand: CGS-1 as above (129.608); CGS-2 100000 kWh = 100 MWh x 0.5 = 50, no heat, no gas: ER 179.608 -> 179
run "--value: every value per unit, kWh converted" 0 "$BIN" mrv compute $TH9V --value "EL@CGS-1=200 MWh" --value "EL@CGS-2=100000 kWh" --value "HEAT@CGS-1=1000 GJ" --value "HEAT@CGS-2=0 GJ" --value "FC@CGS-1=20000 Nm3" --value "FC@CGS-2=0 Nm3" --format json
check "--value: per unit, ER and the units" "$(json "d['er_tco2e'], d['er_exact_tco2e'], [m['meter_id'] for m in d['meters']]")" "(179, 179.608, ['CGS-1', 'CGS-2'])"
run "--value: kWh that needs a seventh decimal of MWh" 2 "$BIN" mrv compute $TH9V --value "EL=0.0005 kWh" --value "HEAT=0 GJ" --value "FC=0 Nm3"
has "--value: the conversion is exact or refused" "$WORK/err" "EL=0.0005 kWh is MWh with more than 6 decimals: give it in MWh"
run "--value on a command that takes none" 2 "$BIN" mrv project list --value "FC=1 Nm3"

# --- the rounding edge, by --param, every family ------------------------------------------
run "ER exactly 100 t" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=0.5 --param EG=200 --from 2024-01-01 --to 2024-12-31 --format json
check "100.000000 -> 100" "$(json "d['er_tco2e']")" 100
run "ER a millionth under 100 t" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=0.5 --param EG=199.999998 --from 2024-01-01 --to 2024-12-31 --format json
check "99.999999 -> 99" "$(json "d['er_tco2e'], d['er_exact_tco2e']")" "(99, 99.999999)"
run "chiller" 0 "$BIN" mrv compute --methodology ID_AM002 --param EC_PJ=347.2 --param COP_PJ=6.2 --param COP_RE=5.0 --param EF_elec=0.8 --from 2024-01-01 --to 2024-12-31 --format json
check "chiller ER" "$(json "d['re_tco2e'], d['pe_tco2e'], d['er_tco2e']")" "(344.4224, 277.76, 66)"
run "LED" 0 "$BIN" mrv compute --methodology TH_AM016 --param EC_PJ=100 --param ETA_PJ=120 --param ETA_RE=60 --param EF_elec=0.7 --from 2024-01-01 --to 2024-12-31 --format json
check "LED ER" "$(json "d['er_tco2e']")" 70
run "boiler" 0 "$BIN" mrv compute --methodology BOILER --param FC_PJ=1 --param NCV=1 --param EF_fuel=1 --param ETA_PJ=2 --param ETA_RE=1 --from 2024-01-01 --to 2024-12-31 --format json
check "boiler ER" "$(json "d['er_tco2e']")" 1
run "kWh converted" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=0.533 --data pv.csv --unit kWh --from 2024-01-01 --to 2024-12-31 --format json
check "kWh: 2211 kWh = 2.211 MWh" "$(json "d['er_exact_tco2e']")" 1.178463

# --- usage errors ----------------------------------------------------------------------
run "missing EF_RE" 2 "$BIN" mrv compute --methodology KH_AM002 --data pv.csv --from 2024-01-01 --to 2024-12-31
has "missing EF_RE named" "$WORK/err" "parameter EF_RE is required"
run "unknown param" 2 "$BIN" mrv compute --methodology KH_AM002 --param XX=1 --param EF_RE=1 --data pv.csv --from 2024-01-01 --to 2024-12-31
has "unknown param named" "$WORK/err" "KH_AM002 has no such parameter (it has EG, EF_RE)"
run "bad unit" 2 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data pv.csv --unit GJ --from 2024-01-01 --to 2024-12-31
has "bad unit named" "$WORK/err" "--unit: GJ: EG is in MWh"
run "bad date" 2 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data pv.csv --from 2024-02-30 --to 2024-12-31
has "bad date named" "$WORK/err" "--from: '2024-02-30' is not a date"

# --- every data error with its message ---------------------------------------------------
H="meter_id,timestamp,value"
derr() { # derr NAME CONTENT MESSAGE
	printf '%s\n%b' "$H" "$2" >bad.csv
	run "$1" 3 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data bad.csv --from 2024-01-01 --to 2024-12-31
	has "$1: message" "$WORK/err" "$3"
}
derr "duplicate" 'A,2024-01-01T00:00:00Z,1\nA,2024-01-01T09:00:00+09:00,1\n' \
	"bad.csv: row 3, column 2 (timestamp): meter A already has a reading at 2024-01-01T00:00:00Z (duplicate)"
derr "negative" 'A,2024-01-01T00:00:00Z,-4.5\n' "bad.csv: row 2, column 3 (value): -4.5 is negative"
derr "not a number" 'A,2024-01-01T00:00:00Z,12kWh\n' "bad.csv: row 2, column 3 (value): '12kWh' is not a number"
derr "bad timestamp" 'A,2024-02-30T00:00:00Z,1\n' "bad.csv: row 2, column 2 (timestamp): '2024-02-30T00:00:00Z' is not an ISO 8601 timestamp"
derr "timestamp without offset" 'A,2024-01-01T00:00:00,1\n' "row 2, column 2 (timestamp): '2024-01-01T00:00:00' is not an ISO 8601"
derr "too many columns" 'A,2024-01-01T00:00:00Z,1,2\n' "bad.csv: row 2: 4 columns, expected 3 (meter_id,timestamp,value)"
derr "too few columns" 'A,2024-01-01T00:00:00Z\n' "bad.csv: row 2: 2 columns, expected 3"
derr "bad meter id" 'A"B,2024-01-01T00:00:00Z,1\n' "bad.csv: row 2, column 1 (meter_id)"
printf 'meter,time,kwh\nA,2024-01-01T00:00:00Z,1\n' >bad.csv
run "bad header" 3 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data bad.csv --from 2024-01-01 --to 2024-12-31
has "bad header message" "$WORK/err" "bad.csv: row 1: the header must be 'meter_id,timestamp,value'"
printf '%s\nC,2024-01-01T00:00:00Z,100\nC,2024-01-01T01:00:00Z,90\n' "$H" >cum.csv
run "cumulative going down" 3 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data cum.csv --cumulative --from 2024-01-01 --to 2024-12-31
has "cumulative message" "$WORK/err" "row 3, column 3 (value): meter C: cumulative reading 90 is lower than 100 at 2024-01-01T00:00:00Z (mark a meter replacement in --meters)"
printf 'meter_id,accuracy_pct,calibration_due,calibrated_on,error_pct,replaced_at\nC,0.5,,,,2024-01-01T00:30:00Z\n' >meters.csv
run "cumulative with a replacement" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data cum.csv --cumulative --meters meters.csv --from 2024-01-01 --to 2024-12-31 --format json
check "replacement: nothing counted across it" "$(json "d['meters'][0]['replacements'], d['er_exact_tco2e']")" "(1, 0.0)"
printf '%s\nA,x,1\nA,2024-01-01T00:00:00Z,-1\nA,2024-01-01T01:00:00Z,z\nA,2024-01-01T02:00:00Z,1\nA,y,1\n' "$H" >many.csv
run "max-errors 3" 3 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data many.csv --max-errors 3 --from 2024-01-01 --to 2024-12-31
check "three errors listed, then the summary" "$(grep -c '^c2c: error: many.csv: row' "$WORK/err")" 3
has "summary line" "$WORK/err" "3 errors in the monitoring data (listed above); nothing was stored"
has "row 4 listed" "$WORK/err" "many.csv: row 4, column 3 (value): 'z' is not a number"
run "default stops at the first" 3 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data many.csv --from 2024-01-01 --to 2024-12-31
check "one error" "$(grep -c 'c2c: error' "$WORK/err")" 1
printf '%s\nA,2024-01-01T00:00:00Z,1\nA,2024-01-01T02:00:00Z,1\nA,2024-01-01T03:00:00Z,1\n' "$H" >gap.csv
run "gaps" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE=1 --data gap.csv --from 2024-01-01 --to 2024-01-01 --format json
check "gaps: 01:00 for 1 h, 04:00 for 20 h" "$(json "[(g['start'], g['length_s']) for g in d['meters'][0]['gaps']]")" \
	"[('2024-01-01T01:00:00Z', 3600), ('2024-01-01T04:00:00Z', 72000)]"

# --- projects and reports: the round trip -------------------------------------------------
run "project add" 0 "$BIN" mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533 --title "Solar PV in Phnom Penh" --participants "A Co.;B Ltd."
run "project add twice" 5 "$BIN" mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533
has "twice named" "$WORK/err" "project KH003 exists already"
run "project without its ex-ante value" 2 "$BIN" mrv project add --id KH004 --host KH --methodology KH_AM002
has "ex-ante value named" "$WORK/err" "parameter EF_RE is required"
run "bad data stores nothing" 3 "$BIN" mrv report submit --project KH003 --data many.csv --from 2024-01-01 --to 2024-12-31
run "report list empty" 0 "$BIN" mrv report list --format json
check "no report stored from a bad file" "$(json "len(d)")" 0
run "submit" 0 "$BIN" mrv report submit --project KH003 --data pv.csv --from 2024-01-01 --to 2024-12-31 --format json
check "submitted report 1, ER 1178, hash" "$(json "d['report'], d['er_tco2e'], len(d['data']['sha256'])")" "(1, 1178, 64)"
check "hash is the file's SHA-256" "$(json "d['data']['sha256']")" "$(sha256sum pv.csv | cut -d' ' -f1)"
run "registry refuses an unapproved report" 5 "$BIN" registry issue --report 1
has "refusal says why" "$WORK/err" "report 1 is submitted, not approved"
run "verify needs a decision" 2 "$BIN" mrv report verify 1 --comment ok
run "verify needs a comment" 2 "$BIN" mrv report verify 1 --approve
run "approve" 0 "$BIN" mrv report verify 1 --approve --comment "figures reproduced from the logger export"
run "approve twice" 5 "$BIN" mrv report verify 1 --approve --comment again
has "decided once" "$WORK/err" "report 1 is approved already"
run "show" 0 "$BIN" mrv report show 1
check "stored status and comment" "$(json "d['status'], d['comment'], d['result']['er_tco2e']")" "('approved', 'figures reproduced from the logger export', 1178)"
# a second report whose file changes after submission
cp pv.csv pv2.csv
run "submit 2" 0 "$BIN" mrv report submit --project KH003 --data pv2.csv --from 2025-01-01 --to 2025-12-31
echo "PV9,2025-06-01T00:00:00Z,5000" >>pv2.csv
run "approval refused: the file changed" 5 "$BIN" mrv report verify 2 --approve --comment looks-fine
has "hash change named" "$WORK/err" "report 2: the data file"
has "hash change says changed" "$WORK/err" "changed since it was submitted"
run "reject" 0 "$BIN" mrv report verify 2 --reject --comment "data file altered after submission"
run "registry refuses a rejected report" 5 "$BIN" registry issue --report 2
has "rejected named" "$WORK/err" "report 2 is rejected, not approved"
run "registry issues from the approved report" 0 "$BIN" registry issue --report 1
has "issued 1178" "$WORK/out" "1178 credits in KH-PENDING"
run "registry blocks" 0 "$BIN" registry blocks --format json
check "block carries the report's project and vintage" "$(json "d[0]['serial'], d[0]['credits']")" "('JCM-KH-003-2024-000001-001178', 1178)"
run "a report is issued once" 5 "$BIN" registry issue --report 1
run "registry verify" 0 "$BIN" registry verify

# --- XLSX export, read back -----------------------------------------------------------------
run "export" 0 "$BIN" mrv report export 1 --xlsx "$WORK/r1.xlsx"
python3 - "$WORK/r1.xlsx" >"$WORK/xl" 2>&1 <<'PY'
import sys, zipfile, re, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
wb = ET.fromstring(z.read('xl/workbook.xml'))
print('sheets', [s.get('name') for s in wb.find('m:sheets', ns)])
ss = [''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])) for si in ET.fromstring(z.read('xl/sharedStrings.xml'))]
def cells(n):
    out = {}
    for c in ET.fromstring(z.read('xl/worksheets/sheet%d.xml' % n)).iter('{%s}c' % ns['m']):
        v = c.find('m:v', ns)
        if v is None: continue
        out[c.get('r')] = ss[int(v.text)] if c.get('t') == 's' else float(v.text)
    return out
inp, calc = cells(1), cells(2)
print('project', inp.get('B3'))
print('sha', len(inp.get('B10', '')))
print('params', sorted(v for k, v in inp.items() if k.startswith('A') and v in ('EF_RE', 'EG')))
print('ER', calc.get('B5'), calc.get('B6'))
PY
has "two tabs" "$WORK/xl" "sheets ['Input', 'Calculation']"
has "input: project" "$WORK/xl" "project KH003"
has "input: data hash" "$WORK/xl" "sha 64"
has "input: parameters" "$WORK/xl" "params ['EF_RE', 'EG']"
has "calculation: ER exact and rounded down" "$WORK/xl" "ER 1178.463 1178.0"
run "export unknown report" 4 "$BIN" mrv report export 9 --xlsx "$WORK/r9.xlsx"

# --- per-unit parameter values (unit i = meter): hand-computed ------------------------------
# CH-01 draws 40 + 60 = 100 MWh, CH-02 100 + 200 = 300 MWh
printf '%s\nCH-01,2024-01-01T00:00:00Z,40\nCH-02,2024-01-01T00:00:00Z,100\nCH-01,2024-06-01T00:00:00Z,60\nCH-02,2024-06-01T00:00:00Z,200\n' "$H" >ch.csv
printf 'meter_id,COP_PJ,COP_RE\nCH-01,6,4\nCH-02,5,5\n' >units.csv
CH="--data ch.csv --from 2024-01-01 --to 2024-12-31 --format json"
run "per-unit COPs from --units" 0 "$BIN" mrv compute --methodology ID_AM002 --units units.csv --param EF_elec=1 $CH
# CH-01: 100 x 6/4 = 150, CH-02: 300 x 5/5 = 300; RE 450, PE 400, ER 50
check "per-unit: RE, PE, ER" "$(json "d['re_tco2e'], d['pe_tco2e'], d['er_tco2e']")" "(450.0, 400.0, 50)"
check "per-unit: each meter's values" "$(json "[(m['meter_id'], [(p['symbol'], p['value'], p['origin']) for p in m['parameters']]) for m in d['meters']]")" \
	"[('CH-01', [('COP_PJ', '6', 'unit'), ('COP_RE', '4', 'unit')]), ('CH-02', [('COP_PJ', '5', 'unit'), ('COP_RE', '5', 'unit')])]"
check "per-unit only: no project-wide value, the count of units" "$(json "[(p['symbol'], p.get('value'), p['origin'], p.get('units')) for p in d['parameters']][:2]")" \
	"[('COP_PJ', None, 'unit', 2), ('COP_RE', None, 'unit', 2)]"
run "the average COPs instead" 0 "$BIN" mrv compute --methodology ID_AM002 --param COP_PJ=5.5 --param COP_RE=4.5 --param EF_elec=1 $CH
# 400 x 5.5/4.5 = 488.888888: ER 88, not 50
check "average COPs give another ER" "$(json "d['re_tco2e'], d['er_tco2e']")" "(488.888888, 88)"
run "per-unit COP_PJ, project-wide COP_RE" 0 "$BIN" mrv compute --methodology ID_AM002 --param COP_PJ@CH-01=6 --param COP_PJ@CH-02=5 --param COP_RE=5 --param EF_elec=0.8 $CH
# CH-01: 100 x 6/5 x 0.8 = 96, CH-02: 300 x 5/5 x 0.8 = 240; RE 336, PE 320, ER 16
check "mixed: RE, PE, ER" "$(json "d['re_tco2e'], d['pe_tco2e'], d['er_tco2e']")" "(336.0, 320.0, 16)"
check "mixed: COP_RE is the project-wide one" "$(json "[p['origin'] for m in d['meters'] for p in m['parameters'] if p['symbol'] == 'COP_RE']")" "['param', 'param']"
check "mixed: COP_RE keeps its value, COP_PJ counts its units" "$(json "[(p['symbol'], p.get('value'), p.get('units')) for p in d['parameters']][:2]")" \
	"[('COP_PJ', None, 2), ('COP_RE', '5', None)]"
printf 'meter_id,COP_PJ,COP_RE\nCH-01,6.2,5\nCH-02,6.2,5\n' >same.csv
run "equal per-unit values" 0 "$BIN" mrv compute --methodology ID_AM002 --units same.csv --param EF_elec=0.77 $CH
same=$(json "d['re_tco2e'], d['pe_tco2e'], d['er_exact_tco2e']")
run "the same as one project-wide value" 0 "$BIN" mrv compute --methodology ID_AM002 --param COP_PJ=6.2 --param COP_RE=5 --param EF_elec=0.77 $CH
check "equal units give exactly the project-wide result" "$same" "$(json "d['re_tco2e'], d['pe_tco2e'], d['er_exact_tco2e']")"
check "no per-meter parameters without per-unit values" "$(json "[k for m in d['meters'] for k in m if k == 'parameters'] + [k for p in d['parameters'] for k in p if k == 'units']")" "[]"
run "table output lists each meter's values" 0 "$BIN" mrv compute --methodology ID_AM002 --units units.csv --param EF_elec=1 --data ch.csv --from 2024-01-01 --to 2024-12-31
has "table: CH-01's values" "$WORK/out" "CH-01: COP_PJ=6 (unit), COP_RE=4 (unit)"
printf 'meter_id,COP_PJ,COP_RE\nCH-01,6,4\nCH-02,5,5\nCH-09,7,4.5\n' >extra.csv
run "a unit without readings" 0 "$BIN" mrv compute --methodology ID_AM002 --units extra.csv --param EF_elec=1 $CH
check "it changes nothing, and is warned about" "$(json "d['er_tco2e'], d['warnings'][-1]")" \
	"(50, 'meter CH-09 has no reading inside the period: its per-unit values (COP_PJ, COP_RE) are not used (a unit without readings adds nothing to RE or PE)')"
run "a meter without a value" 2 "$BIN" mrv compute --methodology ID_AM002 --param COP_PJ@CH-01=6 --param COP_RE=5 --param EF_elec=1 $CH
has "the meter is named" "$WORK/err" "meter CH-02 has no COP_PJ value and there is no project-wide COP_PJ"
has "and how to give it" "$WORK/err" "hint: give it per unit (--param COP_PJ@CH-02=VALUE, or a --units file), or once for every unit (--param COP_PJ=VALUE)"
run "a per-unit value of a project-wide parameter" 2 "$BIN" mrv compute --methodology ID_AM002 --units units.csv --param EF_elec=1 --param EF_elec@CH-01=0.9 $CH
has "not per unit: named" "$WORK/err" "--param EF_elec@CH-01: EF_elec is one value for the whole project in ID_AM002, not one per unit (ID_AM002's per-unit parameters are COP_PJ, COP_RE)"
run "a per-unit value of the monitored parameter" 2 "$BIN" mrv compute --methodology ID_AM002 --units units.csv --param EF_elec=1 --param EC_PJ@CH-01=9 $CH
has "monitored: named" "$WORK/err" "--param EC_PJ@CH-01: EC_PJ is monitored"
run "no per-unit parameter in LED lighting" 2 "$BIN" mrv compute --methodology ID_AM020 --param ETA_PJ@CH-01=120 --param ETA_RE=60 --param EF_elec=1 $CH
has "LED: named" "$WORK/err" "ETA_PJ is one value for the whole project in ID_AM020, not one per unit (ID_AM020 has no per-unit parameter)"
printf 'meter_id,COP_PJ,EF_elec\nCH-01,6,0.8\n' >badunits.csv
run "--units column of a project-wide parameter" 3 "$BIN" mrv compute --methodology ID_AM002 --units badunits.csv --param EF_elec=1 $CH
has "--units: file, row and column" "$WORK/err" "badunits.csv: row 1, column 3: EF_elec is one value for the whole project in ID_AM002"
printf 'meter_id,COP_PJ\nCH-01,six\n' >badunits.csv
run "--units bad value" 3 "$BIN" mrv compute --methodology ID_AM002 --units badunits.csv --param COP_RE=5 --param EF_elec=1 $CH
has "--units bad value named" "$WORK/err" "badunits.csv: row 2, column 2 (COP_PJ): 'six' is not a positive decimal with at most 6 decimals"
run "a unit's value given twice" 2 "$BIN" mrv compute --methodology ID_AM002 --units units.csv --param COP_PJ@CH-02=5 --param EF_elec=1 $CH
has "twice: both places named" "$WORK/err" "COP_PJ of meter CH-02 is given twice (--param COP_PJ@CH-02 and units.csv: row 3)"
run "per-unit values need --data" 2 "$BIN" mrv compute --methodology ID_AM002 --param COP_PJ@CH-01=6 --param EC_PJ=1 --param COP_PJ=1 --param COP_RE=1 --param EF_elec=1 --from 2024-01-01 --to 2024-12-31
has "need --data: said" "$WORK/err" "belong to the meters of --data: give --data"
run "not SYMBOL@METER=VALUE" 2 "$BIN" mrv compute --methodology ID_AM002 --param COP_PJ@=6 --param EF_elec=1 $CH
has "bad @ syntax named" "$WORK/err" "--param 'COP_PJ@=6' is not SYMBOL@METER=VALUE"
# KH_AM002: a system on the national grid (0.5) and one in an off-grid area displacing diesel (0.8)
printf '%s\nPV-GRID,2024-03-01T00:00:00Z,100\nPV-OFF,2024-03-01T00:00:00Z,50\n' "$H" >pv2.csv
run "solar PV: one emission factor per system" 0 "$BIN" mrv compute --methodology KH_AM002 --param EF_RE@PV-GRID=0.5 --param EF_RE@PV-OFF=0.8 --data pv2.csv --from 2024-01-01 --to 2024-12-31 --format json
check "solar PV: 100 x 0.5 + 50 x 0.8 = 90" "$(json "d['re_tco2e'], d['er_tco2e']")" "(90.0, 90)"

# --- per-unit values fixed ex ante with the project: report, verification, XLSX ---------------------
run "project with per-unit values" 0 "$BIN" mrv project add --id ID009 --host ID --methodology ID_AM002 --param EF_elec=1 --units units.csv
has "project says it has them" "$WORK/out" "project ID009 added (ID, ID_AM002, with per-unit values)"
run "project: a per-unit value of a project-wide parameter" 2 "$BIN" mrv project add --id ID010 --host ID --methodology ID_AM002 --param EF_elec=1 --units units.csv --param EF_elec@CH-01=0.9
has "project: not per unit, named" "$WORK/err" "EF_elec is one value for the whole project in ID_AM002, not one per unit"
run "project: neither a value nor per-unit values" 2 "$BIN" mrv project add --id ID010 --host ID --methodology ID_AM002 --param EF_elec=1 --param COP_PJ=6
has "project: COP_RE required, per unit or not" "$WORK/err" "detail: or one value per unit: --param COP_RE@METER=VALUE, or a --units file"
run "project whose units miss a meter" 0 "$BIN" mrv project add --id ID011 --host ID --methodology ID_AM002 --param EF_elec=1 --param COP_RE=5 --param COP_PJ@CH-01=6
run "project list" 0 "$BIN" mrv project list --format json
check "stored per-unit values, by meter" "$(json "[(p['id'], p.get('unit_params')) for p in d if p['id'].startswith('ID')]")" \
	"[('ID009', {'CH-01': {'COP_PJ': '6', 'COP_RE': '4'}, 'CH-02': {'COP_PJ': '5', 'COP_RE': '5'}}), ('ID011', {'CH-01': {'COP_PJ': '6'}})]"
check "a project without them has no unit_params" "$(json "[p['id'] for p in d if 'unit_params' in p]")" "['ID009', 'ID011']"
run "submit: a meter without its value stores nothing" 2 "$BIN" mrv report submit --project ID011 --data ch.csv --from 2024-01-01 --to 2024-12-31
has "submit: the meter is named" "$WORK/err" "meter CH-02 has no COP_PJ value and there is no project-wide COP_PJ"
run "submit with per-unit values" 0 "$BIN" mrv report submit --project ID009 --data ch.csv --from 2024-01-01 --to 2024-12-31 --format json
check "the report's ER from the per-unit COPs" "$(json "d['report'], d['er_tco2e'], d['meters'][0]['parameters'][1]['value']")" "(3, 50, '4')"
run "a report takes no --param" 2 "$BIN" mrv report submit --project ID009 --param COP_PJ@CH-01=9 --data ch.csv --from 2024-01-01 --to 2024-12-31
has "no --param: said" "$WORK/err" "mrv report takes no --param: the values are the project's"
run "verify recomputes with them" 0 "$BIN" mrv report verify 3 --approve --comment "per-unit COPs from the PDD"
run "export with per-unit values" 0 "$BIN" mrv report export 3 --xlsx "$WORK/r3.xlsx"
python3 - "$WORK/r3.xlsx" >"$WORK/xl3" 2>&1 <<'PY'
import sys, zipfile, re, xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
ss = [''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])) for si in ET.fromstring(z.read('xl/sharedStrings.xml'))]
rows = {}
for c in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter('{%s}c' % ns['m']):
    v = c.find('m:v', ns)
    if v is None: continue
    col, row = re.match(r'([A-Z]+)(\d+)', c.get('r')).groups()
    rows.setdefault(int(row), {})[col] = ss[int(v.text)] if c.get('t') == 's' else float(v.text)
t3 = [r for r in sorted(rows) if rows[r].get('A') == 'Table 3: Parameters per unit']
print('table3', len(t3))
for r in sorted(rows):
    if t3 and r > t3[0] + 1:
        print('unit', rows[r].get('A'), rows[r].get('B'), rows[r].get('C'), rows[r].get('D'))
print('params', [(rows[r].get('A'), rows[r].get('D')) for r in sorted(rows) if rows[r].get('A') in ('COP_PJ', 'COP_RE', 'EF_elec')])
PY
has "xlsx: Table 3" "$WORK/xl3" "table3 1"
has "xlsx: CH-01's COP_RE" "$WORK/xl3" "unit CH-01 COP_RE 4.0 the unit's own value"
has "xlsx: CH-02's COP_PJ" "$WORK/xl3" "unit CH-02 COP_PJ 5.0 the unit's own value"
has "xlsx: per-unit-only parameters point to Table 3" "$WORK/xl3" "params [('COP_PJ', 'per unit (Table 3)'), ('COP_RE', 'per unit (Table 3)'), ('EF_elec', 1.0)]"
has "xlsx: a report without per-unit values has no Table 3" "$WORK/xl" "sheets ['Input', 'Calculation']"
python3 -c "import zipfile,sys; sys.exit(b'Table 3' in zipfile.ZipFile('$WORK/r1.xlsx').read('xl/sharedStrings.xml'))" \
	&& ok "xlsx: report 1 has no Table 3" || bad "xlsx: report 1 has a Table 3"

# --- a project linked to the atlas project it monitors ------------------------------------
projects() { "$BIN" mrv project list --format json; }
LINK="--methodology KH_AM002 --param EF_RE=0.5"
before=$(projects)
run "link: an atlas project that does not exist" 4 "$BIN" mrv project add --atlas-project pj-nowhere $LINK
has "link: names it" "$WORK/err" "--atlas-project: no atlas project 'pj-nowhere'"
run "link: a host that is not the atlas project's country" 2 "$BIN" mrv project add --atlas-project pj-th-floating-solar --host VN $LINK
has "link: names both countries" "$WORK/err" "host country VN is not atlas project pj-th-floating-solar's country TH"
run "link: --id with --atlas-project" 2 "$BIN" mrv project add --atlas-project pj-th-floating-solar --id TH009 $LINK
has "link: one identity" "$WORK/err" "give --atlas-project or --id, not both"
run "link: a JCM reference of another country" 2 "$BIN" mrv project add --atlas-project pj-th-floating-solar --jcm-ref VN009 $LINK
has "link: the reference starts with the host" "$WORK/err" "--jcm-ref: project VN009: its reference must start with the host country TH"
run "link: a JCM reference that is not one" 2 "$BIN" mrv project add --atlas-project pj-th-floating-solar --jcm-ref TH9 $LINK
has "link: names the bad reference" "$WORK/err" "'TH9' is not a JCM project reference like KH003"
check "link: the refusals added nothing" "$(projects)" "$before"
run "link: project add --atlas-project" 0 "$BIN" mrv project add --atlas-project pj-th-floating-solar --jcm-ref TH009 $LINK --title "Floating solar"
has "link: named by the atlas project, hosted by its country" "$WORK/out" "project pj-th-floating-solar added (TH, KH_AM002, JCM TH009)"
projects >"$WORK/out"
check "link: the project names its atlas project and JCM reference" \
	"$(json "[(p['id'], p['atlas_project'], p['jcm_ref'], p['host_country']) for p in d if p['atlas_project']]")" \
	"[('pj-th-floating-solar', 'pj-th-floating-solar', 'TH009', 'TH')]"
before=$(projects)
run "link: the atlas project has its MRV project already" 5 "$BIN" mrv project add --atlas-project pj-th-floating-solar --jcm-ref TH010 $LINK
has "link: names the one it has" "$WORK/err" "atlas project pj-th-floating-solar has its MRV project already (pj-th-floating-solar)"
run "link: a JCM reference is one project's" 5 "$BIN" mrv project add --atlas-project pj-th-tyre-factory-cogeneration-solar --jcm-ref TH009 $LINK
has "link: names the project that has it" "$WORK/err" "JCM reference TH009 is MRV project pj-th-floating-solar's already"
run "link: nor the old form's id" 5 "$BIN" mrv project add --id TH009 --host TH $LINK
has "link: the old form too" "$WORK/err" "JCM reference TH009 is MRV project pj-th-floating-solar's already"
check "link: those refusals added nothing" "$(projects)" "$before"
# reports name the project by the atlas project id, or its JCM reference
printf 'meter_id,timestamp,value\nPV1,2024-03-01T00:00:00Z,200\nPV1,2024-06-15T00:00:00Z,100\nPV1,2024-09-01T00:00:00Z,400\n' >th.csv
run "submit by the atlas project id" 0 "$BIN" mrv report submit --project pj-th-floating-solar --data th.csv --from 2024-01-01 --to 2024-06-30 --format json
R1=$(json "d['report']")
check "stored under the MRV project: ER 150 t" "$(json "d['project'], d['er_tco2e']")" "('pj-th-floating-solar', 150)"
run "submit by the JCM reference" 0 "$BIN" mrv report submit --project TH009 --data th.csv --from 2024-06-01 --to 2024-12-31 --format json
R2=$(json "d['report']")
check "the same project" "$(json "d['project'], d['er_tco2e']")" "('pj-th-floating-solar', 250)"
run "report list" 0 "$BIN" mrv report list --project pj-th-floating-solar --format json
check "each report names its project's host country" "$(json "[(r['id'], r['host_country']) for r in d]")" "[($R1, 'TH'), ($R2, 'TH')]"
run "approve the first" 0 "$BIN" mrv report verify "$R1" --approve --comment "meter readings checked"
reports() { "$BIN" mrv report list --project pj-th-floating-solar --format json; }
before=$(reports)
run "approving a report that overlaps an approved one is refused" 5 "$BIN" mrv report verify "$R2" --approve --comment ok
has "naming both reports and periods" "$WORK/err" "report $R2 (2024-06-01..2024-12-31) overlaps approved report $R1 (2024-01-01..2024-06-30) of project pj-th-floating-solar"
check "and it stays submitted" "$(reports)" "$before"
run "rejecting it is not refused" 0 "$BIN" mrv report verify "$R2" --reject --comment "overlaps report $R1"
# the registry issues from the report into the host country's registry
run "issue from the linked project's report" 0 "$BIN" registry issue --report "$R1"
has "into the host's registry, naming the report" "$WORK/out" "issuance pj-th-floating-solar-01: 150 credits in TH-PENDING (report $R1)"
run "its blocks" 0 "$BIN" registry blocks --account TH-PENDING --format json
check "serials name the host and the atlas project" "$(json "d[0]['serial']")" "JCM-TH-pj-th-floating-solar-2024-000001-000150"
run "a report is issued once, naming the first issuance" 5 "$BIN" registry issue --report "$R1"
has "the first issuance named" "$WORK/err" "report $R1 was issued already as issuance pj-th-floating-solar-01: a report is issued once"
run "a historical issuance verified outside c2c, by the JCM reference" 0 "$BIN" registry issue --project TH009 --from 2023-01-01 --to 2023-12-31 --quantity 50 --external-verification "VR-2023-17" --source "JCM Joint Committee decision, 2024-03"
has "recorded under the MRV project, as verified outside c2c" "$WORK/out" "issuance pj-th-floating-solar-02: 50 credits in TH-PENDING (verified outside c2c: VR-2023-17)"
# a batch issues under the same rule: a report, with nothing else naming the project
printf 'meter_id,timestamp,value\nPV1,2025-02-01T00:00:00Z,84\n' >th25.csv
run "a third report" 0 "$BIN" mrv report submit --project pj-th-floating-solar --data th25.csv --from 2025-01-01 --to 2025-03-31 --format json
R3=$(json "d['report']")
run "approved" 0 "$BIN" mrv report verify "$R3" --approve --comment ok
printf '{"op":"issue","report":%s,"project":"TH009"}\n' "$R3" >batch1.jsonl
run "apply: a report and a project together are refused" 2 "$BIN" registry apply batch1.jsonl
has "apply: says why" "$WORK/err" "a report gives the project, period and verified ER; do not give them too"
printf '{"op":"issue","report":%s,"quantity":40}\n' "$R3" >batch2.jsonl
run "apply: issue from the report" 0 "$BIN" registry apply batch2.jsonl
run "apply: the issuance names the report" 0 "$BIN" registry issuances --project pj-th-floating-solar --format json
check "apply: 40 of the report's 42 t, into TH" "$(json "[(i['id'], i['quantity'], i['verified_er'], i['report'], i['host']) for i in d][-1]")" \
	"('pj-th-floating-solar-03', 40, 42, $R3, 'TH')"
check "every issuance shows its report or its verification outside c2c" \
	"$(json "[(i['id'], i['report'], i['external_verification'], i['source']) for i in d]")" \
	"[('pj-th-floating-solar-01', $R1, None, None), ('pj-th-floating-solar-02', None, 'VR-2023-17', 'JCM Joint Committee decision, 2024-03'), ('pj-th-floating-solar-03', $R3, None, None)]"
run "issuances as a table" 0 "$BIN" registry issuances --project pj-th-floating-solar
has "the table names the verification outside c2c" "$WORK/out" "VR-2023-17"
run "registry verify: every issuance has its basis" 0 "$BIN" registry verify
# tampering behind the registry's back: verify must catch each
tampered() { # tampered NAME SQL MESSAGE UNDO
	db_exec "$2"
	run "tampered: $1" 5 "$BIN" registry verify
	has "tampered: $1: named" "$WORK/err" "$3"
	db_exec "$4"
	run "tampered: $1: intact again once undone" 0 "$BIN" registry verify
}
tampered "the report an issuance came from is no longer approved" \
	"UPDATE mrv_report SET status = 'rejected' WHERE id = $R1" \
	"issuance pj-th-floating-solar-01: report $R1 is rejected, not approved" \
	"UPDATE mrv_report SET status = 'approved' WHERE id = $R1"
tampered "an issuance's report set to another report" \
	"UPDATE registry_issuances SET report_id = $R2 WHERE id = 'pj-th-floating-solar-01'" \
	"issuance pj-th-floating-solar-01: the report or external verification it names is not what the journal records" \
	"UPDATE registry_issuances SET report_id = $R1 WHERE id = 'pj-th-floating-solar-01'"
tampered "a report issued twice" \
	"DROP INDEX registry_issuances_by_report; UPDATE registry_issuances SET report_id = $R1, external_verification = NULL, source = NULL WHERE id = 'pj-th-floating-solar-02'" \
	"issuance pj-th-floating-solar-02: the report or external verification it names is not what the journal records" \
	"UPDATE registry_issuances SET report_id = NULL, external_verification = 'VR-2023-17', source = 'JCM Joint Committee decision, 2024-03' WHERE id = 'pj-th-floating-solar-02'; CREATE UNIQUE INDEX registry_issuances_by_report ON registry_issuances (report_id)"
tampered "more credits than the report verified" \
	"UPDATE mrv_report SET er_tco2e = 149 WHERE id = $R1" \
	"issuance pj-th-floating-solar-01: 150 credits issued, above report $R1's verified ER of 149 tCO2e" \
	"UPDATE mrv_report SET er_tco2e = 150 WHERE id = $R1"

# --- a report with monitored values given for the period (--value) -------------------------
# the values are stored with it and approval recomputes with them
"$BIN" mrv project add --id TH901 --host TH --methodology TH_AM009 --param EF_elec=0.5 --param ETA_BL=0.8 --param EF_BL=0.056 --param NCV_gas=0.036 --param EF_gas=0.0561 >/dev/null 2>"$WORK/err" || bad "TH901: $(cat "$WORK/err")"
NREP=$("$BIN" mrv report list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
run "report: a second monitored value missing" 2 "$BIN" mrv report submit --project TH901 --data cgs1.csv --from 2024-01-01 --to 2024-01-31 --value "HEAT=1000 GJ"
has "report: the missing value is named" "$WORK/err" "FC (gas fuel consumed"
check "report: nothing stored without it" "$("$BIN" mrv report list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "$NREP"
run "report: with heat and gas" 0 "$BIN" mrv report submit --project TH901 --data cgs1.csv --from 2024-01-01 --to 2024-01-31 --value "HEAT=1000 GJ" --value "FC=20000 Nm3" --format json
check "report: its ER" "$(json "d['er_tco2e']")" 129
RTH=$(json "d['report']")
run "report: shown with its values" 0 "$BIN" mrv report show "$RTH"
check "report: the values as given, with their units" "$(json "d['monitored_values']")" "[{'symbol': 'HEAT', 'value': '1000', 'unit': 'GJ'}, {'symbol': 'FC', 'value': '20000', 'unit': 'Nm3'}]"
run "report: approved, recomputed with its values" 0 "$BIN" mrv report verify "$RTH" --approve --comment "heat and gas from the invoices"

# --- the JCM Monitoring Spreadsheet: a report exported, a filled sheet imported -------------
# two cogeneration units, heat and gas per unit; by hand: RE_elec = 250.25 x 0.5 = 125.125;
# RE_heat = 1010.5 / 0.8 x 0.056 = 70.735; PE = 23000.123 x 0.036 x 0.0561 = 46.451048... up to 46.451049;
# ER = 195.86 - 46.451049 = 149.408951 -> 149
printf 'meter_id,timestamp,value\nCGS-E,2024-03-01T00:00:00Z,200\nCGS-F,2024-03-01T00:00:00Z,50.25\n' > cgs2.csv
run "sheet: a report with per-unit monitored values" 0 "$BIN" mrv report submit --project TH901 --data cgs2.csv --from 2024-03-01 --to 2024-03-31 --value "HEAT=0 GJ" --value "HEAT@CGS-E=1000 GJ" --value "HEAT@CGS-F=10.5 GJ" --value "FC=0 Nm3" --value "FC@CGS-E=20000 Nm3" --value "FC@CGS-F=3000.123 Nm3" --format json
check "sheet: the report's ER by hand" "$(json "d['er_exact_tco2e'], d['er_tco2e']")" "(149.408951, 149)"
RSH=$(json "d['report']")
run "sheet: exported" 0 "$BIN" mrv report sheet "$RSH" --out "$WORK/s.xlsx"
# xl.py FILE: every sheet's cells as {sheet: {ref: value}}; xl.py FILE SHEET REF VALUE OUT [str]: one cell changed
cat > xl.py <<'PY'
import sys, re, zipfile, json, xml.etree.ElementTree as ET
M = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
z = zipfile.ZipFile(sys.argv[1])
rels = {r.get('Id'): 'xl/' + r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
parts = {s.get('name'): rels[s.get('{%s}id' % R)] for s in ET.fromstring(z.read('xl/workbook.xml')).iter('{%s}sheet' % M)}
if len(sys.argv) == 2:
    ss = [''.join(t.text or '' for t in si.iter('{%s}t' % M)) for si in ET.fromstring(z.read('xl/sharedStrings.xml'))]
    out = {}
    for name, part in parts.items():
        cells = out.setdefault(name, {})
        for c in ET.fromstring(z.read(part)).iter('{%s}c' % M):
            v = c.find('{%s}v' % M)
            if v is not None:
                cells[c.get('r')] = ss[int(v.text)] if c.get('t') == 's' else v.text
    print(json.dumps(out))
else:
    sheet, ref, value, dest = sys.argv[2:6]
    cell = ('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' if len(sys.argv) > 6 else '<c r="%s"><v>%s</v></c>') % (ref, value)
    with zipfile.ZipFile(dest, 'w', zipfile.ZIP_DEFLATED) as o:
        for n in z.namelist():
            b = z.read(n)
            if n == parts[sheet]:
                b, k = re.subn(r'<c r="%s"[^>]*?(/>|>.*?</c>)' % ref, cell, b.decode())
                assert k == 1, ref
                b = b.encode()
            o.writestr(z.getinfo(n), b)  # the entry's own date: the same file every run
PY
python3 xl.py "$WORK/s.xlsx" > "$WORK/out"
check "sheet: the four sheets after the summary" "$(json "list(d)")" "['summary', 'Monitoring Plan Sheet', 'Monitoring Structure Sheet', 'Monitoring Report Sheet', 'MRS(calc_process)']"
check "sheet: Table 1 as the ID009 sheet heads it" "$(json "[d['Monitoring Report Sheet'][c + '1'] for c in 'ACEFGHK']")" "['(a) Monitoring period', '(c) Parameters', '(e) Monitored Values', '(f) Units', '(g) Monitoring option', '(h) Source of data', '(k) Other comments']"
check "sheet: each monitored value per unit with its unit (FC of CGS-F on row 9)" "$(json "[d['Monitoring Report Sheet'][c + '9'] for c in 'CEFLM']")" "['FC_p', '3000.123', 'Nm3', 'FC', 'CGS-F']"
check "sheet: the plan's fixed values and who fixes them" "$(json "d['Monitoring Plan Sheet']['E9'], d['Monitoring Plan Sheet']['H9']")" "('0.0561', 'fixed ex ante by the methodology')"
check "sheet: each formula's value, ER rounded down" "$(json "[d['MRS(calc_process)'][r] for r in ('A5', 'D5', 'D8', 'D9')]")" "['PE', '46.451049', '149.408951', '149']"
# round trip: the exported sheet imported as the monitored values of a report gives the same result
run "sheet: imported as a report" 0 "$BIN" mrv report submit --project TH901 --sheet "$WORK/s.xlsx" --from 2024-03-01 --to 2024-03-31 --format json
check "sheet: the same ER and steps from the sheet" "$(json "d['er_exact_tco2e'], [c['value'] for c in d['calculation']], d['sheet']['sha256'] != ''")" "(149.408951, ['125.125', '70.735', '195.86', '46.451049'], True)"
RSI=$(json "d['report']")
run "sheet: approved, the sheet read again" 0 "$BIN" mrv report verify "$RSI" --approve --comment "the participant's sheet"
# a filled sheet: the gas of CGS-E read as 25000 Nm3, EL of CGS-E as Excel's double of 200
python3 xl.py "$WORK/s.xlsx" "Monitoring Report Sheet" E8 25000 "$WORK/f1.xlsx" && python3 xl.py "$WORK/f1.xlsx" "Monitoring Report Sheet" E2 199.99999999999997 "$WORK/f.xlsx"
# PE + 5000 x 0.036 x 0.0561 = 10.098: ER 139.310951
run "sheet: a filled sheet" 0 "$BIN" mrv report submit --project TH901 --sheet "$WORK/f.xlsx" --from 2024-04-01 --to 2024-04-30 --format json
check "sheet: its values computed, a double rounded to the nearest millionth" "$(json "d['er_exact_tco2e'], d['er_tco2e']")" "(139.310951, 139)"
RSF=$(json "d['report']")
cp "$WORK/s.xlsx" "$WORK/f.xlsx"
run "sheet: the sheet changed after submission" 5 "$BIN" mrv report verify "$RSF" --approve --comment "changed"
has "sheet: not approved, as a data file" "$WORK/err" "changed since it was submitted"
NREP=$("$BIN" mrv report list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
# bad_sheet NAME CELL TEXT WHAT MESSAGE: the exported sheet with CELL of the
# Monitoring Report Sheet set to TEXT, submitted: refused (exit 3), the
# message naming file, sheet and cell
bad_sheet() {
	python3 xl.py "$WORK/s.xlsx" "Monitoring Report Sheet" "$2" "$3" "$WORK/$1.xlsx" str
	run "sheet: $4" 3 "$BIN" mrv report submit --project TH901 --sheet "$WORK/$1.xlsx" --from 2024-05-01 --to 2024-05-31
	has "sheet: $4, named by its cell" "$WORK/err" "$1.xlsx: Monitoring Report Sheet!$5"
}
bad_sheet b1 E8 lots "text in a number cell" "E8: 'lots' is not a number (FC's monitored value)"
bad_sheet b2 L8 FX "a parameter the methodology has not" "L8: 'FX' is not a parameter of TH_AM009"
bad_sheet b3 L8 EF_gas "a fixed parameter as a monitored value" "E8: EF_gas@CGS-E: EF_gas is fixed ex ante, not monitored"
bad_sheet b4 F8 m3 "a wrong unit" "E8: FC@CGS-E=20000 m3: FC is in Nm3, not m3"
run "sheet: a workbook without the sheet" 3 "$BIN" mrv report submit --project TH901 --sheet "$WORK/r1.xlsx" --from 2024-05-01 --to 2024-05-31
has "sheet: the missing sheet named" "$WORK/err" "the workbook has no sheet 'Monitoring Report Sheet'"
run "sheet: with --data as well" 2 "$BIN" mrv report submit --project TH901 --sheet "$WORK/s.xlsx" --data cgs2.csv --from 2024-05-01 --to 2024-05-31
check "sheet: nothing stored from the refused sheets" "$("$BIN" mrv report list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "$NREP"
run "sheet: an unknown report" 4 "$BIN" mrv report sheet 999 --out "$WORK/no.xlsx"

# --- a report submitted over HTTP, its file streamed (POST /api/v1/mrv/reports) ---------------
# The participant registers its project against the atlas project and sends
# the monitoring file as the body; a bad file lists every error by row and
# column and stores nothing; a participant outside its scope and a caller
# without a log-in are refused; a file of more than 100 MB goes through
# with the server's peak memory far below its size (the figures printed);
# the verifier's decision is made once, and the stored result is read back
# through the CLI.
export C2C_AUTH_INSECURE_FAST_HASH=1
H=pj-hcmc-osaka-gas-rooftop-solar
for u in "hpart participant $H" "hother participant pj-da-nang-water-pumps" "hverif verifier" "hcgs participant pj-th-tyre-factory-cogeneration-solar"; do
	set -- $u
	echo "pass-$1-0123" | "$BIN" user add "$1" --role "$2" ${3:+--scope "$3"} >/dev/null 2>"$WORK/err" || bad "user add $1: $(cat "$WORK/err")"
	# --db: a token is random, so not recorded for tests/pg.sh's comparison (lib/record.sh)
	"$BIN" --db "$C2C_DB" user token add "$1" --label test >"$WORK/tok-$1" 2>"$WORK/err" || bad "token add $1: $(cat "$WORK/err")"
done
. "$TESTS/lib/serve.sh"
# `api NAME STATUS USER METHOD PATH [CURL ARGS]`: the reply in $WORK/out
api() {
	n=$1 want=$2 who=$3 m=$4 p=$5
	shift 5
	if [ "$who" = - ]; then set -- "$@"; else set -- -H "Authorization: Bearer $(tr -d '\n' <"$WORK/tok-$who")" "$@"; fi
	code=$(curl -s -o "$WORK/out" -w '%{http_code}' -X "$m" "$@" "$URL$p")
	check "$n" "$code" "$want"
}
# --db on the commands that print where an upload was kept (a random name, in a
# directory that differs by backend): not recorded for tests/pg.sh's comparison
reports() { "$BIN" --db "$C2C_DB" mrv report list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
uploads() { if [ -d "$C2C_DB.uploads" ]; then ls "$C2C_DB.uploads" | sort | tr '\n' ' '; elif [ -d c2c-uploads ]; then ls c2c-uploads | sort | tr '\n' ' '; fi; }
if serve_start mrvhttp; then
	api "http: the participant registers its project" 200 hpart POST /api/v1/mrv/projects \
		-H 'Content-Type: application/json' -d "{\"atlas_project\": \"$H\", \"methodology\": \"KH_AM002\", \"params\": {\"EF_RE\": \"0.533\"}}"
	check "http: the project is the atlas project's, hosted by its country" "$(json "d['id'], d['host_country']")" "('$H', 'VN')"
	{
		echo "meter_id,timestamp,value"
		for hr in 00 01 02 03 04 05; do echo "R1,2024-03-01T$hr:00:00Z,100.5"; done
		echo "R1,2024-03-01T07:00:00Z,100.5" # 06:00 missing: a gap
		echo "R1,2025-03-01T00:00:00Z,7"     # outside the period: excluded
	} >h.csv
	N0=$(reports)
	api "http: check=1 computes" 200 hpart POST "/api/v1/mrv/reports?project=$H&from=2024-01-01&to=2024-12-31&check=1" --data-binary @h.csv
	# 7 x 100.5 = 703.5 MWh x 0.533 = 374.9655 t
	check "http: check=1: ER, rows outside the period, the 06:00 gap" "$(json "d['result']['er_tco2e'], d['result']['data']['rows_skipped'], {'start': '2024-03-01T06:00:00Z', 'length_s': 3600} in d['result']['meters'][0]['gaps']")" "(374, 1, True)"
	check "http: check=1 names no file of the server" "$(json "'file' in d['result']['data']")" "False"
	check "http: check=1 stores nothing" "$(reports)" "$N0"
	printf 'meter_id,timestamp,value\nR1,2024-01-01T00:00:00Z,1\nR1,2024-02-30T00:00:00Z,1\nR1,2024-03-01T00:00:00Z,abc\n' >hbad.csv
	api "http: a bad file is refused" 422 hpart POST "/api/v1/mrv/reports?project=$H&from=2024-01-01&to=2024-12-31" --data-binary @hbad.csv
	check "http: every error by row and column" "$(json "[(e['row'], e['column'], e['field']) for e in d['error']['errors']]")" "[(3, 2, 'timestamp'), (4, 3, 'value')]"
	check "http: the error names the file's field" "$(json "d['error']['field']")" "data"
	check "http: a bad file stores nothing" "$(reports)" "$N0"
	api "http: a participant outside its scope" 403 hother POST "/api/v1/mrv/reports?project=$H&from=2024-01-01&to=2024-12-31" --data-binary @h.csv
	check "http: refused outside its scope, nothing stored" "$(reports)" "$N0"
	api "http: no log-in, refused before the body is read" 401 - POST "/api/v1/mrv/reports?project=$H&from=2024-01-01&to=2024-12-31" --data-binary @h.csv
	api "http: a verifier may not submit" 403 hverif POST "/api/v1/mrv/reports?project=$H&from=2024-01-01&to=2024-12-31" --data-binary @h.csv
	api "http: no file" 400 hpart POST "/api/v1/mrv/reports?project=$H&from=2024-01-01&to=2024-12-31"
	api "http: the period is required" 400 hpart POST "/api/v1/mrv/reports?project=$H&from=2024-01-01" --data-binary @h.csv
	check "http: no file kept from the refusals" "$(uploads)" ""
	# more than 100 MB: 40 meters every 5 minutes through 2024, 0.01 MWh a reading
	python3 - <<'PY'
import datetime
t0 = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
slots = [(t0 + datetime.timedelta(minutes=5 * k)).strftime('%Y-%m-%dT%H:%M:%SZ') for k in range(366 * 288)]
with open('big.csv', 'w') as f:
    f.write('meter_id,timestamp,value\n')
    for m in range(40):
        f.write(''.join('M%02d,%s,0.01\n' % (m, s) for s in slots))
PY
	BIG=$(wc -c <big.csv)
	[ "$BIG" -gt 100000000 ] && ok "http: the big file is over 100 MB ($BIG bytes)" || bad "http: big file only $BIG bytes"
	T0=$(date +%s.%N)
	api "http: a 100 MB+ file streamed and submitted" 200 hpart POST "/api/v1/mrv/reports?project=$H&from=2024-01-01&to=2024-12-31" --data-binary @big.csv
	T1=$(date +%s.%N)
	HWM=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
	echo "measured: $BIG bytes uploaded and computed in $(python3 -c "print(round($T1 - $T0, 2))") s; server peak RSS $HWM kB"
	# 40 x 105408 x 0.01 = 42163.2 MWh x 0.533 = 22472.9856 t
	check "http: the big file's ER and rows" "$(json "d['er_tco2e'], d['rows'], d['status']")" "(22472, 4216320, 'submitted')"
	# streamed, not held: under half the file's size, which holding it could not be
	# (the normal build peaks at about 13 MB for this file; ASan's shadow memory
	# takes it to about 33 MB)
	[ "$HWM" -lt $((BIG / 1024 / 2)) ] && ok "http: peak RSS $HWM kB is far below the file's $((BIG / 1024)) kB" ||
		bad "http: peak RSS $HWM kB for a $((BIG / 1024)) kB file"
	RB=$(json "d['id']")
	check "http: the public reply names no server file" "$(json "'data_path' in d or 'file' in d['result']['data']")" "False"
	api "http: the small file submitted" 200 hpart POST "/api/v1/mrv/reports?project=$H&from=2023-01-01&to=2023-12-31&check=0" --data-binary @h.csv
	RS=$(json "d['id']")
	check "http: two files kept, nothing spooled left" "$(uploads | wc -w) $(uploads | grep -c spool)" "2 0"
	api "http: the verifier sees the small report recomputed" 200 hverif GET "/api/v1/mrv/reports/$RS/recomputation"
	check "http: recomputed: same file, same ER, nothing stored" "$(json "d['same_file'], d['same_er'], d['result']['data']['rows_skipped']") $(reports)" "(True, True, 8) $((N0 + 2))"
	api "http: a recomputation is not public" 401 - GET "/api/v1/mrv/reports/$RS/recomputation"
	# the kept file gone (a disk restored without it): the report cannot be
	# checked, which is a conflict the verifier can act on, not a server fault
	KEPT=$("$BIN" --db "$C2C_DB" mrv report show "$RS" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data_path"])')
	mv "$KEPT" "$KEPT.away"
	api "http: the file gone, the recomputation is refused as a conflict" 409 hverif GET "/api/v1/mrv/reports/$RS/recomputation"
	check "http: it says the file cannot be read, and what to do, naming no server file" \
		"$(json "d['error']['code'], 'can no longer be read' in d['error']['message'], 'reject' in d['error']['hint'], '$KEPT' in d['error']['message']")" \
		"('conflict', True, True, False)"
	mv "$KEPT.away" "$KEPT"
	api "http: the verifier approves the big report" 200 hverif POST "/api/v1/mrv/reports/$RB/verification" \
		-H 'Content-Type: application/json' -d '{"decision": "approve", "comment": "recomputed; the 5-minute data is whole"}'
	api "http: a second decision is refused" 409 hverif POST "/api/v1/mrv/reports/$RB/verification" \
		-H 'Content-Type: application/json' -d '{"decision": "reject", "comment": "again"}'
	has "http: the refusal says the decision is made once" "$WORK/out" "a decision is made once"
	# the decision writes its audit row in its own transaction (mrv_report_verify's
	# `also`): one row for the decision made, none for the one refused, and not a
	# second one from the router
	check "http: one audit row for the verification, by the verifier" \
		"$(db_rows http_audit | grep -c "hverif.*verifier.*POST.*/api/v1/mrv/reports/$RB/verification")" 1
	# the methodology's other monitored values with the file (?values=, as --value)
	CG=pj-th-tyre-factory-cogeneration-solar
	api "http: a cogeneration project" 200 hcgs POST /api/v1/mrv/projects -H 'Content-Type: application/json' \
		-d "{\"atlas_project\": \"$CG\", \"methodology\": \"TH_AM009\", \"params\": {\"EF_elec\": \"0.5\", \"ETA_BL\": \"0.8\", \"EF_BL\": \"0.056\", \"NCV_gas\": \"0.036\", \"EF_gas\": \"0.0561\"}}"
	api "http: heat and gas as values" 200 hcgs POST "/api/v1/mrv/reports?project=$CG&from=2024-01-01&to=2024-01-31&values=HEAT%3D1000%20GJ%3BFC%3D20000%20Nm3" --data-binary @cgs1.csv
	check "http: their ER, the values stored with the report" "$(json "d['er_tco2e'], [(v['symbol'], v['value'], v['unit']) for v in d['monitored_values']]")" "(129, [('HEAT', '1000', 'GJ'), ('FC', '20000', 'Nm3')])"
	RCG=$(json "d['id']")
	code=$(curl -s -o "$WORK/cg.xlsx" -w '%{http_code} %{content_type}' "$URL/api/v1/mrv/reports/$RCG/sheet?format=xlsx")
	check "http: the report's Monitoring Spreadsheet downloaded" "$code" "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	api "http: the filled sheet as the body (sheet=1), computed" 200 hcgs POST "/api/v1/mrv/reports?project=$CG&from=2024-02-01&to=2024-02-29&sheet=1&check=1" --data-binary @"$WORK/cg.xlsx"
	check "http: the same ER from the sheet, no server file named" "$(json "d['result']['er_exact_tco2e'], 'file' in d['result']['sheet']")" "(129.608, False)"
	python3 xl.py "$WORK/cg.xlsx" "Monitoring Report Sheet" E3 heat "$WORK/cgb.xlsx" str
	api "http: text in a number cell of the sheet" 422 hcgs POST "/api/v1/mrv/reports?project=$CG&from=2024-02-01&to=2024-02-29&sheet=1" --data-binary @"$WORK/cgb.xlsx"
	check "http: named by sheet and cell" "$(json "d['error']['field'], 'Monitoring Report Sheet!E3: \\'heat\\' is not a number' in d['error']['message']")" "('sheet', True)"
	api "http: a value in the wrong unit" 400 hcgs POST "/api/v1/mrv/reports?project=$CG&from=2024-02-01&to=2024-02-29&values=HEAT%3D1000%20MJ%3BFC%3D20000%20Nm3" --data-binary @cgs1.csv
	check "http: the refusal names the value and its field" "$(json "d['error']['field'], d['error']['message']")" "('values', 'HEAT=1000 MJ: HEAT is in GJ, not MJ')"
	kill -TERM "$PID"; wait "$PID"
	run "http: the stored result through the CLI" 0 "$BIN" --db "$C2C_DB" mrv report show "$RB" --format json
	check "http: approved, by the verifier, its ER" "$(json "d['status'], d['verified_by'], d['er_tco2e'], d['submitted_by']")" "('approved', 'hverif', 22472, 'hpart')"
	run "http: the small report through the CLI" 0 "$BIN" --db "$C2C_DB" mrv report show "$RS" --format json
	check "http: the small report waits, rows outside its period excluded" "$(json "d['status'], d['rows_skipped']")" "('submitted', 8)"
	rm -f big.csv
fi

echo "mrv: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
