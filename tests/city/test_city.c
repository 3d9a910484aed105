/*
 * test_city.c - the city module against a real SQLite file: the GPC tree
 * against the published reference numbers, an inventory whose totals were
 * worked out by hand (docs/city.md shows the sums), every kind of bad
 * inventory input refused with its row and column and nothing stored, an
 * XLSX written and read back, the 22 Tianjin indicators evaluated on example
 * observations, and the worked scenario example with its hand-checked
 * numbers under both attribution rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"
#include "core/xlsx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atlas/atlas.h"
#include "city/city.h"

#ifndef C2C_SOURCE_ROOT
#define C2C_SOURCE_ROOT "."
#endif

struct fixture {
	char path[128];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct atlas_init_report rep;
	struct store_builtin_report br;
	struct c2c_err err;
	if (testdb_open(f->path, sizeof(f->path), "city", &f->st, &err) || atlas_init(f->st, 0, &rep, &err) ||
	    city_migrate(f->st, &err) || store_builtin_load(f->st, &city_dataset, 0, &br, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_remove(f->path, f->st);
	free(f);
	return 0;
}

/* ---- the GPC tree ------------------------------------------------------------------------ */

/* The reference numbers of the GPC (v1.1, ch. 4), with their scope and level,
 * typed here independently of data/city/gpc.csv. */
static const struct {
	const char *ref;
	int scope;
	const char *level;
} published[] = {
	{"I.1.1", 1, "basic"}, {"I.1.2", 2, "basic"}, {"I.1.3", 3, "basic+"},
	{"I.2.1", 1, "basic"}, {"I.2.2", 2, "basic"}, {"I.2.3", 3, "basic+"},
	{"I.3.1", 1, "basic"}, {"I.3.2", 2, "basic"}, {"I.3.3", 3, "basic+"},
	{"I.4.1", 1, "basic"}, {"I.4.2", 2, "basic"}, {"I.4.3", 3, "basic+"}, {"I.4.4", 1, "territorial"},
	{"I.5.1", 1, "basic"}, {"I.5.2", 2, "basic"}, {"I.5.3", 3, "basic+"},
	{"I.6.1", 1, "basic"}, {"I.6.2", 2, "basic"}, {"I.6.3", 3, "basic+"},
	{"I.7.1", 1, "basic"}, {"I.8.1", 1, "basic"},
	{"II.1.1", 1, "basic"}, {"II.1.2", 2, "basic"}, {"II.1.3", 3, "basic+"},
	{"II.2.1", 1, "basic"}, {"II.2.2", 2, "basic"}, {"II.2.3", 3, "basic+"},
	{"II.3.1", 1, "basic"}, {"II.3.2", 2, "basic"}, {"II.3.3", 3, "basic+"},
	{"II.4.1", 1, "basic"}, {"II.4.2", 2, "basic"}, {"II.4.3", 3, "basic+"},
	{"II.5.1", 1, "basic"}, {"II.5.2", 2, "basic"},
	{"III.1.1", 1, "basic"}, {"III.1.2", 3, "basic"}, {"III.1.3", 1, "territorial"},
	{"III.2.1", 1, "basic"}, {"III.2.2", 3, "basic"}, {"III.2.3", 1, "territorial"},
	{"III.3.1", 1, "basic"}, {"III.3.2", 3, "basic"}, {"III.3.3", 1, "territorial"},
	{"III.4.1", 1, "basic"}, {"III.4.2", 3, "basic"}, {"III.4.3", 1, "territorial"},
	{"IV.1", 1, "basic+"}, {"IV.2", 1, "basic+"},
	{"V.1", 1, "basic+"}, {"V.2", 1, "basic+"}, {"V.3", 1, "basic+"},
	{"VI.1", 3, "other"},
};

static void test_gpc_tree(void **state)
{
	size_t n = sizeof(published) / sizeof(published[0]), basic = 0;
	(void)state;
	assert_int_equal(city_gpc_n, 53);
	assert_int_equal(n, city_gpc_n);
	for (size_t i = 0; i < n; i++) {
		const struct gpc_row *g = &city_gpc[i];
		assert_string_equal(g->ref, published[i].ref); /* and in the published order */
		assert_int_equal(g->scope, published[i].scope);
		assert_string_equal(city_gpc_level_name(g->level), published[i].level);
		assert_ptr_equal(city_gpc_find(published[i].ref), g);
		assert_true(strncmp(g->ref, g->subsector, strlen(g->subsector)) == 0);
		assert_true(g->name[0] && g->subsector_name[0] && g->source[0]);
		basic += g->level == GPC_BASIC;
	}
	assert_int_equal(basic, 32);
	assert_null(city_gpc_find("II.5.3")); /* off-road has no scope 3 row in the GPC */
	assert_null(city_gpc_find("I.9.1"));
	assert_string_equal(city_gpc_find("III.4.2")->sector_name, "Waste");
	assert_int_equal(city_gpc_find("VI.1")->sector, 6);
}

