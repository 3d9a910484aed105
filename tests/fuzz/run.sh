#!/bin/sh
# run.sh - build the libFuzzer targets with clang (ASan+UBSan) and run each
# for a bounded time on a seed corpus made from the built-in dataset.
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
# Prints "fuzz: N passed, N failed" (a target that crashes is a failure).
set -u
BUILD="$(cd "$1" && pwd)"
SECS=${2:-20}
TOP="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$BUILD/fuzz"
mkdir -p "$OUT/corpus"
pass=0
fail=0

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang not installed"; echo "fuzz: 0 passed, 1 failed"; exit 1
fi
build() { # build NAME SOURCES...
	name=$1
	shift
	# shellcheck disable=SC2046
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$TOP/src" -include "$TOP/src/core/banned.h" \
		$(ls "$TOP"/src/core/*.c "$TOP"/src/store/*.c) "$@" "$TOP/tests/fuzz/$name.c" -o "$OUT/$name" \
		$(pkg-config --cflags --libs sqlite3 jansson libsodium libpq xlsxwriter icu-uc zlib libzip expat libcrypto) -lcsv -lm
}
# shellcheck disable=SC2046
build fuzz_atlas $(ls "$TOP"/src/atlas/*.c) "$BUILD/atlas_builtin.c" || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC2046
# (an issuance from a report asks mrv/, which comes from the meson build's libraries)
build fuzz_registry $(ls "$TOP"/src/registry/*.c) \
	-Wl,--start-group $(find "$BUILD" -name 'libc2c_*.a' | sort) -Wl,--end-group \
	$(pkg-config --libs xlsxwriter libzip expat) || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
# The HTTP request parsing: src/http through router.h, all of it but server.c,
# and static.c (they speak libmicrohttpd), with auth/ (the caller's
# credentials), atlas/ and registry/ built here with the sanitizers; the other
# modules the routes call come from the meson build's libraries.  static.c
# alone (with encoding.c), with the six libmicrohttpd functions it calls defined by the harness.
http_src=""
for f in "$TOP"/src/http/*.c; do
	case $f in */server.c | */static.c | */clients.c) ;; *) http_src="$http_src $f" ;; esac
