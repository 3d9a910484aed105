#!/bin/sh
# web.sh - the web pages as people get them: `c2c serve` sending web/dist
# (index.html, its assets, the page CSP), no file outside the web directory
# reachable by any spelling of a path, and the pages themselves in a real
# browser (web/test/browser.mjs: Debian's chromium driven by playwright-core):
# dashboard figures, map points and lines, filters, the language switch and
# its memory, search, charts, the list and detail page of every table, phone
# width; then, on a database of its own with users, credits, an MRV report and
# scored proposals (web/test/forms.mjs), log-in and log-out and the forms of
# each role: a municipality's edit of its own partnership and its refusal on
# another's, a verifier's approval, a participant's transfer, retirement and
# cancellation, the office's decision, the log-in limit; before it
# (web/test/forms2.mjs) a registrar's issue, authorize and allocate, account
# open and close and cancellation, a municipality's proposal and the office's
# score sheet; last, on a third database with the example
# scenario, inventory and Tianjin observations (web/test/city.mjs), the
# decarbonization domino and cities' GHG work against the figures of
# docs/city.md, and (web/test/advice.mjs) the readiness check and matching
# against the worked numbers of docs/programme.md and the API; then, on a
# fourth database, the administrator's page (web/test/admin.mjs): users,
# their roles, scopes and tokens, and the log of writes; on a fifth,
# four-eyes approval (web/test/four-eyes.mjs): the admin's setting, two
# registrars' proposal and approval, a participant's proposal rejected, an
# expiry journalled.  Screenshots go to BUILD_DIR/web-screenshots/.
#
# No chromium, no node or no built pages is a failure, never a skip: a
# browser test that cannot run has not passed.
#
# usage: tests/web.sh BUILD_DIR    prints one line per check and, last,
#        "web: N passed, N failed"; exits non-zero if any failed.
set -u
BUILD="$(cd "$1" && pwd)"
BIN="$BUILD/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
WEB="$HERE/../web"
WORK="$(mktemp -d)"
PID=""
stop() { # SIGTERM the server; returns its exit status
	[ -n "$PID" ] || return 0
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"
	st=$?
	PID=""
	return "$st"
}
cleanup() { [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export LC_ALL=C.UTF-8
# argon2id at libsodium's minimum cost for the users made here (docs/auth.md;
# never set on a server)
export C2C_AUTH_INSECURE_FAST_HASH=1
. "$HERE/lib/assert.sh"
. "$HERE/lib/serve.sh" # free_port
DB="$WORK/c2c.db" # the database serve() serves

# serve ARGS...: start c2c serve on a free port, wait for it, set URL
serve() {
	port=$(free_port)
	"$BIN" --db "$DB" serve --port "$port" --threads 2 "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
	PID=$!
	URL="http://127.0.0.1:$port"
	for _ in $(seq 1 100); do curl -s -o /dev/null "$URL/healthz" && return 0; sleep 0.1; done
	bad "c2c serve did not start: $(cat "$WORK/serve.err")"
	return 1
}
# fetch NAME WANT_STATUS PATH [CURL ARGS]: body to $WORK/body, headers to $WORK/hdr
fetch() {
	n=$1 want=$2 p=$3
	shift 3
	code=$(curl -s --path-as-is -o "$WORK/body" -D "$WORK/hdr" -w '%{http_code}' "$@" "$URL$p")
	check "$n" "$code" "$want"
}
header() { # header NAME 'Name: value'
	if tr -d '\r' <"$WORK/hdr" | grep -qixF -- "$2"; then ok "$1"; else
		bad "$1: no '$2' in: $(tr -d '\r' <"$WORK/hdr" | tr '\n' '|')"; fi
}

# one browser test file against the served database ($DB at $URL), its checks counted
run_node() { # run_node NAME [SECONDS] [MIN_CHECKS]: web/test/NAME.mjs, stopped after SECONDS (120)
	(cd "$WEB" && C2C_BIN="$BIN" C2C_DB="$DB" timeout "${2:-120}" node "test/$1.mjs" "$URL/" "$shots") >"$WORK/$1.log" 2>&1
	st=$?
	cat "$WORK/$1.log"
	p=$(grep -c '^ok: ' "$WORK/$1.log")
	f=$(grep -c '^FAILED: ' "$WORK/$1.log")
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$st" -eq 0 ] || [ "$f" -gt 0 ] || bad "$1 run exited $st with no failed check: $(tail -5 "$WORK/$1.log")"
	[ "$p" -ge "${3:-21}" ] || bad "$1 run made only $p checks"
}

# journey NAME WHAT TEST[:SECONDS]...: on the database $DB just set up,
# serve, run each web/test/TEST.mjs in turn (run_node), stop; the server
# must exit 0 on SIGTERM after WHAT
journey() {
	name=$1 what=$2
	shift 2
	if [ ! -x /usr/bin/chromium ] || [ ! -d "$WEB/node_modules/playwright-core" ]; then
		bad "$name: no chromium or playwright-core (see above)"
		return
	fi
	serve || return
	start=$(date +%s)
	for t in "$@"; do
		case $t in *:*) run_node "${t%%:*}" "${t#*:}" ;; *) run_node "$t" ;; esac
	done
	echo "$name: $(($(date +%s) - start)) s"
	stop
	[ "$st" -eq 0 ] && ok "c2c serve exits 0 on SIGTERM after $what" || bad "c2c serve exit $st after $what"
}

