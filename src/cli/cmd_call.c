/*
 * cmd_call.c - `c2c call`, `c2c proposal` and `c2c score`: the public call
 * from the command line, from opening a call to the selection that makes
 * atlas data.  Each write is one transaction in programme/.
 */
#include "programme_cli.h"
#include "programme/programme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/date.h"

#define int_opt cli_opt_int

/* --on, else today's local date. */
static const char *day_opt(const struct cli_args *a, char today[11])
{
	if (cli_opt(a, "on"))
		return cli_opt(a, "on");
	date_today(today);
	return today;
}

static const char *one_pos(const struct cli_args *a, const char *what, struct c2c_err *err, int *rc)
{
	if (a->npos != 1) {
		*rc = c2c_err_set(err, C2C_EUSAGE, "give one %s", what);
		return NULL;
	}
	*rc = 0;
	return a->pos[0];
}

/* ---- c2c call ------------------------------------------------------------------ */

static int call_list(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "fiscal_year", "title_ja", "planned_selections", "proposals",
					   "selected", "rounds", NULL};
	json_t *rows, *row;
	size_t i;
	int rc;
	if (r->a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "unexpected argument '%s'", r->a.pos[0]);
	if ((rc = programme_calls(r->st, NULL, &rows, err)))
		return rc;
	if (r->fmt != FMT_JSON) /* rounds as "1:2026-02-02..2026-02-27" in a cell */
		json_array_foreach(rows, i, row) {
			json_t *txt = json_array(), *x;
			size_t j;
			json_array_foreach(json_object_get(row, "rounds"), j, x) {
				char t[64];
				snprintf(t, sizeof(t), "%lld:%s..%s", (long long)json_integer_value(json_object_get(x, "round")),
					 json_string_value(json_object_get(x, "opens_on")),
					 json_string_value(json_object_get(x, "closes_on")));
				json_array_append_new(txt, json_string(t));
			}
			json_object_set_new(row, "rounds", txt);
			json_object_del(row, "criteria");
		}
	return cli_print_drop(rows, r->fmt, cols);
}

static int call_show(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"part", "id", "name_ja", "value", NULL};
	json_t *rows, *c, *x, *out;
	size_t i;
	int rc;
	const char *id = one_pos(&r->a, "CALL", err, &rc);
	if (!id || (rc = programme_calls(r->st, id, &rows, err)))
		return rc;
	if (r->fmt == FMT_JSON) {
		out = json_incref(json_array_get(rows, 0));
		json_decref(rows);
		return cli_print_drop(out, r->fmt, NULL);
	}
	c = json_array_get(rows, 0);
	out = json_array();
	json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "part", "call", "id",
		json_string_value(json_object_get(c, "id")), "name_ja", json_string_value(json_object_get(c, "title_ja")),
		"value", "fiscal year, planned selections below"));
	{
		char t[120];
		snprintf(t, sizeof(t), "FY%lld; %lld planned; %lld submitted, %lld selected; %lld reviews to rank",
			 (long long)json_integer_value(json_object_get(c, "fiscal_year")),
			 (long long)json_integer_value(json_object_get(c, "planned_selections")),
			 (long long)json_integer_value(json_object_get(c, "proposals")),
			 (long long)json_integer_value(json_object_get(c, "selected")),
			 (long long)json_integer_value(json_object_get(c, "min_reviews")));
		json_object_set_new(json_array_get(out, 0), "value", json_string(t));
	}
	json_array_foreach(json_object_get(c, "rounds"), i, x) {
		char id2[16], t[64];
		snprintf(id2, sizeof(id2), "%lld", (long long)json_integer_value(json_object_get(x, "round")));
		snprintf(t, sizeof(t), "%s..%s (%s)", json_string_value(json_object_get(x, "opens_on")),
			 json_string_value(json_object_get(x, "closes_on")),
			 json_string_value(json_object_get(x, "state")));
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "part", "round", "id", id2, "name_ja",
			json_is_string(json_object_get(x, "original_ja")) ?
			json_string_value(json_object_get(x, "original_ja")) : "", "value", t));
	}
	json_array_foreach(json_object_get(c, "criteria"), i, x) {
		char t[32];
		snprintf(t, sizeof(t), "weight %lld", (long long)json_integer_value(json_object_get(x, "weight")));
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "part", "criterion", "id",
			json_string_value(json_object_get(x, "id")), "name_ja",
			json_string_value(json_object_get(x, "name_ja")), "value", t));
	}
	json_decref(rows);
	return cli_print_drop(out, r->fmt, cols);
}

