/*
 * mrv.h - JCM measurement, reporting and verification: approved
 * methodologies as data files with one exact evaluator of their formulas,
 * streaming ingest of monitoring data (meter_id,timestamp,value CSV at
 * billions of rows), the
 * emission reductions ER_p = RE_p - PE_p of a monitoring period, and the
 * projects and monitoring reports a verifier approves and the registry
 * issues credits from.
 *
 * Quantities are fixed point: monitored values and parameters in millionths
 * of their unit (int64), emissions in millionths of a tonne (int64) computed
 * through 128-bit intermediates, so the JCM's rounding down to whole tonnes
 * is exact at the edge (99.999999 t gives 99, 100.000000 t gives 100).
 * docs/mrv.md holds the formulas with their sources and the file format.
 */
#ifndef C2C_MRV_MRV_H
#define C2C_MRV_MRV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

#define MRV_SCALE 1000000LL /* millionths: values, parameters, tonnes */

/* --- methodologies (methodology.c, methfile.c, formula.c) ----------------- */

/* A methodology is a text file in data/mrv/ (compiled into the binary) or
 * in the directory $C2C_MRV_DIR: header fields, its parameters and its
 * formulas, which one evaluator computes (docs/mrv.md has the format). */

enum mrv_option { MRV_OPT_NONE = 0, MRV_OPT_A = 'A', MRV_OPT_B = 'B', MRV_OPT_C = 'C' };

struct mrv_param {
	const char *symbol;      /* ASCII as on the command line: "EF_RE", "COP_PJ" */
	const char *symbol_doc;  /* as the JCM document writes it: "EF_RE", "COP_PJ,i" */
	const char *description;
	const char *unit;
	const char *options;     /* monitoring options the methodology allows: "C", "A", "B or C" */
	int monitored;           /* 1: monitored ex post; the first one comes from --data */
	const char *default_value; /* decimal, or NULL when the project must fix it */
	const char *source;      /* where the default or the rule comes from */
	int per_unit;            /* 1: one value per unit i, i.e. per meter (COP_PJ,i) */
	const char *fixed_by;    /* NULL when monitored; else who fixes it ex ante:
				  * MRV_FIXED_METHODOLOGY or MRV_FIXED_PROJECT */
	const char *unconfirmed; /* what of it the official text read does not confirm, or NULL */
};

/* A parameter fixed ex ante is either one the methodology sets (a default
 * value or the rule that gives it: a conservative emission factor, the
 * reference COP by cooling capacity) or one the project fixes in its PDD
 * from its own equipment (the manufacturer's COP of the project chiller). */
#define MRV_FIXED_METHODOLOGY "methodology"
#define MRV_FIXED_PROJECT "project"

#define MRV_MAX_PARAMS 16
#define MRV_MAX_CALCS 16

struct mrv_expr;

/* One formula of the file: `formula RE = EG * EF_RE`.  Evaluated per unit i
 * in file order; RE and PE are the ones summed into RE_p and PE_p. */
struct mrv_calc {
	const char *symbol;
	const char *text;        /* as written */
	const char *unit;        /* derived from the parameters' units */
	struct mrv_expr *expr;
	int line;
};

struct mrv_methodology {
	const char *id;          /* the implementation's id: the first reference number */
	const char *refs;        /* every JCM reference number it implements, ";"-separated */
	const char *countries;   /* ISO 3166-1 alpha-2 of each reference, ";"-separated */
	const char *version;     /* of the first reference: "Ver1.0" */
	const char *family_name;
	const char *title;
	const char *sector;
	const char *eligibility; /* the eligibility criteria as text */
	const char *re_equation; /* as the document writes them */
	const char *pe_equation;
	const char *source;      /* the documents this entry is read from: name, version, date */
	const char *unconfirmed; /* what of the methodology is not confirmed, or NULL */
	const char *file;        /* where it was read: "data/mrv/KH_AM002.meth" */
	size_t nparams;
	struct mrv_param params[MRV_MAX_PARAMS];
	size_t ncalcs, re_calc, pe_calc;
	struct mrv_calc calcs[MRV_MAX_CALCS];
	char *text;              /* the file's text, which the strings above point into */
};

/* Parses one methodology file (name: where it comes from, for messages).
 * Refuses an unknown field or parameter, a unit mismatch, a formula that
 * does not parse, naming name:line.  mrv_methodology_release frees it. */
int mrv_methodology_parse(const char *name, const char *text, size_t len, struct mrv_methodology *m,
			  struct c2c_err *err);
void mrv_methodology_release(struct mrv_methodology *m);

