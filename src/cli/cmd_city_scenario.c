/*
 * cmd_city_scenario.c - `c2c city scenario ...`: store a scenario (a JSON
 * document, docs/city.md), attach atlas projects as countermeasures, and run
 * it: emissions by sector for the base year, BaU and the countermeasure
 * case, and the reduction credited to each measure.
 */
#include "core/json.h"
#include "cli.h"
#include "city/city.h"
#include "mrv/mrv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int city_cli_scenario(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err);

static const char u_add[] = "c2c city scenario add FILE.json [--replace] [--format json]";
static const char u_list[] = "c2c city scenario list [--format table|csv|json]";
static const char u_show[] = "c2c city scenario show ID";
static const char u_run[] = "c2c city scenario run ID [--attribution shapley|sequential] [--format table|json]";
static const char u_link[] =
	"c2c city scenario link ID --measure ID --project ATLAS-PROJECT-ID --sector SECTOR"
	" (--reduction-t N | --mrv-project MRV-PROJECT-ID) [--format json]";

static void usage(FILE *fp)
{
	fprintf(fp, "usage:\n  %s\n  %s\n  %s\n  %s\n  %s\n", u_add, u_list, u_show, u_run, u_link);
}

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
static int link(struct store *st, const struct cli_args *a, enum cli_format fmt, struct c2c_err *err)
{
	const char *measure = cli_opt(a, "measure"), *project = cli_opt(a, "project"), *sector = cli_opt(a, "sector"),
		   *t = cli_opt(a, "reduction-t"), *mrv = cli_opt(a, "mrv-project");
	char basis[160], er[32], *end;
	struct mrv_rate rate;
	double v = -1;
	int rc;

	if (!measure || !project || !sector || !t == !mrv)
		return c2c_err_set(err, C2C_EUSAGE, "link: --measure, --project, --sector and one of --reduction-t or"
				   " --mrv-project are required");
	if (t) {
		v = strtod(t, &end);
		if (!*t || *end || v < 0)
			return c2c_err_set(err, C2C_EUSAGE, "--reduction-t: '%s' is not a number of tonnes >= 0", t);
	} else {
		if ((rc = mrv_verified_rate(st, mrv, &rate, err)))
			return rc;
		v = round(rate.t_per_year * 1000) / 1000; /* to the kg, as the run prints */
		mrv_format_micro(rate.er_micro, er, sizeof(er));
		snprintf(basis, sizeof(basis), "MRV-verified: %d approved report%s of %s, %s..%s (%lld days, ER %s t)",
			 rate.reports, rate.reports == 1 ? "" : "s", mrv, rate.from, rate.to, (long long)rate.days, er);
	}
	if ((rc = city_scenario_link(st, a->pos[0], measure, project, sector, v, mrv ? basis : NULL, err)))
		return rc;
	if (fmt == FMT_JSON) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f, s:s}", "scenario", a->pos[0], "measure", measure,
				      "project", project, "sector", sector, "reduction_t", v, "basis",
				      mrv ? basis : "stated reduction");
		print_json(o);
		json_decref(o);
	} else {
		printf("scenario %s: project %s linked as measure %s (%.3f t a year in %s; %s)\n", a->pos[0], project,
		       measure, v, sector, mrv ? basis : "stated reduction");
	}
	return 0;
}

