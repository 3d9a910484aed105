/*
 * compute.c - ER_p = RE_p - PE_p for one methodology and one monitoring
 * period: the parameters resolved (--param, else the methodology's default,
 * else refused), the monitored parameter summed from the data, and the
 * methodology's formulas evaluated once per unit (formula.c), exactly.
 *
 * Why fixed point: credits are whole tonnes rounded down, so a result of
 * 99.9999999 t must give 99 and 100 t must give 100 on every machine.
 * Inputs are millionths (int64); each formula is exact in 128 bits, its
 * sum over units rounded to 1e-12 t once per divisor, then to millionths in
 * the conservative direction: RE down, PE up, ER down.
 */
#include "mrv.h"
#include "formula.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define E6 ((__int128)1000000)

static __int128 floor_div(__int128 a, __int128 b)
{
	__int128 q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static __int128 ceil_div(__int128 a, __int128 b)
{
	return -floor_div(-a, b);
}

/* The methodology's formulas for each of the n units (meters), in file
 * order, each unit with its monitored quantity q[k] in slot 0 and its own
 * parameter values; then every formula summed over the units
 * (mrv_calc_sum: exact among units of one divisor, each divisor's sum
 * rounded once at 1e-12 t: down, PE up).  sums (may be NULL) gets each
 * formula's sum in 1e-12. */
static int equation(const struct mrv_methodology *m, size_t n, const int64_t *q,
		    const int64_t (*pv)[MRV_MAX_PARAMS], struct mrv_result *r, __int128 *sums, struct c2c_err *err)
{
	struct mrv_value one[MRV_MAX_CALCS], *vals, cv[MRV_MAX_CALCS];
	__int128 sum[MRV_MAX_CALCS] = {0}, re, pe;
	size_t nc = m->ncalcs;
	int64_t qsum = 0, row[MRV_MAX_PARAMS];
	int rc = 0;

	vals = n > 1 ? calloc(n * nc, sizeof(*vals)) : one;
	if (!vals)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	for (size_t k = 0; k < n && !rc; k++) {
		for (size_t i = 0; i < m->nparams; i++)
			if (!m->params[i].monitored && pv[k][i] <= 0) {
				rc = c2c_err_set(err, C2C_EINPUT, "%s must be greater than zero", m->params[i].symbol);
				break;
			}
		if (rc)
			break;
		if (__builtin_add_overflow(qsum, q[k], &qsum)) {
			rc = c2c_err_set(err, C2C_EINPUT, "the monitored total passes 9.2e12 units");
			break;
		}
		memcpy(row, pv[k], sizeof(row));
		row[0] = q[k];
		for (size_t c = 0; c < nc && !rc; c++)
			if (!(rc = mrv_expr_eval(m->calcs[c].expr, row, cv, &cv[c], err)))
				vals[c * n + k] = cv[c];
	}
	for (size_t c = 0; c < nc && !rc && n; c++)
		rc = mrv_calc_sum(&vals[c * n], n, c == m->pe_calc, &sum[c], err);
	if (vals != one)
		free(vals);
	if (rc)
		return rc;
	re = sum[m->re_calc];
	pe = sum[m->pe_calc];
	if (sums)
		memcpy(sums, sum, sizeof(sum));
	r->monitored_micro = qsum;
	r->re_micro = (int64_t)floor_div(re, E6);
	r->pe_micro = (int64_t)ceil_div(pe, E6);
	r->er_micro = (int64_t)floor_div(re - pe, E6);
	r->er_tco2e = (int64_t)floor_div(re - pe, E6 * E6);
	return 0;
}

int mrv_equation_units(const struct mrv_methodology *m, size_t n, const int64_t *q,
		       const int64_t (*pv)[MRV_MAX_PARAMS], struct mrv_result *r, struct c2c_err *err)
{
	return equation(m, n, q, pv, r, NULL, err);
}

/* Each formula's sum as the Monitoring Report Sheet lists the steps, in
 * millionths (PE rounded up, the others down). */
static json_t *calcs_json(const struct mrv_methodology *m, const __int128 *sum)
{
	json_t *a = json_array();
	for (size_t c = 0; c < m->ncalcs; c++) {
		char fmt[48];
		__int128 v = c == m->pe_calc ? ceil_div(sum[c], E6) : floor_div(sum[c], E6);
		mrv_format_micro((int64_t)v, fmt, sizeof(fmt));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "symbol", m->calcs[c].symbol, "formula",
						   m->calcs[c].text, "unit", m->calcs[c].unit, "value", fmt));
	}
	return a;
}