static void test_units_and_gwp(void **state)
{
	const struct city_unit *num, *den;
	char why[160];
	(void)state;
	assert_true(fabs(city_unit_find("MWh")->to_base - 3.6) < 1e-12);
	assert_true(fabs(city_unit_find("kWh")->to_base * 1000 - city_unit_find("MWh")->to_base) < 1e-12);
	assert_true(city_unit_find("kL")->to_base == city_unit_find("m3")->to_base);
	assert_int_equal(city_unit_find("pkm")->dim, DIM_PKM);
	assert_true(city_unit_find("vkm")->dim != city_unit_find("pkm")->dim);
	assert_null(city_unit_find("barrel"));
	assert_int_equal(city_ef_unit_parse("kg/TJ", &num, &den, why, sizeof(why)), 0);
	assert_string_equal(num->name, "kg");
	assert_string_equal(den->name, "TJ");
	assert_int_equal(city_ef_unit_parse("MWh/t", &num, &den, why, sizeof(why)), C2C_EINPUT);
	assert_int_equal(city_ef_unit_parse("kg", &num, &den, why, sizeof(why)), C2C_EINPUT);
	assert_true(city_gwp_find("AR5")->gwp[GAS_CH4] == 28);
	assert_true(city_gwp_find("AR5")->gwp[GAS_N2O] == 265);
	assert_true(city_gwp_find("AR6")->gwp[GAS_CH4] == 27.0);
	assert_true(city_gwp_find("AR6")->ch4_fossil == 29.8);
	assert_true(city_gwp_find("AR5")->ch4_fossil == 28);
	assert_true(city_gwp_find("AR6")->gwp[GAS_N2O] == 273);
	assert_null(city_gwp_find("SAR"));
}

/* ---- inventories -------------------------------------------------------------------------- */

