/*
 * inventory.c - a city's GHG inventory: one row per GPC reference number,
 * each either activity data times emission factors or a notation key, and
 * the totals the GPC asks for (BASIC, BASIC+, by scope, by sector).
 *
 * Why the rules are where they are: every way a row comes in (CSV, XLSX,
 * `inventory add`) goes through city_inv_row_from_fields(), so the checks
 * and their messages are the same everywhere; a file is read and checked
 * whole before the one transaction that stores it begins, so a bad row
 * stores nothing.  Totals are computed from the rows on every read, never
 * stored and never typed in.
 */
#include "city.h"
#include "core/lang.h"
#include "atlas/atlas.h"
#include "core/csv.h"
#include "core/json.h"
#include "core/rows.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "core/xlsx.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

const char *const city_inv_columns[] = {
	"gpc_ref", "notation_key", "explanation", "activity_value", "activity_unit",
	"ef_co2", "ef_ch4", "ef_n2o", "ef_unit", "ef_source",
	/* outputs: written by export, ignored by import */
	"sector", "scope", "level", "name", "co2_t", "ch4_t", "n2o_t", "co2e_t",
};
const size_t city_inv_ncolumns = sizeof(city_inv_columns) / sizeof(city_inv_columns[0]);
const size_t city_inv_ninput = 10;

enum { C_REF, C_KEY, C_EXPL, C_ACT, C_AUNIT, C_EFCO2, C_EFCH4, C_EFN2O, C_EFUNIT, C_EFSRC };

static int column_index(const char *name)
{
	for (size_t i = 0; i < city_inv_ncolumns; i++)
		if (!strcmp(city_inv_columns[i], name))
			return (int)i;
	return -1;
}

/* A number as c2c accepts it: decimal, finite, the whole field. */
static int parse_number(const char *s, double *out)
{
	return !csv_decimal(s, out);
}

/* The most one gas of one row may come to, in kg (10 Gt): far above any
 * city's whole inventory, and small enough that llround cannot overflow and
 * the sums of every row of an inventory stay exact in 64-bit kg.  Without
 * it an activity of 1e300 was stored and came out as -9.2e15 t. */
#define CITY_GAS_KG_MAX 1e13

/* One gas of a row in kg: the activity in the factor's unit, times the factor. */
static double gas_kg(const struct city_inv_row *r, const struct city_unit *au, const struct city_unit *num,
		     const struct city_unit *den, int gas)
{
	return r->activity * (au->to_base / den->to_base) * r->ef[gas] * num->to_base * 1000.0;
}

static int copy_text(char *dst, size_t cap, const char *v, const char *where, const char *col,
		     struct c2c_err *err)
{
	char why[120];
	if (strlen(v) >= cap)
		return c2c_err_at(err, C2C_EINPUT, col, "%s, column %s: text is %zu bytes, more than %zu",
				   where, col, strlen(v), cap - 1);
	if (utf8_text_check(v, 0, 0, why, sizeof(why)))
		return c2c_err_at(err, C2C_EINPUT, col, "%s, column %s: the text %s", where, col, why);
	snprintf(dst, cap, "%s", v);
	return 0;
}

