#!/bin/sh
# lang.sh - the server's words in the page's language (issue 20 "Language",
# issue 15 "errors at their field, in the page's language"; docs/http.md
# "Languages"): on the example database (c2c init --example),
#   - every message of src/http/ has its Japanese in the catalogue, and the
#     check lists what the other modules still lack (scripts/msg_missing.py);
#   - over HTTP (tests/lib/lang_http.py): Accept-Language with q-values and
#     ?lang= choose the language; errors, log-in refusals, a write refused
#     at its field come in Japanese with the same status, code and field as
#     in English; English replies are the bytes they were; matching reasons,
#     scheme explanations and readiness pointers follow the language;
#   - in Chromium (web/test/lang.mjs): a Japanese page shows a server's
#     refusal in Japanese beside its field, marked lang="ja".
#   - the CLI stays English: a refused command prints what it printed.
# usage: tests/lang.sh BUILD_DIR; last line "lang: N passed, N failed".
set -u
BUILD="$(cd "$1" && pwd)"
BIN="$BUILD/c2c"
HERE="$(cd "$(dirname "$0")" && pwd)"
WEB="$HERE/../web"
WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
export LC_ALL=C.UTF-8
export C2C_AUTH_INSECURE_FAST_HASH=1 # argon2id at its minimum cost (docs/auth.md)
unset C2C_DB
. "$HERE/lib/assert.sh"
. "$HERE/lib/serve.sh"

# --- the catalogue: http/ whole, the rest listed -------------------------------------
if python3 "$HERE/../scripts/msg_missing.py" --strict http >"$WORK/missing" 2>&1; then
	ok "every message of src/http/ has its Japanese"
else
	bad "src/http/ messages without Japanese: $(grep '^src/http' "$WORK/missing" | head -5)"
fi
echo "# $(tail -n 1 "$WORK/missing" | sed 's/^# //') (python3 scripts/msg_missing.py lists them)"

# --- the CLI stays English ------------------------------------------------------------------
"$BIN" --db "$WORK/ex.db" init --example >"$WORK/init.out" 2>"$WORK/init.err" || bad "init --example: $(cat "$WORK/init.err")"
pw() { sed -n "s/^  $1 *[a-z]* *\([A-Za-z0-9_-]\{16\}\)\$/\1/p" "$WORK/init.out"; }
LANG=ja_JP.UTF-8 LANGUAGE=ja "$BIN" --db "$WORK/ex.db" registry account open --id 'jp x' --country JP --kind entity \
	--holder x >"$WORK/out" 2>"$WORK/err"
has "the CLI's refusal stays English, whatever LANG says" "$WORK/err" "account id 'jp x': use 3 to 40 of A-Z, 0-9 and '-'"

# --- over HTTP ------------------------------------------------------------------------
export C2C_DB="$WORK/ex.db"
if serve_start lang; then
	python3 "$HERE/lib/lang_http.py" "$URL" "$(pw example-registrar)" "$(pw example-company)" \
		"$(pw example-bangkok)" "$(pw example-verifier)" >"$WORK/py.out" 2>&1
	cat "$WORK/py.out"
	pass=$((pass + $(grep -c '^ok: ' "$WORK/py.out")))
	fail=$((fail + $(grep -c '^FAILED: ' "$WORK/py.out")))
	grep -q '^lang_http done$' "$WORK/py.out" || bad "lang_http.py did not run to its end: $(tail -n 3 "$WORK/py.out")"

	# --- in the browser ------------------------------------------------------------------
	shots="$BUILD/web-screenshots"
	if [ ! -f "$WEB/dist/index.html" ] || ! command -v node >/dev/null || [ ! -x /usr/bin/chromium ]; then
		bad "the browser test cannot run (web/dist built? node? /usr/bin/chromium?)"
	else
		(cd "$WEB" && timeout 120 node test/lang.mjs "$URL/" "$shots" "$(pw example-registrar)") >"$WORK/browser.log" 2>&1
		st=$?
		cat "$WORK/browser.log"
		pass=$((pass + $(grep -c '^ok: ' "$WORK/browser.log")))
		fail=$((fail + $(grep -c '^FAILED: ' "$WORK/browser.log")))
		[ "$st" -eq 0 ] || grep -q '^FAILED: ' "$WORK/browser.log" || bad "web/test/lang.mjs ended with status $st"
	fi
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"
	st=$?
	PID=""
	check "the server exits 0 on SIGTERM" "$st" 0
fi
echo "lang: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
