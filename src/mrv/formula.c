/*
 * formula.c - the one evaluator of methodology formulas: parses a formula
 * once into a small expression tree, checks its units, and evaluates it
 * exactly for each unit i (meter) of a monitoring period.
 *
 * Why exact: credits are whole tonnes rounded down, so 99.9999999 t must
 * give 99 on every machine; binary floating point cannot promise that.  A
 * value is num x 10^-exp / den with 128-bit integers, never reduced by a gcd:
 * the denominator then is the product of the divisors' values as given (the
 * reference COP of unit i, say), so units that share a divisor are summed
 * exactly before the one division, as the monitoring spreadsheets do, and
 * units with different divisors are each rounded (mrv_calc_sum).  Parsed
 * once per methodology, evaluated once per unit after the ingest, never per
 * row.
 */
#include "formula.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum node_kind { N_NUM, N_PARAM, N_CALC, N_ADD, N_SUB, N_MUL, N_DIV, N_NEG, N_MIN, N_MAX };

struct mrv_expr {
	enum node_kind kind;
	int idx;                /* N_PARAM, N_CALC */
	struct mrv_value num;   /* N_NUM */
	struct mrv_expr *a, *b;
};

/* --- units ---------------------------------------------------------------- */

/* A unit as base symbols with exponents: "tCO2/MWh" = tCO2^1 MWh^-1. */
#define UNIT_MAX 6
struct unit {
	int n;
	int overflow; /* more base symbols than UNIT_MAX: equal to no unit */
	char sym[UNIT_MAX][16];
	int exp[UNIT_MAX];
};

static void unit_add(struct unit *u, const char *s, size_t len, int e)
{
	char b[16];
	if (len >= sizeof(b))
		len = sizeof(b) - 1;
	memcpy(b, s, len);
	b[len] = 0;
	if (!strcmp(b, "tCO2e")) /* the JCM writes both for the same tonne */
		b[4] = 0;
	for (int i = 0; i < u->n; i++)
		if (!strcmp(u->sym[i], b)) {
			u->exp[i] += e;
			return;
		}
	if (u->n < UNIT_MAX) {
		memcpy(u->sym[u->n], b, sizeof(b));
		u->exp[u->n++] = e;
	} else {
		u->overflow = 1;
	}
}

/* "-" or "" is dimensionless; factors are joined by '*' or '/' */
static int unit_parse(const char *s, struct unit *u)
{
	int sign = 1;
	memset(u, 0, sizeof(*u));
	if (!*s || !strcmp(s, "-"))
		return 0;
	while (*s) {
		size_t len = strcspn(s, "*/");
		if (!len)
			return -1;
		for (size_t i = 0; i < len; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '_')
				return -1;
		unit_add(u, s, len, sign);
		s += len;
		if (*s == '/')
			sign = -1;
		else if (*s == '*')
			sign = 1;
		else
			break;
		s++;
		if (!*s)
			return -1;
	}
	return 0;
}

int mrv_unit_check(const char *s)
{
	struct unit u;
	return unit_parse(s, &u) || u.overflow ? -1 : 0;
}

static int unit_same(const struct unit *a, const struct unit *b)
{
	if (a->overflow || b->overflow)
		return 0;
	for (int i = 0; i < a->n; i++) {
		int e = 0;
		for (int j = 0; j < b->n; j++)
			if (!strcmp(a->sym[i], b->sym[j]))
				e = b->exp[j];
		if (e != a->exp[i])
			return 0;
	}
	for (int j = 0; j < b->n; j++) {
		int e = 0;
		for (int i = 0; i < a->n; i++)
			if (!strcmp(a->sym[i], b->sym[j]))
				e = a->exp[i];
		if (e != b->exp[j])
			return 0;
	}
	return 1;
}

static void unit_combine(struct unit *a, const struct unit *b, int sign)
{
	a->overflow |= b->overflow;
	for (int j = 0; j < b->n; j++)
		unit_add(a, b->sym[j], strlen(b->sym[j]), sign * b->exp[j]);
}