static char *read_source(const char *rel, size_t *len)
{
	char path[512];
	FILE *fp;
	char *buf;
	long n;
	snprintf(path, sizeof(path), "%s/%s", C2C_SOURCE_ROOT, rel);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = 0;
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void import_example(struct store *st, const char *gwp, int year)
{
	struct city_inv_row *rows;
	struct c2c_err err;
	size_t n, len;
	char *csv = read_source("tests/city/inventory-example.csv", &len);
	assert_int_equal(city_inventory_read_csv_mem(csv, len, "inventory-example.csv", &rows, &n, &err), 0);
	assert_int_equal(n, 10);
	assert_int_equal(city_inventory_replace(st, "vn-da-nang-city", year, gwp, rows, n, &err), 0);
	free(rows);
	free(csv);
}

static struct city_inventory *load(struct store *st, int year)
{
	struct city_inventory *inv = malloc(sizeof(*inv));
	struct c2c_err err;
	assert_int_equal(city_inventory_load(st, "vn-da-nang-city", year, inv, &err), 0);
	return inv;
}

static void test_inventory_totals(void **state)
{
	struct fixture *f = *state;
	struct city_inventory *inv;
	size_t missing;
	json_t *check;

	import_example(f->st, "AR5", 2022);
	inv = load(f->st, 2022);
	/* by hand (AR5: CH4 28, N2O 265):
	 *   I.1.1  2000 TJ x (63100 CO2, 5 CH4, 0.1 N2O) kg/TJ = 126200 t + 10 t x 28 + 0.2 t x 265 = 126533 t
	 *   I.1.2  500000 MWh x 0.8 t/MWh = 400000 t           I.1.3  50000 x 0.8 = 40000 t (BASIC+)
	 *   I.2.2  300 GWh = 300000 MWh x 800 kg/MWh = 240000 t
	 *   I.4.4  1000000 MWh x 0.9 = 900000 t (scope 1, in neither BASIC nor BASIC+)
	 *   II.1.1 100000 kL = 1e8 L x 2.3 kg/L = 230000 t
	 *   III.1.1 200000 t x 0.05 t CH4/t = 10000 t CH4 x 28 = 280000 t */
	assert_int_equal(inv->res[0].gas_kg[GAS_CO2], 126200000);
	assert_int_equal(inv->res[0].gas_kg[GAS_CH4], 10000);
	assert_int_equal(inv->res[0].gas_kg[GAS_N2O], 200);
	assert_int_equal(inv->res[0].co2e_kg, 126533000);
	assert_int_equal(inv->totals.basic_kg, 1276533000LL);
	assert_int_equal(inv->totals.basic_plus_kg, 1316533000LL);
	assert_int_equal(inv->totals.scope_kg[1], 1536533000LL);
	assert_int_equal(inv->totals.scope_kg[2], 640000000LL);
	assert_int_equal(inv->totals.scope_kg[3], 40000000LL);
	assert_int_equal(inv->totals.sector_kg[1], 1706533000LL);
	assert_int_equal(inv->totals.sector_kg[2], 230000000LL);
	assert_int_equal(inv->totals.sector_kg[3], 280000000LL);
	assert_int_equal(inv->totals.sector_kg[4] + inv->totals.sector_kg[5] + inv->totals.sector_kg[6], 0);
	assert_int_equal(inv->totals.filled, 7);
	assert_int_equal(inv->totals.keyed, 3);
	/* 32 BASIC rows: 5 filled, III.1.2 keyed NO -> 26 neither */
	check = city_inventory_check(inv, &missing);
	assert_int_equal(missing, 26);
	assert_int_equal(inv->totals.empty_basic, 26);
	assert_string_equal(json_string_value(json_object_get(json_array_get(check, 0), "gpc_ref")), "I.2.1");
	json_decref(check);
	free(inv);

	/* the same rows under AR6 (IPCC AR6 WG1 Table 7.15: non-fossil CH4 27.0,
	 * N2O 273), by hand: LPG for cooking 126200 t CO2 + 10 t CH4 x 27.0 +
	 * 0.2 t N2O x 273 = 126524.6 t; the landfill's 10000 t CH4 x 27.0 */
	import_example(f->st, "AR6", 2023);
	inv = load(f->st, 2023);
	assert_int_equal(inv->res[0].co2e_kg, 126524600);
	assert_int_equal(inv->totals.basic_kg, 400000000LL + 240000000LL + 230000000LL + 126524600LL + 270000000LL);
	free(inv);
	{ /* fugitive methane of fossil fuels (I.8.1) at the fossil 29.8; a
	   * landfill's (III.1.1) at 27.0; under AR5 both 28 */
		const char csv[] = "gpc_ref,notation_key,explanation,activity_value,activity_unit,ef_co2,ef_ch4,ef_n2o,ef_unit,ef_source\n"
				   "I.8.1,,,1000,t,,1,,t/t,test\nIII.1.1,,,1000,t,,1,,t/t,test\n";
		struct city_inv_row *rows = NULL;
		struct city_inv_result res;
		struct c2c_err err;
		size_t n;
		assert_int_equal(city_inventory_read_csv_mem(csv, strlen(csv), "fugitive.csv", &rows, &n, &err), 0);
		assert_int_equal(n, 2);
		assert_int_equal(city_inv_compute(&rows[0], city_gwp_find("AR6"), &res, &err), 0);
		assert_int_equal(res.co2e_kg, 29800000);
		assert_int_equal(city_inv_compute(&rows[1], city_gwp_find("AR6"), &res, &err), 0);
		assert_int_equal(res.co2e_kg, 27000000);
		assert_int_equal(city_inv_compute(&rows[0], city_gwp_find("AR5"), &res, &err), 0);
		assert_int_equal(res.co2e_kg, 28000000);
		free(rows);
	}
}

static long long count_rows(struct store *st)
{
	struct c2c_err err;
	return store_query_int(st, "SELECT COUNT(*) FROM city_inventory_rows", &err);
}

static void bad_csv(struct store *st, const char *body, const char *expect)
{
	char csv[2048];
	struct city_inv_row *rows = NULL;
	struct c2c_err err;
	size_t n;
	snprintf(csv, sizeof(csv), "gpc_ref,notation_key,explanation,activity_value,activity_unit,ef_co2,ef_ch4,ef_n2o,ef_unit,ef_source\n"
		 "I.1.2,,,100,MWh,0.5,,,t/MWh,grid\n%s\n", body);
	c2c_err_clear(&err);
	assert_int_equal(city_inventory_read_csv_mem(csv, strlen(csv), "bad.csv", &rows, &n, &err), C2C_EINPUT);
	if (!strstr(err.msg, expect))
		fail_msg("message '%s' lacks '%s'", err.msg, expect);
	(void)st;
}

static void test_inventory_bad_input(void **state)
{
	struct fixture *f = *state;
	struct city_inv_row *rows;
	struct c2c_err err;
	long long before;
	size_t n;
	static const char good[] = "gpc_ref,activity_value,activity_unit,ef_co2,ef_unit,ef_source\nI.1.2,1,MWh,1,t/MWh,x\n";

	import_example(f->st, "AR5", 2022);
	before = count_rows(f->st);
	bad_csv(f->st, "I.9.1,,,1,MWh,1,,,t/MWh,x", "bad.csv: row 3, column gpc_ref: 'I.9.1' is not a GPC reference number");
	bad_csv(f->st, "II.5.3,,,1,MWh,1,,,t/MWh,x", "row 3, column gpc_ref: 'II.5.3'");
	bad_csv(f->st, "I.1.1,,,10,MWh,1,,,kg/t,x", "row 3, column ef_unit: unit mismatch: the factor is per t (mass) but the activity is in MWh (energy)");
	bad_csv(f->st, "I.1.1,,,-10,GJ,1,,,kg/GJ,x", "row 3, column activity_value: -10 is negative");
	bad_csv(f->st, "I.1.1,NO,none here,5,,,,,,", "row 3, column activity_value: the row has notation key NO and also '5'");
	bad_csv(f->st, "I.1.1,IE,,,,,,,,", "row 3, column explanation: notation key IE needs an explanation");
	bad_csv(f->st, "I.1.1,XX,why,,,,,,,", "row 3, column notation_key: 'XX' is not a notation key");
	bad_csv(f->st, "I.1.1,,,10,barrel,1,,,kg/GJ,x", "row 3, column activity_unit: unknown unit 'barrel'");
	bad_csv(f->st, "I.1.1,,,10,GJ,1,,,kg/GJ,", "row 3, column ef_source: an emission factor needs its source");
	bad_csv(f->st, "I.1.1,,,10,GJ,,,,kg/GJ,x", "row 3, column ef_co2: an activity needs at least one emission factor");
	bad_csv(f->st, "I.1.1,,,ten,GJ,1,,,kg/GJ,x", "row 3, column activity_value: 'ten' is not a number");
	bad_csv(f->st, "I.1.1,,,10,GJ,-1,,,kg/GJ,x", "row 3, column ef_co2: -1 is negative");
	bad_csv(f->st, "I.1.1,,,,GJ,1,,,kg/GJ,x", "row 3, column activity_unit: 'GJ' is given but activity_value is empty");
	bad_csv(f->st, "I.1.2,,,1,MWh,1,,,t/MWh,x", "row 3, column gpc_ref: I.1.2 again (first on row 2)");
	bad_csv(f->st, "I.1.1,,,10,GJ,1,,,kg/GJ,x,extra", "row 3: 11 fields, the header has 10");
	/* a header naming an unknown column */
	assert_int_equal(city_inventory_read_csv_mem("gpc_ref,co2e\nI.1.1,5\n", 20, "h.csv", &rows, &n, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "h.csv: row 1, column 2: 'co2e' is not an inventory column"));
	/* a good file for a place the atlas does not know: refused, nothing stored */
	assert_int_equal(city_inventory_read_csv_mem(good, strlen(good), "good.csv", &rows, &n, &err), 0);
	assert_int_equal(city_inventory_replace(f->st, "xx-nowhere-city", 2022, "AR5", rows, n, &err), C2C_ENOTFOUND);
	assert_int_equal(city_inventory_replace(f->st, "vn-da-nang-city", 2022, "AR4", rows, n, &err), C2C_EUSAGE);
	free(rows);
	/* negative factors are allowed only where land removes carbon (AFOLU) */
	{
		static const char land[] = "gpc_ref,activity_value,activity_unit,ef_co2,ef_unit,ef_source\nV.2,100,ha,-2,t/ha,x\n";
		assert_int_equal(city_inventory_read_csv_mem(land, strlen(land), "land.csv", &rows, &n, &err), 0);
		free(rows);
	}
	assert_int_equal(count_rows(f->st), before);
}

static int collect_row(const struct csv_row *row, void *ctx, struct c2c_err *err)
{
	json_t *rows = ctx;
	json_t *r = json_array();
	(void)err;
	for (size_t i = 0; i < row->nfields; i++)
		json_array_append_new(r, json_string(row->field[i]));
	json_array_append_new(rows, r);
	return 0;
}

static void test_xlsx_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct city_inventory *inv, *back;
	struct city_inv_row *rows;
	struct c2c_err err;
	char path[80];
	json_t *cells = json_array();
	size_t n;

	import_example(f->st, "AR5", 2022);
	inv = load(f->st, 2022);
	snprintf(path, sizeof(path), "/tmp/c2c-test-city-%d.xlsx", (int)getpid());
	assert_int_equal(city_inventory_write_xlsx(inv, path, &err), 0);
	/* the raw sheet: header + one row per GPC number, strings from sharedStrings */
	assert_int_equal(xlsx_read(path, NULL, collect_row, cells, &err), 0);
	assert_int_equal(json_array_size(cells), 54);
	assert_string_equal(json_string_value(json_array_get(json_array_get(cells, 0), 0)), "gpc_ref");
	assert_string_equal(json_string_value(json_array_get(json_array_get(cells, 1), 0)), "I.1.1");
	assert_string_equal(json_string_value(json_array_get(json_array_get(cells, 1), 3)), "2000");
	json_decref(cells);
	/* read back as an inventory: the same totals */
	assert_int_equal(city_inventory_read_file(path, &rows, &n, &err), 0);
	assert_int_equal(n, 53);
	assert_int_equal(city_inventory_replace(f->st, "vn-da-nang-city", 2024, "AR5", rows, n, &err), 0);
	free(rows);
	back = load(f->st, 2024);
	assert_int_equal(back->totals.basic_kg, inv->totals.basic_kg);
	assert_int_equal(back->totals.basic_plus_kg, inv->totals.basic_plus_kg);
	assert_int_equal(back->totals.keyed, 3);
	assert_string_equal(back->rows[city_gpc_find("IV.1") - city_gpc].explanation,
			    "included in I.3.1 (the plants report one figure)");
	unlink(path);
	/* not a zip */
	assert_int_equal(xlsx_read(C2C_SOURCE_ROOT "/tests/city/inventory-example.csv", NULL, collect_row, NULL, &err),
			 C2C_EINPUT);
	free(inv);
	free(back);
}

