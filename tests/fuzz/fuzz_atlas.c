/*
 * fuzz_atlas.c - libFuzzer target for everything the atlas parses from a
 * user: CSV imports into any table, and search queries.  Invariants checked
 * on every input: no crash or sanitizer report, a refused import leaves the
 * table's row count as it was, and a search either answers or refuses with
 * a usage error.
 *
 * The first input byte picks the target (a table, or search); the rest is
 * the CSV text or the query.  Built and run by tests/fuzz/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlas/atlas.h"

static struct store *fz_store;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct atlas_init_report rep;
	struct c2c_err err;
	(void)argc;
	(void)argv;
	if (store_open(&fz_store, ":memory:", STORE_OPEN_CREATE, &err) ||
	    atlas_init(fz_store, 0, &rep, &err)) {
		fprintf(stderr, "fuzz setup: %s\n", err.msg);
		abort();
	}
	return 0;
}

static long long table_rows(const char *table)
{
	char sql[96];
	struct c2c_err err;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM \"%s\"", table);
	return store_query_int(fz_store, sql, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct c2c_err err;
	size_t pick;

	if (size < 1)
		return 0;
	pick = data[0] % (atlas_ntables + 1);
	if (pick == atlas_ntables) {
		char q[300];
		json_t *hits = NULL;
		size_t n = size - 1 < sizeof(q) - 1 ? size - 1 : sizeof(q) - 1;
		int rc;
		memcpy(q, data + 1, n);
		q[n] = '\0';
		rc = atlas_search(fz_store, q, 20, &hits, &err);
		if (rc && rc != C2C_EUSAGE)
			abort(); /* a query may be refused, never break the database */
		json_decref(hits);
	} else {
		const struct atlas_table *t = &atlas_tables[pick];
		long long before = table_rows(t->name);
		size_t rows;
		int rc;
		if (store_begin(fz_store, &err))
			abort();
		rc = atlas_import_mem(fz_store, t, (const char *)data + 1, size - 1, "fuzz.csv", &rows, &err);
		/* Every import is rolled back, so each input starts from the dataset. */
		store_rollback(fz_store);
		if (rc && rc != C2C_EINPUT && rc != C2C_ECONFLICT)
			abort();
		if (rc && err.msg[0] == '\0')
			abort(); /* a refusal always says why */
		if (table_rows(t->name) != before)
			abort();
	}
	return 0;
}
