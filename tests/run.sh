#!/bin/sh
# run.sh - every test of c2c, for each build directory given (the normal
# build and the AddressSanitizer+UBSan build), then the closing line
# "N passed, N failed" that CI reads.
#
# usage: tests/run.sh BUILD_DIR [BUILD_DIR...]
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
passed=0
failed=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
. "$HERE/lib/serve.sh" # free_port

count_cmocka() { # count_cmocka LOG
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
}

# run_build BUILD: every unit test and suite of one build, its output on
# stdout, its counts last as "counts: PASSED FAILED"
run_build() {
	build=$1 passed=0 failed=0
	echo "== $build"
	for t in "$build"/tests/test_* "$build"/tests/*/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		log=$(mktemp)
		t0=$(date +%s)
		if "$t" >"$log" 2>&1; then :; else
			cat "$log"
			grep -q '^\[  FAILED  \]' "$log" || failed=$((failed + 1)) # crashed
		fi
		count_cmocka "$log"
		echo "$(basename "$t"): $(grep -c '^\[       OK \]' "$log") ok ($(($(date +%s) - t0)) s)"
		rm -f "$log"
	done
	# every tests/NAME.sh but this one; each ends with "NAME: N passed, N failed"
	for suite in $(cd "$HERE" && ls *.sh | sed 's/\.sh$//' | grep -v '^run$'); do
		log=$(mktemp)
		t0=$(date +%s)
		sh "$HERE/$suite.sh" "$build" >"$log" 2>&1
		grep -v '^ok: ' "$log"
		echo "$suite.sh: $(($(date +%s) - t0)) s"
		p=$(sed -n "s/^$suite: \\([0-9]*\\) passed, \\([0-9]*\\) failed\$/\\1/p" "$log")
		f=$(sed -n "s/^$suite: \\([0-9]*\\) passed, \\([0-9]*\\) failed\$/\\2/p" "$log")
		[ -n "$p" ] || { echo "$suite.sh did not finish"; f=$((${f:-0} + 1)); }
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		rm -f "$log"
	done
	echo "counts: $passed $failed"
}

# The builds run side by side, each into its own log, printed in order (CI's
# time is the sum of the two otherwise); C2C_TEST_JOBS=1 runs them one after
# the other.
T0=$(date +%s)
logs=""
for build in "$@"; do
	log=$(mktemp)
	logs="$logs $log"
	if [ "${C2C_TEST_JOBS:-2}" -gt 1 ]; then (run_build "$build") >"$log" 2>&1 & else (run_build "$build") >"$log" 2>&1; fi
done
wait
for log in $logs; do
	grep -v '^counts: ' "$log"
	c=$(sed -n 's/^counts: //p' "$log")
	[ -n "$c" ] || { echo "a build's tests did not finish"; c="0 1"; }
	passed=$((passed + ${c%% *}))
	failed=$((failed + ${c##* }))
	rm -f "$log"
done
echo "builds: $(($(date +%s) - T0)) s"

if command -v valgrind >/dev/null 2>&1 && [ -x "$1/c2c" ]; then
	echo "== valgrind"
	db=$(mktemp -u /tmp/c2c-vg-XXXXXX.db)
	for args in "init" "partnerships --format json" "search 富山" "search Toyama" "stats" "export places" \
		"registry account open --id JP-GOV-1 --country JP --kind government --holder Japan" \
		"registry issue --external-verification EV-1 --source test-fixture --project KH003 --from 2023-01-01 --to 2023-12-31 --quantity 100" \
		"registry authorize KH003-01" "registry allocate KH003-01 JP-GOV-1=100" "registry retire --account JP-GOV-1 --quantity 5 --purpose ndc --beneficiary Japan" \
		"registry blocks --format json" "registry verify"; do
		# shellcheck disable=SC2086
		if valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$1/c2c" --db "$db" $args >/dev/null 2>"$db.log"; then
			passed=$((passed + 1)); echo "valgrind clean: c2c $args"
		else
			failed=$((failed + 1)); echo "valgrind FAILED: c2c $args"; head -30 "$db.log"
		fi
	done
	# the server too: a few requests, a log-in, a write and a log-out, then
	# SIGTERM; it must exit 0 with no leak (argon2id at its test cost: docs/auth.md)
	export C2C_AUTH_INSECURE_FAST_HASH=1
	echo "pass-vg-admin-01" | "$1/c2c" --db "$db" user add vgadmin --role admin >/dev/null
	port=$(free_port)
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$1/c2c" --db "$db" serve --port "$port" >/dev/null 2>"$db.log" &
	vpid=$!
	for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
	for path in /api/v1/partnerships "/api/v1/search?q=%E5%AF%8C%E5%B1%B1" "/api/v1/places?country=JP&limit=2" \
		/api/v1/stats /api/v1/openapi.json /nope; do
		curl -s -o /dev/null "http://127.0.0.1:$port$path"
	done
	csrf=$(curl -s -c "$db.jar" -H 'Content-Type: application/json' -d '{"name": "vgadmin", "password": "pass-vg-admin-01"}' \
		"http://127.0.0.1:$port/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
	wrote=$(curl -s -b "$db.jar" -o /dev/null -w '%{http_code}' -X PATCH -H "X-CSRF-Token: $csrf" \
		-H 'Content-Type: application/json' -d '{"note": "valgrind"}' "http://127.0.0.1:$port/api/v1/partnerships/p001")
	curl -s -b "$db.jar" -o /dev/null -X DELETE -H "X-CSRF-Token: $csrf" "http://127.0.0.1:$port/api/v1/session"
	kill -TERM "$vpid"
	if wait "$vpid" && [ "$wrote" = 200 ]; then
		passed=$((passed + 1)); echo "valgrind clean: c2c serve, 7 requests, a log-in, a write (200), a log-out, SIGTERM"
	else
		failed=$((failed + 1)); echo "valgrind FAILED: c2c serve (the write: $wrote)"; head -30 "$db.log"
	fi
	rm -f "$db" "$db"-* "$db.log" "$db.jar"
	unset C2C_AUTH_INSECURE_FAST_HASH
fi

echo "== fuzz"
log=$(mktemp)
sh "$HERE/fuzz/run.sh" "$1" "${FUZZ_SECONDS:-20}" >"$log" 2>&1
cat "$log"
p=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log")
f=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log")
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
rm -f "$log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