static int call_open(struct cli_run *r, struct c2c_err *err)
{
	struct programme_call_spec c = {0};
	char t[200];
	int rc;
	if ((rc = cli_need(&r->a, "id", &c.id, err)) || (rc = cli_need(&r->a, "title-ja", &c.title_ja, err)) ||
	    (rc = cli_need(&r->a, "rounds", &c.rounds, err)) ||
	    (rc = cli_opt_fy(&r->a, "fy", &c.fiscal_year, err)) ||
	    (rc = int_opt(&r->a, "planned", 1, 1000, &c.planned, err)) ||
	    (rc = int_opt(&r->a, "min-reviews", 1, 50, &c.min_reviews, err)))
		return rc;
	if (!c.fiscal_year)
		return c2c_err_set(err, C2C_EUSAGE, "--fy is required");
	if (!c.planned)
		return c2c_err_set(err, C2C_EUSAGE, "--planned is required");
	c.title_en = cli_opt(&r->a, "title-en");
	c.criteria = cli_opt(&r->a, "criteria");
	if ((rc = programme_call_open(r->st, &c, err)))
		return rc;
	snprintf(t, sizeof(t), "call %s opened for FY%d (%d selections planned)", c.id, c.fiscal_year, c.planned);
	return prog_print_done(json_pack("{s:s, s:i, s:i}", "id", c.id, "fiscal_year", c.fiscal_year, "planned",
					 c.planned), r->fmt, t);
}

static int call_close(struct cli_run *r, struct c2c_err *err)
{
	char today[11], t[200];
	const char *on;
	int rc;
	const char *id = one_pos(&r->a, "CALL", err, &rc);
	if (!id)
		return rc;
	on = day_opt(&r->a, today);
	if ((rc = programme_call_close(r->st, id, on, err)))
		return rc;
	snprintf(t, sizeof(t), "call %s closed on %s", id, on);
	return prog_print_done(json_pack("{s:s, s:s}", "call", id, "closed_on", on), r->fmt, t);
}

static int call_rank(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"rank", "id", "body_ja", "partner_ja", "reviews", "score", "spread",
					   "flag", "status", NULL};
	json_t *rows;
	int rc;
	const char *id = one_pos(&r->a, "CALL", err, &rc);
	if (!id || (rc = programme_rank(r->st, id, &rows, err)))
		return rc;
	if (r->fmt == FMT_CSV) { /* nested parts do not fit CSV cells */
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			json_object_del(r, "criteria");
		}
	}
	return cli_print_drop(rows, r->fmt, cols);
}

static const char *const o_fmt[] = {"format", NULL};
static const char *const o_on[] = {"on", "format", NULL};
static const char *const o_open[] = {"id", "fy", "title-ja", "title-en", "planned", "rounds", "criteria",
				     "min-reviews", "format", NULL};