int mrv_equation(const struct mrv_methodology *m, int64_t q, const int64_t *pv, struct mrv_result *r,
		 struct c2c_err *err)
{
	int64_t row[1][MRV_MAX_PARAMS];
	memcpy(row[0], pv, sizeof(row[0]));
	return mrv_equation_units(m, 1, &q, (const int64_t(*)[MRV_MAX_PARAMS])row, r, err);
}

static int unit_divisor(const struct mrv_param *p, const char *unit, int64_t *div, struct c2c_err *err)
{
	*div = 1;
	if (!unit || !strcmp(unit, p->unit))
		return 0;
	if (!strcmp(p->unit, "MWh") && !strcmp(unit, "kWh")) {
		*div = 1000;
		return 0;
	}
	if (!strcmp(p->unit, "kL") && !strcmp(unit, "L")) {
		*div = 1000;
		return 0;
	}
	c2c_err_at(err, C2C_EUSAGE, "unit", "%s: %s is in %s; the data may be in %s%s", unit, p->symbol, p->unit,
		    p->unit, !strcmp(p->unit, "MWh") ? " or kWh" : !strcmp(p->unit, "kL") ? " or L" : "");
	return C2C_EUSAGE;
}

static void warn(struct mrv_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct mrv_result *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(r->warnings, json_string(buf));
}

/* Pairs the data's meters (sorted by id) with the per-unit values (sorted
 * the same way) in one merge pass, so each meter's values are resolved once,
 * after the ingest, never per row: a meter's row is the project-wide values
 * with its own on top.  A meter that needs a value nobody gave is an error
 * naming it; values of a meter without readings in the period are warned
 * about (a verifier wants to see them; they cannot raise ER). */
