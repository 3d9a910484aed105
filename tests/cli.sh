#!/bin/sh
# cli.sh - tests of the c2c command line, as a user types it: every command
# in its formats, golden outputs, every bad-input case of the foundation
# issue (the database must be byte-for-byte unchanged after each), and
# clear messages for a missing or corrupt database.
#
# usage: tests/cli.sh BUILD_DIR    prints one line per check and, last,
#        "cli: N passed, N failed"; exits non-zero if any failed.
# UPDATE_GOLDEN=1 rewrites tests/golden/*.out from the current binary.
set -u
BIN="$(cd "$1" && pwd)/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
. "$(dirname "$0")/lib/db.sh"
test_db c2c.db
export LC_ALL=C.UTF-8

. "$(dirname "$0")/lib/assert.sh"

golden() { # golden NAME : compare $WORK/out with tests/golden/NAME.out
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$WORK/out" "$HERE/golden/$1.out"; fi
	if cmp -s "$WORK/out" "$HERE/golden/$1.out"; then ok "golden $1"; else
		bad "golden $1 differs:"; diff "$HERE/golden/$1.out" "$WORK/out" | head -20; fi
}
json_ok() { # json_ok NAME PYTHON_EXPR_ON_d
	if python3 -c "import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if ($2) else 1)" 2>"$WORK/py"; then
		ok "$1"; else bad "$1: $(head -c 300 "$WORK/py")"; fi
}
snapshot() { # the whole database as CSV, every table
	for t in countries places partnerships partnership_places companies agreements projects \
		project_companies schemes networks network_members events cases case_places domino figures; do
		"$BIN" export "$t"
	done | sha256sum
}

# --- no database yet ---------------------------------------------------------
run "list before init" 4 "$BIN" places
has "missing db names the file and the fix" "$WORK/err" "no such database"
has "missing db hint" "$WORK/err" "c2c --db"

# --- init, twice ------------------------------------------------------------
# init is one transaction: a module whose migration fails (here the
# registry's, on a table in its way) leaves nothing of the modules before it
if sqlite_only "init all or nothing"; then
	sqlite3 "$WORK/half.db" 'CREATE TABLE registry_accounts (x TEXT)'
	run "init refused by a table in the way" 7 "$BIN" --db "$WORK/half.db" init
	has "names the migration" "$WORK/err" "migration registry 1"
	check "nothing of the atlas was kept" "$(sqlite3 "$WORK/half.db" "SELECT group_concat(name) FROM sqlite_master")" \
		"registry_accounts"
fi
run "init" 0 "$BIN" init
has "init loads the dataset" "$WORK/out" "loaded"
before=$(snapshot)
run "init again" 0 "$BIN" init
has "second init has nothing to do" "$WORK/out" "already loaded"
run "init --force" 0 "$BIN" init --force
[ "$(snapshot)" = "$before" ] && ok "init twice: export byte-identical" || bad "init changed the data"

# --- help and usage ---------------------------------------------------------
run "help" 0 "$BIN" help
golden help
run "help partnerships" 0 "$BIN" help partnerships
has "help shows usage" "$WORK/out" "usage: c2c partnerships"
run "help import lists tables" 0 "$BIN" help import
has "help import" "$WORK/out" "partnership_places"
run "unknown command" 2 "$BIN" frobnicate
has "unknown command message" "$WORK/err" "unknown command 'frobnicate'"
has "unknown command usage" "$WORK/err" "usage:"
run "unknown option" 2 "$BIN" places --colour red
has "unknown option message" "$WORK/err" "unknown option '--colour'"
has "unknown option usage" "$WORK/err" "usage: c2c places"
run "bad format" 2 "$BIN" places --format xml
run "bad fy" 2 "$BIN" partnerships --fy twenty
run "no command" 2 "$BIN"
run "version" 0 "$BIN" --version

# --- partnerships -------------------------------------------------------------
run "partnerships" 0 "$BIN" partnerships
[ "$(wc -l <"$WORK/out")" -eq 65 ] && ok "64 partnerships + header" || bad "partnerships rows: $(wc -l <"$WORK/out")"
run "partnerships toyama" 0 "$BIN" partnerships --body 富山
golden partnerships-toyama
run "partnerships json" 0 "$BIN" partnerships --format json
json_ok "json has 64 objects with the documented keys" \
  "len(d)==64 and all(set(['id','country','country_ja','country_en','partner_label_ja','body_label_ja','partners','bodies','fiscal_years','sources']) <= set(p) for p in d)"
