/*
 * store_sqlite.c - the embedded SQLite backend of store.h: the default, so
 * c2c starts with nothing but itself.
 *
 * It also owns the public entry points for the PostgreSQL backend: a store
 * opened on a postgresql:// URL carries `pg`, and each call hands over to
 * store_pg.c with one predictable branch, so the SQLite path keeps its
 * direct calls and its statement cache exactly as they were.
 */
#include "store.h"
#include "store_pg.h"
#include "store_sqlite.h"
#include "core/strbuf.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Prepared statements are kept and reused: the registry runs the same dozen
 * statements for every operation, and preparing them again each time cost
 * more than executing them (bench/registry_bench).  A statement is found by
 * its SQL text; the least recently used idle one makes room for a new one. */
#define STMT_CACHE 48

struct store_stmt {
	sqlite3_stmt *st;
	struct store *store;
	char *sql;          /* set when the statement lives in the cache */
	int in_use;
	unsigned long used; /* last use, for eviction */
	struct store_pg_stmt *pg; /* PostgreSQL: the statement there, else NULL */
};

struct store {
	sqlite3 *db;
	char *path;
	struct store_stmt cache[STMT_CACHE];
	unsigned long clock;
	struct store_pg *pg; /* PostgreSQL: the connection, else NULL (SQLite) */
	int readonly;        /* SQLite: the file is not writable by this user */
	unsigned long tx_serial; /* transactions begun: store_tx_serial */
};

static int readonly_error(struct store *st, struct c2c_err *err)
{
	c2c_err_set(err, C2C_EIO, "%s: the database is read-only: nothing can be written", st->path);
	c2c_err_hint(err, "the file (or its directory) is not writable by this user; reads work");
	return C2C_EIO;
}

static int db_error(struct store *st, struct c2c_err *err, const char *what)
{
	int code = sqlite3_extended_errcode(st->db);
	int rc = C2C_EDB;
	if ((code & 0xff) == SQLITE_READONLY)
		return readonly_error(st, err);
	if ((code & 0xff) == SQLITE_CONSTRAINT)
		rc = C2C_ECONFLICT;
	/* the busy timeout ran out on another writer: store_tx runs it again */
	else if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		rc = C2C_ERETRY;
	c2c_err_set(err, rc, "%s: %s", what, sqlite3_errmsg(st->db));
	return rc;
}

/* A WAL database (every c2c database) opened read-only needs its -shm file,
 * which a user who may not write the directory cannot create once the last
 * writer has gone (and removed it).  Such a file can change under nobody:
 * open it as immutable.  0 when that worked. */
static int reopen_immutable(struct store *st)
{
	struct strbuf uri;
	int rc;

	strbuf_init(&uri, 3 * strlen(st->path) + 32);
	rc = strbuf_addstr(&uri, "file:");
	for (const char *p = st->path; !rc && *p; p++)
		rc = strchr("?#%", *p) ? strbuf_addf(&uri, "%%%02X", (unsigned char)*p) : strbuf_add(&uri, p, 1);
	rc = rc || strbuf_addstr(&uri, "?immutable=1");
	sqlite3_close_v2(st->db);
	st->db = NULL;
	if (!rc && sqlite3_open_v2(strbuf_str(&uri), &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
				   NULL) == SQLITE_OK) {
		sqlite3_extended_result_codes(st->db, 1);
		rc = sqlite3_exec(st->db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK;
	} else {
		rc = 1;
	}
	strbuf_release(&uri);
	return rc;
}

/* Was the file made by c2c (init's first migration makes store_migrations)? */
static int has_migrations(struct store *st)
{
	sqlite3_stmt *q;
	int found = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_migrations'",
			       -1, &q, NULL) != SQLITE_OK)
		return 0;
	found = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return found;
}