static int unit_rows(const struct mrv_methodology *m, const struct mrv_unit_value *uv, size_t nu,
		     const int64_t *pv, const int *have, struct mrv_result *r, int64_t **qout,
		     int64_t (**rowsout)[MRV_MAX_PARAMS], struct c2c_err *err)
{
	size_t n = r->data.nmeters, j = 0, nmissing = 0, miss_param = 0;
	struct mrv_meter_params *mp = calloc(n ? n : 1, sizeof(*mp));
	int64_t *q = calloc(n ? n : 1, sizeof(*q));
	int64_t (*rows)[MRV_MAX_PARAMS] = calloc(n ? n : 1, sizeof(*rows));
	char missing[160] = "";

	if (!mp || !q || !rows) {
		free(mp);
		free(q);
		free(rows);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	for (size_t k = 0; k <= n; k++) {
		const char *id = k < n ? r->data.meter[k].id : NULL;
		while (j < nu && (!id || strcmp(uv[j].meter_id, id) < 0)) {
			size_t j0 = j;
			char syms[200] = "";
			for (; j < nu && !strcmp(uv[j].meter_id, uv[j0].meter_id); j++) {
				const struct mrv_param *p = mrv_param_find(m, uv[j].symbol, NULL);
				if (p && p->monitored) {
					/* a quantity of a unit the formulas do not run over
					 * would be dropped: fuel left out of PE raises ER */
					free(mp);
					free(q);
					free(rows);
					c2c_err_at(err, C2C_EUSAGE, "values", "%s@%s: unit %s has no %s in the period, so its "
						   "monitored %s would not be counted", uv[j].symbol, uv[j].meter_id,
						   uv[j].meter_id, m->params[0].symbol, uv[j].symbol);
					c2c_err_hint(err, "name the unit by the meter of its %s, or give %s@%s=0",
						     m->params[0].symbol, m->params[0].symbol, uv[j].meter_id);
					return C2C_EUSAGE;
				}
				snprintf(syms + strlen(syms), sizeof(syms) - strlen(syms), "%s%s", j > j0 ? ", " : "",
					 uv[j].symbol);
			}
			warn(r, "meter %s has no reading inside the period: its per-unit value%s (%s) %s not used "
			     "(a unit without readings adds nothing to RE or PE)", uv[j0].meter_id, j - j0 == 1 ? "" : "s",
			     syms, j - j0 == 1 ? "is" : "are");
		}
		if (!id)
			break;
		memcpy(mp[k].micro, pv, sizeof(mp[k].micro));
		for (; j < nu && !strcmp(uv[j].meter_id, id); j++) {
			size_t i = 0;
			mrv_param_find(m, uv[j].symbol, &i); /* checked by mrv_units_check */
			mrv_parse_micro(uv[j].value, strlen(uv[j].value), 1, &mp[k].micro[i]);
			mp[k].from_unit[i] = 1;
		}
		for (size_t i = 0; i < m->nparams; i++)
			if (m->params[i].per_unit && !have[i] && !mp[k].from_unit[i]) {
				if (nmissing++ < 4)
					snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%s",
						 nmissing > 1 ? ", " : "", id);
				else if (nmissing == 5)
					snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), ", ...");
				if (nmissing == 1)
					miss_param = i;
				break;
			}
		memcpy(rows[k], mp[k].micro, sizeof(rows[k]));
		q[k] = r->data.meter[k].sum_micro;
	}
	if (nmissing) {
		const struct mrv_param *p = &m->params[miss_param];
		int len = (int)strcspn(missing, ",");
		free(mp);
		free(q);
		free(rows);
		c2c_err_set(err, C2C_EUSAGE, "meter %.*s has no %s value and there is no project-wide %s", len, missing,
			    p->symbol, p->symbol);
		if (nmissing > 1)
			c2c_err_detail(err, "%zu meters of the data lack a per-unit value: %s", nmissing, missing);
		c2c_err_hint(err, "give it per unit (--param %s@%.*s=VALUE, or a --units file), or once for every unit "
			     "(--param %s=VALUE)", p->symbol, len, missing, p->symbol);
		return C2C_EUSAGE;
	}
	r->meter_params = mp;
	*qout = q;
	*rowsout = rows;
	return 0;
}

/* The monitored values given for the period (values.c), sorted out: a
 * project-wide value goes to gv[i] (have[i]), one unit's value to the
 * per-unit values (uv, which holds req->units first), and, without a data
 * file, the first monitored parameter's value of each unit to m0 (the
 * units the formulas then run over, as the meters of a file would be). */
