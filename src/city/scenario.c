/*
 * scenario.c - zero-carbon scenarios as a snapshot model in the manner of
 * AIM/ExSS and LEAP, and the attribution of the reduction to each
 * countermeasure.
 *
 * The model: for each sector, service demand = driver x intensity; each
 * technology meets a share of it with an efficiency (service per unit of
 * fuel); fuel x emission factor gives emissions.  Electricity's factor is
 * derived from the power mix (sum of share x factor of each source, over
 * 1 - grid losses).  Base year: base-year drivers and parameters.  BaU:
 * target-year drivers, base-year technology.  Countermeasure case: target
 * drivers with every measure's parameter changes applied.
 *
 * Why Shapley by default: measures interact (cleaner power makes saved
 * electricity worth less), so "the reduction of measure A" depends on what
 * was done before it.  The Shapley value averages A's effect over every
 * order of the measures; it needs the model for every subset of measures
 * (2^n evaluations, n <= 16), and its parts add up exactly to the total.
 * The sequential rule (one by one, in the listed order) is offered too; its
 * parts also add up, but depend on the order, which is then stated.
 *
 * No I/O in the model (scn_eval, scn_apply, scn_run), so the benchmark and
 * the tests drive it directly.
 */
#include "city.h"
#include "core/json.h"
#include "core/lang.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model -------------------------------------------------------------------- */

double scn_grid_ef(const struct scn_params *p, int nsources)
{
	double ef = 0;
	for (int g = 0; g < nsources; g++)
		ef += p->mix[g] * p->gen_ef[g];
	return ef / (1.0 - p->loss);
}

double scn_eval(const struct scn_model *m, const struct scn_params *p, const double *drivers,
		double *sector_t)
{
	double grid_per_gj = scn_grid_ef(p, m->nsources) / 3.6; /* 1 MWh = 3.6 GJ */
	double total = 0;

	for (int s = 0; s < m->nsectors; s++) {
		double service = drivers[m->sector_driver[s]] * p->intensity[s], e = 0;
		for (int t = 0; t < m->ntech[s]; t++) {
			int f = m->tech_fuel[s][t];
			if (p->share[s][t] > 0)
				e += service * p->share[s][t] / p->eff[s][t] *
				     (m->fuel_grid[f] ? grid_per_gj : p->fuel_ef[f]);
		}
		e -= p->cut[s];
		for (int f = 0; f < m->nfuels; f++)
			if (p->displace[s][f] > 0)
				e -= p->displace[s][f] * (m->fuel_grid[f] ? grid_per_gj * 3.6 : p->fuel_ef[f]);
		if (e < 0)
			e = 0; /* a fixed cut cannot make a sector a sink */
		if (sector_t)
			sector_t[s] = e;
		total += e;
	}
	return total;
}

static void move_share(double *from, double *to, double points)
{
	double x = points < *from ? points : *from; /* an earlier measure may have moved some */
	*from -= x;
	*to += x;
}

void scn_apply(const struct scn_model *m, unsigned mask, struct scn_params *p)
{
	unsigned char eff_set[SCN_MAX_SECTORS][SCN_MAX_TECHS] = {{0}};

	*p = m->base;
	for (int i = 0; i < m->nmeasures; i++) {
		if (!(mask & (1u << i)))
			continue;
		for (int k = 0; k < m->m[i].nch; k++) {
			const struct scn_change *c = &m->m[i].ch[k];
			switch (c->type) {
			case CH_EFFICIENCY: /* the better of two, whatever their order */
				if (!eff_set[c->sector][c->tech] || c->value > p->eff[c->sector][c->tech])
					p->eff[c->sector][c->tech] = c->value;
				eff_set[c->sector][c->tech] = 1;
				break;
			case CH_SHARE:
				move_share(&p->share[c->sector][c->tech], &p->share[c->sector][c->to], c->value);
				break;
			case CH_INTENSITY:
				p->intensity[c->sector] *= c->value;
				break;
			case CH_POWER_MIX:
				move_share(&p->mix[c->source], &p->mix[c->to], c->value);
				break;
			case CH_FUEL_EF:
				p->fuel_ef[c->fuel] = c->value;
				break;
			case CH_CUT:
				p->cut[c->sector] += c->value;
				break;
			case CH_DISPLACE:
				p->displace[c->sector][c->fuel] += c->value;
				break;
			}
		}
	}
}

