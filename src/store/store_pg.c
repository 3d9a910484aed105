/*
 * store_pg.c - the PostgreSQL backend of store.h, through libpq: the server
 * store for a ministry running c2c for many users (issue 9).
 *
 * The SQL c2c writes is shared with SQLite (docs/store.md), so this file
 * only adapts the mechanics: `?` / `?N` placeholders become `$N`, each
 * distinct SQL text is prepared once per connection under a generated name
 * (the same reason as SQLite's statement cache: the registry repeats a dozen
 * statements per operation), values travel as text, and a statement's whole
 * result is fetched at its first step and then walked row by row.
 *
 * A connection the server dropped (a PostgreSQL restart, a fail-over, a
 * network cut) is a C2C_EUNAVAIL error (HTTP 503 with Retry-After) for the
 * statement that met it, and is opened again by the next statement that is
 * not inside a transaction: a serving worker recovers by itself (issue 21).
 * Never inside one: statements after a lost BEGIN would otherwise run one
 * by one outside any transaction, and half an operation would be kept.
 *
 * A write whose answer nobody reads at once (store_exec_later: a registry
 * operation's block and balance updates, its journal row, its audit row)
 * is sent ahead in libpq's pipeline mode inside a transaction, and its
 * answer read with the next statement that waits for one: a read, or the
 * COMMIT, which goes in the same round trip.  On a server one round trip
 * away, each statement's wait was the cost of a transfer (22 of them, at
 * 2 cores' localhost latency); the writes sent ahead cost none of their own.
 * The first of them that failed is the error of the statement that reads
 * the answers: the transaction is lost either way and rolled back.
 */
#include "store_pg.h"
#include "store.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PG_CACHE 64      /* prepared statements kept per connection */
#define PG_PARAMS 65535  /* the protocol's limit; a batch insert (store_copy.c) uses hundreds */

struct pg_prepared {
	char *sql;          /* c2c's SQL text, the cache key */
	char name[24];      /* server-side name, c2c_N */
	int nparams;
	unsigned long used; /* last use, for eviction */
};

struct store_pg {
	PGconn *conn;
	struct pg_prepared cache[PG_CACHE];
	unsigned long clock, serial;
	int in_tx; /* between a BEGIN that succeeded and its COMMIT or ROLLBACK */
	int piped; /* writes sent ahead in pipeline mode whose answers are not read yet */
};

struct store_pg_stmt {
	struct store_pg *pg;
	char name[24];
	int nparams;
	char **vals;   /* nparams of them, NULL binds NULL */
	PGresult *res; /* set from the first step until reset */
	int row, nrows;
};

int store_is_pg_url(const char *path)
{
	return path && (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11));
}

static void put(char *out, size_t len, size_t *o, const char *s, size_t n)
{
	while (n-- && *o + 1 < len)
		out[(*o)++] = *s++;
	out[*o] = '\0';
}

void store_path_redacted(char *out, size_t len, const char *path)
{
	const char *p = path ? path : "", *auth, *host_end, *at = NULL, *colon = NULL;
	size_t o = 0;

	if (!len)
		return;
	out[0] = '\0';
	if (!store_is_pg_url(p)) {
		put(out, len, &o, p, strlen(p));
		return;
	}
	/* user:password@host: the password lies between the first ':' and the
	 * last '@' before the path */
	auth = strstr(p, "://") + 3;
	host_end = auth + strcspn(auth, "/?#");
	for (const char *q = auth; q < host_end; q++)
		if (*q == '@')
			at = q;
	if (at)
		colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon) {
		put(out, len, &o, p, (size_t)(colon + 1 - p));
		put(out, len, &o, "***", 3);
		p = at;
	}
	while (*p) { /* ...?password=PW&... in the query */
		if (!strncmp(p, "password=", 9) && (p[-1] == '?' || p[-1] == '&')) {
			put(out, len, &o, p, 9);
			put(out, len, &o, "***", 3);
			p += 9;
			p += strcspn(p, "&#");
		} else {
			put(out, len, &o, p++, 1);
		}
	}
}

