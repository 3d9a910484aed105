/*
 * atlas_writes.c - editing one atlas row over HTTP: PATCH /api/v1/<table>/{id}
 * with a JSON object of the columns to change (null empties one).  The row
 * is read, the given columns replaced, and the whole row written back through
 * atlas_upsert_row, so it passes exactly the checks a CSV import would
 * (types, enums, references, fiscal years); the search index follows in the
 * same transaction.  The reply is the row as `c2c <table> --format json`
 * prints it.
 *
 * Who may: routes.def names the roles.  A municipality edits only rows that
 * link to its own body, a partner city only rows that link to its own place:
 * a partnership through its places, an agreement or a project through its
 * body_id / partner_place_id / place_id columns.  The rule holds before the
 * edit and after it: a scoped user may not move a row out of its own scope
 * (it could not move it back, and the row would be another body's).
 */
#include "router.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <string.h>

/* The one row of `t` whose key is `id`, or 404. */
static int read_row(struct store *st, const struct atlas_table *t, const char *id, json_t **row,
		    struct c2c_err *err)
{
	const char *filter[] = {"id", id, NULL};
	json_t *rows;
	int rc;

	if ((rc = atlas_list(st, t, filter, &rows, err)))
		return rc;
	*row = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (!*row)
		return c2c_err_set(err, C2C_ENOTFOUND, "%s has no row '%s'", t->name, id);
	return 0;
}

/* Does any place that `row` links to, among those a municipality (bodies)
 * or a partner city (partner places) is judged by, lie in the caller's
 * scope?  The first place checked is named in the refusal.  `edited`: the
 * row as the PATCH would leave it, so the refusal says the edit is at fault
 * and names the column. */
static int may_edit(struct http_request *rq, struct store *st, const struct atlas_table *t,
		    json_t *row, int edited, struct c2c_err *err)
{
	int body = rq->user.role == AUTH_MUNICIPALITY;
	const char *first = NULL, *first_col = NULL;

	/* the other roles routes.def admits (admin, office) act programme-wide */
	if (rq->user.role != AUTH_MUNICIPALITY && rq->user.role != AUTH_PARTNER)
		return 0;
	if (!strcmp(t->name, "partnerships")) {
		const char *filter[] = {"partnership_id", json_string_value(json_object_get(row, "id")), NULL};
		const struct atlas_table *pp = atlas_table_find("partnership_places");
		json_t *places, *p;
		size_t i;
		int rc;
		if ((rc = atlas_list(st, pp, filter, &places, err)))
			return rc;
		json_array_foreach(places, i, p) {
			const char *role = json_string_value(json_object_get(p, "role"));
			const char *place = json_string_value(json_object_get(p, "place_id"));
			if (!role || !place || strcmp(role, body ? "body" : "partner"))
				continue;
			if (auth_in_scope(&rq->user, "place", place)) {
				json_decref(places);
				return 0;
			}
		}
		json_decref(places);
	} else {
		const char *const cols[] = {body ? "body_id" : "partner_place_id", body ? NULL : "place_id"};
		for (size_t i = 0; i < 2; i++) {
			const char *place;
			if (!cols[i] || !atlas_col_find(t, cols[i]))
				continue;
			place = json_string_value(json_object_get(row, cols[i]));
			if (!place)
				continue;
			if (!first) {
				first = place;
				first_col = cols[i];
			}
			if (auth_in_scope(&rq->user, "place", place))
				return 0;
		}
	}
	if (edited) {
		c2c_err_set(err, C2C_EFORBIDDEN, "%s %s/%s: after this edit the row would no longer be "
			    "linked to %s's %s (%s)", rq->method, t->name, rq->id, rq->user.name,
			    body ? "body" : "place", rq->user.scope);
		if (first_col)
			c2c_err_field(err, first_col);
		c2c_err_hint(err, "only the programme office can give a row to another %s",
			     body ? "body" : "place");
	} else {
		c2c_err_set(err, C2C_EFORBIDDEN, "%s %s/%s: the row is not linked to %s's %s (%s)",
			    rq->method, t->name, rq->id, rq->user.name, body ? "body" : "place",
			    rq->user.scope);
	}
	if (first)
		c2c_err_detail(err, "it is linked to %s", first);
	return C2C_EFORBIDDEN;
}

/* A column's JSON value as the text a CSV cell holds. */
static void cell_text(json_t *v, char *buf, size_t len, const char **out)
{
	if (json_is_string(v)) {
		*out = json_string_value(v);
		return;
	}
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		atlas_real_text(json_real_value(v), buf, len);
	else
		buf[0] = '\0';
	*out = buf;
}

/* The read, the scope check and the write of one PATCH, in one
 * transaction (store_tx): a PATCH that lost a race runs again whole, and
 * PATCHes queue behind each other since each rebuilds the search index. */
static int patch_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct http_request *rq = ctx;
	const struct atlas_table *t = rq->table;
	const char *vals[64], *key;
	char num[64][32], origin[160];
	json_t *row = NULL, *v;
	int rc;

	if ((rc = read_row(st, t, rq->id, &row, err)) || (rc = may_edit(rq, st, t, row, 0, err))) {
		json_decref(row);
		return rc;
	}
	json_object_foreach(rq->body, key, v)
		json_object_set(row, key, v);
	if ((rc = may_edit(rq, st, t, row, 1, err))) {
		json_decref(row);
		return rc;
	}
	for (size_t c = 0; c < t->ncols; c++)
		cell_text(json_object_get(row, t->cols[c].name), num[c], sizeof(num[c]), &vals[c]);
	snprintf(origin, sizeof(origin), "PATCH /api/v1/%s/%s by %s", t->name, rq->id, rq->user.name);
	rc = atlas_upsert_row(st, t, vals, origin, err);
	json_decref(row);
	return rc ? rc : atlas_search_rebuild(st, err);
}

int http_patch_table(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const struct atlas_table *t = rq->table;
	struct store *st = rq->st;
	int rc;

	if (t->ncols > 64)
		return c2c_err_set(err, C2C_EINTERNAL, "%s has more than 64 columns", t->name);
	if (!json_object_size(rq->body))
		return c2c_err_set(err, C2C_EUSAGE, "request body: name at least one column to change");
	if ((rc = store_tx(st, ATLAS_SEARCH_QUEUE, patch_tx, rq, err)))
		return rc;
	return read_row(st, t, rq->id, out, err);
}