void scn_run(const struct scn_model *m, enum scn_attribution how, struct scn_result *r)
{
	struct scn_params p;
	int n = m->nmeasures;
	unsigned all = n ? (1u << n) - 1 : 0;
	double *v = malloc(sizeof(double) << n);

	memset(r, 0, sizeof(*r));
	r->base_total = scn_eval(m, &m->base, m->drv_base, r->base_t);
	r->bau_total = scn_eval(m, &m->base, m->drv_target, r->bau_t);
	r->grid_base = scn_grid_ef(&m->base, m->nsources);
	scn_apply(m, all, &p);
	r->cm_total = scn_eval(m, &p, m->drv_target, r->cm_t);
	r->grid_cm = scn_grid_ef(&p, m->nsources);
	if (!n || !v) {
		free(v);
		return;
	}
	if (how == ATTR_SEQUENTIAL) {
		double prev = r->bau_total;
		for (int i = 0; i < n; i++) {
			unsigned mask = (1u << (i + 1)) - 1;
			double cur;
			scn_apply(m, mask, &p);
			cur = scn_eval(m, &p, m->drv_target, NULL);
			r->part_t[i] = prev - cur;
			prev = cur;
		}
		free(v);
		return;
	}
	/* Shapley: v[S] for every subset S, then each measure's marginal
	 * reduction v[S] - v[S+i] weighted by |S|! (n-|S|-1)! / n!. */
	for (unsigned mask = 0; mask <= all; mask++) {
		scn_apply(m, mask, &p);
		v[mask] = scn_eval(m, &p, m->drv_target, NULL);
	}
	{
		double w[SCN_MAX_MEASURES];
		double c = 1; /* C(n-1, k) */
		for (int k = 0; k < n; k++) {
			w[k] = 1.0 / (n * c);
			c = c * (n - 1 - k) / (k + 1);
		}
		for (int i = 0; i < n; i++) {
			unsigned bit = 1u << i;
			double phi = 0;
			for (unsigned mask = 0; mask <= all; mask++)
				if (!(mask & bit))
					phi += w[__builtin_popcount(mask)] * (v[mask] - v[mask | bit]);
			r->part_t[i] = phi;
		}
	}
	free(v);
}

void city_split_kg(const double *parts_t, size_t n, long long total_kg, long long *out_kg)
{
	size_t order[SCN_MAX_MEASURES];
	double frac[SCN_MAX_MEASURES];
	long long sum = 0, rem;

	for (size_t i = 0; i < n; i++) {
		double kg = parts_t[i] * 1000.0;
		out_kg[i] = (long long)floor(kg);
		frac[i] = kg - floor(kg);
		sum += out_kg[i];
		order[i] = i;
	}
	/* largest fraction first; ties to the measure listed first */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && frac[order[j]] > frac[order[j - 1]]; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	rem = total_kg - sum;
	/* what rounding leaves is less than a kg a measure; what floating point
	 * leaves at large figures may be more: spread evenly first, so the loops
	 * below run fewer than n times (they once ran for hours) */
	if (n && (rem >= (long long)n || rem <= -(long long)n)) {
		long long each = rem / (long long)n;
		for (size_t i = 0; i < n; i++)
			out_kg[i] += each;
		rem -= each * (long long)n;
	}
	for (size_t k = 0; n && rem > 0; k = (k + 1) % n, rem--)
		out_kg[order[k]]++;
	for (size_t k = n ? n - 1 : 0; n && rem < 0; k = k ? k - 1 : n - 1, rem++)
		out_kg[order[k]]--;
}

/* ---- parsing ------------------------------------------------------------------------ */

struct pctx {
	const char *name;
	struct c2c_err *err;
};

/* "document: drivers[0].target: missing": the page puts it at the input of
 * that path.  The reason is formatted in both languages (the catalogue's
 * Japanese of fmt), the path as it is. */
__attribute__((format(printf, 3, 4)))
static int scn_bad(struct pctx *c, const char *path, const char *fmt, ...)
{
	char why[200], why_ja[400];
	const char *jf = c2c_msg_ja(fmt);
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	vsnprintf(why, sizeof(why), fmt, ap);
	if (jf)
		vsnprintf(why_ja, sizeof(why_ja), jf, aq);
	va_end(aq);
	va_end(ap);
	c2c_err_set(c->err, C2C_EINPUT, "%s: %s: %s", c->name, path, why);
	if (jf)
		snprintf(c->err->msg_ja, sizeof(c->err->msg_ja), "%s: %s：%s", c->name, path, why_ja);
	return C2C_EINPUT;
}

static int get_num(struct pctx *c, json_t *o, const char *key, const char *at, double lo, double hi,
		   int required, double *out)
{
	json_t *v = json_object_get(o, key);
	char path[160];
	snprintf(path, sizeof(path), "%s%s%s", at, *at ? "." : "", key);
	if (!v) {
		if (required)
			return scn_bad(c, path, "missing");
		return 1;
	}
	if (!json_is_number(v))
		return scn_bad(c, path, "not a number");
	*out = json_number_value(v);
	if (!isfinite(*out) || *out < lo || *out > hi) {
		return scn_bad(c, path, "%g is not from %g to %g", *out, lo, hi);
	}
	return 0;
}

static int get_id(struct pctx *c, json_t *o, const char *key, const char *at, char *out, size_t cap)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	char path[160];
	snprintf(path, sizeof(path), "%s%s%s", at, *at ? "." : "", key);
	if (!json_is_string(v))
		return v ? scn_bad(c, path, "not a string") : scn_bad(c, path, "missing");
	s = json_string_value(v);
	if (!*s || strlen(s) >= cap)
		return scn_bad(c, path, "empty or too long");
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return scn_bad(c, path, "an id is [a-z0-9-_.]");
	snprintf(out, cap, "%s", s);
	return 0;
}

static int find(char (*names)[SCN_ID_MAX], int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], id))
			return i;
	return -1;
}

static int ref_id(struct pctx *c, json_t *o, const char *key, const char *at, char (*names)[SCN_ID_MAX],
		  int n, const char *what, int *out)
{
	char id[SCN_ID_MAX], path[160];
	int rc;
	if ((rc = get_id(c, o, key, at, id, sizeof(id))))
		return rc;
	if ((*out = find(names, n, id)) < 0) {
		snprintf(path, sizeof(path), "%s.%s", at, key);
		return scn_bad(c, path, "'%s' is not a %s of this scenario", id, what);
	}
	return 0;
}

