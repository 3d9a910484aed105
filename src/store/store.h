/*
 * store.h - the one SQL interface of c2c.
 *
 * Domain modules talk to the database only through these calls, with SQL
 * written so both backends accept it: SQLite (the embedded default) and
 * PostgreSQL (a postgresql:// URL).  The store knows no domain table:
 * modules hand it their migrations and built-in data.  Placeholders are
 * written `?`, numbered from 1.
 *
 * One piece per mechanism: a statement with arguments is store_exec_args,
 * rows as JSON are store_rows_json (typed by the store, never guessed), and
 * every write is one store_tx, which retries a lost race on both backends.
 */
#ifndef C2C_STORE_STORE_H
#define C2C_STORE_STORE_H

#include <stddef.h>

#include <jansson.h>

#include "core/err.h"

struct store;
struct store_stmt;

enum store_open_flags {
	STORE_OPEN_EXISTING = 0, /* the database must exist and be c2c's */
	STORE_OPEN_CREATE = 1,   /* create the file when missing */
};

int store_open(struct store **out, const char *path, int flags, struct c2c_err *err);
void store_close(struct store *st);
const char *store_backend(const struct store *st); /* "sqlite" or "postgresql" */
/* 1 when `path` names a PostgreSQL server (postgresql:// or postgres://),
 * which store_open opens as such; anything else is a SQLite file. */
int store_is_pg_url(const char *path);
const char *store_path(const struct store *st);
/* 1 when the SQLite file is not writable by this user: it was opened for
 * reading, and store_begin (every write) fails with "read-only". */
int store_readonly(const struct store *st);
/* `path` as it may be printed: a PostgreSQL URL's password ("user:PW@" or
 * "password=PW") becomes "***".  Messages name the database this way. */
void store_path_redacted(char *out, size_t len, const char *path);

/* Make every later commit durable against power loss, not only against a
 * crash of the process (SQLite: synchronous=FULL, an fsync per commit).
 * The registry asks for this; the atlas does not need it. */
int store_set_durable(struct store *st, struct c2c_err *err);

/* Run one or more statements that return no rows. */
int store_exec(struct store *st, const char *sql, struct c2c_err *err);

int store_prepare(struct store *st, const char *sql, struct store_stmt **out,
		  struct c2c_err *err);
int store_bind_text(struct store_stmt *s, int idx, const char *v); /* NULL binds NULL */
int store_bind_int(struct store_stmt *s, int idx, long long v);
int store_bind_double(struct store_stmt *s, int idx, double v);
int store_bind_null(struct store_stmt *s, int idx);
/* 1 = a row is ready, 0 = done, < 0 = error (err filled). */
int store_step(struct store_stmt *s, struct c2c_err *err);
/* A statement that returns no rows, run or sent ahead (store_exec_later);
 * 0 or < 0. */
int store_step_later(struct store_stmt *s, struct c2c_err *err);
int store_reset(struct store_stmt *s);
void store_finalize(struct store_stmt *s);
int store_col_count(struct store_stmt *s);
const char *store_col_name(struct store_stmt *s, int i);
int store_col_is_null(struct store_stmt *s, int i);
const char *store_col_text(struct store_stmt *s, int i); /* "" for NULL */
long long store_col_int(struct store_stmt *s, int i);
double store_col_double(struct store_stmt *s, int i);
/* What the current row holds in column i: SQLite's storage class, or on
 * PostgreSQL the class of the column's type.  A copy between databases
 * reads a REAL as a double, so no digit is lost on the way. */
enum store_type { STORE_NULL, STORE_INTEGER, STORE_REAL, STORE_TEXT, STORE_BLOB };
enum store_type store_col_type(struct store_stmt *s, int i);

/* Arguments of a statement, bound in order to ?1, ?2, ...  Build them
 * with store_text/int/real/null and pass them with STORE_ARGS:
 *   store_exec_args(st, "UPDATE t SET a = ? WHERE id = ?",
 *                   STORE_ARGS(store_text(a), store_int(id)), err);
 * A NULL text binds SQL NULL. */
enum store_arg_kind { STORE_ARG_NULL, STORE_ARG_TEXT, STORE_ARG_INT, STORE_ARG_REAL };
struct store_arg {
	enum store_arg_kind kind;
	const char *text;
	long long i;
	double d;
};
static inline struct store_arg store_text(const char *s)
{
	return (struct store_arg){.kind = s ? STORE_ARG_TEXT : STORE_ARG_NULL, .text = s};
}
static inline struct store_arg store_int(long long v)
{
	return (struct store_arg){.kind = STORE_ARG_INT, .i = v};
}
static inline struct store_arg store_real(double v)
{
	return (struct store_arg){.kind = STORE_ARG_REAL, .d = v};
}
static inline struct store_arg store_null(void)
{
	return (struct store_arg){.kind = STORE_ARG_NULL};
}
#define STORE_ARGS(...)                                   \
	(const struct store_arg[]){__VA_ARGS__},          \
		sizeof((struct store_arg[]){__VA_ARGS__}) / sizeof(struct store_arg)