/* An upload: every bad row listed (row and column), none kept; an .xlsx read
 * from its bytes as from its file; one row deleted. */
static void test_inventory_upload(void **state)
{
	struct fixture *f = *state;
	static const char bad[] = "gpc_ref,activity_value,activity_unit,ef_co2,ef_unit,ef_source\n"
				  "I.1.1,abc,MWh,1,t/MWh,x\nI.1.2,5,MWh,1,t/MWh,x\nI.1.3,5,MWh,1,kg/kL,x\nI.9.9,1,MWh,1,t/MWh,x\n";
	struct city_inventory *inv;
	struct city_inv_row *rows = NULL;
	struct c2c_err err;
	char path[80], *bytes;
	size_t n, len;
	FILE *fp;

	assert_int_equal(city_inventory_read_upload(bad, strlen(bad), "up.csv", 0, &rows, &n, &err), C2C_EINPUT);
	assert_null(rows);
	assert_string_equal(err.field, "file");
	assert_string_equal(err.msg, "up.csv: 3 rows with mistakes; nothing was stored");
	assert_string_equal(err.detail, "up.csv: row 2, column activity_value: 'abc' is not a number\n"
			    "up.csv: row 4, column ef_unit: unit mismatch: the factor is per kL (volume) but the activity is in MWh (energy)\n"
			    "up.csv: row 5, column gpc_ref: 'I.9.9' is not a GPC reference number");
	/* a bad header ends the reading, alone */
	assert_int_equal(city_inventory_read_upload("ref,x\nI.1.1,1\n", 14, "h.csv", 0, &rows, &n, &err), C2C_EINPUT);
	assert_string_equal(err.field, "file");
	assert_string_equal(err.detail, "");
	/* the example through an .xlsx's bytes */
	import_example(f->st, "AR5", 2022);
	inv = load(f->st, 2022);
	snprintf(path, sizeof(path), "/tmp/c2c-test-city-up-%d.xlsx", (int)getpid());
	assert_int_equal(city_inventory_write_xlsx(inv, path, &err), 0);
	assert_non_null(fp = fopen(path, "rb"));
	bytes = malloc(1 << 20);
	len = fread(bytes, 1, 1 << 20, fp);
	fclose(fp);
	unlink(path);
	assert_int_equal(city_inventory_read_upload(bytes, len, "up.xlsx", 1, &rows, &n, &err), 0);
	assert_int_equal(n, 53);
	free(rows);
	assert_int_equal(city_inventory_read_upload(bytes, 100, "cut.xlsx", 1, &rows, &n, &err), C2C_EINPUT);
	assert_string_equal(err.field, "file");
	free(bytes);
	/* delete: the row goes, a second time it is not there */
	assert_int_equal(city_inventory_delete_row(f->st, "vn-da-nang-city", 2022, "I.1.3", &err), 0);
	free(inv);
	inv = load(f->st, 2022);
	assert_int_equal(inv->totals.basic_plus_kg, inv->totals.basic_kg);
	assert_int_equal(city_inventory_delete_row(f->st, "vn-da-nang-city", 2022, "I.1.3", &err), C2C_ENOTFOUND);
	assert_string_equal(err.field, "gpc_ref");
	assert_int_equal(city_inventory_delete_row(f->st, "vn-da-nang-city", 2022, "I.9", &err), C2C_EINPUT);
	free(inv);
}

