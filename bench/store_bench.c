/*
 * store_bench.c - the same operations on both backends of store/, in one
 * run on this machine: SQLite (a file in /tmp) beside PostgreSQL (a server
 * given by URL), each the other's baseline.  What a ministry gives up or
 * gains by moving c2c to the server:
 *  - init: the schema and the built-in dataset loaded (c2c init's work);
 *  - durable registry transfers, each its own transaction;
 *  - the partnerships query (all of them, nested JSON) and two searches;
 *  - a statement's floor: SELECT 1 round trips;
 *  - and db migrate's copy, SQLite -> PostgreSQL, in rows per second.
 *
 * usage: store_bench [postgresql://USER@HOST:PORT] [TRANSFERS]   (default 1000)
 *        or C2C_BENCH_PG=postgresql://USER@HOST:PORT store_bench
 * The user must be allowed to create databases: the bench makes (and
 * drops first) c2c_store_bench and c2c_store_bench_copy on that server.
 * Without a URL it says so and exits 0: there is nothing to compare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atlas/atlas.h"
#include "registry/registry.h"

#define SQLITE_PATH "/tmp/c2c-store-bench.db"

struct figures {
	double init_ms, transfers_s, partnerships_s, search_ja_s, search_en_s, select1_s;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct c2c_err *err)
{
	fprintf(stderr, "store_bench: %s: %s\n", what, err->msg);
	if (err->hint[0])
		fprintf(stderr, "hint: %s\n", err->hint);
	exit(1);
}

/* A new, empty database `name` on the server, C collation as c2c needs
 * (docs/store.md); its URL into url. */
static void fresh_pg(const char *server, const char *name, char *url, size_t len)
{
	struct c2c_err err;
	struct store *admin;
	char sql[200];
	snprintf(url, len, "%s/postgres", server);
	if (store_open(&admin, url, STORE_OPEN_CREATE, &err))
		die("connecting to the server", &err);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\"", name);
	if (store_exec(admin, sql, &err))
		die(sql, &err);
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8'"
		 " LC_COLLATE 'C' LC_CTYPE 'C'", name);
	if (store_exec(admin, sql, &err))
		die(sql, &err);
	store_close(admin);
	snprintf(url, len, "%s/%s", server, name);
}

static void fresh_sqlite(void)
{
	unlink(SQLITE_PATH);
	unlink(SQLITE_PATH "-wal");
	unlink(SQLITE_PATH "-shm");
}

static double repeat_partnerships(struct store *st, int reps)
{
	struct atlas_partnership_filter f = {0};
	struct c2c_err err;
	double t0 = now();
	for (int i = 0; i < reps; i++) {
		json_t *out;
		if (atlas_partnerships(st, &f, &out, &err))
			die("partnerships", &err);
		json_decref(out);
	}
	return reps / (now() - t0);
}

static double repeat_search(struct store *st, const char *q, int reps)
{
	struct c2c_err err;
	double t0 = now();
	for (int i = 0; i < reps; i++) {
		json_t *out;
		if (atlas_search(st, q, 50, &out, &err))
			die("search", &err);
		json_decref(out);
	}
	return reps / (now() - t0);
}

/* Everything but the copy, on one backend. */
static void measure(const char *db, int transfers, struct figures *fg)
{
	struct registry_issue_req r = {.project = "KH003", .period_start = "2023-01-01", .period_end = "2023-12-31",
				       .quantity = 1000000, .external_verification = "bench: verified outside c2c",
				       .source = "bench"};
	struct registry_share sh[] = {{"JP-A", 10000}};
	struct atlas_init_report rep;
	struct registry_ctx c = {0};
	struct c2c_err err;
	struct store *st;
	char id[64];
	double t0;
	int n;

	t0 = now();
	if (store_open(&st, db, STORE_OPEN_CREATE, &err) || atlas_init(st, 0, &rep, &err) ||
	    registry_migrate(st, &err))
		die("init", &err);
	fg->init_ms = (now() - t0) * 1000;

	/* durable, as `c2c registry` runs (SQLite: synchronous=FULL) */
	c.st = st;
	c.user = "bench";
	if (store_set_durable(st, &err) || registry_account_open(&c, "JP-A", "JP", "entity", "A", &err) ||
	    registry_account_open(&c, "JP-B", "JP", "entity", "B", &err) ||
	    registry_issue(&c, &r, id, sizeof(id), &err) || registry_allocate(&c, id, sh, 1, &err))
		die("registry set-up", &err);
	t0 = now();
	for (n = 0; n < transfers; n++)
		if (registry_transfer(&c, n % 2 ? "JP-B" : "JP-A", n % 2 ? "JP-A" : "JP-B", 1, &err))
			die("transfer", &err);
	fg->transfers_s = transfers / (now() - t0);

	fg->partnerships_s = repeat_partnerships(st, 200);
	fg->search_ja_s = repeat_search(st, "富山", 500);
	fg->search_en_s = repeat_search(st, "Da Nang", 500);
	t0 = now();
	for (n = 0; n < 2000; n++)
		if (store_query_int(st, "SELECT 1", &err) != 1)
			die("SELECT 1", &err);
	fg->select1_s = n / (now() - t0);
	store_close(st);
}

