/*
 * util.c - helpers of programme/ (see internal.h): queries into JSON, the
 * built-in CSV files, place lookup and field checks.  What programme needs
 * of the atlas (a place's name, a row by id) it asks the atlas (atlas_get,
 * atlas_list): no SQL here names an atlas table.
 */
#include "internal.h"
#include "atlas/atlas.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/strlist.h"
#include "core/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The text binds of prog_select/prog_exec as the store's arguments: a
 * leading '#' marks an integer ("#42"), NULL binds NULL. */
#define PROG_MAX_BINDS 32

static int to_args(const char *const *binds, size_t nbind, struct store_arg *args, struct c2c_err *err)
{
	if (nbind > PROG_MAX_BINDS)
		return c2c_err_set(err, C2C_EINTERNAL, "%zu binds, more than %d", nbind, PROG_MAX_BINDS);
	for (size_t i = 0; i < nbind; i++)
		args[i] = binds[i] && binds[i][0] == '#' ? store_int(strtoll(binds[i] + 1, NULL, 10))
							 : store_text(binds[i]);
	return 0;
}

int prog_select(struct store *st, const char *sql, const char *const *binds, size_t nbind, json_t **out,
		struct c2c_err *err)
{
	struct store_arg args[PROG_MAX_BINDS];
	int rc;
	*out = NULL;
	if ((rc = to_args(binds, nbind, args, err)))
		return rc;
	return store_rows_json(st, sql, args, nbind, NULL, out, err);
}

int prog_exec(struct store *st, const char *sql, const char *const *binds, size_t nbind,
	      struct c2c_err *err)
{
	struct store_arg args[PROG_MAX_BINDS];
	int rc;
	if ((rc = to_args(binds, nbind, args, err)))
		return rc;
	return store_exec_args(st, sql, args, nbind, err);
}

const struct programme_builtin_file *programme_builtin(const char *name)
{
	for (size_t i = 0; i < programme_builtin_nfiles; i++)
		if (!strcmp(programme_builtin_files[i].name, name))
			return &programme_builtin_files[i];
	return NULL;
}

struct rows_ctx {
	json_t *header;
	json_t *rows;
};

static int builtin_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct rows_ctx *c = vctx;
	json_t *o;
	if (!c->header) {
		c->header = json_array();
		for (size_t i = 0; i < row->nfields; i++)
			json_array_append_new(c->header, json_string(row->field[i]));
		return 0;
	}
	if (row->nfields != json_array_size(c->header))
		return c2c_err_set(err, C2C_EINTERNAL, "row %zu: %zu columns, expected %zu", row->line,
				   row->nfields, json_array_size(c->header));
	o = json_object();
	for (size_t i = 0; i < row->nfields; i++)
		json_object_set_new(o, json_string_value(json_array_get(c->header, i)),
				    json_string(row->field[i]));
	json_array_append_new(c->rows, o);
	return 0;
}

int prog_builtin_rows(const char *name, json_t **out, struct c2c_err *err)
{
	const struct programme_builtin_file *f = programme_builtin(name);
	struct rows_ctx c = {NULL, json_array()};
	char fname[96];
	int rc;

	*out = NULL;
	snprintf(fname, sizeof(fname), "data/programme/%s.csv", name);
	if (!f) {
		json_decref(c.rows);
		return c2c_err_set(err, C2C_EINTERNAL, "%s is not built in", fname);
	}
	rc = csv_read_mem(f->data, f->len, fname, builtin_row, &c, err);
	json_decref(c.header);
	if (rc) {
		json_decref(c.rows);
		return rc;
	}
	*out = c.rows;
	return 0;
}

int prog_atlas_row(struct store *st, const char *table, const char *id, json_t **row,
		   struct c2c_err *err)
{
	int rc;
	*row = NULL;
	if (!id)
		return 0;
	if ((rc = atlas_get(st, table, id, row, err)) == C2C_ENOTFOUND) {
		c2c_err_clear(err);
		return 0;
	}
	return rc;
}

int prog_atlas_fill(struct store *st, json_t *rows, const char *const *map, struct c2c_err *err)
{
	json_t *seen = json_object(), *o;
	size_t i;
	int rc = 0;

	json_array_foreach(rows, i, o) {
		for (const char *const *m = map; *m && !rc; m += 4) {
			const char *id = json_string_value(json_object_get(o, m[0]));
			json_t *row = NULL;
			char key[256];
			if (id) {
				/* one lookup per row of the atlas, however many rows name it */
				snprintf(key, sizeof(key), "%s\t%.200s", m[1], id);
				if (!(row = json_object_get(seen, key))) {
					if ((rc = prog_atlas_row(st, m[1], id, &row, err)))
						break;
					json_object_set_new(seen, key, row ? row : json_null());
				}
			}
			json_object_set(o, m[3], json_is_object(row) ? json_object_get(row, m[2]) : json_null());
		}
		if (rc)
			break;
	}
	json_decref(seen);
	return rc;
}

/* The place `text` names: the one with that id (an exact id wins over a
 * name another place happens to share), else the places with that Japanese
 * or English name, each once, asked of the atlas.  *n gets how many; *row
 * the place when there is one. */