static void unit_format(const struct unit *u, char *buf, size_t len)
{
	size_t o = 0;
	int any = 0;
	buf[0] = 0;
	if (u->overflow) {
		snprintf(buf, len, "(more than %d units)", UNIT_MAX);
		return;
	}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < u->n; i++) {
			int e = u->exp[i];
			if (!e || (pass == 0) != (e > 0))
				continue;
			for (int k = 0; k < abs(e) && o + 20 < len; k++) {
				o += (size_t)snprintf(buf + o, len - o, "%s%s", !any ? (pass ? "1/" : "") : pass ? "/" : "*",
						      u->sym[i]);
				any = 1;
			}
		}
	if (!any)
		snprintf(buf, len, "-");
}

/* --- parsing -------------------------------------------------------------- */

struct parser {
	const char *s, *start;
	const struct mrv_symbols *syms;
	struct c2c_err *err;
	const char *where; /* "FILE:LINE" */
	int failed;
	int depth;         /* of parentheses, unary minus, min and max */
};

/* A formula of a methodology is a line a person reads: bounded, so that
 * parsing and evaluating (both recursive) stay shallow on any input. */
#define FORMULA_MAX_LEN 1000
#define FORMULA_MAX_DEPTH 32

static struct mrv_expr *node(enum node_kind k, struct mrv_expr *a, struct mrv_expr *b)
{
	struct mrv_expr *e = calloc(1, sizeof(*e));
	if (!e) {
		mrv_expr_free(a);
		mrv_expr_free(b);
		return NULL;
	}
	e->kind = k;
	e->a = a;
	e->b = b;
	return e;
}

void mrv_expr_free(struct mrv_expr *e)
{
	if (!e)
		return;
	mrv_expr_free(e->a);
	mrv_expr_free(e->b);
	free(e);
}

static void skip(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t')
		p->s++;
}

static struct mrv_expr *fail(struct parser *p, const char *what)
{
	if (!p->failed)
		c2c_err_set(p->err, C2C_EINPUT, "%s: %s at column %d", p->where, what, (int)(p->s - p->start) + 1);
	p->failed = 1;
	return NULL;
}

static struct mrv_expr *parse_sum(struct parser *p);

static struct mrv_expr *parse_number(struct parser *p)
{
	const char *s = p->s;
	__int128 num = 0;
	int exp = 0, dot = 0, digits = 0;
	struct mrv_expr *e;
	for (; isdigit((unsigned char)*s) || (*s == '.' && !dot); s++) {
		if (*s == '.') {
			dot = 1;
			continue;
		}
		if (++digits > 30)
			return fail(p, "a number with more than 30 digits");
		num = num * 10 + (*s - '0');
		exp += dot;
	}
	if (!digits || s[-1] == '.')
		return fail(p, "a number like 12 or 0.5 expected");
	p->s = s;
	if (!(e = node(N_NUM, NULL, NULL)))
		return fail(p, "out of memory");
	e->num.num = num;
	e->num.exp = exp;
	e->num.den = 1;
	return e;
}