/* The methodology files compiled into c2c (scripts/embed_data.py). */
struct mrv_builtin_file {
	const char *name;
	const char *data;
	size_t len;
};
extern const struct mrv_builtin_file mrv_builtin_files[];
extern const size_t mrv_builtin_nfiles;

/* Nonzero (and err filled) when a file of $C2C_MRV_DIR was refused: the
 * faces report it before they list or compute. */
int mrv_catalog_error(struct c2c_err *err);

/* The table and lookups.  mrv_methodology_find accepts any reference number
 * the entry lists ("TH_AM001" finds the solar PV entry). */
const struct mrv_methodology *mrv_methodologies(size_t *n);
const struct mrv_methodology *mrv_methodology_find(const char *ref);
const struct mrv_param *mrv_monitored_param(const struct mrv_methodology *m);
/* The parameter named sym (case-insensitive), or NULL; *idx gets its index. */
const struct mrv_param *mrv_param_find(const struct mrv_methodology *m, const char *sym, size_t *idx);
json_t *mrv_methodology_json(const struct mrv_methodology *m, int full);

/* --- fixed point (fixed.c) ------------------------------------------------ */

/* "12.5" -> 12500000.  Digits beyond the sixth decimal are refused when
 * `strict`, else dropped (truncation toward zero).  0 or C2C_EINPUT. */
int mrv_parse_micro(const char *s, size_t len, int strict, int64_t *out);
/* 12500000 -> "12.5" (no trailing zeros, at least one digit). */
void mrv_format_micro(int64_t v, char *buf, size_t len);
/* Seconds since 1970 of an ISO 8601 timestamp with Z or an offset
 * (YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)); 0 or -1. */
int mrv_parse_timestamp(const char *s, size_t len, int64_t *out);
/* A YYYY-MM-DD date to the seconds of its 00:00Z; 0 or -1. */
int mrv_parse_date(const char *s, int64_t *out);
void mrv_format_timestamp(int64_t t, char *buf, size_t len);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t mrv_days_from_civil(int64_t y, unsigned m, unsigned d);

/* --- monitoring data (ingest.c) ------------------------------------------ */

struct mrv_gap {
	int64_t start;   /* first missing slot */
	int64_t length;  /* seconds */
};

#define MRV_GAPS_LISTED 20 /* per meter; the count and total are always exact */

struct mrv_meter_result {
	char id[65];
	int64_t rows;           /* readings inside the period */
	int64_t sum_micro;      /* the meter's quantity in the parameter's unit, after correction */
	int64_t raw_micro;      /* before calibration correction */
	int64_t first, last;    /* first and last reading inside the period */
	int64_t interval;       /* seconds between slots (gcd of the readings' offsets) */
	int64_t gap_count, gap_seconds;
	size_t ngaps;
	struct mrv_gap gaps[MRV_GAPS_LISTED];
	int64_t replacements;   /* cumulative: register restarts applied */
	int corrected;          /* calibration correction applied */
	char correction[200];   /* what was corrected and why */
};

/* Meter metadata (--meters FILE): accuracy, calibration and replacements. */
struct mrv_meter_info {
	char id[65];
	int64_t accuracy_ppm;     /* accuracy level, millionths (0.5% = 5000) */
	int64_t calibration_due;  /* when the calibration was scheduled (s), 0 if none */
	int64_t calibrated_on;    /* when it was done (s), 0 if none */
	int64_t error_ppm;        /* the error found at that calibration, millionths, signed */
	int64_t replaced_at[8];   /* cumulative registers restarted at these times */
	size_t nreplaced;
};

typedef void (*mrv_progress_fn)(void *ctx, uint64_t bytes, uint64_t total, uint64_t rows,
				double seconds);

struct mrv_ingest_opts {
	const char *path;         /* the CSV file */
	int64_t from, to;         /* period [from, to) in seconds */
	int cumulative;           /* register readings instead of interval readings */
	int64_t unit_divisor;     /* data unit -> parameter unit: 1, or 1000 for kWh -> MWh */
	size_t max_errors;        /* errors listed before stopping (>= 1) */
	const struct mrv_meter_info *meters; /* may be NULL */
	size_t nmeters;
	int want_sha256;          /* hash the file while reading it */
	mrv_progress_fn progress; /* called about 4 times a second, may be NULL */
	void *progress_ctx;
};

