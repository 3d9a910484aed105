/*
 * units.c - parameter values per unit i.  The chiller family reads
 * RE_p = sum_i EC_PJ,i,p x (COP_PJ,i / COP_RE,i) x EF_elec: each chiller
 * has its own COPs, and one average for all of them gives a different ER
 * whenever the units differ.  A unit is named by its meter, the one that
 * measures its monitored quantity, so a value is (meter, symbol, value).
 *
 * Values come from `--param SYMBOL@METER=VALUE`, from a --units CSV
 * (`meter_id,SYMBOL,...`, one row per unit) or from the project's table;
 * whatever the source, mrv_units_check holds them to the methodology and
 * sorts them in the ingest's meter order, so the calculation pairs them
 * with the meters in one merge pass, once per meter, never per row.
 */
#include "mrv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

/* "ID_AM002's per-unit parameters are COP_PJ, COP_RE" or "ID_AM020 has no
 * per-unit parameter", for messages. */
static void per_unit_list(const struct mrv_methodology *m, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->nparams; i++)
		if (m->params[i].per_unit)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", n++ ? ", " : "", m->params[i].symbol);
	if (!n)
		snprintf(buf, len, "%s has no per-unit parameter", m->id);
	else {
		char tmp[200];
		snprintf(tmp, sizeof(tmp), "%s", buf);
		snprintf(buf, len, "%s's per-unit parameter%s %s %s", m->id, n == 1 ? "" : "s", n == 1 ? "is" : "are",
			 tmp);
	}
}

static void all_list(const struct mrv_methodology *m, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < m->nparams; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", m->params[i].symbol);
}

/* Is sym a parameter m takes per unit?  0, or the error (what names the
 * place of the value: "--param COP_PJ@CH-01", "units.csv: row 1, column 3"). */
static int per_unit_param(const struct mrv_methodology *m, const char *sym, const char *what, int code,
			  const struct mrv_param **out, struct c2c_err *err)
{
	const struct mrv_param *p = mrv_param_find(m, sym, NULL);
	char list[256];
	if (!p) {
		all_list(m, list, sizeof(list));
		return c2c_err_set(err, code, "%s: %s has no parameter %s (it has %s)", what, m->id, sym, list);
	}
	if (p == &m->params[0]) { /* the parameter --data gives */
		c2c_err_set(err, code, "%s: %s is monitored: each meter's value comes from the data, not from a "
			    "fixed value", what, p->symbol);
		return code;
	}
	if (!p->per_unit) {
		per_unit_list(m, list, sizeof(list));
		c2c_err_set(err, code, "%s: %s is one value for the whole project in %s, not one per unit (%s)", what,
			    p->symbol, m->id, list);
		c2c_err_hint(err, "give it once: --param %s=VALUE", p->symbol);
		return code;
	}
	*out = p;
	return 0;
}

static void origin(const struct mrv_unit_value *v, char *buf, size_t len)
{
	if (v->file && !v->row) /* a value given for the period (values.c) */
		snprintf(buf, len, "%s %s@%s", v->file, v->symbol, v->meter_id);
	else if (v->file)
		snprintf(buf, len, "%s: row %zu", v->file, v->row);
	else
		snprintf(buf, len, "--param %s@%s", v->symbol, v->meter_id);
}

/* A fixed value is positive (it may divide); a monitored quantity may be
 * zero (a unit that burnt no fuel in the period). */
static int value_ok(const char *s, int monitored)
{
	int64_t v;
	return !mrv_parse_micro(s, strlen(s), 1, &v) && (v > 0 || (monitored && v == 0));
}

static int cmp_unit(const void *a, const void *b)
{
	const struct mrv_unit_value *x = a, *y = b;
	int c = strcmp(x->meter_id, y->meter_id);
	return c ? c : strcmp(x->symbol, y->symbol);
}

int mrv_units_check(const struct mrv_methodology *m, struct mrv_unit_value *v, size_t n, struct c2c_err *err)
{
	char where[200], other[200];
	int rc;
	if (!n)
		return 0;
	for (size_t k = 0; k < n; k++) {
		const struct mrv_param *p = mrv_param_find(m, v[k].symbol, NULL);
		int id_bad = !mrv_meter_id_ok(v[k].meter_id, strlen(v[k].meter_id));
		if (id_bad || !p || p == &m->params[0] || !p->per_unit || !value_ok(v[k].value, p->monitored)) {
			/* the place is spelled out only for the message */
			origin(&v[k], where, sizeof(where));
			if (id_bad)
				return c2c_err_set(err, C2C_EUSAGE, "%s: '%s' is not a meter id (1-64 of A-Z a-z 0-9 "
						   "- _ . : /)", where, v[k].meter_id);
			if ((rc = per_unit_param(m, v[k].symbol, where, C2C_EUSAGE, &p, err)))
				return rc;
			return c2c_err_set(err, C2C_EUSAGE, "%s=%s: not a positive decimal with at most 6 decimals", where,
					   v[k].value);
		}
		memcpy(v[k].symbol, p->symbol, strlen(p->symbol) + 1); /* as the methodology spells it */
	}
	qsort(v, n, sizeof(*v), cmp_unit);
	for (size_t k = 1; k < n; k++)
		if (!cmp_unit(&v[k - 1], &v[k])) {
			origin(&v[k - 1], where, sizeof(where));
			origin(&v[k], other, sizeof(other));
			return c2c_err_set(err, C2C_EUSAGE, "%s of meter %s is given twice (%s and %s)", v[k].symbol,
					   v[k].meter_id, where, other);
		}
	return 0;
}

