#!/bin/sh
# http.sh - how fast `c2c serve` answers GET /api/v1/partnerships, against the
# baseline of nginx (Debian's) sending the same bytes as a static file,
# measured in the same run with wrk (Debian's) at 1, 16 and 64 connections.
# Prints requests/s and p99 latency of both, the ratio c2c/nginx, and c2c's
# memory: resident right after start (idle) and its peak over the run.
#
# usage: sh bench/http.sh BUILD_DIR [SECONDS]   (default 5 s per run)
#        or `ninja -C BUILD_DIR bench-http`
# Goal (issue 6): at 64 connections >= 50% of nginx's requests/s and p99
# under 5 ms; idle RSS under 16 MB.  Not part of `make check`: timings never
# go into a test.  Both servers get one worker per core; wrk shares the cores.
set -eu
BIN="$(cd "$1" && pwd)/c2c"
SECS=${2:-5}
NCPU=$(nproc)
WORK="$(mktemp -d /tmp/c2c-bench-http-XXXXXX)"
C2C_PID=""
NGX_PID=""
cleanup() {
	[ -n "$C2C_PID" ] && kill "$C2C_PID" 2>/dev/null && wait "$C2C_PID" 2>/dev/null
	[ -n "$NGX_PID" ] && kill "$NGX_PID" 2>/dev/null && wait "$NGX_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
export LC_ALL=C

for tool in wrk nginx curl python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench/http: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench/http: no $BIN (build first)" >&2; exit 1; }

. "$(dirname "$0")/lib.sh" # free_port, wait_up
kb() { sed -n "s/^$1:[[:space:]]*\\([0-9]*\\) kB/\\1/p" "/proc/$C2C_PID/status"; }

# --- c2c on a fresh database with the built-in data ----------------------------
"$BIN" --db "$WORK/c2c.db" init >/dev/null
C2C_PORT=$(free_port)
"$BIN" --db "$WORK/c2c.db" serve --port "$C2C_PORT" --threads "$NCPU" >"$WORK/c2c.out" 2>"$WORK/c2c.err" &
C2C_PID=$!
wait_up "http://127.0.0.1:$C2C_PORT/healthz" "$C2C_PID" || { echo "bench/http: c2c did not start: $(cat "$WORK/c2c.err")" >&2; exit 1; }
IDLE_KB=$(kb VmRSS)
C2C_URL="http://127.0.0.1:$C2C_PORT/api/v1/partnerships"

# --- nginx sending the same bytes ----------------------------------------------
mkdir -p "$WORK/www/api/v1" "$WORK/nginx"
curl -sf -o "$WORK/www/api/v1/partnerships" "$C2C_URL" || { echo "bench/http: GET $C2C_URL failed" >&2; exit 1; }
BYTES=$(wc -c <"$WORK/www/api/v1/partnerships")
# run as root, nginx's workers become nobody: they must be able to read the file
chmod 755 "$WORK" "$WORK/www" "$WORK/www/api" "$WORK/www/api/v1"
chmod 644 "$WORK/www/api/v1/partnerships"
NGX_PORT=$(free_port)
# sendfile and tcp_nopush as in Debian's stock nginx.conf; no keep-alive
# request limit (libmicrohttpd has none either); no access log (c2c keeps none)
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes $NCPU;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $WORK/nginx/body;
	proxy_temp_path $WORK/nginx/proxy;
	fastcgi_temp_path $WORK/nginx/fastcgi;
	uwsgi_temp_path $WORK/nginx/uwsgi;
	scgi_temp_path $WORK/nginx/scgi;
	server {
		listen 127.0.0.1:$NGX_PORT;
		root $WORK/www;
		default_type "application/json; charset=utf-8";
	}
}
EOF
nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" 2>"$WORK/nginx.err" &
NGX_PID=$!
NGX_URL="http://127.0.0.1:$NGX_PORT/api/v1/partnerships"
wait_up "$NGX_URL" "$NGX_PID" || { echo "bench/http: nginx did not start: $(cat "$WORK/nginx.err" "$WORK/nginx/error.log")" >&2; exit 1; }
curl -sf -o "$WORK/from-nginx" "$NGX_URL" || { echo "bench/http: GET $NGX_URL failed" >&2; exit 1; }
cmp -s "$WORK/from-nginx" "$WORK/www/api/v1/partnerships" || { echo "bench/http: nginx sends other bytes" >&2; exit 1; }

