# record.sh - c2c as tests/pg.sh runs it inside a suite, to compare backends:
# runs the real binary ($C2C_RECORD_BIN) unchanged and appends the command,
# its standard output and its exit status to $C2C_RECORD.  Standard error
# passes through unrecorded (messages name the database, which differs).
# `serve` is the program itself, not recorded: exec'd, so that the suite's
# SIGTERM reaches the server and its exit status is the server's
cmd=$1
[ "$cmd" = --db ] && cmd=${3:-}
case $cmd in --db=*) cmd=${2:-} ;; esac
[ "$cmd" = serve ] && exec "$C2C_RECORD_BIN" "$@"
out=$(mktemp)
"$C2C_RECORD_BIN" "$@" >"$out"
rc=$?
cat "$out"
case " $* " in
*" --db "*) ;; # a command naming its own database file tests SQLite files, not the backend
*) { printf '$ c2c'; printf ' %s' "$@"; printf '\n'; cat "$out"; printf '[exit %d]\n' "$rc"; } >>"$C2C_RECORD" ;;
esac
rm -f "$out"
exit "$rc"