/* Map a failed result to c2c's codes: a constraint is a conflict as in
 * SQLite; a serialization failure is a conflict the caller may retry; a
 * connection lost is the database being unavailable. */
static int pg_error(struct store_pg *pg, PGresult *res, struct c2c_err *err, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pg->conn);
	char text[512];
	size_t n;

	snprintf(text, sizeof(text), "%s", msg && *msg ? msg : PQerrorMessage(pg->conn));
	n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	if (PQstatus(pg->conn) == CONNECTION_BAD || (state && (!strncmp(state, "08", 2) || !strcmp(state, "57P01")))) {
		c2c_err_set(err, C2C_EUNAVAIL, "the database server cannot be reached: %s", text);
		c2c_err_hint(err, "try again in a moment; c2c connects again by itself");
		return C2C_EUNAVAIL;
	}
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01"))) {
		c2c_err_set(err, C2C_ERETRY, "%s: serialization failure, retry the operation: %s", what, text);
		c2c_err_hint(err, "another transaction changed the same rows at the same time; nothing of this one was kept");
		return C2C_ERETRY;
	}
	if (state && !strncmp(state, "23", 2))
		return c2c_err_set(err, C2C_ECONFLICT, "%s: %s", what, text);
	return c2c_err_set(err, C2C_EDB, "%s: %s", what, text);
}

/* What every connection is set to: messages in one language, and notices
 * (CREATE ... IF NOT EXISTS "already exists, skipping") not printed over
 * c2c's own output. */
static PGresult *pg_session_setup(PGconn *conn)
{
	return PQexec(conn, "SET client_min_messages = warning; SET client_encoding = 'UTF8'");
}

/* Read the answers of the writes sent ahead (store_pg_send) and leave
 * pipeline mode, before anything that waits for an answer of its own.  The
 * first write that failed is the error returned (err may be NULL: a
 * rollback, which wants none); the server skipped the writes after it. */
static int pg_drain(struct store_pg *pg, struct c2c_err *err)
{
	struct c2c_err ignored;
	PGresult *res;
	int rc = 0;

	if (PQpipelineStatus(pg->conn) == PQ_PIPELINE_OFF)
		return 0;
	if (!err)
		err = &ignored;
	if (pg->piped && !PQpipelineSync(pg->conn)) { /* not sent: the connection is gone */
		rc = pg_error(pg, NULL, err, "SQL");
		pg->piped = 0;
	}
	for (int q = 0; q < pg->piped; q++) {
		/* each write's answers, then NULL; after an error the server
		 * answers the rest PGRES_PIPELINE_ABORTED */
		while ((res = PQgetResult(pg->conn))) {
			ExecStatusType t = PQresultStatus(res);
			if (!rc && t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_PIPELINE_ABORTED)
				rc = pg_error(pg, res, err, "SQL");
			PQclear(res);
		}
		if (PQstatus(pg->conn) == CONNECTION_BAD) {
			if (!rc)
				rc = pg_error(pg, NULL, err, "SQL");
			break;
		}
	}
	/* then the sync point's own answer */
	if (pg->piped && PQstatus(pg->conn) == CONNECTION_OK && (res = PQgetResult(pg->conn)))
		PQclear(res);
	pg->piped = 0;
	PQexitPipelineMode(pg->conn);
	return rc;
}

/* The connection, opened again if the server dropped it and no transaction
 * of c2c's was open on it.  The server forgot the prepared statements with
 * the old session, so the cache is emptied. */