static int array_of(struct pctx *c, json_t *doc, const char *key, size_t max, int required, json_t **out)
{
	*out = json_object_get(doc, key);
	if (!*out && !required)
		return 0;
	if (!json_is_array(*out))
		return *out ? scn_bad(c, key, "not an array") : scn_bad(c, key, "missing");
	if (json_array_size(*out) > max) {
		return scn_bad(c, key, "more than %zu entries", max);
	}
	return 0;
}

static int gpc_prefix_ok(const char *g)
{
	for (size_t i = 0; i < city_gpc_n; i++)
		if (!strcmp(city_gpc[i].subsector, g) || !strcmp(city_sector_roman[city_gpc[i].sector], g))
			return 1;
	return 0;
}

/* Any subset of the measures gives the same case whatever the order they
 * are applied in, so that the Shapley value (an average over every order)
 * and the listed order's sequential parts rest on one well-defined case per
 * subset (issue 19).  Cuts, displacements and intensity factors add or
 * multiply, and an efficiency takes the higher of two (scn_apply): those
 * commute.  What would not: shares or power-mix points moved out of one
 * technology or source beyond what it has (the listed order would decide
 * who gets the rest), and two measures setting one fuel's factor (the later
 * would win).  Both are refused here, naming the place. */
static int order_free(struct pctx *c, const struct scn_model *m)
{
	double out_share[SCN_MAX_SECTORS][SCN_MAX_TECHS] = {{0}}, out_mix[SCN_MAX_SOURCES] = {0};
	int ef_set[SCN_MAX_FUELS];
	char at[96];

	for (int f = 0; f < SCN_MAX_FUELS; f++)
		ef_set[f] = -1;
	for (int i = 0; i < m->nmeasures; i++)
		for (int k = 0; k < m->m[i].nch; k++) {
			const struct scn_change *ch = &m->m[i].ch[k];
			snprintf(at, sizeof(at), "measures[%d].changes[%d]", i, k);
			if (ch->type == CH_SHARE &&
			    (out_share[ch->sector][ch->tech] += ch->value) > m->base.share[ch->sector][ch->tech] + 1e-12)
				return scn_bad(c, at, "the measures together move more share out of this technology than the "
						  "base year gives it, so which of them counts would depend on their order");
			if (ch->type == CH_POWER_MIX && (out_mix[ch->source] += ch->value) > m->base.mix[ch->source] + 1e-12)
				return scn_bad(c, at, "the measures together move more of the power mix out of this source than "
						  "it has, so which of them counts would depend on their order");
			if (ch->type == CH_FUEL_EF) {
				if (ef_set[ch->fuel] >= 0 && ef_set[ch->fuel] != i)
					return scn_bad(c, at, "another measure sets this fuel's factor too; keep it in one "
							  "measure (the result would depend on their order)");
				ef_set[ch->fuel] = i;
			}
		}
	return 0;
}

static int parse_change(struct pctx *c, const struct scn_model *m, json_t *o, const char *at,
			struct scn_change *ch)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	char path[200];
	int rc;

	memset(ch, 0, sizeof(*ch));
	snprintf(path, sizeof(path), "%s.type", at);
	if (!type)
		return scn_bad(c, path, "missing (efficiency, share, intensity, power_mix, fuel_ef, cut, displace)");
	if (!strcmp(type, "efficiency")) {
		ch->type = CH_EFFICIENCY;
		if ((rc = ref_id(c, o, "sector", at, (char (*)[SCN_ID_MAX])m->sector, m->nsectors, "sector", &ch->sector)) ||
		    (rc = ref_id(c, o, "tech", at, (char (*)[SCN_ID_MAX])m->tech[ch->sector], m->ntech[ch->sector],
				 "technology of the sector", &ch->tech)) ||
		    (rc = get_num(c, o, "value", at, 1e-9, 1e12, 1, &ch->value)))
			return rc;
	} else if (!strcmp(type, "share")) {
		ch->type = CH_SHARE;
		if ((rc = ref_id(c, o, "sector", at, (char (*)[SCN_ID_MAX])m->sector, m->nsectors, "sector", &ch->sector)) ||
		    (rc = ref_id(c, o, "from", at, (char (*)[SCN_ID_MAX])m->tech[ch->sector], m->ntech[ch->sector],
				 "technology of the sector", &ch->tech)) ||
		    (rc = ref_id(c, o, "to", at, (char (*)[SCN_ID_MAX])m->tech[ch->sector], m->ntech[ch->sector],
				 "technology of the sector", &ch->to)) ||
		    (rc = get_num(c, o, "points", at, 0, 1, 1, &ch->value)))
			return rc;
		if (ch->value > m->base.share[ch->sector][ch->tech] + 1e-12)
			return scn_bad(c, at, "moves more share than the base year's technology has");
	} else if (!strcmp(type, "intensity")) {
		ch->type = CH_INTENSITY;
		if ((rc = ref_id(c, o, "sector", at, (char (*)[SCN_ID_MAX])m->sector, m->nsectors, "sector", &ch->sector)) ||
		    (rc = get_num(c, o, "factor", at, 0, 100, 1, &ch->value)))
			return rc;
	} else if (!strcmp(type, "power_mix")) {
		ch->type = CH_POWER_MIX;
		if ((rc = ref_id(c, o, "from", at, (char (*)[SCN_ID_MAX])m->source, m->nsources, "power source", &ch->source)) ||
		    (rc = ref_id(c, o, "to", at, (char (*)[SCN_ID_MAX])m->source, m->nsources, "power source", &ch->to)) ||
		    (rc = get_num(c, o, "points", at, 0, 1, 1, &ch->value)))
			return rc;
		if (ch->value > m->base.mix[ch->source] + 1e-12)
			return scn_bad(c, at, "moves more of the power mix than the source has");
	} else if (!strcmp(type, "fuel_ef")) {
		ch->type = CH_FUEL_EF;
		if ((rc = ref_id(c, o, "fuel", at, (char (*)[SCN_ID_MAX])m->fuel, m->nfuels, "fuel", &ch->fuel)) ||
		    (rc = get_num(c, o, "value", at, 0, 1e6, 1, &ch->value)))
			return rc;
		if (m->fuel_grid[ch->fuel])
			return scn_bad(c, at, "electricity's factor comes from the power mix; change the mix instead");
	} else if (!strcmp(type, "cut")) {
		ch->type = CH_CUT;
		if ((rc = ref_id(c, o, "sector", at, (char (*)[SCN_ID_MAX])m->sector, m->nsectors, "sector", &ch->sector)) ||
		    (rc = get_num(c, o, "t", at, 0, 1e12, 1, &ch->value)))
			return rc;
	} else if (!strcmp(type, "displace")) {
		/* what a project displaces, worth the case's factor: MWh of grid
		 * electricity ("mwh"), or another fuel in its own unit ("value") */
		ch->type = CH_DISPLACE;
		if ((rc = ref_id(c, o, "sector", at, (char (*)[SCN_ID_MAX])m->sector, m->nsectors, "sector", &ch->sector)) ||
		    (rc = ref_id(c, o, "fuel", at, (char (*)[SCN_ID_MAX])m->fuel, m->nfuels, "fuel", &ch->fuel)) ||
		    (rc = get_num(c, o, m->fuel_grid[ch->fuel] ? "mwh" : "value", at, 0, 1e12, 1, &ch->value)))
			return rc;
	} else {
		return scn_bad(c, path, "not efficiency, share, intensity, power_mix, fuel_ef, cut or displace");
	}
	return 0;
}

