/*
 * life_routes.c - a project's whole life over HTTP (life/): the same object
 * as `c2c projects show ID --format json`, public as the atlas is.
 */
#include "router.h"
#include "life/life.h"

int http_get_project_life(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return life_project(rq->st, rq->id, out, err);
}
