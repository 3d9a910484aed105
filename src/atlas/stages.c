/*
 * stages.c - a project's life as the atlas keeps it: the stages it went
 * through (project_stages) and the partnerships it was formed from
 * (project_partnerships), both atlas tables declared in tables.c, so they
 * are imported, exported and described like every other table.
 *
 * A stage recorded by hand is checked against the ones already there, so
 * the life reads in order: a one-time stage (study, model project,
 * methodology, registration, operation start) comes once; a stage cannot
 * be dated before a stage that comes earlier in a project's life, nor after
 * one that comes later.  The stages that repeat (monitoring period,
 * verification, issuance, allocation) form a cycle: a second monitoring
 * period may well start after the first issuance, so among them only the
 * first of an earlier kind bounds a later one, and one kind's dates do not
 * go backwards.  A roll-out is bounded by the one-time stages only.  Dates
 * the built-in data gives at a coarser precision (2018-02, 2018) compare on
 * what they give: 2018-02 is neither before nor after 2018-02-14.
 */
#include "atlas.h"
#include "core/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSTAGES 10
#define FIRST_REPEATING 5 /* monitoring_period */
#define ROLL_OUT 9

static const char *const stage_names[NSTAGES] = {
	"feasibility_study", "model_project", "methodology", "registration", "operation_start",
	"monitoring_period", "verification", "issuance", "allocation", "roll_out"};

static int stage_index(const char *s)
{
	for (int i = 0; s && i < NSTAGES; i++)
		if (!strcmp(stage_names[i], s))
			return i;
	return -1;
}

/* Compare two dates on the precision both give. */
static int date_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return strncmp(a, b, la < lb ? la : lb);
}

/* Whether recorded stage r's dates bound a new stage s at all: among the
 * repeating ones only the same kind and an earlier kind of the cycle (the
 * first monitoring period before any verification). */
static int bounded(int r, int s)
{
	if (r >= FIRST_REPEATING && s >= FIRST_REPEATING)
		return r == s || (r < s && s != ROLL_OUT);
	return 1;
}

struct stage_add {
	const struct atlas_stage *s;
	long long *seq;
};

/* The earliest and latest date of each kind, and how many of each. */
struct recorded {
	char first[NSTAGES][16], last[NSTAGES][16];
	int n[NSTAGES];
};

static int read_recorded(struct store *st, const char *project, struct recorded *r, long long *top,
			 struct c2c_err *err)
{
	json_t *rows, *row;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	*top = 0;
	if ((rc = atlas_project_stages(st, project, &rows, err)))
		return rc;
	json_array_foreach(rows, i, row) {
		int k = stage_index(json_string_value(json_object_get(row, "stage")));
		const char *on = json_string_value(json_object_get(row, "on_date"));
		long long seq = json_integer_value(json_object_get(row, "seq"));
		if (seq > *top)
			*top = seq;
		if (k < 0)
			continue;
		r->n[k]++;
		if (!on || !*on)
			continue;
		if (!r->first[k][0] || date_cmp(on, r->first[k]) < 0)
			snprintf(r->first[k], sizeof(r->first[k]), "%s", on);
		if (!r->last[k][0] || date_cmp(on, r->last[k]) > 0)
			snprintf(r->last[k], sizeof(r->last[k]), "%s", on);
	}
	json_decref(rows);
	return 0;
}

/* The order of a project's life against what is recorded already. */
static int check_order(const struct atlas_stage *s, int k, const struct recorded *r, struct c2c_err *err)
{
	const char *p = s->project, *on = s->on;
	if (k < FIRST_REPEATING && r->n[k])
		return c2c_err_at(err, C2C_ECONFLICT, "stage",
				  "project %s: the %s is recorded already%s%s; it comes once in a project's life", p,
				  stage_names[k], r->first[k][0] ? " on " : "", r->first[k]);
	for (int i = 0; i < NSTAGES; i++) {
		if (!r->last[i][0] || !bounded(i, k))
			continue;
		if (i == k && date_cmp(r->last[i], on) > 0)
			return c2c_err_at(err, C2C_ECONFLICT, "on",
					  "project %s: %s on %s goes back in time: the last %s is on %s", p,
					  stage_names[k], on, stage_names[i], r->last[i]);
		if (i < k && date_cmp(i >= FIRST_REPEATING ? r->first[i] : r->last[i], on) > 0)
			return c2c_err_at(err, C2C_ECONFLICT, "on",
					  "project %s: %s on %s would come before the %s on %s, which comes earlier in a project's life",
					  p, stage_names[k], on, stage_names[i],
					  i >= FIRST_REPEATING ? r->first[i] : r->last[i]);
		if (i > k && date_cmp(r->first[i], on) < 0)
			return c2c_err_at(err, C2C_ECONFLICT, "on",
					  "project %s: %s on %s would come after the %s on %s, which comes later in a project's life",
					  p, stage_names[k], on, stage_names[i], r->first[i]);
	}
	return 0;
}

static int stage_add_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct stage_add *a = ctx;
	const struct atlas_stage *s = a->s;
	const struct atlas_table *t = atlas_table_find("project_stages");
	struct recorded *r = malloc(sizeof(*r));
	char seq[24], name[96];
	long long top;
	int k = stage_index(s->stage), rc;

	if (!r)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (!(rc = read_recorded(st, s->project, r, &top, err)) && !(rc = check_order(s, k, r, err))) {
		snprintf(seq, sizeof(seq), "%lld", top + 1);
		snprintf(name, sizeof(name), "project %.40s stage %s", s->project, seq);
		/* project_id seq stage on_date fiscal_year ref note source */
		rc = atlas_upsert_row(st, t,
				      (const char *const[]){s->project, seq, s->stage, s->on, NULL, s->ref, NULL,
							    s->source},
				      name, err);
		*a->seq = top + 1;
	}
	free(r);
	return rc;
}

