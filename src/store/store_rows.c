/*
 * store_rows.c - statements with their arguments, and query rows as JSON.
 *
 * Every module lists its rows as JSON for the CLI's --format json and the
 * API alike; before this file each guessed its column types its own way
 * (by column name, even by the SQL text).  Here the type is what the store
 * knows of each value, the same on SQLite and PostgreSQL.
 */
#include "store.h"
#include "core/strlist.h"

#include <string.h>

void store_bind_args(struct store_stmt *s, const struct store_arg *args, size_t nargs)
{
	for (size_t i = 0; i < nargs; i++) {
		int idx = (int)i + 1;
		switch (args[i].kind) {
		case STORE_ARG_TEXT: store_bind_text(s, idx, args[i].text); break;
		case STORE_ARG_INT: store_bind_int(s, idx, args[i].i); break;
		case STORE_ARG_REAL: store_bind_double(s, idx, args[i].d); break;
		default: store_bind_null(s, idx); break;
		}
	}
}

/* A statement prepared with its arguments bound: what every helper below
 * starts with. */
static int prepare_args(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
			struct store_stmt **s, struct c2c_err *err)
{
	int rc = store_prepare(st, sql, s, err);
	if (!rc)
		store_bind_args(*s, args, nargs);
	return rc;
}

int store_exec_args(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		    struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if ((rc = prepare_args(st, sql, args, nargs, &s, err)))
		return rc;
	rc = store_step(s, err);
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

int store_exec_later(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		     struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if ((rc = prepare_args(st, sql, args, nargs, &s, err)))
		return rc;
	rc = store_step_later(s, err);
	store_finalize(s);
	return rc;
}

int store_query_int_args(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
			 long long *v, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if ((rc = prepare_args(st, sql, args, nargs, &s, err)))
		return rc;
	rc = store_step(s, err);
	if (rc == 1)
		*v = store_col_int(s, 0);
	store_finalize(s);
	return rc;
}

json_t *store_col_json(struct store_stmt *s, int i)
{
	switch (store_col_type(s, i)) {
	case STORE_NULL: return json_null();
	case STORE_INTEGER: return json_integer(store_col_int(s, i));
	case STORE_REAL: return json_real(store_col_double(s, i));
	default: return json_string(store_col_text(s, i));
	}
}

/* 1 when `name` is one item of the comma-separated list. */
static int listed(const char *list, const char *name)
{
	return strlist_has(list, ',', name, strlen(name));
}

static json_t *row_object(struct store_stmt *s, const char *json_cols)
{
	json_t *o = json_object();
	for (int i = 0; i < store_col_count(s); i++) {
		const char *name = store_col_name(s, i);
		json_t *v = NULL;
		if (json_cols && !store_col_is_null(s, i) && listed(json_cols, name))
			v = json_loads(store_col_text(s, i), JSON_DECODE_ANY, NULL);
		json_object_set_new(o, name, v ? v : store_col_json(s, i));
	}
	return o;
}

int store_rows_json(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		    const char *json_cols, json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	json_t *arr;
	int rc;

	*out = NULL;
	if ((rc = prepare_args(st, sql, args, nargs, &s, err)))
		return rc;
	arr = json_array();
	while ((rc = store_step(s, err)) == 1)
		json_array_append_new(arr, row_object(s, json_cols));
	store_finalize(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int store_row_json(struct store *st, const char *sql, const struct store_arg *args, size_t nargs,
		   const char *json_cols, const char *what, json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	*out = NULL;
	if ((rc = prepare_args(st, sql, args, nargs, &s, err)))
		return rc;
	rc = store_step(s, err);
	if (rc == 1) {
		*out = row_object(s, json_cols);
		rc = 0;
	} else if (rc == 0) {
		rc = c2c_err_set(err, C2C_ENOTFOUND, "%s does not exist", what);
	}
	store_finalize(s);
	return rc;
}
