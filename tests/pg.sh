#!/bin/sh
# pg.sh - the PostgreSQL backend against a real server (issue 9): starts a
# throwaway PostgreSQL (initdb into a temporary directory, a free port on
# 127.0.0.1, its socket in that directory, stopped at the end) and runs the
# atlas and registry through it, comparing with the same commands on SQLite;
# 8 concurrent writers; the server restarted and a primary failed over
# under load; `c2c db migrate` of a SQLite file and its refusals;
# then (not in a sanitizer build) every CLI suite and unit test again on
# that server, and valgrind over the PostgreSQL paths (docs/store.md, Tests).
# Where no server can be had the run says so loudly and counts a failure.
# usage: tests/pg.sh BUILD_DIR; last line "pg: N passed, N failed".
set -u
BUILD="$(cd "$1" && pwd)"
BIN="$BUILD/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
chmod 755 "$WORK"
. "$(dirname "$0")/lib/assert.sh"
. "$(dirname "$0")/lib/serve.sh" # free_port
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PGDATA="$WORK/pgdata"
started=0

# The server refuses to run as root: run its programs as `postgres` then.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
	[ "$started" = 1 ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1
	for d in "$WORK/ha1" "$WORK/ha2/data"; do # the primary and standby of "fail over"
		[ -f "$d/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap stop EXIT
trap 'exit 1' INT TERM

no_server() {
	echo "!!!!!!!! pg: NO POSTGRESQL SERVER: $1 -- the PostgreSQL backend is NOT tested !!!!!!!!"
	bad "PostgreSQL server unavailable: $1"
	echo "pg: $pass passed, $fail failed"
	exit 1
}

[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || no_server "no /usr/lib/postgresql/*/bin/initdb (run scripts/install-deps.sh)"
[ "$(id -u)" -ne 0 ] || id postgres >/dev/null 2>&1 || no_server "running as root and there is no postgres user"
PORT=$(free_port)
PG_SERVER_PORT=$PORT # serve_start (lib/serve.sh) sets PORT to its own
mkdir -p "$PGDATA" && { [ "$(id -u)" -ne 0 ] || chown postgres "$PGDATA"; }
# C collation and UTF-8: text sorts by bytes as in SQLite, lower() folds ASCII.
as_pg "$PGBIN/initdb" -D "$PGDATA" -U c2c --auth=trust --encoding=UTF8 --locale=C >"$WORK/initdb.log" 2>&1 ||
	no_server "initdb failed: $(tail -n 3 "$WORK/initdb.log")"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
	-o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c fsync=off" start >/dev/null 2>&1 ||
	no_server "the server did not start: $(tail -n 3 "$PGDATA/server.log" 2>/dev/null)"
started=1
createdb() { as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_SERVER_PORT" -U c2c "$1"; }
createdb atlas && createdb reg || no_server "createdb failed"
ok "a PostgreSQL server on 127.0.0.1:$PORT"
PG="postgresql://c2c@127.0.0.1:$PORT"
SQ="$WORK/sq.db"

# --- atlas ---------------------------------------------------------------------
C2C_DB="$PG/atlas" "$BIN" init >"$WORK/init1" 2>&1 && ok "init on PostgreSQL" || bad "init on PostgreSQL: $(cat "$WORK/init1")"
C2C_DB="$SQ" "$BIN" init >"$WORK/sqinit" 2>&1 || bad "init on SQLite: $(cat "$WORK/sqinit")"
C2C_DB="$PG/atlas" "$BIN" init >"$WORK/init2" 2>&1 || bad "second init: $(cat "$WORK/init2")"
C2C_DB="$SQ" "$BIN" init >"$WORK/sqinit2" 2>&1
check "second init on PostgreSQL says what the second init on SQLite says" \
	"$(sed "s|^$PG/atlas:||" "$WORK/init2")" "$(sed "s|^$SQ:||" "$WORK/sqinit2")"
grep -qi "unchanged\|nothing\|up to date\|already" "$WORK/init2" && ok "second init changes nothing" ||
	bad "second init output: $(cat "$WORK/init2")"
both() { # both NAME ARGS...: the same command on SQLite and PostgreSQL, byte for byte
	name=$1; shift
	C2C_DB="$SQ" "$BIN" "$@" >"$WORK/sq.out" 2>&1
	C2C_DB="$PG/$DBNAME" "$BIN" "$@" >"$WORK/pg.out" 2>&1
	if cmp -s "$WORK/sq.out" "$WORK/pg.out"; then ok "$name"; else
		bad "$name differs: $(diff "$WORK/sq.out" "$WORK/pg.out" | head -n 6)"; fi
}
DBNAME=atlas
stats=$(C2C_DB="$PG/atlas" "$BIN" stats --format json 2>&1)
check "headline stats 14/67/25" "$(printf '%s' "$stats" | python3 -c '
import json,sys; v={f["key"]: f["value"] for f in json.load(sys.stdin)["figures"]}
print("%s/%s/%s" % (v["countries"], v["partner_places"], v["japanese_bodies"]))' 2>&1)" "14/67/25"
both "stats json equal" stats --format json
# and the folded spellings (src/atlas/fold.c): the same rows on both
# and 和暦 years and the places' other spellings (data/atlas/place_aliases.csv)
for q in 富山 Toyama "Da Nang" 堺 ベトナム Danang "Đà Nẵng" ﾀﾞﾅﾝ Male ＴＯＹＡＭＡ 令和5年度 H27 Saigon Rangoon マレ市; do
	C2C_DB="$SQ" "$BIN" search "$q" --format json >"$WORK/sq.s" 2>&1
	C2C_DB="$PG/atlas" "$BIN" search "$q" --format json >"$WORK/pg.s" 2>&1
	first() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r[0]["table"], r[0]["id"] if r else "none")' "$1" 2>&1; }
	check "search $q: same first hit" "$(first "$WORK/pg.s")" "$(first "$WORK/sq.s")"
	cmp -s "$WORK/sq.s" "$WORK/pg.s" && ok "search $q: same hits" || bad "search $q hits differ: $(diff "$WORK/sq.s" "$WORK/pg.s" | head -n 4)"
done
both "partnerships json equal" partnerships --format json
both "places json equal" places --format json
both "projects json equal" projects --format json

# --- registry ------------------------------------------------------------------
DBNAME=reg
SQ="$WORK/reg.db"
scenario() {
	"$BIN" init >/dev/null &&
	"$BIN" registry account open --id JP-GOV-1 --country JP --kind government --holder Japan &&
	"$BIN" registry account open --id JP-ENT-1 --country JP --kind entity --holder Toyama &&
	"$BIN" registry account open --id KH-GOV-1 --country KH --kind government --holder Cambodia &&
	"$BIN" registry issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1000 &&
	"$BIN" registry allocate KH003-01 JP-GOV-1=30 KH-GOV-1=70 &&
	"$BIN" registry authorize KH003-01 &&
	"$BIN" registry transfer --from JP-GOV-1 --to JP-ENT-1 --quantity 20 &&
	"$BIN" registry retire --account JP-ENT-1 --quantity 5 --purpose ndc --beneficiary Japan
}
(export C2C_DB="$SQ"; scenario) >"$WORK/sq.reg" 2>&1 || bad "registry scenario on SQLite: $(tail -n 3 "$WORK/sq.reg")"
(export C2C_DB="$PG/reg"; scenario) >"$WORK/pg.reg" 2>&1 && ok "registry scenario on PostgreSQL" ||
	bad "registry scenario on PostgreSQL: $(tail -n 3 "$WORK/pg.reg")"
check "registry scenario prints the same" "$(sed 's/[0-9T:-]*Z//g' "$WORK/pg.reg")" "$(sed 's/[0-9T:-]*Z//g' "$WORK/sq.reg")"
both "registry blocks json equal" registry blocks --format json
both "registry balance json equal" registry balance --format json
both "registry verify json equal" registry verify --format json
C2C_DB="$PG/reg" "$BIN" registry verify >/dev/null 2>&1 && ok "verify passes on PostgreSQL" || bad "verify on PostgreSQL"
hist_ops() { "$BIN" registry history --account JP-ENT-1 --format json | python3 -c "import json,sys; print(' '.join('%s%+d' % (r['op'], r['quantity']) for r in json.load(sys.stdin)))"; }
check "registry history on PostgreSQL as on SQLite" "$(C2C_DB="$PG/reg" hist_ops)" "$(C2C_DB="$SQ" hist_ops)"

# 8 processes x 40 transfers of 1 credit from JP-GOV-1 (280 left after the
# scenario): SERIALIZABLE must refuse every overdraw and lose no update.
export C2C_DB="$PG/reg"
for a in JP-ENT-2 JP-ENT-3 JP-ENT-4 JP-ENT-5; do
	"$BIN" registry account open --id $a --country JP --kind entity --holder $a >/dev/null
done
bal() { "$BIN" registry balance --account "$1" --format json | python3 -c "import json,sys; print(sum(r['credits'] for r in json.load(sys.stdin) if r['state']=='active'))"; }
before=$(bal JP-GOV-1)
t0=$(date +%s)
for w in 1 2 3 4 5 6 7 8; do
	(
		to=JP-ENT-$(( (w - 1) % 4 + 2 ))
		i=0
		while [ $i -lt 40 ]; do
			if "$BIN" registry transfer --from JP-GOV-1 --to "$to" --quantity 1 >/dev/null 2>>"$WORK/errs.$w"; then
				echo "$to" >>"$WORK/acks.$w"
			fi
			i=$((i + 1))
		done
	) &
done
wait
echo "concurrency: $(( $(date +%s) - t0 )) s"
acked=$(cat "$WORK"/acks.* 2>/dev/null | wc -l)
moved=$(( $(bal JP-ENT-2) + $(bal JP-ENT-3) + $(bal JP-ENT-4) + $(bal JP-ENT-5) ))
check "every acknowledged concurrent transfer moved exactly one credit" "$moved" "$acked"
check "no credit created or lost under concurrency" "$(( $(bal JP-GOV-1) + moved ))" "$before"
[ "$(bal JP-GOV-1)" -ge 0 ] && ok "no overdraw" || bad "JP-GOV-1 overdrawn"
other=$(cat "$WORK"/errs.* 2>/dev/null | grep -v "holds 0 credits" | grep -iv "retry" | grep -v "^hint:" | head -n 3)
[ -z "$other" ] && ok "refusals were overdraws or serialization conflicts ($(cat "$WORK"/errs.* 2>/dev/null | grep -ci "retry the operation") serialization conflicts, refused)" ||
	bad "a refused transfer failed for another reason: $other"
# serialization failures are retried inside each registry operation: none may reach the user
check "no transfer refused for a serialization conflict (they are retried)" \
	"$(cat "$WORK"/errs.* 2>/dev/null | grep -ci "retry the operation")" 0
"$BIN" registry verify >/dev/null 2>&1 && ok "verify after concurrency" || bad "verify after concurrency: $("$BIN" registry verify 2>&1 | tail -n 3)"

# --- one row, eight writers, in every module -----------------------------------
# Every write goes through store_tx, which runs a transaction that lost a
# race on SERIALIZABLE again: eight processes writing the same row of each
# module at once must all succeed, none refused for a lost race.  (The
# registry's transfers are the section above.)  Not in a sanitizer build:
# there every write is ten times slower and the same store_tx code runs
# through the registry's race above.
SANITIZE=$(python3 -c 'import json,sys
v = next((o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == "b_sanitize"), "none")
print(",".join(v) or "none" if isinstance(v, list) else v)' "$BUILD/meson-info/intro-buildoptions.json" 2>/dev/null)
if [ "$SANITIZE" = none ]; then
createdb race || no_server "createdb failed"
export C2C_DB="$PG/race"
printf 'meter_id,timestamp,value\nPV1,2024-03-01T00:00:00Z,100.5\nPV1,2024-04-01T00:00:00Z,120.25\n' >"$WORK/race.csv"
{
	"$BIN" init &&
	"$BIN" mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533 &&
	"$BIN" proposal submit --call c2c-2026 --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja 小水力 \
		--sector renewable_energy --outputs capacity_building --budget-jpy 1000000 --lead IGES &&
	for w in 1 2 3 4 5 6 7 8; do "$BIN" score reviewer add --id rv-$w --name "審査員$w" || exit 1; done &&
	echo "pass-race-admin-01" | C2C_AUTH_INSECURE_FAST_HASH=1 "$BIN" user add racer --role admin
} >"$WORK/race.setup" 2>&1 || bad "race set-up: $(tail -n 3 "$WORK/race.setup")"
TOKEN=$("$BIN" user token add racer --label race 2>/dev/null)
serve_start race
# race NAME CMD...: 8 processes run CMD 4 times each ($w is the writer's
# number inside CMD); every run must succeed.
race() {
	name=$1; shift
	rm -f "$WORK"/race.ok.* "$WORK"/race.err.*
	pids=""
	for w in 1 2 3 4 5 6 7 8; do
		(
			i=0
			while [ $i -lt 4 ]; do
				if W=$w sh -c "$*" >/dev/null 2>>"$WORK/race.err.$w"; then echo x >>"$WORK/race.ok.$w"; fi
				i=$((i + 1))
			done
		) &
		pids="$pids $!"
	done
	wait $pids # not the server's
	check "$name: 32 concurrent writes on one row, every one done" "$(cat "$WORK"/race.ok.* 2>/dev/null | wc -l)" 32
	check "$name: none refused for a lost race" "$(cat "$WORK"/race.err.* 2>/dev/null | grep -ci 'serializ\|retry\|deadlock')" 0
	[ -s "$(ls "$WORK"/race.err.* | head -n 1)" ] && echo "  $(cat "$WORK"/race.err.* | head -n 2)"
	:
}
race "atlas edit (PATCH over HTTP)" "code=\$(curl -s -o '$WORK/patch.out.'\$W -w '%{http_code}' -X PATCH -H 'Authorization: Bearer $TOKEN' \
	-H 'Content-Type: application/json' -d '{\"note\": \"writer '\$W'\"}' '$URL/api/v1/partnerships/p001'); [ \"\$code\" = 200 ] || { echo \"HTTP \$code: \$(cat '$WORK/patch.out.'\$W)\" >&2; false; }"
race "mrv report" "cd '$WORK' && '$BIN' mrv report submit --project KH003 --data race.csv --from 2024-01-01 --to 2024-12-31"
check "mrv: 32 reports, 32 distinct numbers" "$("$BIN" mrv report list --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), len({x["id"] for x in r}))')" "32 32"
race "city inventory row" "'$BIN' city inventory import '$HERE/city/inventory-example.csv' --place vn-da-nang-city --year 2022 --gwp AR5"
race "programme score" "'$BIN' score pr-c2c-2026-001 --reviewer rv-\$W originality=4 local-companies=3 feasibility=5 --replace"
check "programme: one sheet per reviewer" "$("$BIN" score list --proposal pr-c2c-2026-001 --format json | python3 -c 'import json,sys; print(len({x["reviewer_id"] for x in json.load(sys.stdin)}))')" 8
kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null
unset C2C_DB

# --- the database server lost under load (issue 21) --------------------------------
# transfer_run NAME DISRUPT: on the database C2C_DB names (with the server
# $URL and the admin's $TOKEN), a client transfers one credit at a time for
# 8 s; 2 s in, DISRUPT (a shell function) takes the database server away.
# Every reply must be a 200 or a 503 with Retry-After (never a 500, never no
# reply), the server must connect again by itself (every transfer after the
# last 503 done), and the credits moved must be the acknowledged transfers,
# plus at most those whose 503 said the commit's outcome is unknown; then
# `registry verify` is clean and the audit log has one row per transfer done.
transfer_run() {
	name=$1 disrupt=$2
	{
		"$BIN" registry account open --id JP-RS-1 --country JP --kind entity --holder A &&
		"$BIN" registry account open --id KH-RS-1 --country KH --kind entity --holder B &&
		"$BIN" registry issue --external-verification EV-RS --source tests/pg.sh --project KH003 \
			--from 2023-01-01 --to 2023-12-31 --quantity 100000 &&
		"$BIN" registry authorize KH003-01 &&
		"$BIN" registry allocate KH003-01 JP-RS-1=100
	} >"$WORK/$name.setup" 2>&1 || bad "$name: set-up: $(tail -n 3 "$WORK/$name.setup")"
	python3 - "$URL" "$TOKEN" "$WORK/$name.out" <<'PY' &
import json, sys, time, urllib.request, urllib.error
url, token, out = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
end = time.time() + 8
while time.time() < end:
    req = urllib.request.Request(url + "/api/v1/registry/transfer", method="POST",
        data=json.dumps({"from": "JP-RS-1", "to": "KH-RS-1", "quantity": 1}).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            rows.append({"status": r.status})
    except urllib.error.HTTPError as e:
        rows.append({"status": e.code, "retry_after": e.headers.get("Retry-After"),
                     "body": e.read().decode("utf-8", "replace")})
    except Exception as e:  # no reply at all
        rows.append({"status": 0, "body": repr(e)})
json.dump(rows, open(out, "w"))
PY
	load=$!
	sleep 2
	"$disrupt"
	wait "$load"
	python3 - "$WORK/$name.out" >"$WORK/$name.sum" 2>"$WORK/$name.other" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
unav = [i for i, r in enumerate(rows) if r["status"] == 503]
other = [r for r in rows if r["status"] not in (200, 503)]
after = rows[unav[-1] + 1:] if unav else []
print(sum(r["status"] == 200 for r in rows), len(unav), len(other),
      sum(not rows[i].get("retry_after") for i in unav),
      sum("during the commit" in rows[i].get("body", "") for i in unav),
      sum(r["status"] == 200 for r in after), len(after))
for r in other[:3]:
    print(r, file=sys.stderr)
PY
	read -r acked unav other noretry uncertain after_ok after_n <"$WORK/$name.sum"
	check "$name: every reply a 200 or a 503 ($acked acknowledged, $unav refused) $(head -c 300 "$WORK/$name.other")" "$other" 0
	check "$name: the server met the loss (503 replies)" "$([ "${unav:-0}" -gt 0 ] && echo yes || echo no)" yes
	check "$name: every 503 says when to try again (Retry-After)" "$noretry" 0
	check "$name: after the last 503 every transfer is done again ($after_ok of $after_n: connected by itself)" \
		"$([ "${after_n:-0}" -gt 0 ] && [ "$after_ok" = "$after_n" ] && echo yes || echo no)" yes
	moved=$("$BIN" registry balance --account KH-RS-1 --format json |
		python3 -c "import json,sys; print(sum(r['credits'] for r in json.load(sys.stdin)))")
	check "$name: every acknowledged transfer is there once ($moved moved, $acked acknowledged, $uncertain unknown)" \
		"$([ "${moved:-0}" -ge "${acked:-1}" ] && [ "${moved:-0}" -le $((acked + uncertain)) ] && echo yes || echo no)" yes
	"$BIN" registry verify >"$WORK/$name.verify" 2>&1 && ok "$name: registry verify clean" ||
		bad "$name: verify: $(tail -n 3 "$WORK/$name.verify")"
	# the audit row is written in the transfer's own transaction: one per
	# transfer that was done, none for one that was not
	logged=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/audit" |
		python3 -c "import json,sys; print(sum(r['path'] == '/api/v1/registry/transfer' for r in json.load(sys.stdin)))")
	check "$name: every transfer done has its audit row, and only those ($logged rows)" "$logged" "$moved"
}
# availability_db NAME: on the database C2C_DB names, c2c's schema, the
# project KH003, an admin NAME with a token ($TOKEN) and a server ($URL, $PID)
availability_db() {
	{
		"$BIN" init &&
		"$BIN" mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533 &&
		echo "pass-$1-admin-01" | C2C_AUTH_INSECURE_FAST_HASH=1 "$BIN" user add "$1" --role admin
	} >"$WORK/$1.init" 2>&1 || bad "$1: set-up: $(tail -n 3 "$WORK/$1.init")"
	TOKEN=$("$BIN" user token add "$1" --label "$1" 2>/dev/null)
	serve_start "$1"
}
restart_pg() {
	as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 -m fast \
		-o "-c listen_addresses=127.0.0.1 -p $PG_SERVER_PORT -k $PGDATA -c fsync=off" restart >/dev/null 2>&1 ||
		bad "PostgreSQL did not restart"
}
createdb restart || no_server "createdb failed"
export C2C_DB="$PG/restart"
availability_db restarter
transfer_run "PostgreSQL restarted" restart_pg
kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null

# --- a primary and a synchronous standby: the primary stopped hard (issue 21) -----
# Two more servers: a primary whose commits wait for the standby
# (synchronous_standby_names), and a standby made with pg_basebackup. c2c is
# given both hosts in one URL with target_session_attrs=read-write; the
# primary is stopped hard (-m immediate) during a transfer run and the
# standby promoted: c2c finds the new primary by itself, and every
# acknowledged transfer is there exactly once.
HA1=$(free_port) HA2=$(free_port)
mkdir -p "$WORK/ha1" "$WORK/ha2" && { [ "$(id -u)" -ne 0 ] || chown postgres "$WORK/ha1" "$WORK/ha2"; }
chmod 700 "$WORK/ha1" "$WORK/ha2"
if as_pg "$PGBIN/initdb" -D "$WORK/ha1" -U c2c --auth=trust --encoding=UTF8 --locale=C >"$WORK/ha.log" 2>&1 &&
	as_pg "$PGBIN/pg_ctl" -D "$WORK/ha1" -l "$WORK/ha1/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $HA1 -k $WORK/ha1 -c fsync=off -c wal_level=replica" start >>"$WORK/ha.log" 2>&1 &&
	as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$HA1" -U c2c -D "$WORK/ha2/data" -R >>"$WORK/ha.log" 2>&1 &&
	printf "primary_conninfo = 'host=127.0.0.1 port=%s user=c2c application_name=standby1'\n" "$HA1" |
		as_pg tee -a "$WORK/ha2/data/postgresql.auto.conf" >/dev/null &&
	as_pg "$PGBIN/pg_ctl" -D "$WORK/ha2/data" -l "$WORK/ha2/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $HA2 -k $WORK/ha2 -c fsync=off" start >>"$WORK/ha.log" 2>&1 &&
	as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$HA1" -U c2c -d postgres -qAt \
		-c "ALTER SYSTEM SET synchronous_standby_names = 'standby1'" -c "SELECT pg_reload_conf()" >>"$WORK/ha.log" 2>&1 &&
	as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$HA1" -U c2c ha >>"$WORK/ha.log" 2>&1; then
	ok "a primary on $HA1 and a synchronous standby on $HA2"
else
	bad "primary and standby: $(tail -n 5 "$WORK/ha.log")"
fi
for _ in $(seq 1 50); do
	s=$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$HA1" -U c2c -d postgres -qAt -c "SELECT sync_state FROM pg_stat_replication" 2>/dev/null)
	[ "$s" = sync ] && break
	sleep 0.2
done
check "the standby is synchronous" "$s" sync
export C2C_DB="postgresql://c2c@127.0.0.1:$HA1,127.0.0.1:$HA2/ha?target_session_attrs=read-write"
availability_db ha
fail_over() {
	as_pg "$PGBIN/pg_ctl" -D "$WORK/ha1" -m immediate stop >/dev/null 2>&1 || bad "the primary did not stop"
	as_pg "$PGBIN/pg_ctl" -D "$WORK/ha2/data" -w -t 30 promote >/dev/null 2>&1 || bad "the standby was not promoted"
}
transfer_run "primary stopped hard, standby promoted" fail_over
kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null
check "the promoted standby is the primary now" \
	"$(as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$HA2" -U c2c -d postgres -qAt -c 'SELECT pg_is_in_recovery()' 2>&1)" f
as_pg "$PGBIN/pg_ctl" -D "$WORK/ha2/data" -m immediate stop >/dev/null 2>&1
unset C2C_DB
else
	echo "skip: eight writers on one row of each module (sanitizer build, b_sanitize=$SANITIZE; the normal build runs them)"
fi

# --- db migrate: the SQLite file of the registry scenario onto the server ------
# First every module gets rows in it, so the copy has something in each table.
unset C2C_DB
ROOT="$(cd "$HERE/.." && pwd)"
printf 'meter_id,timestamp,value\nPV1,2024-03-01T00:00:00Z,100.5\nPV1,2024-04-01T00:00:00Z,120.25\n' >"$WORK/pv.csv"
(
	export C2C_DB="$SQ"
	cd "$WORK" &&
	"$BIN" registry transfer --from KH-GOV-1 --to JP-GOV-1 --quantity 10 &&
	"$BIN" mrv project add --id KH003 --host KH --methodology KH_AM002 --param EF_RE=0.533 &&
	"$BIN" mrv report submit --project KH003 --data pv.csv --from 2024-01-01 --to 2024-12-31 &&
	"$BIN" mrv report verify 1 --approve --comment reproduced &&
	"$BIN" city inventory import "$HERE/city/inventory-example.csv" --place vn-da-nang-city --year 2022 --gwp AR5 &&
	"$BIN" city scenario add "$ROOT/data/city/scenario-example.json" &&
	"$BIN" score reviewer add --id rv-a --name 審査員A &&
	"$BIN" proposal submit --call c2c-2026 --on 2026-02-10 --body 富山市 --partner cl-renca-ward --title-ja 小水力 \
		--sector renewable_energy --outputs capacity_building --budget-jpy 1000000 --lead IGES &&
	"$BIN" score pr-c2c-2026-001 --reviewer rv-a originality=4 local-companies=3 feasibility=5
) >"$WORK/fill.log" 2>&1 || bad "rows for every module in the SQLite file: $(tail -n 3 "$WORK/fill.log")"
createdb mig && createdb mig_bad || no_server "createdb failed"
migrate() { "$BIN" db migrate "$@" >"$WORK/mig.out" 2>"$WORK/mig.err"; }
migrate --from "sqlite:$SQ" --to "$PG/mig" --format json && ok "db migrate sqlite:FILE -> postgresql://" ||
	bad "db migrate: $(cat "$WORK/mig.err")"
check "no progress lines when stderr is not a terminal" "$(cat "$WORK/mig.err")" ""
check "every table copied with equal counts, the registry verified on the target" "$(python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); t=d["tables"]
print(len(t) >= 40, all(r["source_rows"] == r["target_rows"] for r in t), sum(r["target_rows"] for r in t) == d["rows"],
      sum(1 for r in t if r["target_rows"] > 0) >= 30, d["registry"]["ok"], d["registry"]["entries"],
      [s["table"] for s in d["skipped"]])' "$WORK/mig.out" 2>&1)" "True True True True True 9 ['atlas_search_vocab']"
# counted again here, independently of c2c: python's sqlite3 on the file, psql on the copy
cat >"$WORK/count.py" <<'PY'
import json, sqlite3, sys
tables = [r["table"] for r in json.load(open(sys.argv[1]))["tables"]]
if sys.argv[2] == "sql":  # one query for psql: "table count" per line, in order
    print(" UNION ALL ".join("SELECT %d, '%s' || ' ' || COUNT(*) FROM \"%s\"" % (i, t, t)
                             for i, t in enumerate(tables)) + " ORDER BY 1")
else:
    c = sqlite3.connect(sys.argv[2])
    for t in tables:
        print(t, c.execute('SELECT COUNT(*) FROM "%s"' % t).fetchone()[0])
PY
python3 "$WORK/count.py" "$WORK/mig.out" "$SQ" >"$WORK/count.sq" 2>&1
python3 "$WORK/count.py" "$WORK/mig.out" sql >"$WORK/count.sql" 2>&1
psql -X -A -t -d "$PG/mig" -f "$WORK/count.sql" 2>&1 | cut -d'|' -f2 >"$WORK/count.pg"
[ "$(wc -l <"$WORK/count.sq")" -ge 40 ] && cmp -s "$WORK/count.sq" "$WORK/count.pg" &&
	ok "row counts of all $(wc -l <"$WORK/count.sq") tables equal, counted by sqlite3 and psql" ||
	bad "row counts differ: $(diff "$WORK/count.sq" "$WORK/count.pg" | head -n 6)"
same() { # same NAME ARGS...: the command prints the same on the SQLite file and on its copy
	name=$1; shift
	(cd "$WORK" && "$BIN" --db "$SQ" "$@") >"$WORK/a.out" 2>&1 || { bad "$name on the SQLite file: $(head -c 300 "$WORK/a.out")"; return; }
	(cd "$WORK" && "$BIN" --db "$PG/mig" "$@") >"$WORK/b.out" 2>&1
	if cmp -s "$WORK/a.out" "$WORK/b.out"; then ok "after db migrate: $name ($(wc -c <"$WORK/b.out") bytes)"; else
		bad "after db migrate, $name differs: $(diff "$WORK/a.out" "$WORK/b.out" | head -n 6)"; fi
}
same "partnerships" partnerships --format json
same "stats" stats --format json
same "search" search 富山 --format json
same "registry journal" registry journal --format json
same "registry blocks" registry blocks --format json
same "registry verify" registry verify --format json
same "registry ca-report" registry ca-report --country KH --year 2023 --format json
same "mrv report" mrv report show 1 --format json
same "mrv report list" mrv report list --format json
same "city inventory" city inventory show --place vn-da-nang-city --year 2022 --format json
same "city scenario" city scenario run example-iskandar-2030 --format json
same "call rank" call rank c2c-2026 --format json
same "proposal" proposal show pr-c2c-2026-001 --format json
check "init on the copy loads nothing again" "$("$BIN" --db "$PG/mig" init 2>&1 | sed "s|^$PG/mig:||")" \
	"$("$BIN" --db "$SQ" init 2>&1 | sed "s|^$SQ:||")"
"$BIN" --db "$PG/mig" registry transfer --from JP-GOV-1 --to JP-ENT-1 --quantity 3 >/dev/null 2>&1 &&
	"$BIN" --db "$PG/mig" registry verify >/dev/null 2>&1 && ok "the copy takes new writes and verifies" ||
	bad "a write on the copy: $("$BIN" --db "$PG/mig" registry verify 2>&1 | tail -n 2)"

# refusals, each with a message that says what to do, the target untouched
before=$("$BIN" --db "$PG/mig" registry journal --format json | sha256sum)
refused() { # refused NAME STATUS TEXT ARGS...
	name=$1 want=$2 text=$3; shift 3
	migrate "$@"
	got=$?
	[ "$got" = "$want" ] && grep -qF -- "$text" "$WORK/mig.err" && ok "db migrate refuses $name (exit $got)" ||
		bad "db migrate, $name: exit $got (want $want): $(cat "$WORK/mig.err")"
}
refused "a non-empty target" 5 "is not empty" --from "$SQ" --to "$PG/mig"
check "the non-empty target is unchanged" "$("$BIN" --db "$PG/mig" registry journal --format json | sha256sum)" "$before"
refused "a missing file" 4 "$WORK/none.db: no such database" --from "sqlite:$WORK/none.db" --to "$PG/mig_bad"
refused "a server that is not there" 7 "cannot connect" --from "$SQ" --to "postgresql://c2c@127.0.0.1:1/x"
refused "a database that is not there" 7 "does not exist" --from "$SQ" --to "$PG/no_such_db"
refused "a target that is not a URL" 2 "not a PostgreSQL URL" --from "$SQ" --to "$WORK/copy.db"
refused "a server that is not there, its URL with a password" 7 "c2c:***@127.0.0.1" --from "$SQ" --to "postgresql://c2c:secret@127.0.0.1:1/x"
grep -q secret "$WORK/mig.err" && bad "the password is printed: $(cat "$WORK/mig.err")" || ok "the password is not printed"
# a copy that does not verify is rolled back whole; the same target then takes a good copy
cp "$SQ" "$WORK/tampered.db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE registry_journal SET \"at\" = ? WHERE \"seq\" = 2", ("2000-01-01T00:00:00Z",)); c.commit()' "$WORK/tampered.db"
refused "a file whose journal is broken" 5 "nothing was kept" --from "$WORK/tampered.db" --to "$PG/mig_bad"
check "nothing of the refused copy is on the target" "$(psql -X -A -t -d "$PG/mig_bad" -c 'SELECT (SELECT COUNT(*) FROM places) + (SELECT COUNT(*) FROM registry_journal) + (SELECT COUNT(*) FROM store_meta)' 2>&1)" 0
migrate --from "$SQ" --to "$PG/mig_bad" && ok "then a good copy into the same database" || bad "good copy after a refused one: $(cat "$WORK/mig.err")"
grep -q "registry verified on the target: 9 journal entries" "$WORK/mig.out" && ok "the table output ends with the registry's proof" ||
	bad "db migrate output: $(tail -n 3 "$WORK/mig.out")"

# --- backups on PostgreSQL: the procedure of docs/store.md ----------------------
# the head kept elsewhere, a dump in one snapshot, a restore into a new
# database, and the proof of the restored one against that head
head=$("$BIN" --db "$PG/mig" registry head)
createdb mig_restored || bad "createdb mig_restored"
if "$PGBIN/pg_dump" --format=custom --serializable-deferrable -f "$WORK/mig.dump" "$PG/mig" 2>"$WORK/err" &&
	"$PGBIN/pg_restore" --exit-on-error --no-owner -d "$PG/mig_restored" "$WORK/mig.dump" 2>"$WORK/err"; then
	"$BIN" --db "$PG/mig_restored" registry verify --head "$head" >"$WORK/out" 2>&1 &&
		ok "pg_dump, pg_restore into a new database: it verifies against the head kept before the dump" ||
		bad "verify --head after pg_restore: $(cat "$WORK/out")"
else
	bad "pg_dump/pg_restore: $(cat "$WORK/err")"
fi
"$BIN" --db "$PG/mig" db backup "$WORK/pg-copy.db" >/dev/null 2>"$WORK/err"
check "db backup of a PostgreSQL database: refused (exit 2), pointing to pg_dump" "$?:$(grep -c 'pg_dump' "$WORK/err")" "2:1"

# --- the whole CLI suites, again on PostgreSQL -----------------------------------
# Each suite runs on its own empty database of this server (tests/lib/db.sh),
# its checks counted here.  The deterministic ones also run once more on
# SQLite, both times through tests/lib/record.sh, and the two records of
# every command's exit status and standard output (tables, CSV, JSON: all
# of it, not a sample) must be the same bytes.  Not in a sanitizer build:
# the same store code runs there through the checks above, and the suites
# would double that build's time.
REC="$WORK/recording"
mkdir -p "$REC"
printf '#!/bin/sh\nexec sh "%s/lib/record.sh" "$@"\n' "$HERE" >"$REC/c2c"
chmod 755 "$REC/c2c"
# the two runs differ in the database's name, the temporary directory and
# the time of day; nothing else
DAY0=$(date -u +%Y-%m-%d) # a run that passes midnight has timestamps of two days
# (a workbook c2c writes depends on its data only, rows_workbook_new: an
# exported sheet's hash and size are compared like the rest)
scrub() {
	sed -E 's|/tmp/tmp\.[A-Za-z0-9]+|TMP|g; s|TMP/[a-z0-9]+\.db|DB|g; s|'"$PG"'/suite_[a-z]+|DB|g
		s/('"$DAY0"'|'"$(date -u +%Y-%m-%d)"')T[0-9:.]+Z/NOW/g' "$1"
}
suite() { # suite NAME [record]: tests/NAME.sh on a fresh database of the server
	name=$1
	createdb "suite_$name" || { bad "createdb suite_$name"; return; }
	dir=$BUILD
	[ "${2:-}" = record ] && dir=$REC
	t0=$(date +%s)
	# the SQLite run to compare with goes on beside it: one waits on the
	# server while the other computes
	if [ "${2:-}" = record ]; then
		C2C_RECORD_BIN="$BIN" C2C_RECORD="$WORK/$name.sq.rec" sh "$HERE/$name.sh" "$REC" >"$WORK/$name.sq.log" 2>&1 &
	fi
	C2C_TEST_PG="$PG/suite_$name" C2C_RECORD_BIN="$BIN" C2C_RECORD="$WORK/$name.pg.rec" \
		sh "$HERE/$name.sh" "$dir" >"$WORK/$name.pg.log" 2>&1
	wait
	counts=$(sed -n "s/^$name: \([0-9]*\) passed, \([0-9]*\) failed\$/\1 \2/p" "$WORK/$name.pg.log")
	grep -v '^ok: ' "$WORK/$name.pg.log" | grep -v "^$name: [0-9]* passed" | sed "s/^/[$name on postgresql] /"
	if [ -z "$counts" ]; then
		bad "$name.sh on PostgreSQL did not finish: $(tail -n 3 "$WORK/$name.pg.log")"
		return
	fi
	pass=$((pass + ${counts% *}))
	fail=$((fail + ${counts#* }))
	echo "$name on postgresql: ${counts% *} passed, ${counts#* } failed ($(($(date +%s) - t0)) s)"
	[ "${2:-}" = record ] || return 0
	grep -q "^$name: [0-9]* passed, 0 failed\$" "$WORK/$name.sq.log" ||
		bad "$name.sh on SQLite, recorded: $(grep -v '^ok: ' "$WORK/$name.sq.log" | head -n 5)"
	scrub "$WORK/$name.sq.rec" >"$WORK/$name.sq.txt" 2>/dev/null
	scrub "$WORK/$name.pg.rec" >"$WORK/$name.pg.txt" 2>/dev/null
	if [ ! -s "$WORK/$name.sq.txt" ]; then
		bad "$name: nothing recorded"
	elif cmp -s "$WORK/$name.sq.txt" "$WORK/$name.pg.txt"; then
		ok "$name: all $(grep -c '^\$ c2c' "$WORK/$name.pg.txt") commands print the same bytes, exit the same on both backends"
	else
		bad "$name: SQLite and PostgreSQL print differently: $(diff "$WORK/$name.sq.txt" "$WORK/$name.pg.txt" | head -n 12)"
	fi
}
if [ "${SANITIZE:-none}" != none ]; then
	echo "skip: the whole CLI suites on PostgreSQL (sanitizer build, b_sanitize=$SANITIZE; the normal build runs them)"
else
	for s in cli mrv programme city; do suite "$s" record; done
	suite registry # concurrent and killed processes: its own checks, nothing to compare
	suite auth     # random tokens and times: its own checks
	suite roles    # writes over HTTP by role, and two servers sharing this database
	suite http     # the API: its bodies are compared with the CLI's on the same database
	suite chain    # one project's whole life, CLI and API compared on the same database
	# the unit tests too: tests/testdb.h gives each test a new database of this server
	for u in "$BUILD"/tests/test_* "$BUILD"/tests/*/test_*; do
		[ -f "$u" ] && [ -x "$u" ] || continue
		C2C_TEST_PG_SERVER="$PG" "$u" >"$WORK/unit.log" 2>&1
		st=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$WORK/unit.log" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$WORK/unit.log" | tail -n 1)
		pass=$((pass + ${p:-0}))
		if [ "$st" -ne 0 ] || [ "${f:-0}" -ne 0 ] || grep -q '^\[  ERROR   \]' "$WORK/unit.log"; then
			bad "$(basename "$u") on PostgreSQL: $(grep -E 'FAILED|ERROR|error' "$WORK/unit.log" | head -n 8)"
		else
			echo "$(basename "$u") on postgresql: ${p:-0} passed"
		fi
	done
	C2C_TEST_PG_SERVER="postgresql://c2c@127.0.0.1:1" "$BUILD/tests/test_atlas" >/dev/null 2>&1 &&
		bad "the unit tests ignore C2C_TEST_PG_SERVER (a server that is not there did not fail them)" ||
		ok "the unit tests use the server C2C_TEST_PG_SERVER names (one that is not there fails them)"
	# valgrind over the PostgreSQL paths (tests/run.sh runs it on SQLite)
	if command -v valgrind >/dev/null 2>&1; then
		createdb vg || bad "createdb vg"
		for args in "db migrate --from sqlite:$SQ --to $PG/vg" "--db $PG/vg partnerships --format json" \
			"--db $PG/vg search 富山" "--db $PG/vg registry transfer --from JP-GOV-1 --to JP-ENT-1 --quantity 1" \
			"--db $PG/vg registry verify" "--db $PG/no_such_db places"; do
			# shellcheck disable=SC2086
			valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
				"$BIN" $args >/dev/null 2>"$WORK/vg.log"
			[ $? -ne 99 ] && ok "valgrind clean: c2c $args" || bad "valgrind: c2c $args: $(head -n 20 "$WORK/vg.log")"
		done
	else
		echo "skip: valgrind over the PostgreSQL paths (no valgrind)"
	fi
fi

echo "pg: $pass passed, $fail failed"
