/*
 * test_formula.c - the methodology files and their one evaluator
 * (mrv/methfile.c, mrv/formula.c) against hand-computed cases: every
 * built-in file reads; exact arithmetic where binary floating point would
 * drift (0.1 + 0.2 is 0.3, 1/3 x 3 is 1); sums over units exact within a
 * divisor and rounded once per divisor; min and max; division by zero and
 * overflow refused with a message; and files refused with file, line and
 * reason (unknown parameter, unit mismatch, a formula that does not parse,
 * too deep a nesting).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mrv/mrv.h"

/* A file with parameters A (monitored, MWh), B (tCO2/MWh), C and D (-),
 * and the given formulas after them (then, with use_all, one that uses
 * every parameter, since a parameter no formula uses is refused). */
static int parse_file(const char *formulas, int use_all, struct mrv_methodology *m, struct c2c_err *err)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "id: T_AM001\ntitle: test\nsource: test\n"
		 "param A\n  description: a\n  unit: MWh\n  kind: monitored\n  source: s\n"
		 "param B\n  description: b\n  unit: tCO2/MWh\n  kind: methodology\n  per_unit: yes\n  source: s\n"
		 "param C\n  description: c\n  unit: -\n  kind: project\n  per_unit: yes\n  source: s\n"
		 "param D\n  description: d\n  unit: -\n  kind: project\n  source: s\n%s%s",
		 formulas, use_all ? "formula USE_ALL = A * B * C * D\n" : "");
	return mrv_methodology_parse("t.meth", text, strlen(text), m, err);
}

static int parse(const char *formulas, struct mrv_methodology *m, struct c2c_err *err)
{
	return parse_file(formulas, 1, m, err);
}

/* RE and PE of one unit with A, B, C, D given in millionths */
static struct mrv_result one(const char *formulas, int64_t a, int64_t b, int64_t c, int64_t d, int *rc,
			     struct c2c_err *err)
{
	struct mrv_methodology m;
	struct mrv_result r;
	int64_t pv[1][MRV_MAX_PARAMS] = {{a, b, c, d}};
	memset(&r, 0, sizeof(r));
	assert_int_equal(parse(formulas, &m, err), 0);
	*rc = mrv_equation_units(&m, 1, &a, (const int64_t(*)[MRV_MAX_PARAMS])pv, &r, err);
	mrv_methodology_release(&m);
	return r;
}

static void test_builtin_files_read(void **state)
{
	size_t n;
	struct c2c_err err;
	const struct mrv_methodology *t = mrv_methodologies(&n);
	(void)state;
	assert_int_equal(mrv_catalog_error(&err), 0);
	assert_int_equal(n, mrv_builtin_nfiles);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].source);
		assert_true(t[i].ncalcs >= 2);
	}
	/* TH_AM016 has its own title now, not ID_AM020's */
	assert_string_not_equal(mrv_methodology_find("TH_AM016")->title, mrv_methodology_find("ID_AM020")->title);
}

