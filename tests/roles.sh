#!/bin/sh
# roles.sh - users, roles and writes over HTTP, as a client sees them: log-in
# and log-out with the session cookie, the CSRF token on writes, API tokens,
# the log-in rate limit, the JSON body checks, and the whole role x endpoint
# matrix read from src/http/routes.def: every write by a role that may not do
# it is refused (401/403) and changes nothing; every write a role may do is
# let through for a record in its scope and refused (403) for one outside it.
#
# usage: tests/roles.sh BUILD_DIR    last line "roles: N passed, N failed"
set -u
BIN="$(cd "$1" && pwd)/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
PID=""
PID2=""
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	[ -n "$PID2" ] && kill -KILL "$PID2" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
export LC_ALL=C.UTF-8
# argon2id at libsodium's minimum cost: the suite logs in many times, under
# ASan and valgrind too (docs/auth.md; never set on a server)
export C2C_AUTH_INSECURE_FAST_HASH=1

. "$HERE/lib/assert.sh"
. "$HERE/lib/db.sh"
test_db c2c.db # a SQLite file, or the PostgreSQL database tests/pg.sh names

"$BIN" init >/dev/null 2>&1 || bad "init"
{
	"$BIN" registry account open --id JP-GOV-1 --country JP --kind government --holder Japan &&
	"$BIN" registry account open --id JP-ENT-1 --country JP --kind entity --holder "Toyama Co" &&
	"$BIN" registry account open --id JP-ENT-2 --country JP --kind entity --holder "Other Co" &&
	"$BIN" registry account open --id KH-GOV-1 --country KH --kind government --holder Cambodia &&
	"$BIN" registry issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1000 &&
	"$BIN" registry allocate KH003-01 JP-GOV-1=40 KH-GOV-1=60 &&
	"$BIN" registry authorize KH003-01 &&
	"$BIN" registry transfer --from JP-GOV-1 --to JP-ENT-1 --quantity 100 &&
	"$BIN" registry transfer --from JP-GOV-1 --to JP-ENT-2 --quantity 100
} >"$WORK/setup" 2>&1 && ok "registry set up" || bad "registry set-up: $(tail -n 3 "$WORK/setup")"
{
	"$BIN" score reviewer add --id rv-a --name 審査員A --affiliation 環境省 &&
	"$BIN" score reviewer add --id rv-b --name 審査員B --affiliation 大学
} >"$WORK/setup" 2>&1 && ok "reviewers set up" || bad "reviewers: $(tail -n 3 "$WORK/setup")"
# a monitoring report for a verifier to approve over HTTP: 2 PV systems x 12
# months x 100.5 MWh x 0.533 tCO2/MWh = 1285.596 t, 1285 credits
{
	echo "meter_id,timestamp,value"
	for m in PV1 PV2; do
		for mo in 01 02 03 04 05 06 07 08 09 10 11 12; do echo "$m,2025-$mo-01T00:00:00Z,100.5"; done
	done
} >"$WORK/pv.csv"
{
	"$BIN" mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533 --title "Solar PV" &&
	"$BIN" mrv report submit --project KH003 --data "$WORK/pv.csv" --from 2025-01-01 --to 2025-12-31
} >"$WORK/setup" 2>&1 && ok "MRV report submitted" || bad "MRV set-up: $(tail -n 3 "$WORK/setup")"

# one user per role; the password comes on stdin, never on the command line
adduser() { # NAME ROLE [SCOPE]
	if [ -n "${3:-}" ]; then
		echo "pass-$1-0123" | "$BIN" user add "$1" --role "$2" --scope "$3" >/dev/null 2>"$WORK/err"
	else
		echo "pass-$1-0123" | "$BIN" user add "$1" --role "$2" >/dev/null 2>"$WORK/err"
	fi || bad "user add $1: $(cat "$WORK/err")"
}
adduser admin1 admin
adduser office1 office
adduser toyama municipality jp-toyama-city
adduser male partner mv-male-city
adduser part1 participant JP-ENT-1
adduser verifier1 verifier
adduser regjp registrar JP
adduser regkh registrar KH
adduser rev1 reviewer rv-b
check "nine users" "$("$BIN" user list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 9
"$BIN" user token add part1 --label script >"$WORK/token" 2>"$WORK/err" || bad "token add: $(cat "$WORK/err")"

. "$HERE/lib/serve.sh"
serve_start serve || { echo "roles: $pass passed, $fail failed"; exit 1; }

python3 "$HERE/lib/roles_http.py" "$URL" "$HERE/../src/http/routes.def" "$(tr -d '\n' <"$WORK/token")" \
	"$BIN" "$WORK" >"$WORK/py.out" 2>&1
cat "$WORK/py.out"
pass=$((pass + $(grep -c '^ok: ' "$WORK/py.out")))
fail=$((fail + $(grep -c '^FAILED: ' "$WORK/py.out")))
grep -q '^roles_http done$' "$WORK/py.out" || bad "roles_http.py did not run to its end"

"$BIN" registry verify >/dev/null 2>&1 && ok "registry verify after the writes over HTTP" ||
	bad "registry verify: $("$BIN" registry verify 2>&1 | tail -n 2)"
