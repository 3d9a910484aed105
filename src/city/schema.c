/*
 * schema.c - the city module's tables (store migrations of module "city")
 * and the loading of the built-in indicator frameworks.
 *
 * The tables come from city_migrate and the frameworks from city_dataset
 * (store_builtin_load: loaded again when the compiled-in files change);
 * cli/'s list of modules runs both for `c2c init` and every command that
 * needs a database brought up to date.  Migrations are appended, never
 * edited.
 */
#include "city.h"

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

STORE_MIGRATE_FN(city_migrate, "city", {1, "city inventories, indicators, scenarios", city_v1})

static const char *builtin_file(size_t i, const char **name, size_t *len)
{
	switch (i) {
	case 0:
		*name = "frameworks", *len = city_builtin_frameworks_len;
		return city_builtin_frameworks;
	case 1:
		*name = "indicators", *len = city_builtin_indicators_len;
		return city_builtin_indicators;
	default:
		return NULL;
	}
}

static int load_builtin(struct store *st, size_t *rows, struct c2c_err *err)
{
	return city_framework_import(st, city_builtin_frameworks, city_builtin_frameworks_len,
				     "data/city/frameworks.csv", city_builtin_indicators,
				     city_builtin_indicators_len, "data/city/indicators.csv", rows, err);
}

const struct store_builtin city_dataset = {"city.frameworks", builtin_file, load_builtin};