int city_scenario_parse(json_t *doc, const char *name, struct scn_model *m, struct c2c_err *err)
{
	static const char *const kinds[] = {"efficiency", "fuel_switch", "renewable_power", "modal_shift",
					    "waste", "demand", "project", NULL};
	struct pctx c = {name, err};
	json_t *arr, *o, *power;
	char at[160];
	double v, sum;
	size_t i;
	int rc;

	memset(m, 0, sizeof(*m));
	if (!json_is_object(doc))
		return scn_bad(&c, "(top)", "a scenario is a JSON object");
	if ((rc = get_id(&c, doc, "id", "", m->id, sizeof(m->id))))
		return rc;
	o = json_object_get(doc, "place_id");
	if (!json_is_string(o) || !*json_string_value(o) || strlen(json_string_value(o)) >= sizeof(m->place))
		return scn_bad(&c, "place_id", "missing or not an atlas place id");
	snprintf(m->place, sizeof(m->place), "%s", json_string_value(o));
	if (json_is_string(json_object_get(doc, "name")))
		snprintf(m->name, sizeof(m->name), "%s", json_string_value(json_object_get(doc, "name")));
	if ((rc = get_num(&c, doc, "base_year", "", 1990, 2100, 1, &v)))
		return rc;
	m->base_year = (int)v;
	if ((rc = get_num(&c, doc, "target_year", "", 1990, 2100, 1, &v)))
		return rc;
	m->target_year = (int)v;
	if (m->target_year <= m->base_year)
		return scn_bad(&c, "target_year", "must come after base_year");

	if ((rc = array_of(&c, doc, "drivers", SCN_MAX_DRIVERS, 1, &arr)))
		return rc;
	json_array_foreach(arr, i, o) {
		snprintf(at, sizeof(at), "drivers[%zu]", i);
		if ((rc = get_id(&c, o, "id", at, m->driver[i], SCN_ID_MAX)) ||
		    (rc = get_num(&c, o, "base", at, 0, 1e15, 1, &m->drv_base[i])) ||
		    (rc = get_num(&c, o, "target", at, 0, 1e15, 1, &m->drv_target[i])))
			return rc;
		if (find(m->driver, (int)i, m->driver[i]) >= 0)
			return scn_bad(&c, at, "the same id twice");
		m->ndrivers++;
	}

	if ((rc = array_of(&c, doc, "fuels", SCN_MAX_FUELS, 1, &arr)))
		return rc;
	json_array_foreach(arr, i, o) {
		snprintf(at, sizeof(at), "fuels[%zu]", i);
		if ((rc = get_id(&c, o, "id", at, m->fuel[i], SCN_ID_MAX)))
			return rc;
		if (find(m->fuel, (int)i, m->fuel[i]) >= 0)
			return scn_bad(&c, at, "the same id twice");
		m->fuel_grid[i] = json_is_true(json_object_get(o, "grid"));
		if (m->fuel_grid[i] && json_object_get(o, "ef"))
			return scn_bad(&c, at, "a grid fuel takes its factor from the power mix; give no ef");
		if (!m->fuel_grid[i] && (rc = get_num(&c, o, "ef", at, 0, 1e6, 1, &m->base.fuel_ef[i])))
			return rc;
		m->nfuels++;
	}

	power = json_object_get(doc, "power");
	if (power) {
		if ((rc = get_num(&c, power, "loss", "power", 0, 0.99, 0, &m->base.loss)) > 0)
			m->base.loss = 0;
		else if (rc)
			return rc;
		if ((rc = array_of(&c, power, "sources", SCN_MAX_SOURCES, 1, &arr)))
			return rc;
		sum = 0;
		json_array_foreach(arr, i, o) {
			snprintf(at, sizeof(at), "power.sources[%zu]", i);
			if ((rc = get_id(&c, o, "id", at, m->source[i], SCN_ID_MAX)) ||
			    (rc = get_num(&c, o, "share", at, 0, 1, 1, &m->base.mix[i])) ||
			    (rc = get_num(&c, o, "ef_t_per_mwh", at, 0, 10, 1, &m->base.gen_ef[i])))
				return rc;
			if (find(m->source, (int)i, m->source[i]) >= 0)
				return scn_bad(&c, at, "the same id twice");
			sum += m->base.mix[i];
			m->nsources++;
		}
		if (fabs(sum - 1) > 1e-9)
			return scn_bad(&c, "power.sources", "the shares do not add up to 1");
	}
	for (int f = 0; f < m->nfuels; f++)
		if (m->fuel_grid[f] && !m->nsources)
			return scn_bad(&c, "power", "a grid fuel needs the power mix (power.sources)");

	if ((rc = array_of(&c, doc, "sectors", SCN_MAX_SECTORS, 1, &arr)))
		return rc;
	json_array_foreach(arr, i, o) {
		json_t *techs, *t;
		const char *gpc = json_string_value(json_object_get(o, "gpc"));
		size_t k;
		snprintf(at, sizeof(at), "sectors[%zu]", i);
		if ((rc = get_id(&c, o, "id", at, m->sector[i], SCN_ID_MAX)))
			return rc;
		if (find(m->sector, (int)i, m->sector[i]) >= 0)
			return scn_bad(&c, at, "the same id twice");
		if (!gpc || strlen(gpc) >= sizeof(m->sector_gpc[i]) || !gpc_prefix_ok(gpc)) {
			snprintf(at, sizeof(at), "sectors[%zu].gpc", i);
			return scn_bad(&c, at, "not a GPC sector or sub-sector (I, I.1, II.1 ...)");
		}
		snprintf(m->sector_gpc[i], sizeof(m->sector_gpc[i]), "%s", gpc);
		if ((rc = ref_id(&c, o, "driver", at, m->driver, m->ndrivers, "driver", &m->sector_driver[i])) ||
		    (rc = get_num(&c, o, "intensity", at, 0, 1e12, 1, &m->base.intensity[i])))
			return rc;
		techs = json_object_get(o, "techs");
		if (!json_is_array(techs) || !json_array_size(techs) || json_array_size(techs) > SCN_MAX_TECHS) {
			snprintf(at, sizeof(at), "sectors[%zu].techs", i);
			return scn_bad(&c, at, "an array of 1 to 8 technologies");
		}
		sum = 0;
		json_array_foreach(techs, k, t) {
			snprintf(at, sizeof(at), "sectors[%zu].techs[%zu]", i, k);
			if ((rc = get_id(&c, t, "id", at, m->tech[i][k], SCN_ID_MAX)) ||
			    (rc = ref_id(&c, t, "fuel", at, m->fuel, m->nfuels, "fuel", &m->tech_fuel[i][k])) ||
			    (rc = get_num(&c, t, "share", at, 0, 1, 1, &m->base.share[i][k])) ||
			    (rc = get_num(&c, t, "efficiency", at, 1e-9, 1e12, 1, &m->base.eff[i][k])))
				return rc;
			if (find(m->tech[i], (int)k, m->tech[i][k]) >= 0)
				return scn_bad(&c, at, "the same id twice");
			sum += m->base.share[i][k];
			m->ntech[i]++;
		}
		if (fabs(sum - 1) > 1e-9) {
			snprintf(at, sizeof(at), "sectors[%zu].techs", i);
			return scn_bad(&c, at, "the shares do not add up to 1");
		}
		m->nsectors++;
	}

	if ((rc = array_of(&c, doc, "measures", SCN_MAX_MEASURES, 0, &arr)))
		return rc;
	json_array_foreach(arr, i, o) {
		struct scn_measure *me = &m->m[i];
		json_t *chs, *ch, *bs, *kind = json_object_get(o, "kind"), *pj = json_object_get(o, "project");
		size_t k;
		int ok = 0;
		snprintf(at, sizeof(at), "measures[%zu]", i);
		if ((rc = get_id(&c, o, "id", at, me->id, SCN_ID_MAX)))
			return rc;
		for (int j = 0; j < (int)i; j++)
			if (!strcmp(m->m[j].id, me->id))
				return scn_bad(&c, at, "the same id twice");
		for (k = 0; kinds[k] && json_is_string(kind); k++)
			ok |= !strcmp(kinds[k], json_string_value(kind));
		if (!ok) {
			snprintf(at, sizeof(at), "measures[%zu].kind", i);
			return scn_bad(&c, at, "not efficiency, fuel_switch, renewable_power, modal_shift, waste, demand or project");
		}
		snprintf(me->kind, sizeof(me->kind), "%s", json_string_value(kind));
		if (pj && (rc = get_id(&c, o, "project", at, me->project, SCN_ID_MAX)))
			return rc;
		if (!strcmp(me->kind, "project") && !me->project[0])
			return scn_bad(&c, at, "a project measure names its atlas project");
		if ((bs = json_object_get(o, "basis"))) {
			snprintf(at, sizeof(at), "measures[%zu].basis", i);
			if (!json_is_string(bs) || json_string_length(bs) >= sizeof(me->basis))
				return scn_bad(&c, at, "a text of at most 159 bytes");
			snprintf(me->basis, sizeof(me->basis), "%s", json_string_value(bs));
		}
		chs = json_object_get(o, "changes");
		if (!json_is_array(chs) || !json_array_size(chs) || json_array_size(chs) > SCN_MAX_CHANGES) {
			snprintf(at, sizeof(at), "measures[%zu].changes", i);
			return scn_bad(&c, at, "an array of 1 to 8 parameter changes");
		}
		json_array_foreach(chs, k, ch) {
			snprintf(at, sizeof(at), "measures[%zu].changes[%zu]", i, k);
			if ((rc = parse_change(&c, m, ch, at, &me->ch[k])))
				return rc;
			me->nch++;
		}
		m->nmeasures++;
	}
	return order_free(&c, m);
}

