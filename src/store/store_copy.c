/*
 * store_copy.c - what copying a whole database needs from the store (c2c db
 * migrate): each database's tables in the order they were created, a
 * table's columns, its row count, and its rows moved into another store in
 * batches.  The store still knows no domain table: names come from each
 * database's own catalog, whose SQL is the one backend-specific part here.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

/* Parameters per batch statement, and rows: a few hundred rows a statement
 * is where a round trip stops mattering (bench/store_bench); both limits
 * are far below SQLite's 32766 and PostgreSQL's 65535 parameters. */
#define COPY_PARAMS 4000
#define COPY_ROWS 500

static int is_sqlite(struct store *st) { return !strcmp(store_backend(st), "sqlite"); }

/* "name" with any " doubled: catalog names go into SQL text only this way. */
static int add_ident(struct strbuf *sb, const char *name)
{
	int rc = strbuf_addch(sb, '"');
	for (const char *p = name; *p && !rc; p++)
		rc = *p == '"' ? strbuf_addstr(sb, "\"\"") : strbuf_addch(sb, *p);
	return rc ? rc : strbuf_addch(sb, '"');
}

void store_tables_free(struct store_table *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].name);
	free(t);
}

static int push_table(struct store_table **v, size_t *n, const char *name, int is_virtual)
{
	struct store_table *g = realloc(*v, sizeof(**v) * (*n + 1));
	if (!g)
		return C2C_ENOMEM;
	*v = g;
	if (!(g[*n].name = strdup(name)))
		return C2C_ENOMEM;
	g[*n].is_virtual = is_virtual;
	(*n)++;
	return 0;
}

/* A SQLite table whose name is a virtual table's name and "_" is that
 * table's storage (FTS5's _data, _idx, _content, _docsize, _config): it is
 * copied through the virtual table, never on its own. */
static int is_shadow(const struct store_table *t, size_t n, size_t i)
{
	if (t[i].is_virtual)
		return 0;
	for (size_t j = 0; j < n; j++) {
		size_t len;
		if (!t[j].is_virtual)
			continue;
		len = strlen(t[j].name);
		if (!strncmp(t[i].name, t[j].name, len) && t[i].name[len] == '_')
			return 1;
	}
	return 0;
}

int store_tables(struct store *st, struct store_table **out, size_t *nout, struct c2c_err *err)
{
	/* Creation order: SQLite appends to its schema table; PostgreSQL hands
	 * out object ids in increasing order.  A table created later may
	 * reference one created earlier, never the other way round. */
	const char *sql = is_sqlite(st)
		? "SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' FROM sqlite_master"
		  " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
		: "SELECT c.relname, 0 FROM pg_catalog.pg_class c"
		  " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
		  " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.oid";
	struct store_table *all = NULL;
	struct store_stmt *s;
	unsigned char *shadow = NULL;
	size_t n = 0, kept = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = store_prepare(st, sql, &s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1)
		if (push_table(&all, &n, store_col_text(s, 0), (int)store_col_int(s, 1))) {
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
			break;
		}
	store_finalize(s);
	if (rc < 0) {
		store_tables_free(all, n);
		return rc;
	}
	if (n && !(shadow = calloc(n, 1))) {
		store_tables_free(all, n);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) /* marked first, removed after */
		shadow[i] = (unsigned char)is_shadow(all, n, i);
	for (size_t i = 0; i < n; i++) {
		if (shadow[i])
			free(all[i].name);
		else
			all[kept++] = all[i];
	}
	free(shadow);
	*out = all;
	*nout = kept;
	return 0;
}

void store_columns_free(char **cols, size_t n)
{
	for (size_t i = 0; cols && i < n; i++)
		free(cols[i]);
	free(cols);
}

int store_columns(struct store *st, const char *table, char ***out, size_t *nout,
		  struct c2c_err *err)
{
	const char *sql = is_sqlite(st)
		? "SELECT name FROM pragma_table_info(?) ORDER BY cid"
		: "SELECT column_name FROM information_schema.columns"
		  " WHERE table_schema = current_schema() AND table_name::text = ? ORDER BY ordinal_position";
	struct store_stmt *s;
	char **cols = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	*nout = 0;
	if ((rc = store_prepare(st, sql, &s, err)))
		return rc;
	store_bind_text(s, 1, table);
	while ((rc = store_step(s, err)) == 1) {
		char **g = realloc(cols, sizeof(*cols) * (n + 1));
		if (!g || !(g[n] = strdup(store_col_text(s, 0)))) {
			if (g)
				cols = g;
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
			break;
		}
		cols = g;
		n++;
	}
	store_finalize(s);
	if (rc < 0) {
		store_columns_free(cols, n);
		return rc;
	}
	*out = cols;
	*nout = n;
	return 0;
}

long long store_count_rows(struct store *st, const char *table, struct c2c_err *err)
{
	struct strbuf sb;
	long long n = -1;

	strbuf_init(&sb, 0);
	if (strbuf_addstr(&sb, "SELECT COUNT(*) FROM ") || add_ident(&sb, table))
		c2c_err_set(err, C2C_ENOMEM, "out of memory");
	else
		n = store_query_int(st, strbuf_str(&sb), err);
	strbuf_release(&sb);
	return n;
}

/* INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?) ... for `rows` rows. */
static int insert_sql(struct strbuf *sb, const char *table, char *const *cols, size_t ncols,
		      size_t rows)
{
	int rc = strbuf_addstr(sb, "INSERT INTO ") | add_ident(sb, table) | strbuf_addstr(sb, " (");
	for (size_t c = 0; c < ncols; c++)
		rc |= (c ? strbuf_addstr(sb, ", ") : 0) | add_ident(sb, cols[c]);
	rc |= strbuf_addstr(sb, ") VALUES ");
	for (size_t r = 0; r < rows; r++) {
		rc |= strbuf_addstr(sb, r ? ", (" : "(");
		for (size_t c = 0; c < ncols; c++)
			rc |= strbuf_addstr(sb, c ? ", ?" : "?");
		rc |= strbuf_addch(sb, ')');
	}
	return rc ? C2C_ENOMEM : 0;
}

/* One value of a source row, held until its batch is sent. */
struct copy_val {
	enum store_type type;
	long long i;
	double d;
	char *s;
};

/* Read column c of the source's current row, by what the source holds, so
 * an integer stays an integer and a double keeps every digit (it is bound
 * as %.17g). */
static int read_value(struct store_stmt *from, int c, struct copy_val *v, const char *table,
		      long long row, const char *col, struct c2c_err *err)
{
	v->type = store_col_type(from, c);
	switch (v->type) {
	case STORE_NULL: return 0;
	case STORE_INTEGER: v->i = store_col_int(from, c); return 0;
	case STORE_REAL: v->d = store_col_double(from, c); return 0;
	case STORE_TEXT:
		if (!(v->s = strdup(store_col_text(from, c))))
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		return 0;
	default:
		return c2c_err_set(err, C2C_EINPUT, "table %s, row %lld, column %s: a binary value;"
				   " c2c stores none and does not copy them", table, row, col);
	}
}

static void clear_values(struct copy_val *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].s);
		v[i].s = NULL;
		v[i].type = STORE_NULL;
	}
}

/* Bind n values to the batch statement and run it. */
static int send_batch(struct store_stmt *ins, const struct copy_val *v, size_t n, struct c2c_err *err)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		int idx = (int)i + 1;
		switch (v[i].type) {
		case STORE_INTEGER: rc = store_bind_int(ins, idx, v[i].i); break;
		case STORE_REAL: rc = store_bind_double(ins, idx, v[i].d); break;
		case STORE_TEXT: rc = store_bind_text(ins, idx, v[i].s); break;
		default: rc = store_bind_null(ins, idx); break;
		}
	}
	if (rc)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rc = store_step(ins, err);
	store_reset(ins);
	return rc < 0 ? rc : 0;
}

int store_copy_rows(struct store *from, struct store *to, const char *table, char *const *cols,
		    size_t ncols, store_copy_progress progress, void *arg, long long *copied,
		    struct c2c_err *err)
{
	size_t per = ncols ? COPY_PARAMS / ncols : 0, k = 0;
	struct store_stmt *src = NULL, *ins = NULL;
	struct copy_val *vals = NULL;
	struct strbuf sb;
	long long done = 0;
	int rc;

	*copied = 0;
	if (!ncols)
		return c2c_err_set(err, C2C_EINTERNAL, "table %s: no columns", table);
	if (per > COPY_ROWS)
		per = COPY_ROWS;
	if (per < 1)
		per = 1;
	if (!(vals = calloc(per * ncols, sizeof(*vals))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	strbuf_init(&sb, 0);
	rc = strbuf_addstr(&sb, "SELECT ");
	for (size_t c = 0; c < ncols; c++)
		rc |= (c ? strbuf_addstr(&sb, ", ") : 0) | add_ident(&sb, cols[c]);
	rc |= strbuf_addstr(&sb, " FROM ") | add_ident(&sb, table);
	/* The order rows went in (SQLite: every c2c table has a rowid, the
	 * FTS5 index too), so the copy's rows lie in the same order. */
	if (is_sqlite(from))
		rc |= strbuf_addstr(&sb, " ORDER BY rowid");
	if (rc) {
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = store_prepare(from, strbuf_str(&sb), &src, err)))
		goto out;
	for (;;) {
		int more = store_step(src, err);
		if (more < 0) {
			rc = more;
			goto out;
		}
		if (more) {
			for (size_t c = 0; c < ncols; c++)
				if ((rc = read_value(src, (int)c, &vals[k * ncols + c], table,
						     done + (long long)k + 1, cols[c], err)))
					goto out;
			if (++k < per)
				continue;
		}
		if (!k)
			break;
		/* a full batch, or the last, shorter one: each size is one
		 * statement, prepared once (the store caches it) */
		strbuf_reset(&sb);
		if (insert_sql(&sb, table, cols, ncols, k)) {
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = store_prepare(to, strbuf_str(&sb), &ins, err)) ||
		    (rc = send_batch(ins, vals, k * ncols, err))) {
			c2c_err_prefix(err, "table %s, rows %lld-%lld", table, done + 1, done + (long long)k);
			goto out;
		}
		store_finalize(ins);
		ins = NULL;
		clear_values(vals, k * ncols);
		done += (long long)k;
		k = 0;
		if (progress)
			progress(arg, table, done);
		if (!more)
			break;
	}
	*copied = done;
	rc = 0;
out:
	clear_values(vals, per * ncols);
	free(vals);
	store_finalize(src);
	store_finalize(ins);
	strbuf_release(&sb);
	return rc;
}
