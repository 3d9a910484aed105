/*
 * cmd_city.c - `c2c city ...`: a partner city's GHG inventory (GPC),
 * indicators against targets, and scenarios (the scenario family is in
 * cmd_city_scenario.c).  Thin: options in, one city/ call, rows out.
 */
#include "core/csv.h"
#include "core/json.h"
#include "subcmd.h"
#include "city/city.h"
#include "core/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct cli_subs city_scenario_subs;

static int need_year(const struct cli_args *a, int *year, struct c2c_err *err)
{
	int rc;
	if (!cli_opt(a, "year"))
		return c2c_err_set(err, C2C_EUSAGE, "--year is required");
	if ((rc = cli_opt_int(a, "year", 1990, 2100, year, err)))
		return rc;
	return 0;
}

static int print(json_t *rows, enum cli_format fmt, const char *const *cols)
{
	int rc = cli_print_rows(rows, fmt, fmt == FMT_JSON ? NULL : cols);
	json_decref(rows);
	return rc;
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, C2C_JSON_FLAGS);
	if (s)
		puts(s);
	free(s);
	json_decref(o);
}

static void tonnes_text(char *buf, size_t n, double t)
{
	snprintf(buf, n, "%.3f", t);
}

/* ---- gpc ------------------------------------------------------------------------------- */

static int sub_gpc(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"ref", "scope", "level", "subsector_name", "name", NULL};
	(void)err;
	return print(city_gpc_json(), r->fmt, cols);
}

/* ---- inventory -------------------------------------------------------------------------- */

static int inv_load(struct store *st, const struct cli_args *a, struct city_inventory *inv,
		    struct c2c_err *err)
{
	const char *place;
	int year, rc;
	if ((rc = cli_need(a, "place", &place, err)) || (rc = need_year(a, &year, err)))
		return rc;
	return city_inventory_load(st, place, year, inv, err);
}

static int sub_inv_add(struct cli_run *r, struct c2c_err *err)
{
	const char *names[CLI_MAX_OPTS], *values[CLI_MAX_OPTS], *place;
	char buf[CLI_MAX_OPTS][24];
	struct city_inv_row row;
	size_t n = 0;
	int year, rc;
	if ((rc = cli_need(&r->a, "place", &place, err)) || (rc = need_year(&r->a, &year, err)))
		return rc;
	/* every other option is a column of the row, '-' for '_' */
	for (size_t i = 0; i < r->a.nopts; i++) {
		const char *nm = r->a.opt_name[i];
		size_t len = strcspn(nm, "=");
		if (!strncmp(nm, "place", len) || !strncmp(nm, "year", len) || !strncmp(nm, "gwp", len) ||
		    !strncmp(nm, "format", len))
			continue;
		snprintf(buf[n], sizeof(buf[n]), "%.*s", (int)len, nm);
		for (char *p = buf[n]; *p; p++)
			if (*p == '-')
				*p = '_';
		names[n] = buf[n];
		values[n++] = r->a.opt_value[i];
	}
	if ((rc = city_inv_row_from_fields(&row, names, values, n, "inventory add", err)) ||
	    (rc = city_inventory_add_row(r->st, place, year, cli_opt(&r->a, "gwp"), &row, err)))
		return rc;
	if (r->fmt == FMT_JSON)
		print_json(json_pack("{s:s, s:i, s:s, s:s}", "place_id", place, "year", year, "gpc_ref", row.ref, "row",
				     row.key[0] ? "keyed" : row.has_activity ? "filled" : "cleared"));
	else
		printf("inventory %s %d: %s %s\n", place, year, row.ref,
		       row.key[0] ? "keyed" : row.has_activity ? "filled" : "cleared");
	return 0;
}

/* A row taken out: what `add` put in, undone (a correction is an `add` of the same GPC number). */
static int sub_inv_delete(struct cli_run *r, struct c2c_err *err)
{
	const char *place, *ref;
	int year, rc;
	if ((rc = cli_need(&r->a, "place", &place, err)) || (rc = need_year(&r->a, &year, err)) ||
	    (rc = cli_need(&r->a, "gpc-ref", &ref, err)) ||
	    (rc = city_inventory_delete_row(r->st, place, year, ref, err)))
		return rc;
	if (r->fmt == FMT_JSON)
		print_json(json_pack("{s:s, s:i, s:s, s:s}", "place_id", place, "year", year, "gpc_ref", ref, "row", "deleted"));
	else
		printf("inventory %s %d: %s deleted\n", place, year, ref);
	return 0;
}

