/*
 * city.h - a partner city's numbers: its GHG inventory in the GPC's tree,
 * its indicators against their targets, and its zero-carbon scenarios.
 *
 * Why this module exists: the programme's projects are meant to show in the
 * cities' numbers.  This module keeps those numbers next to the atlas (an
 * inventory, an observation and a scenario all belong to an atlas place) and
 * computes every total itself, so no total is ever typed in.
 *
 * Pure domain code: it reads and writes through store.h, looks places and
 * projects up in the atlas tables, and returns C structs or JSON values
 * (jansson) that the CLI and the HTTP API print as they like.
 * docs/city.md is the human side of this header.
 */
#ifndef C2C_CITY_CITY_H
#define C2C_CITY_CITY_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/csv.h"
#include "core/err.h"
#include "store/store.h"

/* ---- the GPC tree (data/city/gpc.csv, compiled in) ------------------------------ */

enum gpc_level {
	GPC_BASIC,       /* in BASIC (and so in BASIC+) */
	GPC_BASIC_PLUS,  /* added by BASIC+ */
	GPC_TERRITORIAL, /* scope 1 only, in neither (I.4.4, III.x.3) */
	GPC_OTHER,       /* VI.1: other scope 3, in neither */
};

struct gpc_row {
	const char *ref;            /* "I.1.1", "IV.1" */
	int sector;                 /* 1..6 (I..VI) */
	const char *sector_name;
	const char *subsector;      /* "I.1" */
	const char *subsector_name;
	const char *name;
	int scope;                  /* 1, 2, 3 */
	enum gpc_level level;
	const char *source;
};

extern const struct gpc_row city_gpc[];
extern const size_t city_gpc_n;
const struct gpc_row *city_gpc_find(const char *ref);
const char *city_gpc_level_name(enum gpc_level level); /* "basic", "basic+", ... */
extern const char *const city_sector_roman[7];          /* [1] = "I" */
/* The tree as JSON rows (`c2c city gpc`, GET /api/v1/city/gpc). */
json_t *city_gpc_json(void);

/* ---- GWP sets (data/city/gwp.csv, compiled in) ---------------------------------- */

enum city_gas { GAS_CO2, GAS_CH4, GAS_N2O, GAS_N };
extern const char *const city_gas_name[GAS_N];

struct city_gwp {
	const char *set; /* "AR5", "AR6" */
	double gwp[GAS_N];
	/* fossil methane (AR6 tells it apart: its GWP counts the CO2 it
	 * oxidises to), for the fugitive rows of fossil fuels, GPC I.7 and I.8,
	 * where no CO2 factor counts that carbon; a combustion row's CO2
	 * factor does, so its methane takes gwp[GAS_CH4].  A set that does not
	 * tell them apart (AR5) has the same value in both. */
	double ch4_fossil;
	const char *source;
};
const struct city_gwp *city_gwp_find(const char *set);

/* ---- units ------------------------------------------------------------------------ */

enum city_dim { DIM_ENERGY, DIM_MASS, DIM_VOLUME, DIM_DISTANCE, DIM_PKM, DIM_TKM, DIM_VKM,
		DIM_HEAD, DIM_AREA };

struct city_unit {
	const char *name;  /* as written: "MWh", "kL", "m3" */
	enum city_dim dim;
	double to_base;    /* GJ, t, m3, km, pkm, tkm, vkm, head, ha */
};
const struct city_unit *city_unit_find(const char *name);
const char *city_dim_name(enum city_dim dim);
/* An emission factor's unit "kg/GJ": a mass over any unit.  0 or EINPUT. */
int city_ef_unit_parse(const char *s, const struct city_unit **num, const struct city_unit **den,
		       char *why, size_t whylen);

/* ---- inventories ------------------------------------------------------------------ */

#define CITY_TEXT_MAX 512

/* One row of an inventory, as given: activity x factor, or a notation key. */
struct city_inv_row {
	char ref[12];
	char key[3];                    /* "", "NO", "NE", "C", "IE" */
	char explanation[CITY_TEXT_MAX];
	int has_activity;
	double activity;
	char activity_unit[16];
	int has_ef[GAS_N];
	double ef[GAS_N];
	char ef_unit[24];
	char ef_source[CITY_TEXT_MAX];
};

/* What a row comes to.  Each gas in kg rounded half away from zero; CO2e
 * from the unrounded gases times the GWP, then rounded to the kg. */
struct city_inv_result {
	int filled;
	long long gas_kg[GAS_N];
	long long co2e_kg;
};