static const struct cli_sub call_subs[] = {
	{"list", call_list, o_fmt, NULL, 0, CLI_CSV, "c2c call list [--format table|csv|json]", NULL},
	{"show", call_show, o_fmt, NULL, 0, CLI_CSV, "c2c call show CALL [--format table|csv|json]", NULL},
	{"open", call_open, o_open, NULL, 0, CLI_CSV,
	 "c2c call open --id ID --fy YEAR --title-ja TITLE [--title-en TITLE] --planned N "
	 "--rounds YYYY-MM-DD..YYYY-MM-DD[,...] [--criteria ID:名前:WEIGHT,...] [--min-reviews N]", NULL},
	{"rank", call_rank, o_fmt, NULL, 0, CLI_CSV, "c2c call rank CALL [--format table|csv|json]", NULL},
	{"close", call_close, o_on, NULL, 0, CLI_CSV, "c2c call close CALL [--on YYYY-MM-DD]   (no proposal is taken after)", NULL},
};

int cmd_call(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(call_subs), NULL, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}

/* ---- c2c proposal ------------------------------------------------------------- */

static int proposal_submit(struct cli_run *r, struct c2c_err *err)
{
	struct programme_proposal_spec p = {0};
	char id[96], today[11], t[200];
	int rc;
	if ((rc = cli_need(&r->a, "call", &p.call_id, err)) || (rc = cli_need(&r->a, "body", &p.body, err)) ||
	    (rc = cli_need(&r->a, "partner", &p.partner, err)) || (rc = cli_need(&r->a, "title-ja", &p.title_ja, err)) ||
	    (rc = cli_need(&r->a, "sector", &p.sector, err)) || (rc = cli_need(&r->a, "outputs", &p.outputs, err)) ||
	    (rc = cli_need(&r->a, "budget-jpy", &p.budget_jpy, err)) || (rc = cli_need(&r->a, "lead", &p.lead, err)) ||
	    (rc = int_opt(&r->a, "round", 1, 9, &p.round, err)))
		return rc;
	if (r->a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "unexpected argument '%s'", r->a.pos[0]);
	p.submitted_on = day_opt(&r->a, today);
	p.title_en = cli_opt(&r->a, "title-en");
	p.theme_ja = cli_opt(&r->a, "theme");
	p.technology = cli_opt(&r->a, "technology");
	p.members = cli_opt(&r->a, "members");
	p.local_members = cli_opt(&r->a, "local-members");
	p.readiness = cli_opt(&r->a, "readiness");
	if ((rc = programme_proposal_submit(r->st, &p, id, sizeof(id), err)))
		return rc;
	snprintf(t, sizeof(t), "proposal %s submitted to %s on %s", id, p.call_id, p.submitted_on);
	return prog_print_done(json_pack("{s:s, s:s, s:s}", "id", id, "call", p.call_id, "submitted_on",
					 p.submitted_on), r->fmt, t);
}

static const char *const proposal_cols[] = {"id", "round", "submitted_on", "body_ja", "partner_ja", "sector",
					    "budget_jpy", "status", "title_ja", NULL};

static int proposal_list(struct cli_run *r, struct c2c_err *err)
{
	json_t *rows;
	int rc;
	if (r->a.npos)
		return c2c_err_set(err, C2C_EUSAGE, "unexpected argument '%s'", r->a.pos[0]);
	if ((rc = programme_proposals(r->st, cli_opt(&r->a, "call"), cli_opt(&r->a, "status"), NULL, &rows, err)))
		return rc;
	return cli_print_drop(rows, r->fmt, proposal_cols);
}

static int proposal_show(struct cli_run *r, struct c2c_err *err)
{
	json_t *rows, *sheets, *p;
	int rc;
	const char *id = one_pos(&r->a, "PROPOSAL", err, &rc);
	if (!id || (rc = programme_proposals(r->st, NULL, NULL, id, &rows, err)))
		return rc;
	if ((rc = programme_scores(r->st, NULL, id, &sheets, err))) {
		json_decref(rows);
		return rc;
	}
	p = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	if (r->fmt == FMT_JSON) {
		json_object_set_new(p, "scores", sheets);
		return cli_print_drop(p, r->fmt, NULL);
	}
	{	/* table and CSV: the proposal as field/value rows */
		json_t *out = json_array(), *v;
		const char *k;
		json_object_foreach(p, k, v) {
			char num[32];
			const char *txt = json_is_string(v) ? json_string_value(v) : "";
			if (json_is_integer(v)) {
				snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
				txt = num;
			}
			json_array_append_new(out, json_pack("{s:s, s:s}", "field", k, "value", txt));
		}
		json_decref(p);
		json_decref(sheets);
		return cli_print_drop(out, r->fmt, NULL);
	}
}

