/*
 * life_routes.c - a project's whole life over HTTP (life/): the same object
 * as `c2c projects show ID --format json`, public as the atlas is; and
 * `city scenario sync`, a write by the scenario's own city (its place in
 * the caller's scope) or the programme office.
 */
#include "router.h"
#include "city/city.h"
#include "life/life.h"

#include <stdlib.h>

int http_get_project_life(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return life_project(rq->st, rq->id, out, err);
}

int http_post_city_scenario_sync(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct scn_model *m = malloc(sizeof(*m));
	int rc;

	if (!m)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	/* whose scenario it is decides who may write it */
	if (!(rc = city_scenario_get(rq->st, rq->id, m, NULL, err)) &&
	    !(rc = http_require_scope(rq, "place", m->place, err)))
		rc = life_scenario_sync(rq->st, rq->id, out, err);
	free(m);
	return rc;
}
