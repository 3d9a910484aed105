/*
 * query.c - reading atlas tables back out: generic lists (JSON), CSV
 * export, the partnerships with their places nested, and the lookups of
 * one row by its id, through which the other modules read the atlas.
 */
#include "atlas.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static int select_sql(const struct atlas_table *t, const char *const *filters, struct strbuf *sb)
{
	int rc = 0;
	const char *sep = " WHERE ";
	rc |= strbuf_addstr(sb, "SELECT ");
	for (size_t c = 0; c < t->ncols; c++)
		rc |= strbuf_addf(sb, "%s\"%s\"", c ? ", " : "", t->cols[c].name);
	rc |= strbuf_addf(sb, " FROM \"%s\"", t->name);
	for (size_t i = 0; filters && filters[i]; i += 2) {
		rc |= strbuf_addf(sb, "%s\"%s\" = ?", sep, filters[i]);
		sep = " AND ";
	}
	sep = " ORDER BY ";
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].flags & COL_KEY) {
			rc |= strbuf_addf(sb, "%s\"%s\"", sep, t->cols[c].name);
			sep = ", ";
		}
	return rc ? C2C_ENOMEM : 0;
}

/* One column of the current row as JSON: numbers as numbers, NULL as null. */
static json_t *col_json(struct store_stmt *s, int i, const struct atlas_col *col)
{
	if (store_col_is_null(s, i))
		return json_null();
	if (col->type == AT_INT)
		return json_integer(store_col_int(s, i));
	if (col->type == AT_REAL)
		return json_real(store_col_double(s, i));
	return json_string(store_col_text(s, i));
}

static int prepare_list(struct store *st, const struct atlas_table *t, const char *const *filters,
			struct store_stmt **s, struct c2c_err *err)
{
	struct strbuf sb;
	int rc;

	for (size_t i = 0; filters && filters[i]; i += 2)
		if (!atlas_col_find(t, filters[i]))
			return c2c_err_set(err, C2C_EUSAGE, "%s has no column '%s'", t->name, filters[i]);
	strbuf_init(&sb, 0);
	if ((rc = select_sql(t, filters, &sb))) {
		strbuf_release(&sb);
		return c2c_err_set(err, rc, "out of memory");
	}
	rc = store_prepare(st, strbuf_str(&sb), s, err);
	strbuf_release(&sb);
	if (rc)
		return rc;
	for (size_t i = 0; filters && filters[i]; i += 2) {
		const struct atlas_col *col = atlas_col_find(t, filters[i]);
		if (col->type == AT_INT)
			store_bind_int(*s, (int)(i / 2) + 1, strtoll(filters[i + 1], NULL, 10));
		else
			store_bind_text(*s, (int)(i / 2) + 1, filters[i + 1]);
	}
	return 0;
}

int atlas_list(struct store *st, const struct atlas_table *t, const char *const *filters,
	       json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	json_t *arr;
	int rc;

	*out = NULL;
	if ((rc = prepare_list(st, t, filters, &s, err)))
		return rc;
	arr = json_array();
	while ((rc = store_step(s, err)) == 1) {
		json_t *o = json_object();
		for (size_t c = 0; c < t->ncols; c++)
			json_object_set_new(o, t->cols[c].name, col_json(s, (int)c, &t->cols[c]));
		json_array_append_new(arr, o);
	}
	store_finalize(s);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* Numbers print as the shortest text that reads back the same, so an
 * export of an import of an export is byte-identical. */
void atlas_real_text(double d, char *buf, size_t len)
{
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

int atlas_export_csv(struct store *st, const struct atlas_table *t, FILE *out,
		     struct c2c_err *err)
{
	struct store_stmt *s;
	struct strbuf line;
	int rc;

	if ((rc = prepare_list(st, t, NULL, &s, err)))
		return rc;
	strbuf_init(&line, 0);
	for (size_t c = 0; c < t->ncols; c++)
		strbuf_addf(&line, "%s%s", c ? "," : "", t->cols[c].name);
	strbuf_addch(&line, '\n');
	fwrite(line.buf, 1, line.len, out);
	while ((rc = store_step(s, err)) == 1) {
		strbuf_reset(&line);
		for (size_t c = 0; c < t->ncols; c++) {
			char num[40];
			if (c)
				strbuf_addch(&line, ',');
			if (store_col_is_null(s, (int)c))
				continue;
			if (t->cols[c].type == AT_REAL) {
				atlas_real_text(store_col_double(s, (int)c), num, sizeof(num));
				strbuf_addstr(&line, num);
			} else {
				csv_put_field(&line, store_col_text(s, (int)c));
			}
		}
		strbuf_addch(&line, '\n');
		fwrite(line.buf, 1, line.len, out);
	}
	strbuf_release(&line);
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (ferror(out))
		return c2c_err_set(err, C2C_EIO, "export of %s: write error", t->name);
	return 0;
}

static json_t *fy_array(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list; *p;) {
		json_array_append_new(a, json_integer(strtol(p, NULL, 10)));
		p = strchr(p, ';');
		if (!p)
			break;
		p++;
	}
	return a;
}

static int ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return 1;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return 0;
}