int city_inv_row_from_fields(struct city_inv_row *r, const char *const *names,
			     const char *const *values, size_t n, const char *where,
			     struct c2c_err *err)
{
	const char *v[10] = {0};
	const struct gpc_row *g;
	const struct city_unit *au = NULL, *num, *den;
	char why[160];
	int rc;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < n; i++) {
		int c = column_index(names[i]);
		if (c < 0)
			return c2c_err_set(err, C2C_EINPUT, "%s: '%s' is not an inventory column", where,
					   names[i]);
		if (c < 10 && values[i] && values[i][0])
			v[c] = values[i];
	}
	if (!v[C_REF])
		return c2c_err_at(err, C2C_EINPUT, "gpc_ref", "%s, column gpc_ref: the GPC reference number is missing",
				   where);
	if (!(g = city_gpc_find(v[C_REF]))) {
		c2c_err_at(err, C2C_EINPUT, "gpc_ref", "%s, column gpc_ref: '%s' is not a GPC reference number", where,
			    v[C_REF]);
		c2c_err_hint(err, "the GPC numbers are I.1.1 ... VI.1 (c2c city gpc lists them)");
		return C2C_EINPUT;
	}
	snprintf(r->ref, sizeof(r->ref), "%s", g->ref);
	if (v[C_EXPL] && (rc = copy_text(r->explanation, sizeof(r->explanation), v[C_EXPL], where,
					 "explanation", err)))
		return rc;

	if (v[C_KEY]) {
		static const char *const keys[] = {"NO", "NE", "C", "IE"};
		static const int valued[] = {C_ACT, C_AUNIT, C_EFCO2, C_EFCH4, C_EFN2O, C_EFUNIT, C_EFSRC};
		int ok = 0;
		for (size_t k = 0; k < 4; k++)
			ok |= !strcmp(v[C_KEY], keys[k]);
		if (!ok)
			return c2c_err_at(err, C2C_EINPUT, "notation_key",
					   "%s, column notation_key: '%s' is not a notation key (NO, NE, C, IE)",
					   where, v[C_KEY]);
		for (size_t k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (v[valued[k]])
				return c2c_err_at(err, C2C_EINPUT, city_inv_columns[valued[k]],
						   "%s, column %s: the row has notation key %s and also '%s'; a row is either filled or keyed",
						   where, city_inv_columns[valued[k]], v[C_KEY], v[valued[k]]);
		if (!v[C_EXPL])
			return c2c_err_at(err, C2C_EINPUT, "explanation",
					   "%s, column explanation: notation key %s needs an explanation",
					   where, v[C_KEY]);
		snprintf(r->key, sizeof(r->key), "%s", v[C_KEY]);
		return 0;
	}

	if (!v[C_ACT]) {
		for (int c = C_AUNIT; c <= C_EFSRC; c++)
			if (v[c])
				return c2c_err_at(err, C2C_EINPUT, "activity_value",
						   "%s, column %s: '%s' is given but activity_value is empty",
						   where, city_inv_columns[c], v[c]);
		return 0; /* an empty row: neither filled nor keyed */
	}
	if (!parse_number(v[C_ACT], &r->activity))
		return c2c_err_at(err, C2C_EINPUT, "activity_value", "%s, column activity_value: '%s' is not a number", where,
				   v[C_ACT]);
	if (r->activity < 0)
		return c2c_err_at(err, C2C_EINPUT, "activity_value", "%s, column activity_value: %s is negative; activity data are amounts",
				   where, v[C_ACT]);
	r->has_activity = 1;
	if (!v[C_AUNIT])
		return c2c_err_at(err, C2C_EINPUT, "activity_unit", "%s, column activity_unit: the activity's unit is missing",
				   where);
	if (!(au = city_unit_find(v[C_AUNIT])))
		return c2c_err_at(err, C2C_EINPUT, "activity_unit", "%s, column activity_unit: unknown unit '%s'", where,
				   v[C_AUNIT]);
	snprintf(r->activity_unit, sizeof(r->activity_unit), "%s", au->name);
	for (int gas = 0; gas < GAS_N; gas++) {
		const char *s = v[C_EFCO2 + gas];
		if (!s)
			continue;
		if (!parse_number(s, &r->ef[gas]))
			return c2c_err_at(err, C2C_EINPUT, city_inv_columns[C_EFCO2 + gas],
					  "%s, column %s: '%s' is not a number", where, city_inv_columns[C_EFCO2 + gas], s);
		/* only land (AFOLU) removes carbon; a negative factor elsewhere is a typo */
		if (r->ef[gas] < 0 && g->sector != 5)
			return c2c_err_at(err, C2C_EINPUT, city_inv_columns[C_EFCO2 + gas],
					  "%s, column %s: %s is negative (only AFOLU rows may remove)",
					  where, city_inv_columns[C_EFCO2 + gas], s);
		r->has_ef[gas] = 1;
	}
	if (!r->has_ef[GAS_CO2] && !r->has_ef[GAS_CH4] && !r->has_ef[GAS_N2O])
		return c2c_err_at(err, C2C_EINPUT, "ef_co2", "%s, column ef_co2: an activity needs at least one emission factor (ef_co2, ef_ch4, ef_n2o)",
				   where);
	if (!v[C_EFUNIT])
		return c2c_err_at(err, C2C_EINPUT, "ef_unit", "%s, column ef_unit: the emission factor's unit is missing",
				   where);
	if (city_ef_unit_parse(v[C_EFUNIT], &num, &den, why, sizeof(why)))
		return c2c_err_at(err, C2C_EINPUT, "ef_unit", "%s, column ef_unit: %s", where, why);
	if (den->dim != au->dim)
		return c2c_err_at(err, C2C_EINPUT, "ef_unit",
				   "%s, column ef_unit: unit mismatch: the factor is per %s (%s) but the activity is in %s (%s)",
				   where, den->name, city_dim_name(den->dim), au->name, city_dim_name(au->dim));
	snprintf(r->ef_unit, sizeof(r->ef_unit), "%s", v[C_EFUNIT]);
	for (int gas = 0; gas < GAS_N; gas++) {
		double kg = gas_kg(r, au, num, den, gas);
		if (r->has_ef[gas] && !(fabs(kg) <= CITY_GAS_KG_MAX))
			return c2c_err_at(err, C2C_EINPUT, "activity_value",
					   "%s, column activity_value: %s %s times %s %s comes to %.3g kg, beyond the "
					   "%.0e kg one row may hold", where, v[C_ACT], au->name,
					   city_inv_columns[C_EFCO2 + gas], v[C_EFCO2 + gas], kg, CITY_GAS_KG_MAX);
	}
	if (!v[C_EFSRC])
		return c2c_err_at(err, C2C_EINPUT, "ef_source", "%s, column ef_source: an emission factor needs its source",
				   where);
	return copy_text(r->ef_source, sizeof(r->ef_source), v[C_EFSRC], where, "ef_source", err);
}