struct city_inv_totals {
	long long basic_kg, basic_plus_kg;
	long long scope_kg[4];  /* [1..3]: every row of that scope (scope 1 = territorial) */
	long long sector_kg[7]; /* [1..6] */
	size_t filled, keyed, empty_basic;
};

/* Fill a row from named fields (CSV header names; the CLI's --options with
 * '-' for '_').  Output-only columns (sector, scope, co2e_t ...) are
 * accepted and ignored.  `where` starts every message ("f.csv: row 4"). */
int city_inv_row_from_fields(struct city_inv_row *r, const char *const *names,
			     const char *const *values, size_t n, const char *where,
			     struct c2c_err *err);
int city_inv_compute(const struct city_inv_row *r, const struct city_gwp *gwp,
		     struct city_inv_result *out, struct c2c_err *err);

/* 0 if `place` is an atlas place, 1 if not, < 0 on error (shared by inventories and
 * indicators, which word the refusal each in their own terms). */
int city_place_known(struct store *st, const char *place, struct c2c_err *err);
/* 1 if the atlas's `table` has row `id`, 0 if not, < 0 on error; asked of
 * the atlas (atlas_has), which owns those tables.  C2C_ENOTFOUND, with the
 * hint to run c2c init, when the atlas is not in this database. */
int city_atlas_has(struct store *st, const char *table, const char *id, struct c2c_err *err);

/* The built-in indicator frameworks (store_builtin_load: loaded when they changed). */
extern const struct store_builtin city_dataset;
/* The tables only, no frameworks (c2c db migrate fills them from another database). */
int city_migrate(struct store *st, struct c2c_err *err);

/* Rows in, all or none: the inventory (place, year) gets exactly these rows
 * (import) or this one row added or replaced (add).  The place must be an
 * atlas place; gwp is "AR5" or "AR6" (NULL keeps an existing inventory's). */
int city_inventory_replace(struct store *st, const char *place, int year, const char *gwp,
			   const struct city_inv_row *rows, size_t n, struct c2c_err *err);
int city_inventory_add_row(struct store *st, const char *place, int year, const char *gwp,
			   const struct city_inv_row *row, struct c2c_err *err);

/* Take one row out of an inventory (C2C_ENOTFOUND when it has none). */
int city_inventory_delete_row(struct store *st, const char *place, int year, const char *ref,
			      struct c2c_err *err);

/* Read a CSV or XLSX file (by its name's ending) of one row per GPC number. */
int city_inventory_read_file(const char *path, struct city_inv_row **rows, size_t *n,
			     struct c2c_err *err);
int city_inventory_read_csv_mem(const char *data, size_t len, const char *name,
				struct city_inv_row **rows, size_t *n, struct c2c_err *err);

/* A file sent whole (an upload): CSV text, or the bytes of an .xlsx.  Every
 * row is read; when some are wrong the error (field "file") says how many,
 * and its detail lists them one a line ("NAME: row 4, column ef_unit: ..."),
 * the first CITY_UPLOAD_ERRORS_MAX, so one answer shows what to mend. */
#define CITY_UPLOAD_ERRORS_MAX 20
int city_inventory_read_upload(const char *data, size_t len, const char *name, int xlsx,
			       struct city_inv_row **rows, size_t *n, struct c2c_err *err);

/* Load an inventory: its rows in GPC order (every GPC number, empty where
 * not given), computed results and totals. */
struct city_inventory {
	char place[128];
	int year;
	const struct city_gwp *gwp;
	struct city_inv_row rows[64];
	struct city_inv_result res[64];
	size_t n; /* = city_gpc_n */
	struct city_inv_totals totals;
};
int city_inventory_load(struct store *st, const char *place, int year,
			struct city_inventory *inv, struct c2c_err *err);
/* The whole inventory as JSON: {inventory, rows[], totals}. */
json_t *city_inventory_json(const struct city_inventory *inv);
/* Rows as JSON objects with the CSV columns (what export writes). */
json_t *city_inventory_rows_json(const struct city_inventory *inv);
/* BASIC rows neither filled nor keyed, as [{gpc_ref, name, level}]. */
json_t *city_inventory_check(const struct city_inventory *inv, size_t *missing_basic);
int city_inventory_write_csv(const struct city_inventory *inv, FILE *out, struct c2c_err *err);
int city_inventory_write_xlsx(const struct city_inventory *inv, const char *path,
			      struct c2c_err *err);
int city_inventories(struct store *st, json_t **out, struct c2c_err *err);

