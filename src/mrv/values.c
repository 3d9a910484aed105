/*
 * values.c - monitored values given for the period rather than read from
 * the meter file: `--value FC=20000 Nm3` (the gas a cogeneration system
 * burnt, from the supplier's invoices), `--value FC_PJ@AC-2=200 GJ` (one
 * unit's), or a cell of a filled Monitoring Report Sheet (sheet.c).
 *
 * Why a unit is written beside every value: a figure typed from an invoice
 * or a sheet is where kWh and MWh, L and kL get mixed up, and a value in
 * the wrong unit is a result a thousand times off.  So the unit is
 * required and must be the parameter's (kWh and L are converted to MWh
 * and kL exactly, or refused when the result would need a seventh
 * decimal).  Values stay decimal text and millionths: no binary float.
 */
#include "mrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "SYMBOL[@METER]=DECIMAL UNIT" (the space before the unit optional). */
int mrv_given_parse(const char *text, struct mrv_given_value *g, struct c2c_err *err)
{
	const char *eq = strchr(text, '='), *at, *num, *u;
	size_t slen;

	memset(g, 0, sizeof(*g));
	if (!eq || eq == text)
		return c2c_err_at(err, C2C_EUSAGE, "values", "--value '%s' is not SYMBOL=VALUE UNIT (e.g. FC=20000 Nm3)",
				  text);
	at = memchr(text, '@', (size_t)(eq - text));
	slen = (size_t)((at ? at : eq) - text);
	if (slen >= sizeof(g->symbol) || (at && ((size_t)(eq - at - 1) >= sizeof(g->meter_id) || eq == at + 1)) ||
	    (at && !mrv_meter_id_ok(at + 1, (size_t)(eq - at - 1))))
		return c2c_err_at(err, C2C_EUSAGE, "values", "--value '%s' is not SYMBOL[@METER]=VALUE UNIT", text);
	memcpy(g->symbol, text, slen);
	if (at)
		memcpy(g->meter_id, at + 1, (size_t)(eq - at - 1));
	num = eq + 1;
	for (u = num; (*u >= '0' && *u <= '9') || *u == '.' || *u == '-'; u++)
		;
	if (u == num || (size_t)(u - num) >= sizeof(g->value))
		return c2c_err_at(err, C2C_EUSAGE, "values", "--value %s: '%s' does not start with a decimal", g->symbol,
				  num);
	memcpy(g->value, num, (size_t)(u - num));
	while (*u == ' ')
		u++;
	if (!*u)
		return c2c_err_at(err, C2C_EUSAGE, "values", "--value %s=%s: the unit is missing (write it after the "
				  "value, %s=%s UNIT, in the unit of %s)", g->symbol, g->value, g->symbol, g->value, g->symbol);
	if (strlen(u) >= sizeof(g->unit))
		return c2c_err_at(err, C2C_EUSAGE, "values", "--value %s: '%s' is not a unit", g->symbol, u);
	snprintf(g->unit, sizeof(g->unit), "%s", u);
	return 0;
}

/* "FC" or "FC@GE-1", for messages. */
static const char *name_of(const struct mrv_given_value *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", g->symbol, g->meter_id[0] ? "@" : "", g->meter_id);
	return buf;
}

int mrv_given_micro(const struct mrv_methodology *m, const struct mrv_given_value *g, size_t *idx, int64_t *micro,
		    struct c2c_err *err)
{
	const struct mrv_param *p = mrv_param_find(m, g->symbol, idx);
	char name[96], list[256] = "";
	int64_t div = 1;

	name_of(g, name, sizeof(name));
	if (!p || !p->monitored) {
		for (size_t i = 0; i < m->nparams; i++)
			if (m->params[i].monitored)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s (%s)", list[0] ? ", " : "",
					 m->params[i].symbol, m->params[i].unit);
		if (p)
			return c2c_err_at(err, C2C_EUSAGE, "values", "%s: %s is fixed ex ante, not monitored: the project "
					  "gives it (c2c mrv project add --param); %s monitors %s", name, p->symbol,
					  m->id, list);
		return c2c_err_at(err, C2C_EUSAGE, "values", "%s: %s monitors no parameter %s (it monitors %s)", name,
				  m->id, g->symbol, list);
	}
	if (strcmp(g->unit, p->unit)) {
		if (!strcmp(p->unit, "MWh") && !strcmp(g->unit, "kWh"))
			div = 1000;
		else if (!strcmp(p->unit, "kL") && !strcmp(g->unit, "L"))
			div = 1000;
		else
			return c2c_err_at(err, C2C_EUSAGE, "values", "%s=%s %s: %s is in %s, not %s", name, g->value, g->unit,
					  p->symbol, p->unit, g->unit);
	}
	if (mrv_parse_micro(g->value, strlen(g->value), 1, micro) || *micro < 0)
		return c2c_err_at(err, C2C_EUSAGE, "values", "%s=%s: not a non-negative decimal with at most 6 decimals",
				  name, g->value);
	if (*micro % div)
		return c2c_err_at(err, C2C_EUSAGE, "values", "%s=%s %s is %s with more than 6 decimals: give it in %s",
				  name, g->value, g->unit, p->unit, p->unit);
	*micro /= div;
	return 0;
}

json_t *mrv_given_json(const struct mrv_given_value *g, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "symbol", g[i].symbol, "value", g[i].value, "unit", g[i].unit);
		if (g[i].meter_id[0])
			json_object_set_new(o, "meter_id", json_string(g[i].meter_id));
		json_array_append_new(a, o);
	}
	return a;
}

static const char *text_of(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

int mrv_given_from_json(json_t *a, struct mrv_given_value **out, size_t *n, struct c2c_err *err)
{
	size_t i;
	json_t *o;
	*out = NULL;
	*n = 0;
	if (!json_is_array(a) || !json_array_size(a))
		return 0;
	if (!(*out = calloc(json_array_size(a), sizeof(**out))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	json_array_foreach(a, i, o) {
		struct mrv_given_value *g = &(*out)[i];
		snprintf(g->symbol, sizeof(g->symbol), "%s", text_of(o, "symbol"));
		snprintf(g->value, sizeof(g->value), "%s", text_of(o, "value"));
		snprintf(g->unit, sizeof(g->unit), "%s", text_of(o, "unit"));
		snprintf(g->meter_id, sizeof(g->meter_id), "%s", text_of(o, "meter_id"));
	}
	*n = i;
	return 0;
}