static int pg_ready(struct store_pg *pg, struct c2c_err *err)
{
	PGresult *res;
	int ok;

	if (PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	if (pg->in_tx)
		return c2c_err_set(err, C2C_EUNAVAIL,
				   "the database server was lost inside a transaction: nothing of it was kept");
	pg->piped = 0; /* answers that will never come */
	PQreset(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pg->conn));
		msg[strcspn(msg, "\n")] = '\0';
		c2c_err_set(err, C2C_EUNAVAIL, "the database server cannot be reached: %s", msg);
		c2c_err_hint(err, "try again in a moment; c2c connects again by itself");
		return C2C_EUNAVAIL;
	}
	for (int i = 0; i < PG_CACHE; i++) {
		free(pg->cache[i].sql);
		pg->cache[i].sql = NULL;
	}
	res = pg_session_setup(pg->conn);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok ? 0 : c2c_err_set(err, C2C_EUNAVAIL, "the database server was reached again but refused the session's settings");
}

int store_pg_open(struct store_pg **out, const char *url, struct c2c_err *err)
{
	struct store_pg *pg = calloc(1, sizeof(*pg));
	PGresult *res;

	*out = NULL;
	if (!pg)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	pg->conn = PQconnectdb(url);
	if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
		char msg[512], shown[512];
		snprintf(msg, sizeof(msg), "%s", pg->conn ? PQerrorMessage(pg->conn) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		store_path_redacted(shown, sizeof(shown), url);
		c2c_err_set(err, C2C_EDB, "%s: cannot connect: %s", shown, msg);
		c2c_err_hint(err, "check that the server runs and the database exists (createdb)");
		store_pg_close(pg);
		return C2C_EDB;
	}
	res = pg_session_setup(pg->conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char shown[512];
		store_path_redacted(shown, sizeof(shown), url);
		pg_error(pg, res, err, shown);
		PQclear(res);
		store_pg_close(pg);
		return C2C_EDB;
	}
	PQclear(res);
	*out = pg;
	return 0;
}

void store_pg_close(struct store_pg *pg)
{
	if (!pg)
		return;
	pg_drain(pg, NULL);
	for (int i = 0; i < PG_CACHE; i++)
		free(pg->cache[i].sql);
	PQfinish(pg->conn);
	free(pg);
}

int store_pg_exec(struct store_pg *pg, const char *sql, struct c2c_err *err)
{
	PGresult *res;
	ExecStatusType t;
	int rc = pg_ready(pg, err);

	if (rc || (rc = pg_drain(pg, err)))
		return rc;
	res = PQexec(pg->conn, sql);
	t = PQresultStatus(res);
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY)
		rc = pg_error(pg, res, err, "SQL");
	PQclear(res);
	return rc;
}

int store_pg_begin(struct store_pg *pg, struct c2c_err *err)
{
	/* SERIALIZABLE: what SQLite's single writer gives for free; here two
	 * transfers from one account cannot both read the old balance. */
	int rc = store_pg_exec(pg, "BEGIN ISOLATION LEVEL SERIALIZABLE", err);
	pg->in_tx = !rc;
	return rc;
}

int store_pg_begin_serial(struct store_pg *pg, const char *tables, struct c2c_err *err)
{
	char sql[320];
	size_t n;
	int rc;
	/* SHARE ROW EXCLUSIVE conflicts with itself and with writes, not with
	 * plain reads; LOCK TABLE takes no snapshot, so the first SELECT after
	 * it sees every writer that went before (PostgreSQL docs, LOCK).  One
	 * simple query, one round trip: an explicit BEGIN in it leaves the
	 * transaction open after it, as store_pg_begin's would.  `tables` may
	 * name several, "a,b": locked in that order, before the snapshot. */
	n = (size_t)snprintf(sql, sizeof(sql), "BEGIN ISOLATION LEVEL SERIALIZABLE; LOCK TABLE ");
	for (const char *t = tables; *t && n < sizeof(sql);) {
		size_t len = strcspn(t, ",");
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s\"%.*s\"", t == tables ? "" : ", ", (int)len, t);
		t += len + (t[len] == ',');
	}
	if (n >= sizeof(sql) || (size_t)snprintf(sql + n, sizeof(sql) - n, " IN SHARE ROW EXCLUSIVE MODE") >= sizeof(sql) - n)
		return c2c_err_set(err, C2C_EINTERNAL, "table names too long: %s", tables);
	if ((rc = store_pg_exec(pg, sql, err)))
		store_pg_rollback(pg);
	pg->in_tx = !rc;
	return rc;
}