static int proposal_decide(struct store *st, const struct cli_args *a, enum cli_format fmt, int select,
			   struct c2c_err *err)
{
	const char *reason, *id;
	char today[11], t[400];
	json_t *res;
	int rc;
	if (!(id = one_pos(a, "PROPOSAL", err, &rc)) || (rc = cli_need(a, "reason", &reason, err)))
		return rc;
	if ((rc = programme_decide(st, id, select, reason, day_opt(a, today), &res, err)))
		return rc;
	if (select)
		snprintf(t, sizeof(t), "proposal %s selected: partnership %s (%s), project %s, FY%lld", id,
			 json_string_value(json_object_get(res, "partnership_id")),
			 json_string_value(json_object_get(res, "partnership")),
			 json_string_value(json_object_get(res, "project_id")),
			 (long long)json_integer_value(json_object_get(res, "fiscal_year")));
	else
		snprintf(t, sizeof(t), "proposal %s rejected", id);
	return prog_print_done(res, fmt, t);
}

static int proposal_select(struct cli_run *r, struct c2c_err *err)
{
	return proposal_decide(r->st, &r->a, r->fmt, 1, err);
}

static int proposal_reject(struct cli_run *r, struct c2c_err *err)
{
	return proposal_decide(r->st, &r->a, r->fmt, 0, err);
}

static const char *const o_submit[] = {"call", "on", "round", "body", "partner", "title-ja", "title-en", "theme",
				       "sector", "technology", "outputs", "budget-jpy", "lead", "members",
				       "local-members", "readiness", "format", NULL};
static const char *const o_plist[] = {"call", "status", "format", NULL};
static const char *const o_decide[] = {"reason", "on", "format", NULL};

static const struct cli_sub proposal_subs[] = {
	{"submit", proposal_submit, o_submit, NULL, 0, CLI_CSV,
	 "c2c proposal submit --call CALL [--on YYYY-MM-DD] [--round N] --body BODY --partner PLACE "
	 "--title-ja TITLE [--title-en TITLE] [--theme TEXT] --sector SECTOR [--technology TEXT] "
	 "--outputs institution_building;capacity_building;project_formation;jcm_equipment "
	 "--budget-jpy YEN --lead CONSULTANT [--members A;B] [--local-members C;D] [--readiness SAVED_CHECK]"
	 "   (BODY and PLACE: one, or several separated by ';', the lead first)", NULL},
	{"list", proposal_list, o_plist, NULL, 0, CLI_CSV,
	 "c2c proposal list [--call CALL] [--status submitted|selected|rejected] [--format table|csv|json]", NULL},
	{"show", proposal_show, o_fmt, NULL, 0, CLI_CSV, "c2c proposal show PROPOSAL [--format table|csv|json]", NULL},
	{"select", proposal_select, o_decide, NULL, 0, CLI_CSV,
	 "c2c proposal select PROPOSAL --reason TEXT [--on YYYY-MM-DD]   (becomes atlas data)", NULL},
	{"reject", proposal_reject, o_decide, NULL, 0, CLI_CSV, "c2c proposal reject PROPOSAL --reason TEXT [--on YYYY-MM-DD]", NULL},
};

int cmd_proposal(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(proposal_subs), NULL, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}

/* ---- c2c score ----------------------------------------------------------------- */