json_ok "compound labels kept and split" \
  "any(p['partner_label_ja']=='ホーチミン市・トゥードック市' and len(p['partners'])==2 for p in d) and any(p['body_label_ja']=='札幌市、北海道庁' and len(p['bodies'])==2 for p in d)"
json_ok "places carry id, names, kind, coordinates" \
  "all(set(['id','name_ja','name_en','kind','lat','lon']) <= set(x) for p in d for x in p['partners']+p['bodies'])"
run "partnerships country+fy" 0 "$BIN" partnerships --country ID --fy 2021 --format json
json_ok "filters combine" "len(d)>=2 and all(p['country']=='ID' and 2021 in p['fiscal_years'] for p in d)"
run "partnerships partner english" 0 "$BIN" partnerships --partner "Kuala Lumpur" --format json
json_ok "partner by English name" "len(d)==1 and d[0]['body_label_ja']=='東京都・さいたま市'"
run "partnerships csv" 0 "$BIN" partnerships --country TH --format csv
has "csv header" "$WORK/out" "id,country,country_ja,country_en,partner_label_ja"

# --- every list command, every format -------------------------------------------
for cmd in countries places agreements projects companies schemes networks events cases domino figures; do
	run "$cmd table" 0 "$BIN" "$cmd"
	run "$cmd csv" 0 "$BIN" "$cmd" --format csv
	[ "$(wc -l <"$WORK/out")" -gt 1 ] && ok "$cmd csv has rows" || bad "$cmd csv is empty"
	run "$cmd json" 0 "$BIN" "$cmd" --format json
	json_ok "$cmd json is a non-empty array" "isinstance(d, list) and len(d) > 0"
done
run "places filter" 0 "$BIN" places --country VN --kind province --format json
json_ok "places filtered" "len(d)>0 and all(p['country']=='VN' and p['kind']=='province' for p in d)"
run "events filter" 0 "$BIN" events --body-id jp-toyama-city --format json
json_ok "toyama events include the 2017-12-14 forum and 2019-11-27 training" \
  "set(['2017-12-14','2019-11-27']) <= set(e['starts_on'] for e in d)"
run "agreements toyama" 0 "$BIN" agreements --body-id jp-toyama-city --format json
json_ok "agreements keep the original era date" \
  "any(a['signed_on']=='2017-11' and a['signed_original']=='平成29年11月' for a in d)"
run "countries jcm" 0 "$BIN" countries --jcm-partner 1 --format json
json_ok "31 JCM partner countries" "len(d)==31"

# --- search ----------------------------------------------------------------
for q in 富山 Toyama 小水力 hydro ダナン "Da Nang"; do
	run "search $q" 0 "$BIN" search "$q" --format json
	json_ok "search $q finds something with table/id/name/match" \
	  "len(d)>0 and all(set(['table','id','name','match'])<=set(h) for h in d)"
done
run "search 富山 first" 0 "$BIN" search 富山 --format json
json_ok "富山 finds 富山市 first" "d[0]['id']=='jp-toyama-city'"
run "search Da Nang first" 0 "$BIN" search "Da Nang" --format json
json_ok "Da Nang finds ダナン市 first" "d[0]['id']=='vn-da-nang-city'"
run "search table" 0 "$BIN" search 小水力
golden search-small-hydro
run "search empty" 2 "$BIN" search ""
run "search csv refused" 2 "$BIN" search x --format csv

# --- stats ----------------------------------------------------------------------
run "stats" 0 "$BIN" stats
golden stats
run "stats json" 0 "$BIN" stats --from 2013 --to 2025 --format json
json_ok "headline counts 14/67/25" \
  "{f['key']:f['value'] for f in d['figures']}['countries']==14 and {f['key']:f['value'] for f in d['figures']}['partner_places']==67 and {f['key']:f['value'] for f in d['figures']}['japanese_bodies']==25"
