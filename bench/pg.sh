#!/bin/sh
# pg.sh - c2c on PostgreSQL beside c2c on SQLite and beside PostgreSQL's own
# limits, in one run (issue 21): a throwaway PostgreSQL server (fsync and
# synchronous_commit on, as a registry runs it), two `c2c serve` sharing one
# database on it, one `c2c serve` on a SQLite file, wrk for the HTTP
# workloads and pgbench for the server's own rates.  Prints the table of
# docs/store.md:
#   registry transfer over HTTP, 1 client     vs pgbench one-row UPDATE commits, 1 client
#   registry transfer, 16 clients on 8 pairs  vs pgbench 16 clients on one hot row
#   GET /api/v1/partnerships, 16 connections  vs pgbench select-only, 16 clients
#   GET /api/v1/places?limit=5, 16 connections
# On PostgreSQL the 16-connection runs are two wrk of 8, one on each server.
#
# usage: sh bench/pg.sh BUILD_DIR [SECONDS]   (default 10 s a run)
# Not part of `make check`: timings never go into a test.
set -eu
BIN="$(cd "$1" && pwd)/c2c"
SECS=${2:-10}
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d /tmp/c2c-bench-pg-XXXXXX)"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PIDS=""
started=0
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
	for p in $PIDS $(cat "$WORK/serve.pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ "$started" = 1 ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m immediate stop >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export LC_ALL=C
for tool in wrk curl python3 pgbench; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench/pg: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$PGBIN/initdb" ] || { echo "bench/pg: no PostgreSQL server programs" >&2; exit 1; }
. "$HERE/lib.sh" # free_port, wait_up

# --- the PostgreSQL server, durable -----------------------------------------------
PGPORT=$(free_port)
mkdir -p "$WORK/pgdata"
[ "$(id -u)" -ne 0 ] || chown postgres "$WORK" "$WORK/pgdata"
as_pg "$PGBIN/initdb" -D "$WORK/pgdata" -U c2c --auth=trust --encoding=UTF8 --locale=C >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pgdata/server.log" -w -t 30 \
	-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/pgdata -c fsync=on -c synchronous_commit=on -c max_connections=100" \
	start >/dev/null
started=1
PG="postgresql://c2c@127.0.0.1:$PGPORT"
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U c2c c2c
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U c2c pgb

# --- the same registry on both backends: 8 pairs of accounts, an admin's token ------
setup() { # setup DB
	C2C_DB=$1 "$BIN" init >/dev/null
	C2C_DB=$1 "$BIN" registry issue --external-verification EV-BENCH --source bench/pg.sh --project KH003 \
		--from 2023-01-01 --to 2023-12-31 --quantity 1600000000 >/dev/null
	C2C_DB=$1 "$BIN" registry authorize KH003-01 >/dev/null
	for i in 1 2 3 4 5 6 7 8; do
		for s in A B; do
			C2C_DB=$1 "$BIN" registry account open --id "BENCH-$s$i" --country JP --kind entity --holder "Bench $s$i" >/dev/null
		done
	done
	C2C_DB=$1 "$BIN" registry allocate KH003-01 BENCH-A1=100 >/dev/null
	for a in A2 A3 A4 A5 A6 A7 A8 B1 B2 B3 B4 B5 B6 B7 B8; do
		C2C_DB=$1 "$BIN" registry transfer --from BENCH-A1 --to "BENCH-$a" --quantity 100000000 >/dev/null
	done
	echo "pass-bench-admin-01" | C2C_DB=$1 C2C_AUTH_INSECURE_FAST_HASH=1 "$BIN" user add bench --role admin >/dev/null
	C2C_DB=$1 "$BIN" user token add bench --label bench 2>/dev/null | tail -n 1 | awk '{print $NF}'
}
serve() { # serve DB: a server on a free port; prints its port
	port=$(free_port)
	C2C_DB=$1 "$BIN" serve --port "$port" --threads "$(nproc)" >"$WORK/serve.$port.log" 2>&1 &
	# called as $(serve ...), a subshell: the PID goes to a file cleanup reads
	echo "$!" >>"$WORK/serve.pids"
	wait_up "http://127.0.0.1:$port/healthz" "$!" >&2 || echo "bench/pg: a server did not start: $(cat "$WORK/serve.$port.log")" >&2
	echo "$port"
}
SQ_TOKEN=$(setup "$WORK/sq.db")
PG_TOKEN=$(setup "$PG/c2c")
SQ1=$(serve "$WORK/sq.db")
PG1=$(serve "$PG/c2c")
PG2=$(serve "$PG/c2c")

# run NAME CONNECTIONS SCRIPT|- PATH PORT...: wrk against each port at once,
# CONNECTIONS split evenly; prints "rate errors p99" (the worst p99)
run() {
	c=$1 script=$2 path=$3
	shift 3
	n=$#
	per=$((c / n))
	i=0
	for port in "$@"; do
		i=$((i + 1))
		if [ "$script" = - ]; then
			wrk -t1 -c"$per" -d"${SECS}s" --latency "http://127.0.0.1:$port$path" >"$WORK/wrk.$i" 2>&1 &
		else
			wrk -t1 -c"$per" -d"${SECS}s" --latency -s "$HERE/$script" "http://127.0.0.1:$port$path" >"$WORK/wrk.$i" 2>&1 &
		fi
	done
	wait_wrk=""
	for j in $(jobs -p); do case " $PIDS " in *" $j "*) ;; *) wait_wrk="$wait_wrk $j" ;; esac; done
	# shellcheck disable=SC2086
	wait $wait_wrk
	python3 - "$WORK" "$n" <<'PY'