static int given_values(const struct mrv_methodology *m, const struct mrv_compute_req *req, struct mrv_unit_value *uv,
			size_t *nu, int64_t *gv, int *ghave, struct mrv_meter_result **m0, size_t *nm0, struct c2c_err *err)
{
	for (size_t k = 0; k < req->ngiven; k++) {
		const struct mrv_given_value *g = &req->given[k];
		int64_t micro;
		size_t i;
		int rc;
		if ((rc = mrv_given_micro(m, g, &i, &micro, err)))
			return rc;
		if (i == 0 && req->data)
			return c2c_err_at(err, C2C_EUSAGE, "values", "%s: %s comes from the data file, not from a value "
					  "given for the period", g->symbol, m->params[0].symbol);
		for (size_t j = 0; j < k; j++)
			if (!strcasecmp(req->given[j].symbol, g->symbol) && !strcmp(req->given[j].meter_id, g->meter_id))
				return c2c_err_at(err, C2C_EUSAGE, "values", "%s%s%s is given twice", m->params[i].symbol,
						  g->meter_id[0] ? "@" : "", g->meter_id);
		if (!g->meter_id[0]) {
			for (size_t j = 0; j < req->nparams; j++)
				if (!strcasecmp(req->params[j].symbol, g->symbol))
					return c2c_err_at(err, C2C_EUSAGE, "values", "%s is given twice (--param and "
							  "--value)", m->params[i].symbol);
			gv[i] = micro;
			ghave[i] = 1;
		} else if (i == 0) {
			struct mrv_meter_result *nm = realloc(*m0, (*nm0 + 1) * sizeof(*nm));
			if (!nm)
				return c2c_err_set(err, C2C_ENOMEM, "out of memory");
			*m0 = nm;
			memset(&nm[*nm0], 0, sizeof(nm[*nm0]));
			snprintf(nm[*nm0].id, sizeof(nm[*nm0].id), "%s", g->meter_id);
			nm[*nm0].sum_micro = nm[*nm0].raw_micro = micro;
			(*nm0)++;
		} else {
			struct mrv_unit_value *u = &uv[(*nu)++];
			memset(u, 0, sizeof(*u));
			snprintf(u->meter_id, sizeof(u->meter_id), "%s", g->meter_id);
			snprintf(u->symbol, sizeof(u->symbol), "%s", m->params[i].symbol);
			mrv_format_micro(micro, u->value, sizeof(u->value));
			u->file = "--value"; /* row 0: named so in messages (units.c) */
		}
	}
	return 0;
}

static int cmp_meter(const void *a, const void *b)
{
	return strcmp(((const struct mrv_meter_result *)a)->id, ((const struct mrv_meter_result *)b)->id);
}

/* Without a data file, the units whose first monitored value was given
 * stand for the file's meters: sorted by id as the ingest sorts them. */
static int given_meters(const struct mrv_methodology *m, struct mrv_meter_result *m0, size_t n, struct mrv_result *r,
			struct c2c_err *err)
{
	qsort(m0, n, sizeof(*m0), cmp_meter);
	for (size_t k = 0; k < n; k++) {
		if (k && !strcmp(m0[k - 1].id, m0[k].id))
			return c2c_err_at(err, C2C_EUSAGE, "values", "%s@%s is given twice", m->params[0].symbol, m0[k].id);
		if (__builtin_add_overflow(r->data.total_micro, m0[k].sum_micro, &r->data.total_micro))
			return c2c_err_set(err, C2C_EINPUT, "the monitored total passes 9.2e12 units");
	}
	r->data.meter = m0;
	r->data.nmeters = n;
	return 0;
}