static int score_give(struct cli_run *r, struct c2c_err *err)
{
	struct programme_point pts[CLI_MAX_ARGS];
	char names[CLI_MAX_ARGS][65], t[200];
	const char *reviewer;
	size_t n = 0;
	int rc;
	if ((rc = cli_need(&r->a, "reviewer", &reviewer, err)))
		return rc;
	if (r->a.npos < 2)
		return c2c_err_set(err, C2C_EUSAGE, "give the PROPOSAL and CRITERION=POINTS for each criterion");
	for (size_t i = 1; i < r->a.npos; i++) {
		const char *eq = strchr(r->a.pos[i], '=');
		char *end;
		long v;
		if (!eq || eq == r->a.pos[i] || (size_t)(eq - r->a.pos[i]) >= sizeof(names[0]))
			return c2c_err_set(err, C2C_EUSAGE, "'%s' is not CRITERION=POINTS", r->a.pos[i]);
		snprintf(names[n], sizeof(names[n]), "%.*s", (int)(eq - r->a.pos[i]), r->a.pos[i]);
		errno = 0;
		v = strtol(eq + 1, &end, 10);
		if (errno || *end || end == eq + 1 || v < 0 || v > 1000)
			return c2c_err_set(err, C2C_EINPUT, "%s: '%s' is not a whole number of points", names[n], eq + 1);
		pts[n].criterion = names[n];
		pts[n].points = (int)v;
		n++;
	}
	if ((rc = programme_score(r->st, r->a.pos[0], reviewer, pts, n, cli_opt(&r->a, "replace") != NULL, err)))
		return rc;
	snprintf(t, sizeof(t), "proposal %s scored by %s on %zu criteri%s", r->a.pos[0], reviewer, n,
		 n == 1 ? "on" : "a");
	return prog_print_done(json_pack("{s:s, s:s, s:i}", "proposal", r->a.pos[0], "reviewer", reviewer,
					 "criteria", (int)n), r->fmt, t);
}

static int score_reviewer(struct cli_run *r, struct c2c_err *err)
{
	const char *id, *name;
	char t[200];
	int rc;
	if (r->a.npos != 1 || strcmp(r->a.pos[0], "add"))
		return c2c_err_set(err, C2C_EUSAGE, "reviewer: use 'reviewer add'");
	if ((rc = cli_need(&r->a, "id", &id, err)) || (rc = cli_need(&r->a, "name", &name, err)))
		return rc;
	if ((rc = programme_reviewer_add(r->st, id, name, cli_opt(&r->a, "body"), cli_opt(&r->a, "affiliation"), err)))
		return rc;
	snprintf(t, sizeof(t), "reviewer %s added", id);
	return prog_print_done(json_pack("{s:s, s:s}", "id", id, "name", name), r->fmt, t);
}

static int score_assign(struct cli_run *r, struct c2c_err *err)
{
	const char *reviewer, *on;
	char today[11], t[200];
	int rc;
	const char *id = one_pos(&r->a, "PROPOSAL", err, &rc);
	if (!id || (rc = cli_need(&r->a, "reviewer", &reviewer, err)))
		return rc;
	on = day_opt(&r->a, today);
	if ((rc = programme_assign(r->st, id, reviewer, on, err)))
		return rc;
	snprintf(t, sizeof(t), "proposal %s assigned to reviewer %s", id, reviewer);
	return prog_print_done(json_pack("{s:s, s:s, s:s}", "proposal", id, "reviewer", reviewer, "assigned_on", on),
			       r->fmt, t);
}

static int score_desk(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"id", "title_ja", "status", "assigned_on", NULL};
	const char *reviewer;
	json_t *out;
	int rc;
	if ((rc = cli_need(&r->a, "reviewer", &reviewer, err)) || (rc = programme_assigned(r->st, reviewer, &out, err)))
		return rc;
	return cli_print_drop(out, r->fmt, cols);
}

static int score_reviewers(struct cli_run *r, struct c2c_err *err)
{
	json_t *rows;
	int rc;
	if ((rc = programme_reviewers(r->st, &rows, err)))
		return rc;
	return cli_print_drop(rows, r->fmt, NULL);
}