/* ---- indicators --------------------------------------------------------------------------- */

static json_t *line_of(json_t *ev, int number, int line)
{
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(ev, "indicators"), i, ind)
		if (json_integer_value(json_object_get(ind, "number")) == number)
			return json_array_get(json_object_get(ind, "lines"), (size_t)line - 1);
	return NULL;
}

static const char *status_of(json_t *ev, int number)
{
	size_t i;
	json_t *ind;
	json_array_foreach(json_object_get(ev, "indicators"), i, ind)
		if (json_integer_value(json_object_get(ind, "number")) == number)
			return json_string_value(json_object_get(ind, "status"));
	return NULL;
}

static void test_tianjin_indicators(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	json_t *ev, *list, *s;
	size_t rows;
	/* example observations (invented for the test, not Tianjin's data) */
	static const char obs[] =
		"place_id,measure_id,year,value,source\n"
		"cn-tianjin-city,tj-01-grade2-days,2013,320,test\n"
		"cn-tianjin-city,tj-01-grade1-so2-nox-days,2013,160,test\n"
		"cn-tianjin-city,tj-01-gb3095,2013,1,test\n"
		"cn-tianjin-city,tj-05,2013,140,test\n"
		"cn-tianjin-city,tj-10,2012,135,test\n"
		"cn-tianjin-city,tj-10,2013,125,test\n"
		"cn-tianjin-city,tj-11,2012,0.9,test\n"
		"cn-tianjin-city,tj-11,2013,0.75,test\n"
		"cn-tianjin-city,tj-12,2013,60,test\n"
		"cn-tianjin-city,tj-19,2012,12,test\n"
		"cn-tianjin-city,tj-19,2013,10,test\n";

	assert_int_equal(city_indicators(f->st, "tianjin-eco-city", &list, &err), 0);
	assert_int_equal(json_array_size(list), 25); /* 22 indicators, 25 target lines */
	json_decref(list);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(DISTINCT \"indicator_id\") FROM city_targets"
						" WHERE \"framework_id\" = 'tianjin-eco-city'", &err), 22);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM city_targets WHERE \"target_year\" IS NULL", &err), 10); /* 即日開始: 1a 1b 3 4 5 6 7 8 15 16 */

	assert_int_equal(city_observations_import(f->st, obs, strlen(obs), "obs.csv", &rows, &err), 0);
	assert_int_equal(rows, 11);
	assert_int_equal(city_evaluate(f->st, "cn-tianjin-city", "tianjin-eco-city", 0, &ev, &err), 0);
	s = json_object_get(ev, "summary");
	assert_int_equal(json_integer_value(json_object_get(s, "indicators")), 22);
	/* met: 1 (all three lines), 5, 11; not met: 10 (125 > 120), 12 (60 < 90), 19 (10 < 20) */
	assert_int_equal(json_integer_value(json_object_get(s, "met")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "not_met")), 3);
	assert_int_equal(json_integer_value(json_object_get(s, "no_data")), 16);
	assert_string_equal(status_of(ev, 1), "met");
	assert_string_equal(status_of(ev, 10), "not met");
	assert_string_equal(status_of(ev, 12), "not met");
	assert_string_equal(status_of(ev, 8), "no data");
	assert_string_equal(json_string_value(json_object_get(line_of(ev, 12, 1), "status")), "met");
	assert_string_equal(json_string_value(json_object_get(line_of(ev, 12, 2), "status")), "not met");
	/* trends in the target's direction: less water and less waste are better */
	assert_string_equal(json_string_value(json_object_get(line_of(ev, 10, 1), "trend")), "improving");
	assert_string_equal(json_string_value(json_object_get(line_of(ev, 11, 1), "trend")), "improving");
	assert_string_equal(json_string_value(json_object_get(line_of(ev, 19, 1), "trend")), "worsening");
	assert_string_equal(json_string_value(json_object_get(line_of(ev, 5, 1), "trend")), "one observation");
	/* 19's target year 2020 is still ahead of the 2013 observation */
	assert_false(json_is_true(json_object_get(line_of(ev, 19, 1), "due")));
	json_decref(ev);

	/* as of 2012: only the 2012 observations count */
	assert_int_equal(city_evaluate(f->st, "cn-tianjin-city", "tianjin-eco-city", 2012, &ev, &err), 0);
	assert_string_equal(json_string_value(json_object_get(line_of(ev, 11, 1), "status")), "not met");
	json_decref(ev);

	/* bad observations: unknown measure, unknown place; nothing stored */
	{
		static const char bad[] = "place_id,measure_id,year,value,source\n"
					  "cn-tianjin-city,tj-06,2013,100,t\ncn-tianjin-city,tj-99,2013,1,t\n";
		assert_int_equal(city_observations_import(f->st, bad, strlen(bad), "o.csv", &rows, &err), C2C_EINPUT);
	}
	assert_non_null(strstr(err.msg, "o.csv: row 3: 'tj-99' is not the measure of any indicator"));
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM city_observations WHERE \"measure_id\" = 'tj-06'", &err), 0);
	assert_int_equal(city_observe(f->st, "xx-nowhere", "tj-06", 2013, 1, "t", &err), C2C_EINPUT);
	assert_int_equal(city_evaluate(f->st, "cn-tianjin-city", "no-such", 0, &ev, &err), C2C_ENOTFOUND);
}