static int sub_inv_import(struct cli_run *r, struct c2c_err *err)
{
	struct city_inv_row *rows;
	const char *place;
	size_t n, filled = 0, keyed = 0;
	int year, rc;
	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "inventory import: give one FILE.csv or FILE.xlsx");
	if ((rc = cli_need(&r->a, "place", &place, err)) || (rc = need_year(&r->a, &year, err)))
		return rc;
	if ((rc = city_inventory_read_file(r->a.pos[0], &rows, &n, err)))
		return rc;
	rc = city_inventory_replace(r->st, place, year, cli_opt(&r->a, "gwp"), rows, n, err);
	for (size_t i = 0; i < n; i++) {
		filled += rows[i].has_activity;
		keyed += rows[i].key[0] != 0;
	}
	free(rows);
	if (!rc && r->fmt == FMT_JSON)
		print_json(json_pack("{s:s, s:s, s:i, s:I, s:I}", "file", r->a.pos[0], "place_id", place, "year", year,
				     "rows_filled", (json_int_t)filled, "rows_keyed", (json_int_t)keyed));
	else if (!rc)
		printf("%s: inventory %s %d: %zu rows filled, %zu keyed, in one transaction\n", r->a.pos[0], place,
		       year, filled, keyed);
	return rc;
}

static int sub_inv_export(struct cli_run *r, struct c2c_err *err)
{
	struct city_inventory *inv = malloc(sizeof(*inv));
	const char *out = cli_opt(&r->a, "output"), *f = cli_opt(&r->a, "format");
	FILE *fp = stdout;
	int rc;
	if (!inv)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if ((rc = inv_load(r->st, &r->a, inv, err)))
		goto done;
	if (f && !strcmp(f, "xlsx")) {
		if (!out)
			rc = c2c_err_set(err, C2C_EUSAGE, "export --format xlsx needs --output FILE.xlsx");
		else
			rc = city_inventory_write_xlsx(inv, out, err);
		goto done;
	}
	if (out && !(fp = fopen(out, "wb"))) {
		rc = c2c_err_set(err, C2C_EIO, "%s: cannot create: %s", out, strerror(errno));
		goto done;
	}
	if (f && !strcmp(f, "json")) {
		json_t *rows = city_inventory_rows_json(inv);
		char *s = json_dumps(rows, C2C_JSON_FLAGS);
		fprintf(fp, "%s\n", s ? s : "[]");
		free(s);
		json_decref(rows);
	} else if (!f || !strcmp(f, "csv")) {
		rc = city_inventory_write_csv(inv, fp, err);
	} else {
		rc = c2c_err_set(err, C2C_EUSAGE, "export: format is csv, xlsx or json");
	}
	if (fp != stdout && fclose(fp) && !rc)
		rc = c2c_err_set(err, C2C_EIO, "%s: write failed", out);
done:
	free(inv);
	return rc;
}

static int sub_inv_show(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"gpc_ref", "scope", "level", "notation_key", "activity_value",
					   "activity_unit", "ef_unit", "co2e_t", NULL};
	struct city_inventory *inv = malloc(sizeof(*inv));
	int rc;
	if (!inv)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if ((rc = inv_load(r->st, &r->a, inv, err)))
		goto done;
	if (r->fmt == FMT_JSON) {
		print_json(city_inventory_json(inv));
	} else if (r->fmt == FMT_CSV) {
		rc = city_inventory_write_csv(inv, stdout, err);
	} else {
		const struct city_inv_totals *t = &inv->totals;
		char b[7][40];
		print(city_inventory_rows_json(inv), r->fmt, cols);
		tonnes_text(b[0], sizeof(b[0]), (double)t->basic_kg / 1000);
		tonnes_text(b[1], sizeof(b[1]), (double)t->basic_plus_kg / 1000);
		printf("inventory %s %d (GWP %s): BASIC %s t CO2e, BASIC+ %s t CO2e\n", inv->place, inv->year,
		       inv->gwp->set, b[0], b[1]);
		for (int s = 1; s <= 3; s++)
			tonnes_text(b[s + 1], sizeof(b[s + 1]), (double)t->scope_kg[s] / 1000);
		printf("by scope: scope 1 %s t, scope 2 %s t, scope 3 %s t\n", b[2], b[3], b[4]);
		printf("by sector:");
		for (int s = 1; s <= 6; s++) {
			tonnes_text(b[5], sizeof(b[5]), (double)t->sector_kg[s] / 1000);
			printf(" %s %s t%s", city_sector_roman[s], b[5], s < 6 ? "," : "\n");
		}
		printf("%zu rows filled, %zu keyed, %zu BASIC rows neither (c2c city inventory check names them)\n",
		       t->filled, t->keyed, t->empty_basic);
	}
