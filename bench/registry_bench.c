/*
 * registry_bench.c - the registry's speed, each figure beside its baseline
 * measured in the same run on the same disk:
 *  - durable single transfers per second vs raw SQLite single-row commits at
 *    the same synchronous=FULL setting (the machine's fsync limit);
 *  - operations per second in one batch (group commit, as `apply` does);
 *  - the time to transfer 1 credit vs 10^6 credits;
 *  - one transfer touching RANGES ranges (an account holding them apart,
 *    interleaved with another's) vs the 1-credit transfer of the same run,
 *    and `verify` of that registry, with its entries and ranges;
 *  - a national journal (issue 16): ENTRIES journal entries of mixed
 *    issue/allocate/transfer/retire over 1,000 accounts, applied in
 *    batches of 10,000 operations a transaction, then verified: entries,
 *    apply time, verify time and verify's peak resident memory, beside
 *    the goal (10^6 entries verified in < 30 s and < 200 MB).
 * usage: registry_bench [SECONDS_PER_FIGURE [RANGES [ENTRIES [KEEP_DB]]]]
 *        (default 2, 100000, 50000; 0 skips a figure; KEEP_DB keeps the
 *        national journal's database at that path for `c2c registry verify`)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/resource.h>

#include "registry/registry.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's CPU time: on a machine shared with other jobs the wall
 * clock counts their time too, so each timed figure gives both. */
static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct c2c_err *err)
{
	fprintf(stderr, "registry_bench: %s: %s\n", what, err->msg);
	exit(1);
}

static struct store *fresh(const char *path, struct registry_ctx *c, struct c2c_err *err)
{
	struct store *st;
	char p[128];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	if (store_open(&st, path, STORE_OPEN_CREATE, err) || registry_migrate(st, err) ||
	    store_set_durable(st, err))
		die("open", err);
	c->st = st;
	c->user = "bench";
	return st;
}

static void setup_accounts(struct registry_ctx *c, int64_t credits, struct c2c_err *err)
{
	struct registry_issue_req r = {.project = "KH003", .period_start = "2023-01-01", .period_end = "2023-12-31",
				       .quantity = credits, .external_verification = "bench: verified outside c2c",
				       .source = "bench"};
	struct registry_share sh[] = {{"JP-A", 10000}};
	char id[64];
	if (registry_account_open(c, "JP-A", "JP", "entity", "A", err) ||
	    registry_account_open(c, "JP-B", "JP", "entity", "B", err) ||
	    registry_issue(c, &r, id, sizeof(id), err) || registry_allocate(c, id, sh, 1, err))
		die("setup", err);
}

/* Peak resident memory so far, kB (VmHWM), or -1. */
static long peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* Reset VmHWM to the current resident size (Linux >= 4.0), so that the
 * peak read after verify is verify's, not the apply's before it; 0 when
 * done. */
static int reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int rc = f && fputs("5", f) >= 0 ? 0 : -1;
	if (f && fclose(f))
		rc = -1;
	return rc;
}

