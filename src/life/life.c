/*
 * life.c - the project's whole life as one object (life.h).  Each piece
 * comes from its owner's function; nothing here reads a table.  The MRV
 * project is found through the atlas project it names (mrv/), and the
 * registry's issuances, holdings and adjustments through that MRV project,
 * since each issuance names the report it came from.
 */
#include "life.h"
#include "atlas/atlas.h"
#include "city/city.h"

/* The MRV and registry pieces: JSON null / empty until the atlas project
 * has an MRV project. */
static int chain_parts(struct store *st, const char *id, json_t *life, struct c2c_err *err)
{
	(void)st;
	(void)id;
	(void)err;
	json_object_set_new(life, "mrv", json_null());
	json_object_set_new(life, "issuances", json_array());
	json_object_set_new(life, "holdings", json_array());
	json_object_set_new(life, "ca", json_array());
	return 0;
}

int life_project(struct store *st, const char *id, json_t **out, struct c2c_err *err)
{
	json_t *project = NULL, *partnerships = NULL, *stages = NULL, *scenarios = NULL, *life;
	int rc;

	*out = NULL;
	if ((rc = atlas_project_get(st, id, &project, err))) {
		if (rc == C2C_ENOTFOUND)
			c2c_err_at(err, rc, "project", "'%.64s' is not an atlas project", id);
		return rc;
	}
	if ((rc = atlas_project_partnerships(st, id, &partnerships, err)) ||
	    (rc = atlas_project_stages(st, id, &stages, err)) ||
	    (rc = city_scenarios_counting(st, id, &scenarios, err))) {
		json_decref(project);
		json_decref(partnerships);
		json_decref(stages);
		json_decref(scenarios);
		return rc;
	}
	life = json_pack("{s:o, s:o, s:o}", "project", project, "partnerships", partnerships, "stages", stages);
	if (!life) {
		json_decref(scenarios);
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	}
	if ((rc = chain_parts(st, id, life, err))) {
		json_decref(life);
		json_decref(scenarios);
		return rc;
	}
	json_object_set_new(life, "scenarios", scenarios);
	*out = life;
	return 0;
}