"$BIN" --db "$WORK/c2c.db" init >/dev/null 2>"$WORK/init.err" || bad "c2c init: $(cat "$WORK/init.err")"

# --- serving the built pages (the default --web: the source tree's web/dist)
if [ -f "$WEB/dist/index.html" ]; then ok "web/dist is built"; else
	bad "web/dist/index.html missing: run 'make build' (npm ci and npm run build in web/)"; fi
if serve; then
	fetch "GET / is the page" 200 /
	header "/ is HTML" "Content-Type: text/html; charset=utf-8"
	header "/ has the page CSP" "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	header "/ says nosniff" "X-Content-Type-Options: nosniff"
	cmp -s "$WORK/body" "$WEB/dist/index.html" && ok "/ is web/dist/index.html" || bad "/ differs from web/dist/index.html"
	fetch "GET /index.html" 200 /index.html
	# the assets by the hashed names index.html gives them (web/build.mjs)
	app=$(grep -o 'assets/app\.[A-Z0-9]*\.js' "$WEB/dist/index.html")
	css=$(grep -o 'assets/style\.[0-9a-f]*\.css' "$WEB/dist/index.html")
	[ -n "$app" ] && [ -n "$css" ] && ok "index.html names hashed assets ($app, $css)" ||
		bad "index.html names no hashed app.js and style.css"
	fetch "GET /$app" 200 "/$app"
	header "app.js is JavaScript" "Content-Type: text/javascript; charset=utf-8"
	header "a hashed asset is immutable" "Cache-Control: public, max-age=31536000, immutable"
	cmp -s "$WORK/body" "$WEB/dist/$app" && ok "no Accept-Encoding: app.js as built" || bad "app.js differs from the built file"
	tr -d '\r' <"$WORK/hdr" | grep -qi '^Content-Encoding' && bad "app.js compressed unasked" || ok "app.js not compressed unasked"
	fetch "GET /$css" 200 "/$css"
	header "style.css is CSS" "Content-Type: text/css; charset=utf-8"
	fetch "GET /$app?v=1 (query ignored)" 200 "/$app?v=1"
	# compression: brotli first, else gzip, as the client says; the bytes decode to the file
	fetch "app.js with Accept-Encoding: gzip" 200 "/$app" -H "Accept-Encoding: gzip"
	header "gzip said" "Content-Encoding: gzip"
	header "Vary: Accept-Encoding" "Vary: Accept-Encoding"
	plain=$(wc -c <"$WEB/dist/$app")
	sent=$(wc -c <"$WORK/body")
	gzip -dc <"$WORK/body" | cmp -s - "$WEB/dist/$app" && ok "gzip of app.js: $sent bytes for $plain" || bad "the gzip of app.js does not decode to it"
	[ "$sent" -lt $((plain / 3)) ] && ok "gzip under a third of app.js" || bad "gzip of app.js is $sent bytes of $plain"
	fetch "app.js with Accept-Encoding: gzip, deflate, br" 200 "/$app" -H "Accept-Encoding: gzip, deflate, br"
	header "brotli said" "Content-Encoding: br"
	cmp -s "$WORK/body" "$WEB/dist/$app.br" && ok "brotli: the built $app.br ($(wc -c <"$WORK/body") bytes)" || bad "brotli reply is not $app.br"
	fetch "br;q=0 refused: gzip instead" 200 "/$app" -H "Accept-Encoding: br;q=0, gzip"
	header "q=0 respected" "Content-Encoding: gzip"
	fetch "identity only" 200 "/$app" -H "Accept-Encoding: identity"
	tr -d '\r' <"$WORK/hdr" | grep -qi '^Content-Encoding' && bad "identity: compressed all the same" || ok "identity: sent as it is"
	# index.html: no-cache, and 304 while its ETag holds
	fetch "GET / (for its ETag)" 200 / -H "Accept-Encoding: gzip"
	header "index.html is asked each time" "Cache-Control: no-cache"
	etag=$(tr -d '\r' <"$WORK/hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
	[ -n "$etag" ] && ok "index.html has an ETag ($etag)" || bad "index.html has no ETag"
	rm -f "$WORK/body" # curl leaves the file as it was when no body comes
	fetch "GET / If-None-Match: 304" 304 / -H "Accept-Encoding: gzip" -H "If-None-Match: $etag"
	[ ! -s "$WORK/body" ] && ok "304 sends no body" || bad "304 sent a body"
	fetch "GET / other ETag: 200" 200 / -H "Accept-Encoding: gzip" -H 'If-None-Match: "0-0"'
	fetch "HEAD /" 200 / -I
	cmp -s "$WORK/body" "$WORK/hdr" && ok "HEAD / has no body" || bad "HEAD / sent a body"
	fetch "POST / is not a page" 404 / -X POST
	fetch "unknown file: JSON 404" 404 /nope.html
	header "404 keeps the API CSP" "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'"
	fetch "API still there" 200 /api/v1/stats
	header "API keeps its strict CSP" "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'"
	fetch "API 404 stays JSON" 404 /api/v1/nope
	header "API 404 is JSON" "Content-Type: application/json; charset=utf-8"
	stop
fi

# --- traversal: a web directory of our own with a secret beside it --------
mkdir -p "$WORK/www/sub" "$WORK/www/.hidden"
echo '<!doctype html><title>t</title>' >"$WORK/www/index.html"
echo 'ok' >"$WORK/www/sub/a.txt"
echo 'SECRET-OUTSIDE' >"$WORK/secret.txt"
echo 'SECRET-HIDDEN' >"$WORK/www/.hidden/h.txt"
ln -s ../secret.txt "$WORK/www/link.txt"
ln -s /etc "$WORK/www/etc"
"$BIN" --db "$WORK/c2c.db" serve --port 0 --web "$WORK/none" >/dev/null 2>"$WORK/err"
st=$?
[ "$st" -ne 0 ] && grep -q "not a directory" "$WORK/err" && ok "--web to no directory is refused (exit $st)" ||
	bad "--web to no directory: exit $st, $(cat "$WORK/err")"
if serve --web "$WORK/www"; then
	fetch "--web DIR: / is its index.html" 200 /
	fetch "--web DIR: a file in a subdirectory" 200 /sub/a.txt
	header "unknown extension is text or bytes, never sniffed" "Content-Type: text/plain; charset=utf-8"
	fetch "a directory is no page" 404 /sub
	for p in /../secret.txt /sub/../../secret.txt /%2e%2e/secret.txt /%2E%2E%2Fsecret.txt \
		/..%2fsecret.txt /sub/%2e%2e/%2e%2e/secret.txt /./index.html //etc/passwd /%2Fetc%2Fpasswd \
		/etc/passwd /link.txt /.hidden/h.txt /%2ehidden/h.txt '/..\secret.txt' '/%5c..%5csecret.txt' \
		/index.html%00.txt /%00 /sub/a.txt%00 /%c0%ae%c0%ae/secret.txt /sub//a.txt; do
		code=$(curl -s --path-as-is -o "$WORK/body" -w '%{http_code}' "$URL$p")
		case "$code" in
		403 | 404) if grep -q SECRET "$WORK/body" || grep -q 'root:' "$WORK/body"; then
			bad "traversal $p: $code but the body leaks a file"; else ok "traversal $p: $code"; fi ;;
		*) bad "traversal $p: status $code, expected 403 or 404: $(head -c 100 "$WORK/body")" ;;
		esac
	done
	# a raw request line, no client to tidy it up
	raw=$(printf 'GET ../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
		python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",'"${URL##*:}"')); s.sendall(sys.stdin.buffer.read()); print(s.recv(4096).decode("latin1").split("\r\n")[0]); s.close()' 2>&1)
	case "$raw" in *" 403 "* | *" 404 "* | *" 400 "*) ok "raw 'GET ../secret.txt': $raw" ;; *) bad "raw 'GET ../secret.txt': $raw" ;; esac
	stop
