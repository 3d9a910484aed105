/*
 * life.h - one JCM project through its whole life, assembled from the
 * modules that each own a piece of it: the atlas (the project, the
 * partnerships it was formed from, its stages), mrv/ (the MRV project and
 * its reports), the registry (issuances, holdings, corresponding
 * adjustments) and city/ (the scenarios that count it).  The only module
 * allowed to depend on all of them, and on nothing above them: the CLI's
 * `projects show`, the API's GET /api/v1/projects/{id} and the project's
 * page all get the same object from here, and `city scenario sync` the
 * same reading of where a place's verified tonnes went.
 */
#ifndef C2C_LIFE_LIFE_H
#define C2C_LIFE_LIFE_H

#include <jansson.h>

#include "core/err.h"
#include "store/store.h"

/* The whole life of atlas project `id`: {project, partnerships, stages, mrv,
 * issuances, holdings, ca, scenarios} (docs/atlas.md); C2C_ENOTFOUND when
 * there is no such project. */
int life_project(struct store *st, const char *id, json_t **out, struct c2c_err *err);

/* Draw scenario `id`'s project measures from the projects located in its
 * place, at the verified yearly rate of their approved reports, each with
 * what the host keeps and what went to Japan with an adjustment; one
 * transaction.  *out: {scenario, place_id, measures: [...], skipped: [...]}. */
int life_scenario_sync(struct store *st, const char *id, json_t **out, struct c2c_err *err);

#endif
