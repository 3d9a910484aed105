/*
 * audit.c - every write made over HTTP, with who made it: one row per
 * request that changed something (and per log-in and log-out), written
 * after the handler succeeded.  The registry's journal records the user of
 * each operation as well, inside its own hash chain; this log covers every
 * module alike, atlas edits included, and is what `GET /api/v1/audit`
 * shows the programme office.
 *
 * A handler that calls http_write_tx writes its row in the write's own
 * transaction: both or neither.  For the others the router appends it in a
 * transaction of its own, after the write's: a failure to log is printed by
 * the server (the write itself stands, and says so in its reply).
 */
#include "router.h"
#include "core/date.h"

#include <stdio.h>
#include <string.h>

static const char audit_v1[] =
	"CREATE TABLE http_audit ("
	" \"seq\" BIGINT PRIMARY KEY, \"at\" TEXT NOT NULL, \"user_name\" TEXT NOT NULL,"
	" \"role\" TEXT NOT NULL, \"method\" TEXT NOT NULL, \"path\" TEXT NOT NULL,"
	" \"client\" TEXT NOT NULL);";

STORE_MIGRATE_FN(http_audit_migrate, "http", {1, "the log of writes over HTTP", audit_v1})

struct audit_row {
	struct http_request *rq;
	const char *path, *at;
};

/* seq from the table, under the writers' lock (store_tx queued on
 * http_audit): no gaps, one order */
static int audit_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct audit_row *a = ctx;
	struct http_request *rq = a->rq;
	return store_exec_later(st, "INSERT INTO http_audit (\"seq\", \"at\", \"user_name\", \"role\", \"method\","
			       " \"path\", \"client\") SELECT COALESCE(MAX(\"seq\"), 0) + 1, ?, ?, ?, ?, ?, ? FROM http_audit",
			       STORE_ARGS(store_text(a->at), store_text(rq->user.name),
					  store_text(auth_role_name(rq->user.role)), store_text(rq->route->method),
					  store_text(a->path),
					  store_text(rq->cred && rq->cred->client ? rq->cred->client : "")),
			       err);
}

int http_audit_append(struct http_request *rq, const char *path, struct c2c_err *err)
{
	struct audit_row a = {rq, path, NULL};
	char at[32];

	date_now_iso(at, sizeof(at), 1);
	a.at = at;
	return store_tx(rq->st, "http_audit", audit_tx, &a, err);
}

struct write_tx {
	struct http_request *rq;
	store_tx_fn fn;
	void *ctx;
};

static int write_audit_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct write_tx *w = vctx;
	struct audit_row a = {w->rq, w->rq->path, NULL};
	char at[32];
	int rc;
	if ((rc = w->fn(st, w->ctx, err)))
		return rc;
	date_now_iso(at, sizeof(at), 1);
	a.at = at;
	return audit_tx(st, &a, err);
}

int http_write_tx_queued(struct http_request *rq, const char *queue, store_tx_fn fn, void *ctx,
			 struct c2c_err *err)
{
	struct write_tx w = {rq, fn, ctx};
	char tables[96];
	int rc;
	/* http_audit first, always: every writer over HTTP takes the locks in
	 * one order, so none holds one while waiting for another's */
	if ((size_t)snprintf(tables, sizeof(tables), "http_audit%s%s", queue ? "," : "", queue ? queue : "") >=
	    sizeof(tables))
		return c2c_err_set(err, C2C_EINTERNAL, "queue name too long: %s", queue);
	if (!(rc = store_tx(rq->st, tables, write_audit_tx, &w, err)))
		rq->audited = 1;
	return rc;
}

int http_write_tx(struct http_request *rq, store_tx_fn fn, void *ctx, struct c2c_err *err)
{
	return http_write_tx_queued(rq, NULL, fn, ctx, err);
}

int http_get_audit(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	json_t *arr;
	int rc;

	if ((rc = store_prepare(rq->st,
				"SELECT \"seq\", \"at\", \"user_name\", \"role\", \"method\", \"path\", \"client\""
				" FROM http_audit ORDER BY \"seq\"", &s, err)))
		return rc;
	arr = json_array();
	while ((rc = store_step(s, err)) == 1)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
						     (json_int_t)store_col_int(s, 0), "at", store_col_text(s, 1),
						     "user", store_col_text(s, 2), "role", store_col_text(s, 3),
						     "method", store_col_text(s, 4), "path", store_col_text(s, 5),
						     "client", store_col_text(s, 6)));
	store_finalize(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