int atlas_project_stage_add(struct store *st, const struct atlas_stage *s, long long *seq, struct c2c_err *err)
{
	struct stage_add a = {s, seq};
	char why[96];
	int rc;

	if (stage_index(s->stage) < 0) {
		char known[256] = "";
		for (int i = 0; i < NSTAGES; i++)
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? ", " : "", stage_names[i]);
		return c2c_err_at(err, C2C_EUSAGE, "stage", "'%.40s' is not a stage of a project's life; the stages are %s",
				  s->stage ? s->stage : "", known);
	}
	if (!s->on || strlen(s->on) != 10 || date_check(s->on, why, sizeof(why)))
		return c2c_err_at(err, C2C_EUSAGE, "on", "'%.40s' is not a date YYYY-MM-DD%s%s", s->on ? s->on : "",
				  s->on && strlen(s->on) == 10 ? ": " : "", s->on && strlen(s->on) == 10 ? why : "");
	if (!s->source || !*s->source)
		return c2c_err_at(err, C2C_EUSAGE, "source", "a stage needs its source: where the date comes from");
	if ((rc = atlas_has(st, "projects", s->project, err)) < 0)
		return rc;
	if (!rc)
		return c2c_err_at(err, C2C_ENOTFOUND, "project", "'%.64s' is not an atlas project", s->project);
	return store_tx(st, NULL, stage_add_tx, &a, err);
}

int atlas_project_stages(struct store *st, const char *project, json_t **out, struct c2c_err *err)
{
	return atlas_list(st, atlas_table_find("project_stages"), (const char *const[]){"project_id", project, NULL},
			  out, err);
}

int atlas_project_partnership_add(struct store *st, const char *project, const char *partnership,
				  const char *source, struct c2c_err *err)
{
	return atlas_upsert_row(st, atlas_table_find("project_partnerships"),
				(const char *const[]){project, partnership, source}, "project partnership", err);
}

/* A partnership's places, named: the page shows names, never ids alone. */
static int named_places(struct store *st, const char *partnership, json_t **out, struct c2c_err *err)
{
	json_t *links, *l;
	size_t i;
	int rc;

	*out = json_array();
	if ((rc = atlas_list(st, atlas_table_find("partnership_places"),
			     (const char *const[]){"partnership_id", partnership, NULL}, &links, err)))
		return rc;
	json_array_foreach(links, i, l) {
		json_t *pl;
		if ((rc = atlas_place_get(st, json_string_value(json_object_get(l, "place_id")), &pl, err)))
			break;
		json_array_append_new(*out, json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(pl, "id"),
						      "name_ja", json_object_get(pl, "name_ja"), "name_en",
						      json_object_get(pl, "name_en"), "country",
						      json_object_get(pl, "country"), "role", json_object_get(l, "role")));
		json_decref(pl);
	}
	json_decref(links);
	return rc;
}

int atlas_project_partnerships(struct store *st, const char *project, json_t **out, struct c2c_err *err)
{
	json_t *links, *l;
	size_t i;
	int rc;

	*out = json_array();
	if ((rc = atlas_list(st, atlas_table_find("project_partnerships"),
			     (const char *const[]){"project_id", project, NULL}, &links, err)))
		return rc;
	json_array_foreach(links, i, l) {
		const char *pid = json_string_value(json_object_get(l, "partnership_id"));
		json_t *p, *places;
		if ((rc = atlas_get(st, "partnerships", pid, &p, err)))
			break;
		if ((rc = named_places(st, pid, &places, err))) {
			json_decref(p);
			break;
		}
		json_object_set_new(p, "places", places);
		json_object_set(p, "link_source", json_object_get(l, "source"));
		json_array_append_new(*out, p);
	}
	json_decref(links);
	return rc;
}

static int has_id(json_t *rows, const char *id)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
		if (!strcmp(json_string_value(json_object_get(r, "id")), id))
			return 1;
	return 0;
}

int atlas_projects_at_place(struct store *st, const char *place, json_t **out, struct c2c_err *err)
{
	const struct atlas_table *projects = atlas_table_find("projects");
	json_t *own, *pps = NULL, *pp;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = atlas_list(st, projects, (const char *const[]){"place_id", place, NULL}, &own, err)))
		return rc;
	if ((rc = atlas_list(st, atlas_table_find("partnership_places"),
			     (const char *const[]){"place_id", place, "role", "partner", NULL}, &pps, err)))
		goto out;
	json_array_foreach(pps, i, pp) {
		json_t *links, *l;
		size_t j;
		if ((rc = atlas_list(st, atlas_table_find("project_partnerships"),
				     (const char *const[]){"partnership_id",
							   json_string_value(json_object_get(pp, "partnership_id")), NULL},
				     &links, err)))
			goto out;
		json_array_foreach(links, j, l) {
			const char *id = json_string_value(json_object_get(l, "project_id"));
			json_t *p;
			if (has_id(own, id))
				continue;
			if ((rc = atlas_project_get(st, id, &p, err))) {
				json_decref(links);
				goto out;
			}
			/* a roll-out to another city is located there, not here */
			if (json_is_string(json_object_get(p, "place_id")))
				json_decref(p);
			else
				json_array_append_new(own, p);
		}
		json_decref(links);
	}
out:
	json_decref(pps);
	if (rc)
		json_decref(own);
	else
		*out = own;
	return rc;
}