json_ok "every figure has its rule" "all(f['rule'] for f in d['figures'])"
run "stats 2022" 0 "$BIN" stats --to 2022
has "stats 2022 compares with 13/45/20 and says why it differs" "$WORK/out" "no recorded fiscal year"
run "stats bad range" 2 "$BIN" stats --from 2024 --to 2013
# every source the atlas cites (issue 19), each " | " piece of a row's source once per row
"$BIN" export partnerships --format json >"$WORK/pships.json"
run "sources of the partnerships" 0 "$BIN" sources --table partnerships --format json
json_ok "each source counted as the rows cite it" \
  "(lambda rows: all(r['facts'] == sum(1 for x in rows if r['source'] in [p.strip() for p in (x.get('source') or '').split(' | ')]) and r['tables'] == 'partnerships' for r in d) and sum(r['facts'] for r in d) == sum(len([p for p in (x.get('source') or '').split(' | ') if p.strip()]) for x in rows))(json.load(open('$WORK/pships.json')))"
json_ok "seed 003's list is the most cited" "d[0]['source'] == 'seed:003 都市間連携事業（2013～2025年度）' and d[0]['facts'] == 64"
run "sources of every table" 0 "$BIN" sources --format csv
has "as CSV, with its header" "$WORK/out" "source,facts,tables"
run "sources of a table that is none" 2 "$BIN" sources --table nope
# the ministry's yearly figures (figures, table c2c-calls), each beside the data's
run "stats 2013-2022 json" 0 "$BIN" stats --from 2013 --to 2022 --format json
json_ok "stats says how many lines have no year" "d['partnerships_without_year'] == 41"
json_ok "published years are those of the range, oldest first" \
  "[y['fiscal_year'] for y in d['published_years']] == sorted(y['fiscal_year'] for y in d['published_years']) and {y['fiscal_year'] for y in d['published_years']} == {2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022}"
json_ok "every published figure has its source and a rule" \
  "all(y['source'].count('http') == 1 and all(f['rule'] for f in y['figures']) for y in d['published_years'])"
json_ok "FY2021 2nd call: published 13/41/17 beside the data's 9/19/8 through FY2021" \
  "[{f['key']:(f['published'],f['derived']) for f in y['figures']} for y in d['published_years'] if y['as_of']=='2021-10-06'] == [{'proposals':(3,None),'selected':(2,7),'countries':(13,9),'partner_cities_regions':(41,19),'japanese_bodies':(17,8)}]"
json_ok "a call published in March counts the fiscal year before it" \
  "[y['counts_through_fy'] for y in d['published_years'] if y['as_of']=='2020-03-24'] == [2019]"
run "stats 2023 only" 0 "$BIN" stats --from 2023 --to 2023 --format json
json_ok "FY2023: 24 proposals, 21 selected, 13/47/20 so far; 2nd call (2023-10-03): 2 selected, 13/49/20" \
  "[(f['key'],f['published']) for y in d['published_years'] for f in y['figures']] == [('proposals',24),('selected',21),('countries',13),('partner_cities_regions',47),('japanese_bodies',20),('selected',2),('countries',13),('partner_cities_regions',49),('japanese_bodies',20)]"
# fiscal years in 和暦: the same answer as the Western year
run "stats to 令和4 json" 0 "$BIN" stats --from 平成25年度 --to 令和4 --format json
cp "$WORK/out" "$WORK/stats-wareki.json"
run "stats to 2022 json" 0 "$BIN" stats --from 2013 --to 2022 --format json
cmp -s "$WORK/out" "$WORK/stats-wareki.json" && ok "平成25年度..令和4 = 2013..2022" || bad "和暦 range differs from 2013..2022"
run "partnerships --fy R4" 0 "$BIN" partnerships --fy R4 --format json
cp "$WORK/out" "$WORK/fy-r4.json"
run "partnerships --fy 2022" 0 "$BIN" partnerships --fy 2022 --format json
cmp -s "$WORK/out" "$WORK/fy-r4.json" && ok "--fy R4 = --fy 2022" || bad "--fy R4 differs from --fy 2022"
json_ok "FY2022 has the lines the 2022 2nd call selected (浦添市・アイライ州, 富山市・バリ州)" \
  "{'p045','p052'} <= {p['id'] for p in d}"