# --- wrk -------------------------------------------------------------------------
# run NAME URL CONNECTIONS -> "requests/s p99_ms socket_errors"; nothing if a
# reply was not 2xx (the figures would be of errors)
run() {
	t=2
	[ "$3" -lt 2 ] && t=1 # wrk wants at least one connection per thread
	wrk -t"$t" -c"$3" -d"${SECS}s" --latency "$2" >"$WORK/wrk-$1-$3" 2>&1
	if grep -q 'Non-2xx' "$WORK/wrk-$1-$3" || ! grep -q 'Requests/sec' "$WORK/wrk-$1-$3"; then
		echo "bench/http: $1 at $3 connections:" >&2
		cat "$WORK/wrk-$1-$3" >&2
		return 1
	fi
	awk '
	function ms(v) { # wrk writes 812.00us, 1.23ms, 1.01s, 2.00m
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v
	}
	$1 == "Requests/sec:" { rps = $2 }
	$1 == "99%" { p99 = ms($2) }
	/Socket errors/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 } # connect, read, write, timeout
	END { printf "%.0f %.2f %d\n", rps, p99, errs }' "$WORK/wrk-$1-$3"
}

# one short run each first: connections, caches and page faults settle
wrk -t2 -c16 -d1s "$C2C_URL" >/dev/null 2>&1
wrk -t2 -c16 -d1s "$NGX_URL" >/dev/null 2>&1

echo "GET /api/v1/partnerships ($BYTES bytes): c2c serve --threads $NCPU against nginx $(nginx -v 2>&1 | sed 's,.*/,,') (worker_processes $NCPU, the same bytes as a file)"
echo "wrk -t2 (-t1 at 1 connection) -d${SECS}s --latency, $NCPU cores shared with wrk"
echo
printf '%-12s %12s %10s %12s %10s %10s\n' connections "c2c req/s" "c2c p99" "nginx req/s" "nginx p99" "c2c/nginx"
errors=""
for c in 1 16 64; do
	c_fig=$(run c2c "$C2C_URL" "$c") && n_fig=$(run nginx "$NGX_URL" "$c") || exit 1
	# shellcheck disable=SC2086
	set -- $c_fig $n_fig
	c_rps=$1 c_p99=$2 n_rps=$4 n_p99=$5
	[ "$3$6" = 00 ] || errors="$errors; at $c connections wrk counted socket errors: c2c $3, nginx $6"
	ratio=$(awk -v a="$c_rps" -v b="$n_rps" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }')
	printf '%-12s %12s %8s ms %12s %7s ms %10s\n' "$c" "$c_rps" "$c_p99" "$n_rps" "$n_p99" "$ratio"
done
[ -z "$errors" ] || echo "${errors#; } (timeouts: a reply took over wrk's 2 s)"
PEAK_KB=$(kb VmHWM)
echo
echo "c2c RSS: idle after start $(awk -v k="$IDLE_KB" 'BEGIN { printf "%.1f", k / 1024 }') MB, peak $(awk -v k="$PEAK_KB" 'BEGIN { printf "%.1f", k / 1024 }') MB (VmRSS, VmHWM)"
awk -v r="$c_rps" -v n="$n_rps" -v p="$c_p99" -v idle="$IDLE_KB" 'BEGIN {
	printf "goal at 64 connections: >= 50%% of nginx req/s: %s; p99 < 5 ms: %s; idle RSS < 16 MB: %s\n",
		(r >= n / 2 ? "met" : "NOT met"), (p < 5 ? "met" : "NOT met"), (idle < 16 * 1024 ? "met" : "NOT met")
}'
