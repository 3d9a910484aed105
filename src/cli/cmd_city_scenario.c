/*
 * cmd_city_scenario.c - `c2c city scenario ...`: store a scenario (a JSON
 * document, docs/city.md), attach atlas projects as countermeasures, and run
 * it: emissions by sector for the base year, BaU and the countermeasure
 * case, and the reduction credited to each measure.  A family of `c2c
 * city`'s subcommands (city_scenario_subs, run by subcmd.c).
 */
#include "core/csv.h"
#include "core/json.h"
#include "subcmd.h"
#include "city/city.h"
#include "mrv/mrv.h"
#include "life/life.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void print_json(json_t *o)
{
	char *s = json_dumps(o, C2C_JSON_FLAGS);
	if (s)
		puts(s);
	free(s);
}

static void print_run_table(json_t *run)
{
	static const char *const scols[] = {"sector", "gpc", "base_t", "bau_t", "cm_t", "reduction_t", NULL};
	static const char *const mcols[] = {"measure", "kind", "project", "reduction_t", "share_pct", "basis", NULL};
	json_t *sc = json_object_get(run, "scenario"), *t = json_object_get(run, "totals");
	json_t *at = json_object_get(run, "attribution"), *g = json_object_get(run, "grid_ef_t_per_mwh");

	printf("scenario %s (%s): base year %lld, target year %lld\n", json_string_value(json_object_get(sc, "id")),
	       json_string_value(json_object_get(sc, "place_id")),
	       (long long)json_integer_value(json_object_get(sc, "base_year")),
	       (long long)json_integer_value(json_object_get(sc, "target_year")));
	printf("grid emission factor: %.6g t/MWh in the base year and BaU, %.6g t/MWh with the measures\n",
	       json_number_value(json_object_get(g, "base")), json_number_value(json_object_get(g, "cm")));
	cli_print_rows(json_object_get(run, "sectors"), FMT_TABLE, scols);
	printf("total: base %.3f t, BaU %.3f t, countermeasures %.3f t, reduction %.3f t CO2e\n",
	       json_number_value(json_object_get(t, "base_t")), json_number_value(json_object_get(t, "bau_t")),
	       json_number_value(json_object_get(t, "cm_t")), json_number_value(json_object_get(t, "reduction_t")));
	if (json_array_size(json_object_get(run, "measures"))) {
		cli_print_rows(json_object_get(run, "measures"), FMT_TABLE, mcols);
		printf("attribution (%s): %s\n", json_string_value(json_object_get(at, "method")),
		       json_string_value(json_object_get(at, "rule")));
	}
}

/*
 * `scenario link`: a stated reduction (--reduction-t), or the MRV project's
 * verified yearly rate (--mrv-project: its approved reports' ER over the
 * days they cover, times 365), read now and written into the measure with
 * its basis; linking again brings it up to date.
 */
static int link(struct cli_run *r, struct c2c_err *err)
{
	const char *measure = cli_opt(&r->a, "measure"), *project = cli_opt(&r->a, "project"), *sector = cli_opt(&r->a, "sector"),
		   *t = cli_opt(&r->a, "reduction-t"), *mrv = cli_opt(&r->a, "mrv-project");
	char basis[160], er[32];
	struct mrv_rate rate;
	double v = -1;
	int rc;

	if (!measure || !project || !sector || !t == !mrv)
		return c2c_err_set(err, C2C_EUSAGE, "link: --measure, --project, --sector and one of --reduction-t or"
				   " --mrv-project are required");
	if (t) {
		if (csv_decimal(t, &v) || v < 0)
			return c2c_err_set(err, C2C_EUSAGE, "--reduction-t: '%s' is not a number of tonnes >= 0", t);
	} else {
		if ((rc = mrv_verified_rate(r->st, mrv, &rate, err)))
			return rc;
		v = round(rate.t_per_year * 1000) / 1000; /* to the kg, as the run prints */
		mrv_format_micro(rate.er_micro, er, sizeof(er));
		snprintf(basis, sizeof(basis), "MRV-verified: %d approved report%s of %s, %s..%s (%lld days, ER %s t)",
			 rate.reports, rate.reports == 1 ? "" : "s", mrv, rate.from, rate.to, (long long)rate.days, er);
	}
	if ((rc = city_scenario_link(r->st, r->a.pos[0], measure, project, sector, v, mrv ? basis : NULL, NULL, err)))
		return rc;
	if (r->fmt == FMT_JSON) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:s}", "scenario", r->a.pos[0], "measure", measure,
				      "project", project, "sector", sector, "reduction_t", v, "basis",
				      mrv ? basis : "stated reduction");
		print_json(o);
		json_decref(o);
	} else {
		printf("scenario %s: project %s linked as measure %s (%.3f t a year in %s; %s)\n", r->a.pos[0], project,
		       measure, v, sector, mrv ? basis : "stated reduction");
	}
	return 0;
}

/* The scenario (or file) every subcommand but list names: exactly one. */
static int one_arg(struct cli_run *r, const char *what, struct c2c_err *err)
{
	return r->a.npos == 1 ? 0 : c2c_err_set(err, C2C_EUSAGE, "%s: give one %s", r->cmd.name, what);
}