static void test_iso_style_framework(void **state)
{
	struct fixture *f = *state;
	struct c2c_err err;
	json_t *ev;
	size_t rows;
	static const char fw[] = "id,name_ja,name_en,kind,source\nexample-iso,例,Example ISO 37120-style set,iso37120,test\n";
	static const char ind[] =
		"framework,indicator,number,theme_ja,theme_en,name_ja,name_en,level,measure,measure_en,comparator,target,unit,target_year,target_year_ja,note,source\n"
		"example-iso,ex-energy,1,エネルギー,Energy,一人当たり電力,Electricity per person,core,ex-energy,kWh per person,<=,3000,kWh/person,2030,2030年,,test\n"
		"example-iso,ex-green,2,環境,Environment,緑地,Green area,supporting,ex-green,m2 per person,>=,10,m2/person,,,,test\n";
	static const char bad[] =
		"framework,indicator,number,theme_ja,theme_en,name_ja,name_en,level,measure,measure_en,comparator,target,unit,target_year,target_year_ja,note,source\n"
		"example-iso,ex-x,1,a,b,c,d,primary,ex-x,e,>=,1,u,,,,test\n";

	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(city_framework_import(f->st, fw, strlen(fw), "fw.csv", ind, strlen(ind), "ind.csv", &rows, &err), 0);
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(city_observe(f->st, "vn-da-nang-city", "ex-energy", 2022, 2500, "test", &err), 0);
	assert_int_equal(city_evaluate(f->st, "vn-da-nang-city", "example-iso", 0, &ev, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ev, "summary"), "met")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ev, "summary"), "no_data")), 1);
	json_decref(ev);
	assert_int_equal(store_begin(f->st, &err), 0);
	assert_int_equal(city_framework_import(f->st, fw, strlen(fw), "fw.csv", bad, strlen(bad), "bad.csv", &rows, &err),
			 C2C_EINPUT);
	store_rollback(f->st);
	assert_non_null(strstr(err.msg, "bad.csv: row 2, column level: 'primary' is not a level"));
}

/* ---- scenarios ------------------------------------------------------------------------------ */

static json_t *example_doc(void)
{
	size_t len;
	char *txt = read_source("data/city/scenario-example.json", &len);
	json_t *doc = json_loads(txt, 0, NULL);
	free(txt);
	assert_non_null(doc);
	return doc;
}

