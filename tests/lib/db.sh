# db.sh - the database a shell suite runs against, sourced after WORK is set.
# Alone, a suite gets a fresh SQLite file in its temporary directory; when
# tests/pg.sh runs it again, C2C_TEST_PG names an empty PostgreSQL database
# made for that suite, and the same checks run there.  A check that only
# means something for a SQLite file (a path, a damaged file) asks
# `sqlite_only`, which prints a visible "skip:" line on PostgreSQL.
test_db() { # test_db FILE_NAME: sets and exports C2C_DB, sets DB_BACKEND
	if [ -n "${C2C_TEST_PG:-}" ]; then
		C2C_DB=$C2C_TEST_PG
		DB_BACKEND=postgresql
	else
		C2C_DB="$WORK/$1"
		DB_BACKEND=sqlite
	fi
	export C2C_DB
}
sqlite_only() { # sqlite_only WHAT: true on SQLite, else prints "skip: WHAT"
	[ "$DB_BACKEND" = sqlite ] && return 0
	echo "skip: $1 (a SQLite file only; this run is on $DB_BACKEND)"
	return 1
}
db_rows() { # db_rows TABLE...: every row of each table, one a line, for before/after comparisons
	if [ "$DB_BACKEND" = sqlite ]; then
		for t in "$@"; do sqlite3 "$C2C_DB" "SELECT * FROM \"$t\"" || return 1; done
	else # one connection for all the tables: psql runs each -c in turn
		for t in "$@"; do set -- "$@" -c "SELECT x::text FROM \"$t\" x ORDER BY 1"; shift; done
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$C2C_DB" "$@"
	fi
}
db_exec() { # db_exec SQL: one statement behind c2c's back (the tamper tests)
	if [ "$DB_BACKEND" = sqlite ]; then
		sqlite3 "$C2C_DB" "$1"
	else
		psql -X -q -v ON_ERROR_STOP=1 -d "$C2C_DB" -c "$1" >/dev/null
	fi
}
db_client() { # the command-line client db_rows uses on this backend
	[ "$DB_BACKEND" = sqlite ] && echo sqlite3 || echo psql
}
db_exec() { # db_exec SQL: run statements behind c2c's back (tamper tests), on either backend
	if [ "$DB_BACKEND" = sqlite ]; then
		sqlite3 "$C2C_DB" "$1"
	else
		psql -X -q -v ON_ERROR_STOP=1 -d "$C2C_DB" -c "$1" >/dev/null
	fi
}
