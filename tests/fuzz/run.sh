#!/bin/sh
# run.sh - build the libFuzzer targets with clang (ASan+UBSan) and run each
# for a bounded time on a seed corpus made from the built-in dataset.
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
# Prints "fuzz: N passed, N failed" (a target that crashes is a failure).
set -u
BUILD="$(cd "$1" && pwd)"
SECS=${2:-20}
TOP="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$BUILD/fuzz"
mkdir -p "$OUT/corpus"
pass=0
fail=0

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang not installed"; echo "fuzz: 0 passed, 1 failed"; exit 1
fi
# shellcheck disable=SC2046
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$TOP/src" -include "$TOP/src/core/banned.h" \
	$(ls "$TOP"/src/core/*.c "$TOP"/src/store/*.c "$TOP"/src/atlas/*.c) "$BUILD/atlas_builtin.c" \
	"$TOP/tests/fuzz/fuzz_atlas.c" -o "$OUT/fuzz_atlas" \
	$(pkg-config --cflags --libs sqlite3 jansson libsodium) -lcsv -lm || {
	echo "fuzz: 0 passed, 1 failed"; exit 1; }

# Seeds: every dataset file behind the byte that selects its table, and a few queries.
i=0
for t in countries places partnerships partnership_places companies agreements projects \
	project_companies schemes networks network_members events cases case_places domino figures; do
	f="$TOP/data/atlas/$t.csv"
	[ -f "$f" ] && { printf "\\$(printf %o $i)"; head -c 4000 "$f"; } >"$OUT/corpus/seed-$t"
	i=$((i + 1))
done
for q in 富山 Toyama 小水力 "Da Nang" '"' 'a OR b' 堺; do
	{ printf "\\$(printf %o 16)"; printf '%s' "$q"; } >"$OUT/corpus/seed-q-$(printf '%s' "$q" | od -An -tx1 | tr -d ' \n')"
done

if "$OUT/fuzz_atlas" -max_total_time="$SECS" -rss_limit_mb=2048 -max_len=8192 \
	"$OUT/corpus" >"$OUT/fuzz.log" 2>&1; then
	pass=1
	echo "fuzz_atlas: $(grep -o 'Done [0-9]* runs' "$OUT/fuzz.log" | tail -1) in ${SECS}s, no crash"
else
	fail=1
	tail -40 "$OUT/fuzz.log"
fi
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
