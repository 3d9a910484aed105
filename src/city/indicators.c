/*
 * indicators.c - indicator frameworks with targets (the Tianjin eco-city's
 * 22 of seed 004, and any ISO 37120-style framework a user imports),
 * observations per place and year, and their evaluation.
 *
 * Why this shape: an indicator may have several target lines (Tianjin's
 * air quality has three, its green-trip share two), and two lines may
 * watch the same quantity; so targets name a `measure`, and observations are
 * of measures, not of lines.  An evaluation is computed on every call from
 * the observations, never stored.
 */
#include "city.h"
#include "atlas/atlas.h"
#include "core/csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- importing frameworks --------------------------------------------------------- */

static const char *const fw_cols[] = {"id", "name_ja", "name_en", "kind", "source"};
static const char *const ind_cols[] = {"framework", "indicator", "number", "theme_ja", "theme_en",
				       "name_ja", "name_en", "level", "measure", "measure_en",
				       "comparator", "target", "unit", "target_year", "target_year_ja",
				       "note", "source"};

struct fw_ctx {
	struct store *st;
	const char *name;
	const char *const *cols;
	size_t ncols;
	size_t rows;
	char last_ind[SCN_ID_MAX];
	int line;
};

static int check_header(const struct csv_row *row, const char *name, const char *const *cols,
			size_t n, struct c2c_err *err)
{
	if (row->nfields != n)
		return c2c_err_set(err, C2C_EINPUT, "%s: row 1: %zu columns, expected %zu", name, row->nfields, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(row->field[i], cols[i]))
			return c2c_err_set(err, C2C_EINPUT, "%s: row 1, column %zu: '%s', expected '%s'", name,
					   i + 1, row->field[i], cols[i]);
	return 0;
}

static int id_ok(const char *s)
{
	if (!*s || strlen(s) >= SCN_ID_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static int fw_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct fw_ctx *c = vctx;
	int rc;

	if (row->line == 1)
		return check_header(row, c->name, c->cols, c->ncols, err);
	if (row->nfields != c->ncols)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: %zu fields, expected %zu", c->name, row->line,
				   row->nfields, c->ncols);
	if (!id_ok(row->field[0]))
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column id: '%s' is not an id ([a-z0-9-])",
				   c->name, row->line, row->field[0]);
	for (size_t i = 0; i < c->ncols; i++)
		if (!row->field[i][0])
			return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column %s: empty", c->name, row->line,
					   c->cols[i]);
	if ((rc = store_exec_args(c->st, "INSERT INTO city_frameworks (\"id\", \"name_ja\", \"name_en\", \"kind\", \"source\")"
					" VALUES (?, ?, ?, ?, ?) ON CONFLICT (\"id\") DO UPDATE SET \"name_ja\" = excluded.\"name_ja\","
					" \"name_en\" = excluded.\"name_en\", \"kind\" = excluded.\"kind\", \"source\" = excluded.\"source\"",
				  STORE_ARGS(store_text(row->field[0]), store_text(row->field[1]),
					     store_text(row->field[2]), store_text(row->field[3]),
					     store_text(row->field[4])),
				  err)))
		return rc;
	c->rows++;
	return 0;
}

static int fail_at(struct fw_ctx *c, const struct csv_row *row, int col, struct c2c_err *err,
		   const char *why)
{
	return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column %s: '%s' %s", c->name, row->line,
			   ind_cols[col], row->field[col], why);
}