/* ---------------------------------------------------------------- --units */

struct units_ctx {
	const struct mrv_methodology *m;
	const char *name;
	struct mrv_unit_value **v;
	size_t *n, cap;
	size_t ncols;
	char sym[CSV_FIELDS_MAX][24];
};

static int push(struct units_ctx *c, struct c2c_err *err)
{
	if (*c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 64;
		struct mrv_unit_value *nv = realloc(*c->v, nc * sizeof(*nv));
		if (!nv)
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		*c->v = nv;
		c->cap = nc;
	}
	return 0;
}

static int units_header(struct units_ctx *c, const struct csv_row *row, struct c2c_err *err)
{
	char where[160];
	int rc;
	if (row->nfields < 2 || strcmp(row->field[0], "meter_id"))
		return c2c_err_set(err, C2C_EINPUT, "%s: row 1: the header must be meter_id followed by the per-unit "
				   "parameters' symbols, like meter_id,COP_PJ,COP_RE", c->name);
	for (size_t i = 1; i < row->nfields; i++) {
		const struct mrv_param *p;
		snprintf(where, sizeof(where), "%s: row 1, column %zu", c->name, i + 1);
		if ((rc = per_unit_param(c->m, row->field[i], where, C2C_EINPUT, &p, err)))
			return rc;
		for (size_t j = 1; j < i; j++)
			if (!strcmp(c->sym[j], p->symbol))
				return c2c_err_set(err, C2C_EINPUT, "%s: %s is column %zu already", where, p->symbol, j + 1);
		snprintf(c->sym[i], sizeof(c->sym[i]), "%s", p->symbol);
	}
	c->ncols = row->nfields;
	return 0;
}

static int units_row(const struct csv_row *row, void *vctx, struct c2c_err *err)
{
	struct units_ctx *c = vctx;
	int rc;
	if (row->line == 1)
		return units_header(c, row, err);
	if (row->nfields != c->ncols)
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu: %zu columns, expected %zu as in the header", c->name,
				   row->line, row->nfields, c->ncols);
	if (!mrv_meter_id_ok(row->field[0], row->len[0]))
		return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column 1 (meter_id): '%s' is not a meter id", c->name,
				   row->line, row->field[0]);
	for (size_t i = 1; i < row->nfields; i++) {
		struct mrv_unit_value *u;
		if (!row->len[i])
			continue; /* no value of its own: the project-wide one applies */
		if (row->len[i] >= sizeof(u->value) || !value_ok(row->field[i], 0))
			return c2c_err_set(err, C2C_EINPUT, "%s: row %zu, column %zu (%s): '%.40s' is not a positive "
					   "decimal with at most 6 decimals", c->name, row->line, i + 1, c->sym[i],
					   row->field[i]);
		if ((rc = push(c, err)))
			return rc;
		u = &(*c->v)[(*c->n)++];
		memset(u, 0, sizeof(*u));
		memcpy(u->meter_id, row->field[0], row->len[0]);
		snprintf(u->symbol, sizeof(u->symbol), "%s", c->sym[i]);
		memcpy(u->value, row->field[i], row->len[i]);
		u->file = c->name;
		u->row = row->line;
	}
	return 0;
}

int mrv_units_load(const char *path, const struct mrv_methodology *m, struct mrv_unit_value **v, size_t *n,
		   struct c2c_err *err)
{
	struct units_ctx *c = calloc(1, sizeof(*c));
	FILE *fp;
	int rc;
	if (!c)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	c->m = m;
	c->name = path;
	c->v = v;
	c->n = n;
	c->cap = *n; /* the caller's array is exactly full: the first push grows it */
	if (!(fp = fopen(path, "rb"))) {
		free(c);
		return c2c_err_set(err, C2C_EIO, "%s: cannot open: %s", path, strerror(errno));
	}
	rc = csv_read_stream(fp, path, units_row, c, err);
	fclose(fp);
	if (!rc && !c->ncols)
		rc = c2c_err_set(err, C2C_EINPUT, "%s: the file is empty (the header meter_id,SYMBOL... is required)",
				 path);
	free(c);
	return rc;
}