run "partnerships --fy 平成29年度" 0 "$BIN" partnerships --fy 平成29年度 --format json
json_ok "平成29年度 is 2017" "{p['id'] for p in d} == {'p026','p048','p049'}"
run "bad 和暦 fy" 2 "$BIN" partnerships --fy 平成32年度
has "bad 和暦 fy says why" "$WORK/err" "平成 has no year 32"
run "fy outside the range" 2 "$BIN" stats --to 昭和60

# --- import / export ---------------------------------------------------------
run "export csv" 0 "$BIN" export places
cp "$WORK/out" "$WORK/places.csv"
run "export json" 0 "$BIN" export places --format json
json_ok "export json rows" "len(d)>100 and isinstance(d[0]['lat'], float)"
before=$(snapshot)
run "re-import own export" 0 "$BIN" import places "$WORK/places.csv"
[ "$(snapshot)" = "$before" ] && ok "import of an export changes nothing" || bad "round trip changed data"
run "export unknown table" 2 "$BIN" export nothing
has "unknown table lists tables" "$WORK/err" "tables: countries, places"

H='id,name_ja,name_en,kind,country,parent_id,lat,lon,source'
bad_import() { # bad_import NAME FILE EXPECTED_MESSAGE
	before=$(snapshot)
	run "import $1 refused" 3 "$BIN" import places "$2"
	has "import $1 message" "$WORK/err" "$3"
	[ "$(snapshot)" = "$before" ] && ok "import $1 changed nothing" || bad "import $1 changed the database"
}
printf '%s\nzz-a-city,A,A,city,VN,,1,2,s\nzz-b-city,B,B,city,VN,1,2,s\n' "$H" >"$WORK/cols.csv"
bad_import "wrong column count" "$WORK/cols.csv" "cols.csv: row 3: 8 columns, expected 9"
printf '%s\nzz-a-city,A,A,city,QQ,,1,2,s\n' "$H" >"$WORK/cc.csv"
bad_import "unknown country" "$WORK/cc.csv" "cc.csv: row 2, column 5 (country): unknown country code 'QQ'"
printf '%s\nzz-a-city,A,A,city,VN,,ten,2,s\n' "$H" >"$WORK/num.csv"
bad_import "text in a number column" "$WORK/num.csv" "num.csv: row 2, column 7 (lat): 'ten' is not a number"
printf '%s\nzz-a-city,\343\201,A,city,VN,,1,2,s\n' "$H" >"$WORK/utf.csv"
bad_import "invalid UTF-8" "$WORK/utf.csv" "utf.csv: row 2, column 2: invalid UTF-8"
{ printf '%s\nzz-a-city,' "$H"; head -c 10485760 /dev/zero | tr '\0' x; printf ',A,city,VN,,1,2,s\n'; } >"$WORK/big.csv"
bad_import "10 MB field" "$WORK/big.csv" "big.csv: row 2, column 2: field longer than the limit"
printf 'id,kind,title_ja,title_en,starts_on,ends_on,date_original,place_id,body_id,summary_ja,source\nzz-e,forum,T,,2024-02-30,,,,,,s\n' >"$WORK/date.csv"
before=$(snapshot)
run "import bad date refused" 3 "$BIN" import events "$WORK/date.csv"
has "bad date message" "$WORK/err" "date.csv: row 2, column 5 (starts_on): '2024-02-30' is not a date"
[ "$(snapshot)" = "$before" ] && ok "bad date changed nothing" || bad "bad date changed the database"
# a good row before the bad one is not kept either
printf '%s\nzz-good-city,G,G,city,VN,,1,2,s\nzz-bad-city,B,B,city,VN,,1,200,s\n' "$H" >"$WORK/half.csv"
bad_import "good row then bad row" "$WORK/half.csv" "half.csv: row 3, column 8 (lon): 200 is out of range"
# issue 18 item 9: numbers in files are decimal (strtod reads 0x1p3 as 8.0, and inf, nan)
printf '%s\nzz-a-city,A,A,city,VN,,0x1p3,2,s\n' "$H" >"$WORK/hex.csv"
bad_import "hex float latitude" "$WORK/hex.csv" "hex.csv: row 2, column 7 (lat): '0x1p3' is not a number"
printf '%s\nzz-a-city,A,A,city,VN,,nan,2,s\n' "$H" >"$WORK/nan.csv"
bad_import "nan latitude" "$WORK/nan.csv" "nan.csv: row 2, column 7 (lat): 'nan' is not a number"
# issue 18 item 5: a place may not be its own parent, nor its own ancestor
printf '%s\nzz-a-city,A,A,city,VN,zz-a-city,1,2,s\n' "$H" >"$WORK/self.csv"
bad_import "a place its own parent" "$WORK/self.csv" "self.csv: row 2, column 6 (parent_id): 'zz-a-city' is its own parent_id"
printf '%s\nzz-a-city,A,A,city,VN,zz-b-city,1,2,s\nzz-b-city,B,B,city,VN,zz-a-city,1,2,s\n' "$H" >"$WORK/cycle.csv"
bad_import "a cycle of parents" "$WORK/cycle.csv" "cycle.csv: row 2, column 6 (parent_id): 'zz-a-city' would be its own ancestor"
printf '%s\nvn-da-nang-city,ダナン市,Da Nang,city,VN,zz-c-city,16.05,108.2,s\nzz-c-city,C,C,city,VN,vn-da-nang-city,1,2,s\n' "$H" >"$WORK/cycle2.csv"
bad_import "a cycle through a stored place" "$WORK/cycle2.csv" "would be its own ancestor"
run "import missing file" 6 "$BIN" import places "$WORK/nope.csv"
run "import unknown table" 2 "$BIN" import nothing "$WORK/cols.csv"
printf '%s\nzz-new-city,新市,New City,city,VN,vn-da-nang-city,16.1,108.2,cli test\n' "$H" >"$WORK/good.csv"
run "import good row" 0 "$BIN" import places "$WORK/good.csv"
has "import says how many" "$WORK/out" "1 row imported into places"
run "imported row is searchable" 0 "$BIN" search "New City" --format json
json_ok "new place found" "d[0]['id']=='zz-new-city'"
run "init keeps imported rows" 0 "$BIN" init --force
run "imported row survives init" 0 "$BIN" places --parent-id vn-da-nang-city --format json
json_ok "zz-new-city still there" "any(p['id']=='zz-new-city' for p in d)"

