#!/bin/sh
# soak.sh - a bounded soak of one `c2c serve`: mixed reads and registry
# transfers (bench/soak.lua, 8 reads to 2 writes) from wrk at 16 connections,
# in one-minute windows, for SECONDS (default 600).  Each window prints its
# requests/s, errors, p50/p99 and the server's resident memory; the first
# window is the baseline the last is read against (p99 and RSS must stay
# flat, errors must be 0).  At the end: `registry verify` on the database,
# and the credits counted (the two accounts still hold all of them).
#
# usage: sh bench/soak.sh BUILD_DIR [SECONDS]
# Not part of `make check` (issue 18: a 10-minute run by hand; timings never
# go into a test).
set -eu
BIN="$(cd "$1" && pwd)/c2c"
SECS=${2:-600}
WIN=$((SECS < 60 ? SECS : 60))
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d /tmp/c2c-soak-XXXXXX)"
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
export LC_ALL=C
for tool in wrk curl python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench/soak: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
c2c() { "$BIN" --db "$WORK/c2c.db" "$@"; }

# a database with the built-in data and a billion credits in two accounts
c2c init >/dev/null
c2c registry account open --id JP-GOV-1 --country JP --kind government --holder Japan >/dev/null
c2c registry account open --id JP-ENT-1 --country JP --kind entity --holder "Soak Co" >/dev/null
c2c registry issue --external-verification EV-SOAK --source "bench/soak.sh" --project KH003 \
	--from 2023-01-01 --to 2023-12-31 --quantity 1000000000 >/dev/null
c2c registry authorize KH003-01 >/dev/null
c2c registry allocate KH003-01 JP-GOV-1=50 JP-ENT-1=50 >/dev/null
echo "pass-soak-admin-01" | c2c user add soak --role admin >/dev/null
SOAK_TOKEN=$(c2c user token add soak --label soak 2>/dev/null | tail -n 1 | awk '{print $NF}')
export SOAK_TOKEN

. "$HERE/lib.sh" # free_port, wait_up
PORT=$(free_port)
"$BIN" --db "$WORK/c2c.db" serve --port "$PORT" --threads "$(nproc)" >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
wait_up "http://127.0.0.1:$PORT/healthz" "$PID" || { echo "bench/soak: the server did not start: $(cat "$WORK/serve.err")" >&2; exit 1; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }
# the token works before the run starts (a refused write would count as errors)
code=$(curl -s -o "$WORK/t" -w '%{http_code}' -H "Authorization: Bearer $SOAK_TOKEN" -H 'Content-Type: application/json' \
	-d '{"from": "JP-GOV-1", "to": "JP-ENT-1", "quantity": 1}' "http://127.0.0.1:$PORT/api/v1/registry/transfer")
[ "$code" = 200 ] || { echo "bench/soak: a first transfer got $code: $(cat "$WORK/t")" >&2; exit 1; }

echo "c2c soak: $SECS s in windows of $WIN s, wrk -t2 -c16, 8 reads : 2 transfers; RSS at start $(rss) kB"
printf '%-7s %10s %8s %8s %9s %9s %10s\n' window "req/s" errors writes "p50 ms" "p99 ms" "RSS kB"
left=$SECS w=0
while [ "$left" -gt 0 ]; do
	d=$((left < WIN ? left : WIN))
	w=$((w + 1))
	wrk -t2 -c16 -d"${d}s" --latency -s "$HERE/soak.lua" "http://127.0.0.1:$PORT" >"$WORK/w$w" 2>&1 || true
	line=$(grep '^soak-window:' "$WORK/w$w" || echo "soak-window: requests=0 errors=1 writes=0 p50_ms=0 p99_ms=0 socket_errors=1 first_error=wrk-failed")
	val() { echo "$line" | sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p"; }
	printf '%-7s %10s %8s %8s %9s %9s %10s\n' "$w" "$(($(val requests) / d))" "$(($(val errors) + $(val socket_errors)))" \
		"$(val writes)" "$(val p50_ms)" "$(val p99_ms)" "$(rss)"
	[ "$(val errors)" = 0 ] || echo "        first error: $(echo "$line" | sed 's/.*first_error=//')"
	left=$((left - d))
done
kill -TERM "$PID" && wait "$PID" && PID="" || { echo "bench/soak: the server did not stop cleanly" >&2; exit 1; }
echo "registry verify: $(c2c registry verify 2>&1 | tail -n 1)"
c2c registry balance --account JP-GOV-1 --format json >"$WORK/a" && c2c registry balance --account JP-ENT-1 --format json >"$WORK/b"
echo "credits held by the two accounts: $(python3 -c "import json,sys; print(sum(r['credits'] for f in sys.argv[1:] for r in json.load(open(f))))" "$WORK/a" "$WORK/b") (issued 1000000000)"
echo "journal entries: $(c2c registry journal --format csv | wc -l)"