done:
	free(inv);
	return rc;
}

static int sub_inv_check(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"gpc_ref", "level", "scope", "subsector", "name", NULL};
	struct city_inventory *inv = malloc(sizeof(*inv));
	size_t missing;
	json_t *rows;
	int rc;
	if (!inv)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if ((rc = inv_load(r->st, &r->a, inv, err)))
		goto done;
	rows = city_inventory_check(inv, &missing);
	if (r->fmt == FMT_JSON) {
		print_json(json_pack("{s:s, s:i, s:b, s:I, s:o}", "place_id", inv->place, "year", inv->year,
				     "basic_complete", missing == 0, "basic_missing", (json_int_t)missing,
				     "rows", rows));
	} else {
		print(rows, r->fmt, cols);
	}
	if (missing) {
		rc = c2c_err_set(err, C2C_EINPUT, "inventory %s %d: %zu BASIC row%s neither filled nor keyed",
				 inv->place, inv->year, missing, missing == 1 ? "" : "s");
		c2c_err_hint(err, "fill them, or give a notation key (NO, NE, C, IE) with an explanation");
	} else if (r->fmt != FMT_JSON) {
		printf("inventory %s %d: every BASIC row is filled or keyed\n", inv->place, inv->year);
	}
done:
	free(inv);
	return rc;
}

static int sub_inv_list(struct cli_run *r, struct c2c_err *err)
{
	json_t *rows;
	int rc = city_inventories(r->st, &rows, err);
	return rc ? rc : print(rows, r->fmt, NULL);
}

/* ---- indicators ----------------------------------------------------------------------------- */

static int sub_ind_frameworks(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "name_en", "kind", "indicators", "source", NULL};
	json_t *rows;
	int rc = city_frameworks(r->st, &rows, err);
	return rc ? rc : print(rows, r->fmt, cols);
}

static int sub_ind_list(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"indicator_id", "line", "name_en", "measure_id", "comparator",
					   "target", "unit", "target_year_ja", NULL};
	json_t *rows;
	int rc = city_indicators(r->st, cli_opt(&r->a, "framework"), &rows, err);
	return rc ? rc : print(rows, r->fmt, cols);
}

static int sub_ind_observations(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"place_id", "measure_id", "year", "value", "source", NULL};
	json_t *rows;
	int rc = city_observations(r->st, cli_opt(&r->a, "place"), &rows, err);
	return rc ? rc : print(rows, r->fmt, cols);
}

static int sub_ind_observe(struct cli_run *r, struct c2c_err *err)
{
	const char *place, *measure, *value, *source;
	double v;
	int year, rc;
	if ((rc = cli_need(&r->a, "place", &place, err)) || (rc = cli_need(&r->a, "measure", &measure, err)) ||
	    (rc = need_year(&r->a, &year, err)) || (rc = cli_need(&r->a, "value", &value, err)) ||
	    (rc = cli_need(&r->a, "source", &source, err)))
		return rc;
	if (csv_decimal(value, &v))
		return c2c_err_set(err, C2C_EUSAGE, "--value: '%s' is not a number", value);
	if ((rc = city_observe(r->st, place, measure, year, v, source, err)))
		return rc;
	if (r->fmt == FMT_JSON)
		print_json(json_pack("{s:s, s:s, s:i, s:f, s:s}", "place_id", place, "measure_id", measure, "year", year,
				     "value", v, "source", source));
	else
		printf("%s %s %d = %s\n", place, measure, year, value);
	return 0;
}

static int sub_ind_import(struct cli_run *r, struct c2c_err *err)
{
	struct strbuf sb;
	size_t rows = 0;
	int rc;
	if (r->a.npos != 1)
		return c2c_err_set(err, C2C_EUSAGE, "indicators import: give one observations FILE.csv");
	strbuf_init(&sb, 0);
	if (!(rc = cli_read_file(r->a.pos[0], &sb, err)))
		rc = city_observations_import(r->st, sb.buf ? sb.buf : "", sb.len, r->a.pos[0], &rows, err);
	strbuf_release(&sb);
	if (!rc && r->fmt == FMT_JSON)
		print_json(json_pack("{s:s, s:I}", "file", r->a.pos[0], "observations", (json_int_t)rows));
	else if (!rc)
		printf("%s: %zu observation%s imported in one transaction\n", r->a.pos[0], rows, rows == 1 ? "" : "s");
	return rc;
}

