/*
 * sync.c - `city scenario sync`: a city's scenario counts the JCM projects
 * located in its place without anyone typing an id.  For each project the
 * atlas places there (its own place, or a partnership with the place as
 * partner), the MRV project linked to it gives the verified yearly rate of
 * its approved reports, and the registry gives where the issued credits
 * went.  The measure counts the host's share only: the tonnes that went to
 * Japan as credits with a corresponding adjustment are Japan's toward its
 * NDC, and counting them in the city's books too would count them twice.
 * The whole sync is one transaction: every measure is written, or none.
 */
#include "life.h"
#include "atlas/atlas.h"
#include "city/city.h"
#include "mrv/mrv.h"
#include "registry/registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The GPC sector a project's reductions fall in, from the atlas sector:
 * transport (II), waste (III), agriculture (V); every other sector reduces
 * stationary energy use or the grid's generation (I). */
static const char *gpc_of(const char *sector)
{
	if (!sector)
		return "I.";
	if (!strcmp(sector, "transport"))
		return "II.";
	if (!strcmp(sector, "waste"))
		return "III.";
	if (!strcmp(sector, "agriculture"))
		return "V.";
	return "I.";
}

/* The scenario's measure for `project` if it has one (kept, with its
 * sector), else the first scenario sector of the project's GPC sector;
 * -1 when the scenario has no such sector. */
static int measure_for(const struct scn_model *m, const char *project, const char *sector, char *measure,
		       size_t len)
{
	const char *gpc = gpc_of(sector);
	for (int i = 0; i < m->nmeasures; i++)
		if (!strcmp(m->m[i].project, project) && m->m[i].nch == 1 && m->m[i].ch[0].type == CH_CUT) {
			snprintf(measure, len, "%s", m->m[i].id);
			return m->m[i].ch[0].sector;
		}
	snprintf(measure, len, "%s", project);
	for (int s = 0; s < m->nsectors; s++)
		if (!strncmp(m->sector_gpc[s], gpc, strlen(gpc)))
			return s;
	return -1;
}

/* Where the project's issued credits went, summed over its vintages. */
static int split_sum(struct store *st, const char *mrv_project, json_t *split, struct c2c_err *err)
{
	json_int_t issued = 0, kept = 0, moved = 0;
	json_t *rows, *row, *ndc = json_object();
	size_t i;
	int rc = registry_project_split(st, mrv_project, &rows, err);

	if (rc == C2C_EINPUT) { /* no JCM reference: nothing can have been issued under it */
		c2c_err_clear(err);
		rows = json_array();
	} else if (rc) {
		json_decref(ndc);
		return rc;
	}
	json_array_foreach(rows, i, row) {
		const char *cc;
		json_t *n;
		issued += json_integer_value(json_object_get(row, "issued"));
		kept += json_integer_value(json_object_get(row, "host_kept"));
		moved += json_integer_value(json_object_get(row, "transferred_with_ca"));
		json_object_foreach(json_object_get(row, "retired_for_ndc"), cc, n)
			json_object_set_new(ndc, cc, json_integer(json_integer_value(json_object_get(ndc, cc)) +
								  json_integer_value(n)));
	}
	json_decref(rows);
	json_object_set_new(split, "issued", json_integer(issued));
	json_object_set_new(split, "host_kept", json_integer(kept));
	json_object_set_new(split, "transferred_with_ca", json_integer(moved));
	json_object_set_new(split, "retired_for_ndc", ndc);
	return 0;
}

struct sync {
	const char *id;
	struct scn_model *m;
	json_t *measures, *skipped;
};

static void skip(struct sync *c, json_t *p, const char *why)
{
	json_array_append_new(c->skipped, json_pack("{s:O, s:O, s:O, s:s}", "project", json_object_get(p, "id"),
						    "name_ja", json_object_get(p, "name_ja"), "name_en",
						    json_object_get(p, "name_en"), "reason", why));
}