int city_inv_compute(const struct city_inv_row *r, const struct city_gwp *gwp,
		     struct city_inv_result *out, struct c2c_err *err)
{
	const struct city_unit *au, *num, *den;
	double co2e = 0;
	char why[160];

	memset(out, 0, sizeof(*out));
	if (!r->has_activity)
		return 0;
	au = city_unit_find(r->activity_unit);
	if (!au || city_ef_unit_parse(r->ef_unit, &num, &den, why, sizeof(why)) || den->dim != au->dim)
		return c2c_err_set(err, C2C_EINTERNAL, "row %s: stored units do not agree", r->ref);
	for (int gas = 0; gas < GAS_N; gas++) {
		double kg = gas_kg(r, au, num, den, gas);
		if (!r->has_ef[gas])
			continue;
		/* a row stored before the bound was checked on input */
		if (!(fabs(kg) <= CITY_GAS_KG_MAX))
			return c2c_err_at(err, C2C_EINPUT, "activity_value", "row %s: %.3g kg of %s, beyond the %.0e kg "
					   "one row may hold", r->ref, kg, city_inv_columns[C_EFCO2 + gas], CITY_GAS_KG_MAX);
		out->gas_kg[gas] = llround(kg);
		co2e += kg * (gas == GAS_CH4 && (!strncmp(r->ref, "I.7.", 4) || !strncmp(r->ref, "I.8.", 4))
				      ? gwp->ch4_fossil : gwp->gwp[gas]);
	}
	out->co2e_kg = llround(co2e);
	out->filled = 1;
	return 0;
}

json_t *city_gpc_json(void)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < city_gpc_n; i++) {
		const struct gpc_row *g = &city_gpc[i];
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "ref", g->ref,
						      "sector", city_sector_roman[g->sector], "sector_name", g->sector_name,
						      "subsector", g->subsector, "subsector_name", g->subsector_name,
						      "name", g->name, "scope", g->scope, "level",
						      city_gpc_level_name(g->level), "source", g->source));
	}
	return rows;
}

/* ---- reading files ------------------------------------------------------------------- */

struct read_ctx {
	const char *name;
	/* an upload (city_inventory_read_upload): a bad data row is noted and
	 * the reading goes on, so one answer names every row to mend */
	int collect;
	size_t nbad;
	struct strbuf bad, bad_ja; /* the same lines in English and Japanese */
	int col[CSV_FIELDS_MAX];
	size_t ncol;
	struct city_inv_row *rows;
	size_t n;
	size_t line_of[64];
};

static int read_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct read_ctx *c = vctx;
	const char *names[CSV_FIELDS_MAX], *values[CSV_FIELDS_MAX];
	char where[300];
	size_t k = 0;
	int rc;

	if (!c->ncol) { /* the header */
		int have_ref = 0;
		for (size_t i = 0; i < row->nfields; i++) {
			c->col[i] = column_index(row->field[i]);
			if (c->col[i] < 0)
				return c2c_err_set(err, C2C_EINPUT,
						   "%s: row %zu, column %zu: '%s' is not an inventory column",
						   c->name, row->line, i + 1, row->field[i]);
			for (size_t j = 0; j < i; j++)
				if (c->col[j] == c->col[i])
					return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: column %s twice",
							   c->name, row->line, row->field[i]);
			have_ref |= c->col[i] == C_REF;
		}
		if (!have_ref)
			return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: the header has no gpc_ref column",
					   c->name, row->line);
		c->ncol = row->nfields;
		return 0;
	}
	if (row->nfields == 1 && !row->field[0][0])
		return 0; /* a blank line */
	/* empty cells right of the header are what spreadsheets leave behind */
	for (size_t i = c->ncol; i < row->nfields; i++)
		if (row->field[i][0])
			return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: %zu fields, the header has %zu", c->name,
					   row->line, row->nfields, c->ncol);
	for (size_t i = 0; i < row->nfields && i < c->ncol; i++) {
		names[k] = city_inv_columns[c->col[i]];
		values[k++] = row->field[i];
	}
	snprintf(where, sizeof(where), "%s: row %zu", c->name, row->line);
	if (c->n == sizeof(c->line_of) / sizeof(c->line_of[0]))
		return c2c_err_set(err, C2C_EINPUT, "%s: more rows than GPC reference numbers", where);
	if ((rc = city_inv_row_from_fields(&c->rows[c->n], names, values, k, where, err)))
		return rc;
	for (size_t j = 0; j < c->n; j++)
		if (!strcmp(c->rows[j].ref, c->rows[c->n].ref))
			return c2c_err_at(err, C2C_EINPUT, "gpc_ref", "%s, column gpc_ref: %s again (first on row %zu)",
					   where, c->rows[j].ref, c->line_of[j]);
	c->line_of[c->n++] = row->line;
	return 0;
}

/* read_row, but a data row's mistake is listed (one line each, the first
 * CITY_UPLOAD_ERRORS_MAX) instead of ending the reading; the header's stops it. */
