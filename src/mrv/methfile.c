/*
 * methfile.c - reads one methodology file (data/mrv/NAME.meth) into a struct
 * mrv_methodology: header fields, `param SYMBOL` blocks and `formula NAME =
 * EXPR` lines.  A file an official can review like the dataset, and that
 * the one evaluator (formula.c) computes, so adding a methodology needs no
 * C.  Everything that could make a result wrong is refused here, naming
 * file and line: an unknown field or parameter, a unit that does not read or
 * does not match, a formula that does not parse, a parameter no formula
 * uses, a default whose source is marked unconfirmed.
 */
#include "mrv.h"
#include "formula.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ctx {
	struct mrv_methodology *m;
	const char *name;
	int line;
	int pline[MRV_MAX_PARAMS]; /* where each parameter starts */
	struct c2c_err *err;
};

static int bad(struct ctx *c, const char *fmt, const char *a, const char *b)
{
	char msg[400];
	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	return c2c_err_set(c->err, C2C_EINPUT, "%s:%d: %s", c->name, c->line, msg);
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static int lookup(void *vc, const char *name, int calc)
{
	const struct mrv_methodology *m = vc;
	if (!calc) {
		for (size_t i = 0; i < m->nparams; i++)
			if (!strcmp(m->params[i].symbol, name))
				return (int)i;
		return -1;
	}
	for (size_t i = 0; i < m->ncalcs; i++)
		if (!strcmp(m->calcs[i].symbol, name))
			return (int)i;
	return -1;
}

static const char *unit_of(void *vc, int idx, int calc)
{
	const struct mrv_methodology *m = vc;
	return calc ? m->calcs[idx].unit : m->params[idx].unit;
}

static int name_ok(const char *s)
{
	if (!*s || !(isalpha((unsigned char)*s) || *s == '_') || strlen(s) > 23)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int header(struct ctx *c, const char *key, char *val)
{
	struct mrv_methodology *m = c->m;
	static const struct {
		const char *key;
		size_t off;
	} f[] = {
		{"id", offsetof(struct mrv_methodology, id)},
		{"refs", offsetof(struct mrv_methodology, refs)},
		{"countries", offsetof(struct mrv_methodology, countries)},
		{"version", offsetof(struct mrv_methodology, version)},
		{"family", offsetof(struct mrv_methodology, family_name)},
		{"title", offsetof(struct mrv_methodology, title)},
		{"sector", offsetof(struct mrv_methodology, sector)},
		{"eligibility", offsetof(struct mrv_methodology, eligibility)},
		{"re_equation", offsetof(struct mrv_methodology, re_equation)},
		{"pe_equation", offsetof(struct mrv_methodology, pe_equation)},
		{"source", offsetof(struct mrv_methodology, source)},
		{"unconfirmed", offsetof(struct mrv_methodology, unconfirmed)},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(f[i].key, key)) {
			const char **slot = (const char **)((char *)m + f[i].off);
			if (*slot)
				return bad(c, "%s given twice", key, NULL);
			*slot = val;
			return 0;
		}
	return bad(c, "unknown field '%s' (id, refs, countries, version, family, title, sector, eligibility, "
		   "re_equation, pe_equation, source, unconfirmed, param, formula)", key, NULL);
}

static int param_field(struct ctx *c, struct mrv_param *p, const char *key, char *val)
{
	const char **slot = NULL;
	if (!strcmp(key, "doc"))
		slot = &p->symbol_doc;
	else if (!strcmp(key, "description"))
		slot = &p->description;
	else if (!strcmp(key, "unit")) {
		if (mrv_unit_check(val))
			return bad(c, "unit '%s' does not read (a unit is like MWh, tCO2/MWh, GJ/kL or -)", val, NULL);
		slot = &p->unit;
	} else if (!strcmp(key, "option"))
		slot = &p->options;
	else if (!strcmp(key, "default")) {
		int64_t v;
		if (mrv_parse_micro(val, strlen(val), 1, &v) || v < 0)
			return bad(c, "default '%s' is not a non-negative decimal with at most 6 decimals", val, NULL);
		slot = &p->default_value;
	} else if (!strcmp(key, "source"))
		slot = &p->source;
	else if (!strcmp(key, "unconfirmed"))
		slot = &p->unconfirmed;
	else if (!strcmp(key, "kind")) {
		if (!strcmp(val, "monitored"))
			p->monitored = 1;
		else if (!strcmp(val, MRV_FIXED_METHODOLOGY))
			p->fixed_by = MRV_FIXED_METHODOLOGY;
		else if (!strcmp(val, MRV_FIXED_PROJECT))
			p->fixed_by = MRV_FIXED_PROJECT;
		else
			return bad(c, "kind '%s': monitored, methodology (fixed ex ante by the methodology) or project "
				   "(fixed ex ante by the project)", val, NULL);
		return 0;
	} else if (!strcmp(key, "per_unit")) {
		if (strcmp(val, "yes") && strcmp(val, "no"))
			return bad(c, "per_unit '%s': yes or no", val, NULL);
		p->per_unit = !strcmp(val, "yes");
		return 0;
	} else
		return bad(c, "unknown parameter field '%s' (doc, description, unit, kind, option, per_unit, default, "
			   "source, unconfirmed)", key, NULL);
	if (*slot)
		return bad(c, "%s given twice", key, NULL);
	*slot = val;
	return 0;
}

static int add_param(struct ctx *c, char *sym)
{
	struct mrv_methodology *m = c->m;
	if (!name_ok(sym))
		return bad(c, "'%s' is not a parameter name (letters, digits and _, at most 23)", sym, NULL);
	if (lookup(m, sym, 0) >= 0)
		return bad(c, "parameter %s given twice", sym, NULL);
	if (m->nparams == MRV_MAX_PARAMS)
		return bad(c, "more than 16 parameters", NULL, NULL);
	memset(&m->params[m->nparams], 0, sizeof(m->params[0]));
	c->pline[m->nparams] = c->line;
	m->params[m->nparams++].symbol = sym;
	return 0;
}

static int add_formula(struct ctx *c, char *rest)
{
	struct mrv_methodology *m = c->m;
	struct mrv_symbols syms = {m, lookup, unit_of};
	char *eq = strchr(rest, '='), *name, where[300], unit[64];
	struct mrv_calc *k;
	int rc;
	if (!eq)
		return bad(c, "a formula is 'formula NAME = EXPRESSION'", NULL, NULL);
	*eq = 0;
	name = trim(rest);
	if (!name_ok(name))
		return bad(c, "'%s' is not a formula name (letters, digits and _, at most 23)", name, NULL);
	if (lookup(m, name, 0) >= 0 || lookup(m, name, 1) >= 0)
		return bad(c, "%s is defined twice (a formula may not reuse a parameter's or a formula's name)", name,
			   NULL);
	if (m->ncalcs == MRV_MAX_CALCS)
		return bad(c, "more than 16 formulas", NULL, NULL);
	for (size_t i = 0; i < m->nparams; i++)
		if (!m->params[i].unit) {
			c->line = c->pline[i];
			return bad(c, "parameter %s has no unit", m->params[i].symbol, NULL);
		}
	k = &m->calcs[m->ncalcs];
	k->symbol = name;
	k->text = trim(eq + 1);
	k->line = c->line;
	snprintf(where, sizeof(where), "%s:%d", c->name, c->line);
	if (!(k->expr = mrv_expr_parse(k->text, &syms, where, c->err)))
		return c->err->code;
	if ((rc = mrv_expr_unit(k->expr, &syms, unit, sizeof(unit), where, c->err))) {
		mrv_expr_free(k->expr);
		k->expr = NULL;
		return rc;
	}
	k->unit = strdup(unit);
	if (!k->unit) {
		mrv_expr_free(k->expr);
		return c2c_err_set(c->err, C2C_ENOMEM, "out of memory");
	}
	m->ncalcs++;
	return 0;
}

static int uses(const struct mrv_methodology *m, const char *sym)
{
	for (size_t i = 0; i < m->ncalcs; i++) {
		const char *t = m->calcs[i].text;
		size_t n = strlen(sym);
		for (const char *p = strstr(t, sym); p; p = strstr(p + 1, sym))
			if ((p == t || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
			    !(isalnum((unsigned char)p[n]) || p[n] == '_'))
				return 1;
	}
	return 0;
}

/* "KH_AM002; KE_AM002" -> "KH_AM002;KE_AM002", in place (the buffer is ours) */
static void squeeze(char *s)
{
	char *o = s;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			*o++ = *s;
	*o = 0;
}

/* Whole-file checks, at the end. */
static int finish(struct ctx *c)
{
	struct mrv_methodology *m = c->m;
	int re = -1, pe = -1, mon = 0;
	if (!m->id)
		return bad(c, "no 'id:' field", NULL, NULL);
	if (!m->title || !m->source)
		return bad(c, "%s: a methodology needs 'title:' and 'source:' (the document, its version and date)",
			   m->id, NULL);
	if (!m->refs)
		m->refs = m->id;
	squeeze((char *)m->refs);
	if (m->countries)
		squeeze((char *)m->countries);
	if (!m->family_name)
		m->family_name = m->id;
	if (!m->sector)
		m->sector = "";
	if (!m->eligibility)
		m->eligibility = "";
	for (size_t i = 0; i < m->nparams; i++) {
		struct mrv_param *p = &m->params[i];
		c->line = c->pline[i];
		if (!p->monitored && !p->fixed_by)
			return bad(c, "parameter %s has no kind (monitored, methodology or project)", p->symbol, NULL);
		if (!p->description || !p->source)
			return bad(c, "parameter %s needs a description and a source", p->symbol, NULL);
		if (p->default_value && p->unconfirmed)
			return bad(c, "parameter %s: a default whose source is unconfirmed (remove the default: the "
				   "project then gives the value with its source)", p->symbol, NULL);
		if (p->monitored && p->default_value)
			return bad(c, "parameter %s is monitored: it has no default", p->symbol, NULL);
		if (!p->symbol_doc)
			p->symbol_doc = p->symbol;
		if (!p->options)
			p->options = p->monitored ? "" : "fixed ex ante";
		if (!uses(m, p->symbol))
			return bad(c, "parameter %s is used by no formula", p->symbol, NULL);
		mon += p->monitored;
	}
	if (!mon)
		return bad(c, "no monitored parameter (kind: monitored): the first one comes from the monitoring data",
			   NULL, NULL);
	c->line = c->pline[0];
	if (!m->params[0].monitored)
		return bad(c, "the first parameter must be the monitored one the data gives (it is %s)",
			   m->params[0].symbol, NULL);
	if (m->params[0].per_unit)
		return bad(c, "%s comes from the data, one quantity per meter: it is not per_unit", m->params[0].symbol,
			   NULL);
	re = lookup(m, "RE", 1);
	pe = lookup(m, "PE", 1);
	if (re < 0 || pe < 0)
		return bad(c, "formulas RE (reference emissions) and PE (project emissions) are both required", NULL,
			   NULL);
	for (int k = 0; k < 2; k++) {
		const struct mrv_calc *f = &m->calcs[k ? pe : re];
		if (!mrv_unit_equal(f->unit, "tCO2")) {
			c->line = f->line;
			return bad(c, "unit mismatch: %s is in %s, not in tCO2", f->symbol, f->unit);
		}
	}
	m->re_calc = (size_t)re;
	m->pe_calc = (size_t)pe;
	if (!m->re_equation)
		m->re_equation = m->calcs[re].text;
	if (!m->pe_equation)
		m->pe_equation = m->calcs[pe].text;
	return 0;
}

int mrv_methodology_parse(const char *name, const char *text, size_t len, struct mrv_methodology *m,
			  struct c2c_err *err)
{
	struct ctx c = {.m = m, .name = name, .err = err};
	struct mrv_param *cur = NULL;
	char *s, *line;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	if (!(m->file = strdup(name)) || !(m->text = malloc(len + 1)))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	memcpy(m->text, text, len);
	m->text[len] = 0;
	if (strlen(m->text) != len) {
		rc = c2c_err_set(err, C2C_EINPUT, "%s: a NUL byte in the file", name);
		goto out;
	}
	for (s = m->text; s && !rc; ) {
		char *nl = strchr(s, '\n'), *t, *colon;
		int indented;
		if (nl)
			*nl = 0;
		line = s;
		s = nl ? nl + 1 : NULL;
		c.line++;
		indented = *line == ' ' || *line == '\t';
		t = trim(line);
		if (!*t || *t == '#')
			continue;
		if (!indented && !strncmp(t, "param ", 6)) {
			if (!(rc = add_param(&c, trim(t + 6))))
				cur = &m->params[m->nparams - 1];
			continue;
		}
		if (!indented && !strncmp(t, "formula ", 8)) {
			cur = NULL;
			rc = add_formula(&c, t + 8);
			continue;
		}
		if (!(colon = strchr(t, ':'))) {
			rc = bad(&c, "'%s' is neither 'field: value', 'param SYMBOL' nor 'formula NAME = EXPRESSION'", t,
				 NULL);
			break;
		}
		*colon = 0;
		if (indented && !cur) {
			rc = bad(&c, "an indented '%s:' belongs to no parameter (put it under 'param SYMBOL')", trim(t),
				 NULL);
			break;
		}
		if (!*trim(colon + 1)) {
			rc = bad(&c, "field '%s' is empty", trim(t), NULL);
			break;
		}
		if (indented)
			rc = param_field(&c, cur, trim(t), trim(colon + 1));
		else {
			cur = NULL;
			rc = header(&c, trim(t), trim(colon + 1));
		}
	}
	if (!rc)
		rc = finish(&c);
out:
	if (rc)
		mrv_methodology_release(m);
	return rc;
}

void mrv_methodology_release(struct mrv_methodology *m)
{
	for (size_t i = 0; i < m->ncalcs; i++) {
		mrv_expr_free(m->calcs[i].expr);
		free((char *)m->calcs[i].unit);
	}
	free(m->text);
	free((char *)m->file);
	memset(m, 0, sizeof(*m));
}
