#!/bin/sh
# http.sh - tests of `c2c serve` over real sockets, as a client sees it:
# every route of src/http/routes.def answers, bodies are byte for byte the
# CLI's --format json, pagination, every error with its status and JSON
# body, the OpenAPI document against routes.def, the security headers, and a
# SIGTERM that lets a request in flight finish and exits 0 (under the
# ASan+UBSan build, a leak or UB at exit fails that check).
#
# usage: tests/http.sh BUILD_DIR    prints one line per check and, last,
#        "http: N passed, N failed"; exits non-zero if any failed.
set -u
BIN="$(cd "$1" && pwd)/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROUTES="$HERE/../src/http/routes.def"
WORK="$(mktemp -d)"
PID=""
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
export LC_ALL=C.UTF-8
hdr_fail=0
nreq=0

. "$(dirname "$0")/lib/assert.sh"
. "$(dirname "$0")/lib/serve.sh"
. "$(dirname "$0")/lib/db.sh"
test_db c2c.db # a SQLite file, or the PostgreSQL database tests/pg.sh names

# get NAME WANT_STATUS PATH [CURL ARGS...]: body to $WORK/body, headers to
# $WORK/hdr; every response is also checked for the security headers.
get() {
	name=$1 want=$2 path=$3
	shift 3
	code=$(curl -s -o "$WORK/body" -D "$WORK/hdr" -w '%{http_code}' "$@" "$URL$path")
	nreq=$((nreq + 1))
	for h in "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'" \
		"X-Content-Type-Options: nosniff" "Referrer-Policy: no-referrer" \
		"Content-Type: application/json; charset=utf-8"; do
		if ! tr -d '\r' <"$WORK/hdr" | grep -qixF -- "$h"; then
			hdr_fail=$((hdr_fail + 1))
			echo "missing header on $path: $h"
		fi
	done
	if [ "$code" = "$want" ]; then ok "$name ($code)"; else
		bad "$name: status $code, expected $want: $(head -c 300 "$WORK/body")"; fi
}
header() { # header NAME 'Name: value'
	if tr -d '\r' <"$WORK/hdr" | grep -qixF -- "$2"; then ok "$1"; else
		bad "$1: no '$2' in: $(tr -d '\r' <"$WORK/hdr" | tr '\n' '|')"; fi
}
json_ok() { # json_ok NAME PYTHON_EXPR_ON_d (d = the body parsed)
	if python3 -c "import json,sys; d=json.load(open('$WORK/body')); sys.exit(0 if ($2) else 1)" 2>"$WORK/py"; then
		ok "$1"; else bad "$1: $(head -c 300 "$WORK/py") body: $(head -c 200 "$WORK/body")"; fi
}
same_as_cli() { # same_as_cli NAME CLI ARGS... : $WORK/body == the CLI's stdout
	name=$1
	shift
	"$BIN" "$@" >"$WORK/cli" 2>"$WORK/cli.err"
	if cmp -s "$WORK/body" "$WORK/cli"; then ok "$name: body = c2c $* (byte for byte)"; else
		bad "$name: body differs from c2c $*"; diff "$WORK/cli" "$WORK/body" | head -10; fi
}
error_is() { # error_is NAME WANT_STATUS WANT_CODE PATH [CURL ARGS...]
	n=$1 st=$2 ec=$3 p=$4
	shift 4
	get "$n" "$st" "$p" "$@"
	json_ok "$n: error body {code: $ec, message}" \
		"list(d) == ['error'] and d['error']['code'] == '$ec' and len(d['error']['message']) > 0"
}

# --- refusing to start --------------------------------------------------------
"$BIN" --db "$WORK/none.db" serve --port 0 >"$WORK/out" 2>"$WORK/err"
st=$?
[ "$st" -eq 4 ] && ok "serve without a database exits 4" || bad "serve without a database: exit $st"
grep -q "no such database" "$WORK/err" && ok "missing database message" || bad "message: $(cat "$WORK/err")"
: >"$WORK/empty.db"
"$BIN" --db "$WORK/empty.db" serve --port 0 >"$WORK/out" 2>"$WORK/err"
st=$?
[ "$st" -eq 4 ] && ok "serve on a database without the atlas exits 4" || bad "empty database: exit $st $(cat "$WORK/err")"
"$BIN" init >/dev/null 2>&1 || bad "init"
# some registry history, so the registry routes have rows to serve
{
	"$BIN" registry account open --id JP-GOV-1 --country JP --kind government --holder Japan &&
	"$BIN" registry account open --id KH-GOV-1 --country KH --kind government --holder Cambodia &&
	"$BIN" registry issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1200 &&
	"$BIN" registry allocate KH003-01 JP-GOV-1=50 KH-GOV-1=50 &&
	"$BIN" registry authorize KH003-01 &&
	"$BIN" registry transfer --from KH-GOV-1 --to JP-GOV-1 --quantity 100 &&
	"$BIN" registry retire --account JP-GOV-1 --quantity 10 --purpose ndc --beneficiary Japan
} >/dev/null 2>&1 || bad "registry set-up"
# a city inventory and the worked scenario, for the city routes
{
	"$BIN" city inventory import "$HERE/city/inventory-example.csv" --place cn-tianjin-city --year 2022 --gwp AR5 &&
	"$BIN" city scenario add "$HERE/../data/city/scenario-example.json"
} >/dev/null 2>&1 || bad "city set-up"
"$BIN" serve --port 70000 >"$WORK/out" 2>"$WORK/err"
st=$?
[ "$st" -eq 2 ] && ok "serve --port 70000 is a usage error" || bad "--port 70000: exit $st"
"$BIN" serve --bind nowhere --port 0 >"$WORK/out" 2>"$WORK/err"
st=$?
[ "$st" -eq 2 ] && ok "serve --bind nowhere is a usage error" || bad "--bind nowhere: exit $st"