int store_pg_commit(struct store_pg *pg, struct c2c_err *err)
{
	PGresult *res;
	int rc = 0;

	if (PQstatus(pg->conn) != CONNECTION_OK) /* lost before: nothing was kept */
		return pg_ready(pg, err);
	if (pg->piped) { /* the COMMIT goes with the writes sent ahead: one round trip */
		if (!PQsendQueryParams(pg->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0)) {
			rc = pg_error(pg, NULL, err, "SQL");
			pg_drain(pg, NULL);
			pg->in_tx = 0;
			return rc; /* not sent: nothing was kept */
		}
		pg->piped++;
		if ((rc = pg_drain(pg, err)) == C2C_EUNAVAIL) {
			c2c_err_set(err, C2C_EUNAVAIL,
				    "the database server was lost during the commit: the operation may or may not "
				    "have been recorded");
			c2c_err_hint(err, "look before doing it again (the registry's journal, the record)");
		}
		pg->in_tx = 0;
		return rc;
	}
	res = PQexec(pg->conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_error(pg, res, err, "SQL");
		if (rc == C2C_EUNAVAIL) { /* the COMMIT went out; its answer did not come back */
			c2c_err_set(err, C2C_EUNAVAIL,
				    "the database server was lost during the commit: the operation may or may not "
				    "have been recorded");
			c2c_err_hint(err, "look before doing it again (the registry's journal, the record)");
		}
	}
	PQclear(res);
	pg->in_tx = 0;
	return rc;
}

int store_pg_in_tx(struct store_pg *pg)
{
	PGTransactionStatusType t = PQtransactionStatus(pg->conn);
	return pg->in_tx || t == PQTRANS_ACTIVE || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

void store_pg_rollback(struct store_pg *pg)
{
	PGTransactionStatusType t;
	pg_drain(pg, NULL);
	t = PQtransactionStatus(pg->conn);
	if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	pg->in_tx = 0;
}

/* `?` and `?N` to `$N`, outside string literals, quoted identifiers and
 * comments.  Returns the number of parameters: -1 when out of memory, -2
 * when a number is above PG_PARAMS.  used[N] is set for each $N the text
 * mentions (used has PG_PARAMS + 1 entries). */
static int translate(const char *sql, char **out, unsigned char *used)
{
	size_t len = strlen(sql), o = 0;
	char *buf = malloc(len * 12 + 1); /* "?" becomes at most "$65535::text" */
	int next = 0, max = 0;

	if (!buf)
		return -1;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			buf[o++] = *p++;
			while (*p) {
				if (*p == q && p[1] == q) {
					buf[o++] = *p++;
					buf[o++] = *p++;
				} else if (*p == q) {
					buf[o++] = *p++;
					break;
				} else {
					buf[o++] = *p++;
				}
			}
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				buf[o++] = *p++;
		} else if (*p == '?') {
			int n;
			p++;
			if (*p >= '0' && *p <= '9') {
				char *end;
				n = (int)strtol(p, &end, 10);
				p = end;
			} else {
				n = ++next;
			}
			if (n < 1 || n > PG_PARAMS) {
				free(buf);
				return -2;
			}
			if (n > max)
				max = n;
			used[n] = 1;
			o += (size_t)snprintf(buf + o, 8, "$%d", n);
			/* A parameter only tested for NULL ("? IS NULL OR col = ?")
			 * gives the server no type to infer; every such use in c2c is
			 * text, so say so (other types are compared, hence inferred). */
			{
				const char *q = p;
				while (*q == ' ')
					q++;
				if (!strncasecmp(q, "IS NULL", 7) || !strncasecmp(q, "IS NOT NULL", 11))
					o += (size_t)snprintf(buf + o, 8, "::text");
			}
		} else {
			buf[o++] = *p++;
		}
	}
	buf[o] = '\0';
	*out = buf;
	return max;
}

