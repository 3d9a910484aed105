# assert.sh - the counting every shell suite in tests/ shares: sourced by
# tests/NAME.sh, whose last line is then "NAME: N passed, N failed" (the line
# tests/run.sh adds up).  Not a suite itself, so it lives below tests/lib/.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAILED: $1"; }
# check NAME GOT EXPECTED
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', expected '$3'"; fi; }
