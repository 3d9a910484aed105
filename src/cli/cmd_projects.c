/*
 * cmd_projects.c - `c2c projects`: without a subcommand the atlas's list of
 * projects (the generic list command of cmd_list.c); `stage` records a
 * stage of a project's life, `show` prints the whole life at once (life/),
 * the same object as GET /api/v1/projects/{id}.
 */
#include "subcmd.h"
#include "atlas/atlas.h"
#include "life/life.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_list(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err);

static int one_project(struct cli_run *r, struct c2c_err *err)
{
	return r->a.npos == 1 ? 0 : c2c_err_set(err, C2C_EUSAGE, "%s: give one project ID", r->cmd.name);
}

static int p_stage(struct cli_run *r, struct c2c_err *err)
{
	struct atlas_stage s = {0};
	long long seq;
	int rc;

	if ((rc = one_project(r, err)) || (rc = cli_need(&r->a, "stage", &s.stage, err)) ||
	    (rc = cli_need(&r->a, "on", &s.on, err)) || (rc = cli_need(&r->a, "source", &s.source, err)))
		return rc;
	s.project = r->a.pos[0];
	s.ref = cli_opt(&r->a, "ref");
	if ((rc = atlas_project_stage_add(r->st, &s, &seq, err)))
		return rc;
	if (r->fmt == FMT_JSON)
		return cli_print_drop(json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s}", "project_id", s.project, "seq",
						(json_int_t)seq, "stage", s.stage, "on_date", s.on, "ref", s.ref,
						"source", s.source),
				      FMT_JSON, NULL);
	printf("project %s: %s on %s recorded (stage %lld)\n", s.project, s.stage, s.on, seq);
	return 0;
}

static const char *sv(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* One part of the life under its heading; the empty ones say so. */
static void section(json_t *life, const char *key, const char *title, const char *const *cols)
{
	json_t *rows = json_object_get(life, key);
	printf("\n%s:\n", title);
	if (!json_array_size(rows))
		puts("  (none)");
	else
		cli_print_rows(rows, FMT_TABLE, cols);
}

static void print_life(json_t *life)
{
	static const char *const pcols[] = {"id", "partner_label_ja", "body_label_ja", "fiscal_years", NULL};
	static const char *const scols[] = {"seq", "stage", "on_date", "fiscal_year", "ref", "source", NULL};
	static const char *const rcols[] = {"id", "period_start", "period_end", "status", "er_t", NULL};
	static const char *const ccols[] = {"id", "name", "place_id", "measure", "reduction_t", "basis", NULL};
	json_t *p = json_object_get(life, "project"), *mrv = json_object_get(life, "mrv");

	printf("project %s: %s%s%s%s\n", sv(p, "id"), sv(p, "name_ja"), *sv(p, "name_en") ? " (" : "",
	       sv(p, "name_en"), *sv(p, "name_en") ? ")" : "");
	printf("%s in %s%s%s\n", sv(p, "kind"), sv(p, "country"), *sv(p, "place_id") ? ", " : "", sv(p, "place_id"));
	section(life, "partnerships", "formed from", pcols);
	section(life, "stages", "stages", scols);
	if (json_is_object(mrv)) {
		printf("\nMRV project %s%s%s%s, methodology %s:\n", sv(mrv, "project"), *sv(mrv, "jcm_ref") ? " (JCM " : "",
		       sv(mrv, "jcm_ref"), *sv(mrv, "jcm_ref") ? ")" : "", sv(mrv, "methodology"));
		section(mrv, "reports", "monitoring reports", rcols);
	} else {
		puts("\nMRV: no MRV project names this project yet");
	}
	section(life, "issuances", "issuances", NULL);
	section(life, "holdings", "holdings", NULL);
	section(life, "ca", "corresponding adjustments", NULL);
	section(life, "scenarios", "city scenarios counting it", ccols);
}

static int p_show(struct cli_run *r, struct c2c_err *err)
{
	json_t *life;
	int rc;

	if ((rc = one_project(r, err)) || (rc = life_project(r->st, r->a.pos[0], &life, err)))
		return rc;
	if (r->fmt == FMT_JSON)
		return cli_print_drop(life, FMT_JSON, NULL);
	print_life(life);
	json_decref(life);
	return 0;
}

static const char *const o_stage[] = {"stage", "on", "ref", "source", "format", NULL};
static const char *const o_show[] = {"format", NULL};

static const struct cli_sub subs[] = {
	{"stage", p_stage, o_stage, NULL, 0, 0,
	 "c2c projects stage ID --stage " ATLAS_STAGES " --on YYYY-MM-DD [--ref TEXT] --source TEXT [--format json]",
	 NULL},
	{"show", p_show, o_show, NULL, CLI_DB, 0, "c2c projects show ID [--format table|json]", NULL},
};

int cmd_projects(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	/* the list's usage from the table's filters, as its own command had it */
	static char footer[512];
	static struct cli_subs t = {CLI_SUBS(subs), NULL, footer, NULL, NULL};
	struct cli_command list = *cmd;
	char *usage = cli_table_usage(atlas_table_find("projects"));

	snprintf(footer, sizeof(footer), "  %s   (the list)\n", usage ? usage : "c2c projects");
	free(usage);

	for (size_t i = 0; argc >= 1 && i < t.n; i++)
		if (!strcmp(argv[0], subs[i].name))
			return cli_subs_run(argc, argv, cmd, &t, NULL, err);
	if (argc >= 1 && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help")))
		return cli_subs_run(argc, argv, cmd, &t, NULL, err);
	/* the list reads the database as it is, as every list command does */
	list.setup = CLI_DB;
	return cmd_list(argc, argv, &list, err);
}
