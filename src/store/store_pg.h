/*
 * store_pg.h - the PostgreSQL backend's calls, private to src/store/.
 *
 * store_sqlite.c owns the public store.h entry points and hands a call over
 * here when the store was opened on a postgresql:// URL, so the SQLite path
 * keeps its direct calls and its statement cache unchanged.
 */
#ifndef C2C_STORE_STORE_PG_H
#define C2C_STORE_STORE_PG_H

#include "core/err.h"

struct store_pg;
struct store_pg_stmt;

int store_pg_open(struct store_pg **out, const char *url, struct c2c_err *err);
void store_pg_close(struct store_pg *pg);
int store_pg_exec(struct store_pg *pg, const char *sql, struct c2c_err *err);
int store_pg_begin(struct store_pg *pg, struct c2c_err *err);
int store_pg_begin_serial(struct store_pg *pg, const char *tables, struct c2c_err *err);
int store_pg_commit(struct store_pg *pg, struct c2c_err *err);
void store_pg_rollback(struct store_pg *pg);
int store_pg_in_tx(struct store_pg *pg);

int store_pg_prepare(struct store_pg *pg, const char *sql, struct store_pg_stmt **out,
		     struct c2c_err *err);
int store_pg_bind(struct store_pg_stmt *s, int idx, const char *v); /* NULL binds NULL */
int store_pg_step(struct store_pg_stmt *s, struct c2c_err *err);
/* A write sent ahead inside a transaction (pipeline mode): its answer is
 * read by the next call that waits for one, and its error is that call's. */
int store_pg_send(struct store_pg_stmt *s, struct c2c_err *err);
void store_pg_reset(struct store_pg_stmt *s);
void store_pg_finalize(struct store_pg_stmt *s);
int store_pg_col_count(struct store_pg_stmt *s);
const char *store_pg_col_name(struct store_pg_stmt *s, int i);
int store_pg_col_is_null(struct store_pg_stmt *s, int i);
const char *store_pg_col_text(struct store_pg_stmt *s, int i);
long long store_pg_col_int(struct store_pg_stmt *s, int i);
double store_pg_col_double(struct store_pg_stmt *s, int i);
int store_pg_col_type(struct store_pg_stmt *s, int i); /* an enum store_type */

#endif