/* ---- storing -------------------------------------------------------------------------- */

static int exists(struct store *st, const char *sql, const char *id, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	if (store_prepare(st, sql, &s, err)) {
		c2c_err_set(err, C2C_ENOTFOUND, "the atlas is not in this database");
		c2c_err_hint(err, "run: c2c init");
		return C2C_ENOTFOUND;
	}
	store_bind_text(s, 1, id);
	rc = store_step(s, err);
	rc = rc == 1 ? (store_col_int(s, 0) ? 1 : 0) : rc;
	store_finalize(s);
	return rc;
}

/* The atlas side of a scenario: its place and its projects must exist. */
static int check_links(struct store *st, const struct scn_model *m, const char *name, struct c2c_err *err)
{
	int rc = city_atlas_has(st, "places", m->place, err);
	if (rc < 0)
		return rc;
	if (!rc)
		return c2c_err_set(err, C2C_EINPUT, "%s: place_id: '%s' is not an atlas place", name, m->place);
	for (int i = 0; i < m->nmeasures; i++) {
		if (!m->m[i].project[0])
			continue;
		rc = city_atlas_has(st, "projects", m->m[i].project, err);
		if (rc < 0)
			return rc;
		if (!rc) {
			c2c_err_set(err, C2C_EINPUT, "%s: measures[%d].project: '%s' is not an atlas project", name, i,
				    m->m[i].project);
			c2c_err_hint(err, "c2c projects lists them");
			return C2C_EINPUT;
		}
	}
	return 0;
}