/* One project of the place: its measure written, or the reason it is not. */
static int sync_project(struct store *st, struct sync *c, json_t *p, struct c2c_err *err)
{
	const char *pid = json_string_value(json_object_get(p, "id"));
	char measure[SCN_ID_MAX], basis[160];
	json_t *mrv, *split;
	struct mrv_rate rate;
	double er_t, host_t;
	int s, rc;

	if ((rc = mrv_project_life(st, pid, &mrv, err)))
		return rc;
	if (!json_is_object(mrv)) {
		json_decref(mrv);
		skip(c, p, "no MRV project names it");
		return 0;
	}
	rc = mrv_verified_rate(st, json_string_value(json_object_get(mrv, "project")), &rate, err);
	if (rc == C2C_ENOTFOUND) {
		c2c_err_clear(err);
		json_decref(mrv);
		skip(c, p, "no approved monitoring report yet");
		return 0;
	}
	if (rc || (s = measure_for(c->m, pid, json_string_value(json_object_get(p, "sector")), measure,
				   sizeof(measure))) < 0) {
		json_decref(mrv);
		if (!rc)
			skip(c, p, "the scenario has no sector its reductions fall in");
		return rc;
	}
	split = json_pack("{s:O, s:f}", "mrv_project", json_object_get(mrv, "project"), "verified_t_per_year",
			  round(rate.t_per_year * 1000) / 1000);
	json_decref(mrv);
	if ((rc = split_sum(st, json_string_value(json_object_get(split, "mrv_project")), split, err))) {
		json_decref(split);
		return rc;
	}
	/* the host keeps what did not go abroad with an adjustment */
	er_t = (double)rate.er_micro / 1e6;
	host_t = rate.t_per_year;
	if (er_t > 0)
		host_t *= fmax(0, er_t - (double)json_integer_value(json_object_get(split, "transferred_with_ca"))) / er_t;
	host_t = round(host_t * 1000) / 1000;
	json_object_set_new(split, "host_t_per_year", json_real(host_t));
	snprintf(basis, sizeof(basis), "MRV-verified: %d approved report%s, %s..%s; the host's share",
		 rate.reports, rate.reports == 1 ? "" : "s", rate.from, rate.to);
	if (!(rc = city_scenario_link(st, c->id, measure, pid, c->m->sector[s], host_t, basis, split, err))) {
		json_t *o = json_pack("{s:s, s:s, s:O, s:O, s:s, s:f, s:s}", "measure", measure, "project", pid,
				      "name_ja", json_object_get(p, "name_ja"), "name_en", json_object_get(p, "name_en"),
				      "sector", c->m->sector[s], "reduction_t", host_t, "basis", basis);
		json_object_update(o, split);
		json_array_append_new(c->measures, o);
	}
	json_decref(split);
	return rc;
}

static int sync_tx(struct store *st, void *ctx, struct c2c_err *err)
{
	struct sync *c = ctx;
	json_t *projects, *p;
	size_t i;
	int rc;

	json_array_clear(c->measures);
	json_array_clear(c->skipped);
	if ((rc = city_scenario_get(st, c->id, c->m, NULL, err)) ||
	    (rc = atlas_projects_at_place(st, c->m->place, &projects, err)))
		return rc;
	json_array_foreach(projects, i, p)
		if ((rc = sync_project(st, c, p, err)))
			break;
	json_decref(projects);
	return rc;
}

int life_scenario_sync(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	struct sync c = {id, malloc(sizeof(*c.m)), json_array(), json_array()};
	int rc;

	*out = NULL;
	if (!c.m)
		rc = c2c_err_set(err, C2C_ENOMEM, "out of memory");
	else if (!(rc = store_tx(st, NULL, sync_tx, &c, err)))
		*out = json_pack("{s:s, s:s, s:O, s:O}", "scenario", id, "place_id", c.m->place, "measures", c.measures,
				 "skipped", c.skipped);
	free(c.m);
	json_decref(c.measures);
	json_decref(c.skipped);
	return rc;
}