fi

# --- the pages in chromium -------------------------------------------------
shots="$BUILD/web-screenshots"
rm -rf "$shots"
if [ ! -x /usr/bin/chromium ]; then
	bad "no /usr/bin/chromium: the browser tests cannot run (apt-get install chromium; scripts/install-deps.sh)"
elif ! command -v node >/dev/null 2>&1 || [ ! -d "$WEB/node_modules/playwright-core" ]; then
	bad "no node or no web/node_modules/playwright-core: run 'make build' (npm ci in web/)"
elif serve; then
	start=$(date +%s)
	# C2C_BIN/C2C_DB: the run issues credits into the served database's registry
	# with the CLI near its end, to see the credits chart fill
	run_node browser 240
	echo "browser: $(($(date +%s) - start)) s; screenshots in $shots"
	# a first and a repeat visit on a throttled phone profile (web/test/speed.mjs):
	# figures printed, compression and caching checked
	run_node speed 120 8
	# the map: zoom and pan (buttons, wheel, drag, pinch, keys), labels that do
	# not overlap, lines coloured by status or year, at 1280 and 390 px in both
	# languages (web/test/map.mjs)
	run_node map 240 100
	# every page in both languages: titles, headings, landmarks, developer
	# text, axe-core (web/test/a11y.mjs)
	run_node a11y 300 5
	stop
	[ "$st" -eq 0 ] && ok "c2c serve exits 0 on SIGTERM after the browser" || bad "c2c serve exit $st after the browser"
