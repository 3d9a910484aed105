#!/bin/sh
# pg.sh - the PostgreSQL backend against a real server (issue 9): starts a
# throwaway PostgreSQL (initdb into a temporary directory, a free port on
# 127.0.0.1, its socket in that directory, stopped at the end) and runs the
# atlas and registry through it, comparing with the same commands on SQLite.
# Where no server can be had the run says so loudly and counts a failure.
# usage: tests/pg.sh BUILD_DIR; last line "pg: N passed, N failed".
set -u
BIN="$(cd "$1" && pwd)/c2c"
WORK="$(mktemp -d)"
chmod 755 "$WORK"
. "$(dirname "$0")/lib/assert.sh"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PGDATA="$WORK/pgdata"
started=0

# The server refuses to run as root: run its programs as `postgres` then.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop() {
	[ "$started" = 1 ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1
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
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$PGDATA" && { [ "$(id -u)" -ne 0 ] || chown postgres "$PGDATA"; }
# C collation and UTF-8: text sorts by bytes as in SQLite, lower() folds ASCII.
as_pg "$PGBIN/initdb" -D "$PGDATA" -U c2c --auth=trust --encoding=UTF8 --locale=C >"$WORK/initdb.log" 2>&1 ||
	no_server "initdb failed: $(tail -n 3 "$WORK/initdb.log")"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
	-o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA -c fsync=off" start >/dev/null 2>&1 ||
	no_server "the server did not start: $(tail -n 3 "$PGDATA/server.log" 2>/dev/null)"
started=1
createdb() { as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U c2c "$1"; }
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
for q in 富山 Toyama "Da Nang" 堺 ベトナム; do
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
	"$BIN" registry issue --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 1000 &&
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

echo "pg: $pass passed, $fail failed"