static struct mrv_expr *parse_factor(struct parser *p)
{
	struct mrv_expr *e;
	skip(p);
	if ((*p->s == '(' || *p->s == '-') && p->depth >= FORMULA_MAX_DEPTH)
		return fail(p, "more than 32 nested parentheses, minus signs, min or max");
	if (*p->s == '(') {
		p->s++;
		p->depth++;
		e = parse_sum(p);
		p->depth--;
		if (!e)
			return NULL;
		skip(p);
		if (*p->s != ')') {
			mrv_expr_free(e);
			return fail(p, "')' expected");
		}
		p->s++;
		return e;
	}
	if (*p->s == '-') {
		p->s++;
		p->depth++;
		e = parse_factor(p);
		p->depth--;
		if (!e)
			return NULL;
		return node(N_NEG, e, NULL);
	}
	if (isdigit((unsigned char)*p->s) || *p->s == '.')
		return parse_number(p);
	if (isalpha((unsigned char)*p->s) || *p->s == '_') {
		const char *b = p->s;
		char name[32];
		size_t len;
		int idx;
		while (isalnum((unsigned char)*p->s) || *p->s == '_')
			p->s++;
		len = (size_t)(p->s - b);
		if (len >= sizeof(name)) {
			p->s = b;
			return fail(p, "a name longer than 31 characters");
		}
		memcpy(name, b, len);
		name[len] = 0;
		skip(p);
		if (*p->s == '(' && (!strcasecmp(name, "min") || !strcasecmp(name, "max"))) {
			struct mrv_expr *x, *y;
			if (p->depth >= FORMULA_MAX_DEPTH)
				return fail(p, "more than 32 nested parentheses, minus signs, min or max");
			p->s++;
			p->depth++;
			x = parse_sum(p);
			p->depth--;
			if (!x)
				return NULL;
			skip(p);
			if (*p->s != ',') {
				mrv_expr_free(x);
				return fail(p, "',' expected between the two values of min or max");
			}
			p->s++;
			p->depth++;
			y = parse_sum(p);
			p->depth--;
			if (!y) {
				mrv_expr_free(x);
				return NULL;
			}
			skip(p);
			if (*p->s != ')') {
				mrv_expr_free(x);
				mrv_expr_free(y);
				return fail(p, "')' expected");
			}
			p->s++;
			return node(!strcasecmp(name, "min") ? N_MIN : N_MAX, x, y);
		}
		if ((idx = p->syms->lookup(p->syms->ctx, name, 0)) >= 0) {
			if (!(e = node(N_PARAM, NULL, NULL)))
				return fail(p, "out of memory");
			e->idx = idx;
			return e;
		}
		if ((idx = p->syms->lookup(p->syms->ctx, name, 1)) >= 0) {
			if (!(e = node(N_CALC, NULL, NULL)))
				return fail(p, "out of memory");
			e->idx = idx;
			return e;
		}
		if (!p->failed)
			c2c_err_set(p->err, C2C_EINPUT, "%s: unknown parameter %s (neither a parameter of the file nor a "
				    "formula above this line)", p->where, name);
		p->failed = 1;
		return NULL;
	}
	return fail(p, *p->s ? "a number, a parameter or '(' expected" : "the formula ends too early");
}

static struct mrv_expr *parse_product(struct parser *p)
{
	struct mrv_expr *e = parse_factor(p), *r;
	while (e) {
		char op;
		skip(p);
		op = *p->s;
		if (op != '*' && op != '/')
			break;
		p->s++;
		if (!(r = parse_factor(p))) {
			mrv_expr_free(e);
			return NULL;
		}
		e = node(op == '*' ? N_MUL : N_DIV, e, r);
	}
	return e;
}

static struct mrv_expr *parse_sum(struct parser *p)
{
	struct mrv_expr *e = parse_product(p), *r;
	while (e) {
		char op;
		skip(p);
		op = *p->s;
		if (op != '+' && op != '-')
			break;
		p->s++;
		if (!(r = parse_product(p))) {
			mrv_expr_free(e);
			return NULL;
		}
		e = node(op == '+' ? N_ADD : N_SUB, e, r);
	}
	return e;
}

struct mrv_expr *mrv_expr_parse(const char *text, const struct mrv_symbols *syms, const char *where,
				struct c2c_err *err)
{
	struct parser p = {.s = text, .start = text, .syms = syms, .err = err, .where = where};
	struct mrv_expr *e;
	if (strlen(text) > FORMULA_MAX_LEN) {
		c2c_err_set(err, C2C_EINPUT, "%s: a formula longer than %d characters", where, FORMULA_MAX_LEN);
		return NULL;
	}
	e = parse_sum(&p);
	if (!e) {
		if (!p.failed)
			c2c_err_set(err, C2C_ENOMEM, "%s: out of memory", where);
		return NULL;
	}
	skip(&p);
	if (*p.s) {
		mrv_expr_free(e);
		fail(&p, "an operator (+ - * /) or the end of the formula expected");
		return NULL;
	}
	return e;
}

/* The unit of e; numbers are dimensionless, except that a bare 0 fits any
 * unit (PE_p = 0).  *zero tells the caller e is that bare 0. */
