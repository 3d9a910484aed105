/*
 * fuzz_methodology.c - libFuzzer target for the methodology files
 * (mrv/methfile.c) and the formula evaluator behind them (mrv/formula.c):
 * a file from $C2C_MRV_DIR is read by every mrv command, and its formulas
 * decide credits, so a crash, a leak or a result that does not add up
 * must never come from one.
 *
 * The input is the file.  When it reads, its formulas are evaluated for one
 * unit and for three (the first three bytes vary the values), and the
 * result must obey the rounding: RE down and PE up to millionths can only
 * lose against ER floored from the exact difference, and whole tonnes are
 * the millionths floored.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mrv/mrv.h"

static int64_t floor_div6(int64_t a)
{
	int64_t q = a / MRV_SCALE;
	return (a % MRV_SCALE != 0 && a < 0) ? q - 1 : q;
}

static void check(const struct mrv_methodology *m, size_t n, const int64_t *q, const int64_t (*pv)[MRV_MAX_PARAMS])
{
	struct mrv_result r;
	struct c2c_err err;
	memset(&r, 0, sizeof(r));
	if (mrv_equation_units(m, n, q, pv, &r, &err)) {
		if (!err.msg[0])
			abort(); /* an error must say what it is */
		return;
	}
	if (r.re_micro - r.pe_micro > r.er_micro || floor_div6(r.er_micro) != r.er_tco2e)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mrv_methodology m;
	struct c2c_err err;
	int64_t q[3], pv[3][MRV_MAX_PARAMS];

	if (mrv_methodology_parse("fuzz.meth", (const char *)data, size, &m, &err)) {
		if (!err.msg[0] || !strstr(err.msg, "fuzz.meth"))
			abort(); /* a refusal names the file */
		return 0;
	}
	for (size_t k = 0; k < 3; k++) {
		uint8_t b = size > k ? data[k] : 1;
		q[k] = (int64_t)b * 1234567;
		for (size_t i = 0; i < MRV_MAX_PARAMS; i++)
			pv[k][i] = 1 + (int64_t)((b + i * 37) % 251) * 9973;
	}
	check(&m, 1, q, (const int64_t(*)[MRV_MAX_PARAMS])pv);
	check(&m, 3, q, (const int64_t(*)[MRV_MAX_PARAMS])pv);
	mrv_methodology_release(&m);
	return 0;
}