/* Does any place of `role` in the partnership, or its label, match? */
static int places_match(json_t *places, const char *label, const char *q)
{
	size_t i;
	json_t *p;
	if (ci_contains(label, q))
		return 1;
	json_array_foreach(places, i, p)
		if (ci_contains(json_string_value(json_object_get(p, "name_ja")), q) ||
		    ci_contains(json_string_value(json_object_get(p, "name_en")), q) ||
		    !strcmp(json_string_value(json_object_get(p, "id")), q))
			return 1;
	return 0;
}

static const char partnership_sql[] =
	"SELECT p.\"id\", p.\"country\", c.\"name_ja\", c.\"name_en\", p.\"partner_label_ja\","
	" p.\"body_label_ja\", COALESCE(p.\"fiscal_years\", ''), COALESCE(p.\"note\", ''), p.\"source\""
	" FROM \"partnerships\" p JOIN \"countries\" c ON c.\"code\" = p.\"country\""
	" WHERE (? IS NULL OR p.\"country\" = ?) ORDER BY p.\"id\"";

static const char partnership_places_sql[] =
	"SELECT pp.\"role\", pl.\"id\", pl.\"name_ja\", pl.\"name_en\", pl.\"kind\", pl.\"lat\", pl.\"lon\""
	", pp.\"partnership_id\""
	" FROM \"partnership_places\" pp JOIN \"places\" pl ON pl.\"id\" = pp.\"place_id\""
	" JOIN \"partnerships\" p ON p.\"id\" = pp.\"partnership_id\""
	" WHERE (? IS NULL OR p.\"country\" = ?)"
	" ORDER BY pp.\"partnership_id\", pp.\"role\", pl.\"id\"";

static json_t *split_sources(const char *s)
{
	json_t *a = json_array();
	const char *p = s;
	while (*p) {
		const char *bar = strstr(p, " | ");
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		if (!bar)
			break;
		p = bar + 3;
	}
	return a;
}

/*
 * The places of every partnership that passes the country filter, read in one query into
 * { partnership id: {"partners": [...], "bodies": [...]} }. One query instead of one per
 * partnership: on PostgreSQL each query is a network round trip, and the list was 5x slower
 * there than on SQLite (bench/store_bench "partnerships/s").
 */
static int places_by_partnership(struct store *st, const char *country, json_t **out,
				 struct c2c_err *err)
{
	struct store_stmt *ps;
	json_t *map;
	int rc;

	*out = NULL;
	if ((rc = store_prepare(st, partnership_places_sql, &ps, err)))
		return rc;
	store_bind_text(ps, 1, country);
	store_bind_text(ps, 2, country);
	map = json_object();
	while ((rc = store_step(ps, err)) == 1) {
		const char *pid = store_col_text(ps, 7);
		json_t *entry = json_object_get(map, pid);
		json_t *pl = json_pack("{s:s, s:s, s:s, s:s, s:f, s:f}", "id", store_col_text(ps, 1),
				       "name_ja", store_col_text(ps, 2), "name_en",
				       store_col_text(ps, 3), "kind", store_col_text(ps, 4), "lat",
				       store_col_double(ps, 5), "lon", store_col_double(ps, 6));
		if (!entry) {
			entry = json_pack("{s:[], s:[]}", "partners", "bodies");
			json_object_set_new(map, pid, entry);
		}
		json_array_append_new(json_object_get(entry, strcmp(store_col_text(ps, 0), "body")
								 ? "partners" : "bodies"), pl);
	}
	store_finalize(ps);
	if (rc < 0) {
		json_decref(map);
		return rc;
	}
	*out = map;
	return 0;
}

