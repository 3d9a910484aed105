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
#include "mrv/mrv.h"
#include "registry/registry.h"

/* The MRV and registry pieces: JSON null and empty arrays until an MRV
 * project names this atlas project; the registry knows the project by the
 * MRV project's id. */
static int chain_parts(struct store *st, const char *id, json_t *life, struct c2c_err *err)
{
	static const char *const parts[] = {"issuances", "holdings", "ca"};
	json_t *mrv, *reg = NULL;
	int rc;

	if ((rc = mrv_project_life(st, id, &mrv, err)))
		return rc;
	json_object_set_new(life, "mrv", mrv);
	if (json_is_object(mrv) &&
	    (rc = registry_project_life(st, json_string_value(json_object_get(mrv, "project")), &reg, err)))
		return rc;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		json_object_set_new(life, parts[i], reg ? json_incref(json_object_get(reg, parts[i])) : json_array());
	json_decref(reg);
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
