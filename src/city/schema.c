/*
 * schema.c - the city module's tables (store migrations of module "city")
 * and the loading of the built-in indicator frameworks.
 *
 * Why here: every city command calls city_open() first, so the tables exist
 * and the frameworks compiled into this binary are in the database, without
 * touching `c2c init`, which belongs to the atlas.  Migrations are appended,
 * never edited.
 */
#include "city.h"

#include <stdint.h>
#include <stdio.h>

extern const char city_builtin_frameworks[], city_builtin_indicators[];
extern const size_t city_builtin_frameworks_len, city_builtin_indicators_len;

static const char city_v1[] =
	"CREATE TABLE city_inventories ("
	" \"place_id\" TEXT NOT NULL, \"year\" INTEGER NOT NULL, \"gwp\" TEXT NOT NULL,"
	" PRIMARY KEY (\"place_id\", \"year\"));"
	"CREATE TABLE city_inventory_rows ("
	" \"place_id\" TEXT NOT NULL, \"year\" INTEGER NOT NULL, \"gpc_ref\" TEXT NOT NULL,"
	" \"notation_key\" TEXT, \"explanation\" TEXT,"
	" \"activity_value\" DOUBLE PRECISION, \"activity_unit\" TEXT,"
	" \"ef_co2\" DOUBLE PRECISION, \"ef_ch4\" DOUBLE PRECISION, \"ef_n2o\" DOUBLE PRECISION,"
	" \"ef_unit\" TEXT, \"ef_source\" TEXT,"
	" PRIMARY KEY (\"place_id\", \"year\", \"gpc_ref\"),"
	" FOREIGN KEY (\"place_id\", \"year\") REFERENCES city_inventories (\"place_id\", \"year\"));"
	"CREATE TABLE city_frameworks ("
	" \"id\" TEXT PRIMARY KEY, \"name_ja\" TEXT NOT NULL, \"name_en\" TEXT NOT NULL,"
	" \"kind\" TEXT NOT NULL, \"source\" TEXT NOT NULL);"
	"CREATE TABLE city_targets ("
	" \"framework_id\" TEXT NOT NULL, \"indicator_id\" TEXT NOT NULL, \"line\" INTEGER NOT NULL,"
	" \"number\" INTEGER, \"theme_ja\" TEXT, \"theme_en\" TEXT, \"name_ja\" TEXT, \"name_en\" TEXT,"
	" \"level\" TEXT, \"measure_id\" TEXT NOT NULL, \"measure_en\" TEXT,"
	" \"comparator\" TEXT NOT NULL, \"target\" DOUBLE PRECISION NOT NULL, \"unit\" TEXT,"
	" \"target_year\" INTEGER, \"target_year_ja\" TEXT, \"note\" TEXT, \"source\" TEXT NOT NULL,"
	" PRIMARY KEY (\"framework_id\", \"indicator_id\", \"line\"));"
	"CREATE INDEX city_targets_by_measure ON city_targets (\"measure_id\");"
	"CREATE TABLE city_observations ("
	" \"place_id\" TEXT NOT NULL, \"measure_id\" TEXT NOT NULL, \"year\" INTEGER NOT NULL,"
	" \"value\" DOUBLE PRECISION NOT NULL, \"source\" TEXT NOT NULL,"
	" PRIMARY KEY (\"place_id\", \"measure_id\", \"year\"));"
	"CREATE TABLE city_scenarios ("
	" \"id\" TEXT PRIMARY KEY, \"place_id\" TEXT NOT NULL, \"base_year\" INTEGER NOT NULL,"
	" \"target_year\" INTEGER NOT NULL, \"body\" TEXT NOT NULL);";

/* FNV-1a: enough to tell whether the compiled-in frameworks changed. */
static uint64_t fnv1a(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int city_migrate(struct store *st, struct c2c_err *err)
{
	static const struct store_migration m[] = {
		{1, "city inventories, indicators, scenarios", city_v1},
	};
	int applied;
	return store_migrate(st, "city", m, sizeof(m) / sizeof(m[0]), &applied, err);
}

int city_open(struct store *st, struct c2c_err *err)
{
	char have[32] = "", want[32];
	size_t rows;
	int rc;
	uint64_t h = 0xcbf29ce484222325ULL;

	if ((rc = city_migrate(st, err)))
		return rc;
	h = fnv1a(h, city_builtin_frameworks, city_builtin_frameworks_len);
	h = fnv1a(h, city_builtin_indicators, city_builtin_indicators_len);
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)h);
	rc = store_meta_get(st, "city.frameworks", have, sizeof(have), err);
	if (rc && rc != C2C_ENOTFOUND)
		return rc;
	if (!rc && !strcmp(have, want))
		return 0;
	if ((rc = store_begin(st, err)))
		return rc;
	if ((rc = city_framework_import(st, city_builtin_frameworks, city_builtin_frameworks_len,
					"data/city/frameworks.csv", city_builtin_indicators,
					city_builtin_indicators_len, "data/city/indicators.csv", &rows, err)) ||
	    (rc = store_meta_set(st, "city.frameworks", want, err)) || (rc = store_commit(st, err))) {
		store_rollback(st);
		return rc;
	}
	return 0;
}