import re, sys
work, n = sys.argv[1], int(sys.argv[2])
rate = err = 0.0
p99 = 0.0
for i in range(1, n + 1):
    t = open(f"{work}/wrk.{i}").read()
    m = re.search(r"Requests/sec:\s+([\d.]+)", t)
    rate += float(m.group(1)) if m else 0
    m = re.search(r"bench-run: requests=\d+ errors=(\d+) p99_ms=([\d.]+)", t)
    if m:
        err += int(m.group(1)); p99 = max(p99, float(m.group(2)))
    else:
        m = re.search(r"99%\s+([\d.]+)(us|ms|s)", t)
        if m:
            v = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
            p99 = max(p99, v)
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
        err += int(m.group(1)) if m else 0
print(f"{rate:.0f} {err:.0f} {p99:.2f}")
PY
}
pgb() { # pgb CLIENTS ARGS...: pgbench's tps (excluding connection time)
	c=$1
	shift
	pgbench -h 127.0.0.1 -p "$PGPORT" -U c2c -n -c "$c" -j "$c" -T "$SECS" "$@" pgb 2>/dev/null |
		sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -n 1 | cut -d. -f1
}
psql -h 127.0.0.1 -p "$PGPORT" -U c2c -q -c 'CREATE TABLE hot (id int PRIMARY KEY, v bigint); INSERT INTO hot VALUES (1, 0)' pgb
printf 'UPDATE hot SET v = v + 1 WHERE id = 1;\n' >"$WORK/hot.sql"
pgbench -h 127.0.0.1 -p "$PGPORT" -U c2c -i -q -s 1 pgb >/dev/null 2>&1

export BENCH_TOKEN
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
fmt() { set -- $1; printf '%s/s%s' "$1" "$([ "$2" != 0 ] && echo " ($2 errors)" || true)"; }
echo "c2c on PostgreSQL ($("$PGBIN/postgres" --version | awk '{print $NF}'), fsync and synchronous_commit on, two servers) beside SQLite, $SECS s a run, $(nproc) cores"
row workload "c2c on SQLite" "c2c on PostgreSQL" "PostgreSQL's own limit (pgbench)"
row --- --- --- ---
BENCH_TOKEN=$SQ_TOKEN PAIRS=1 s1=$(run 1 transfer.lua /api/v1/registry/transfer "$SQ1")
BENCH_TOKEN=$PG_TOKEN PAIRS=1 p1=$(run 1 transfer.lua /api/v1/registry/transfer "$PG1")
row "registry transfer over HTTP, 1 client" "$(fmt "$s1")" "$(fmt "$p1")" "one-row UPDATE commit, 1 client: $(pgb 1 -f "$WORK/hot.sql") tps"
BENCH_TOKEN=$SQ_TOKEN PAIRS=8 s16=$(run 16 transfer.lua /api/v1/registry/transfer "$SQ1")
BENCH_TOKEN=$PG_TOKEN PAIRS=8 p16=$(run 16 transfer.lua /api/v1/registry/transfer "$PG1" "$PG2")
row "registry transfer over HTTP, 16 clients on 8 pairs" "$(fmt "$s16") (p99 $(echo "$s16" | cut -d' ' -f3) ms)" \
	"$(fmt "$p16") (p99 $(echo "$p16" | cut -d' ' -f3) ms)" "16 clients, one hot row: $(pgb 16 -f "$WORK/hot.sql") tps"
sr=$(run 16 - /api/v1/partnerships "$SQ1")
pr=$(run 16 - /api/v1/partnerships "$PG1" "$PG2")
row "GET /api/v1/partnerships, 16 connections" "$(fmt "$sr")" "$(fmt "$pr")" "select-only, 16 clients: $(pgb 16 -S) tps"
sp=$(run 16 - "/api/v1/places?limit=5" "$SQ1")
pp=$(run 16 - "/api/v1/places?limit=5" "$PG1" "$PG2")
row "GET /api/v1/places?limit=5, 16 connections" "$(fmt "$sp")" "$(fmt "$pp")" "—"
for db in "$WORK/sq.db" "$PG/c2c"; do
	echo "registry verify ($( [ "$db" = "$WORK/sq.db" ] && echo SQLite || echo PostgreSQL)): $(C2C_DB=$db "$BIN" registry verify 2>&1 | tail -n 1)"
done