int store_pg_prepare(struct store_pg *pg, const char *sql, struct store_pg_stmt **out,
		     struct c2c_err *err)
{
	struct pg_prepared *e = NULL, *victim = NULL;
	struct store_pg_stmt *s;
	int rc;

	*out = NULL;
	if (pg_ready(pg, err))
		return err->code;
	for (int i = 0; i < PG_CACHE; i++) {
		struct pg_prepared *c = &pg->cache[i];
		if (c->sql && !strcmp(c->sql, sql)) {
			e = c;
			break;
		}
		if (!victim || !c->sql || (victim->sql && c->used < victim->used))
			victim = c;
	}
	if (!e && (rc = pg_drain(pg, err)))
		return rc;
	if (!e) {
		char *text = NULL, *copy = strdup(sql);
		unsigned char *used = calloc(PG_PARAMS + 1, 1);
		Oid *types = NULL;
		PGresult *res;
		int n = -1;
		if (!copy || !used || (n = translate(sql, &text, used)) < 0 ||
		    !(types = malloc(sizeof(*types) * (size_t)(n ? n : 1)))) {
			free(copy);
			free(used);
			free(text);
			if (n == -2)
				return c2c_err_set(err, C2C_EINTERNAL, "SQL prepare: a parameter above $%d", PG_PARAMS);
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		}
		if (victim->sql) { /* the server forgets it too, or names pile up */
			char dealloc[48];
			snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", victim->name);
			PQclear(PQexec(pg->conn, dealloc));
			free(victim->sql);
			victim->sql = NULL;
		}
		/* A statement may skip a number ("... WHERE seq >= ?3", with ?1 and
		 * ?2 bound but unused, as SQLite allows); the server cannot infer a
		 * type for a parameter it never sees, so such ones are text. */
		for (int i = 0; i < n; i++)
			types[i] = used[i + 1] ? 0 : 25; /* 25: text's type oid */
		snprintf(victim->name, sizeof(victim->name), "c2c_%lu", ++pg->serial);
		res = PQprepare(pg->conn, victim->name, text, n, types);
		free(text);
		free(types);
		free(used);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = pg_error(pg, res, err, "SQL prepare");
			PQclear(res);
			free(copy);
			return rc;
		}
		PQclear(res);
		victim->sql = copy;
		victim->nparams = n;
		e = victim;
	}
	e->used = ++pg->clock;
	/* Per use, not per cached entry: a statement may be walked while the
	 * same SQL runs again nested inside the walk (rows are already here). */
	s = calloc(1, sizeof(*s));
	if (!s || (e->nparams && !(s->vals = calloc((size_t)e->nparams, sizeof(*s->vals))))) {
		free(s);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	s->pg = pg;
	memcpy(s->name, e->name, sizeof(s->name));
	s->nparams = e->nparams;
	*out = s;
	return 0;
}

int store_pg_bind(struct store_pg_stmt *s, int idx, const char *v)
{
	char *copy = NULL;
	if (idx < 1 || idx > s->nparams)
		return C2C_EDB;
	if (v && !(copy = strdup(v)))
		return C2C_ENOMEM;
	free(s->vals[idx - 1]);
	s->vals[idx - 1] = copy;
	return 0;
}

