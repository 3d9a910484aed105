# serve.sh - start `c2c serve` for a shell suite, sourced after assert.sh with
# BIN and WORK set.  serve_start NAME: a server on a free port of 127.0.0.1
# with two workers; sets URL, PORT and PID, logs to $WORK/NAME.out/.err, and
# returns non-zero (after one `bad`) when it does not answer /healthz.
# serve_start NAME ARGS...: ARGS are given to `c2c serve` too.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
serve_start() {
	PORT=$(free_port)
	URL="http://127.0.0.1:$PORT"
	name=$1
	shift
	"$BIN" serve --bind 127.0.0.1 --port "$PORT" --threads 2 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	PID=$!
	for _ in $(seq 1 200); do
		curl -s -o /dev/null "$URL/healthz" && { ok "server $name up on $URL"; return 0; }
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	bad "server $name did not come up: $(cat "$WORK/$name.err")"
	return 1
}
