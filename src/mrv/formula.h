/*
 * formula.h - methodology formulas (formula.c): parsed once into a tree,
 * their units checked, evaluated exactly per unit i.  Private to src/mrv.
 */
#ifndef C2C_MRV_FORMULA_H
#define C2C_MRV_FORMULA_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* An exact value: num x 10^-exp / den, den > 0, never reduced (see formula.c). */
struct mrv_value {
	__int128 num, den;
	int exp;
};

struct mrv_expr;

/* How the parser resolves a name: lookup returns the index of a parameter
 * (calc = 0) or of a formula defined above (calc = 1), or -1; unit gives the
 * unit text of either. */
struct mrv_symbols {
	void *ctx;
	int (*lookup)(void *ctx, const char *name, int calc);
	const char *(*unit)(void *ctx, int idx, int calc);
};

/* NULL on a formula that does not parse or names an unknown parameter; err
 * then names `where` ("data/mrv/X.meth:12") and the column. */
struct mrv_expr *mrv_expr_parse(const char *text, const struct mrv_symbols *syms, const char *where,
				struct c2c_err *err);
void mrv_expr_free(struct mrv_expr *e);
/* The formula's unit ("tCO2", "-", or "0" for a bare zero that fits any);
 * refuses + - min max between different units, naming `where`. */
int mrv_expr_unit(const struct mrv_expr *e, const struct mrv_symbols *syms, char *buf, size_t len,
		  const char *where, struct c2c_err *err);
/* 1 when the two unit texts are one unit ("tCO2e" is "tCO2"; "0" fits any). */
int mrv_unit_equal(const char *a, const char *b);
/* 0 when s reads as a unit: "-", "MWh", "tCO2/MWh", "GJ/kL". */
int mrv_unit_check(const char *s);

/* param_micro[i]: parameter i in millionths; calc[j]: formula j's value for
 * the same unit, computed before. */
int mrv_expr_eval(const struct mrv_expr *e, const int64_t *param_micro, const struct mrv_value *calc,
		  struct mrv_value *out, struct c2c_err *err);
/* v in 1e-12, rounded down (up when `up`); -1 on overflow. */
int mrv_value_pico(struct mrv_value v, int up, __int128 *out);
/* The sum over units in 1e-12, exact within one denominator, each
 * denominator's sum rounded once; reorders t. */
int mrv_calc_sum(struct mrv_value *t, size_t n, int up, __int128 *out, struct c2c_err *err);

#endif