fi

# --- log-in and the forms in chromium, on a database of their own ------------
# users (password pass-NAME-0123, from stdin), JP-ENT-1 holding 100 credits,
# one submitted MRV report (2 PV meters x 12 months x 100.5 MWh x 0.533 t/MWh),
# a call with two proposals scored by two reviewers
DB="$WORK/forms.db"
c2c() { "$BIN" --db "$DB" "$@"; }
(
	c2c init &&
	c2c registry account open --id JP-GOV-1 --country JP --kind government --holder Japan &&
	c2c registry account open --id JP-ENT-1 --country JP --kind entity --holder "Toyama Co" &&
	c2c registry account open --id JP-ENT-2 --country JP --kind entity --holder "Other Co" &&
	c2c registry account open --id KH-GOV-1 --country KH --kind government --holder Cambodia &&
	c2c registry issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1000 &&
	c2c registry allocate KH003-01 JP-GOV-1=40 KH-GOV-1=60 &&
	c2c registry authorize KH003-01 &&
	c2c registry transfer --from JP-GOV-1 --to JP-ENT-1 --quantity 100 &&
	{
		echo "meter_id,timestamp,value"
		for m in PV1 PV2; do
			for mo in 01 02 03 04 05 06 07 08 09 10 11 12; do echo "$m,2025-$mo-01T00:00:00Z,100.5"; done
		done
	} >"$WORK/pv.csv" &&
	c2c mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533 --title "Solar PV" &&
	c2c mrv report submit --project KH003 --data "$WORK/pv.csv" --from 2025-01-01 --to 2025-12-31 &&
	sed 's/^\(PV.\),2025/\1,2024/' "$WORK/pv.csv" >"$WORK/pv24.csv" &&
	c2c mrv report submit --project KH003 --data "$WORK/pv24.csv" --from 2024-01-01 --to 2024-12-31 &&
	c2c mrv report verify 2 --approve --comment "approved for the registrar's issue" &&
	c2c score reviewer add --id rv-a --name 審査員A --affiliation 環境省 &&
	c2c score reviewer add --id rv-b --name 審査員B --affiliation 大学 &&
	c2c proposal submit --call c2c-2026 --on 2026-02-10 --body 富山市 --partner mv-male-city --title-ja "マレ市の太陽光" \
		--sector renewable_energy --outputs "capacity_building;jcm_equipment" --budget-jpy 30,000,000 --lead IGES &&
	c2c proposal submit --call c2c-2026 --on 2026-02-12 --body 横浜市 --partner vn-da-nang-city --title-ja "ダナン市の省エネ" \
		--sector energy_efficiency --outputs capacity_building --budget-jpy 20,000,000 --lead IGES &&
	c2c score pr-c2c-2026-001 --reviewer rv-a originality=5 local-companies=4 feasibility=4 &&
	c2c score pr-c2c-2026-001 --reviewer rv-b originality=4 local-companies=4 feasibility=5 &&
	c2c score pr-c2c-2026-002 --reviewer rv-a originality=3 local-companies=2 feasibility=3 &&
	c2c score pr-c2c-2026-002 --reviewer rv-b originality=3 local-companies=3 feasibility=3 &&
	# a call with a round open today: the server dates a proposal from a page
	c2c call open --id c2c-open --fy "$(($(date +%-m) >= 4 ? $(date +%Y) : $(date +%Y) - 1))" --title-ja 今日開いている試験公募 --planned 5 \
		--rounds "$(date -d '-7 days' +%F)..$(date -d '+30 days' +%F)" \
		--criteria "originality:独自性:1,local-companies:地元企業の参画:1,feasibility:実現可能性:1" &&
	for u in "toyama municipality jp-toyama-city" "ver1 verifier" "part1 participant JP-ENT-1" "off1 office" "regkh registrar KH"; do
		set -- $u
		echo "pass-$1-0123" | c2c user add "$1" --role "$2" ${3:+--scope "$3"} || exit 1
	done
) >"$WORK/forms-setup.log" 2>&1 && ok "forms: database set up (users, credits, an MRV report, scored proposals)" ||
	bad "forms: set-up failed: $(tail -n 3 "$WORK/forms-setup.log")"
