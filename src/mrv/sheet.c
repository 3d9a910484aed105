/*
 * sheet.c - a monitoring report as a JCM Monitoring Spreadsheet, and a
 * filled Monitoring Report Sheet read back as a report's monitored values.
 *
 * Why: under the JCM a participant reports in the methodology's Monitoring
 * Spreadsheet (Excel): the Monitoring Plan Sheet and Monitoring Structure
 * Sheet of the PDD, the Monitoring Report Sheet of each period.  c2c gives a
 * report as such a workbook (the same JSON document for the API and the
 * CLI, written by core/rows.c) and takes one a participant filled in as the
 * report's data: its Table 1 values go through the checks `--value` goes
 * through (values.c), and approval reads the sheet again.
 *
 * The layout follows what could be read of the official sheets (docs/mrv.md,
 * "The Monitoring Spreadsheet"): Table 1 of the ID009 Monitoring Report
 * Sheet of JCM_ID_AM002_ver02.0, columns (a) to (k); the ADB handbook's
 * description of the Monitoring Plan Sheet.  The official workbook itself
 * was not found, so this is c2c's layout after those, not the official
 * file; two columns are c2c's own ("Symbol", "Unit i (meter)") so that a
 * filled sheet names each value's parameter and unit i unambiguously.
 */
#include "mrv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "core/rows.h"
#include "core/strbuf.h"
#include "core/xlsx.h"

#define SHEET_PLAN "Monitoring Plan Sheet"
#define SHEET_STRUCTURE "Monitoring Structure Sheet"
#define SHEET_REPORT "Monitoring Report Sheet"
#define SHEET_CALC "MRS(calc_process)"

/* Table 1's columns as the ID009 sheet heads them, and c2c's two. */
#define COL_PERIOD "(a) Monitoring period"
#define COL_POINT "(b) Monitoring point No."
#define COL_PARAM "(c) Parameters"
#define COL_DESC "(d) Description of data"
#define COL_VALUE "(e) Monitored Values"
#define COL_UNITS "(f) Units"
#define COL_OPTION "(g) Monitoring option"
#define COL_SOURCE "(h) Source of data"
#define COL_METHOD "(i) Measurement methods and procedures"
#define COL_FREQ "(j) Monitoring frequency"
#define COL_COMMENT "(k) Other comments"
#define COL_SYMBOL "Symbol"
#define COL_UNIT_I "Unit i (meter)"

#define SHEET_FILE_MAX ((size_t)64 << 20)

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* A decimal as the number cell shows it (the cell holds a double). */
static json_t *number(const char *decimal)
{
	return json_real(strtod(decimal, NULL));
}

/* A stored meter sum (a JSON real made from exact millionths) back to its
 * decimal: printf rounds correctly, and below 9e9 units the nearest
 * millionth is the one it was made from. */
static void real_decimal(json_t *v, char *buf, size_t len)
{
	int64_t micro;
	snprintf(buf, len, "%.6f", json_number_value(v));
	if (!mrv_parse_micro(buf, strlen(buf), 1, &micro))
		mrv_format_micro(micro, buf, len);
}

static json_t *param_entry(json_t *res, const char *sym)
{
	json_t *e;
	size_t i;
	json_array_foreach(json_object_get(res, "parameters"), i, e)
		if (!strcmp(jstr(e, "symbol"), sym))
			return e;
	return NULL;
}

static const char *kind_of(const struct mrv_param *p)
{
	if (p->monitored)
		return "monitored ex post";
	return p->fixed_by && !strcmp(p->fixed_by, MRV_FIXED_PROJECT) ? "fixed ex ante by the project"
								       : "fixed ex ante by the methodology";
}

static json_t *plan_sheet(const struct mrv_methodology *m, json_t *res)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < m->nparams; i++) {
		const struct mrv_param *p = &m->params[i];
		json_t *e = param_entry(res, p->symbol), *row = json_object();
		json_object_set_new(row, "No.", json_integer((json_int_t)i + 1));
		json_object_set_new(row, "Parameters", json_string(p->symbol_doc));
		json_object_set_new(row, COL_SYMBOL, json_string(p->symbol));
		json_object_set_new(row, "Description of data", json_string(p->description));
		if (p->monitored)
			json_object_set_new(row, "Values", json_string("monitored: Monitoring Report Sheet"));
		else if (e && json_object_get(e, "value"))
			json_object_set_new(row, "Values", number(jstr(e, "value")));
		else
			json_object_set_new(row, "Values", json_string("per unit: Monitoring Structure Sheet"));
		json_object_set_new(row, "Units", json_string(p->unit));
		json_object_set_new(row, "Monitoring option", json_string(p->options ? p->options : ""));
		json_object_set_new(row, "Kind", json_string(kind_of(p)));
		json_object_set_new(row, "Per unit i", json_string(p->per_unit ? "yes" : "no"));
		json_object_set_new(row, "Source of data", json_string(p->source));
		json_object_set_new(row, "Origin of the value", json_string(e ? jstr(e, "origin") : ""));
		json_object_set_new(row, "Unconfirmed", json_string(p->unconfirmed ? p->unconfirmed : ""));
		json_array_append_new(rows, row);
	}
	return rows;
}