static void test_scenario_by_hand(void **state)
{
	struct scn_model *m = malloc(sizeof(*m));
	struct scn_result r;
	struct c2c_err err;
	json_t *doc = example_doc();
	long long kg[SCN_MAX_MEASURES], sum = 0;
	(void)state;

	assert_int_equal(city_scenario_parse(doc, "example", m, &err), 0);
	assert_int_equal(m->nmeasures, 5);
	scn_run(m, ATTR_SHAPLEY, &r);
	/* grid: 0.6 x 1.0 + 0.3 x 0.4 = 0.72 t/MWh = 0.2 t/GJ; with 0.36 of coal moved to solar 0.36 t/MWh */
	assert_true(fabs(r.grid_base - 0.72) < 1e-12);
	assert_true(fabs(r.grid_cm - 0.36) < 1e-12);
	/* base year: residential 1e6 GJ service: LPG 0.4/0.5 x 1e6 x 0.06 = 48000 + electric 600000 GJ x 0.2 = 120000;
	 * commercial 5e5 GJ x 0.2 = 100000; passenger car 1e9 x 0.7/500 x 0.07 = 98000 + bus 1e9 x 0.3/1000 x 0.075
	 * = 22500; waste 80000 x 0.5 + 20000 x 0.05 = 41000 */
	assert_true(fabs(r.base_t[0] - 168000) < 1e-6 && fabs(r.base_t[1] - 100000) < 1e-6);
	assert_true(fabs(r.base_t[2] - 120500) < 1e-6 && fabs(r.base_t[3] - 41000) < 1e-6);
	assert_true(fabs(r.base_total - 429500) < 1e-6);
	/* BaU (target drivers, base technology): 201600, 150000, 144600, 53300 */
	assert_true(fabs(r.bau_t[0] - 201600) < 1e-6 && fabs(r.bau_t[1] - 150000) < 1e-6);
	assert_true(fabs(r.bau_t[2] - 144600) < 1e-6 && fabs(r.bau_t[3] - 53300) < 1e-6);
	assert_true(fabs(r.bau_total - 549500) < 1e-6);
	/* all measures: residential 57600 + 72000; commercial 750000/1.25 x 0.1 - 2000 = 58000;
	 * passenger 84000 + 45000; waste 65000 x 0.5 + 65000 x 0.05 = 35750 */
	assert_true(fabs(r.cm_t[0] - 129600) < 1e-6 && fabs(r.cm_t[1] - 58000) < 1e-6);
	assert_true(fabs(r.cm_t[2] - 129000) < 1e-6 && fabs(r.cm_t[3] - 35750) < 1e-6);
	assert_true(fabs(r.cm_total - 352350) < 1e-6);
	/* Shapley: solar alone 147000, efficiency alone 30000, both 162000: the -15000 overlap
	 * is shared equally: 139500 and 22500; the rest do not interact */
	assert_true(fabs(r.part_t[0] - 139500) < 1e-6);
	assert_true(fabs(r.part_t[1] - 22500) < 1e-6);
	assert_true(fabs(r.part_t[2] - 15600) < 1e-6);
	assert_true(fabs(r.part_t[3] - 17550) < 1e-6);
	assert_true(fabs(r.part_t[4] - 2000) < 1e-6);
	city_split_kg(r.part_t, 5, 197150000, kg);
	for (int i = 0; i < 5; i++)
		sum += kg[i];
	assert_int_equal(sum, 197150000);
	/* sequential in the listed order: solar first takes all of its 147000, efficiency then 15000 */
	scn_run(m, ATTR_SEQUENTIAL, &r);
	assert_true(fabs(r.part_t[0] - 147000) < 1e-6);
	assert_true(fabs(r.part_t[1] - 15000) < 1e-6);
	assert_true(fabs(r.part_t[0] + r.part_t[1] + r.part_t[2] + r.part_t[3] + r.part_t[4] - 197150) < 1e-6);
	json_decref(doc);
	free(m);
}

static void test_split_kg(void **state)
{
	double parts[3] = {0.3334, 0.3333, 0.3333};
	double neg[2] = {1.0006, -0.0004};
	long long kg[3];
	(void)state;
	city_split_kg(parts, 3, 1000, kg); /* 333.4 333.3 333.3 kg -> 334 333 333 */
	assert_int_equal(kg[0] + kg[1] + kg[2], 1000);
	assert_int_equal(kg[0], 334);
	city_split_kg(neg, 2, 1000, kg); /* a measure that adds emissions keeps its sign */
	assert_int_equal(kg[0] + kg[1], 1000);
	assert_true(kg[1] <= 0);
}

static void bad_scenario(const char *path, json_t *v, const char *expect)
{
	struct scn_model *m = malloc(sizeof(*m));
	struct c2c_err err;
	json_t *doc = example_doc();
	char key[64];
	const char *dot;
	json_t *at = doc;
	/* path like "sectors.1.techs.0.share" */
	const char *p = path;
	while ((dot = strchr(p, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - p), p);
		at = json_is_array(at) ? json_array_get(at, strtoul(key, NULL, 10)) : json_object_get(at, key);
		p = dot + 1;
	}
	if (json_is_array(at))
		json_array_set_new(at, strtoul(p, NULL, 10), v);
	else
		json_object_set_new(at, p, v);
	assert_int_equal(city_scenario_parse(doc, "s.json", m, &err), C2C_EINPUT);
	if (!strstr(err.msg, expect))
		fail_msg("message '%s' lacks '%s'", err.msg, expect);
	json_decref(doc);
	free(m);
}