/* The column names of the inventory file, in order; the first `ninput` are
 * read on import, the rest are outputs. */
extern const char *const city_inv_columns[];
extern const size_t city_inv_ncolumns, city_inv_ninput;

/* ---- indicators ------------------------------------------------------------------- */

int city_frameworks(struct store *st, json_t **out, struct c2c_err *err);
int city_indicators(struct store *st, const char *framework, json_t **out, struct c2c_err *err);
/* Frameworks and indicator target lines from CSV text (the formats of
 * data/city/frameworks.csv and indicators.csv), upserted in the caller's
 * transaction. */
int city_framework_import(struct store *st, const char *fw_csv, size_t fw_len, const char *fw_name,
			  const char *ind_csv, size_t ind_len, const char *ind_name, size_t *rows,
			  struct c2c_err *err);
int city_observe(struct store *st, const char *place, const char *measure, int year, double value,
		 const char *source, struct c2c_err *err);
/* Every observation, or those of one place: place with its names, measure,
 * year, value, source; by place, measure and year. */
int city_observations(struct store *st, const char *place, json_t **out, struct c2c_err *err);
/* Observations CSV: place_id,measure_id,year,value,source; all or none. */
int city_observations_import(struct store *st, const char *data, size_t len, const char *name,
			     size_t *rows, struct c2c_err *err);
/* Each indicator of `framework` at `place` as of `year` (0 = the latest
 * observed): met / not met / no data per target line and per indicator, and
 * the trend of the last two observations.  JSON described in docs/city.md. */
int city_evaluate(struct store *st, const char *place, const char *framework, int year,
		  json_t **out, struct c2c_err *err);

/* ---- scenarios -------------------------------------------------------------------- */

#define SCN_MAX_DRIVERS 16
#define SCN_MAX_SECTORS 16
#define SCN_MAX_TECHS 8
#define SCN_MAX_FUELS 16
#define SCN_MAX_SOURCES 12
#define SCN_MAX_MEASURES 16
#define SCN_MAX_CHANGES 8
#define SCN_ID_MAX 64

/* Everything a countermeasure may change, in one flat struct, so that a
 * case is "copy the base, apply some measures, evaluate". */
struct scn_params {
	double intensity[SCN_MAX_SECTORS];            /* service per driver unit */
	double share[SCN_MAX_SECTORS][SCN_MAX_TECHS]; /* of the sector's service */
	double eff[SCN_MAX_SECTORS][SCN_MAX_TECHS];   /* service per fuel unit */
	double fuel_ef[SCN_MAX_FUELS];                /* t CO2e per fuel unit */
	double mix[SCN_MAX_SOURCES];                  /* power mix shares */
	double gen_ef[SCN_MAX_SOURCES];               /* t CO2e per MWh generated */
	double loss;                                  /* grid losses, fraction */
	double cut[SCN_MAX_SECTORS];                  /* fixed reductions, t */
	/* energy a project displaces in a sector, by fuel: MWh of grid
	 * electricity, or the fuel's own unit; worth the case's factor of that
	 * fuel, so a cleaner grid shrinks what a solar plant saves */
	double displace[SCN_MAX_SECTORS][SCN_MAX_FUELS];
};

enum scn_change_type { CH_EFFICIENCY, CH_SHARE, CH_INTENSITY, CH_POWER_MIX, CH_FUEL_EF, CH_CUT, CH_DISPLACE };

struct scn_change {
	enum scn_change_type type;
	int sector, tech, to, fuel, source; /* indices; to = tech or source moved to */
	double value;                       /* new efficiency / points / factor / EF / t */
};

struct scn_measure {
	char id[SCN_ID_MAX];
	char kind[24];                      /* efficiency, fuel_switch, renewable_power, ... */
	char project[SCN_ID_MAX];           /* an atlas project id, or "" */
	struct scn_change ch[SCN_MAX_CHANGES];
	int nch;
	/* where a project measure's figure comes from ("basis" in the document):
	 * the stated reduction, or the MRV-verified rate `scenario link
	 * --mrv-project` wrote; "" = stated.  Last, away from what scn_run reads. */
	char basis[160];
};

