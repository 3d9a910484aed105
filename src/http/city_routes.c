/*
 * city_routes.c - city GHG inventories, indicators and scenarios over HTTP,
 * public to read as cities publish them, and one write: an observed value
 * of an indicator's measure, by the city itself.  The same city/ calls as
 * `c2c city inventory list`, `c2c city indicators list|evaluate|observe`,
 * `c2c city inventory show`, `c2c city indicators frameworks|observations`,
 * `c2c city scenario list|show|run`, with the same
 * JSON.
 */
#include "router.h"
#include "city/city.h"

#include <stdlib.h>
#include <string.h>

int http_get_city_inventories(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return city_inventories(rq->st, out, err);
}

int http_get_city_indicators(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return city_indicators(rq->st, http_param_str(rq, "framework"), out, err);
}

int http_get_city_frameworks(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return city_frameworks(rq->st, out, err);
}

int http_get_city_observations(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return city_observations(rq->st, http_param_str(rq, "place"), out, err);
}

int http_get_city_evaluation(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *fw = http_param_str(rq, "framework");
	return city_evaluate(rq->st, http_param_str(rq, "place"), fw ? fw : "tianjin-eco-city",
			     (int)http_param_int(rq, "year", 0), out, err);
}

/* One observed value of a measure; a municipality or partner city for its
 * own place. */
int http_post_city_observation(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *place = http_body_str(rq, "place");
	json_t *value = json_object_get(rq->body, "value");
	int year = (int)http_body_int(rq, "year", 0);
	int rc;

	if (!json_is_number(value))
		return c2c_err_set(err, C2C_EUSAGE, "request body: field 'value' must be a number");
	if ((rc = http_require_scope(rq, "place", place, err)) ||
	    (rc = city_observe(rq->st, place, http_body_str(rq, "measure"), year, json_number_value(value),
			       http_body_str(rq, "source"), err)))
		return rc;
	/* the CLI's `city indicators observe --format json` */
	*out = json_pack("{s:s, s:s, s:i, s:f, s:s}", "place_id", place, "measure_id", http_body_str(rq, "measure"),
			 "year", year, "value", json_number_value(value), "source", http_body_str(rq, "source"));
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

int http_get_city_scenarios(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	return city_scenarios(rq->st, out, err);
}

int http_get_city_inventory(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct city_inventory *inv;
	int rc;
	/* a whole inventory is some 100 kB: not for the worker's stack */
	if (!(inv = malloc(sizeof(*inv))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (!(rc = city_inventory_load(rq->st, http_param_str(rq, "place"), (int)http_param_int(rq, "year", 0), inv,
				       err)))
		*out = city_inventory_json(inv);
	free(inv);
	return rc;
}

/* The scenario model is large (sectors x technologies x measures): on the
 * heap, as the CLI keeps it. */
static int scenario_get(struct http_request *rq, struct scn_model **m, json_t **doc, struct c2c_err *err)
{
	int rc;
	if (!(*m = malloc(sizeof(**m))))
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if ((rc = city_scenario_get(rq->st, rq->id, *m, doc, err))) {
		free(*m);
		*m = NULL;
	}
	return rc;
}

int http_get_city_scenario(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct scn_model *m;
	int rc = scenario_get(rq, &m, out, err);
	free(m);
	return rc;
}

int http_get_city_scenario_run(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *how = http_param_str(rq, "attribution");
	struct scn_model *m;
	int rc;
	if (how && strcmp(how, "shapley") && strcmp(how, "sequential"))
		return c2c_err_set(err, C2C_EUSAGE, "attribution: '%s' is not shapley or sequential", how);
	if ((rc = scenario_get(rq, &m, NULL, err)))
		return rc;
	*out = city_scenario_run_json(m, how && !strcmp(how, "sequential") ? ATTR_SEQUENTIAL : ATTR_SHAPLEY);
	free(m);
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}