struct mrv_ingest_result {
	uint64_t bytes;
	int64_t rows;            /* data rows read (header excluded) */
	int64_t rows_in_period;
	int64_t rows_skipped;    /* outside the period */
	size_t nmeters;
	struct mrv_meter_result *meter; /* sorted by id; freed by mrv_ingest_result_free */
	int64_t total_micro;     /* sum over meters, parameter unit */
	char sha256[65];         /* when asked */
	size_t nerrors;
	json_t *errors;          /* array of messages when nerrors > 0 */
};

/* Reads the file once, in large blocks, never holding more than one block
 * and the per-meter state.  On bad rows returns C2C_EINPUT with err holding
 * the first message and res->errors all of them (up to max_errors). */
int mrv_ingest(const struct mrv_ingest_opts *o, struct mrv_ingest_result *res,
	       struct c2c_err *err);
void mrv_ingest_result_free(struct mrv_ingest_result *res);

/* 1 when s[0..n) is a meter id: 1-64 of A-Z a-z 0-9 - _ . : / */
int mrv_meter_id_ok(const char *s, size_t n);

/* Reads a meters CSV (meter_id,accuracy_pct,calibration_due,calibrated_on,
 * error_pct,replaced_at).  *out is malloc'ed. */
int mrv_meters_load(const char *path, struct mrv_meter_info **out, size_t *n,
		    struct c2c_err *err);

/* --- per-unit parameter values (units.c) --------------------------------- */

/* One value of a per-unit parameter for one unit i, named by its meter:
 * `--param COP_PJ@CH-01=6.1`, a cell of a --units file, or a row of the
 * project's table. */
struct mrv_unit_value {
	char meter_id[65];
	char symbol[24];   /* as the methodology spells it once checked */
	char value[40];    /* decimal text as given */
	const char *file;  /* the --units file it came from; NULL: --param or the project */
	size_t row;        /* its row in that file */
};

/* Reads a --units CSV: header `meter_id,SYMBOL[,SYMBOL...]`, one row per
 * unit, an empty cell for "no value of this unit" (the project-wide one
 * applies).  Every symbol must be a per-unit parameter of m.  Appends to
 * *v (malloc'ed, *n entries).  Errors name file, row and column. */
int mrv_units_load(const char *path, const struct mrv_methodology *m, struct mrv_unit_value **v, size_t *n,
		   struct c2c_err *err);
/* Checks values from any source against m (a per-unit, non-monitored
 * parameter; a meter id; a positive decimal with at most 6 decimals; no
 * meter and symbol twice), spells each symbol as m does and sorts them by
 * meter id, then symbol (strcmp, the order of the ingest's meters). */
int mrv_units_check(const struct mrv_methodology *m, struct mrv_unit_value *v, size_t n, struct c2c_err *err);

/* --- monitored values given for the period (values.c) ------------------- */

/* A monitored value not read from the meter file: `--value FC=20000 Nm3`,
 * `--value FC_PJ@AC-2=200 GJ` (one unit's, named by its meter), or a cell
 * of a filled Monitoring Report Sheet.  The unit is required: the
 * parameter's, or kWh / L for MWh / kL (converted exactly). */
struct mrv_given_value {
	char symbol[24];
	char meter_id[65]; /* "" : the project's value for the period */
	char value[40];    /* decimal text as given */
	char unit[16];     /* as given */
};
/* "SYMBOL[@METER]=DECIMAL UNIT". */
int mrv_given_parse(const char *text, struct mrv_given_value *g, struct c2c_err *err);
/* g's value in millionths of its parameter's unit; *idx gets the
 * parameter.  Refused (naming it): not a monitored parameter of m, another
 * unit, not a decimal, a conversion that needs a seventh decimal. */
int mrv_given_micro(const struct mrv_methodology *m, const struct mrv_given_value *g, size_t *idx, int64_t *micro,
		    struct c2c_err *err);
/* As stored with a report: [{"symbol", "value", "unit"[, "meter_id"]}]. */
json_t *mrv_given_json(const struct mrv_given_value *g, size_t n);
int mrv_given_from_json(json_t *a, struct mrv_given_value **out, size_t *n, struct c2c_err *err);

/* --- the calculation (compute.c) ----------------------------------------- */

struct mrv_param_value {
	const char *symbol;
	const char *value; /* decimal text as given */
};

struct mrv_compute_req {
	const struct mrv_methodology *m;
	const struct mrv_param_value *params;  /* --param NAME=VALUE */
	size_t nparams;
	const char *from, *to;                 /* YYYY-MM-DD, inclusive */
	const char *data;                      /* CSV path, or NULL: monitored value in params */
	const char *unit;                      /* unit of the data, NULL = the parameter's */
	int cumulative;
	size_t max_errors;
	const char *meters_path;               /* may be NULL */
	const struct mrv_unit_value *units;    /* per-unit values, any order; need --data */
	size_t nunits;
	const struct mrv_given_value *given;   /* monitored values given for the period */
	size_t ngiven;
	int want_sha256;
	mrv_progress_fn progress;
	void *progress_ctx;
	json_t **errors;                       /* if set: every data error, on failure */
};

