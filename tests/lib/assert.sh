# assert.sh - the counting every shell suite in tests/ shares: sourced by
# tests/NAME.sh, whose last line is then "NAME: N passed, N failed" (the line
# tests/run.sh adds up).  Not a suite itself, so it lives below tests/lib/.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAILED: $1"; }
# check NAME GOT EXPECTED
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', expected '$3'"; fi; }
# run NAME EXPECTED_STATUS CMD...: the exit status must match; stdout in
# $WORK/out, stderr in $WORK/err (a suite sets WORK)
run() {
	name=$1 want=$2
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, expected $want; stderr: $(head -c 300 "$WORK/err")"; fi
}
# has NAME FILE TEXT: FILE holds TEXT
has() {
	if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1: '$3' not in $(basename "$2"): $(head -c 300 "$2")"; fi
}