/* The Monitoring Structure Sheet's columns taken as they are from a
 * meter's summary in the result (mrv/compute.c), after its number and id */
static const struct {
	const char *column, *field;
} meter_columns[] = {
	{"Readings in the period", "rows"}, {"First reading", "first"}, {"Last reading", "last"},
	{"Interval (s)", "interval_s"},     {"Gaps", "gap_count"},      {"Missing (s)", "missing_s"},
};

/* One row per unit i (meter): what its readings were, and the per-unit
 * values it was computed with. */
static json_t *structure_sheet(json_t *res)
{
	json_t *rows = json_array(), *mo;
	size_t i;
	json_array_foreach(json_object_get(res, "meters"), i, mo) {
		json_t *row = json_object(), *p;
		size_t k;
		char buf[512] = "";
		json_object_set_new(row, "Monitoring point No.", json_integer((json_int_t)i + 1));
		json_object_set_new(row, COL_UNIT_I, json_string(jstr(mo, "meter_id")));
		for (k = 0; k < sizeof(meter_columns) / sizeof(meter_columns[0]); k++)
			json_object_set_new(row, meter_columns[k].column,
					    json_incref(json_object_get(mo, meter_columns[k].field)));
		json_object_set_new(row, "Correction", json_string(jstr(mo, "correction")));
		json_array_foreach(json_object_get(mo, "parameters"), k, p)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s=%s (%s)", k ? "; " : "",
				 jstr(p, "symbol"), jstr(p, "value"), !strcmp(jstr(p, "origin"), "unit") ? "own" : "project");
		json_object_set_new(row, "Per-unit values", json_string(buf));
		json_array_append_new(rows, row);
	}
	return rows;
}

static void report_row(json_t *rows, const struct mrv_methodology *m, const struct mrv_param *p, json_t *rep,
		       const char *meter, const char *value, const char *source, const char *freq)
{
	json_t *row = json_object();
	char period[32];
	snprintf(period, sizeof(period), "%s - %s", jstr(rep, "period_from"), jstr(rep, "period_to"));
	(void)m;
	json_object_set_new(row, COL_PERIOD, json_string(period));
	json_object_set_new(row, COL_POINT, json_integer((json_int_t)json_array_size(rows) + 1));
	json_object_set_new(row, COL_PARAM, json_string(p->symbol_doc));
	json_object_set_new(row, COL_DESC, json_string(p->description));
	json_object_set_new(row, COL_VALUE, number(value));
	json_object_set_new(row, COL_UNITS, json_string(p->unit));
	json_object_set_new(row, COL_OPTION, json_string(p->options ? p->options : ""));
	json_object_set_new(row, COL_SOURCE, json_string(source));
	json_object_set_new(row, COL_METHOD, json_string(""));
	json_object_set_new(row, COL_FREQ, json_string(freq));
	json_object_set_new(row, COL_COMMENT, json_string(""));
	json_object_set_new(row, COL_SYMBOL, json_string(p->symbol));
	json_object_set_new(row, COL_UNIT_I, json_string(meter));
	json_array_append_new(rows, row);
}

/* Table 1, parameters monitored ex post: the first monitored parameter per
 * unit i (a meter's sum, or a unit's value given), the others once for the
 * project and/or per unit, as the report was computed. */