static int score_list(struct cli_run *r, struct c2c_err *err)
{
	json_t *rows;
	int rc;
	if ((rc = programme_scores(r->st, cli_opt(&r->a, "call"), cli_opt(&r->a, "proposal"), &rows, err)))
		return rc;
	return cli_print_drop(rows, r->fmt, NULL);
}

/* The spread, criterion by criterion: one row per proposal and criterion. */
static int score_spread(struct cli_run *r, struct c2c_err *err)
{
	static const char *const cols[] = {"proposal", "criterion", "min", "max", "range", "mean", "flag", NULL};
	const char *call;
	json_t *rows, *row, *out;
	size_t i;
	int rc;
	if ((rc = cli_need(&r->a, "call", &call, err)) || (rc = programme_rank(r->st, call, &rows, err)))
		return rc;
	out = json_array();
	json_array_foreach(rows, i, row) {
		const char *k;
		json_t *c;
		json_object_foreach(json_object_get(row, "criteria"), k, c) {
			long long m = json_integer_value(json_object_get(c, "mean_x100"));
			long long range = json_integer_value(json_object_get(c, "range"));
			char mean[32];
			snprintf(mean, sizeof(mean), "%lld.%02lld", m / 100, m % 100);
			json_array_append_new(out, json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:I, s:s}",
				"proposal", json_string_value(json_object_get(row, "id")), "criterion", k,
				"min", json_integer_value(json_object_get(c, "min")),
				"max", json_integer_value(json_object_get(c, "max")), "range", (json_int_t)range,
				"mean", mean, "mean_x100", (json_int_t)m,
				"flag", range >= PROGRAMME_SPREAD_POINTS ? "disagreement" : ""));
		}
	}
	json_decref(rows);
	return cli_print_drop(out, r->fmt, cols);
}

static const char *const o_give[] = {"reviewer", "format", NULL};
static const char *const f_replace[] = {"replace", NULL};
static const char *const o_reviewer[] = {"id", "name", "body", "affiliation", "format", NULL};
static const char *const o_slist[] = {"call", "proposal", "format", NULL};
static const char *const o_spread[] = {"call", "format", NULL};
static const char *const o_assign[] = {"reviewer", "on", "format", NULL};

static const struct cli_sub score_default = {
	"", score_give, o_give, f_replace, 0, CLI_CSV,
	"c2c score PROPOSAL --reviewer REVIEWER CRITERION=POINTS... [--replace]   (points 1-5, every criterion)", NULL};

static const struct cli_sub score_subs[] = {
	{"reviewer", score_reviewer, o_reviewer, NULL, 0, CLI_CSV,
	 "c2c score reviewer add --id ID --name NAME [--body PLACE] [--affiliation TEXT]", NULL},
	{"reviewers", score_reviewers, o_fmt, NULL, 0, CLI_CSV, "c2c score reviewers [--format table|csv|json]", NULL},
	{"list", score_list, o_slist, NULL, 0, CLI_CSV, "c2c score list [--call CALL] [--proposal PROPOSAL] [--format table|csv|json]", NULL},
	{"spread", score_spread, o_spread, NULL, 0, CLI_CSV, "c2c score spread --call CALL [--format table|csv|json]", NULL},
	{"assign", score_assign, o_assign, NULL, 0, CLI_CSV,
	 "c2c score assign PROPOSAL --reviewer REVIEWER [--on YYYY-MM-DD]   (never to a reviewer of its bodies)", NULL},
	{"desk", score_desk, o_give, NULL, 0, CLI_CSV,
	 "c2c score desk --reviewer REVIEWER [--format table|csv|json]   (the proposals assigned to it)", NULL},
};

int cmd_score(int argc, char **argv, const struct cli_command *cmd, struct c2c_err *err)
{
	static const struct cli_subs t = {CLI_SUBS(score_subs), &score_default, NULL, NULL, NULL};
	return cli_subs_run(argc, argv, cmd, &t, NULL, err);
}