static int ind_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct fw_ctx *c = vctx;
	struct store_stmt *s;
	const char *const *f = row->field;
	double target;
	long num = 0, year = 0;
	char *end;
	long long n;
	int rc;

	if (row->line == 1)
		return check_header(row, c->name, ind_cols, 17, err);
	if (row->nfields != 17)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: %zu fields, expected 17", c->name, row->line,
				   row->nfields);
	if (!id_ok(f[1]))
		return fail_at(c, row, 1, err, "is not an id ([a-z0-9-])");
	if (!id_ok(f[8]))
		return fail_at(c, row, 8, err, "is not an id ([a-z0-9-])");
	if (f[2][0] && ((num = strtol(f[2], &end, 10)) <= 0 || *end))
		return fail_at(c, row, 2, err, "is not a positive number");
	if (f[7][0] && strcmp(f[7], "core") && strcmp(f[7], "supporting") && strcmp(f[7], "profile"))
		return fail_at(c, row, 7, err, "is not a level (core, supporting, profile or empty)");
	if (strcmp(f[10], ">=") && strcmp(f[10], "<=") && strcmp(f[10], "=") && strcmp(f[10], "meets"))
		return fail_at(c, row, 10, err, "is not a comparator (>=, <=, =, meets)");
	if (csv_decimal(f[11], &target))
		return fail_at(c, row, 11, err, "is not a number");
	if (f[13][0] && ((year = strtol(f[13], &end, 10)) < 1900 || year > 2200 || *end))
		return fail_at(c, row, 13, err, "is not a year");
	if (!f[16][0])
		return fail_at(c, row, 16, err, "is empty: every target line names its source");
	/* lines of one indicator are consecutive and numbered 1, 2, 3 in file order */
	c->line = strcmp(c->last_ind, f[1]) ? 1 : c->line + 1;
	snprintf(c->last_ind, sizeof(c->last_ind), "%s", f[1]);
	/* a measure belongs to one framework, or observations could not say whose */
	rc = store_query_int_args(c->st, "SELECT COUNT(*) FROM city_targets WHERE \"measure_id\" = ? AND \"framework_id\" <> ?",
				  STORE_ARGS(store_text(f[8]), store_text(f[0])), &n, err);
	if (rc == 1 && n)
		rc = fail_at(c, row, 8, err, "is a measure of another framework");
	if (rc < 0)
		return rc;
	if ((rc = store_prepare(c->st, "INSERT INTO city_targets (\"framework_id\", \"indicator_id\", \"line\", \"number\","
				" \"theme_ja\", \"theme_en\", \"name_ja\", \"name_en\", \"level\", \"measure_id\", \"measure_en\","
				" \"comparator\", \"target\", \"unit\", \"target_year\", \"target_year_ja\", \"note\", \"source\")"
				" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s, err)))
		return rc;
	store_bind_text(s, 1, f[0]);
	store_bind_text(s, 2, f[1]);
	store_bind_int(s, 3, c->line);
	if (num)
		store_bind_int(s, 4, num);
	for (int i = 3; i <= 10; i++)
		store_bind_text(s, i + 2, f[i][0] ? f[i] : NULL);
	store_bind_text(s, 12, f[10]);
	store_bind_double(s, 13, target);
	store_bind_text(s, 14, f[12][0] ? f[12] : NULL);
	if (year)
		store_bind_int(s, 15, year);
	store_bind_text(s, 16, f[14][0] ? f[14] : NULL);
	store_bind_text(s, 17, f[15][0] ? f[15] : NULL);
	store_bind_text(s, 18, f[16]);
	rc = store_step(s, err);
	store_finalize(s);
	if (rc < 0) {
		c2c_err_prefix(err, "%s: row %zu", c->name, row->line);
		return rc;
	}
	c->rows++;
	return 0;
}

int city_framework_import(struct store *st, const char *fw_csv, size_t fw_len, const char *fw_name,
			  const char *ind_csv, size_t ind_len, const char *ind_name, size_t *rows,
			  struct c2c_err *err)
{
	struct fw_ctx c = {.st = st, .name = fw_name, .cols = fw_cols, .ncols = 5};
	int rc;

	*rows = 0;
	if ((rc = csv_read_mem(fw_csv, fw_len, fw_name, fw_row, &c, err)))
		return rc;
	/* the indicators file replaces the target lines of the frameworks it names */
	if ((rc = store_exec_args(st, "DELETE FROM city_targets WHERE \"framework_id\" IN (SELECT \"id\" FROM city_frameworks)",
				  STORE_NOARGS, err)))
		return rc;
	c.name = ind_name;
	c.cols = ind_cols;
	c.ncols = 17;
	if ((rc = csv_read_mem(ind_csv, ind_len, ind_name, ind_row, &c, err)))
		return rc;
	rc = (int)store_query_int(st, "SELECT COUNT(*) FROM city_targets t WHERE NOT EXISTS"
				  " (SELECT 1 FROM city_frameworks f WHERE f.\"id\" = t.\"framework_id\")", err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return c2c_err_set(err, C2C_EINPUT, "%s: %d target line%s name a framework that is not in %s",
				   ind_name, rc, rc == 1 ? "" : "s", fw_name);
	*rows = c.rows;
	return 0;
}

/* ---- listing ------------------------------------------------------------------------- */

static int rows_json(struct store *st, const char *sql, const char *arg, json_t **out,
		     struct c2c_err *err)
{
	if (arg)
		return store_rows_json(st, sql, STORE_ARGS(store_text(arg)), NULL, out, err);
	return store_rows_json(st, sql, STORE_NOARGS, NULL, out, err);
}

int city_frameworks(struct store *st, json_t **out, struct c2c_err *err)
{
	return rows_json(st, "SELECT f.\"id\", f.\"name_ja\", f.\"name_en\", f.\"kind\","
			     " (SELECT COUNT(DISTINCT t.\"indicator_id\") FROM city_targets t WHERE t.\"framework_id\" = f.\"id\") AS \"indicators\","
			     " f.\"source\" FROM city_frameworks f ORDER BY f.\"id\"", NULL, out, err);
}

int city_indicators(struct store *st, const char *framework, json_t **out, struct c2c_err *err)
{
#define TARGET_COLS                                                                                     \
	"SELECT \"framework_id\", \"indicator_id\", \"line\", \"number\", \"theme_ja\", \"theme_en\","        \
	" \"name_ja\", \"name_en\", \"level\", \"measure_id\", \"measure_en\", \"comparator\", \"target\","   \
	" \"unit\", \"target_year\", \"target_year_ja\", \"note\", \"source\" FROM city_targets "
#define TARGET_ORDER " ORDER BY \"framework_id\", \"number\", \"indicator_id\", \"line\""
	if (framework)
		return rows_json(st, TARGET_COLS "WHERE \"framework_id\" = ?" TARGET_ORDER, framework, out, err);
	return rows_json(st, TARGET_COLS TARGET_ORDER, NULL, out, err);
#undef TARGET_COLS
#undef TARGET_ORDER
}

/* ---- observations ---------------------------------------------------------------------- */

/* The place's names, asked of the atlas, which owns them (null when the
 * atlas has no such place).  The rows come ordered by place, so each place
 * is asked once. */
static int observation_names(struct store *st, json_t *rows, struct c2c_err *err)
{
	json_t *o, *place = NULL;
	const char *have = "";
	size_t i;
	int rc = 0;

	json_array_foreach(rows, i, o) {
		const char *id = json_string_value(json_object_get(o, "place_id"));
		if (!id)
			continue;
		if (strcmp(id, have)) {
			json_decref(place);
			place = NULL;
			if ((rc = atlas_place_get(st, id, &place, err)) == C2C_ENOTFOUND) {
				c2c_err_clear(err);
				rc = 0;
			}
			if (rc)
				break;
			have = id;
		}
		json_object_set(o, "name_ja", place ? json_object_get(place, "name_ja") : json_null());
		json_object_set(o, "name_en", place ? json_object_get(place, "name_en") : json_null());
	}
	json_decref(place);
	return rc;
}

int city_observations(struct store *st, const char *place, json_t **out, struct c2c_err *err)
{
	/* the names' places kept in the rows' order; filled from the atlas */
#define OBS_COLS                                                                                        \
	"SELECT \"place_id\", NULL AS \"name_ja\", NULL AS \"name_en\", \"measure_id\", \"year\", \"value\","   \
	" \"source\" FROM city_observations "
#define OBS_ORDER " ORDER BY \"place_id\", \"measure_id\", \"year\""
	int rc = place ? rows_json(st, OBS_COLS "WHERE \"place_id\" = ?" OBS_ORDER, place, out, err)
		       : rows_json(st, OBS_COLS OBS_ORDER, NULL, out, err);
#undef OBS_COLS
#undef OBS_ORDER
	if (!rc && (rc = observation_names(st, *out, err))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int measure_known(struct store *st, const char *measure, struct c2c_err *err)
{
	long long n;
	int rc = store_query_int_args(st, "SELECT COUNT(*) FROM city_targets WHERE \"measure_id\" = ?",
				      STORE_ARGS(store_text(measure)), &n, err);
	return rc == 1 ? (n ? 0 : 1) : rc;
}

static int put_observation(struct store *st, const char *where, const char *place, const char *measure,
			   int year, double value, const char *source, struct c2c_err *err)
{
	int rc;

	if ((rc = city_place_known(st, place, err)) == 1) {
		c2c_err_set(err, C2C_EINPUT, "%s: place '%s' is not an atlas place", where, place);
		c2c_err_hint(err, "c2c places lists them; c2c import places FILE.csv adds one");
		return C2C_EINPUT;
	}
	if (rc)
		return rc;
	if ((rc = measure_known(st, measure, err)) == 1) {
		c2c_err_set(err, C2C_EINPUT, "%s: '%s' is not the measure of any indicator", where, measure);
		c2c_err_hint(err, "c2c city indicators list shows each target line's measure");
		return C2C_EINPUT;
	}
	if (rc)
		return rc;
	if (year < 1900 || year > 2200)
		return c2c_err_set(err, C2C_EINPUT, "%s: year %d is not a year", where, year);
	if (!isfinite(value))
		return c2c_err_set(err, C2C_EINPUT, "%s: the value is not a number", where);
	if (!source || !*source)
		return c2c_err_set(err, C2C_EINPUT, "%s: an observation needs its source", where);
	return store_exec_args(st, "INSERT INTO city_observations (\"place_id\", \"measure_id\", \"year\", \"value\", \"source\")"
				   " VALUES (?, ?, ?, ?, ?) ON CONFLICT (\"place_id\", \"measure_id\", \"year\")"
				   " DO UPDATE SET \"value\" = excluded.\"value\", \"source\" = excluded.\"source\"",
			       STORE_ARGS(store_text(place), store_text(measure), store_int(year), store_real(value),
					  store_text(source)),
			       err);
}

struct observe_ctx {
	const char *place, *measure, *source;
	int year;
	double value;
};

static int observe_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct observe_ctx *o = ctx;
	return put_observation(st, "observation", o->place, o->measure, o->year, o->value, o->source, err);
}

int city_observe(struct store *st, const char *place, const char *measure, int year, double value,
		 const char *source, struct c2c_err *err)
{
	struct observe_ctx o = {place, measure, source, year, value};
	return store_tx(st, NULL, observe_tx, &o, err);
}

struct obs_ctx {
	struct store *st;
	const char *name;
	const char *data;
	size_t len, rows;
};

static int obs_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	static const char *const cols[] = {"place_id", "measure_id", "year", "value", "source"};
	struct obs_ctx *c = vctx;
	char where[300], *end;
	double value;
	long year;

	if (row->line == 1)
		return check_header(row, c->name, cols, 5, err);
	if (row->nfields != 5)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: %zu fields, expected 5", c->name, row->line,
				   row->nfields);
	year = strtol(row->field[2], &end, 10);
	if (!row->field[2][0] || *end)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column year: '%s' is not a year", c->name,
				   row->line, row->field[2]);
	if (csv_decimal(row->field[3], &value))
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column value: '%s' is not a number",
				   c->name, row->line, row->field[3]);
	snprintf(where, sizeof(where), "%s: row %zu", c->name, row->line);
	c->rows++;
	return put_observation(c->st, where, row->field[0], row->field[1], (int)year, value, row->field[4], err);
}