int store_pg_step(struct store_pg_stmt *s, struct c2c_err *err)
{
	if (!s->res) {
		PGresult *res;
		ExecStatusType t;
		int rc;
		if ((rc = pg_drain(s->pg, err)))
			return rc;
		res = PQexecPrepared(s->pg->conn, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0);
		t = PQresultStatus(res);
		if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
			rc = pg_error(s->pg, res, err, "SQL");
			PQclear(res);
			return rc;
		}
		s->res = res;
		s->nrows = PQntuples(res);
		s->row = -1;
	}
	if (s->row + 1 >= s->nrows) {
		s->row = s->nrows;
		return 0;
	}
	s->row++;
	return 1;
}

int store_pg_send(struct store_pg_stmt *s, struct c2c_err *err)
{
	struct store_pg *pg = s->pg;
	int rc;
	/* outside a transaction nothing would read the answer before it
	 * counts: such a write waits for it, as store_pg_step does */
	if (!pg->in_tx || PQstatus(pg->conn) != CONNECTION_OK ||
	    (PQpipelineStatus(pg->conn) == PQ_PIPELINE_OFF && !PQenterPipelineMode(pg->conn))) {
		rc = store_pg_step(s, err);
		return rc < 0 ? rc : 0;
	}
	if (!PQsendQueryPrepared(pg->conn, s->name, s->nparams, (const char *const *)s->vals, NULL, NULL, 0)) {
		rc = pg_error(pg, NULL, err, "SQL");
		pg_drain(pg, NULL);
		return rc;
	}
	pg->piped++;
	return 0;
}

void store_pg_reset(struct store_pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	for (int i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
	}
}

void store_pg_finalize(struct store_pg_stmt *s)
{
	if (!s)
		return;
	store_pg_reset(s);
	free(s->vals);
	free(s);
}

/* Columns are read only on a current row; before the first step or after
 * the last there is none, as with SQLite (NULL / 0). */
static int has_value(struct store_pg_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < PQnfields(s->res) &&
	       !PQgetisnull(s->res, s->row, i);
}

int store_pg_col_count(struct store_pg_stmt *s) { return s->res ? PQnfields(s->res) : 0; }
const char *store_pg_col_name(struct store_pg_stmt *s, int i)
{
	return s->res ? PQfname(s->res, i) : NULL;
}
int store_pg_col_is_null(struct store_pg_stmt *s, int i) { return !has_value(s, i); }
const char *store_pg_col_text(struct store_pg_stmt *s, int i)
{
	return has_value(s, i) ? PQgetvalue(s->res, s->row, i) : "";
}

long long store_pg_col_int(struct store_pg_stmt *s, int i)
{
	const char *v;
	if (!has_value(s, i))
		return 0;
	v = PQgetvalue(s->res, s->row, i);
	/* A comparison comes back as boolean "t"/"f"; SQLite says 1/0. */
	if (!strcmp(v, "t"))
		return 1;
	if (!strcmp(v, "f"))
		return 0;
	return strtoll(v, NULL, 10);
}

double store_pg_col_double(struct store_pg_stmt *s, int i)
{
	return has_value(s, i) ? strtod(PQgetvalue(s->res, s->row, i), NULL) : 0.0;
}

int store_pg_col_type(struct store_pg_stmt *s, int i)
{
	if (!has_value(s, i))
		return STORE_NULL;
	/* type oids of the server's catalog (pg_type), stable since 7.x */
	switch (PQftype(s->res, i)) {
	case 16: case 20: case 21: case 23: /* bool, int8, int2, int4 */
		return STORE_INTEGER;
	case 1700: /* numeric: exact; a whole one is an integer, as SQLite's SUM of integers */
		return strpbrk(PQgetvalue(s->res, s->row, i), ".eEN") ||
				       strlen(PQgetvalue(s->res, s->row, i)) > 18
			       ? STORE_REAL
			       : STORE_INTEGER;
	case 700: case 701: /* float4, float8 */
		return STORE_REAL;
	case 17:                            /* bytea */
		return STORE_BLOB;
	default:
		return STORE_TEXT;
	}
}