int mrv_compute(const struct mrv_compute_req *req, struct mrv_result *r, struct c2c_err *err)
{
	const struct mrv_methodology *m = req->m;
	const struct mrv_param *mon = mrv_monitored_param(m);
	int64_t pv[MRV_MAX_PARAMS] = {0}, from, to, q = 0, div = 1, *uq = NULL, (*urows)[MRV_MAX_PARAMS] = NULL;
	int64_t gv[MRV_MAX_PARAMS] = {0};
	int have[MRV_MAX_PARAMS] = {0}, ghave[MRV_MAX_PARAMS] = {0};
	struct mrv_meter_result *m0 = NULL;
	size_t nm0 = 0;
	size_t nunit_of[MRV_MAX_PARAMS] = {0};
	struct mrv_meter_info *meters = NULL;
	struct mrv_unit_value *uv = NULL;
	size_t nmeters = 0, nu = req->nunits;
	int rc;

	memset(r, 0, sizeof(*r));
	r->warnings = json_array();
	r->params = json_array();
	if (!req->from || mrv_parse_date(req->from, &from))
		return c2c_err_at(err, C2C_EUSAGE, "period_start", "'%s' is not a date YYYY-MM-DD", req->from ? req->from : "");
	if (!req->to || mrv_parse_date(req->to, &to))
		return c2c_err_at(err, C2C_EUSAGE, "period_end", "'%s' is not a date YYYY-MM-DD", req->to ? req->to : "");
	if (to < from)
		return c2c_err_at(err, C2C_EUSAGE, "period_end", "%s is before the period start %s", req->to, req->from);
	to += 86400; /* the period runs to the end of its last day */

	/* every --param must name a parameter of the methodology */
	for (size_t k = 0; k < req->nparams; k++) {
		size_t i;
		for (i = 0; i < m->nparams; i++)
			if (!strcasecmp(req->params[k].symbol, m->params[i].symbol))
				break;
		if (i == m->nparams) {
			char list[256] = "";
			for (size_t j = 0; j < m->nparams; j++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", j ? ", " : "",
					 m->params[j].symbol);
			return c2c_err_at(err, C2C_EUSAGE, "params", "%s: %s has no such parameter (it has %s)",
					   req->params[k].symbol, m->id, list);
		}
		if (i == 0 && req->data) /* the monitored parameter --data gives */
			return c2c_err_at(err, C2C_EUSAGE, "params", "%s: %s comes from --data, not from --param",
					   req->params[k].symbol, m->params[i].symbol);
	}
	if (nu + req->ngiven) {
		if (!(uv = malloc((nu + req->ngiven) * sizeof(*uv))))
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		if (nu)
			memcpy(uv, req->units, nu * sizeof(*uv));
	}
	if (req->ngiven && (rc = given_values(m, req, uv, &nu, gv, ghave, &m0, &nm0, err)))
		goto out;
	if (nu) {
		if (!req->data && !nm0) {
			rc = c2c_err_set(err, C2C_EUSAGE, "per-unit values (--param SYMBOL@METER=VALUE, --units) "
					 "belong to the meters of --data: give --data");
			goto out;
		}
		if ((rc = mrv_units_check(m, uv, nu, err)))
			goto out;
		for (size_t k = 0; k < nu; k++) {
			size_t i = 0;
			mrv_param_find(m, uv[k].symbol, &i);
			nunit_of[i]++;
		}
	}
	for (size_t i = 0; i < m->nparams; i++) {
		const struct mrv_param *p = &m->params[i];
		const char *val = NULL, *origin = "param";
		char fmt[40], gfmt[40];
		json_t *pj;
		for (size_t k = 0; k < req->nparams; k++)
			if (!strcasecmp(req->params[k].symbol, p->symbol))
				val = req->params[k].value;
		if (i == 0 && (req->data || nm0))
			continue;
		if (!val && ghave[i]) {
			mrv_format_micro(gv[i], gfmt, sizeof(gfmt));
			val = gfmt;
			origin = "value";
		}
		if (!val && p->default_value) {
			val = p->default_value;
			origin = "default";
		}
		if (!val && nunit_of[i]) {
			/* per unit only: each meter's value is resolved after the ingest */
			json_array_append_new(r->params, json_pack("{s:s, s:s, s:s, s:I}", "symbol", p->symbol, "unit",
								   p->unit, "origin", "unit", "units",
								   (json_int_t)nunit_of[i]));
			continue;
		}
		if (!val) {
			if (i == 0)
				rc = c2c_err_set(err, C2C_EUSAGE, "%s (%s, %s) is monitored: give --data FILE.csv or "
						 "--param %s=VALUE", p->symbol, p->description, p->unit, p->symbol);
			else if (p->monitored)
				rc = c2c_err_at(err, C2C_EUSAGE, "values", "%s (%s, %s) is monitored and has no value for "
						"the period: give --value %s=VALUE %s, or per meter --value "
						"%s@METER=VALUE %s", p->symbol, p->description, p->unit, p->symbol,
						p->unit, p->symbol, p->unit);
			else {
				c2c_err_at(err, C2C_EUSAGE, "params", "parameter %s is required: %s, in %s (%s)", p->symbol,
					    p->description, p->unit, p->options);
				if (p->per_unit)
					c2c_err_detail(err, "or one value per unit: --param %s@METER=VALUE, or a "
						       "--units file", p->symbol);
				c2c_err_hint(err, "source: %s", p->source);
				rc = C2C_EUSAGE;
			}
			goto out;
		}
		if (mrv_parse_micro(val, strlen(val), 1, &pv[i]) || pv[i] < 0) {
			rc = c2c_err_at(err, C2C_EUSAGE, "params", "%s=%s: not a non-negative decimal with at most "
					 "6 decimals", p->symbol, val);
			goto out;
		}
		have[i] = 1;
		if (i == 0)
			q = pv[i];
		mrv_format_micro(pv[i], fmt, sizeof(fmt));
		pj = json_pack("{s:s, s:s, s:s, s:s}", "symbol", p->symbol, "value", fmt, "unit", p->unit, "origin",
			       origin);
		if (nunit_of[i])
			json_object_set_new(pj, "units", json_integer((json_int_t)nunit_of[i]));
		json_array_append_new(r->params, pj);
	}
	if (req->data) {
		struct mrv_ingest_opts o = {
			.path = req->data, .from = from, .to = to, .cumulative = req->cumulative,
			.max_errors = req->max_errors ? req->max_errors : 1, .want_sha256 = req->want_sha256,
			.progress = req->progress, .progress_ctx = req->progress_ctx,
		};
		if ((rc = unit_divisor(mon, req->unit, &div, err)))
			goto out;
		o.unit_divisor = div;
		if (req->meters_path && (rc = mrv_meters_load(req->meters_path, &meters, &nmeters, err)))
			goto out;
		o.meters = meters;
		o.nmeters = nmeters;
		rc = mrv_ingest(&o, &r->data, err);
		free(meters);
		if (rc) {
			if (req->errors && r->data.errors)
				*req->errors = json_incref(r->data.errors);
			goto out;
		}
		q = r->data.total_micro;
		{
			char fmt[40];
			mrv_format_micro(q, fmt, sizeof(fmt));
			json_array_append_new(r->params, json_pack("{s:s, s:s, s:s, s:s}", "symbol", mon->symbol,
								   "value", fmt, "unit", mon->unit, "origin", "data"));
		}
		if (r->data.rows_skipped)
			warn(r, "%lld row%s outside the period %s to %s skipped", (long long)r->data.rows_skipped,
			     r->data.rows_skipped == 1 ? "" : "s", req->from, req->to);
		if (!r->data.rows_in_period)
			warn(r, "no reading falls inside the period: %s is zero", mon->symbol);
		for (size_t i = 0; i < r->data.nmeters; i++) {
			const struct mrv_meter_result *mr = &r->data.meter[i];
			if (mr->gap_count)
				warn(r, "meter %s: %lld gap%s, %lld s missing in all; missing readings count as zero "
				     "(a gap never raises ER)", mr->id, (long long)mr->gap_count,
				     mr->gap_count == 1 ? "" : "s", (long long)mr->gap_seconds);
			if (mr->corrected)
				warn(r, "meter %s: calibration correction: %s", mr->id, mr->correction);
			if (mr->replacements)
				warn(r, "meter %s: %lld meter replacement%s; the register's count between the last "
				     "old reading and the replacement is not counted", mr->id,
				     (long long)mr->replacements, mr->replacements == 1 ? "" : "s");
		}
	} else if (req->unit || req->cumulative || req->meters_path) {
		rc = c2c_err_set(err, C2C_EUSAGE, "--unit, --cumulative and --meters describe --data; give --data");
		goto out;
	} else if (nm0) {
		int total0 = ghave[0];
		for (size_t k = 0; k < req->nparams; k++)
			total0 |= !strcasecmp(req->params[k].symbol, mon->symbol);
		if (total0) {
			rc = c2c_err_at(err, C2C_EUSAGE, "values", "%s is given for the project and per unit: give one "
					"or the other", mon->symbol);
			goto out;
		}
		if ((rc = given_meters(m, m0, nm0, r, err)))
			goto out;
		m0 = NULL; /* r->data owns them now */
		q = r->data.total_micro;
		{
			char fmt[40];
			mrv_format_micro(q, fmt, sizeof(fmt));
			json_array_append_new(r->params, json_pack("{s:s, s:s, s:s, s:s, s:I}", "symbol", mon->symbol,
								   "value", fmt, "unit", mon->unit, "origin", "value",
								   "units", (json_int_t)nm0));
		}
	}
	if (req->data || r->data.nmeters) {
		/* a monitored total given once for the project would be counted once
		 * per meter: with several meters it must be given per meter (0 for
		 * the project is the one safe project-wide value) */
		for (size_t i = 1; i < m->nparams && r->data.nmeters > 1; i++)
			if (m->params[i].monitored && have[i] && pv[i] != 0) {
				rc = c2c_err_at(err, C2C_EUSAGE, "params", "%s is monitored and the data has %zu meters: a "
						"project-wide %s would be counted once per meter", m->params[i].symbol,
						r->data.nmeters, m->params[i].symbol);
				c2c_err_hint(err, "give it per meter, --value %s@METER=VALUE (and --value %s=0 for the "
					     "meters without it)", m->params[i].symbol, m->params[i].symbol);
				goto out;
			}
		if (nu && (rc = unit_rows(m, uv, nu, pv, have, r, &uq, &urows, err)))
			goto out;
	}
	{
		__int128 sums[MRV_MAX_CALCS];
		if (urows)
			rc = equation(m, r->data.nmeters, uq, (const int64_t(*)[MRV_MAX_PARAMS])urows, r, sums, err);
		else {
			int64_t row[1][MRV_MAX_PARAMS];
			memcpy(row[0], pv, sizeof(row[0]));
			rc = equation(m, 1, &q, (const int64_t(*)[MRV_MAX_PARAMS])row, r, sums, err);
		}
		if (!rc)
			r->calcs = calcs_json(m, sums);
	}
	if (!rc && r->er_micro < 0)
		warn(r, "ER is negative: project emissions exceed reference emissions");
out:
	free(m0);
	free(uv);
	free(uq);
	free(urows);
	return rc;
}