/* db migrate's copy, without the command around it: every table of the
 * SQLite file into a database that has the same schema. */
static void measure_copy(const char *to_url, long long *rows, double *secs)
{
	struct store *from, *to;
	struct store_table *t;
	struct c2c_err err;
	size_t n;
	int applied;
	double t0;

	*rows = 0;
	if (store_open(&from, SQLITE_PATH, STORE_OPEN_EXISTING, &err) ||
	    store_open(&to, to_url, STORE_OPEN_CREATE, &err) || atlas_migrate(to, &applied, &err) ||
	    registry_migrate(to, &err) || store_tables(from, &t, &n, &err))
		die("copy set-up", &err);
	t0 = now();
	if (store_begin(from, &err) || store_begin(to, &err))
		die("begin", &err);
	for (size_t i = 0; i < n; i++) {
		char **cols;
		size_t nc;
		long long done;
		if (!strcmp(t[i].name, "store_migrations"))
			continue;
		if (store_columns(to, t[i].name, &cols, &nc, &err))
			die("columns", &err);
		if (nc && store_copy_rows(from, to, t[i].name, cols, nc, NULL, NULL, &done, &err))
			die("copy", &err);
		*rows += nc ? done : 0;
		store_columns_free(cols, nc);
	}
	if (store_commit(to, &err))
		die("commit", &err);
	*secs = now() - t0;
	store_rollback(from);
	store_tables_free(t, n);
	store_close(to);
	store_close(from);
}

/* One text value a statement returns ("SHOW fsync", "SELECT sqlite_version()"). */
static void query_text(const char *db, const char *sql, char *out, size_t len)
{
	struct c2c_err err;
	struct store *st;
	struct store_stmt *s;
	snprintf(out, len, "?");
	if (store_open(&st, db, STORE_OPEN_CREATE, &err))
		return;
	if (!store_prepare(st, sql, &s, &err)) {
		if (store_step(s, &err) == 1)
			snprintf(out, len, "%s", store_col_text(s, 0));
		store_finalize(s);
	}
	store_close(st);
}

int main(int argc, char **argv)
{
	const char *pg = argc > 1 ? argv[1] : getenv("C2C_BENCH_PG");
	int transfers = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1000;
	char server[256], url[320], copy_url[320], version[64], sqlite_version[32], fsync[16], sync[16];
	struct figures sq, pq;
	long long rows;
	double secs;

	if (!pg || !*pg) {
		printf("store_bench: no PostgreSQL server given, so nothing to compare; run\n"
		       "  store_bench postgresql://USER@HOST:PORT   (or set C2C_BENCH_PG)\n"
		       "with a user who may create databases (docs/store.md).\n");
		return 0;
	}
	if (!store_is_pg_url(pg)) {
		fprintf(stderr, "store_bench: '%s' is not a postgresql:// URL\n", pg);
		return 2;
	}
	if (transfers < 1)
		transfers = 1000;
	/* the server part only: the bench names its own databases */
	snprintf(server, sizeof(server), "%s", pg);
	{
		char *path = strchr(strstr(server, "://") + 3, '/');
		if (path)
			*path = '\0';
	}
	fresh_pg(server, "c2c_store_bench", url, sizeof(url));
	fresh_pg(server, "c2c_store_bench_copy", copy_url, sizeof(copy_url));
	query_text(url, "SHOW server_version", version, sizeof(version));
	query_text(url, "SHOW fsync", fsync, sizeof(fsync));
	query_text(url, "SHOW synchronous_commit", sync, sizeof(sync));

	fresh_sqlite();
	measure(SQLITE_PATH, transfers, &sq);
	query_text(SQLITE_PATH, "SELECT sqlite_version()", sqlite_version, sizeof(sqlite_version));
	measure(url, transfers, &pq);
	measure_copy(copy_url, &rows, &secs);

	printf("store: the same operations on both backends, one run, this machine\n");
	printf("  SQLite %s: a WAL file in /tmp, synchronous=FULL for the registry\n", sqlite_version);
	store_path_redacted(url, sizeof(url), server);
	printf("  PostgreSQL %s: %s, fsync=%s, synchronous_commit=%s\n", version, url, fsync, sync);
	printf("                                               sqlite  postgresql\n");
	printf("  init: schema + built-in dataset, ms      %10.0f  %10.0f\n", sq.init_ms, pq.init_ms);
	printf("  registry transfers/s, each durable       %10.0f  %10.0f   (%d of them)\n", sq.transfers_s,
	       pq.transfers_s, transfers);
	printf("  partnerships, all 64 as JSON, per s      %10.0f  %10.0f\n", sq.partnerships_s, pq.partnerships_s);
	printf("  search 富山, per s                       %10.0f  %10.0f\n", sq.search_ja_s, pq.search_ja_s);
	printf("  search \"Da Nang\", per s                  %10.0f  %10.0f\n", sq.search_en_s, pq.search_en_s);
	printf("  SELECT 1, per s (a statement's floor)    %10.0f  %10.0f\n", sq.select1_s, pq.select1_s);
	printf("  db migrate's copy, SQLite -> PostgreSQL: %lld rows in %.2f s, %.0f rows/s\n", rows, secs,
	       rows / secs);
	fresh_sqlite();
	return 0;
}