struct framework_files {
	struct strbuf fw, ind;
	const char *fw_name, *ind_name;
	size_t rows;
};

static int import_framework(struct store *st, void *ctx, struct c2c_err *err)
{
	struct framework_files *f = ctx;
	return city_framework_import(st, f->fw.buf ? f->fw.buf : "", f->fw.len, f->fw_name,
				     f->ind.buf ? f->ind.buf : "", f->ind.len, f->ind_name, &f->rows, err);
}

static int sub_ind_import_framework(struct cli_run *r, struct c2c_err *err)
{
	struct framework_files f = {.fw_name = r->a.pos[0], .ind_name = r->a.pos[1]};
	int rc;
	if (r->a.npos != 2)
		return c2c_err_set(err, C2C_EUSAGE, "import-framework: give FRAMEWORKS.csv and INDICATORS.csv");
	strbuf_init(&f.fw, 0);
	strbuf_init(&f.ind, 0);
	if (!(rc = cli_read_file(f.fw_name, &f.fw, err)) && !(rc = cli_read_file(f.ind_name, &f.ind, err)) &&
	    !(rc = store_tx(r->st, NULL, import_framework, &f, err)))
		printf("%s, %s: %zu rows imported in one transaction\n", f.fw_name, f.ind_name, f.rows);
	strbuf_release(&f.fw);
	strbuf_release(&f.ind);
	return rc;
}

static int sub_ind_evaluate(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"indicator", "line", "measure_id", "comparator", "target", "unit",
					   "target_year", "year", "value", "status", "due", "trend", NULL};
	const char *place, *fw = cli_opt(&r->a, "framework");
	json_t *out, *ind, *line, *rows;
	size_t i, k;
	int year = 0, rc;
	if ((rc = cli_need(&r->a, "place", &place, err)) || (rc = cli_opt_int(&r->a, "year", 1900, 2200, &year, err)))
		return rc;
	if ((rc = city_evaluate(r->st, place, fw ? fw : "tianjin-eco-city", year, &out, err)))
		return rc;
	if (r->fmt == FMT_JSON) {
		print_json(out);
		return 0;
	}
	/* table and CSV: one row per target line, the indicator's number in front */
	rows = json_array();
	json_array_foreach(json_object_get(out, "indicators"), i, ind) {
		json_array_foreach(json_object_get(ind, "lines"), k, line) {
			json_t *r = json_deep_copy(line);
			json_t *num = json_object_get(ind, "number");
			char label[96];
			if (json_is_integer(num))
				snprintf(label, sizeof(label), "%lld %s", (long long)json_integer_value(num),
					 json_string_value(json_object_get(ind, "status")));
			else
				snprintf(label, sizeof(label), "%s %s", json_string_value(json_object_get(ind, "indicator_id")),
					 json_string_value(json_object_get(ind, "status")));
			json_object_set_new(r, "indicator", json_string(label));
			json_array_append_new(rows, r);
		}
	}
	print(rows, r->fmt, cols);
	if (r->fmt == FMT_TABLE) {
		json_t *s = json_object_get(out, "summary");
		printf("%s, %s: %lld indicators: %lld met, %lld not met, %lld no data\n", place,
		       json_string_value(json_object_get(out, "framework")),
		       (long long)json_integer_value(json_object_get(s, "indicators")),
		       (long long)json_integer_value(json_object_get(s, "met")),
		       (long long)json_integer_value(json_object_get(s, "not_met")),
		       (long long)json_integer_value(json_object_get(s, "no_data")));
	}
	json_decref(out);
	return 0;
}

/* ---- dispatch --------------------------------------------------------------------------------- */

static const char *const o_fmt[] = {"format", NULL};
static const char *const o_inv[] = {"place", "year", "format", NULL};
static const char *const o_inv_export[] = {"place", "year", "format", "output", NULL};
static const char *const o_inv_import[] = {"place", "year", "gwp", "format", NULL};
static const char *const o_inv_add[] = {"place", "year", "gwp", "gpc-ref", "notation-key", "explanation",
					"activity-value", "activity-unit", "ef-co2", "ef-ch4", "ef-n2o", "ef-unit",
					"ef-source", "format", NULL};