void mrv_result_free(struct mrv_result *r)
{
	mrv_ingest_result_free(&r->data);
	free(r->meter_params);
	r->meter_params = NULL;
	json_decref(r->warnings);
	json_decref(r->params);
	json_decref(r->calcs);
	r->warnings = r->params = r->calcs = NULL;
}

static json_t *micro_real(int64_t v)
{
	return json_real((double)v / (double)MRV_SCALE);
}

/* The per-unit parameters one meter was computed with: its own value
 * ("unit") or the project-wide one, with that one's origin. */
static json_t *meter_params_json(const struct mrv_methodology *m, const struct mrv_result *r,
				 const struct mrv_meter_params *mp)
{
	json_t *a = json_array();
	for (size_t i = 0; i < m->nparams; i++) {
		const char *origin = "unit";
		char fmt[40];
		size_t k;
		json_t *e;
		if (!m->params[i].per_unit)
			continue;
		if (!mp->from_unit[i])
			json_array_foreach(r->params, k, e)
				if (!strcmp(json_string_value(json_object_get(e, "symbol")), m->params[i].symbol))
					origin = json_string_value(json_object_get(e, "origin"));
		mrv_format_micro(mp->micro[i], fmt, sizeof(fmt));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "symbol", m->params[i].symbol, "value", fmt,
						   "origin", origin));
	}
	return a;
}