static int put_scenario(struct store *st, const struct scn_model *m, json_t *doc, int replace,
			struct c2c_err *err)
{
	struct store_stmt *s;
	char *body = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	if (!body)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rc = store_prepare(st, replace ? "INSERT INTO city_scenarios (\"id\", \"place_id\", \"base_year\", \"target_year\", \"body\")"
					 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (\"id\") DO UPDATE SET \"place_id\" = excluded.\"place_id\","
					 " \"base_year\" = excluded.\"base_year\", \"target_year\" = excluded.\"target_year\","
					 " \"body\" = excluded.\"body\""
				       : "INSERT INTO city_scenarios (\"id\", \"place_id\", \"base_year\", \"target_year\", \"body\")"
					 " VALUES (?, ?, ?, ?, ?)", &s, err);
	if (!rc) {
		store_bind_text(s, 1, m->id);
		store_bind_text(s, 2, m->place);
		store_bind_int(s, 3, m->base_year);
		store_bind_int(s, 4, m->target_year);
		store_bind_text(s, 5, body);
		rc = store_step(s, err);
		store_finalize(s);
		rc = rc < 0 ? rc : 0;
	}
	free(body);
	return rc;
}

struct scn_add {
	struct scn_model *m;
	json_t *doc;
	const char *name;
	int replace;
};

static int scenario_add_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct scn_add *a = ctx;
	int rc;
	if (!a->replace &&
	    (rc = exists(st, "SELECT COUNT(*) FROM city_scenarios WHERE \"id\" = ?", a->m->id, err)) != 0) {
		if (rc < 0)
			return rc;
		c2c_err_set(err, C2C_ECONFLICT, "scenario '%s' exists already", a->m->id);
		c2c_err_hint(err, "give --replace to replace it");
		return C2C_ECONFLICT;
	}
	if ((rc = check_links(st, a->m, a->name, err)))
		return rc;
	return put_scenario(st, a->m, a->doc, a->replace, err);
}