done
# shellcheck disable=SC2046,SC2086
build fuzz_http $(ls "$TOP"/src/atlas/*.c "$TOP"/src/registry/*.c "$TOP"/src/auth/*.c) \
	"$BUILD/atlas_builtin.c" $http_src \
	-Wl,--start-group $(find "$BUILD" -name 'libc2c_*.a' | sort) -Wl,--end-group \
	$(pkg-config --libs xlsxwriter libzip expat) || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
build fuzz_static "$TOP/src/http/static.c" "$TOP/src/http/query.c" "$TOP/src/http/encoding.c" || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
# The two readers of files from outside: meter data (mrv/ingest.c, with the
# number and time parsers of fixed.c) and XLSX (core/xlsx.c, libzip + expat).
# shellcheck disable=SC2046
# Small blocks and lines (ingest.c's MRV_INGEST_*), so that inputs of a few
# hundred bytes cross block boundaries and reach the long-line refusal.
build fuzz_ingest -DMRV_INGEST_BLOCK=512 -DMRV_INGEST_LINE_MAX=200 "$TOP/src/mrv/ingest.c" "$TOP/src/mrv/fixed.c" \
	-Wl,--start-group $(find "$BUILD" -name 'libc2c_*.a' | sort) -Wl,--end-group \
	$(pkg-config --libs xlsxwriter libzip expat) || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
# The methodology files and their formulas (mrv/methfile.c, mrv/formula.c).
# shellcheck disable=SC2046
build fuzz_methodology "$TOP/src/mrv/methfile.c" "$TOP/src/mrv/formula.c" "$TOP/src/mrv/fixed.c" \
	"$TOP/src/mrv/compute.c" "$TOP/src/mrv/units.c" "$TOP/src/mrv/ingest.c" "$TOP/src/mrv/values.c" \
	-Wl,--start-group $(find "$BUILD" -name 'libc2c_*.a' | sort) -Wl,--end-group \
	$(pkg-config --libs xlsxwriter libzip expat) || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC2046
# (core/xlsx.c comes with every target's src/core/*.c)
build fuzz_xlsx ||
	{ echo "fuzz: 0 passed, 1 failed"; exit 1; }

# Seeds: every dataset file behind the byte that selects its table, and a few queries.
i=0
for t in countries places partnerships partnership_places agreements projects companies \
	project_companies schemes networks network_members events cases case_places domino figures; do
	f="$TOP/data/atlas/$t.csv"
	[ -f "$f" ] && { printf "\\$(printf %o $i)"; head -c 4000 "$f"; } >"$OUT/corpus/seed-$t"
	i=$((i + 1))
done
for q in 富山 Toyama 小水力 "Da Nang" '"' 'a OR b' 堺; do
	{ printf "\\$(printf %o 16)"; printf '%s' "$q"; } >"$OUT/corpus/seed-q-$(printf '%s' "$q" | od -An -tx1 | tr -d ' \n')"
done

mkdir -p "$OUT/corpus-registry"
cat >"$OUT/corpus-registry/seed" <<'JSONL'
{"op":"transfer","from":"JP-A","to":"KH-B","quantity":5}
{"op":"authorize","issuance":"KH003-01"}
{"op":"transfer","from":"KH-B","to":"JP-A","quantity":7}
{"op":"retire","account":"JP-A","quantity":3,"purpose":"ndc","beneficiary":"x"}
{"op":"cancel","account":"KH-B","quantity":2}
{"op":"issue","project":"KH003","external_verification":"EV-1","source":"test-fixture","period_start":"2024-01-01","period_end":"2024-01-31","quantity":10}
JSONL

# HTTP seeds: every route of routes.def with its parameters, as GET and HEAD,
# and targets that probe the decoder and the web root; the dictionary gives
# the mutator the paths and names whole (bytes it would hardly guess).
mkdir -p "$OUT/corpus-http" "$OUT/corpus-static"
sed -n 's/^X("[A-Z]*", *"\([^"]*\)".*/\1/p' "$TOP/src/http/routes.def" >"$OUT/http-paths"
# and the routes made from the atlas tables (routes.def's ATLAS_TABLE_ROUTES)
sed -n 's|^\tT("\([a-z_]*\)".*|/api/v1/\1|p' "$TOP/src/atlas/tables.c" >>"$OUT/http-paths"
{ # the routes' own parameters and the atlas tables' filter columns
	sed -n 's/.*Q("\([a-z_]*\)".*/\1/p' "$TOP/src/http/routes.def"
	grep COL_FILTER "$TOP/src/atlas/tables.c" | grep -o '{"[a-z_]*"' | tr -d '{"'
} | sort -u >"$OUT/http-params"
{
	while read -r p; do printf '"%s"\n' "$p"; done <"$OUT/http-paths"
	for w in limit offset $(cat "$OUT/http-params"); do printf '"%s="\n' "$w"; done
	# shellcheck disable=SC1003 # '\\' is meant: the dictionary's escape for one backslash
	for w in '?' '&' '=' '%' '%2F' '%25' '%00' '%E5%AF%8C' '+' '%2B' '..' '/./' '%2e%2e' '//' '\\' '%C0%AF' \
		'%ED%A0%80' '%F4%90%80%80' '-1' '1000000' '2022' '0x10' index.html out-link.txt prefix-link.txt \
		in-link.txt .hidden sub/ out-dir/secret.txt; do printf '"%s"\n' "$w"; done
	for w in '{' '}' '[' ']' ':' ',' null true 1e999 -0 '\"' '\\u0000' '\\ud800'; do printf '"%s"\n' "$w"; done
} >"$OUT/http.dict"
n=0
seed_http() { # seed_http FIRST_BYTE_OCTAL TARGET [BODY]
	n=$((n + 1))
	# shellcheck disable=SC2059 # the octal escape is the format
	{ printf "\\$1"; printf '%s' "$2"; [ $# -lt 3 ] || { printf '\000'; printf '%s' "$3"; }; } \
		>"$OUT/corpus-http/seed-$n"
}
while read -r p; do
	seed_http 000 "$p"
	seed_http 001 "$p?limit=2&offset=1"
done <"$OUT/http-paths"
seed_http 000 '/api/v1/partnerships?country=VN&fy=2022&body=%E5%AF%8C%E5%B1%B1&limit=3'
seed_http 020 '/api/v1/search?q=Da+Nang&limit=5'
seed_http 072 /api/v1/registry/transfer '{"from":"KH-B","to":"JP-A","quantity":2}'
seed_http 076 /api/v1/places/jp-toyama-city '{"name_en":"Toyama City","lat":36.7}'
seed_http 000 '/api/v1/places?kind=regency&country=ID&offset=2'
seed_http 000 '/api/v1/stats?from=2013&to=2022'
seed_http 000 '/api/v1/registry/blocks?account=JP-A&limit=1'
seed_http 002 '/api/v1/partnerships'
seed_http 010 '/api/v1/partnerships'
seed_http 000 '/api/v1/partner%73hips?fy=20%322'
seed_http 000 '/api/v1/places?country=%ZZ'
seed_http 000 '/api/v1/places?country=%C0%AF&x'
seed_http 000 "/api/v1/places?$(seq -s '&' 1 33 | sed 's/[0-9]*/p&=1/g')"
seed_http 000 "/api/v1/places?country=$(printf '%08200d' 0)"
# bodies (bit 3) as JSON (bit 5): a log-in, writes by nobody, by the admin
# (bit 4, above) and with credentials nobody has (bit 7)
seed_http 052 /api/v1/session '{"name":"admin","password":"secret"}'
seed_http 056 /api/v1/partnerships/jp-toyama-city--my-kuala-lumpur '{"note":"x","fiscal_years":"2022"}'
seed_http 052 /api/v1/registry/transfer '{"from":"JP-A","to":"KH-B","quantity":5}'
seed_http 256 /api/v1/places/jp-toyama-city '{"name_en":"Toyama"}'
seed_http 112 /api/v1/session '{"name":"admin","password":"secret"}'
m=0
for t in / /index.html /app.js /sub/page.json /sub/deep/x.svg /a%20b.txt /%E6%97%A5%E6%9C%AC%E8%AA%9E.txt \
	/in-link.txt /out-link.txt /out-dir/secret.txt /prefix-link.txt /abs-link.txt /../www2/secret.txt \
	/%2e%2e/outside/secret.txt /.hidden /sub/.env /.git/config /sub/ '/sub//page.json' '/index.html?x=1' \
	/api/v1/partnerships '*' /nope.html; do
	m=$((m + 1))
	{ printf '\000'; printf '%s' "$t"; } >"$OUT/corpus-static/seed-$m"
done

# Meter data: the option byte (0: interval readings; 5: cumulative, with the
# meters' metadata; 0x84: metadata and the file's hash), then a CSV with
# the cases the scanner treats apart: CRLF, a byte order mark, offsets,
# fractions, a duplicate, a gap, a cumulative restart.
mkdir -p "$OUT/corpus-ingest" "$OUT/corpus-xlsx"
printf '\000meter_id,timestamp,value\r\nA,2024-01-01T01:00:00Z,1.5\r\nA,2024-01-01T00:00:00Z,1\r\nA,2024-01-01T02:00:00Z,2\nA,2024-01-01T12:00:00+07:00,1\nB,2024-01-01T00:00:30Z,0.001\nB,2024-01-03T00:00:00Z,4\n' \
	>"$OUT/corpus-ingest/seed-interval"
printf '\005meter_id,timestamp,value\nC,2024-01-01T00:00:00Z,100\nC,2024-01-01T06:00:00Z,110\nC,2024-01-01T12:00:00Z,5\nC,2024-01-01T18:00:00Z,12\nC,2024-01-02T00:00:00Z,20\n' \
	>"$OUT/corpus-ingest/seed-cumulative"
printf '\204\357\273\277meter_id,timestamp,value\nA,2024-01-01T00:00:00Z,10\nA,2024-01-01T06:00:00Z,10\nA,2024-01-01T06:00:00Z,10\nA,2024-01-01T12:00:00Z,-1\nA B,x,abc\nA,2024-02-30T00:00:00Z,1,2\n' \
	>"$OUT/corpus-ingest/seed-errors"
# XLSX: the parts of a workbook (first byte even), NUL between them: one
# sheet with shared strings (one with a phonetic guide), numbers, an inline
# string, a boolean and a skipped row
{
	printf '\000<workbook xmlns:r="r"><sheets><sheet name="data" sheetId="1" r:id="rId7"/></sheets></workbook>\000'
	printf '<Relationships><Relationship Id="rId7" Target="worksheets/sheet1.xml"/></Relationships>\000'
	printf '<sst><si><t>gpc_ref</t></si><si><t>activity_value</t></si><si><r><t>電力会社</t></r><rPh sb="0" eb="4"><t>デンリョク</t></rPh></si></sst>\000'
	printf '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
	printf '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1000.5</v></c><c r="D2" t="b"><v>1</v></c></row>'
	printf '<row r="4"><c r="A4" t="inlineStr"><is><t>III.4.1</t></is></c><c r="G4"/></row></sheetData></worksheet>'
} >"$OUT/corpus-xlsx/seed-parts"
# a cell inside a cell: its end closed the outer one too, and the outer
# end then indexed cell -1 (found with fuzz_xlsx's harness)
{
	printf '\000<workbook xmlns:r="r"><sheets><sheet r:id="rId1"/></sheets></workbook>\000'
	printf '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>\000<sst/>\000'
	printf '<worksheet><sheetData><row><c r="A1"><c r="B1"/></c></row></sheetData></worksheet>'
} >"$OUT/corpus-xlsx/seed-nested-cell"
# and, whole (first byte odd), a small workbook zipped by python
python3 - "$OUT/corpus-xlsx/seed-zip" <<'PY'
import sys, zipfile, io
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
    z.writestr("xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Target="worksheets/s.xml"/></Relationships>')
    z.writestr("xl/worksheets/s.xml", '<worksheet><sheetData><row><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
open(sys.argv[1], "wb").write(b"\x01" + b.getvalue())
PY

# fuzz_http's database: what `c2c init` makes, some registry history, and an
# admin with an API token (the harness's bit 4)
rm -f "$OUT/http.db" "$OUT/http.db-"*
if ! { C2C_AUTH_INSECURE_FAST_HASH=1 "$BUILD/c2c" --db "$OUT/http.db" init &&
	"$BUILD/c2c" --db "$OUT/http.db" registry account open --id JP-A --country JP --kind government --holder A &&
	"$BUILD/c2c" --db "$OUT/http.db" registry account open --id KH-B --country KH --kind entity --holder B &&
	"$BUILD/c2c" --db "$OUT/http.db" registry issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1000 &&
	"$BUILD/c2c" --db "$OUT/http.db" registry authorize KH003-01 &&
	"$BUILD/c2c" --db "$OUT/http.db" registry allocate KH003-01 JP-A=40 KH-B=60 &&
	"$BUILD/c2c" --db "$OUT/http.db" registry retire --account JP-A --quantity 3 --purpose ndc --beneficiary x &&
	echo fuzz-password | C2C_AUTH_INSECURE_FAST_HASH=1 "$BUILD/c2c" --db "$OUT/http.db" user add fuzzadmin --role admin &&
	"$BUILD/c2c" --db "$OUT/http.db" user token add fuzzadmin --label fuzz >"$OUT/http.token"
} >"$OUT/http-db.log" 2>&1; then
	cat "$OUT/http-db.log"
	echo "fuzz: $pass passed, $((fail + 1)) failed"
	exit 1
fi

# No allocation stacks in a report (the access's stack stays; run the
# artifact again without these options for the rest) and a 16 MB quarantine
# for freed memory instead of 256: 416 -> 2,857 fuzz_xlsx runs/s, the same
# overflows found (20,000 runs, same seed and corpus).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}malloc_context_size=0:quarantine_size_mb=16"
run() { # run NAME CORPUS [SECONDS [LIBFUZZER FLAGS...]]
	name=$1 corpus=$2 secs=${3:-$SECS}
	shift 2
	[ $# -gt 0 ] && shift
	if "$OUT/$name" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=8192 -artifact_prefix="$OUT/" "$@" "$corpus" >"$OUT/$name.log" 2>&1; then
		pass=$((pass + 1))
		echo "$name: $(grep -ao 'Done [0-9]* runs' "$OUT/$name.log" | tail -1) in ${secs}s, $(grep -ao 'cov: [0-9]* ft: [0-9]*' "$OUT/$name.log" | tail -1), no crash"
	else
		fail=$((fail + 1))
		tail -40 "$OUT/$name.log"
	fi
}
run fuzz_atlas "$OUT/corpus"
run fuzz_registry "$OUT/corpus-registry"
# the HTTP targets: SECS/2 and SECS/4 (with their build, about 25 s more for make
# check); fuzz_static's few branches are all reached within a second or two
C2C_FUZZ_DB="$OUT/http.db" C2C_FUZZ_TOKEN=$(cat "$OUT/http.token") run fuzz_http "$OUT/corpus-http" $(((SECS + 1) / 2)) -max_len=8300 -dict="$OUT/http.dict"
rm -rf "$OUT/tmp" && mkdir -p "$OUT/tmp" # fuzz_static's web root
TMPDIR="$OUT/tmp" run fuzz_static "$OUT/corpus-static" $(((SECS + 3) / 4)) -dict="$OUT/http.dict"
# the file readers: SECS/4 each
run fuzz_ingest "$OUT/corpus-ingest" $(((SECS + 3) / 4)) -max_len=16384
run fuzz_xlsx "$OUT/corpus-xlsx" $(((SECS + 3) / 4)) -max_len=16384
# the methodology files: seeded with every built-in one, SECS/4
mkdir -p "$OUT/corpus-methodology" && cp "$TOP"/data/mrv/*.meth "$OUT/corpus-methodology/"
run fuzz_methodology "$OUT/corpus-methodology" $(((SECS + 3) / 4)) -max_len=16384
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
