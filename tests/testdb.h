/*
 * testdb.h - a fresh SQLite database file for a unit test, and its removal
 * with the WAL and shared-memory files SQLite leaves beside it.  Shared by
 * every module's cmocka tests so each does not carry its own copy.
 */
#ifndef C2C_TESTS_TESTDB_H
#define C2C_TESTS_TESTDB_H

#include <stdio.h>
#include <unistd.h>

#include "store/store.h"

/* Open /tmp/c2c-test-NAME-PID-N.db, new and empty; path gets its name. */
static inline int testdb_open(char *path, size_t len, const char *name, struct store **st,
			      struct c2c_err *err)
{
	static int n;
	snprintf(path, len, "/tmp/c2c-test-%s-%d-%d.db", name, (int)getpid(), n++);
	unlink(path);
	return store_open(st, path, STORE_OPEN_CREATE, err);
}

static inline void testdb_remove(const char *path, struct store *st)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char p[160];
	store_close(st);
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

#endif