# forms2 first: forms ends by locking the log-in address out
journey forms "the forms" forms2 forms

# --- the programme's roles in chromium, on a database of their own (issue 15) --
# web/test/programme-flow.mjs: the office opens a call, Tokyo submits a joint
# proposal with a saved readiness check, a reviewer scores it, the office
# selects it and closes the call; then the CLI reads what was stored
DB="$WORK/programme.db"
(
	c2c init &&
	c2c score reviewer add --id rv-ext --name 外部審査員 --affiliation 大学 &&
	c2c score reviewer add --id rv-sai --name 審査員さいたま --body jp-saitama-city &&
	for u in "off1 office" "tokyo municipality jp-tokyo-prefecture" "rev.ext reviewer rv-ext"; do
		set -- $u
		echo "pass-$1-0123" | c2c user add "$1" --role "$2" ${3:+--scope "$3"} || exit 1
	done
) >"$WORK/programme-setup.log" 2>&1 && ok "programme: database set up (reviewers, an office, a municipality, a reviewer user)" ||
	bad "programme: set-up failed: $(tail -n 3 "$WORK/programme-setup.log")"
journey programme "the programme's pages" programme-flow

# --- the domino and cities' GHG work in chromium, on a database of their own --
# the example scenario, the example inventory and four Tianjin observations
# (those of tests/city.sh: indicator 10 met and improving, 13 met, 22 not met),
# and Tianjin as a partner city's user, who records one more through the form
DB="$WORK/city.db"
(
	c2c init &&
	c2c city scenario add "$HERE/../data/city/scenario-example.json" &&
	c2c city inventory import "$HERE/city/inventory-example.csv" --place my-iskandar-region --year 2022 --gwp AR5 &&
	c2c city indicators observe --place cn-tianjin-city --measure tj-10 --year 2012 --value 130 --source example &&
	c2c city indicators observe --place cn-tianjin-city --measure tj-10 --year 2013 --value 110 --source example &&
	c2c city indicators observe --place cn-tianjin-city --measure tj-22 --year 2013 --value 40 --source example &&
	c2c city indicators observe --place cn-tianjin-city --measure tj-13 --year 2013 --value 65 --source example &&
	echo pass-tianjin-0123 | c2c user add tianjin --role partner --scope cn-tianjin-city &&
	echo pass-iskandar-0123 | c2c user add iskandar --role partner --scope my-iskandar-region
) >"$WORK/city-setup.log" 2>&1 && ok "city: database set up (a scenario, an inventory, Tianjin observations)" ||
	bad "city: set-up failed: $(tail -n 3 "$WORK/city-setup.log")"