struct scn_model {
	char id[SCN_ID_MAX], place[128], name[256];
	int base_year, target_year;
	int ndrivers;
	char driver[SCN_MAX_DRIVERS][SCN_ID_MAX];
	double drv_base[SCN_MAX_DRIVERS], drv_target[SCN_MAX_DRIVERS];
	int nsectors;
	char sector[SCN_MAX_SECTORS][SCN_ID_MAX];
	char sector_gpc[SCN_MAX_SECTORS][12];
	int sector_driver[SCN_MAX_SECTORS];
	int ntech[SCN_MAX_SECTORS];
	char tech[SCN_MAX_SECTORS][SCN_MAX_TECHS][SCN_ID_MAX];
	int tech_fuel[SCN_MAX_SECTORS][SCN_MAX_TECHS];
	int nfuels;
	char fuel[SCN_MAX_FUELS][SCN_ID_MAX];
	int fuel_grid[SCN_MAX_FUELS];       /* 1: electricity, EF from the power mix (per GJ) */
	int nsources;
	char source[SCN_MAX_SOURCES][SCN_ID_MAX];
	struct scn_params base;
	int nmeasures;
	struct scn_measure m[SCN_MAX_MEASURES];
};

/* Parse and check a scenario document (see docs/city.md); `name` names it in
 * messages, which give the JSON path ("s.json: sectors[1].techs[0].share"). */
int city_scenario_parse(json_t *doc, const char *name, struct scn_model *m, struct c2c_err *err);

/* The model, with no I/O: emissions (t) per sector for the given drivers and
 * parameters; returns the total.  The grid factor is derived from the mix. */
double scn_eval(const struct scn_model *m, const struct scn_params *p, const double *drivers,
		double *sector_t);
/* Copy the base and apply the measures whose bits are set in `mask`, in the
 * order they are listed. */
void scn_apply(const struct scn_model *m, unsigned mask, struct scn_params *p);
double scn_grid_ef(const struct scn_params *p, int nsources); /* t per MWh delivered */

enum scn_attribution { ATTR_SHAPLEY, ATTR_SEQUENTIAL };

struct scn_result {
	double base_t[SCN_MAX_SECTORS], bau_t[SCN_MAX_SECTORS], cm_t[SCN_MAX_SECTORS];
	double base_total, bau_total, cm_total;
	double part_t[SCN_MAX_MEASURES]; /* each measure's share of bau_total - cm_total */
	double grid_base, grid_cm;       /* t per MWh */
};
/* Base year, BaU (target-year drivers, base-year technology) and the case
 * with every measure; the reduction split between the measures so that the
 * parts add up to the total (Shapley: the average over every order of the
 * measures; sequential: one by one in the listed order). */
void scn_run(const struct scn_model *m, enum scn_attribution how, struct scn_result *r);

int city_scenario_add(struct store *st, json_t *doc, const char *name, int replace,
		      struct c2c_err *err);
int city_scenario_get(struct store *st, const char *id, struct scn_model *m, json_t **doc,
		      struct c2c_err *err);
int city_scenarios(struct store *st, json_t **out, struct c2c_err *err);
/* Attach an atlas project as a countermeasure: a fixed reduction of `t` in
 * `sector`, the project's stated reduction, or its MRV-verified yearly rate
 * with `basis` saying so (NULL: stated).  Linking a measure id again
 * replaces it, so a rate is brought up to date by linking again.  `split`
 * (or NULL): where the verified tonnes went, kept in the measure as
 * "split" for the reader (life/sync.c; the run does not read it). */
int city_scenario_link(struct store *st, const char *id, const char *measure, const char *project,
		       const char *sector, double t, const char *basis, json_t *split, struct c2c_err *err);
/* The scenarios that count an atlas project: [{id, name, place_id,
 * measure, sector, reduction_t, basis, split?}], one per measure naming it. */
int city_scenarios_counting(struct store *st, const char *project, json_t **out, struct c2c_err *err);
/* Every figure of a scenario's run, in tonnes, lies within ±SCN_T_MAX: a
 * thousand gigatonnes, twenty times the world's yearly emissions, so a run
 * of real data never meets it, and a figure to the kg stays far inside a
 * 64-bit integer.  Drivers and activity values each within their own
 * bounds can still multiply past it: such a scenario is refused when saved
 * and when run, naming the sector or the measure. */
#define SCN_T_MAX 1e12
/* The run as JSON (sectors, totals, measures with their parts, the rule)
 * into *out; C2C_EINPUT when a figure lies outside ±SCN_T_MAX. */
int city_scenario_run_json(const struct scn_model *m, enum scn_attribution how, json_t **out,
			   struct c2c_err *err);

/* Round t to whole kg and split a total in kg among parts by the largest
 * remainder, so the printed parts add up exactly to the printed total. */
void city_split_kg(const double *parts_t, size_t n, long long total_kg, long long *out_kg);

#endif