#define STORE_NOARGS NULL, 0

void store_bind_args(struct store_stmt *s, const struct store_arg *args, size_t nargs);
/* One statement that returns no rows, with its arguments. */
int store_exec_args(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		    struct c2c_err *err);
/* The same for a write whose answer the caller does not need at once (no
 * count of rows changed, no error of its own to tell apart): inside a
 * transaction on PostgreSQL it is sent ahead without waiting, and its
 * answer is read by the next statement that waits for one (a read, the
 * COMMIT), whose error its failure becomes; the transaction fails whole
 * either way.  Elsewhere it is store_exec_args.  What it saves is a round
 * trip per write (store_pg.c). */
int store_exec_later(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		     struct c2c_err *err);
/* The rows of a query as a JSON array of objects, one member per column
 * in the query's order, typed by what the store knows of each value
 * (store_col_type): integers as integers, reals as reals (PostgreSQL's
 * exact numeric without a fraction as an integer, as SQLite gives it),
 * text as strings, NULL as null.  `json_cols` (may be NULL) names, comma
 * separated, the columns that hold JSON documents as text: those are
 * parsed and put in as they are.  The owner of the table says which;
 * nothing is guessed from names or SQL text. */
int store_rows_json(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		    const char *json_cols, json_t **out, struct c2c_err *err);
/* The first row only, as one object; C2C_ENOTFOUND (with `what` in the
 * message) when there is none. */
int store_row_json(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		   const char *json_cols, const char *what, json_t **out, struct c2c_err *err);
/* A column of the current row as JSON, typed as store_rows_json types it. */
json_t *store_col_json(struct store_stmt *s, int i);

/* One statement that yields one integer (a count); -1 on error. */
long long store_query_int(struct store *st, const char *sql, struct c2c_err *err);
/* The first column of the first row as an integer, with arguments: 1 and
 * *v set when there is a row, 0 when there is none, < 0 on error (err
 * filled).  Unlike store_query_int it keeps the error's code, which the
 * existence checks of the modules hand on to their callers. */
int store_query_int_args(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
			 long long *v, struct c2c_err *err);

/* A version of the database's content, as text in out[cap]: equal texts
 * mean no other connection committed in between.  SQLite: PRAGMA
 * data_version (this connection's own commits leave it alone).  PostgreSQL:
 * the server's current snapshot (pg_current_snapshot(), "xmin:xmax:xip,..."):
 * two equal snapshots see the same committed transactions, whichever
 * server's connection committed them, and any commit after a snapshot was
 * taken (its transaction was in progress, or began later) changes every later
 * one.  -1 on error or when the text does not fit: a cache keyed on it must
 * then not be used. */
int store_data_version(struct store *st, char *out, size_t cap);

/* Transactions: every write of c2c is one of these, so a failure in the
 * middle leaves the database exactly as before. */
int store_begin(struct store *st, struct c2c_err *err);
/* A write that appends to one chain (the registry journal): writers queue on
 * `table` before their first read, on both backends.  SQLite's write lock
 * already does that; on PostgreSQL it is a self-conflicting table lock taken
 * before the snapshot, so racing writers wait instead of being aborted as
 * serialization failures and retried.  `tables` may name several, "a,b",
 * taken in that order (always the same order everywhere, or two writers
 * could each hold one and wait for the other). */
int store_begin_serial(struct store *st, const char *tables, struct c2c_err *err);
int store_commit(struct store *st, struct c2c_err *err);
void store_rollback(struct store *st);

/* The one way to write: run fn in one transaction.  Begin (queued on the
 * table `queue` first when it is not NULL: store_begin_serial), fn, commit;
 * anything failing rolls back, so nothing is half-written.  When fn or the
 * commit lost a race (C2C_ERETRY: PostgreSQL's serialization failure or
 * deadlock, SQLite's busy database), nothing of it was kept, and the whole
 * runs again from its first read, after a pause that grows and is jittered
 * per process so racers fall out of step.  Called inside a transaction
 * already open (store_in_tx), fn runs in that one and a failure goes up
 * whole: the outermost store_tx is the one that retries, and the queue is
 * the outermost's (the inner one's is not taken: the outer must name it). */
typedef int (*store_tx_fn)(struct store *st, void *ctx, struct c2c_err *err);
int store_tx(struct store *st, const char *queue, store_tx_fn fn, void *ctx, struct c2c_err *err);
/* 1 while a transaction is open on this connection. */
int store_in_tx(struct store *st);
/* A number that changes with each transaction begun on this connection:
 * the key of what a caller keeps of rows read inside one transaction (the
 * registry's journal head, registry_ctx), valid while it is the same and
 * store_in_tx holds. */
unsigned long store_tx_serial(struct store *st);

struct store_migration {
	int version;      /* 1, 2, 3 ... in order, never renumbered */
	const char *name;
	const char *sql;
};