static json_t *report_sheet(const struct mrv_methodology *m, json_t *rep, json_t *res)
{
	json_t *rows = json_array(), *ms = json_object_get(res, "meters"), *mo, *p;
	int from_data = json_object_get(res, "data") != NULL;
	size_t k, j;
	char buf[48];
	for (size_t i = 0; i < m->nparams; i++) {
		const struct mrv_param *pp = &m->params[i];
		json_t *e = param_entry(res, pp->symbol);
		if (!pp->monitored)
			continue;
		if (i == 0 && json_array_size(ms)) {
			json_array_foreach(ms, k, mo) {
				real_decimal(json_object_get(mo, "sum"), buf, sizeof(buf));
				report_row(rows, m, pp, rep, jstr(mo, "meter_id"), buf,
					   from_data ? "monitored data (the report's data file)" : "given for the period",
					   from_data ? "continuously (every reading of the data file)" : "");
			}
			continue;
		}
		if (e && json_object_get(e, "value"))
			report_row(rows, m, pp, rep, "", jstr(e, "value"),
				   !strcmp(jstr(e, "origin"), "data") ? "monitored data (the report's data file)"
								       : "given for the period", "");
		json_array_foreach(ms, k, mo)
			json_array_foreach(json_object_get(mo, "parameters"), j, p)
				if (!strcmp(jstr(p, "symbol"), pp->symbol) && !strcmp(jstr(p, "origin"), "unit"))
					report_row(rows, m, pp, rep, jstr(mo, "meter_id"), jstr(p, "value"),
						   "given for the period", "");
	}
	return rows;
}

/* Each formula's value (its sum over the units), then RE_p, PE_p and ER_p
 * as the calculation process sheet ends. */
static json_t *calc_sheet(json_t *res)
{
	json_t *rows = json_array(), *c;
	size_t i;
	json_array_foreach(json_object_get(res, "calculation"), i, c)
		json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:o}", "Item", jstr(c, "symbol"), "Formula",
						      jstr(c, "formula"), "Units", jstr(c, "unit"), "Value",
						      number(jstr(c, "value"))));
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:O}", "Item", "RE_p", "Formula",
					      jstr(res, "re_equation"), "Units", "tCO2e", "Value",
					      json_object_get(res, "re_tco2e")));
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:O}", "Item", "PE_p", "Formula",
					      jstr(res, "pe_equation"), "Units", "tCO2e", "Value",
					      json_object_get(res, "pe_tco2e")));
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:O}", "Item", "ER_p (exact)", "Formula",
					      "ER_p = RE_p - PE_p", "Units", "tCO2e", "Value",
					      json_object_get(res, "er_exact_tco2e")));
	json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:O}", "Item", "ER_p", "Formula",
					      "rounded down to whole tCO2e", "Units", "tCO2e", "Value",
					      json_object_get(res, "er_tco2e")));
	return rows;
}

int mrv_report_sheet(struct store *st, int64_t id, json_t **out, struct c2c_err *err)
{
	const struct mrv_methodology *m;
	json_t *rep, *res, *doc;
	int rc;
	*out = NULL;
	if ((rc = mrv_report_get(st, id, &rep, err)))
		return rc;
	res = json_object_get(rep, "result");
	if (!json_is_object(res) || !(m = mrv_methodology_find(jstr(res, "methodology")))) {
		json_decref(rep);
		return c2c_err_set(err, C2C_EDB, "report %lld: its stored result or methodology is not known",
				   (long long)id);
	}
	doc = json_object();
	json_object_set_new(doc, "layout", json_string("c2c's Monitoring Spreadsheet after the JCM's (docs/mrv.md): "
						       "not the official workbook"));
	json_object_set_new(doc, "methodology", json_string(m->id));
	json_object_set_new(doc, "methodology_version", json_string(m->version ? m->version : ""));
	json_object_set_new(doc, "title", json_string(m->title));
	json_object_set_new(doc, "report", json_integer(id));
	json_object_set_new(doc, "project", json_string(jstr(rep, "project")));
	json_object_set_new(doc, "period_from", json_string(jstr(rep, "period_from")));
	json_object_set_new(doc, "period_to", json_string(jstr(rep, "period_to")));
	json_object_set_new(doc, "status", json_string(jstr(rep, "status")));
	json_object_set_new(doc, "data_sha256", json_string(jstr(rep, "data_sha256")));
	json_object_set_new(doc, "er_tco2e", json_incref(json_object_get(res, "er_tco2e")));
	json_object_set_new(doc, SHEET_PLAN, plan_sheet(m, res));
	json_object_set_new(doc, SHEET_STRUCTURE, structure_sheet(res));
	json_object_set_new(doc, SHEET_REPORT, report_sheet(m, rep, res));
	json_object_set_new(doc, SHEET_CALC, calc_sheet(res));
	json_decref(rep);
	*out = doc;
	return 0;
}