static uint32_t rnd(void)
{
	static uint32_t x = 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

#define NACC 1000

/* One issuance of 100,000 credits of a Cambodian project (each its own
 * day, so no two periods of a project overlap), allocated whole to
 * account `a`: two journal entries. */
static void issue_to(struct registry_ctx *c, long k, int a, int64_t *bal, struct c2c_err *err)
{
	struct registry_issue_req r = {.quantity = 100000, .external_verification = "bench: verified outside c2c",
				       .source = "bench"};
	char project[8], day[16], id[64], acc[16];
	time_t t = 946684800 + (time_t)(k / 100) * 86400; /* 2000-01-01 */
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(project, sizeof(project), "KH%03ld", k % 100 + 1);
	snprintf(acc, sizeof(acc), "JP-E%04d", a);
	r.project = project;
	r.period_start = r.period_end = day;
	struct registry_share sh[] = {{acc, 10000}};
	if (registry_issue(c, &r, id, sizeof(id), err) || registry_allocate(c, id, sh, 1, err))
		die("national: issue", err);
	bal[a] += 100000;
}

static void national_journal(long entries, const char *keep)
{
	const char *path = keep ? keep : "/tmp/c2c-registry-bench-national.db";
	static int64_t bal[NACC];
	struct registry_verify_report vr;
	struct registry_ctx c;
	struct c2c_err err;
	struct store *st = fresh(path, &c, &err);
	long n = 0, issues = 0;
	double t0 = now(), apply, ver;
	char acc[16], to[16];

	if (store_begin(st, &err))
		die("begin", &err);
	for (int a = 0; a < NACC; a++) {
		snprintf(acc, sizeof(acc), "JP-E%04d", a);
		if (registry_account_open(&c, acc, "JP", "entity", acc, &err))
			die("national: open", &err);
		n++;
	}
	while (n < entries) {
		uint32_t r = rnd() % 1000;
		int a = (int)(rnd() % NACC), b = (int)(rnd() % (NACC - 1));
		int64_t q = r < 100 ? 1 + rnd() % 20 : 1 + rnd() % 50;
		b += b >= a; /* another account */
		if (r < 10 || bal[a] == 0) {
			issue_to(&c, issues++, a, bal, &err);
			n += 2;
		} else {
			if (q > bal[a])
				q = bal[a];
			snprintf(acc, sizeof(acc), "JP-E%04d", a);
			snprintf(to, sizeof(to), "JP-E%04d", b);
			if (r < 100 ? registry_retire(&c, acc, q, "voluntary", "bench beneficiary", &err)
				    : registry_transfer(&c, acc, to, q, &err))
				die("national: move", &err);
			bal[a] -= q;
			if (r >= 100)
				bal[b] += q;
			n++;
		}
		if (n % 10000 < 2 && (store_commit(st, &err) || store_begin(st, &err)))
			die("national: commit", &err);
	}
	if (store_commit(st, &err))
		die("national: commit", &err);
	apply = now() - t0;
	int reset = reset_peak_rss();
	double c0 = cpu();
	t0 = now();
	if (registry_verify(st, &vr, &err))
		die("national: verify", &err);
	ver = now() - t0;
	c0 = cpu() - c0;
	printf("  national journal: %lld entries (%ld issuances, 1,000 accounts), %lld blocks\n",
	       (long long)vr.entries, issues, (long long)vr.blocks);
	printf("    applied in batches of 10,000 %10.1f s   (%.0f entries/s)\n", apply, (double)vr.entries / apply);
	printf("    verify                        %10.1f s   (goal at 10^6 entries: < 30 s; %.1f s CPU)\n", ver, c0);
	printf("    verify's peak resident memory %10.1f MB  (goal at 10^6 entries: < 200 MB; %s)\n",
	       (double)peak_rss_kb() / 1024.0,
	       reset ? "VmHWM not reset: the whole run's peak" : "VmHWM reset before verify");
	store_close(st);
	if (!keep)
		unlink(path);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 2.0, t0, raw, single, batch;
	const char *path = "/tmp/c2c-registry-bench.db";
	struct registry_ctx c;
	struct c2c_err err;
	struct store *st;
	long n;

	long ranges = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
	long entries = argc > 3 ? strtol(argv[3], NULL, 10) : 50000;

	printf("registry, synchronous=FULL, WAL, this disk:\n");
	if (secs <= 0)
		goto ranges;
	/* Baseline: one-row INSERT commits at synchronous=FULL. */
	st = fresh(path, &c, &err);
	if (store_exec(st, "CREATE TABLE raw (k INTEGER PRIMARY KEY, v INTEGER)", &err))
		die("raw", &err);
	for (n = 0, t0 = now(); now() - t0 < secs; n++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE; INSERT INTO raw VALUES (%ld, 1); COMMIT;", n);
		if (store_exec(st, sql, &err))
			die("raw insert", &err);
	}
	raw = n / (now() - t0);
	store_close(st);

	/* Durable single transfers, each its own transaction. */
	st = fresh(path, &c, &err);
	setup_accounts(&c, 10000000, &err);
	for (n = 0, t0 = now(); now() - t0 < secs; n++)
		if (registry_transfer(&c, n % 2 ? "JP-B" : "JP-A", n % 2 ? "JP-A" : "JP-B", 1, &err))
			die("transfer", &err);
	single = n / (now() - t0);

	/* One batch, one commit: what `c2c registry apply` does. */
	{
		long ops = 20000;
		t0 = now();
		if (store_begin(st, &err))
			die("begin", &err);
		for (n = 0; n < ops; n++)
			if (registry_transfer(&c, "JP-A", "JP-B", 1, &err))
				die("batch transfer", &err);
		if (store_commit(st, &err))
			die("commit", &err);
		batch = ops / (now() - t0);
	}
	printf("  raw SQLite 1-row commits/s     %10.0f   (baseline: the fsync limit)\n", raw);
	printf("  durable single transfers/s     %10.0f   (%.0f%% of baseline)\n", single, 100.0 * single / raw);
	printf("  batched transfers/s (1 commit) %10.0f   (20000 operations)\n", batch);
	store_close(st);

	/* 1 credit vs 10^6 credits: both split one block. */
	{
		double t1 = 0, tm = 0;
		int reps = 50;
		st = fresh(path, &c, &err);
		setup_accounts(&c, 1000000000LL, &err);
		for (int i = 0; i < reps; i++) {
			t0 = now();
			if (registry_transfer(&c, "JP-A", "JP-B", 1, &err))
				die("transfer 1", &err);
			t1 += now() - t0;
			t0 = now();
			if (registry_transfer(&c, "JP-A", "JP-B", 1000000, &err))
				die("transfer 1e6", &err);
			tm += now() - t0;
		}
		printf("  transfer of 1 credit           %10.3f ms\n", 1000 * t1 / reps);
		printf("  transfer of 1,000,000 credits  %10.3f ms   (ratio %.2f)\n", 1000 * tm / reps, tm / t1);
		store_close(st);
	}
ranges:
	/* One transfer touching many ranges: JP-B gets every other credit of
	 * an issuance (the others go to JP-C), so its credits are `ranges`
	 * blocks that never merge; then all of them move at once. */
	if (ranges > 0) {
		double one, many, ver;
		struct registry_verify_report vr;
		st = fresh(path, &c, &err);
		setup_accounts(&c, 2 * ranges + 10, &err);
		if (registry_account_open(&c, "JP-C", "JP", "entity", "C", &err) ||
		    registry_account_open(&c, "JP-D", "JP", "entity", "D", &err) || store_begin(st, &err))
			die("setup ranges", &err);
		for (n = 0; n < 2 * ranges; n++)
			if (registry_transfer(&c, "JP-A", n % 2 ? "JP-C" : "JP-B", 1, &err))
				die("fragment", &err);
		if (store_commit(st, &err))
			die("commit", &err);
		t0 = now();
		if (registry_transfer(&c, "JP-A", "JP-D", 1, &err))
			die("transfer 1", &err);
		one = now() - t0;
		double c0 = cpu(), many_cpu, ver_cpu;
		t0 = now();
		if (registry_transfer(&c, "JP-B", "JP-D", ranges, &err))
			die("transfer of many ranges", &err);
		many = now() - t0;
		many_cpu = cpu() - c0;
		c0 = cpu();
		t0 = now();
		if (registry_verify(st, &vr, &err))
			die("verify", &err);
		ver = now() - t0;
		ver_cpu = cpu() - c0;
		printf("  transfer touching 1 range      %10.3f ms\n", 1000 * one);
		printf("  transfer touching %ld ranges %10.3f ms   (goal < 1000 ms; %.0f ms CPU)\n", ranges, 1000 * many,
		       1000 * many_cpu);
		printf("  verify: %lld entries, %lld blocks %10.3f s   (%.3f s CPU)\n", (long long)vr.entries,
		       (long long)vr.blocks, ver, ver_cpu);
		store_close(st);
	}
	if (entries > 0)
		national_journal(entries, argc > 4 ? argv[4] : NULL);
	fresh(path, &c, &err);
	store_close(c.st);
	unlink(path);
	return 0;
}