/* The parameter values one meter (unit i) was computed with. */
struct mrv_meter_params {
	int64_t micro[MRV_MAX_PARAMS];         /* in the order of m->params; monitored slot 0 */
	unsigned char from_unit[MRV_MAX_PARAMS]; /* 1: the unit's own value; 0: the project-wide one */
};

struct mrv_result {
	int64_t re_micro, pe_micro, er_micro; /* millionths of a tonne; RE down, PE up */
	int64_t er_tco2e;                     /* floor of ER in whole tonnes */
	int64_t monitored_micro;              /* the monitored parameter's total */
	struct mrv_ingest_result data;        /* empty when no --data */
	json_t *warnings;                     /* array of strings */
	json_t *params;                       /* array: symbol, value, unit, origin */
	json_t *calcs;                        /* array: each formula's sum over units, as the
					       * Monitoring Report Sheet lists them */
	struct mrv_meter_params *meter_params; /* per data.meter[k] when per-unit values were
						* given, else NULL */
};

/* The pure equation: ER from the monitored total and the parameter values in
 * millionths, in the order of m->params (the monitored slot is ignored). */
int mrv_equation(const struct mrv_methodology *m, int64_t monitored_micro,
		 const int64_t *param_micro, struct mrv_result *r, struct c2c_err *err);
/* The same over n units, each with its monitored quantity q[k] and its own
 * parameter values pv[k].  Sums are exact; RE is rounded down once per
 * distinct denominator (reference COP or efficiency), so units that share
 * every value give exactly what mrv_equation gives for their total. */
int mrv_equation_units(const struct mrv_methodology *m, size_t n, const int64_t *q,
		       const int64_t (*pv)[MRV_MAX_PARAMS], struct mrv_result *r, struct c2c_err *err);

int mrv_compute(const struct mrv_compute_req *req, struct mrv_result *r, struct c2c_err *err);
void mrv_result_free(struct mrv_result *r);
/* The result as the JSON that `c2c mrv compute --format json` prints. */
json_t *mrv_result_json(const struct mrv_compute_req *req, const struct mrv_result *r);

/* --- projects and reports (report.c) -------------------------------------- */

int mrv_migrate(struct store *st, struct c2c_err *err);

/* A project is linked to the atlas project it monitors (atlas_project):
 * its id is then the atlas project's, its host country the atlas
 * project's country (host_country, when given, must be the same), and the
 * Joint Committee's reference an optional attribute (jcm_ref).  The form
 * from before the link, id = the JCM reference and host_country given,
 * still adds a project that names no atlas project (its jcm_ref is its id). */
struct mrv_project_req {
	const char *atlas_project; /* the atlas project id: "pj-da-nang-water-pumps" */
	const char *jcm_ref;       /* with atlas_project: "VN003", may be NULL */
	const char *id;            /* without atlas_project: the JCM reference, "KH003" */
	const char *title;
	const char *host_country;  /* ISO 3166-1 alpha-2 */
	const char *methodology;
	const struct mrv_param_value *params; /* fixed ex ante */
	size_t nparams;
	const struct mrv_unit_value *units;   /* fixed ex ante per unit (meter) */
	size_t nunits;
	const char *participants;  /* ";"-separated */
};
/* *id (may be NULL) gets the new project's id. */
int mrv_project_add(struct store *st, const struct mrv_project_req *r, char *id, size_t idlen,
		    struct c2c_err *err);
int mrv_projects(struct store *st, json_t **out, struct c2c_err *err);
/* One project {id, title, host_country, methodology, params, participants,
 * created_at, atlas_project, jcm_ref}; C2C_ENOTFOUND when there is none.
 * Other modules read mrv through this, mrv_project_find, mrv_report_get,
 * mrv_report_issuable and mrv_project_life, never its tables. */
int mrv_project_get(struct store *st, const char *id, json_t **out, struct c2c_err *err);
/* The project a user names, by its id (for a linked project, the atlas
 * project id) or its JCM reference: id (MRV_PROJECT_ID_MAX bytes) gets its
 * id and host its host country.  C2C_ENOTFOUND when none is. */
#define MRV_PROJECT_ID_MAX 65
int mrv_project_find(struct store *st, const char *ref, char *id, char host[3], struct c2c_err *err);

