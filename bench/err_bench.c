/*
 * err_bench.c - what setting an error costs now that it is formatted in two
 * languages (core/lang.c's catalogue): c2c_err_at with a catalogued format
 * (hash lookup + an English and a Japanese vsnprintf), with a format the
 * catalogue lacks (hash lookup + English only), and the baseline beside
 * them: what err.c did before, the English and the field alone (old_err_at).
 * usage: build/bench/err_bench [ITERATIONS]
 */
#include "core/err.h"
#include "core/lang.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* c2c_err_at as it was before the catalogue: English only */
__attribute__((format(printf, 4, 5)))
static void old_err_at(struct c2c_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	err->code = code;
	err->msg[0] = err->detail[0] = err->hint[0] = err->field[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	snprintf(err->field, sizeof(err->field), "%s", field);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	struct c2c_err err;
	volatile size_t sink = 0;
	double t0, base, hit, miss;

	c2c_err_clear(&err);
	(void)c2c_msg_ja("warm"); /* the table is built once, outside the timing */
	/* the best of five rounds: the machine is shared */
	base = hit = miss = 1e9;
	for (int round = 0; round < 5; round++) {
		double t;
		t0 = now();
		for (long i = 0; i < n; i++) {
			old_err_at(&err, C2C_EINPUT, "id", "account id '%s': use 3 to 40 of A-Z, 0-9 and '-'", (i & 1) ? "jp x" : "a");
			sink += (unsigned char)err.msg[12];
		}
		if ((t = now() - t0) < base)
			base = t;
		t0 = now();
		for (long i = 0; i < n; i++) {
			c2c_err_at(&err, C2C_EINPUT, "id", "account id '%s': use 3 to 40 of A-Z, 0-9 and '-'", (i & 1) ? "jp x" : "a");
			sink += (unsigned char)err.msg_ja[3];
		}
		if ((t = now() - t0) < hit)
			hit = t;
		t0 = now();
		for (long i = 0; i < n; i++) {
			c2c_err_at(&err, C2C_EINPUT, "id", "a message the catalogue lacks about '%s'", (i & 1) ? "jp x" : "a");
			sink += (unsigned char)err.msg[3];
		}
		if ((t = now() - t0) < miss)
			miss = t;
	}
	printf("err_bench: %ld errors each, best of 5 rounds (%zu catalogue entries)\n", n, c2c_msg_count());
	printf("  baseline: English alone (err.c before)     %7.1f ns/error\n", base / (double)n * 1e9);
	printf("  c2c_err_at, format with its Japanese        %7.1f ns/error\n", hit / (double)n * 1e9);
	printf("  c2c_err_at, format without Japanese         %7.1f ns/error\n", miss / (double)n * 1e9);
	return sink == 0; /* keeps the loops */
}
