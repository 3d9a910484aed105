/*
 * sources.c - every source the atlas cites, with how many facts cite it.
 * A row's `source` names where its facts come from, several joined by
 * " | " when a later source added a fact (a fiscal year, a date) to what
 * the first gave; each piece counts once per row.  An official checking the
 * atlas starts from here: which documents it rests on, how much rests on
 * each, and in which tables (`c2c sources`, GET /api/v1/sources).
 */
#include "atlas.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* Count each " | "-separated piece of one row's source under `by`
 * ({piece: {facts, tables: {table: 1}}}). */
static void count_pieces(json_t *by, const char *source, const char *table)
{
	const char *p = source;
	while (*p) {
		const char *bar = strstr(p, " | ");
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n) {
			char *piece = strndup(p, n);
			json_t *e = piece ? json_object_get(by, piece) : NULL;
			if (piece && !e) {
				e = json_pack("{s:i, s:{}}", "facts", 0, "tables");
				json_object_set_new(by, piece, e);
			}
			if (e) {
				json_object_set_new(e, "facts", json_integer(json_integer_value(json_object_get(e, "facts")) + 1));
				json_object_set_new(json_object_get(e, "tables"), table, json_true());
			}
			free(piece);
		}
		if (!bar)
			break;
		p = bar + 3;
	}
}

/* Most cited first, then by the source's text. */
static int cmp_sources(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t fx = json_integer_value(json_object_get(x, "facts")), fy = json_integer_value(json_object_get(y, "facts"));
	if (fx != fy)
		return fx > fy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "source")), json_string_value(json_object_get(y, "source")));
}

int atlas_sources(struct store *st, const char *table, json_t **out, struct c2c_err *err)
{
	json_t *by = json_object(), *e, **rows = NULL;
	const char *key;
	size_t n = 0, i = 0;
	int rc = 0, seen = 0;

	*out = NULL;
	for (size_t t = 0; t < atlas_ntables && !rc; t++) {
		const struct atlas_table *tb = &atlas_tables[t];
		struct store_stmt *s;
		char sql[160];
		if (!atlas_col_find(tb, "source") || (table && strcmp(table, tb->name)))
			continue;
		seen = 1;
		snprintf(sql, sizeof(sql), "SELECT \"source\" FROM \"%s\" WHERE \"source\" IS NOT NULL", tb->name);
		if ((rc = store_prepare(st, sql, &s, err)))
			break;
		while ((rc = store_step(s, err)) == 1)
			count_pieces(by, store_col_text(s, 0), tb->name);
		store_finalize(s);
	}
	if (!rc && table && !seen)
		rc = c2c_err_at(err, C2C_EUSAGE, "table", "'%s' is no atlas table with a source column", table);
	if (rc) {
		json_decref(by);
		return rc;
	}
	if (json_object_size(by) && !(rows = malloc(json_object_size(by) * sizeof(*rows)))) {
		json_decref(by);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	json_object_foreach(by, key, e) {
		struct strbuf tables;
		const char *tn;
		json_t *v;
		strbuf_init(&tables, 0);
		json_object_foreach(json_object_get(e, "tables"), tn, v)
			strbuf_addf(&tables, "%s%s", tables.len ? ";" : "", tn);
		rows[n++] = json_pack("{s:s, s:O, s:s}", "source", key, "facts", json_object_get(e, "facts"), "tables",
				      strbuf_str(&tables));
		strbuf_release(&tables);
	}
	qsort(rows, n, sizeof(*rows), cmp_sources);
	*out = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(*out, rows[i]);
	free(rows);
	json_decref(by);
	return 0;
}