static int read_row_collect(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct read_ctx *c = vctx;
	int header = !c->ncol, rc = read_row(row, c, err);

	if (rc != C2C_EINPUT || header)
		return rc;
	if (c->nbad++ < CITY_UPLOAD_ERRORS_MAX) {
		strbuf_addf(&c->bad, "%s%s", c->nbad > 1 ? "\n" : "", err->msg);
		strbuf_addf(&c->bad_ja, "%s%s", c->nbad > 1 ? "\n" : "", c2c_err_msg_in(err, C2C_LANG_JA));
	}
	c2c_err_clear(err);
	return 0;
}

static int read_finish(struct read_ctx *c, int rc, struct city_inv_row **rows, size_t *n,
		       struct c2c_err *err)
{
	if (!rc && c->nbad) {
		c2c_err_at(err, C2C_EINPUT, "file", "%s: %zu row%s with mistakes; nothing was stored", c->name,
			   c->nbad, c->nbad == 1 ? "" : "s");
		c2c_err_detail_texts(err, strbuf_str(&c->bad), strbuf_str(&c->bad_ja));
		rc = C2C_EINPUT;
	}
	strbuf_release(&c->bad);
	strbuf_release(&c->bad_ja);
	if (!rc && !c->ncol)
		rc = c2c_err_set(err, C2C_EINPUT, "%s: empty file (no header)", c->name);
	if (rc) {
		free(c->rows);
		return rc;
	}
	*rows = c->rows;
	*n = c->n;
	return 0;
}