static int unit_of(const struct mrv_expr *e, const struct mrv_symbols *syms, struct unit *u, int *zero,
		   const char *where, struct c2c_err *err)
{
	struct unit a, b;
	int za = 0, zb = 0;
	char fa[64], fb[64];
	*zero = 0;
	switch (e->kind) {
	case N_NUM:
		memset(u, 0, sizeof(*u));
		*zero = e->num.num == 0;
		return 0;
	case N_PARAM:
	case N_CALC:
		return unit_parse(syms->unit(syms->ctx, e->idx, e->kind == N_CALC), u) ? -1 : 0;
	case N_NEG:
		return unit_of(e->a, syms, u, zero, where, err);
	default:
		break;
	}
	if (unit_of(e->a, syms, &a, &za, where, err) || unit_of(e->b, syms, &b, &zb, where, err))
		return -1;
	if (e->kind == N_MUL || e->kind == N_DIV) {
		*u = a;
		unit_combine(u, &b, e->kind == N_MUL ? 1 : -1);
		*zero = za;
		return 0;
	}
	if (za) {
		*u = b;
		*zero = zb;
		return 0;
	}
	if (zb || unit_same(&a, &b)) {
		*u = a;
		return 0;
	}
	unit_format(&a, fa, sizeof(fa));
	unit_format(&b, fb, sizeof(fb));
	if (e->kind == N_MIN || e->kind == N_MAX)
		c2c_err_set(err, C2C_EINPUT, "%s: unit mismatch: %s(%s, %s): both values must have one unit", where,
			    e->kind == N_MIN ? "min" : "max", fa, fb);
	else
		c2c_err_set(err, C2C_EINPUT, "%s: unit mismatch: %s %s %s: both sides must have one unit", where, fa,
			    e->kind == N_ADD ? "+" : "-", fb);
	return -1;
}

int mrv_expr_unit(const struct mrv_expr *e, const struct mrv_symbols *syms, char *buf, size_t len,
		  const char *where, struct c2c_err *err)
{
	struct unit u;
	int zero;
	if (unit_of(e, syms, &u, &zero, where, err)) {
		if (!err->msg[0] || err->code == 0)
			c2c_err_set(err, C2C_EINPUT, "%s: a unit that does not read", where);
		return C2C_EINPUT;
	}
	if (zero)
		snprintf(buf, len, "0");
	else
		unit_format(&u, buf, len);
	return 0;
}

int mrv_unit_equal(const char *a, const char *b)
{
	struct unit ua, ub;
	if (!strcmp(a, "0") || !strcmp(b, "0"))
		return 1;
	if (unit_parse(a, &ua) || unit_parse(b, &ub))
		return 0;
	return unit_same(&ua, &ub);
}

/* --- exact evaluation ----------------------------------------------------- */

static int overflow(struct c2c_err *err)
{
	return c2c_err_set(err, C2C_EINPUT, "the calculation overflows: the inputs are far too large");
}

static int pow10_128(int n, __int128 *out)
{
	__int128 v = 1;
	if (n < 0 || n > 37)
		return -1;
	while (n--)
		v *= 10;
	*out = v;
	return 0;
}

/* Brings a and b to the same exponent (the larger), multiplying a numerator
 * by a power of ten; -1 on overflow. */
static int align(struct mrv_value *a, struct mrv_value *b)
{
	__int128 f;
	struct mrv_value *lo = a->exp < b->exp ? a : b, *hi = lo == a ? b : a;
	if (lo->exp == hi->exp)
		return 0;
	if (pow10_128(hi->exp - lo->exp, &f) || __builtin_mul_overflow(lo->num, f, &lo->num))
		return -1;
	lo->exp = hi->exp;
	return 0;
}

/* a + sign*b exactly */
static int v_add(struct mrv_value a, struct mrv_value b, int sign, struct mrv_value *out)
{
	__int128 x, y;
	if (sign < 0)
		b.num = -b.num;
	if (align(&a, &b))
		return -1;
	if (a.den == b.den) {
		if (__builtin_add_overflow(a.num, b.num, &out->num))
			return -1;
		out->den = a.den;
	} else {
		if (__builtin_mul_overflow(a.num, b.den, &x) || __builtin_mul_overflow(b.num, a.den, &y) ||
		    __builtin_add_overflow(x, y, &out->num) || __builtin_mul_overflow(a.den, b.den, &out->den))
			return -1;
	}
	out->exp = a.exp;
	return 0;
}

static int v_cmp(struct mrv_value a, struct mrv_value b, int *c)
{
	struct mrv_value d;
	if (v_add(a, b, -1, &d))
		return -1;
	*c = (d.num > 0) - (d.num < 0);
	return 0;
}