int atlas_partnerships(struct store *st, const struct atlas_partnership_filter *f,
		       json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	json_t *arr, *places;
	int rc;

	*out = NULL;
	if ((rc = places_by_partnership(st, f->country, &places, err)))
		return rc;
	if ((rc = store_prepare(st, partnership_sql, &s, err))) {
		json_decref(places);
		return rc;
	}
	store_bind_text(s, 1, f->country);
	store_bind_text(s, 2, f->country);
	arr = json_array();
	while ((rc = store_step(s, err)) == 1) {
		const char *fys = store_col_text(s, 6);
		json_t *o, *entry, *partners, *bodies;
		if (f->fy && !date_fylist_has(fys, f->fy, f->fy))
			continue;
		entry = json_object_get(places, store_col_text(s, 0));
		partners = entry ? json_incref(json_object_get(entry, "partners")) : json_array();
		bodies = entry ? json_incref(json_object_get(entry, "bodies")) : json_array();
		if ((f->body && !places_match(bodies, store_col_text(s, 5), f->body)) ||
		    (f->partner && !places_match(partners, store_col_text(s, 4), f->partner))) {
			json_decref(partners);
			json_decref(bodies);
			continue;
		}
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o}",
			      "id", store_col_text(s, 0), "country", store_col_text(s, 1),
			      "country_ja", store_col_text(s, 2), "country_en", store_col_text(s, 3),
			      "partner_label_ja", store_col_text(s, 4), "body_label_ja",
			      store_col_text(s, 5), "partners", partners, "bodies", bodies,
			      "fiscal_years", fy_array(fys), "note", store_col_text(s, 7),
			      "sources", split_sources(store_col_text(s, 8)));
		json_array_append_new(arr, o);
	}
	store_finalize(s);
	json_decref(places);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int atlas_get(struct store *st, const char *table, const char *id, json_t **out, struct c2c_err *err)
{
	const struct atlas_table *t = atlas_table_find(table);
	const char *key = NULL;
	json_t *rows;
	int rc;

	*out = NULL;
	for (size_t c = 0; t && c < t->ncols; c++)
		if (t->cols[c].flags & COL_KEY) {
			if (key) /* a link table: no one id names a row */
				return c2c_err_set(err, C2C_EINTERNAL, "atlas table %s has no single key", table);
			key = t->cols[c].name;
		}
	if (!key)
		return c2c_err_set(err, C2C_EINTERNAL, "no atlas table '%s'", table);
	if ((rc = atlas_list(st, t, (const char *const[]){key, id ? id : "", NULL}, &rows, err)))
		return rc;
	if (!json_array_size(rows)) {
		json_decref(rows);
		return c2c_err_set(err, C2C_ENOTFOUND, "'%s' is not in the atlas's %s", id ? id : "", table);
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return 0;
}

int atlas_has(struct store *st, const char *table, const char *id, struct c2c_err *err)
{
	json_t *row;
	int rc = atlas_get(st, table, id, &row, err);
	if (rc == C2C_ENOTFOUND) {
		c2c_err_clear(err);
		return 0;
	}
	json_decref(row);
	return rc ? rc : 1;
}

int atlas_place_get(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	return atlas_get(st, "places", id, out, err);
}

int atlas_project_get(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	return atlas_get(st, "projects", id, out, err);
}

long long atlas_count(struct store *st, const char *table, struct c2c_err *err)
{
	const struct atlas_table *t = atlas_table_find(table);
	if (!t) {
		c2c_err_set(err, C2C_EINTERNAL, "no atlas table '%s'", table);
		return -1;
	}
	return store_count_rows(st, t->name, err);
}