# --- start ----------------------------------------------------------------------
serve_start serve || { echo "http: $pass passed, $fail failed"; exit 1; }
grep -qF "$URL/" "$WORK/serve.out" && ok "start line names the URL" || bad "start line: $(cat "$WORK/serve.out")"
get "healthz" 200 /healthz
json_ok "healthz says ok" "d['status'] == 'ok'"

# --- the routes of routes.def ----------------------------------------------------
python3 - "$ROUTES" >"$WORK/routes" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
starts = [m for m in re.finditer(r'^X\("(\w+)",\s*"([^"]+)",\s*(\w+),\s*("public")?', text, re.M)]
for i, m in enumerate(starts):
    body = text[m.end():starts[i + 1].start() if i + 1 < len(starts) else len(text)]
    # the public reads are walked here; the rest is tests/roles.sh's
    print(m.group(1), m.group(2), "paged" if "PAGED" in body and m.group(4) else "-")
EOF
# and the routes made from the atlas tables: GET /api/v1/<table> for every
# listable table that routes.def does not serve itself (its ATLAS_TABLE_ROUTES)
get "tables" 200 /api/v1/tables
json_ok "tables: every atlas table described, with its key" \
	"len(d) >= 16 and all(t['key'] for t in d) and [t['key'] for t in d if t['name'] == 'countries'] == [['code']]"
python3 - "$WORK/body" "$WORK/routes" <<'EOF'
import json, sys
have = {line.split()[1] for line in open(sys.argv[2])}
with open(sys.argv[2], "a") as out:
    for t in json.load(open(sys.argv[1])):
        if t["listable"] and "/api/v1/" + t["name"] not in have:
            print("GET", "/api/v1/" + t["name"], "paged", file=out)
EOF
grep -q "^GET /api/v1/places paged$" "$WORK/routes" && ok "the table routes are made from the tables" ||
	bad "no GET /api/v1/places among the table routes: $(cat "$WORK/routes")"