/* Is every figure of run r a number within ±SCN_T_MAX tonnes? */
static int run_in_range(const struct scn_model *m, const struct scn_result *r, struct c2c_err *err)
{
	const char *what[] = {"base year", "BaU", "countermeasure case"};
	for (int s = 0; s < m->nsectors; s++) {
		const double v[] = {r->base_t[s], r->bau_t[s], r->cm_t[s]};
		for (int k = 0; k < 3; k++)
			if (!(fabs(v[k]) <= SCN_T_MAX))
				return c2c_err_set(err, C2C_EINPUT,
						   "scenario %s: sector %s, %s: %.4g t is beyond the %.0e t a scenario "
						   "may hold; check its drivers and activity values",
						   m->id, m->sector[s], what[k], v[k], SCN_T_MAX);
	}
	for (int i = 0; i < m->nmeasures; i++)
		if (!(fabs(r->part_t[i]) <= SCN_T_MAX))
			return c2c_err_set(err, C2C_EINPUT,
					   "scenario %s: measure %s: %.4g t is beyond the %.0e t a scenario may hold",
					   m->id, m->m[i].id, r->part_t[i], SCN_T_MAX);
	return 0;
}

int city_scenario_add(struct store *st, json_t *doc, const char *name, int replace,
		      struct c2c_err *err)
{
	struct scn_add a = {malloc(sizeof(*a.m)), doc, name, replace};
	int rc;

	if (!a.m)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (!(rc = city_scenario_parse(doc, name, a.m, err))) {
		struct scn_result r;
		scn_run(a.m, ATTR_SHAPLEY, &r);
		rc = run_in_range(a.m, &r, err);
	}
	if (!rc)
		rc = store_tx(st, NULL, scenario_add_tx, &a, err);
	free(a.m);
	return rc;
}

int city_scenario_get(struct store *st, const char *id, struct scn_model *m, json_t **doc,
		      struct c2c_err *err)
{
	struct store_stmt *s;
	json_error_t je;
	json_t *d = NULL;
	int rc;

	if ((rc = store_prepare(st, "SELECT \"body\" FROM city_scenarios WHERE \"id\" = ?", &s, err)))
		return rc;
	store_bind_text(s, 1, id);
	rc = store_step(s, err);
	if (rc == 1)
		d = json_loads(store_col_text(s, 0), 0, &je);
	store_finalize(s);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		c2c_err_set(err, C2C_ENOTFOUND, "no scenario '%s'", id);
		c2c_err_hint(err, "c2c city scenario list shows them");
		return C2C_ENOTFOUND;
	}
	if (!d)
		return c2c_err_set(err, C2C_EDB, "scenario '%s': stored body is not JSON: %s", id, je.text);
	if ((rc = city_scenario_parse(d, id, m, err))) {
		json_decref(d);
		return rc;
	}
	if (doc)
		*doc = d;
	else
		json_decref(d);
	return 0;
}

int city_scenarios(struct store *st, json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	*out = json_array();
	if ((rc = store_prepare(st, "SELECT \"id\", \"place_id\", \"base_year\", \"target_year\", \"body\""
				" FROM city_scenarios ORDER BY \"id\"", &s, err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		json_t *d = json_loads(store_col_text(s, 4), 0, NULL);
		json_t *ms = d ? json_object_get(d, "measures") : NULL;
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "id", store_col_text(s, 0),
						      "name", d && json_is_string(json_object_get(d, "name"))
								  ? json_string_value(json_object_get(d, "name")) : "",
						      "place_id", store_col_text(s, 1),
						      "base_year", (json_int_t)store_col_int(s, 2),
						      "target_year", (json_int_t)store_col_int(s, 3),
						      "measures", (json_int_t)json_array_size(ms)));
		json_decref(d);
	}
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

/* The scenarios whose measures count an atlas project, for the project's
 * life: a scenario is found by what its stored document names, so a
 * scenario added from a file counts as one linked by command. */
int city_scenarios_counting(struct store *st, const char *project, json_t **out, struct c2c_err *err)
{
	struct store_stmt *s;
	int rc;
	*out = json_array();
	if ((rc = store_prepare(st, "SELECT \"id\", \"place_id\", \"body\" FROM city_scenarios ORDER BY \"id\"", &s,
				err)))
		return rc;
	while ((rc = store_step(s, err)) == 1) {
		json_t *d = json_loads(store_col_text(s, 2), 0, NULL), *me;
		json_t *name = json_object_get(d, "name");
		size_t i;
		json_array_foreach(json_object_get(d, "measures"), i, me) {
			json_t *o, *ch = json_array_get(json_object_get(me, "changes"), 0);
			if (!json_is_string(json_object_get(me, "project")) ||
			    strcmp(json_string_value(json_object_get(me, "project")), project))
				continue;
			o = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O}", "id", store_col_text(s, 0), "name",
				      json_is_string(name) ? json_string_value(name) : "", "place_id", store_col_text(s, 1),
				      "measure", json_object_get(me, "id"), "sector",
				      json_object_get(ch, "sector") ? json_object_get(ch, "sector") : json_null(),
				      "reduction_t", json_object_get(ch, "t") ? json_object_get(ch, "t") : json_null());
			json_object_set_new(o, "basis", json_object_get(me, "basis") ? json_incref(json_object_get(me, "basis"))
										      : json_string("stated reduction"));
			if (json_object_get(me, "split"))
				json_object_set(o, "split", json_object_get(me, "split"));
			json_array_append_new(*out, o);
		}
		json_decref(d);
	}
	store_finalize(s);
	return rc < 0 ? rc : 0;
}

struct scn_link {
	struct scn_model *m;
	const char *id, *measure, *project, *sector, *basis;
	double t;
	json_t *split;
};