# the readiness check and matching store nothing: any database with the atlas
journey city "the city pages" city advice

# --- a partner city's work in chromium (web/test/city-edit.mjs), on a database
# of its own: the example scenario to copy, and Da Nang's user (partner city)
DB="$WORK/city-edit.db"
(
	c2c init &&
	c2c city scenario add "$HERE/../data/city/scenario-example.json" &&
	echo pass-danang-0123 | c2c user add danang --role partner --scope vn-da-nang-city
) >"$WORK/city-edit-setup.log" 2>&1 && ok "city-edit: database set up (the example scenario, a partner city's user)" ||
	bad "city-edit: set-up failed: $(tail -n 3 "$WORK/city-edit-setup.log")"
# two whole journeys (English, Japanese), each from log-in to the stored result
journey city-edit "the city workspace" city-edit:240

# --- the administrator's page in chromium, on a database of its own -----------
# an admin (adm1) and a participant (part1, scoped to the account JP-ENT-1)
# with an API token; web/test/admin.mjs adds, changes, disables and enables
# users, creates and revokes tokens and reads the log of writes
DB="$WORK/admin.db"
(
	c2c init &&
	c2c registry account open --id JP-ENT-1 --country JP --kind entity --holder "Toyama Co" &&
	echo pass-adm1-0123 | c2c user add adm1 --role admin &&
	echo pass-part1-0123 | c2c user add part1 --role participant --scope JP-ENT-1 &&
	c2c user token add part1 --label script >/dev/null
) >"$WORK/admin-setup.log" 2>&1 && ok "admin: database set up (an admin, a participant with a token)" ||
	bad "admin: set-up failed: $(tail -n 3 "$WORK/admin-setup.log")"
journey admin "the admin's page" admin

# --- the MRV journey in chromium, on a database of its own --------------------
# a participant (mpart, scoped to two JCM projects) and a verifier (mver);
# web/test/mrv-flow.mjs registers, uploads, submits and approves, in English
# and in Japanese, and reads the results back through the API and the CLI
DB="$WORK/mrv.db"
(
	c2c init &&
	echo pass-mpart-0123 | c2c user add mpart --role participant --scope pj-hcmc-osaka-gas-rooftop-solar,pj-da-nang-water-pumps &&
	echo pass-mver-0123 | c2c user add mver --role verifier
) >"$WORK/mrv-setup.log" 2>&1 && ok "mrv: database set up (a participant, a verifier)" ||
	bad "mrv: set-up failed: $(tail -n 3 "$WORK/mrv-setup.log")"
journey mrv "the MRV journey" mrv-flow

# --- four-eyes approval in chromium, on a database of its own -----------------
# KH-GOV-1 with 400 credits and KH-ENT-1 with 200; two KH registrars (regkh1,
# regkh2), a participant of KH-ENT-1 (partkh) and an admin (adm1); no
# registry requires approval until the admin sets it in the page
# (web/test/four-eyes.mjs: propose, approve by the other, reject, expire)
DB="$WORK/four-eyes.db"
(
	c2c init &&
	c2c registry account open --id JP-GOV-1 --country JP --kind government --holder Japan &&
	c2c registry account open --id KH-GOV-1 --country KH --kind government --holder Cambodia &&
	c2c registry account open --id KH-ENT-1 --country KH --kind entity --holder "Phnom Penh Solar" &&
	c2c registry issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1000 &&
	c2c registry allocate KH003-01 JP-GOV-1=40 KH-GOV-1=60 &&
	c2c registry authorize KH003-01 &&
	c2c registry transfer --from KH-GOV-1 --to KH-ENT-1 --quantity 200 &&
	for u in "regkh1 registrar KH" "regkh2 registrar KH" "partkh participant KH-ENT-1" "adm1 admin"; do
		set -- $u
		echo "pass-$1-0123" | c2c user add "$1" --role "$2" ${3:+--scope "$3"} || exit 1
	done
) >"$WORK/four-eyes-setup.log" 2>&1 && ok "four-eyes: database set up (two KH registrars, a participant, an admin)" ||
	bad "four-eyes: set-up failed: $(tail -n 3 "$WORK/four-eyes-setup.log")"
journey four-eyes "four-eyes approval" four-eyes:180

echo "web: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