/* Applies the migrations of `module` newer than the recorded version, each
 * in a store_tx: its own transaction, or the caller's when one is open
 * (`c2c init` runs every module's in one).  *applied gets how many ran. */
int store_migrate(struct store *st, const char *module, const struct store_migration *m,
		  size_t n, int *applied, struct c2c_err *err);
/* The whole migrate function of a module that only applies its list:
 *   STORE_MIGRATE_FN(city_migrate, "city", {1, "city tables", city_v1})
 * defines int city_migrate(struct store *, struct c2c_err *).  Five
 * modules wrote this same function out by hand.  No semicolon after it:
 * it expands to a function definition. */
#define STORE_MIGRATE_FN(fn, module, ...)                                                   \
	int fn(struct store *st, struct c2c_err *err)                                        \
	{                                                                                    \
		static const struct store_migration m_[] = {__VA_ARGS__};                    \
		int applied_;                                                                \
		return store_migrate(st, module, m_, sizeof(m_) / sizeof(m_[0]), &applied_, err); \
	}

/* The module's schema version, 0 when none. */
int store_schema_version(struct store *st, const char *module, struct c2c_err *err);

/* Copying a whole database (store_copy.c; `c2c db migrate`).  The tables
 * come in the order they were created, so one that references another
 * comes after it; SQLite's own tables and a virtual table's storage
 * (FTS5's shadow tables) are left out, the virtual table itself is in. */
struct store_table {
	char *name;
	int is_virtual; /* SQLite's CREATE VIRTUAL TABLE (FTS5 and its vocabulary) */
};
int store_tables(struct store *st, struct store_table **out, size_t *n, struct c2c_err *err);
void store_tables_free(struct store_table *t, size_t n);
/* A table's column names in their order; none when there is no such table. */
int store_columns(struct store *st, const char *table, char ***out, size_t *n,
		  struct c2c_err *err);
void store_columns_free(char **cols, size_t n);
long long store_count_rows(struct store *st, const char *table, struct c2c_err *err); /* -1 on error */
/* Every row of `table` in `from` (in the order they went in) appended to the
 * same table of `to`, the named columns only, a few hundred rows a
 * statement.  Runs inside the caller's transactions: `to` keeps nothing of
 * a failed copy once the caller rolls back.  `progress` (may be NULL) hears
 * the rows done after each batch. */
typedef void (*store_copy_progress)(void *arg, const char *table, long long done);
int store_copy_rows(struct store *from, struct store *to, const char *table, char *const *cols,
		    size_t ncols, store_copy_progress progress, void *arg, long long *copied,
		    struct c2c_err *err);

/* Backups of a SQLite database (store_backup.c; `c2c db backup|restore`).
 * store_backup writes a consistent copy of the live database to the new
 * file `path` (refused when it exists) with SQLite's online backup API,
 * while other connections keep writing: the copy is the database as of one
 * commit.  `at_snapshot` (may be NULL) runs in that same read transaction,
 * so what it reads is what the copy holds.  *pages (may be NULL) gets the
 * pages copied.  store_restore replaces the whole database `st` with the
 * SQLite file `from`, in one write transaction.  Both refuse a PostgreSQL
 * store (C2C_EUSAGE, with the hint of pg_dump). */
typedef int (*store_snapshot_fn)(struct store *st, void *ctx, struct c2c_err *err);
int store_backup(struct store *st, const char *path, store_snapshot_fn at_snapshot, void *ctx,
		 long long *pages, struct c2c_err *err);
int store_restore(struct store *st, const char *from, long long *pages, struct c2c_err *err);

/* A module's built-in data: files compiled into the binary and the call
 * that puts them in its tables.  store_builtin_load runs `load` when the
 * files' fingerprint (SHA-256 over names and bytes) is not the one recorded
 * under `key` in store_meta, or when `force`, and records it, in one
 * store_tx (the caller's when one is open).  So a second run of the same
 * binary loads nothing, and a binary with new data loads it once. */
struct store_builtin {
	const char *key; /* "atlas.dataset" */
	/* The i-th file (its name in *name, its size in *len), NULL past the last. */
	const char *(*file)(size_t i, const char **name, size_t *len);
	/* Upsert every file's rows, in the caller's transaction; *rows gets how many. */
	int (*load)(struct store *st, size_t *rows, struct c2c_err *err);
};
struct store_builtin_report {
	int loaded;          /* 1 when loaded now, 0 when the same data was in */
	size_t rows;         /* rows loaded */
	char fingerprint[17];
};
int store_builtin_load(struct store *st, const struct store_builtin *b, int force,
		       struct store_builtin_report *rep, struct c2c_err *err);

/* Small key/value table for the store's users (built-in data fingerprints etc.). */
int store_meta_get(struct store *st, const char *key, char *buf, size_t len,
		   struct c2c_err *err); /* 0 found, C2C_ENOTFOUND */
int store_meta_set(struct store *st, const char *key, const char *value,
		   struct c2c_err *err);

#endif