# the journal names who did each write made over HTTP
"$BIN" registry journal --format json | python3 -c '
import json, sys
users = {e["user"] for e in json.load(sys.stdin)}
sys.exit(0 if {"regjp", "part1"} <= users else 1)' && ok "journal records the users of HTTP writes" ||
	bad "journal users: $("$BIN" registry journal --format json | grep -o '"user": "[^"]*"' | sort -u | tr '\n' ' ')"

# --- issue 18 item 2: a participant's project KH003 does not cover an account named KH003 ----
{
	"$BIN" registry account open --id KH003 --country JP --kind entity --holder "Named like a project" &&
	"$BIN" registry transfer --from JP-GOV-1 --to KH003 --quantity 5 &&
	echo "pass-part2-0123" | "$BIN" user add part2 --role participant --scope "JP-ENT-2,project:KH003" &&
	"$BIN" user token add part2 --label attack >"$WORK/token2"
} >"$WORK/setup" 2>&1 && ok "part2 set up (project KH003, account JP-ENT-2)" || bad "part2: $(tail -n 3 "$WORK/setup")"
check "part2's scope says what each item is" \
	"$("$BIN" user list --format json | python3 -c 'import json,sys; print([u["scope"] for u in json.load(sys.stdin) if u["name"] == "part2"][0])')" \
	"account:JP-ENT-2,project:KH003"
code=$(curl -s -o "$WORK/w2" -w '%{http_code}' -X POST -H "Authorization: Bearer $(tr -d '\n' <"$WORK/token2")" \
	-H 'Content-Type: application/json' -d '{"from": "KH003", "to": "JP-ENT-2", "quantity": 1}' \
	"$URL/api/v1/registry/transfer")
check "part2 refused moving credits out of the account KH003 (its project is KH003)" "$code" 403

# --- two servers, one database: nothing of a session or a write lives in a server --------
URL1=$URL PID1=$PID
serve_start serve2
URL2=$URL PID2=$PID URL=$URL1 PID=$PID1
credits() { # credits URL ACCOUNT: the account's active credits as that server reads them
	curl -s "$1/api/v1/registry/balance?account=$2" |
		python3 -c 'import json,sys; print(sum(r["credits"] for r in json.load(sys.stdin) if r["state"] == "active"))'
}
before=$(credits "$URL2" JP-ENT-2)
# every worker of server 2 keeps the reply in its cache (src/http/cache.c;
# on PostgreSQL too, keyed on the database's snapshot: issue 21)
hits() { curl -s "$1/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cache"]["hits"])'; }
h0=$(hits "$URL2")
for _ in 1 2 3 4; do credits "$URL2" JP-ENT-2 >/dev/null; done
h1=$(hits "$URL2")
check "server 2 answers the balance from its cache" "$([ "$h1" -gt "$h0" ] && echo yes || echo "no ($h0 -> $h1 hits)")" yes
token=$(tr -d '\n' <"$WORK/token")
code=$(curl -s -o "$WORK/w1" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
	-H 'Content-Type: application/json' -d '{"from": "JP-ENT-1", "to": "JP-ENT-2", "quantity": 1}' \
	"$URL/api/v1/registry/transfer")
check "a transfer through server 1" "$code" 200
# from each of its workers, none of which may serve the reply it kept before
for i in 1 2 3 4; do
	check "server 2 reads it at once ($i)" "$(credits "$URL2" JP-ENT-2)" "$((before + 1))"
done
# a session made on server 1 is honoured by server 2 (sessions live in the database);
# (a new log-in here would meet the lock on this address the log-in limit test left)
sess=$(cat "$WORK/office.session")
check "office1, logged in on server 1, reads the audit log on server 2" \
	"$(curl -s -b "c2c_session=$sess" -o /dev/null -w '%{http_code}' "$URL2/api/v1/audit")" 200
check "without the cookie server 2 refuses it" "$(curl -s -o /dev/null -w '%{http_code}' "$URL2/api/v1/audit")" 401
kill -TERM "$PID2"
wait "$PID2"
st=$?
PID2=""
check "server 2 exits 0 on SIGTERM" "$st" 0

# --- behind a proxy: X-Forwarded-For from a trusted proxy names the client ------------------
# (issue 18: behind the TLS proxy every client had its address, and five wrong
# passwords from anyone locked everyone out of a name)
URL1=$URL PID1=$PID
serve_start proxied --trusted-proxy 127.0.0.1,::1
URL3=$URL PID3=$PID URL=$URL1 PID=$PID1
login_via() { # login_via X-FORWARDED-FOR PASSWORD -> status
	curl -s -o "$WORK/lv" -w '%{http_code}' -H "X-Forwarded-For: $1" -H 'Content-Type: application/json' \
		-d "{\"name\": \"male\", \"password\": \"$2\"}" "$URL3/api/v1/session"
}
for i in 1 2 3 4 5; do login_via 203.0.113.50 "wrong-password-$i" >/dev/null; done
check "behind the proxy: the client that failed 5 times is locked" "$(login_via 203.0.113.50 pass-male-0123)" 429
check "another client behind the same proxy logs in" "$(login_via 203.0.113.51 pass-male-0123)" 200
check "what a client writes into X-Forwarded-For itself is not believed" \
	"$(login_via '203.0.113.99, 203.0.113.50' pass-male-0123)" 429
run "c2c user unlock lifts the lock" 0 "$BIN" user unlock male
has "and says what it forgot" "$WORK/out" "user 'male' unlocked: 5 failed log-ins forgotten"
check "then the locked client logs in" "$(login_via 203.0.113.50 pass-male-0123)" 200
run "c2c user unlock of no user" 4 "$BIN" user unlock nobody
has "names it" "$WORK/err" "no user 'nobody'"
kill -TERM "$PID3"
wait "$PID3"

kill -TERM "$PID"
wait "$PID"
st=$?
PID=""
check "server exits 0 on SIGTERM" "$st" 0
echo "roles: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