# --- issue 18 item 4: control characters, bidi overrides, length caps ------------
printf '%s\nzz-esc-city,A\033]0;pwned\007,A,city,VN,,1,2,s\n' "$H" >"$WORK/esc.csv"
bad_import "an ESC sequence in a name" "$WORK/esc.csv" "esc.csv: row 2, column 2 (name_ja): the text has a control character U+001B at character 2"
printf '%s\nzz-rlo-city,A,Evil\342\200\256gnp.exe,city,VN,,1,2,s\n' "$H" >"$WORK/rlo.csv"
bad_import "a right-to-left override in a name" "$WORK/rlo.csv" "column 3 (name_en): the text has a bidirectional control U+202E at character 5"
printf '%s\nzz-nl-city,A,"two\nlines",city,VN,,1,2,s\n' "$H" >"$WORK/nl.csv"
bad_import "a newline in a one-line name" "$WORK/nl.csv" "column 3 (name_en): the text has a control character U+000A"
{ printf '%s\nzz-long-city,A,' "$H"; head -c 204800 /dev/zero | tr '\0' x; printf ',city,VN,,1,2,s\n'; } >"$WORK/long.csv"
bad_import "a 200 KB name_en" "$WORK/long.csv" "column 3 (name_en): the text is 204800 characters, more than the 300 allowed"
printf 'id,country,partner_label_ja,body_label_ja,fiscal_years,note,source\nzz-p,VN,P,B,,"line 1\n\tline 2",s\n' >"$WORK/note.csv"
run "a note may hold newline and tab" 0 "$BIN" import partnerships "$WORK/note.csv"
# the same check where text enters the other modules
ESC=$(printf 'a\033[2Jb')
run "an MRV project title with ESC refused" 3 "$BIN" mrv project add --id KH901 --host KH --methodology KH_AM002 --param EF_RE=0.5 --title "$ESC"
has "the title's message" "$WORK/err" "the title has a control character U+001B at character 2"
run "a reviewer's name with ESC refused" 3 "$BIN" score reviewer add --id rv-zz --name "$ESC"
has "the reviewer's message" "$WORK/err" "the text has a control character U+001B at character 2"
# what was stored before these checks is escaped on the way to a terminal
if sqlite_only "control characters stored before the checks"; then
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE places SET name_en=? WHERE id=?", ("Da\x1b[2JNang\u202e", "vn-da-nang-city")); c.commit()' "$C2C_DB"
	# --db: a SQLite file's own test, not recorded for tests/pg.sh's comparison
	run "places with a stored ESC" 0 "$BIN" --db "$C2C_DB" places --country VN
	if grep -q "$(printf '\033')" "$WORK/out"; then bad "c2c places wrote an ESC byte to the terminal"; else ok "c2c places writes no ESC byte"; fi
	has "the ESC shown escaped" "$WORK/out" 'Da\x1B[2JNang\u202E'
fi

# --- damaged database -----------------------------------------------------------
if sqlite_only "a damaged database file, a directory for a file"; then
	printf 'not a database at all, just text that is long enough to fill a header page.....\n' >"$WORK/junk.db"
	run "corrupt database" 7 "$BIN" --db "$WORK/junk.db" places
	has "corrupt database message" "$WORK/err" "not a usable database"
	run "db is a directory" 6 "$BIN" --db "$WORK" places
fi

# --- a file c2c did not make; a read-only database (issue 18) ---------------------
# Only init makes a schema: a read command on another program's SQLite file
# or on a 0-byte file used to create c2c's tables in it (and `registry
# verify` said "verified"); now it names the file and leaves it as it was.
if sqlite_only "another program's file, a read-only file"; then
	python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE notes (x)');
c.execute(\"INSERT INTO notes VALUES ('mine')\"); c.commit()" "$WORK/other.db"
	: >"$WORK/zero.db"
	before=$(sha256sum "$WORK/other.db" "$WORK/zero.db")
	for f in other zero; do
		run "registry verify on $f.db refuses" 4 "$BIN" --db "$WORK/$f.db" registry verify
		has "and names the file ($f.db)" "$WORK/err" "$f.db: not a c2c database (it has no store_migrations table); nothing was changed"
		run "places on $f.db refuses" 4 "$BIN" --db "$WORK/$f.db" places
		run "user list on $f.db refuses" 4 "$BIN" --db "$WORK/$f.db" user list
	done
	check "both files unchanged, byte for byte" "$(sha256sum "$WORK/other.db" "$WORK/zero.db")" "$before"
	check "no -wal or -shm left beside them" "$(ls "$WORK" | grep -c -e '^other.db-' -e '^zero.db-')" 0
	run "init still makes a database of a 0-byte file" 0 "$BIN" --db "$WORK/zero.db" init
	run "which then serves reads" 0 "$BIN" --db "$WORK/zero.db" places --country VN --format json

	# a database its user may not write: mode 444, read by a user other than
	# its owner (as root, through setpriv: root writes whatever the mode)
	RO="$WORK/ro"
	mkdir "$RO" && cp "$C2C_DB" "$RO/ro.db" && chmod 444 "$RO/ro.db" && chmod 755 "$WORK" "$RO"
	as_reader() {
		if [ "$(id -u)" = 0 ]; then setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; else "$@"; fi
	}
	before=$(sha256sum "$RO/ro.db")
	run "read-only file: places reads" 0 as_reader "$BIN" --db "$RO/ro.db" places --country VN --format json
	json_ok "with its rows" "len(d) > 5 and all(p['country'] == 'VN' for p in d)"
	run "read-only file: registry verify reads" 0 as_reader "$BIN" --db "$RO/ro.db" registry verify
	run "read-only file: a write refuses" 6 as_reader "$BIN" --db "$RO/ro.db" registry account open \
		--id JP-RO-1 --country JP --kind entity --holder X
	has "and says read-only" "$WORK/err" "ro.db: the database is read-only: nothing can be written"
	hasnt_damaged=$(grep -c "damaged" "$WORK/err")
	check "not that the file is damaged" "$hasnt_damaged" 0
	check "the read-only file unchanged" "$(sha256sum "$RO/ro.db")" "$before"
	chmod 700 "$WORK"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