int mrv_report_sheet_xlsx(struct store *st, int64_t id, const char *path, struct c2c_err *err)
{
	struct strbuf sb;
	json_t *doc;
	FILE *fp;
	int rc;
	if ((rc = mrv_report_sheet(st, id, &doc, err)))
		return rc;
	strbuf_init(&sb, 0);
	rc = rows_xlsx(doc, SHEET_REPORT, &sb, err);
	json_decref(doc);
	if (!rc) {
		if (!(fp = fopen(path, "wb"))) {
			rc = c2c_err_set(err, C2C_EIO, "%s: cannot create: %s", path, strerror(errno));
		} else {
			int bad = fwrite(sb.buf, 1, sb.len, fp) != sb.len;
			bad |= fclose(fp) != 0;
			if (bad) {
				rc = c2c_err_set(err, C2C_EIO, "%s: cannot write: %s", path, strerror(errno));
				unlink(path);
			}
		}
	}
	strbuf_release(&sb);
	return rc;
}

/* ---- reading a filled Monitoring Report Sheet ------------------------------------ */

/* "E12" for column 4 (0-based), row 12. */
static void cell_ref(size_t col, size_t row, char *buf, size_t len)
{
	char letters[8];
	size_t n = 0;
	col++;
	while (col && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (size_t i = 0; i < n / 2; i++) {
		char t = letters[i];
		letters[i] = letters[n - 1 - i];
		letters[n - 1 - i] = t;
	}
	snprintf(buf, len, "%.*s%zu", (int)n, letters, row);
}

/* A number cell's text ("347.2", "347.19999999999999", "1.5E-3") as a
 * decimal of at most 6 places: the cell holds a binary double, so its
 * digits beyond the sixth decimal are rounded to the nearest millionth
 * (half up), in decimal, never through a float.  -1: not a number. */
static int cell_decimal(const char *s, char *out, size_t len)
{
	char digits[64];
	size_t nd = 0;
	long point = -1, exp = 0;
	int neg = 0, any = 0;
	int64_t v = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
		if (*s == '.') {
			if (point >= 0)
				return -1;
			point = (long)nd;
			continue;
		}
		any = 1;
		if (nd == 0 && *s == '0' && point < 0)
			continue; /* leading zeros of the integer part */
		if (nd == sizeof(digits))
			return -1;
		digits[nd++] = *s;
	}
	if (!any)
		return -1;
	if (point < 0)
		point = (long)nd;
	if (*s == 'e' || *s == 'E') {
		char *end;
		long e = strtol(s + 1, &end, 10);
		if (end == s + 1 || e > 30 || e < -30)
			return -1;
		exp = e;
		s = end;
	}
	if (*s)
		return -1;
	/* value = 0.digits x 10^(point + exp); in millionths, the first
	 * point + exp + 6 digits make the integer, the next one rounds */
	{
		long keep = point + exp + 6;
		for (long i = 0; i < keep; i++) {
			int d = i < (long)nd ? digits[i] - '0' : 0;
			if (v > (INT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + d;
		}
		if (keep >= 0 && keep < (long)nd && digits[keep] >= '5')
			v++;
	}
	mrv_format_micro(neg ? -v : v, out, len);
	return 0;
}

struct sheet_read {
	const char *name;                   /* the file, for messages */
	const struct mrv_methodology *m;
	int col_symbol, col_unit_i, col_value, col_units;
	struct mrv_given_value *g;
	size_t n, cap;
};

static int header_col(const struct csv_row *row, const char *title)
{
	for (size_t i = 0; i < row->nfields; i++)
		if (!strcmp(row->field[i], title))
			return (int)i;
	return -1;
}

static int sheet_row(const struct csv_row *row, void *ctx, struct c2c_err *err)
{
	struct sheet_read *c = ctx;
	struct mrv_given_value *g;
	char ref[16];
	const char *sym, *val, *unit, *meter;
	int64_t micro;
	size_t idx;
	int rc;

	if (c->col_symbol < 0) { /* the header row */
		static const char *const need[] = {COL_SYMBOL, COL_UNIT_I, COL_VALUE, COL_UNITS};
		int *cols[] = {&c->col_symbol, &c->col_unit_i, &c->col_value, &c->col_units};
		for (size_t k = 0; k < 4; k++)
			if ((*cols[k] = header_col(row, need[k])) < 0)
				return c2c_err_at(err, C2C_EINPUT, "sheet", "%s: sheet '%s', row %zu: no column '%s' (the "
						  "header c2c mrv report sheet writes)", c->name, SHEET_REPORT, row->line,
						  need[k]);
		return 0;
	}
	sym = (size_t)c->col_symbol < row->nfields ? row->field[c->col_symbol] : "";
	meter = (size_t)c->col_unit_i < row->nfields ? row->field[c->col_unit_i] : "";
	val = (size_t)c->col_value < row->nfields ? row->field[c->col_value] : "";
	unit = (size_t)c->col_units < row->nfields ? row->field[c->col_units] : "";
	if (!*sym && !*val)
		return 0; /* an empty row */
	if (c->n == c->cap) {
		struct mrv_given_value *ng = realloc(c->g, (c->cap = c->cap ? c->cap * 2 : 16) * sizeof(*ng));
		if (!ng)
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		c->g = ng;
	}
	g = &c->g[c->n];
	memset(g, 0, sizeof(*g));
	cell_ref((size_t)c->col_symbol, row->line, ref, sizeof(ref));
	if (strlen(sym) >= sizeof(g->symbol) || !mrv_param_find(c->m, sym, NULL))
		return c2c_err_at(err, C2C_EINPUT, "sheet", "%s: %s!%s: '%.40s' is not a parameter of %s", c->name,
				  SHEET_REPORT, ref, sym, c->m->id);
	snprintf(g->symbol, sizeof(g->symbol), "%s", sym);
	cell_ref((size_t)c->col_unit_i, row->line, ref, sizeof(ref));
	if (*meter && !mrv_meter_id_ok(meter, strlen(meter)))
		return c2c_err_at(err, C2C_EINPUT, "sheet", "%s: %s!%s: '%.64s' is not a meter id", c->name, SHEET_REPORT,
				  ref, meter);
	snprintf(g->meter_id, sizeof(g->meter_id), "%s", meter);
	cell_ref((size_t)c->col_value, row->line, ref, sizeof(ref));
	if (cell_decimal(val, g->value, sizeof(g->value)))
		return c2c_err_at(err, C2C_EINPUT, "sheet", "%s: %s!%s: '%.40s' is not a number (%s's monitored value)",
				  c->name, SHEET_REPORT, ref, val, g->symbol);
	cell_ref((size_t)c->col_units, row->line, ref, sizeof(ref));
	if (strlen(unit) >= sizeof(g->unit))
		return c2c_err_at(err, C2C_EINPUT, "sheet", "%s: %s!%s: '%.40s' is not a unit", c->name, SHEET_REPORT,
				  ref, unit);
	snprintf(g->unit, sizeof(g->unit), "%s", unit);
	if ((rc = mrv_given_micro(c->m, g, &idx, &micro, err))) {
		cell_ref((size_t)c->col_value, row->line, ref, sizeof(ref));
		c2c_err_prefix(err, "%s: %s!%s", c->name, SHEET_REPORT, ref);
		c2c_err_field(err, "sheet");
		return C2C_EINPUT;
	}
	c->n++;
	return 0;
}

int mrv_sheet_values(const char *path, const char *name, const struct mrv_methodology *m,
		     struct mrv_given_value **out, size_t *n, char sha256[65], uint64_t *bytes, struct c2c_err *err)
{
	struct sheet_read c = {.name = name ? name : path, .m = m, .col_symbol = -1};
	unsigned char h[crypto_hash_sha256_BYTES];
	struct strbuf sb;
	FILE *fp;
	int rc;

	*out = NULL;
	*n = 0;
	if (!(fp = fopen(path, "rb")))
		return c2c_err_at(err, C2C_EIO, "sheet", "%s: cannot open: %s", c.name, strerror(errno));
	strbuf_init(&sb, SHEET_FILE_MAX);
	rc = strbuf_read_stream(&sb, fp);
	fclose(fp);
	if (rc) {
		strbuf_release(&sb);
		return c2c_err_at(err, C2C_EINPUT, "sheet", "%s: cannot be read (larger than %zu MiB?)", c.name,
				  SHEET_FILE_MAX >> 20);
	}
	crypto_hash_sha256(h, (const unsigned char *)sb.buf, sb.len);
	sodium_bin2hex(sha256, 65, h, sizeof(h));
	*bytes = sb.len;
	rc = xlsx_read_mem(sb.buf ? sb.buf : "", sb.len, c.name, SHEET_REPORT, sheet_row, &c, err);
	strbuf_release(&sb);
	if (!rc && c.col_symbol < 0)
		rc = c2c_err_at(err, C2C_EINPUT, "sheet", "%s: sheet '%s' is empty", c.name, SHEET_REPORT);
	if (!rc && !c.n)
		rc = c2c_err_at(err, C2C_EINPUT, "sheet", "%s: sheet '%s' has no monitored value", c.name, SHEET_REPORT);
	if (rc) {
		if (!err->field[0])
			c2c_err_field(err, "sheet");
		free(c.g);
		return rc;
	}
	*out = c.g;
	*n = c.n;
	return 0;
}