static const char *const o_inv_delete[] = {"place", "year", "gpc-ref", "format", NULL};
static const char *const o_ind_list[] = {"framework", "format", NULL};
static const char *const o_observations[] = {"place", "format", NULL};
static const char *const o_observe[] = {"place", "measure", "year", "value", "source", "format", NULL};
static const char *const o_evaluate[] = {"place", "framework", "year", "format", NULL};

static const struct cli_sub inventory_subs[] = {
	{"add", sub_inv_add, o_inv_add, NULL, 0, 0,
	 "c2c city inventory add --place ID --year YYYY [--gwp AR5|AR6] --gpc-ref REF"
	 " (--activity-value N --activity-unit U --ef-co2 N [--ef-ch4 N] [--ef-n2o N] --ef-unit kg/U --ef-source TEXT"
	 " | --notation-key NO|NE|C|IE --explanation TEXT) [--format json]", NULL},
	{"delete", sub_inv_delete, o_inv_delete, NULL, 0, 0,
	 "c2c city inventory delete --place ID --year YYYY --gpc-ref REF [--format json]", NULL},
	{"import", sub_inv_import, o_inv_import, NULL, 0, 0,
	 "c2c city inventory import FILE.csv|FILE.xlsx --place ID --year YYYY [--gwp AR5|AR6] [--format json]", NULL},
	{"export", sub_inv_export, o_inv_export, NULL, 0, CLI_OWN_FORMAT,
	 "c2c city inventory export --place ID --year YYYY [--format csv|xlsx|json] [--output FILE]", NULL},
	{"show", sub_inv_show, o_inv, NULL, 0, CLI_CSV, "c2c city inventory show --place ID --year YYYY [--format table|csv|json]", NULL},
	{"check", sub_inv_check, o_inv, NULL, 0, CLI_CSV, "c2c city inventory check --place ID --year YYYY [--format table|csv|json]", NULL},
	{"list", sub_inv_list, o_fmt, NULL, 0, CLI_CSV, "c2c city inventory list [--format table|csv|json]", NULL},
};

static const struct cli_sub indicator_subs[] = {
	{"frameworks", sub_ind_frameworks, o_fmt, NULL, 0, CLI_CSV, "c2c city indicators frameworks [--format table|csv|json]", NULL},
	{"list", sub_ind_list, o_ind_list, NULL, 0, CLI_CSV, "c2c city indicators list [--framework ID] [--format table|csv|json]", NULL},
	{"observe", sub_ind_observe, o_observe, NULL, 0, 0,
	 "c2c city indicators observe --place ID --measure ID --year YYYY --value N --source TEXT [--format json]", NULL},
	{"observations", sub_ind_observations, o_observations, NULL, 0, CLI_CSV,
	 "c2c city indicators observations [--place ID] [--format table|csv|json]", NULL},
	{"import", sub_ind_import, o_fmt, NULL, 0, 0, "c2c city indicators import OBSERVATIONS.csv [--format json]", NULL},
	{"import-framework", sub_ind_import_framework, NULL, NULL, 0, 0,
	 "c2c city indicators import-framework FRAMEWORKS.csv INDICATORS.csv", NULL},
	{"evaluate", sub_ind_evaluate, o_evaluate, NULL, 0, CLI_CSV,
	 "c2c city indicators evaluate --place ID [--framework ID] [--year YYYY] [--format table|csv|json]", NULL},
};

static const struct cli_subs inventory = {CLI_SUBS(inventory_subs), NULL, NULL, NULL, NULL};
static const struct cli_subs indicators = {CLI_SUBS(indicator_subs), NULL, NULL, NULL, NULL};

static const struct cli_sub city_subs[] = {
	{"gpc", sub_gpc, o_fmt, NULL, 0, CLI_CSV, "c2c city gpc [--format table|csv|json]", NULL},
	{"inventory", NULL, NULL, NULL, 0, 0, NULL, &inventory},
	{"indicators", NULL, NULL, NULL, 0, 0, NULL, &indicators},
	{"scenario", NULL, NULL, NULL, 0, 0, "c2c city scenario add|list|show|run|link ...   (c2c city scenario help)",
	 &city_scenario_subs},
};

int cmd_city(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(city_subs), NULL, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}
