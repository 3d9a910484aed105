/*
 * mrv_bench.c - the monitoring ingest against its baselines, in one run:
 * generates a meter_id,timestamp,value file (default 5,000,000 rows over
 * 1,000 meters, hourly readings, time-major as data loggers export), then
 * times `c2c mrv compute` on it against `wc -l` (the read limit) and mawk
 * summing per meter (far less checking), and prints MB/s, the ratios and
 * each process's peak RSS (also on a file one fifth the size, to show that
 * memory does not grow with the file).  It also times the chiller
 * methodology with its own COPs for every meter (--units), whose values are
 * resolved once per meter after the ingest: that run must be as fast as the
 * one with project-wide values.  Last, in this process, it times the
 * formulas alone for as many units as meters (the chiller with each unit's
 * own COPs, and the cogeneration methodology with three monitored values
 * per unit), to set beside the time of reading the file: the issue asks
 * that evaluating a year of hourly data for 1,000 meters cost less than
 * reading it.  Not part of `make check`.
 *
 * usage: build/bench/mrv_bench [ROWS] [METERS]
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mrv/mrv.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Writes rows readings; returns the last day (YYYY-MM-DD) in last. */
static int gen(const char *path, long rows, int meters, char *last, size_t lastlen)
{
	FILE *fp = fopen(path, "w");
	static char buf[1 << 20];
	long r = 0;
	time_t t = 1704067200; /* 2024-01-01T00:00:00Z */
	struct tm tm;
	if (!fp)
		return -1;
	setvbuf(fp, buf, _IOFBF, sizeof(buf));
	fputs("meter_id,timestamp,value\n", fp);
	while (r < rows) {
		char ts[32];
		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		for (int m = 0; m < meters && r < rows; m++, r++)
			fprintf(fp, "PV%04d,%s,%d.%03d\n", m, ts, (int)((r * 7919) % 500), (int)((r * 104729) % 1000));
		strftime(last, lastlen, "%Y-%m-%d", &tm);
		t += 3600;
	}
	return fclose(fp);
}

/* A --units file giving every meter its own COP_PJ and COP_RE. */
static int gen_units(const char *path, int meters)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		return -1;
	fputs("meter_id,COP_PJ,COP_RE\n", fp);
	for (int m = 0; m < meters; m++)
		fprintf(fp, "PV%04d,%d.%d,%d.%d\n", m, 5 + m % 2, m % 10, 4 + m % 2, (m * 7) % 10);
	return fclose(fp);
}

/* Runs argv with stdout to /dev/null; best wall time of 3 and peak RSS (KiB). */
static double run(char *const argv[], long *rss_kb)
{
	double best = 1e30;
	*rss_kb = 0;
	for (int i = 0; i < 3; i++) {
		struct rusage ru;
		int status;
		double t0 = now();
		pid_t pid;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(127);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
			return -1;
		double t = now() - t0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "%s failed (status %d)\n", argv[0], status);
			return -1;
		}
		if (t < best)
			best = t;
		if (ru.ru_maxrss > *rss_kb)
			*rss_kb = ru.ru_maxrss;
	}
	return best;
}

/* Seconds per evaluation of m's formulas over n units, each with its own
 * values (monitored ones from q, the others made up and positive): the
 * best of 5 batches of enough calls to last about 0.2 s. */
static double eval_time(const char *ref, int n)
{
	const struct mrv_methodology *m = mrv_methodology_find(ref);
	int64_t *q = calloc((size_t)n, sizeof(*q)), (*pv)[MRV_MAX_PARAMS] = calloc((size_t)n, sizeof(*pv));
	struct mrv_result r;
	struct c2c_err err;
	double best = -1;
	long reps = 1;

	if (!m || !q || !pv) {
		free(q);
		free(pv);
		return -1;
	}
	for (int k = 0; k < n; k++) {
		q[k] = (int64_t)(8760 + k % 97) * 1000000; /* a year of hourly MWh */
		for (size_t i = 0; i < m->nparams; i++)
			pv[k][i] = m->params[i].monitored ? (int64_t)(1000 + k % 13) * 1000000
							   : (int64_t)(500000 + (k % 10) * 100000 + i * 1000);
	}
	for (int b = 0; b < 5; b++) {
		double t0 = now(), t;
		for (long i = 0; i < reps; i++)
			if (mrv_equation_units(m, (size_t)n, q, (const int64_t(*)[MRV_MAX_PARAMS])pv, &r, &err)) {
				fprintf(stderr, "%s: %s\n", ref, err.msg);
				free(q);
				free(pv);
				return -1;
			}
		t = (now() - t0) / (double)reps;
		if (best < 0 || t < best)
			best = t;
		if (now() - t0 < 0.2 && b == 0) {
			reps *= 10;
			b = -1; /* calibrate again with more calls */
		}
	}
	free(q);
	free(pv);
	return best;
}