int city_inventory_read_csv_mem(const char *data, size_t len, const char *name,
				struct city_inv_row **rows, size_t *n, struct c2c_err *err)
{
	struct read_ctx c = {.name = name};
	if (!(c.rows = calloc(64, sizeof(*c.rows))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	return read_finish(&c, csv_read_mem(data, len, name, read_row, &c, err), rows, n, err);
}

int city_inventory_read_upload(const char *data, size_t len, const char *name, int xlsx,
			       struct city_inv_row **rows, size_t *n, struct c2c_err *err)
{
	struct read_ctx c = {.name = name, .collect = 1};
	int rc;
	if (!(c.rows = calloc(64, sizeof(*c.rows))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	strbuf_init(&c.bad, 0);
	strbuf_init(&c.bad_ja, 0);
	rc = xlsx ? xlsx_read_mem(data, len, name, NULL, read_row_collect, &c, err)
		  : csv_read_mem(data, len, name, read_row_collect, &c, err);
	/* a mistake that ended the reading (the header, the file itself) is
	 * said alone, about the file as a whole */
	if (rc && !err->field[0])
		c2c_err_field(err, "file");
	return read_finish(&c, rc, rows, n, err);
}

int city_inventory_read_file(const char *path, struct city_inv_row **rows, size_t *n,
			     struct c2c_err *err)
{
	struct read_ctx c = {.name = path};
	size_t len = strlen(path);
	FILE *fp;
	int rc;

	if (!(c.rows = calloc(64, sizeof(*c.rows))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (len > 5 && !strcmp(path + len - 5, ".xlsx"))
		return read_finish(&c, xlsx_read(path, NULL, read_row, &c, err), rows, n, err);
	if (!(fp = strcmp(path, "-") ? fopen(path, "rb") : stdin)) {
		free(c.rows);
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", path, strerror(errno));
	}
	rc = csv_read_stream(fp, path, read_row, &c, err);
	if (fp != stdin)
		fclose(fp);
	return read_finish(&c, rc, rows, n, err);
}

/* ---- storing ---------------------------------------------------------------------------- */

int city_atlas_has(struct store *st, const char *table, const char *id, struct c2c_err *err)
{
	int v = store_schema_version(st, "atlas", err);
	if (v < 0)
		return v;
	if (!v) {
		c2c_err_set(err, C2C_ENOTFOUND, "the atlas is not in this database");
		c2c_err_hint(err, "run: c2c init");
		return C2C_ENOTFOUND;
	}
	return atlas_has(st, table, id, err);
}

int city_place_known(struct store *st, const char *place, struct c2c_err *err)
{
	int rc = city_atlas_has(st, "places", place, err);
	return rc < 0 ? rc : !rc;
}

static int place_exists(struct store *st, const char *place, struct c2c_err *err)
{
	int rc = city_place_known(st, place, err);
	if (rc == 1) {
		c2c_err_set(err, C2C_ENOTFOUND, "place '%s' is not an atlas place", place);
		c2c_err_hint(err, "c2c places lists them; c2c import places FILE.csv adds one");
		return C2C_ENOTFOUND;
	}
	return rc;
}

static int put_header(struct store *st, const char *place, int year, const char *gwp,
		      struct c2c_err *err)
{
	int rc;

	if (gwp && !city_gwp_find(gwp))
		return c2c_err_at(err, C2C_EUSAGE, "gwp", "'%s' is not a GWP set (AR5, AR6)", gwp);
	if ((rc = place_exists(st, place, err)))
		return rc;
	if (!gwp) {
		long long n;
		rc = store_query_int_args(st, "SELECT COUNT(*) FROM city_inventories WHERE \"place_id\" = ? AND \"year\" = ?",
					  STORE_ARGS(store_text(place), store_int(year)), &n, err);
		if (rc == 1)
			rc = n ? 0 : 1;
		if (rc == 1) {
			c2c_err_set(err, C2C_EUSAGE, "inventory %s %d is new: give its GWP set", place, year);
			c2c_err_hint(err, "--gwp AR6 (or AR5)");
			return C2C_EUSAGE;
		}
		return rc;
	}
	return store_exec_args(st, "INSERT INTO city_inventories (\"place_id\", \"year\", \"gwp\") VALUES (?, ?, ?)"
				   " ON CONFLICT (\"place_id\", \"year\") DO UPDATE SET \"gwp\" = excluded.\"gwp\"",
			       STORE_ARGS(store_text(place), store_int(year), store_text(gwp)), err);
}

static int put_row(struct store *st, const char *place, int year, const struct city_inv_row *r,
		   struct c2c_err *err)
{
	int act = r->has_activity;
	int rc;

	if ((rc = store_exec_args(st, "DELETE FROM city_inventory_rows WHERE \"place_id\" = ? AND \"year\" = ? AND \"gpc_ref\" = ?",
				  STORE_ARGS(store_text(place), store_int(year), store_text(r->ref)), err)))
		return rc;
	if (!r->key[0] && !act && !r->explanation[0])
		return 0; /* an empty row is the absence of a row */
	/* what a row does not have is NULL: no activity, or a gas without a factor */
	return store_exec_args(
		st,
		"INSERT INTO city_inventory_rows (\"place_id\", \"year\", \"gpc_ref\","
		" \"notation_key\", \"explanation\", \"activity_value\", \"activity_unit\","
		" \"ef_co2\", \"ef_ch4\", \"ef_n2o\", \"ef_unit\", \"ef_source\")"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		STORE_ARGS(store_text(place), store_int(year), store_text(r->ref),
			   store_text(r->key[0] ? r->key : NULL),
			   store_text(r->explanation[0] ? r->explanation : NULL),
			   act ? store_real(r->activity) : store_null(),
			   store_text(act ? r->activity_unit : NULL),
			   r->has_ef[GAS_CO2] ? store_real(r->ef[GAS_CO2]) : store_null(),
			   r->has_ef[GAS_CH4] ? store_real(r->ef[GAS_CH4]) : store_null(),
			   r->has_ef[GAS_N2O] ? store_real(r->ef[GAS_N2O]) : store_null(),
			   store_text(act ? r->ef_unit : NULL), store_text(act ? r->ef_source : NULL)),
		err);
}

static int check_year(int year, struct c2c_err *err)
{
	if (year < 1990 || year > 2100)
		return c2c_err_set(err, C2C_EUSAGE, "year %d is not from 1990 to 2100", year);
	return 0;
}

/* One year's inventory written whole, in one transaction (store_tx). */
struct inv_write {
	const char *place, *gwp;
	int year;
	const struct city_inv_row *rows;
	size_t n;
	int replace; /* 1: the rows are the whole year; 0: one row added */
};

static int inv_write_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct inv_write *w = ctx;
	int rc;
	if ((rc = put_header(st, w->place, w->year, w->gwp, err)))
		return rc;
	if (w->replace &&
	    (rc = store_exec_args(st, "DELETE FROM city_inventory_rows WHERE \"place_id\" = ? AND \"year\" = ?",
				  STORE_ARGS(store_text(w->place), store_int(w->year)), err)))
		return rc;
	for (size_t i = 0; i < w->n; i++)
		if ((rc = put_row(st, w->place, w->year, &w->rows[i], err)))
			return rc;
	return 0;
}

int city_inventory_replace(struct store *st, const char *place, int year, const char *gwp,
			   const struct city_inv_row *rows, size_t n, struct c2c_err *err)
{
	struct inv_write w = {place, gwp, year, rows, n, 1};
	int rc;
	if ((rc = check_year(year, err)))
		return rc;
	return store_tx(st, NULL, inv_write_tx, &w, err);
}

int city_inventory_add_row(struct store *st, const char *place, int year, const char *gwp,
			   const struct city_inv_row *row, struct c2c_err *err)
{
	struct inv_write w = {place, gwp, year, row, 1, 0};
	int rc;
	if ((rc = check_year(year, err)))
		return rc;
	return store_tx(st, NULL, inv_write_tx, &w, err);
}

/* One row taken out: the GPC number goes back to neither filled nor keyed. */
struct inv_delete {
	const char *place, *ref;
	int year;
};

static int inv_delete_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct inv_delete *d = ctx;
	long long n;
	int rc = store_query_int_args(st, "SELECT COUNT(*) FROM city_inventory_rows WHERE \"place_id\" = ? AND \"year\" = ?"
				      " AND \"gpc_ref\" = ?",
				      STORE_ARGS(store_text(d->place), store_int(d->year), store_text(d->ref)), &n, err);
	if (rc < 0)
		return rc;
	if (rc == 0 || !n)
		return c2c_err_at(err, C2C_ENOTFOUND, "gpc_ref", "inventory %s %d has no row %s", d->place, d->year,
				  d->ref);
	return store_exec_args(st, "DELETE FROM city_inventory_rows WHERE \"place_id\" = ? AND \"year\" = ? AND \"gpc_ref\" = ?",
			       STORE_ARGS(store_text(d->place), store_int(d->year), store_text(d->ref)), err);
}

int city_inventory_delete_row(struct store *st, const char *place, int year, const char *ref,
			      struct c2c_err *err)
{
	const struct gpc_row *g = ref ? city_gpc_find(ref) : NULL;
	struct inv_delete d = {place, g ? g->ref : NULL, year};
	int rc;
	if (!g)
		return c2c_err_at(err, C2C_EINPUT, "gpc_ref", "'%s' is not a GPC reference number", ref ? ref : "");
	if ((rc = check_year(year, err)))
		return rc;
	return store_tx(st, NULL, inv_delete_tx, &d, err);
}

/* ---- reading back, totals ---------------------------------------------------------------- */

int city_inventory_load(struct store *st, const char *place, int year,
			struct city_inventory *inv, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;

	memset(inv, 0, sizeof(*inv));
	snprintf(inv->place, sizeof(inv->place), "%s", place);
	inv->year = year;
	inv->n = city_gpc_n;
	for (size_t i = 0; i < city_gpc_n; i++)
		snprintf(inv->rows[i].ref, sizeof(inv->rows[i].ref), "%s", city_gpc[i].ref);
	if ((rc = store_prepare(st, "SELECT \"gwp\" FROM city_inventories WHERE \"place_id\" = ? AND \"year\" = ?",
				&s, err)))
		return rc;
	store_bind_text(s, 1, place);
	store_bind_int(s, 2, year);
	rc = store_step(s, err);
	if (rc == 1)
		inv->gwp = city_gwp_find(store_col_text(s, 0));
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (rc == 0 || !inv->gwp) {
		c2c_err_set(err, C2C_ENOTFOUND, "no inventory for %s in %d", place, year);
		c2c_err_hint(err, "c2c city inventory list shows the inventories");
		return C2C_ENOTFOUND;
	}
	if ((rc = store_prepare(st, "SELECT \"gpc_ref\", \"notation_key\", \"explanation\", \"activity_value\","
				" \"activity_unit\", \"ef_co2\", \"ef_ch4\", \"ef_n2o\", \"ef_unit\", \"ef_source\""
				" FROM city_inventory_rows WHERE \"place_id\" = ? AND \"year\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, place);
	store_bind_int(s, 2, year);
	while ((rc = store_step(s, err)) == 1) {
		const struct gpc_row *g = city_gpc_find(store_col_text(s, 0));
		struct city_inv_row *r;
		if (!g)
			continue; /* a number a later GPC edition dropped: never written by this code */
		r = &inv->rows[g - city_gpc];
		snprintf(r->key, sizeof(r->key), "%s", store_col_text(s, 1));
		snprintf(r->explanation, sizeof(r->explanation), "%s", store_col_text(s, 2));
		if (!store_col_is_null(s, 3)) {
			r->has_activity = 1;
			r->activity = store_col_double(s, 3);
			snprintf(r->activity_unit, sizeof(r->activity_unit), "%s", store_col_text(s, 4));
			snprintf(r->ef_unit, sizeof(r->ef_unit), "%s", store_col_text(s, 8));
			snprintf(r->ef_source, sizeof(r->ef_source), "%s", store_col_text(s, 9));
		}
		for (int gas = 0; gas < GAS_N; gas++)
			if ((r->has_ef[gas] = !store_col_is_null(s, 5 + gas)))
				r->ef[gas] = store_col_double(s, 5 + gas);
	}
	store_finalize(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < inv->n; i++) {
		const struct gpc_row *g = &city_gpc[i];
		struct city_inv_totals *t = &inv->totals;
		long long kg;
		if ((rc = city_inv_compute(&inv->rows[i], inv->gwp, &inv->res[i], err)))
			return rc;
		kg = inv->res[i].co2e_kg;
		t->filled += inv->res[i].filled;
		t->keyed += inv->rows[i].key[0] != 0;
		if (g->level == GPC_BASIC && !inv->res[i].filled && !inv->rows[i].key[0])
			t->empty_basic++;
		t->scope_kg[g->scope] += kg;
		t->sector_kg[g->sector] += kg;
		if (g->level == GPC_BASIC)
			t->basic_kg += kg;
		if (g->level == GPC_BASIC || g->level == GPC_BASIC_PLUS)
			t->basic_plus_kg += kg;
	}
	return 0;
}

/* Tonnes from whole kg, exactly: the JSON real is the decimal t.kkk. */
static json_t *tonnes(long long kg)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%s%lld.%03lld", kg < 0 ? "-" : "", llabs(kg) / 1000, llabs(kg) % 1000);
	return json_real(strtod(buf, NULL));
}

static void put_tonnes_text(struct strbuf *sb, long long kg)
{
	strbuf_addf(sb, "%s%lld.%03lld", kg < 0 ? "-" : "", llabs(kg) / 1000, llabs(kg) % 1000);
}

/* The shortest plain decimal that reads back as the same double (no
 * exponent: "2000", not "2e+03", so a spreadsheet user reads it). */
static void put_number(struct strbuf *sb, double v)
{
	char num[64];
	for (int dec = 0; dec <= 17; dec++) {
		snprintf(num, sizeof(num), "%.*f", dec, v);
		if (strtod(num, NULL) == v) {
			strbuf_addstr(sb, num);
			return;
		}
	}
	snprintf(num, sizeof(num), "%.17g", v);
	strbuf_addstr(sb, num);
}

/* One row's cells as text, in city_inv_columns order ("" when empty). */
static void row_cells(const struct city_inventory *inv, size_t i, struct strbuf cell[])
{
	const struct city_inv_row *r = &inv->rows[i];
	const struct city_inv_result *res = &inv->res[i];
	const struct gpc_row *g = &city_gpc[i];

	for (size_t c = 0; c < city_inv_ncolumns; c++)
		strbuf_reset(&cell[c]);
	strbuf_addstr(&cell[0], r->ref);
	strbuf_addstr(&cell[1], r->key);
	strbuf_addstr(&cell[2], r->explanation);
	if (r->has_activity) {
		put_number(&cell[3], r->activity);
		strbuf_addstr(&cell[4], r->activity_unit);
		for (int gas = 0; gas < GAS_N; gas++)
			if (r->has_ef[gas])
				put_number(&cell[5 + gas], r->ef[gas]);
		strbuf_addstr(&cell[8], r->ef_unit);
		strbuf_addstr(&cell[9], r->ef_source);
	}
	strbuf_addstr(&cell[10], city_sector_roman[g->sector]);
	strbuf_addf(&cell[11], "%d", g->scope);
	strbuf_addstr(&cell[12], city_gpc_level_name(g->level));
	strbuf_addstr(&cell[13], g->name);
	if (res->filled) {
		for (int gas = 0; gas < GAS_N; gas++)
			if (r->has_ef[gas])
				put_tonnes_text(&cell[14 + gas], res->gas_kg[gas]);
		put_tonnes_text(&cell[17], res->co2e_kg);
	}
}

json_t *city_inventory_rows_json(const struct city_inventory *inv)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < inv->n; i++) {
		const struct city_inv_row *r = &inv->rows[i];
		const struct city_inv_result *res = &inv->res[i];
		const struct gpc_row *g = &city_gpc[i];
		json_t *o = json_object();
		json_object_set_new(o, "gpc_ref", json_string(g->ref));
		json_object_set_new(o, "sector", json_string(city_sector_roman[g->sector]));
		json_object_set_new(o, "scope", json_integer(g->scope));
		json_object_set_new(o, "level", json_string(city_gpc_level_name(g->level)));
		json_object_set_new(o, "name", json_string(g->name));
		json_object_set_new(o, "notation_key", r->key[0] ? json_string(r->key) : json_null());
		json_object_set_new(o, "explanation", r->explanation[0] ? json_string(r->explanation) : json_null());
		json_object_set_new(o, "activity_value", r->has_activity ? json_real(r->activity) : json_null());
		json_object_set_new(o, "activity_unit", r->has_activity ? json_string(r->activity_unit) : json_null());
		for (int gas = 0; gas < GAS_N; gas++)
			json_object_set_new(o, city_inv_columns[5 + gas], r->has_ef[gas] ? json_real(r->ef[gas]) : json_null());
		json_object_set_new(o, "ef_unit", r->has_activity ? json_string(r->ef_unit) : json_null());
		json_object_set_new(o, "ef_source", r->has_activity ? json_string(r->ef_source) : json_null());
		for (int gas = 0; gas < GAS_N; gas++)
			json_object_set_new(o, city_inv_columns[14 + gas],
					    res->filled && r->has_ef[gas] ? tonnes(res->gas_kg[gas]) : json_null());
		json_object_set_new(o, "co2e_t", res->filled ? tonnes(res->co2e_kg) : json_null());
		json_array_append_new(rows, o);
	}
	return rows;
}

json_t *city_inventory_json(const struct city_inventory *inv)
{
	const struct city_inv_totals *t = &inv->totals;
	json_t *sectors = json_object(), *o;

	for (int s = 1; s <= 6; s++)
		json_object_set_new(sectors, city_sector_roman[s], tonnes(t->sector_kg[s]));
	o = json_pack("{s:{s:s, s:i, s:s, s:s}, s:o, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I}}",
		      "inventory", "place_id", inv->place, "year", inv->year, "gwp", inv->gwp->set,
		      "gwp_source", inv->gwp->source,
		      "rows", city_inventory_rows_json(inv),
		      "totals", "basic_t", tonnes(t->basic_kg), "basic_plus_t", tonnes(t->basic_plus_kg),
		      "scope1_t", tonnes(t->scope_kg[1]), "scope2_t", tonnes(t->scope_kg[2]),
		      "scope3_t", tonnes(t->scope_kg[3]), "by_sector_t", sectors,
		      "rows_filled", (json_int_t)t->filled, "rows_keyed", (json_int_t)t->keyed,
		      "basic_rows_missing", (json_int_t)t->empty_basic);
	return o;
}

json_t *city_inventory_check(const struct city_inventory *inv, size_t *missing_basic)
{
	json_t *out = json_array();
	*missing_basic = 0;
	for (size_t i = 0; i < inv->n; i++) {
		const struct gpc_row *g = &city_gpc[i];
		if (inv->res[i].filled || inv->rows[i].key[0] ||
		    (g->level != GPC_BASIC && g->level != GPC_BASIC_PLUS))
			continue;
		if (g->level == GPC_BASIC)
			(*missing_basic)++;
		json_array_append_new(out, json_pack("{s:s, s:s, s:i, s:s, s:s}", "gpc_ref", g->ref, "level",
						     city_gpc_level_name(g->level), "scope", g->scope,
						     "subsector", g->subsector_name, "name", g->name));
	}
	return out;
}

int city_inventory_write_csv(const struct city_inventory *inv, FILE *out, struct c2c_err *err)
{
	struct strbuf line, cell[32];
	int rc = 0;

	strbuf_init(&line, 0);
	for (size_t c = 0; c < city_inv_ncolumns; c++)
		strbuf_init(&cell[c], 0);
	for (size_t c = 0; c < city_inv_ncolumns; c++) {
		if (c)
			strbuf_addch(&line, ',');
		strbuf_addstr(&line, city_inv_columns[c]);
	}
	fprintf(out, "%s\n", strbuf_str(&line));
	for (size_t i = 0; i < inv->n; i++) {
		strbuf_reset(&line);
		row_cells(inv, i, cell);
		for (size_t c = 0; c < city_inv_ncolumns; c++) {
			if (c)
				strbuf_addch(&line, ',');
			csv_put_field(&line, strbuf_str(&cell[c]));
		}
		fprintf(out, "%s\n", strbuf_str(&line));
	}
	if (ferror(out))
		rc = c2c_err_set(err, C2C_EIO, "writing the CSV failed");
	strbuf_release(&line);
	for (size_t c = 0; c < city_inv_ncolumns; c++)
		strbuf_release(&cell[c]);
	return rc;
}

int city_inventory_write_xlsx(const struct city_inventory *inv, const char *path,
			      struct c2c_err *err)
{
	/* numbers as numbers, so a spreadsheet can add them up; the rest as text */
	static const int numeric[] = {0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1};
	lxw_workbook *wb = rows_workbook_new(path);
	lxw_worksheet *ws;
	lxw_format *bold;
	struct strbuf cell[32];
	lxw_error e;

	if (!wb)
		return c2c_err_set(err, C2C_EIO, "%s: cannot create the workbook", path);
	ws = workbook_add_worksheet(wb, "inventory");
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (size_t c = 0; c < city_inv_ncolumns; c++) {
		strbuf_init(&cell[c], 0);
		worksheet_write_string(ws, 0, (lxw_col_t)c, city_inv_columns[c], bold);
	}
	for (size_t i = 0; i < inv->n; i++) {
		row_cells(inv, i, cell);
		for (size_t c = 0; c < city_inv_ncolumns; c++) {
			const char *s = strbuf_str(&cell[c]);
			if (!*s)
				continue;
			if (numeric[c])
				worksheet_write_number(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, strtod(s, NULL), NULL);
			else
				worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, s, NULL);
		}
	}
	for (size_t c = 0; c < city_inv_ncolumns; c++)
		strbuf_release(&cell[c]);
	e = workbook_close(wb);
	if (e != LXW_NO_ERROR)
		return c2c_err_set(err, C2C_EIO, "%s: writing the workbook failed: %s", path, lxw_strerror(e));
	return 0;
}

int city_inventories(struct store *st, json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	*out = json_array();
	if ((rc = store_prepare(st, "SELECT i.\"place_id\", i.\"year\", i.\"gwp\", COUNT(r.\"gpc_ref\")"
				" FROM city_inventories i LEFT JOIN city_inventory_rows r"
				" ON r.\"place_id\" = i.\"place_id\" AND r.\"year\" = i.\"year\""
				" GROUP BY i.\"place_id\", i.\"year\", i.\"gwp\" ORDER BY i.\"place_id\", i.\"year\"",
				&s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1)
		json_array_append_new(*out, json_pack("{s:s, s:I, s:s, s:I}", "place_id", store_col_text(s, 0),
						      "year", (json_int_t)store_col_int(s, 1), "gwp",
						      store_col_text(s, 2), "rows", (json_int_t)store_col_int(s, 3)));
	store_finalize(s);
	return rc < 0 ? rc : 0;
}