static int place_named(struct store *st, const char *text, json_t **row, int *n, struct c2c_err *err)
{
	static const char *const by[] = {"name_ja", "name_en"};
	const struct atlas_table *t = atlas_table_find("places");
	json_t *seen, *rows, *r;
	size_t i;
	int rc;

	*n = 0;
	if ((rc = prog_atlas_row(st, "places", text, row, err)) || *row) {
		*n = !rc;
		return rc;
	}
	seen = json_object();
	for (size_t k = 0; k < sizeof(by) / sizeof(by[0]) && !rc; k++) {
		if ((rc = atlas_list(st, t, (const char *const[]){by[k], text, NULL}, &rows, err)))
			break;
		json_array_foreach(rows, i, r)
			json_object_set(seen, json_string_value(json_object_get(r, "id")), r);
		json_decref(rows);
	}
	*n = (int)json_object_size(seen);
	if (!rc && *n == 1) {
		void *it = json_object_iter(seen);
		*row = json_incref(json_object_iter_value(it));
	}
	json_decref(seen);
	return rc;
}

int prog_place(struct store *st, const char *text, const char *field, int want_jp,
	       char *id, size_t idlen, char *country, struct c2c_err *err)
{
	json_t *row = NULL;
	int rc, n, jp = 0;
	char name[200] = "";

	if ((rc = prog_check_text(field, text, 1, 200, err)))
		return rc;
	if ((rc = place_named(st, text, &row, &n, err)))
		return rc;
	if (row) {
		const char *cc = json_string_value(json_object_get(row, "country"));
		snprintf(id, idlen, "%s", json_string_value(json_object_get(row, "id")));
		if (country)
			snprintf(country, 3, "%s", cc ? cc : "");
		snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(row, "name_ja")));
		jp = cc && !strcmp(cc, "JP");
		json_decref(row);
	}
	if (n == 0) {
		c2c_err_at(err, C2C_EINPUT, field, "'%s' is not a place in the atlas", text);
		c2c_err_hint(err, "give an atlas place id or its exact name (c2c places --country CC)");
		return C2C_EINPUT;
	}
	if (n > 1)
		return c2c_err_at(err, C2C_EINPUT, field, "'%s' names %d places; give the place id",
				  text, n);
	if (want_jp == 1 && !jp)
		return c2c_err_at(err, C2C_EINPUT, field, "%s (%s) is not a Japanese body", name, id);
	if (want_jp == 0 && jp)
		return c2c_err_at(err, C2C_EINPUT, field, "%s (%s) is in Japan, not a partner place",
				  name, id);
	return 0;
}

int prog_enum_has(const char *values, const char *v, size_t n)
{
	return strlist_has(values, '|', v, n);
}

int prog_check_text(const char *field, const char *v, int required, size_t max,
		    struct c2c_err *err)
{
	size_t n = v ? strlen(v) : 0, bad;
	if (!n) {
		if (required)
			return c2c_err_at(err, C2C_EINPUT, field, "required and may not be empty");
		return 0;
	}
	bad = utf8_invalid_at(v, n);
	if (bad != (size_t)-1)
		return c2c_err_at(err, C2C_EINPUT, field, "invalid UTF-8 at byte %zu", bad);
	if (n > max)
		return c2c_err_at(err, C2C_EINPUT, field, "%zu bytes, more than %zu", n, max);
	/* the prose fields (a note, a reason, a list of members: 1000 bytes and
	 * more) may run over lines; names and titles are one line */
	return utf8_text_field(v, 0, max >= 1000 ? UTF8_TEXT_LINES : 0, field, "the text", err);
}

int prog_check_id(const char *field, const char *v, struct c2c_err *err)
{
	if (!v || !*v)
		return c2c_err_at(err, C2C_EINPUT, field, "required");
	if (strlen(v) > 64)
		return c2c_err_at(err, C2C_EINPUT, field, "id longer than 64 characters");
	for (const char *p = v; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return c2c_err_at(err, C2C_EINPUT, field,
					  "'%.64s' is not an id (lower-case letters, digits and '-')", v);
	return 0;
}

int prog_check_day(const char *field, const char *v, struct c2c_err *err)
{
	char why[128];
	if (!v || strlen(v) != 10)
		return c2c_err_at(err, C2C_EINPUT, field, "'%s' is not a date YYYY-MM-DD",
				   v ? v : "");
	if (date_check(v, why, sizeof(why)))
		return c2c_err_at(err, C2C_EINPUT, field, "'%s' is not a date: %s", v, why);
	return 0;
}

void prog_x100(long long v, char *buf, size_t len)
{
	snprintf(buf, len, "%s%lld.%02lld", v < 0 ? "-" : "", llabs(v) / 100, llabs(v) % 100);
}

int prog_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n || !hay)
		return 0;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return 0;
}

const char *prog_sectors(void)
{
	const struct atlas_table *t = atlas_table_find("projects");
	const struct atlas_col *c = t ? atlas_col_find(t, "sector") : NULL;
	return c ? c->values : "";
}