static int scenario_link_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct scn_link *l = ctx;
	const char *id = l->id, *measure = l->measure;
	json_t *doc = NULL, *ms, *me, *o;
	size_t i;
	int rc;

	if ((rc = city_scenario_get(st, id, l->m, &doc, err)))
		return rc;
	ms = json_object_get(doc, "measures");
	if (!ms) {
		ms = json_array();
		json_object_set_new(doc, "measures", ms);
	}
	/* linking a project measure again replaces it (a new MRV rate, a
	 * corrected figure) in its place in the order; a model measure of that
	 * id is not overwritten by a project */
	json_array_foreach(ms, i, o) {
		const char *oid = json_string_value(json_object_get(o, "id")),
			   *kind = json_string_value(json_object_get(o, "kind"));
		if (oid && !strcmp(oid, measure)) {
			if (!kind || strcmp(kind, "project")) {
				rc = c2c_err_set(err, C2C_ECONFLICT, "scenario %s: measure %s exists and is not a project measure",
						 id, measure);
				goto out;
			}
			break;
		}
	}
	me = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:f}]}", "id", measure, "kind", "project", "project",
		       l->project, "changes", "type", "cut", "sector", l->sector, "t", l->t);
	if (l->basis)
		json_object_set_new(me, "basis", json_string(l->basis));
	if (l->split)
		json_object_set(me, "split", l->split);
	if (i < json_array_size(ms))
		json_array_set_new(ms, i, me);
	else
		json_array_append_new(ms, me);
	/* the new document is checked whole, as if it had been added so */
	if (!(rc = city_scenario_parse(doc, id, l->m, err)) && !(rc = check_links(st, l->m, id, err)))
		rc = put_scenario(st, l->m, doc, 1, err);
out:
	json_decref(doc);
	return rc;
}

int city_scenario_link(struct store *st, const char *id, const char *measure, const char *project,
		       const char *sector, double t, const char *basis, json_t *split, struct c2c_err *err)
{
	struct scn_link l = {malloc(sizeof(*l.m)), id, measure, project, sector, basis, t, split};
	int rc;

	if (!l.m)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rc = store_tx(st, NULL, scenario_link_tx, &l, err);
	free(l.m);
	return rc;
}

/* ---- the run as JSON -------------------------------------------------------------------- */

static json_t *t_of_kg(long long kg)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%s%lld.%03lld", kg < 0 ? "-" : "", llabs(kg) / 1000, llabs(kg) % 1000);
	return json_real(strtod(buf, NULL));
}

int city_scenario_run_json(const struct scn_model *m, enum scn_attribution how, json_t **out,
			   struct c2c_err *err)
{
	struct scn_result r;
	long long base = 0, bau = 0, cm = 0, part_kg[SCN_MAX_MEASURES];
	json_t *sectors, *measures, *order;
	int rc;

	*out = NULL;
	scn_run(m, how, &r);
	if ((rc = run_in_range(m, &r, err)))
		return rc;
	sectors = json_array(), measures = json_array(), order = json_array();
	for (int s = 0; s < m->nsectors; s++) {
		/* each figure to the kg; the totals are sums of the printed figures */
		long long b = llround(r.base_t[s] * 1000), u = llround(r.bau_t[s] * 1000),
			  c = llround(r.cm_t[s] * 1000);
		base += b;
		bau += u;
		cm += c;
		json_array_append_new(sectors, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "sector", m->sector[s],
							 "gpc", m->sector_gpc[s], "base_t", t_of_kg(b), "bau_t",
							 t_of_kg(u), "cm_t", t_of_kg(c), "reduction_t", t_of_kg(u - c)));
	}
	city_split_kg(r.part_t, (size_t)m->nmeasures, bau - cm, part_kg);
	for (int i = 0; i < m->nmeasures; i++) {
		json_array_append_new(order, json_string(m->m[i].id));
		json_array_append_new(measures, json_pack("{s:s, s:s, s:o, s:o, s:f, s:s}", "measure", m->m[i].id,
							  "kind", m->m[i].kind,
							  "project", m->m[i].project[0] ? json_string(m->m[i].project) : json_null(),
							  "reduction_t", t_of_kg(part_kg[i]),
							  "share_pct", bau - cm ? round(1000.0 * (double)part_kg[i] / (double)(bau - cm)) / 10.0 : 0.0,
							  "basis", m->m[i].basis[0] ? m->m[i].basis
								   : m->m[i].project[0] ? "stated reduction" : "model"));
	}
	*out = json_pack("{s:{s:s, s:s, s:s, s:i, s:i}, s:{s:f, s:f}, s:o, s:{s:o, s:o, s:o, s:o}, s:o, s:{s:s, s:o, s:s}}",
			 "scenario", "id", m->id, "name", m->name, "place_id", m->place, "base_year", m->base_year,
			 "target_year", m->target_year,
			 "grid_ef_t_per_mwh", "base", round(r.grid_base * 1e6) / 1e6, "cm", round(r.grid_cm * 1e6) / 1e6,
			 "sectors", sectors,
			 "totals", "base_t", t_of_kg(base), "bau_t", t_of_kg(bau), "cm_t", t_of_kg(cm),
			 "reduction_t", t_of_kg(bau - cm),
			 "measures", measures,
			 "attribution", "method", how == ATTR_SHAPLEY ? "shapley" : "sequential", "order", order,
			 "rule", how == ATTR_SHAPLEY
					 ? "each measure's reduction averaged over every order of applying the measures (Shapley value); the parts add up to the total"
					 : "measures applied one by one in the listed order, each credited with what it adds; the parts add up to the total and depend on the order");
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}
