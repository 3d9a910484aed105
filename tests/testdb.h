/*
 * testdb.h - a fresh database for a unit test, and its removal.  Shared by
 * every module's cmocka tests so each does not carry its own copy.
 *
 * A SQLite file by default, removed with the WAL and shared-memory files
 * SQLite leaves beside it.  When C2C_TEST_PG_SERVER names a PostgreSQL
 * server (postgresql://USER@HOST:PORT, a user who may create databases;
 * tests/pg.sh sets it), each test gets a new database there instead, made
 * through the server's "postgres" database and dropped afterwards.
 */
#ifndef C2C_TESTS_TESTDB_H
#define C2C_TESTS_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/* CREATE or DROP DATABASE `db` on the server of C2C_TEST_PG_SERVER. */
static inline int testdb_pg_admin(const char *verb, const char *db, struct c2c_err *err)
{
	char url[256], sql[160];
	struct store *admin;
	int rc;
	snprintf(url, sizeof(url), "%s/postgres", getenv("C2C_TEST_PG_SERVER"));
	snprintf(sql, sizeof(sql), "%s DATABASE %s\"%s\"", verb, !strcmp(verb, "DROP") ? "IF EXISTS " : "", db);
	if ((rc = store_open(&admin, url, STORE_OPEN_CREATE, err)))
		return rc;
	rc = store_exec(admin, sql, err);
	store_close(admin);
	return rc;
}

/* Open a new, empty database; path gets its name (a file or a URL). */
static inline int testdb_open(char *path, size_t len, const char *name, struct store **st,
			      struct c2c_err *err)
{
	static int n;
	const char *server = getenv("C2C_TEST_PG_SERVER");
	if (server && *server) {
		char db[96];
		int rc;
		snprintf(db, sizeof(db), "test_%s_%d_%d", name, (int)getpid(), n++);
		snprintf(path, len, "%s/%s", server, db);
		if ((rc = testdb_pg_admin("DROP", db, err)) || (rc = testdb_pg_admin("CREATE", db, err)))
			return rc;
		return store_open(st, path, STORE_OPEN_CREATE, err);
	}
	snprintf(path, len, "/tmp/c2c-test-%s-%d-%d.db", name, (int)getpid(), n++);
	unlink(path);
	return store_open(st, path, STORE_OPEN_CREATE, err);
}

static inline void testdb_remove(const char *path, struct store *st)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char p[160];
	store_close(st);
	if (store_is_pg_url(path)) {
		struct c2c_err err;
		testdb_pg_admin("DROP", strrchr(path, '/') + 1, &err);
		return;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

#endif