nroutes=$(wc -l <"$WORK/routes")
[ "$nroutes" -ge 15 ] && ok "routes.def read: $nroutes routes" || bad "routes.def: only $nroutes routes read"
# a list that needs a parameter gets one the data has: the first account's history
ACCT1=$("$BIN" registry account list --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
while read -r method path paged; do
	[ "$paged" = paged ] || continue
	case $path in
	/api/v1/registry/history) path="$path?account=$ACCT1" ;;
	esac
	get "GET $path" 200 "$path"
	case $path in
	/api/v1/city/* | /api/v1/mrv/projects | /api/v1/mrv/reports) # none in the built-in data
		json_ok "GET $path is a JSON array" "isinstance(d, list)" ;;
	*) json_ok "GET $path is a JSON array with rows" "isinstance(d, list) and len(d) > 0" ;;
	esac
	header "GET $path: X-Total-Count" "X-Total-Count: $(python3 -c "import json; print(len(json.load(open('$WORK/body'))))")"
	case $path in *\?*) sep='&' ;; *) sep='?' ;; esac
	get "GET $path${sep}nonsense=1" 400 "$path${sep}nonsense=1"
done <"$WORK/routes"

# --- the same bytes as the CLI -------------------------------------------------------
get "partnerships?country=VN" 200 "/api/v1/partnerships?country=VN"
same_as_cli "partnerships?country=VN" partnerships --country VN --format json
get "partnerships (all)" 200 "/api/v1/partnerships"
same_as_cli "partnerships" partnerships --format json
# the second time the reply comes from the cache (src/http/cache.c): the same
# bytes; then another process changes the data and the next reply has it
# (six times: each worker thread keeps its own cache)
for i in 1 2 3 4 5 6; do
	get "partnerships again ($i, cached)" 200 "/api/v1/partnerships"
	same_as_cli "partnerships, cached ($i)" partnerships --format json
done
"$BIN" export partnerships | sed 's/^p001,\([^,]*\),\([^,]*\),\([^,]*\),\([^,]*\),[^,]*,/p001,\1,\2,\3,\4,changed by another process,/' >"$WORK/pp.csv"
grep -q "^p001,.*changed by another process" "$WORK/pp.csv" && "$BIN" import partnerships "$WORK/pp.csv" >/dev/null &&
	ok "another process changes p001" || bad "another process could not change p001: $(grep '^p001' "$WORK/pp.csv")"
for i in 1 2 3 4 5 6; do
	get "partnerships after the change ($i)" 200 "/api/v1/partnerships"
	same_as_cli "partnerships after another process wrote ($i)" partnerships --format json
	grep -q "changed by another process" "$WORK/body" && ok "the change is served, not a cached reply ($i)" ||
		bad "a stale cached reply was served ($i)"
done
# --- gzip and ETag/304 on public reads (src/http/encoding.c) --------------------------
# a phone's repeat visit: the same ETag from every worker (cached or not), 304
# without a body while the data holds, 200 with a new ETag once it changes
get "openapi.json plain" 200 "/api/v1/openapi.json"
cp "$WORK/body" "$WORK/openapi.plain"
tr -d '\r' <"$WORK/hdr" | grep -qi '^Content-Encoding' && bad "openapi.json gzipped unasked" || ok "openapi.json plain unasked"
header "a public read may be kept, asked again" "Cache-Control: no-cache"
header "a public read varies by encoding, language and caller" "Vary: Accept-Encoding, Accept-Language, Cookie, Authorization"
etag=$(tr -d '\r' <"$WORK/hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
case $etag in W/\"*\") ok "openapi.json has a weak ETag ($etag)" ;; *) bad "openapi.json ETag: '$etag'" ;; esac
for i in 1 2 3; do
	get "openapi.json gzip ($i)" 200 "/api/v1/openapi.json" -H "Accept-Encoding: gzip, deflate, br"
	header "gzip said ($i)" "Content-Encoding: gzip"
	gzip -dc <"$WORK/body" | cmp -s - "$WORK/openapi.plain" && ok "gzip decodes to the plain reply ($i): $(wc -c <"$WORK/body") of $(wc -c <"$WORK/openapi.plain") bytes" ||
		bad "gzip of openapi.json does not decode to the plain reply ($i)"
	header "the same ETag gzipped ($i)" "ETag: $etag"
	rm -f "$WORK/body" # curl leaves the file as it was when no body comes
	get "openapi.json If-None-Match ($i)" 304 "/api/v1/openapi.json" -H "Accept-Encoding: gzip" -H "If-None-Match: $etag"
	[ ! -s "$WORK/body" ] && ok "304 has no body ($i)" || bad "304 sent $(wc -c <"$WORK/body") bytes ($i)"
done
get "If-None-Match: another tag" 200 "/api/v1/openapi.json" -H 'If-None-Match: W/"0000", "1111"'
get "If-None-Match: a list holding it" 304 "/api/v1/openapi.json" -H "If-None-Match: \"x\", $etag"
get "partnerships (for its ETag)" 200 "/api/v1/partnerships"
petag=$(tr -d '\r' <"$WORK/hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
get "partnerships unchanged: 304" 304 "/api/v1/partnerships" -H "If-None-Match: $petag"
get "a small reply is not compressed" 200 "/api/v1/partnerships?country=XX" -H "Accept-Encoding: gzip"
tr -d '\r' <"$WORK/hdr" | grep -qi '^Content-Encoding' && bad "$(wc -c <"$WORK/body") bytes gzipped" || ok "a reply under 1 KB goes as it is"
# a session cookie (even a dead one, read as the public) makes the reply the caller's
get "a caller with a session cookie: 200, not 304" 200 "/api/v1/partnerships" -H "Cookie: c2c_session=nonsense" -H "If-None-Match: $petag"
header "nothing kept for a caller with a session" "Cache-Control: no-store"
tr -d '\r' <"$WORK/hdr" | grep -qi '^ETag' && bad "an ETag for a caller with a session" || ok "no ETag for a caller with a session"
"$BIN" export partnerships | sed 's/^p002,\([^,]*\),\([^,]*\),\([^,]*\),\([^,]*\),[^,]*,/p002,\1,\2,\3,\4,changed for the ETag,/' >"$WORK/pp2.csv"
"$BIN" import partnerships "$WORK/pp2.csv" >/dev/null && ok "another process changes p002" || bad "could not change p002"
for i in 1 2 3; do
	get "partnerships changed: 200 to the old ETag ($i)" 200 "/api/v1/partnerships" -H "If-None-Match: $petag"
	header "a new ETag ($i)" "ETag: $(tr -d '\r' <"$WORK/hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')"
	tr -d '\r' <"$WORK/hdr" | grep -qixF "ETag: $petag" && bad "the old ETag again ($i)" || ok "not the old ETag ($i)"
done

get "partnerships?body=富山 (encoded)" 200 "/api/v1/partnerships" -G --data-urlencode "body=富山"
same_as_cli "partnerships?body=富山" partnerships --body 富山 --format json
get "partnerships?partner=Kuala+Lumpur&fy=2022" 200 "/api/v1/partnerships?partner=Kuala+Lumpur&fy=2022"
same_as_cli "partnerships?partner=Kuala Lumpur&fy=2022" partnerships --partner "Kuala Lumpur" --fy 2022 --format json
# a fiscal year in 和暦 is the same year (date_parse_fy, shared with the CLI)
get "partnerships?fy=令和4 (encoded)" 200 "/api/v1/partnerships" -G --data-urlencode "fy=令和4"
same_as_cli "partnerships?fy=令和4" partnerships --fy 2022 --format json
get "stats?from=平成25年度&to=R4 (encoded)" 200 "/api/v1/stats" -G --data-urlencode "from=平成25年度" --data-urlencode "to=R4"
same_as_cli "stats?from=平成25年度&to=R4" stats --from 2013 --to 2022 --format json
error_is "fy 平成32年度 does not exist" 400 usage "/api/v1/partnerships" -G --data-urlencode "fy=平成32年度"
get "search?q=富山" 200 "/api/v1/search?q=%E5%AF%8C%E5%B1%B1"
same_as_cli "search 富山" search 富山 --format json
get "search?q=Da%20Nang&limit=3" 200 "/api/v1/search?q=Da%20Nang&limit=3"
same_as_cli "search Da Nang --limit 3" search "Da Nang" --limit 3 --format json
# the spellings a person types (src/atlas/fold.c): each finds Da Nang first
for q in Danang "Đà Nẵng" ﾀﾞﾅﾝ "da nang"; do
	get "search?q=$q" 200 "/api/v1/search" -G --data-urlencode "q=$q"
	json_ok "search $q: Da Nang first, its line as written" "d[0]['id'] == 'vn-da-nang-city' and d[0]['name'] == 'ダナン市' and all(chr(1) not in x['name'] + x['match'] for x in d)"
done
# a 和暦 year finds what its Gregorian year finds; Saigon finds Ho Chi Minh City
get "search?q=2023" 200 "/api/v1/search?q=2023"
cp "$WORK/body" "$WORK/search2023"
get "search?q=令和5年度" 200 "/api/v1/search" -G --data-urlencode "q=令和5年度"
cmp -s "$WORK/body" "$WORK/search2023" && ok "search 令和5年度 = search 2023" || bad "search 令和5年度 differs from 2023"
get "search?q=Saigon" 200 "/api/v1/search?q=Saigon"
json_ok "search Saigon: Ho Chi Minh City, the alias as the reason" "d[0]['id'] == 'vn-ho-chi-minh-city' and d[0]['match'] == 'Saigon'"
get "search?q=Male" 200 "/api/v1/search?q=Male"
json_ok "search Male: Malé" "d[0]['id'] == 'mv-male-city' and d[0]['match'] == 'Malé'"
get "stats" 200 "/api/v1/stats"
same_as_cli "stats" stats --format json
get "stats?from=2013&to=2022" 200 "/api/v1/stats?from=2013&to=2022"
same_as_cli "stats 2013-2022" stats --from 2013 --to 2022 --format json
get "places?country=ID&kind=regency" 200 "/api/v1/places?country=ID&kind=regency"
same_as_cli "places ID regency" places --country ID --kind regency --format json
get "projects?kind=jcm" 200 "/api/v1/projects?kind=jcm"
same_as_cli "projects jcm" projects --kind jcm --format json
get "city inventory" 200 "/api/v1/city/inventory?place=cn-tianjin-city&year=2022"
same_as_cli "city inventory" city inventory show --place cn-tianjin-city --year 2022 --format json
error_is "city inventory of a year without one" 404 not_found "/api/v1/city/inventory?place=cn-tianjin-city&year=2021"
error_is "city inventory without its year" 400 usage "/api/v1/city/inventory?place=cn-tianjin-city"
"$BIN" city indicators observe --place cn-tianjin-city --measure tj-10 --year 2013 --value 110 --source example >/dev/null
get "city observations" 200 "/api/v1/city/observations?place=cn-tianjin-city"
same_as_cli "city observations" city indicators observations --place cn-tianjin-city --format json
json_ok "city observations: the one made" "[(o['measure_id'], o['year'], o['value']) for o in d] == [('tj-10', 2013, 110.0)]"
get "city frameworks" 200 "/api/v1/city/frameworks"
same_as_cli "city frameworks" city indicators frameworks --format json
json_ok "city frameworks: Tianjin's 22 indicators, counted as a number" "[f['indicators'] for f in d if f['id'] == 'tianjin-eco-city'] == [22]"
get "city scenario" 200 "/api/v1/city/scenarios/example-iskandar-2030"
same_as_cli "city scenario" city scenario show example-iskandar-2030
for how in shapley sequential; do
	get "city scenario run ($how)" 200 "/api/v1/city/scenarios/example-iskandar-2030/run?attribution=$how"
	same_as_cli "city scenario run ($how)" city scenario run example-iskandar-2030 --attribution $how --format json
done
json_ok "scenario run: the hand-checked reduction and parts (docs/city.md)" \
	"d['totals']['reduction_t'] == 197150 and [m['reduction_t'] for m in d['measures']] == [147000, 15000, 15600, 17550, 2000]"
error_is "city scenario run, unknown rule" 400 usage "/api/v1/city/scenarios/example-iskandar-2030/run?attribution=fair"
error_is "city scenario that does not exist" 404 not_found "/api/v1/city/scenarios/nowhere/run"
# --- the readiness check and matching: public, nothing stored -----------------------
get "readiness questions" 200 "/api/v1/readiness/questions"
same_as_cli "readiness questions" readiness questions --format json
# every item answered: 3 for the first check's, 0 for the last check's, 1 elsewhere
python3 -c "
import json
qs = json.load(open('$WORK/body'))
last = max(q['check'] for q in qs)
print(json.dumps({'answers': {q['item']: 3 if q['check'] == 1 else 0 if q['check'] == last else 1 for q in qs}}))
" >"$WORK/answers.json"
get "readiness score" 200 "/api/v1/readiness/score" -X POST -H 'Content-Type: application/json' --data-binary @"$WORK/answers.json"
same_as_cli "readiness score" readiness score "$WORK/answers.json" --format json
error_is "readiness score with an answer out of range" 422 input "/api/v1/readiness/score" -X POST \
	-H 'Content-Type: application/json' --data '{"answers": {"r1-water-waste": 7}}'
error_is "readiness score without answers" 400 usage "/api/v1/readiness/score" -X POST -H 'Content-Type: application/json' --data '{}'
get "match VN water" 200 "/api/v1/match?country=VN&sector=water&tech=pump&size=medium&limit=3"
same_as_cli "match VN water" match --country VN --sector water --tech pump --size medium --limit 3 --format json
json_ok "match: Yokohama first for water in Viet Nam, with its reasons" \
	"d['bodies'][0]['id'] == 'jp-yokohama-city' and len(d['bodies'][0]['why']) > 0 and len(d['bodies']) == 3"
error_is "match for a country that is not one" 422 input "/api/v1/match?country=ZZ"
error_is "match without a country" 400 usage "/api/v1/match?sector=water"
get "domino edges" 200 "/api/v1/domino/edges"
same_as_cli "domino edges" domino --format json
get "domino edges of a channel" 200 "/api/v1/domino/edges?channel=training&to_country=NP"
same_as_cli "domino edges of a channel" domino --channel training --to-country NP --format json
json_ok "domino edges: Surabaya -> Nepal by training" "[e['id'] for e in d] == ['dm-surabaya-nepal-waste']"
get "match evaluation" 200 "/api/v1/match/evaluation"
same_as_cli "match evaluation" match evaluate --format json
get "agreements?body_id=jp-toyama-city" 200 "/api/v1/agreements?body_id=jp-toyama-city"
same_as_cli "agreements toyama" agreements --body-id jp-toyama-city --format json
get "countries?jcm_partner=1" 200 "/api/v1/countries?jcm_partner=1"
same_as_cli "countries jcm" countries --jcm-partner 1 --format json
get "registry/accounts" 200 "/api/v1/registry/accounts"
same_as_cli "registry accounts" registry account list --format json
get "registry/blocks?account=JP-GOV-1" 200 "/api/v1/registry/blocks?account=JP-GOV-1"
same_as_cli "registry blocks JP-GOV-1" registry blocks --account JP-GOV-1 --format json
get "registry/balance" 200 "/api/v1/registry/balance"
same_as_cli "registry balance" registry balance --format json
get "registry/ca-report?country=KH&year=2023" 200 "/api/v1/registry/ca-report?country=KH&year=2023"
same_as_cli "registry ca-report KH 2023" registry ca-report --country KH --year 2023 --format json
get "registry/verify" 200 "/api/v1/registry/verify"
same_as_cli "registry verify" registry verify --format json
json_ok "registry/verify proves the registry" "d['ok'] is True and d['issued'] == 1200 and d['retired'] == 10"
get "registry/ca-report, every country" 200 "/api/v1/registry/ca-report"
# Japan's 600, allocated before the authorization, first transferred at it; then the 100 transferred
json_ok "adjustments of both countries net to zero" "len(d) == 4 and sum(r['adjustment'] for r in d) == 0 and sorted(r['adjustment'] for r in d if r['country'] == 'KH') == [100, 600]"
get "registry/ca-report?year=twenty" 400 "/api/v1/registry/ca-report?year=twenty"
get "registry/balance of an unknown account" 404 "/api/v1/registry/balance?account=NOPE"
get "HEAD partnerships" 200 /api/v1/partnerships -I
# with -I curl writes the headers where the body would go: nothing else may follow
cmp -s "$WORK/body" "$WORK/hdr" && ok "HEAD has no body" || bad "HEAD sent a body"

# --- pagination -----------------------------------------------------------------
"$BIN" places --format json >"$WORK/all"
total=$(python3 -c "import json; print(len(json.load(open('$WORK/all'))))")
get "places?limit=3&offset=2" 200 "/api/v1/places?limit=3&offset=2"
header "X-Total-Count is the whole list" "X-Total-Count: $total"
json_ok "limit/offset slice the CLI's array" "d == json.load(open('$WORK/all'))[2:5]"
get "places?offset=$((total - 1))" 200 "/api/v1/places?offset=$((total - 1))"
json_ok "offset near the end leaves one" "d == json.load(open('$WORK/all'))[-1:]"
get "places?offset=100000" 200 "/api/v1/places?offset=100000"
json_ok "offset past the end is []" "d == []"
get "places?limit=0" 200 "/api/v1/places?limit=0"
json_ok "limit=0 is []" "d == []"

# --- downloads: ?format=csv|xlsx, the CLI's cells -----------------------------------
# dl NAME PATH FILE: the body to $WORK/FILE, its headers to $WORK/dlhdr
dl() {
	code=$(curl -s -o "$WORK/$3" -D "$WORK/dlhdr" -w '%{http_code}' "$URL$2")
	if [ "$code" = 200 ]; then ok "$1 (200)"; else bad "$1: status $code: $(head -c 300 "$WORK/$3")"; fi
}
dl "places?format=csv" "/api/v1/places?format=csv" places.csv
header_dl() { if tr -d '\r' <"$WORK/dlhdr" | grep -qixF -- "$2"; then ok "$1"; else
	bad "$1: no '$2' in: $(tr -d '\r' <"$WORK/dlhdr" | tr '\n' '|')"; fi; }
header_dl "a CSV download says so" "Content-Type: text/csv; charset=utf-8"
header_dl "a CSV download is a named file" 'Content-Disposition: attachment; filename="c2c-places.csv"'
"$BIN" places --format csv >"$WORK/places-cli.csv"
if tr -d '\r' <"$WORK/places.csv" | cmp -s - "$WORK/places-cli.csv"; then ok "the CSV download is c2c places --format csv, line for line"; else
	bad "CSV download differs from the CLI's"; tr -d '\r' <"$WORK/places.csv" | diff "$WORK/places-cli.csv" - | head -5; fi
[ "$(head -c 3 "$WORK/places.csv" | od -An -tx1 | tr -d ' ')" != "efbbbf" ] && ok "no byte order mark unless asked" ||
	bad "a byte order mark without bom=1"
dl "places?format=csv&bom=1" "/api/v1/places?format=csv&bom=1&country=VN" places-bom.csv
[ "$(head -c 3 "$WORK/places-bom.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && ok "bom=1 starts with the UTF-8 byte order mark" ||
	bad "bom=1: no byte order mark"
python3 - "$WORK/places-bom.csv" "$WORK/all" <<'PY' && ok "the filtered CSV holds exactly the VN places, with their Japanese names" || bad "filtered CSV rows"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
want = [p for p in json.load(open(sys.argv[2])) if p.get('country') == 'VN']
sys.exit(0 if rows and [r['id'] for r in rows] == [p['id'] for p in want]
         and all(r['name_ja'] == (p.get('name_ja') or '') for r, p in zip(rows, want)) else 1)
PY
dl "places?format=xlsx" "/api/v1/places?format=xlsx&limit=5" places.xlsx
header_dl "an XLSX download says so" "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
python3 - "$WORK/places.xlsx" "$WORK/all" <<'PY' && ok "the XLSX holds the header and the first 5 places' ids" || bad "XLSX content"
import json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
strings = re.findall(r'<t[^>]*>([^<]*)</t>', z.read('xl/sharedStrings.xml').decode())
sheet = z.read('xl/worksheets/sheet1.xml').decode()
want = [p['id'] for p in json.load(open(sys.argv[2]))[:5]]
rows = re.findall(r'<row r="(\d+)"', sheet)
sys.exit(0 if 'id' in strings and all(i in strings for i in want) and len(rows) == 6 else 1)
PY
dl "a record's table: stats as CSV" "/api/v1/stats?format=csv" stats.csv
"$BIN" stats --format json >"$WORK/stats.json"
python3 - "$WORK/stats.csv" "$WORK/stats.json" <<'PY' && ok "a record downloads as its first table (stats), a line a row" || bad "stats CSV: $(head -c 200 "$WORK/stats.csv")"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8', newline='')))
doc = json.load(open(sys.argv[2]))
table = next(v for v in doc.values() if isinstance(v, list) and v and isinstance(v[0], dict))
first = next(iter(table[0]))
sys.exit(0 if len(rows) == len(table) and [r[first] for r in rows] == [str(t[first]) for t in table] else 1)
PY
dl "a record as XLSX: its summary and its tables" "/api/v1/stats?format=xlsx" stats.xlsx
python3 - "$WORK/stats.xlsx" "$WORK/stats.json" <<'PY' && ok "stats.xlsx: a sheet summary, then one per table of the record" || bad "stats.xlsx sheets"
import json, re, sys, zipfile
names = re.findall(r'<sheet name="([^"]*)"', zipfile.ZipFile(sys.argv[1]).read('xl/workbook.xml').decode())
doc = json.load(open(sys.argv[2]))
tables = [k[:31] for k, v in doc.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
sys.exit(0 if names == ['summary'] + tables and 'figures' in tables else 1)
PY
error_is "format=pdf is refused" 400 usage "/api/v1/places?format=pdf"
json_ok "format=pdf names the field" "d['error']['field'] == 'format'"
error_is "a route that is no list takes no format" 400 usage "/api/v1/registry/verify?format=csv"

# --- errors ---------------------------------------------------------------------
error_is "unknown query parameter" 400 usage "/api/v1/partnerships?colour=red"
error_is "bad number" 400 usage "/api/v1/partnerships?fy=twenty"
error_is "number out of range" 400 usage "/api/v1/stats?to=1800"
error_is "number with junk" 400 usage "/api/v1/places?limit=3x"
error_is "negative limit" 400 usage "/api/v1/places?limit=-1"
error_is "from after to" 400 usage "/api/v1/stats?from=2022&to=2013"
error_is "parameter twice" 400 usage "/api/v1/partnerships?country=VN&country=TH"
error_is "parameter without value" 400 usage "/api/v1/partnerships?country"
error_is "search without q" 400 usage "/api/v1/search"
error_is "search with empty q" 400 usage "/api/v1/search?q="
error_is "bad percent-encoding" 400 usage "/api/v1/partnerships?country=%ZZ"
error_is "truncated percent-encoding" 400 usage "/api/v1/partnerships?country=V%4"
error_is "invalid UTF-8" 422 input "/api/v1/partnerships?body=%FF%FE"
error_is "overlong UTF-8" 422 input "/api/v1/partnerships?body=%C0%AF"
error_is "NUL in a value" 422 input "/api/v1/partnerships?body=a%00b"
error_is "unknown table" 404 not_found "/api/v1/frobs"
error_is "table without a list route" 404 not_found "/api/v1/partnership_places"
error_is "unknown path" 404 not_found "/nope"
# a message quoting bytes that are not UTF-8 (raw in a query name, or a path cut
# inside a character) keeps its message: found by tests/fuzz/fuzz_http.c
error_is "raw non-UTF-8 bytes quoted in a message" 400 usage "/api/v1/stats?l$(printf '\377\377')"
error_is "a long path cut inside a character" 404 not_found "/api/v1/$(printf '%%E5%%AF%%8C%.0s' $(seq 120))"
error_is "trailing slash is another path" 404 not_found "/api/v1/places/"
error_is "POST on a GET route" 405 usage "/api/v1/places" -X POST
header "405 says Allow" "Allow: GET, HEAD"
error_is "DELETE on a GET route" 405 usage "/api/v1/partnerships" -X DELETE
error_is "GET with a body" 413 usage "/api/v1/places" -X GET --data "x=1"
long=$(python3 -c "print('a' * 9000)")
error_is "target over 8 KiB" 414 usage "/api/v1/places?kind=$long"
get "percent-encoded path" 200 "/api/v1/%70laces?country=JP"

# --- OpenAPI against routes.def ---------------------------------------------------
get "openapi.json" 200 /api/v1/openapi.json
cp "$WORK/body" "$WORK/openapi.json"
json_ok "openapi.json is OpenAPI 3.0" "d['openapi'].startswith('3.0') and 'paths' in d"
if python3 - "$WORK/openapi.json" "$WORK/routes" >"$WORK/py" 2>&1 <<'EOF'; then ok "openapi.json lists exactly the routes of routes.def and the tables"; else bad "openapi.json vs routes.def and the tables: $(cat "$WORK/py")"; fi
import json, sys
doc = json.load(open(sys.argv[1]))
want = set()
for line in open(sys.argv[2]):
    method, path, _ = line.split()
    want.add((method.lower(), path))
have = {(m, p) for p, item in doc["paths"].items() for m in item}
if want != have:
    print("only in routes.def:", sorted(want - have), "only in openapi:", sorted(have - want))
    sys.exit(1)
EOF
# Every parameter the document names is one the server takes, and the server
# takes no other: a valid value of each gets 200, a made-up name gets 400.
python3 - "$WORK/openapi.json" >"$WORK/paramreqs" <<'EOF'
import json, sys, urllib.parse
doc = json.load(open(sys.argv[1]))
for path, item in doc["paths"].items():
    # the GETs that read data; writes and log-in are tests/roles.sh's
    if "get" not in item or "{id}" in path or "security" in item["get"] or path == "/api/v1/session":
        continue
    op = item["get"]
    req = [p for p in op["parameters"] if p.get("required")]
    known = {"account": "JP-GOV-1", "place": "cn-tianjin-city", "framework": "tianjin-eco-city", "year": "2022",
             "attribution": "sequential", "country": "VN", "sector": "water", "size": "medium",
             "channel": "training", "table": "partnerships", "party": "JP"}
    base = {p["name"]: known.get(p["name"], "Toyama") for p in req}
    for p in op["parameters"]:
        s = p["schema"]
        if s.get("type") == "integer":
            v = known.get(p["name"], str(s.get("minimum", 1)))
        elif "enum" in s:
            v = s["enum"][0]
        elif s.get("format") == "fiscal-year":
            v = "令和4"  # a fiscal year is read in 和暦 as well as 2022 (date_parse_fy)
        else:
            # a value the parameter can hold: an existing account, else a name
            v = known.get(p["name"], "Toyama")
        q = dict(base)
        q[p["name"]] = v
        print(path + "?" + urllib.parse.urlencode(q))
EOF
nparam=0
while read -r target; do
	nparam=$((nparam + 1))
	get "documented parameter: $target" 200 "$target"
done <"$WORK/paramreqs"
[ "$nparam" -ge 20 ] && ok "$nparam documented parameters tried" || bad "only $nparam documented parameters"

# --- many clients at once -----------------------------------------------------------
seq 1 64 | sed "s|.*|$URL/api/v1/partnerships?country=VN|" >"$WORK/urls"
xargs -P 16 -n 1 curl -s -o /dev/null -w '%{http_code}\n' <"$WORK/urls" >"$WORK/codes"
n200=$(grep -c '^200$' "$WORK/codes")
[ "$n200" -eq 64 ] && ok "64 requests from 16 clients at once: all 200" || bad "concurrent: $n200 of 64 were 200"
curl -sv -o /dev/null -o /dev/null "$URL/healthz" "$URL/healthz" 2>"$WORK/v"
grep -q "Re-using existing connection" "$WORK/v" && ok "keep-alive: second request on the same connection" ||
	bad "keep-alive: connection not reused"

[ "$hdr_fail" -eq 0 ] && ok "security headers on all $nreq responses" || bad "security headers missing $hdr_fail times"

# --- more clients than the connection limit (512) ------------------------------------
# 600 keep-alive clients ask as fast as they can for 1.5 s, then all hang up,
# twice: the server must let go of their sockets at once, not at the 15 s
# timeout.  (libmicrohttpd's epoll mode did not: a worker at its share of the
# limit stopped watching its connections; server.c uses poll() for that.)
python3 - "$PORT" "$PID" >"$WORK/flood" 2>&1 <<'EOF2'
import os, selectors, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
fds = lambda: len(os.listdir("/proc/%d/fd" % pid))
req = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
held = False
for rnd in (1, 2):
    base = fds()
    sel = selectors.DefaultSelector()
    socks, replies = [], 0
    for _ in range(600):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        sel.register(s, selectors.EVENT_WRITE)
        socks.append(s)
    end = time.time() + 1.5
    while time.time() < end:
        for key, ev in sel.select(0.1):
            s = key.fileobj
            try:
                if ev & selectors.EVENT_WRITE:
                    s.send(req)
                    sel.modify(s, selectors.EVENT_READ)
                elif s.recv(65536):
                    replies += 1
                    s.send(req)
            except OSError:
                sel.unregister(s)
    peak = fds()
    for s in socks:
        s.close()
    deadline = time.time() + 3
    while time.time() < deadline and fds() > base + 50:
        time.sleep(0.1)
    print("round %d: %d replies; server fds %d before, %d with the clients, %d 3 s after they left"
          % (rnd, replies, base, peak, fds()))
    held = held or fds() > base + 50
print("held" if held else "released")
EOF2
grep -q "^released" "$WORK/flood" && ok "600 clients over the limit, twice: sockets released at once" ||
	bad "sockets held after the clients left: $(cat "$WORK/flood")"
get "served after the flood" 200 /healthz --max-time 2

# --- slow clients (issue 18) ---------------------------------------------------------
# A second server with a 3 s request deadline and 32 connections per address.
# 300 sockets from one address trickling a header byte by byte get 32 slots;
# 520 from 20 addresses fill every slot, and the deadline frees them all
# (libmicrohttpd's 15 s timeout counts only silence: before the deadline they
# held the server as long as they kept trickling); /healthz answers at once
# after each.  A body that keeps coming past the deadline is read and
# answered; a trickled one is cut.
SLOW_PORT=$(free_port)
"$BIN" serve --bind 127.0.0.1 --port "$SLOW_PORT" --threads 2 --request-timeout 3 --per-address 32 \
	>"$WORK/slow.out" 2>"$WORK/slow.err" &
SLOW_PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$SLOW_PORT/healthz" && break; sleep 0.1; done
python3 - "$SLOW_PORT" >"$WORK/slow" 2>&1 <<'EOF_SLOW'
import socket, sys, time
port = int(sys.argv[1])

def healthz(timeout=1.0):
    """seconds /healthz took from 127.0.0.1, or None"""
    t = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        ok = s.recv(64).startswith(b"HTTP/1.1 200")
        s.close()
        return time.time() - t if ok else None
    except OSError:
        return None

def trickle_open(n, addrs):
    socks = []
    for i in range(n):
        s = socket.socket()
        s.bind((addrs[i % len(addrs)], 0))
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"G")
        except OSError:
            pass
        socks.append(s)
    return socks

def trickle(socks, secs, step=0.5):
    """one byte of a header per socket every step; the sockets still open at the end"""
    alive = set(range(len(socks)))
    end = time.time() + secs
    while time.time() < end:
        for i in list(alive):
            try:
                socks[i].send(b"x")
            except OSError:
                alive.discard(i)
        time.sleep(step)
    # a socket the server shut down reads as end of file
    for i in list(alive):
        socks[i].setblocking(False)
        try:
            if socks[i].recv(1) == b"":
                alive.discard(i)
        except BlockingIOError:
            pass
        except OSError:
            alive.discard(i)
    return len(alive)

# A: 300 trickling sockets from one address: at most --per-address (32) held
a = trickle_open(300, ["127.0.0.2"])
held = trickle(a, 1.0)
h = healthz()
print("per-address: %d of 300 held; healthz %s" % (held, "%.2fs" % h if h is not None else "no answer"))
for s in a:
    s.close()
time.sleep(0.5)

# B: 520 trickling sockets from 20 addresses (26 each, under the limit),
# more than the server's 512 slots: the deadline (3 s) must free them
b = trickle_open(520, ["127.0.0.%d" % (10 + i) for i in range(20)])
trickle(b, 1.0)
full = healthz(0.5)
held = trickle(b, 6.5)
h = healthz()
print("deadline: healthz while full %s; %d of 520 held after 7.5 s; healthz after %s"
      % ("answered" if full is not None else "no answer", held, "%.2fs" % h if h is not None else "no answer"))
for s in b:
    s.close()

# C: a body that keeps coming (48 KiB at about 12 KiB/s, 4 s, past the 3 s
# deadline) is read to its end and answered; a trickled body is cut
def post(rate_bytes, chunk, pause, total):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % total)
    body = b'{"name":"' + b"a" * (total - 25) + b'","password":""}'
    assert len(body) == total
    sent = 0
    try:
        while sent < total:
            s.sendall(body[sent:sent + chunk])
            sent += chunk
            time.sleep(pause)
        reply = s.recv(64)
    except OSError:
        reply = b""
    s.close()
    return sent, reply.split(b"\r\n")[0].decode(errors="replace")

sent, line = post(0, 3072, 0.25, 49152)
print("steady upload: %d bytes sent, reply '%s'" % (sent, line))
t = time.time()
sent, line = post(0, 1, 0.5, 100)
print("trickled body: cut after %.1f s with %d of 100 bytes sent, reply '%s'" % (time.time() - t, sent, line))
EOF_SLOW
kill "$SLOW_PID" 2>/dev/null
wait "$SLOW_PID" 2>/dev/null
slow_line() { grep "^$1" "$WORK/slow" || echo "$1: (no result) $(tail -3 "$WORK/slow")"; }
l=$(slow_line per-address)
echo "$l" | grep -Eq "^per-address: (3[0-9]|[0-2]?[0-9]) of 300 held; healthz 0\.[0-9]" &&
	ok "300 trickling sockets from one address: ${l#per-address: }" || bad "per-address limit: $l"
l=$(slow_line deadline)
echo "$l" | grep -Eq "^deadline: healthz while full no answer; 0 of 520 held after 7\.5 s; healthz after 0\.[0-9]" &&
	ok "520 trickling sockets from 20 addresses cut by the deadline: ${l#deadline: }" || bad "request deadline: $l"
l=$(slow_line steady)
echo "$l" | grep -q "^steady upload: 49152 bytes sent, reply 'HTTP/1.1 401" &&
	ok "a body sent steadily past the deadline is answered" || bad "steady upload: $l"
l=$(slow_line trickled)
echo "$l" | grep -Eq "^trickled body: cut after [3-5]\.[0-9] s .* reply ''" &&
	ok "a trickled body is cut: ${l#trickled body: }" || bad "trickled body: $l"
"$BIN" serve --port 0 --trusted-proxy 10.0.0.1,nowhere >"$WORK/out" 2>"$WORK/err"
st=$?
[ "$st" -eq 2 ] && grep -q "'nowhere' is not an IP address" "$WORK/err" && ok "serve --trusted-proxy nowhere is a usage error" ||
	bad "--trusted-proxy nowhere: exit $st $(cat "$WORK/err")"

# --- SIGTERM with a request in flight -----------------------------------------------------
# A client sends its request line, the server gets SIGTERM, then the client
# sends the rest: the request must still be answered in full, new
# connections refused meanwhile, and the process must exit 0.
python3 - "$PORT" "$PID" >"$WORK/drain" 2>&1 <<'EOF'
import json, os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /api/v1/partnerships HTTP/1.1\r\nHost: test\r\n")
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
time.sleep(0.5)
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    print("new-connection: accepted")
except OSError:
    print("new-connection: refused")
s.sendall(b"Accept: */*\r\n\r\n")
s.settimeout(20)
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
head, _, body = data.partition(b"\r\n\r\n")
print("status:", head.split(b"\r\n")[0].decode())
print("rows:", len(json.loads(body)))
EOF
grep -q "^status: HTTP/1.1 200" "$WORK/drain" && ok "request in flight at SIGTERM answered 200" ||
	bad "request in flight: $(cat "$WORK/drain")"
grep -q "^rows: [1-9]" "$WORK/drain" && ok "its body complete JSON" || bad "body: $(cat "$WORK/drain")"
grep -q "^new-connection: refused" "$WORK/drain" && ok "no new connections after SIGTERM" ||
	bad "after SIGTERM: $(cat "$WORK/drain")"
wait "$PID"
st=$?
PID=""
[ "$st" -eq 0 ] && ok "server exits 0 after SIGTERM" || bad "server exit $st: $(tail -20 "$WORK/serve.err")"
grep -q "SIGTERM" "$WORK/serve.err" && ok "server says it is stopping" || bad "no stop message"

echo "http: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