int store_open(struct store **out, const char *path, int flags, struct c2c_err *err)
{
	struct store *st;
	struct stat sb;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int exists = !store_is_pg_url(path) && stat(path, &sb) == 0;

	*out = NULL;
	if (store_is_pg_url(path)) {
		/* The server creates databases (createdb); "create" here means
		 * only the schema, which the migrations make. */
		st = calloc(1, sizeof(*st));
		if (!st || !(st->path = strdup(path))) {
			free(st);
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		}
		if (store_pg_open(&st->pg, path, err)) {
			store_close(st);
			return C2C_EDB;
		}
		/* An empty server database is what a missing SQLite file is:
		 * nothing of c2c's yet, so say so before a query fails on it. */
		if (!(flags & STORE_OPEN_CREATE)) {
			long long has = store_query_int(
				st, "SELECT to_regclass('store_migrations') IS NOT NULL", err);
			if (has < 0) {
				store_close(st);
				return C2C_EDB;
			}
			if (!has) {
				char shown[512];
				store_close(st);
				store_path_redacted(shown, sizeof(shown), path);
				c2c_err_set(err, C2C_ENOTFOUND, "%s: no such database: it has no c2c schema yet",
					    shown);
				c2c_err_hint(err, "run 'c2c --db %s init' to create it, or set C2C_DB", shown);
				return C2C_ENOTFOUND;
			}
		}
		*out = st;
		return 0;
	}
	if (!exists && !(flags & STORE_OPEN_CREATE)) {
		c2c_err_set(err, C2C_ENOTFOUND, "%s: no such database", path);
		c2c_err_hint(err, "run 'c2c --db %s init' to create it, or set C2C_DB", path);
		return C2C_ENOTFOUND;
	}
	if (exists && S_ISDIR(sb.st_mode))
		return c2c_err_set(err, C2C_EIO, "%s: is a directory, not a database file", path);
	if (flags & STORE_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	/* A file this user may not write (mode 444, another owner) is opened
	 * for reading: the reads work, a write says "read-only" (issue 18). */
	st->readonly = exists && access(path, W_OK) != 0;
	if (st->readonly)
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		c2c_err_set(err, C2C_EDB, "%s: cannot open: %s", path,
			    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		store_close(st);
		return C2C_EDB;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	/* Reading the schema is the first thing that touches the file's bytes:
	 * a file that is not SQLite fails here, with a message, not later. */
	if (sqlite3_exec(st->db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK &&
	    !(st->readonly && !reopen_immutable(st))) {
		c2c_err_set(err, C2C_EDB, "%s: not a usable database: %s", path,
			    sqlite3_errmsg(st->db));
		c2c_err_hint(err, "the file is damaged or is not a c2c database; move it away and run 'c2c init'");
		store_close(st);
		return C2C_EDB;
	}
	/* Only init creates a schema: any other command on a file c2c did not
	 * make (another program's SQLite file, a 0-byte file) would have added
	 * its tables to it.  Asked before anything is written, WAL included. */
	if (!(flags & STORE_OPEN_CREATE) && !has_migrations(st)) {
		c2c_err_set(err, C2C_ENOTFOUND, "%s: not a c2c database (it has no store_migrations table); "
			    "nothing was changed", path);
		c2c_err_hint(err, "'c2c --db FILE init' makes a c2c database; give --db a file it made");
		store_close(st);
		return C2C_ENOTFOUND;
	}
	if (sqlite3_exec(st->db,
			 st->readonly ? "PRAGMA foreign_keys=ON;"
				      : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		db_error(st, err, path);
		store_close(st);
		return C2C_EDB;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->pg) {
		store_pg_close(st->pg);
		free(st->path);
		free(st);
		return;
	}
	for (int i = 0; i < STMT_CACHE; i++)
		if (st->cache[i].sql) {
			sqlite3_finalize(st->cache[i].st);
			free(st->cache[i].sql);
		}
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

const char *store_backend(const struct store *st)
{
	return st->pg ? "postgresql" : "sqlite";
}

const char *store_path(const struct store *st) { return st->path; }

sqlite3 *store_sqlite_db(struct store *st) { return st->pg ? NULL : st->db; }

int store_set_durable(struct store *st, struct c2c_err *err)
{
	/* PostgreSQL: nothing to do; synchronous_commit is on by default, so a
	 * commit is already flushed to the WAL on disk before it returns. */
	if (st->pg)
		return 0;
	return store_exec(st, "PRAGMA synchronous=FULL", err);
}

int store_exec(struct store *st, const char *sql, struct c2c_err *err)
{
	if (st->pg)
		return store_pg_exec(st->pg, sql, err);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(st, err, "SQL");
	return 0;
}

int store_prepare(struct store *st, const char *sql, struct store_stmt **out,
		  struct c2c_err *err)
{
	struct store_stmt *s, *victim = NULL;

	*out = NULL;
	if (st->pg) {
		int rc;
		if (!(s = calloc(1, sizeof(*s))))
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		if ((rc = store_pg_prepare(st->pg, sql, &s->pg, err))) {
			free(s);
			return rc;
		}
		s->store = st;
		*out = s;
		return 0;
	}
	for (int i = 0; i < STMT_CACHE; i++) {
		s = &st->cache[i];
		if (s->sql && !s->in_use && !strcmp(s->sql, sql)) {
			s->in_use = 1;
			s->used = ++st->clock;
			*out = s;
			return 0;
		}
		if (!s->in_use && (!victim || !s->sql || (victim->sql && s->used < victim->used)))
			victim = s;
	}
	if (victim) {
		char *copy = strdup(sql);
		sqlite3_stmt *stmt;
		if (!copy)
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
			free(copy);
			return db_error(st, err, "SQL prepare");
		}
		if (victim->sql) {
			sqlite3_finalize(victim->st);
			free(victim->sql);
		}
		victim->st = stmt;
		victim->sql = copy;
		victim->store = st;
		victim->in_use = 1;
		victim->used = ++st->clock;
		*out = victim;
		return 0;
	}
	/* Every cached statement is busy (deeply nested use): an uncached one. */
	s = calloc(1, sizeof(*s));
	if (!s)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(st->db, sql, -1, &s->st, NULL) != SQLITE_OK) {
		free(s);
		return db_error(st, err, "SQL prepare");
	}
	s->store = st;
	*out = s;
	return 0;
}

int store_bind_text(struct store_stmt *s, int idx, const char *v)
{
	if (s->pg)
		return store_pg_bind(s->pg, idx, v);
	if (!v)
		return sqlite3_bind_null(s->st, idx) == SQLITE_OK ? 0 : C2C_EDB;
	return sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : C2C_EDB;
}

int store_bind_int(struct store_stmt *s, int idx, long long v)
{
	if (s->pg) {
		char buf[24];
		snprintf(buf, sizeof(buf), "%lld", v);
		return store_pg_bind(s->pg, idx, buf);
	}
	return sqlite3_bind_int64(s->st, idx, v) == SQLITE_OK ? 0 : C2C_EDB;
}

int store_bind_double(struct store_stmt *s, int idx, double v)
{
	if (s->pg) {
		char buf[40];
		snprintf(buf, sizeof(buf), "%.17g", v); /* round-trips exactly */
		return store_pg_bind(s->pg, idx, buf);
	}
	return sqlite3_bind_double(s->st, idx, v) == SQLITE_OK ? 0 : C2C_EDB;
}

int store_bind_null(struct store_stmt *s, int idx)
{
	if (s->pg)
		return store_pg_bind(s->pg, idx, NULL);
	return sqlite3_bind_null(s->st, idx) == SQLITE_OK ? 0 : C2C_EDB;
}

int store_step_later(struct store_stmt *s, struct c2c_err *err)
{
	int rc;
	if (s->pg)
		return store_pg_send(s->pg, err);
	rc = store_step(s, err);
	return rc < 0 ? rc : 0;
}

int store_step(struct store_stmt *s, struct c2c_err *err)
{
	int rc;
	if (s->pg)
		return store_pg_step(s->pg, err);
	rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(s->store, err, "SQL");
}

int store_reset(struct store_stmt *s)
{
	if (s->pg) {
		store_pg_reset(s->pg);
		return 0;
	}
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	return 0;
}

void store_finalize(struct store_stmt *s)
{
	if (!s)
		return;
	if (s->pg) {
		store_pg_finalize(s->pg);
		free(s);
		return;
	}
	if (s->sql) { /* back to the cache, ready for the next use */
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		s->in_use = 0;
		return;
	}
	sqlite3_finalize(s->st);
	free(s);
}

int store_col_count(struct store_stmt *s)
{
	return s->pg ? store_pg_col_count(s->pg) : sqlite3_column_count(s->st);
}

const char *store_col_name(struct store_stmt *s, int i)
{
	return s->pg ? store_pg_col_name(s->pg, i) : sqlite3_column_name(s->st, i);
}

int store_col_is_null(struct store_stmt *s, int i)
{
	if (s->pg)
		return store_pg_col_is_null(s->pg, i);
	return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

const char *store_col_text(struct store_stmt *s, int i)
{
	const unsigned char *t;
	if (s->pg)
		return store_pg_col_text(s->pg, i);
	t = sqlite3_column_text(s->st, i);
	return t ? (const char *)t : "";
}

long long store_col_int(struct store_stmt *s, int i)
{
	return s->pg ? store_pg_col_int(s->pg, i) : sqlite3_column_int64(s->st, i);
}

double store_col_double(struct store_stmt *s, int i)
{
	return s->pg ? store_pg_col_double(s->pg, i) : sqlite3_column_double(s->st, i);
}

enum store_type store_col_type(struct store_stmt *s, int i)
{
	if (s->pg)
		return (enum store_type)store_pg_col_type(s->pg, i);
	switch (sqlite3_column_type(s->st, i)) {
	case SQLITE_INTEGER: return STORE_INTEGER;
	case SQLITE_FLOAT: return STORE_REAL;
	case SQLITE_TEXT: return STORE_TEXT;
	case SQLITE_BLOB: return STORE_BLOB;
	default: return STORE_NULL;
	}
}

int store_data_version(struct store *st, char *out, size_t cap)
{
	struct store_stmt *s;
	struct c2c_err err;
	int rc = -1;

	if (!st->pg) {
		long long v = store_query_int(st, "PRAGMA data_version", NULL);
		return v < 0 || (size_t)snprintf(out, cap, "%lld", v) >= cap ? -1 : 0;
	}
	/* a statement of its own (READ COMMITTED): its snapshot is taken after
	 * every commit that finished before it, so a reply made after it is at
	 * least as new as the version it is kept under */
	if (store_prepare(st, "SELECT pg_current_snapshot()::text", &s, &err))
		return -1;
	if (store_step(s, &err) == 1 && (size_t)snprintf(out, cap, "%s", store_col_text(s, 0)) < cap)
		rc = 0;
	store_finalize(s);
	return rc;
}

long long store_query_int(struct store *st, const char *sql, struct c2c_err *err)
{
	struct store_stmt *s;
	long long v = -1;
	if (store_prepare(st, sql, &s, err))
		return -1;
	if (store_step(s, err) == 1)
		v = store_col_int(s, 0);
	store_finalize(s);
	return v;
}

int store_readonly(const struct store *st)
{
	return !st->pg && st->readonly;
}

int store_begin(struct store *st, struct c2c_err *err)
{
	st->tx_serial++;
	if (st->pg)
		return store_pg_begin(st->pg, err);
	if (st->readonly) /* say so at once, not at the first write */
		return readonly_error(st, err);
	/* IMMEDIATE takes the write lock now: two writers queue instead of one
	 * failing half-way with SQLITE_BUSY on its first write. */
	return store_exec(st, "BEGIN IMMEDIATE", err);
}

int store_begin_serial(struct store *st, const char *tables, struct c2c_err *err)
{
	st->tx_serial++;
	if (st->pg)
		return store_pg_begin_serial(st->pg, tables, err);
	return store_begin(st, err);
}

int store_commit(struct store *st, struct c2c_err *err)
{
	if (st->pg)
		return store_pg_commit(st->pg, err);
	return store_exec(st, "COMMIT", err);
}

unsigned long store_tx_serial(struct store *st)
{
	return st->tx_serial;
}

int store_in_tx(struct store *st)
{
	if (st->pg)
		return store_pg_in_tx(st->pg);
	return !sqlite3_get_autocommit(st->db);
}

void store_rollback(struct store *st)
{
	if (st->pg) {
		store_pg_rollback(st->pg);
		return;
	}
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}