int main(int argc, char **argv)
{
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 5000000;
	int meters = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1000;
	char self[PATH_MAX], c2c[PATH_MAX + 8], path[] = "/tmp/mrv_bench.csv", small[] = "/tmp/mrv_bench_small.csv";
	char units[] = "/tmp/mrv_bench_units.csv";
	char last[16], last_small[16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;
	long rss_wc, rss_awk, rss_c2c, rss_small, rss_ch, rss_unit;
	double mb;

	if (rows <= 0 || meters <= 0 || n <= 0) {
		fprintf(stderr, "usage: mrv_bench [ROWS] [METERS]\n");
		return 2;
	}
	self[n] = '\0';
	snprintf(c2c, sizeof(c2c), "%s/../c2c", dirname(self));
	printf("generating %ld rows over %d meters ...\n", rows, meters);
	if (gen(path, rows, meters, last, sizeof(last)) || gen(small, rows / 5, meters, last_small, sizeof(last_small)) ||
	    gen_units(units, meters) || stat(path, &st)) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	mb = (double)st.st_size / 1e6;
	{
		char *wc[] = {"wc", "-l", path, NULL};
		char *awk[] = {"mawk", "-F,", "NR>1{s[$1]+=$3} END{for(k in s) n++; print n}", path, NULL};
		char *cc[] = {c2c, "mrv", "compute", "--methodology", "KH_AM002", "--param", "EF_RE=0.5", "--data", path,
			      "--from", "2024-01-01", "--to", last, "--format", "json", NULL};
		char *cs[] = {c2c, "mrv", "compute", "--methodology", "KH_AM002", "--param", "EF_RE=0.5", "--data", small,
			      "--from", "2024-01-01", "--to", last_small, "--format", "json", NULL};
		char *ch[] = {c2c, "mrv", "compute", "--methodology", "ID_AM002", "--param", "COP_PJ=6.1", "--param",
			      "COP_RE=5.2", "--param", "EF_elec=0.5", "--data", path, "--from", "2024-01-01", "--to", last,
			      "--format", "json", NULL};
		char *cu[] = {c2c, "mrv", "compute", "--methodology", "ID_AM002", "--units", units, "--param",
			      "EF_elec=0.5", "--data", path, "--from", "2024-01-01", "--to", last, "--format", "json", NULL};
		run(wc, &rss_wc); /* warm the page cache */
		double t_wc = run(wc, &rss_wc);
		double t_awk = run(awk, &rss_awk);
		double t_c2c = run(cc, &rss_c2c);
		double t_small = run(cs, &rss_small);
		double t_ch = run(ch, &rss_ch);
		double t_unit = run(cu, &rss_unit);
		if (t_wc < 0 || t_awk < 0 || t_c2c < 0 || t_small < 0 || t_ch < 0 || t_unit < 0)
			return 1;
		printf("file: %s, %.1f MB, %ld rows, %d meters\n", path, mb, rows, meters);
		printf("%-34s %8.3f s %8.0f MB/s  peak RSS %6ld KiB\n", "wc -l (read limit)", t_wc, mb / t_wc, rss_wc);
		printf("%-34s %8.3f s %8.0f MB/s  peak RSS %6ld KiB\n", "mawk sum per meter", t_awk, mb / t_awk, rss_awk);
		printf("%-34s %8.3f s %8.0f MB/s  peak RSS %6ld KiB\n", "c2c mrv compute (full validation)", t_c2c,
		       mb / t_c2c, rss_c2c);
		printf("c2c / mawk speed: %.2fx   c2c / wc -l speed: %.2fx\n", t_awk / t_c2c, t_wc / t_c2c);
		printf("peak RSS of c2c on a file 1/5 the size: %ld KiB (vs %ld KiB)\n", rss_small, rss_c2c);
		printf("%-34s %8.3f s %8.0f MB/s  peak RSS %6ld KiB\n", "chiller, project-wide COPs", t_ch, mb / t_ch,
		       rss_ch);
		printf("%-34s %8.3f s %8.0f MB/s  peak RSS %6ld KiB\n", "chiller, COPs per meter (--units)", t_unit,
		       mb / t_unit, rss_unit);
		printf("per-unit / project-wide time: %.3f\n", t_unit / t_ch);
		{
			double e_ch = eval_time("ID_AM002", meters), e_cgs = eval_time("TH_AM009", meters);
			if (e_ch < 0 || e_cgs < 0)
				return 1;
			printf("%-34s %8.6f s  (%.0f ns a unit; reading the file: %.3f s, %.0fx the formulas)\n",
			       "formulas alone, chiller, per unit", e_ch, e_ch * 1e9 / meters, t_c2c, t_c2c / e_ch);
			printf("%-34s %8.6f s  (%.0f ns a unit; reading the file: %.3f s, %.0fx the formulas)\n",
			       "formulas alone, TH_AM009, 3 monitored", e_cgs, e_cgs * 1e9 / meters, t_c2c, t_c2c / e_cgs);
		}
	}
	unlink(path);
	unlink(small);
	unlink(units);
	return 0;
}
