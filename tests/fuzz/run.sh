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
build() { # build NAME SOURCES...
	name=$1
	shift
	# shellcheck disable=SC2046
	clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$TOP/src" -include "$TOP/src/core/banned.h" \
		$(ls "$TOP"/src/core/*.c "$TOP"/src/store/*.c) "$@" "$TOP/tests/fuzz/$name.c" -o "$OUT/$name" \
		$(pkg-config --cflags --libs sqlite3 jansson libsodium libpq) -lcsv -lm
}
# shellcheck disable=SC2046
build fuzz_atlas $(ls "$TOP"/src/atlas/*.c) "$BUILD/atlas_builtin.c" || { echo "fuzz: 0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC2046
build fuzz_registry $(ls "$TOP"/src/registry/*.c) || { echo "fuzz: 0 passed, 1 failed"; exit 1; }

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

mkdir -p "$OUT/corpus-registry"
cat >"$OUT/corpus-registry/seed" <<'JSONL'
{"op":"transfer","from":"JP-A","to":"KH-B","quantity":5}
{"op":"authorize","issuance":"KH003-01"}
{"op":"transfer","from":"KH-B","to":"JP-A","quantity":7}
{"op":"retire","account":"JP-A","quantity":3,"purpose":"ndc","beneficiary":"x"}
{"op":"cancel","account":"KH-B","quantity":2}
{"op":"issue","project":"KH003","period_start":"2024-01-01","period_end":"2024-01-31","quantity":10}
JSONL

run() { # run NAME CORPUS
	if "$OUT/$1" -max_total_time="$SECS" -rss_limit_mb=2048 -max_len=8192 "$2" >"$OUT/$1.log" 2>&1; then
		pass=$((pass + 1))
		echo "$1: $(grep -o 'Done [0-9]* runs' "$OUT/$1.log" | tail -1) in ${SECS}s, no crash"
	else
		fail=$((fail + 1))
		tail -40 "$OUT/$1.log"
	fi
}
run fuzz_atlas "$OUT/corpus"
run fuzz_registry "$OUT/corpus-registry"
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