static int eval(const struct mrv_expr *e, const int64_t *pv, const struct mrv_value *cv, struct mrv_value *out,
		struct c2c_err *err)
{
	struct mrv_value a, b;
	int rc, c;
	switch (e->kind) {
	case N_NUM:
		*out = e->num;
		return 0;
	case N_PARAM:
		out->num = pv[e->idx];
		out->exp = 6; /* millionths */
		out->den = 1;
		return 0;
	case N_CALC:
		*out = cv[e->idx];
		return 0;
	case N_NEG:
		if ((rc = eval(e->a, pv, cv, out, err)))
			return rc;
		out->num = -out->num;
		return 0;
	default:
		break;
	}
	if ((rc = eval(e->a, pv, cv, &a, err)) || (rc = eval(e->b, pv, cv, &b, err)))
		return rc;
	switch (e->kind) {
	case N_ADD:
	case N_SUB:
		return v_add(a, b, e->kind == N_ADD ? 1 : -1, out) ? overflow(err) : 0;
	case N_MUL:
		if (__builtin_mul_overflow(a.num, b.num, &out->num) || __builtin_mul_overflow(a.den, b.den, &out->den) ||
		    a.exp + b.exp > 120)
			return overflow(err);
		out->exp = a.exp + b.exp;
		return 0;
	case N_DIV: /* (na 10^-ea / da) / (nb 10^-eb / db) = na db 10^-(ea-eb) / (da nb) */
		if (b.num == 0)
			return c2c_err_set(err, C2C_EINPUT, "a division by zero: a divisor of the formula is zero");
		if (b.num < 0) {
			b.num = -b.num;
			a.num = -a.num;
		}
		if (__builtin_mul_overflow(a.num, b.den, &out->num) || __builtin_mul_overflow(a.den, b.num, &out->den))
			return overflow(err);
		out->exp = a.exp - b.exp;
		if (out->exp < 0) {
			__int128 f;
			if (pow10_128(-out->exp, &f) || __builtin_mul_overflow(out->num, f, &out->num))
				return overflow(err);
			out->exp = 0;
		}
		return 0;
	case N_MIN:
	case N_MAX:
		if (v_cmp(a, b, &c))
			return overflow(err);
		*out = (e->kind == N_MIN) == (c <= 0) ? a : b;
		return 0;
	default:
		return c2c_err_set(err, C2C_EINTERNAL, "formula: unknown node");
	}
}

int mrv_expr_eval(const struct mrv_expr *e, const int64_t *param_micro, const struct mrv_value *calc,
		  struct mrv_value *out, struct c2c_err *err)
{
	return eval(e, param_micro, calc, out, err);
}

static __int128 floor_div(__int128 a, __int128 b)
{
	__int128 q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* floor (or ceil when up) of v in units of 10^-12, exactly */
int mrv_value_pico(struct mrv_value v, int up, __int128 *out)
{
	__int128 f, n = up ? -v.num : v.num, q;
	if (v.exp <= 12) {
		if (pow10_128(12 - v.exp, &f) || __builtin_mul_overflow(n, f, &n))
			return -1;
		q = floor_div(n, v.den);
	} else {
		__int128 d;
		if (pow10_128(v.exp - 12, &f) || __builtin_mul_overflow(v.den, f, &d))
			return -1;
		q = floor_div(n, d);
	}
	*out = up ? -q : q;
	return 0;
}

static int cmp_terms(const void *a, const void *b)
{
	const struct mrv_value *x = a, *y = b;
	if (x->den != y->den)
		return x->den < y->den ? -1 : 1;
	return (x->exp > y->exp) - (x->exp < y->exp);
}

/* Sums the units' values: exactly among units of one denominator, each
 * denominator's sum then rounded (down, or up when `up`) to 1e-12 t.  t is
 * reordered. */
int mrv_calc_sum(struct mrv_value *t, size_t n, int up, __int128 *out, struct c2c_err *err)
{
	__int128 acc = 0, g;
	qsort(t, n, sizeof(*t), cmp_terms);
	for (size_t i = 0; i < n;) {
		struct mrv_value s = t[i];
		size_t j = i + 1;
		for (; j < n && t[j].den == s.den; j++)
			if (v_add(s, t[j], 1, &s))
				return overflow(err);
		if (mrv_value_pico(s, up, &g) || __builtin_add_overflow(acc, g, &acc))
			return overflow(err);
		i = j;
	}
	*out = acc;
	return 0;
}