static int obs_import_tx(struct store *st, void *vctx, struct c2c_err *err)
{
	struct obs_ctx *c = vctx;
	(void)st;
	c->rows = 0; /* counted again when a lost race runs it again */
	return csv_read_mem(c->data, c->len, c->name, obs_row, c, err);
}

int city_observations_import(struct store *st, const char *data, size_t len, const char *name,
			     size_t *rows, struct c2c_err *err)
{
	struct obs_ctx c = {.st = st, .name = name, .data = data, .len = len};
	int rc;
	if ((rc = store_tx(st, NULL, obs_import_tx, &c, err)))
		return rc;
	*rows = c.rows;
	return 0;
}

/* ---- evaluation ------------------------------------------------------------------------- */

static int meets(const char *cmp, double v, double target)
{
	if (!strcmp(cmp, ">="))
		return v >= target;
	if (!strcmp(cmp, "<="))
		return v <= target;
	return v == target; /* "=" and "meets" (1 = meets the standard) */
}

/* Better, worse or the same, in the target's direction. */
static const char *trend(const char *cmp, double target, double prev, double last)
{
	double d = last - prev;
	if (d == 0)
		return "steady";
	if (!strcmp(cmp, "<="))
		d = -d;
	else if (strcmp(cmp, ">="))
		d = fabs(prev - target) - fabs(last - target); /* closer to the value is better */
	return d > 0 ? "improving" : d < 0 ? "worsening" : "steady";
}