static int add(struct cli_run *r, struct c2c_err *err)
{
	const char *file = r->a.pos[0];
	json_error_t je;
	json_t *doc;
	int rc;

	if ((rc = one_arg(r, "FILE.json", err)))
		return rc;
	if (!(doc = json_load_file(file, JSON_REJECT_DUPLICATES, &je)))
		return c2c_err_set(err, C2C_EINPUT, "%s: line %d, column %d: %s", file, je.line, je.column, je.text);
	rc = city_scenario_add(r->st, doc, file, cli_opt(&r->a, "replace") != NULL, err);
	if (!rc && r->fmt == FMT_JSON) {
		json_t *o = json_pack("{s:s, s:O}", "file", file, "id", json_object_get(doc, "id"));
		print_json(o);
		json_decref(o);
	} else if (!rc) {
		printf("%s: scenario %s stored\n", file, json_string_value(json_object_get(doc, "id")));
	}
	json_decref(doc);
	return rc;
}

static int list(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "place_id", "base_year", "target_year", "measures", "name", NULL};
	json_t *rows;
	int rc;

	if ((rc = city_scenarios(r->st, &rows, err)))
		return rc;
	cli_print_rows(rows, r->fmt, r->fmt == FMT_JSON ? NULL : cols);
	json_decref(rows);
	return 0;
}

static int show(struct cli_run *r, struct c2c_err *err)
{
	struct scn_model *m;
	json_t *doc;
	int rc;

	if ((rc = one_arg(r, "scenario ID", err)))
		return rc;
	if (!(m = malloc(sizeof(*m))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (!(rc = city_scenario_get(r->st, r->a.pos[0], m, &doc, err))) {
		print_json(doc);
		json_decref(doc);
	}
	free(m);
	return rc;
}

static int run(struct cli_run *r, struct c2c_err *err)
{
	const char *how = cli_opt(&r->a, "attribution");
	struct scn_model *m;
	int rc;

	if ((rc = one_arg(r, "scenario ID", err)))
		return rc;
	if (how && strcmp(how, "shapley") && strcmp(how, "sequential"))
		return c2c_err_set(err, C2C_EUSAGE, "--attribution: '%s' is not shapley or sequential", how);
	if (!(m = malloc(sizeof(*m))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	json_t *run = NULL;
	if (!(rc = city_scenario_get(r->st, r->a.pos[0], m, NULL, err)) &&
	    !(rc = city_scenario_run_json(m, how && !strcmp(how, "sequential") ? ATTR_SEQUENTIAL : ATTR_SHAPLEY,
					  &run, err))) {
		if (r->fmt == FMT_JSON)
			print_json(run);
		else
			print_run_table(run);
		json_decref(run);
	}
	free(m);
	return rc;
}

static int link_one(struct cli_run *r, struct c2c_err *err)
{
	int rc = one_arg(r, "scenario ID", err);
	return rc ? rc : link(r, err);
}

/* `scenario sync`: the place's projects as measures at their verified
 * rate, the host's share (life/sync.c). */
static int sync(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"measure", "project", "sector", "reduction_t", "verified_t_per_year",
					   "issued", "host_kept", "transferred_with_ca", NULL};
	json_t *out, *skipped, *s;
	size_t i;
	int rc;

	if ((rc = one_arg(r, "scenario ID", err)) || (rc = life_scenario_sync(r->st, r->a.pos[0], &out, err)))
		return rc;
	if (r->fmt == FMT_JSON) {
		print_json(out);
		json_decref(out);
		return 0;
	}
	printf("scenario %s: %zu project measure%s drawn from the projects in %s\n", r->a.pos[0],
	       json_array_size(json_object_get(out, "measures")), json_array_size(json_object_get(out, "measures")) == 1 ? "" : "s",
	       json_string_value(json_object_get(out, "place_id")));
	if (json_array_size(json_object_get(out, "measures")))
		cli_print_rows(json_object_get(out, "measures"), FMT_TABLE, cols);
	skipped = json_object_get(out, "skipped");
	json_array_foreach(skipped, i, s)
		printf("not counted: %s (%s): %s\n", json_string_value(json_object_get(s, "project")),
		       json_string_value(json_object_get(s, "name_ja")), json_string_value(json_object_get(s, "reason")));
	json_decref(out);
	return 0;
}

static const char *const o_fmt[] = {"format", NULL};
static const char *const f_add[] = {"replace", NULL};
static const char *const o_run[] = {"attribution", "format", NULL};
static const char *const o_link[] = {"measure", "project", "sector", "reduction-t", "mrv-project", "format", NULL};

static const struct cli_sub subs[] = {
	{"add", add, o_fmt, f_add, 0, 0, "c2c city scenario add FILE.json [--replace] [--format json]", NULL},
	{"list", list, o_fmt, NULL, 0, CLI_CSV, "c2c city scenario list [--format table|csv|json]", NULL},
	{"show", show, o_fmt, NULL, 0, 0, "c2c city scenario show ID", NULL},
	{"run", run, o_run, NULL, 0, 0,
	 "c2c city scenario run ID [--attribution shapley|sequential] [--format table|json]", NULL},
	{"sync", sync, o_fmt, NULL, 0, 0, "c2c city scenario sync ID [--format table|json]", NULL},
	{"link", link_one, o_link, NULL, 0, 0,
	 "c2c city scenario link ID --measure ID --project ATLAS-PROJECT-ID --sector SECTOR"
	 " (--reduction-t N | --mrv-project MRV-PROJECT-ID) [--format json]", NULL},
};

const struct cli_subs city_scenario_subs = {CLI_SUBS(subs), NULL, NULL, NULL, NULL};