int city_cli_scenario(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const char *const o_add[] = {"format", NULL};
	static const char *const f_add[] = {"replace", NULL};
	static const char *const o_list[] = {"format", NULL};
	static const char *const o_run[] = {"attribution", "format", NULL};
	static const char *const o_link[] = {"measure", "project", "sector", "reduction-t", "mrv-project",
						    "format", NULL};
	struct cli_command subcmd = *cmd;
	const char *sub, *u;
	struct store *st = NULL;
	struct cli_args a;
	enum cli_format fmt;
	char name[64];
	int rc;

	if (argc < 1 || !strcmp(argv[0], "help") || !strcmp(argv[0], "--help")) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? c2c_err_set(err, C2C_EUSAGE, "city scenario: give a subcommand") : 0;
	}
	sub = argv[0];
	u = !strcmp(sub, "add") ? u_add : !strcmp(sub, "list") ? u_list : !strcmp(sub, "show") ? u_show
	    : !strcmp(sub, "run") ? u_run : !strcmp(sub, "link") ? u_link : NULL;
	if (!u) {
		usage(stderr);
		return c2c_err_set(err, C2C_EUSAGE, "city scenario: unknown subcommand '%s'", sub);
	}
	snprintf(name, sizeof(name), "city scenario %s", sub);
	subcmd.name = name;
	subcmd.usage = u;
	rc = cli_parse(argc - 1, argv + 1, &subcmd,
		       u == u_add ? o_add : u == u_run ? o_run : u == u_link ? o_link : o_list,
		       u == u_add ? f_add : NULL, &a, err);
	if (!rc)
		rc = cli_format(&a, &subcmd, u == u_list, &fmt, err);
	if (!rc && (u == u_add || u == u_show || u == u_run || u == u_link) && a.npos != 1)
		rc = c2c_err_set(err, C2C_EUSAGE, "%s: give one %s", name, u == u_add ? "FILE.json" : "scenario ID");
	if (rc)
		goto usage;
	if ((rc = cli_setup(cmd, &st, err)))
		goto out;

	if (u == u_add) {
		json_error_t je;
		json_t *doc = json_load_file(a.pos[0], JSON_REJECT_DUPLICATES, &je);
		if (!doc) {
			rc = c2c_err_set(err, C2C_EINPUT, "%s: line %d, column %d: %s", a.pos[0], je.line, je.column,
					 je.text);
			goto out;
		}
		rc = city_scenario_add(st, doc, a.pos[0], cli_opt(&a, "replace") != NULL, err);
		if (!rc && fmt == FMT_JSON) {
			json_t *o = json_pack("{s:s, s:O}", "file", a.pos[0], "id", json_object_get(doc, "id"));
			print_json(o);
			json_decref(o);
		} else if (!rc) {
			printf("%s: scenario %s stored\n", a.pos[0], json_string_value(json_object_get(doc, "id")));
		}
		json_decref(doc);
	} else if (u == u_list) {
		static const char *const cols[] = {"id", "place_id", "base_year", "target_year", "measures", "name", NULL};
		json_t *rows;
		if (!(rc = city_scenarios(st, &rows, err))) {
			cli_print_rows(rows, fmt, fmt == FMT_JSON ? NULL : cols);
			json_decref(rows);
		}
	} else if (u == u_show) {
		struct scn_model *m = malloc(sizeof(*m));
		json_t *doc;
		if (!m)
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		else if (!(rc = city_scenario_get(st, a.pos[0], m, &doc, err))) {
			print_json(doc);
			json_decref(doc);
		}
		free(m);
	} else if (u == u_run) {
		const char *how = cli_opt(&a, "attribution");
		struct scn_model *m = malloc(sizeof(*m));
		if (how && strcmp(how, "shapley") && strcmp(how, "sequential")) {
			free(m);
			rc = c2c_err_set(err, C2C_EUSAGE, "--attribution: '%s' is not shapley or sequential", how);
			goto usage;
		}
		if (!m) {
			rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
		} else if (!(rc = city_scenario_get(st, a.pos[0], m, NULL, err))) {
			json_t *run = city_scenario_run_json(m, how && !strcmp(how, "sequential") ? ATTR_SEQUENTIAL
												 : ATTR_SHAPLEY);
			if (fmt == FMT_JSON)
				print_json(run);
			else
				print_run_table(run);
			json_decref(run);
		}
		free(m);
	} else {
		rc = link(st, &a, fmt, err);
		if (rc == C2C_EUSAGE)
			goto usage;
	}
out:
	if (st)
		store_close(st);
	return rc;
usage:
	if (st)
		store_close(st);
	c2c_err_hint(err, "%s", u);
	return rc;
}