static void test_exact(void **state)
{
	struct c2c_err err;
	struct mrv_result r;
	int rc;
	(void)state;
	/* (0.1 + 0.1 x 2) MWh x 1 tCO2/MWh: 0.3 t exactly (binary floating point gives 0.30000000000000004) */
	r = one("formula RE = (A + A * C) * B\nformula PE = 0\n", 100000, 1000000, 2000000, 1000000, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.re_micro, 300000);
	/* 1/3 x 3 is 1 exactly: 1 MWh x (1/3) x 3 x 1 t/MWh */
	r = one("formula RE = A * (C / D) * 3 * B\nformula PE = 0\n", 1000000, 1000000, 1000000, 3000000, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.re_micro, 1000000);
	assert_int_equal(r.er_tco2e, 1);
	/* min and max pick exactly; PE is rounded up: 1/3 t -> 0.333334 */
	r = one("formula RE = min(A * B * C, A * B * D)\nformula PE = max(A * B / 3, 0)\n", 2000000, 1000000, 3000000, 2500000,
		&rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(r.re_micro, 5000000);
	assert_int_equal(r.pe_micro, 666667);
	assert_int_equal(r.er_micro, 4333333);
}

static void test_units_grouped(void **state)
{
	struct mrv_methodology m;
	struct mrv_result r;
	struct c2c_err err;
	int64_t q[3] = {1000000, 1000000, 1000000};
	/* C/D per unit: 1/3, 2/3 (same divisor: summed before the division, 1 exactly) and 1/6 (its own) */
	int64_t pv[3][MRV_MAX_PARAMS] = {{0, 1000000, 1000000, 3000000}, {0, 1000000, 2000000, 3000000},
					 {0, 1000000, 1000000, 6000000}};
	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(parse("formula RE = A * B * C / D\nformula PE = 0\n", &m, &err), 0);
	assert_int_equal(mrv_equation_units(&m, 2, q, (const int64_t(*)[MRV_MAX_PARAMS])pv, &r, &err), 0);
	assert_int_equal(r.re_micro, 1000000);
	/* with 1/6 beside: 1 + 0.166666666666 (1e-12, rounded down once for its divisor) -> 1.166666 */
	assert_int_equal(mrv_equation_units(&m, 3, q, (const int64_t(*)[MRV_MAX_PARAMS])pv, &r, &err), 0);
	assert_int_equal(r.re_micro, 1166666);
	mrv_methodology_release(&m);
}

static void test_refusals(void **state)
{
	struct mrv_methodology m;
	struct c2c_err err;
	struct mrv_result r;
	int rc;
	(void)state;
	/* a division by zero, said so */
	r = one("formula RE = A * B / (C - C)\nformula PE = 0\n", 1000000, 1000000, 1000000, 1000000, &rc, &err);
	(void)r;
	assert_int_equal(rc, C2C_EINPUT);
	assert_non_null(strstr(err.msg, "division by zero"));
	/* an overflow, said so, never a wrapped number */
	r = one("formula RE = A * B * C * C * C * C * C * C * C * C\nformula PE = 0\n", 999999999999, 999999999, 999999999,
		1, &rc, &err);
	assert_int_equal(rc, C2C_EINPUT);
	assert_non_null(strstr(err.msg, "overflows"));
	/* files: line 26 is the first formula, 21 the parameter D */
	assert_int_equal(parse("formula RE = A * B * X\nformula PE = 0\n", &m, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "t.meth:26: unknown parameter X (neither a parameter of the file nor a formula above "
				     "this line)");
	assert_int_equal(parse("formula RE = A * B + A\nformula PE = 0\n", &m, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "t.meth:26: unit mismatch: tCO2 + MWh: both sides must have one unit");
	assert_int_equal(parse("formula RE = A * B\nformula PE = A * B *\n", &m, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "t.meth:27: the formula ends too early at column 8");
	assert_int_equal(parse("formula RE = A * B\nformula PE = A\n", &m, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "t.meth:27: unit mismatch: PE is in MWh, not in tCO2");
	assert_int_equal(parse_file("formula RE = A * B * C\nformula PE = 0\n", 0, &m, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "t.meth:21: parameter D is used by no formula");
	assert_int_equal(parse("formula RE = ((((((((((((((((((((((((((((((((((A * B * C * D))))))))))))))))))))))))))))))))))"
			       "\nformula PE = 0\n", &m, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "t.meth:26: more than 32 nested"));
	/* a unit of more base symbols than the checker holds is refused, never half-compared */
	{
		static const char f[] = "id: U\ntitle: t\nsource: s\nparam A\n  description: a\n"
					"  unit: a*b*c*d*e*f*g\n  kind: monitored\n  source: s\n"
					"formula RE = A * 0\nformula PE = 0\n";
		assert_int_equal(mrv_methodology_parse("u.meth", f, sizeof(f) - 1, &m, &err), C2C_EINPUT);
		assert_string_equal(err.msg, "u.meth:6: unit 'a*b*c*d*e*f*g' does not read (a unit is like MWh, "
					     "tCO2/MWh, GJ/kL or -)");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_files_read),
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_units_grouped),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