static void test_scenario_bad_input(void **state)
{
	(void)state;
	bad_scenario("sectors.0.techs.0.share", json_real(0.5), "s.json: sectors[0].techs: the shares do not add up to 1");
	bad_scenario("sectors.1.gpc", json_string("I.9"), "sectors[1].gpc: not a GPC sector");
	bad_scenario("sectors.2.driver", json_string("cars"), "sectors[2].driver: 'cars' is not a driver");
	bad_scenario("power.sources.0.share", json_real(0.7), "power.sources: the shares do not add up to 1");
	bad_scenario("measures.2.changes.0.points", json_real(0.9), "measures[2].changes[0]: moves more share");
	bad_scenario("measures.0.kind", json_string("magic"), "measures[0].kind: not efficiency");
	bad_scenario("target_year", json_integer(2010), "target_year: must come after base_year");
	bad_scenario("fuels.1.ef", json_real(-1), "fuels[1].ef: -1 is not from 0");
}

static void test_scenario_store(void **state)
{
	struct fixture *f = *state;
	struct scn_model *m = malloc(sizeof(*m));
	struct c2c_err err;
	json_t *doc = example_doc(), *run;

	assert_int_equal(city_scenario_add(f->st, doc, "example.json", 0, &err), 0);
	assert_int_equal(city_scenario_add(f->st, doc, "example.json", 0, &err), C2C_ECONFLICT);
	/* a project that is not in the atlas: refused, the scenario unchanged */
	assert_int_equal(city_scenario_link(f->st, "example-iskandar-2030", "x", "pj-nowhere", "commercial", 5, NULL, NULL, &err),
			 C2C_EINPUT);
	assert_non_null(strstr(err.msg, "'pj-nowhere' is not an atlas project"));
	assert_int_equal(city_scenario_link(f->st, "example-iskandar-2030", "iskandar-study",
					    "pj-iskandar-decarbonisation-study-2021", "residential", 1000, NULL, NULL, &err), 0);
	assert_int_equal(city_scenario_get(f->st, "example-iskandar-2030", m, NULL, &err), 0);
	assert_int_equal(m->nmeasures, 6);
	assert_int_equal(city_scenario_run_json(m, ATTR_SHAPLEY, &run, &err), 0);
	assert_true(json_real_value(json_object_get(json_object_get(run, "totals"), "reduction_t")) == 198150.0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(run, "measures"), 5),
							    "basis")), "stated reduction");
	json_decref(run);
	/* linked again with a verified rate: replaced in its place, not added */
	assert_int_equal(city_scenario_link(f->st, "example-iskandar-2030", "iskandar-study",
					    "pj-iskandar-decarbonisation-study-2021", "residential", 1500,
					    "MRV-verified: 1 approved report", NULL, &err), 0);
	assert_int_equal(city_scenario_get(f->st, "example-iskandar-2030", m, NULL, &err), 0);
	assert_int_equal(m->nmeasures, 6);
	assert_string_equal(m->m[5].id, "iskandar-study");
	assert_int_equal(city_scenario_run_json(m, ATTR_SHAPLEY, &run, &err), 0);
	assert_true(json_real_value(json_object_get(json_object_get(run, "totals"), "reduction_t")) == 198650.0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(run, "measures"), 5),
							    "basis")), "MRV-verified: 1 approved report");
	json_decref(run);
	/* a model measure is not overwritten by a project of the same id */
	assert_int_equal(city_scenario_link(f->st, "example-iskandar-2030", "solar-power",
					    "pj-iskandar-decarbonisation-study-2021", "residential", 1, NULL, NULL, &err),
			 C2C_ECONFLICT);
	assert_non_null(strstr(err.msg, "measure solar-power exists and is not a project measure"));
	assert_int_equal(city_scenario_get(f->st, "example-iskandar-2030", m, NULL, &err), 0);
	assert_int_equal(m->nmeasures, 6);
	assert_string_equal(m->m[0].kind, "renewable_power");
	/* a scenario for a place the atlas does not know */
	json_object_set_new(doc, "id", json_string("elsewhere"));
	json_object_set_new(doc, "place_id", json_string("xx-nowhere"));
	assert_int_equal(city_scenario_add(f->st, doc, "e.json", 0, &err), C2C_EINPUT);
	assert_int_equal(store_query_int(f->st, "SELECT COUNT(*) FROM city_scenarios", &err), 1);
	json_decref(doc);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpc_tree),
		cmocka_unit_test(test_units_and_gwp),
		cmocka_unit_test_setup_teardown(test_inventory_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inventory_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inventory_upload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tianjin_indicators, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iso_style_framework, setup, teardown),
		cmocka_unit_test(test_scenario_by_hand),
		cmocka_unit_test(test_split_kg),
		cmocka_unit_test(test_scenario_bad_input),
		cmocka_unit_test_setup_teardown(test_scenario_store, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