struct mrv_submit_req {
	const char *project;
	const char *data;
	const char *from, *to;
	const char *unit;
	int cumulative;
	const char *meters_path;
	size_t max_errors;
	const char *user;
	mrv_progress_fn progress;
	void *progress_ctx;
	json_t **errors;  /* if set: every data error, on failure */
	const struct mrv_given_value *given; /* monitored values given for the period */
	size_t ngiven;
	const char *sheet; /* instead of data: a filled Monitoring Report Sheet (.xlsx)
			    * whose Table 1 gives every monitored value (sheet.c) */
	int check;        /* compute only: nothing is stored, *id gets 0 */
	store_tx_fn also; /* if set: run inside the report's transaction (the
			   * HTTP face's audit row), so both are kept or neither */
	void *also_ctx;
};
/* Computes, then stores the result, the file's SHA-256 and counts in one
 * transaction.  *id gets the report number. */
int mrv_report_submit(struct store *st, const struct mrv_submit_req *r, int64_t *id,
		      json_t **result, struct c2c_err *err);
/* Recomputes from the file; approving is refused when the file's hash or
 * the result changed.  approve: 1 approve, 0 reject.  `also` (may be NULL)
 * runs inside the decision's transaction (the API's audit row). */
int mrv_report_verify(struct store *st, int64_t id, int approve, const char *comment,
		      const char *user, mrv_progress_fn progress, void *progress_ctx,
		      store_tx_fn also, void *also_ctx, struct c2c_err *err);
/* Recomputes a report from its file, as approval would, and stores
 * nothing: {"report", "result" (as mrv_result_json, without the file's
 * path), "same_file" (the SHA-256 is the submitted one), "same_er"}. */
int mrv_report_recompute(struct store *st, int64_t id, json_t **out, struct c2c_err *err);
int mrv_report_get(struct store *st, int64_t id, json_t **out, struct c2c_err *err);
int mrv_reports(struct store *st, const char *project, json_t **out, struct c2c_err *err);
int mrv_report_export_xlsx(struct store *st, int64_t id, const char *path, struct c2c_err *err);

/* The report as a JCM Monitoring Spreadsheet (sheet.c): a JSON record whose
 * tables are the sheets "Monitoring Plan Sheet", "Monitoring Structure
 * Sheet", "Monitoring Report Sheet" (Table 1, the monitored values) and
 * "MRS(calc_process)" (each formula's value, RE, PE, ER), which
 * core/rows.c writes as a workbook (the API's ?format=xlsx); _xlsx writes
 * that workbook to path. */
int mrv_report_sheet(struct store *st, int64_t id, json_t **out, struct c2c_err *err);
int mrv_report_sheet_xlsx(struct store *st, int64_t id, const char *path, struct c2c_err *err);
/* The monitored values of a filled Monitoring Report Sheet (the workbook at
 * path; name names it in messages), each checked as `--value` is, errors
 * naming sheet and cell; sha256 and bytes get the file's fingerprint. */
int mrv_sheet_values(const char *path, const char *name, const struct mrv_methodology *m,
		     struct mrv_given_value **out, size_t *n, char sha256[65], uint64_t *bytes, struct c2c_err *err);

/* The MRV side of an atlas project's life (link.c), for `projects show`:
 * *out = JSON null when no MRV project is linked to `atlas_project`, else
 * {"project": MRV id, "jcm_ref": text or null, "methodology",
 *  "host_country", "reports": [{"id", "period_start", "period_end",
 *  "status", "er_t"}]} (er_t: the report's ER in whole tonnes, rounded down
 * as the JCM rounds; reports in period order). */
int mrv_project_life(struct store *st, const char *atlas_project, json_t **out, struct c2c_err *err);

/* What the registry needs to issue from a report: only an approved report
 * gives it; any other is refused with the reason. */
struct mrv_issuable {
	char project[MRV_PROJECT_ID_MAX];
	char host[3];              /* the project's host country */
	char from[11], to[11];
	int64_t er_tco2e;
};
int mrv_report_issuable(struct store *st, int64_t id, struct mrv_issuable *out,
			struct c2c_err *err);

/* A project's verified reductions as a yearly rate (verified.c): the ER of
 * its approved reports over the days they cover, times 365.  Refused when it
 * has none, or when two approved periods overlap. */
struct mrv_rate {
	int reports;
	int64_t days, er_micro;
	char from[11], to[11]; /* first and last day covered */
	double t_per_year;
};
int mrv_verified_rate(struct store *st, const char *project, struct mrv_rate *out, struct c2c_err *err);

#endif