json_t *mrv_result_json(const struct mrv_compute_req *req, const struct mrv_result *r)
{
	json_t *o = json_object();
	char ts[32];
	json_object_set_new(o, "methodology", json_string(req->m->id));
	json_object_set_new(o, "family", json_string(req->m->family_name));
	json_object_set_new(o, "from", json_string(req->from));
	json_object_set_new(o, "to", json_string(req->to));
	json_object_set_new(o, "re_tco2e", micro_real(r->re_micro));
	json_object_set_new(o, "pe_tco2e", micro_real(r->pe_micro));
	json_object_set_new(o, "er_tco2e", json_integer(r->er_tco2e));
	json_object_set_new(o, "er_exact_tco2e", micro_real(r->er_micro));
	json_object_set_new(o, "re_equation", json_string(req->m->re_equation));
	json_object_set_new(o, "pe_equation", json_string(req->m->pe_equation));
	json_object_set_new(o, "parameters", json_incref(r->params));
	if (r->calcs)
		json_object_set_new(o, "calculation", json_incref(r->calcs));
	if (req->data) {
		json_t *d;
		d = json_pack("{s:s, s:I, s:I, s:I, s:I, s:i}", "file", req->data, "bytes", (json_int_t)r->data.bytes,
			      "rows", (json_int_t)r->data.rows, "rows_in_period", (json_int_t)r->data.rows_in_period,
			      "rows_skipped", (json_int_t)r->data.rows_skipped, "meters", (int)r->data.nmeters);
		json_object_set_new(d, "unit", json_string(req->unit ? req->unit : mrv_monitored_param(req->m)->unit));
		json_object_set_new(d, "cumulative", json_boolean(req->cumulative));
		if (r->data.sha256[0])
			json_object_set_new(d, "sha256", json_string(r->data.sha256));
		json_object_set_new(o, "data", d);
	}
	if (req->data || r->data.nmeters) {
		json_t *ms = json_array();
		for (size_t i = 0; i < r->data.nmeters; i++) {
			const struct mrv_meter_result *mr = &r->data.meter[i];
			json_t *mo = json_object(), *gaps = json_array();
			json_object_set_new(mo, "meter_id", json_string(mr->id));
			json_object_set_new(mo, "rows", json_integer(mr->rows));
			json_object_set_new(mo, "sum", micro_real(mr->sum_micro));
			if (mr->corrected)
				json_object_set_new(mo, "sum_uncorrected", micro_real(mr->raw_micro));
			mrv_format_timestamp(mr->first, ts, sizeof(ts));
			json_object_set_new(mo, "first", mr->rows ? json_string(ts) : json_null());
			mrv_format_timestamp(mr->last, ts, sizeof(ts));
			json_object_set_new(mo, "last", mr->rows ? json_string(ts) : json_null());
			json_object_set_new(mo, "interval_s", json_integer(mr->interval));
			for (size_t g = 0; g < mr->ngaps; g++) {
				mrv_format_timestamp(mr->gaps[g].start, ts, sizeof(ts));
				json_array_append_new(gaps, json_pack("{s:s, s:I}", "start", ts, "length_s",
								      (json_int_t)mr->gaps[g].length));
			}
			json_object_set_new(mo, "gaps", gaps);
			json_object_set_new(mo, "gap_count", json_integer(mr->gap_count));
			json_object_set_new(mo, "missing_s", json_integer(mr->gap_seconds));
			if (req->cumulative)
				json_object_set_new(mo, "replacements", json_integer(mr->replacements));
			if (mr->corrected)
				json_object_set_new(mo, "correction", json_string(mr->correction));
			if (r->meter_params)
				json_object_set_new(mo, "parameters", meter_params_json(req->m, r, &r->meter_params[i]));
			json_array_append_new(ms, mo);
		}
		json_object_set_new(o, "meters", ms);
	}
	json_object_set_new(o, "warnings", json_incref(r->warnings));
	return o;
}