int city_evaluate(struct store *st, const char *place, const char *framework, int year,
		  json_t **out, struct c2c_err *err)
{
	struct store_stmt *s, *o;
	json_t *inds = json_array(), *cur = NULL;
	size_t met = 0, not_met = 0, no_data = 0, nind = 0;
	char cur_id[SCN_ID_MAX] = "";
	int rc, any_not = 0, any_none = 0;

	if ((rc = city_place_known(st, place, err)) == 1) {
		json_decref(inds);
		c2c_err_set(err, C2C_ENOTFOUND, "place '%s' is not an atlas place", place);
		return C2C_ENOTFOUND;
	}
	if (rc) {
		json_decref(inds);
		return rc;
	}
	if ((rc = store_prepare(st, "SELECT \"indicator_id\", \"number\", \"theme_en\", \"name_ja\", \"name_en\", \"line\","
				" \"measure_id\", \"comparator\", \"target\", \"unit\", \"target_year\", \"target_year_ja\""
				" FROM city_targets WHERE \"framework_id\" = ? ORDER BY \"number\", \"indicator_id\", \"line\"",
				&s, err))) {
		json_decref(inds);
		return rc;
	}
	if ((rc = store_prepare(st, "SELECT \"year\", \"value\", \"source\" FROM city_observations"
				" WHERE \"place_id\" = ? AND \"measure_id\" = ? AND (? = 0 OR \"year\" <= ?)"
				" ORDER BY \"year\" DESC", &o, err))) {
		store_finalize(s);
		json_decref(inds);
		return rc;
	}
	store_bind_text(s, 1, framework);
#define CLOSE_INDICATOR()                                                                      \
	do {                                                                                   \
		if (cur) {                                                                     \
			const char *st_ = any_not ? "not met" : any_none ? "no data" : "met";     \
			json_object_set_new(cur, "status", json_string(st_));                   \
			met += !any_not && !any_none;                                          \
			not_met += any_not;                                                    \
			no_data += !any_not && any_none;                                       \
			json_array_append_new(inds, cur);                                      \
		}                                                                              \
	} while (0)
	while ((rc = store_step(s, err)) == 1) {
		const char *cmp = store_col_text(s, 7);
		double target = store_col_double(s, 8);
		json_t *line = json_object();
		int n = 0, has_year = !store_col_is_null(s, 10);
		double last = 0, prev = 0;
		int last_y = 0, prev_y = 0, r2;
		char last_src[CITY_TEXT_MAX] = "";

		if (strcmp(cur_id, store_col_text(s, 0))) {
			CLOSE_INDICATOR();
			snprintf(cur_id, sizeof(cur_id), "%s", store_col_text(s, 0));
			cur = json_pack("{s:s, s:o, s:s, s:s, s:s, s:[]}", "indicator_id", cur_id, "number",
					store_col_is_null(s, 1) ? json_null() : json_integer(store_col_int(s, 1)),
					"theme_en", store_col_text(s, 2), "name_ja", store_col_text(s, 3),
					"name_en", store_col_text(s, 4), "lines");
			any_not = any_none = 0;
			nind++;
		}
		store_reset(o);
		store_bind_text(o, 1, place);
		store_bind_text(o, 2, store_col_text(s, 6));
		store_bind_int(o, 3, year);
		store_bind_int(o, 4, year);
		while (n < 2 && (r2 = store_step(o, err)) == 1) {
			if (n == 0) {
				last_y = (int)store_col_int(o, 0);
				last = store_col_double(o, 1);
				snprintf(last_src, sizeof(last_src), "%s", store_col_text(o, 2));
			} else {
				prev_y = (int)store_col_int(o, 0);
				prev = store_col_double(o, 1);
			}
			n++;
		}
		json_object_set_new(line, "line", json_integer(store_col_int(s, 5)));
		json_object_set_new(line, "measure_id", json_string(store_col_text(s, 6)));
		json_object_set_new(line, "comparator", json_string(cmp));
		json_object_set_new(line, "target", json_real(target));
		json_object_set_new(line, "unit", json_string(store_col_text(s, 9)));
		json_object_set_new(line, "target_year", has_year ? json_integer(store_col_int(s, 10)) : json_null());
		json_object_set_new(line, "target_year_ja", json_string(store_col_text(s, 11)));
		json_object_set_new(line, "year", n ? json_integer(last_y) : json_null());
		json_object_set_new(line, "value", n ? json_real(last) : json_null());
		json_object_set_new(line, "status", json_string(!n ? "no data" : meets(cmp, last, target) ? "met" : "not met"));
		/* a target whose year is still ahead is reported, and marked not yet due */
		json_object_set_new(line, "due", json_boolean(!has_year || (n && last_y >= store_col_int(s, 10))));
		json_object_set_new(line, "trend", json_string(n < 2 ? (n ? "one observation" : "no data")
								    : trend(cmp, target, prev, last)));
		json_object_set_new(line, "previous_year", n == 2 ? json_integer(prev_y) : json_null());
		json_object_set_new(line, "previous_value", n == 2 ? json_real(prev) : json_null());
		json_object_set_new(line, "source", n ? json_string(last_src) : json_null());
		any_none |= !n;
		any_not |= n && !meets(cmp, last, target);
		json_array_append_new(json_object_get(cur, "lines"), line);
	}
	if (rc >= 0)
		CLOSE_INDICATOR();
	else
		json_decref(cur);
#undef CLOSE_INDICATOR
	store_finalize(o);
	store_finalize(s);
	if (rc < 0) {
		json_decref(inds);
		return rc;
	}
	if (!nind) {
		json_decref(inds);
		c2c_err_set(err, C2C_ENOTFOUND, "framework '%s' has no indicators", framework);
		c2c_err_hint(err, "c2c city indicators frameworks lists them");
		return C2C_ENOTFOUND;
	}
	*out = json_pack("{s:s, s:s, s:o, s:{s:I, s:I, s:I, s:I}, s:o}", "place_id", place, "framework",
			 framework, "as_of", year ? json_integer(year) : json_string("latest"), "summary",
			 "indicators", (json_int_t)nind, "met", (json_int_t)met, "not_met", (json_int_t)not_met,
			 "no_data", (json_int_t)no_data, "indicators", inds);
	return 0;
}
