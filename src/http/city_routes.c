/*
 * city_routes.c - city GHG inventories, indicators and scenarios over HTTP,
 * public to read as cities publish them, and written by the city itself
 * (its place in the caller's scope) or the programme office: an observed
 * value of an indicator's measure, an inventory row added, replaced or
 * deleted, a whole inventory uploaded (CSV or XLSX), a scenario stored or
 * replaced, a project linked as a measure.  The same city/ calls as
 * `c2c city inventory list|show|add|delete|import`, `c2c city indicators
 * list|evaluate|observe|frameworks|observations`, `c2c city scenario
 * list|show|run|add|link`, with the same JSON.
 *
 * Every write runs in http_write_tx: the write and its audit row are one
 * transaction.  A file is read and checked whole before it begins, so a bad
 * upload stores nothing and its answer lists every row to mend.
 */
#include "router.h"
#include "city/city.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

int http_get_city_gpc(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	(void)rq;
	*out = city_gpc_json();
	return *out ? 0 : c2c_err_set(err, C2C_ENOMEM, "out of memory");
}

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

/* What one write needs; each *_tx below uses its part. */
struct city_op {
	const char *place, *gwp, *ref, *measure, *source, *project, *sector;
	int year, replace;
	double value;
	const struct city_inv_row *rows;
	size_t n;
	json_t *doc;
};

static int observe_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct city_op *o = v;
	return city_observe(st, o->place, o->measure, o->year, o->value, o->source, err);
}

/* One observed value of a measure; a municipality or partner city for its
 * own place. */
int http_post_city_observation(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	const char *place = http_body_str(rq, "place");
	json_t *value = json_object_get(rq->body, "value");
	int year = (int)http_body_int(rq, "year", 0);
	struct city_op o = {.place = place, .measure = http_body_str(rq, "measure"), .source = http_body_str(rq, "source"),
			    .year = year};
	int rc;

	if (!json_is_number(value))
		return c2c_err_at(err, C2C_EUSAGE, "value", "request body: field 'value' must be a number");
	o.value = json_number_value(value);
	if ((rc = http_require_scope(rq, "place", place, err)) || (rc = http_write_tx(rq, observe_tx, &o, err)))
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
	rc = city_scenario_run_json(m, how && !strcmp(how, "sequential") ? ATTR_SEQUENTIAL : ATTR_SHAPLEY, out, err);
	free(m);
	return rc;
}

/* ---- inventory writes ------------------------------------------------------------ */

static int add_row_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct city_op *o = v;
	return city_inventory_add_row(st, o->place, o->year, o->gwp, o->rows, err);
}

static int delete_row_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct city_op *o = v;
	return city_inventory_delete_row(st, o->place, o->year, o->ref, err);
}

static int replace_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct city_op *o = v;
	return city_inventory_replace(st, o->place, o->year, o->gwp, o->rows, o->n, err);
}

/* The body's row members as the named text fields city_inv_row_from_fields
 * reads (the CSV's columns); a number may come as a JSON number or as text,
 * as a form sends it.  buf holds the numbers' text. */
static int row_fields(const struct http_request *rq, const char **names, const char **values, size_t *n,
		      char (*buf)[40], struct c2c_err *err)
{
	*n = 0;
	for (size_t c = 0; c < city_inv_ninput; c++) {
		json_t *v = json_object_get(rq->body, city_inv_columns[c]);
		if (!v || json_is_null(v))
			continue;
		if (json_is_number(v)) {
			snprintf(buf[c], sizeof(buf[c]), "%.17g", json_number_value(v));
			values[*n] = buf[c];
		} else if (json_is_string(v)) {
			values[*n] = json_string_value(v);
		} else {
			return c2c_err_at(err, C2C_EUSAGE, city_inv_columns[c],
					  "request body: field '%s' must be text or a number", city_inv_columns[c]);
		}
		names[(*n)++] = city_inv_columns[c];
	}
	return 0;
}

/* The reply of an inventory write: the inventory as GET /api/v1/city/inventory shows it. */
static int inventory_reply(struct http_request *rq, const char *place, int year, json_t **out, struct c2c_err *err)
{
	struct city_inventory *inv = malloc(sizeof(*inv));
	int rc;
	if (!inv)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	if (!(rc = city_inventory_load(rq->st, place, year, inv, err)))
		*out = city_inventory_json(inv);
	free(inv);
	return rc;
}

/* One row added, or the row of its GPC number replaced (a correction). */
int http_post_city_inventory_row(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct city_op o = {.place = http_body_str(rq, "place"), .gwp = http_body_str(rq, "gwp"),
			    .year = (int)http_body_int(rq, "year", 0)};
	const char *names[16], *values[16];
	char buf[16][40];
	struct city_inv_row row;
	size_t n;
	int rc;

	if ((rc = http_require_scope(rq, "place", o.place, err)) ||
	    (rc = row_fields(rq, names, values, &n, buf, err)) ||
	    (rc = city_inv_row_from_fields(&row, names, values, n, "inventory row", err)))
		return rc;
	o.rows = &row;
	if ((rc = http_write_tx(rq, add_row_tx, &o, err)))
		return rc;
	return inventory_reply(rq, o.place, o.year, out, err);
}

int http_post_city_inventory_row_delete(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct city_op o = {.place = http_body_str(rq, "place"), .ref = http_body_str(rq, "gpc_ref"),
			    .year = (int)http_body_int(rq, "year", 0)};
	int rc;
	if ((rc = http_require_scope(rq, "place", o.place, err)) || (rc = http_write_tx(rq, delete_row_tx, &o, err)))
		return rc;
	return inventory_reply(rq, o.place, o.year, out, err);
}

/* A whole inventory from a file sent in the body: CSV text in `csv`, or an
 * .xlsx's bytes in base64 in `xlsx_base64`.  Every row is read and checked
 * before the transaction; the year's rows become exactly the file's. */
int http_post_city_inventory_upload(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct city_op o = {.place = http_body_str(rq, "place"), .gwp = http_body_str(rq, "gwp"),
			    .year = (int)http_body_int(rq, "year", 0)};
	const char *csv = http_body_str(rq, "csv"), *b64 = http_body_str(rq, "xlsx_base64");
	const char *name = http_body_str(rq, "file_name");
	struct city_inv_row *rows = NULL;
	unsigned char *bytes = NULL;
	size_t len = 0;
	int rc;

	if ((rc = http_require_scope(rq, "place", o.place, err)))
		return rc;
	if (!csv == !b64)
		return c2c_err_at(err, C2C_EUSAGE, "file", "request body: give the file as 'csv' (its text) or as"
				  " 'xlsx_base64' (the workbook's bytes in base64), one of them");
	if (!name || !*name)
		name = b64 ? "inventory.xlsx" : "inventory.csv";
	if (b64) {
		size_t cap = strlen(b64) / 4 * 3 + 3;
		if (!(bytes = malloc(cap)))
			return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		if (sodium_base642bin(bytes, cap, b64, strlen(b64), " \r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL)) {
			free(bytes);
			return c2c_err_at(err, C2C_EUSAGE, "file", "request body: field 'xlsx_base64' is not base64");
		}
	}
	rc = city_inventory_read_upload(b64 ? (const char *)bytes : csv, b64 ? len : strlen(csv), name, b64 != NULL,
					&rows, &o.n, err);
	free(bytes);
	if (rc)
		return rc;
	o.rows = rows;
	rc = http_write_tx(rq, replace_tx, &o, err);
	free(rows);
	return rc ? rc : inventory_reply(rq, o.place, o.year, out, err);
}

/* ---- scenario writes ------------------------------------------------------------- */

static int scenario_add_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct city_op *o = v;
	return city_scenario_add(st, o->doc, "document", o->replace, err);
}

static int scenario_link_tx(struct store *st, void *v, struct c2c_err *err)
{
	struct city_op *o = v;
	return city_scenario_link(st, o->ref, o->measure, o->project, o->sector, o->value, NULL, NULL, err);
}

/* The place of the stored scenario `id` must be the caller's (0 when there
 * is none yet: a new one). */
static int own_scenario(struct http_request *rq, const char *id, int must_exist, struct c2c_err *err)
{
	struct scn_model *m = malloc(sizeof(*m));
	int rc;
	if (!m)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	rc = city_scenario_get(rq->st, id, m, NULL, err);
	if (rc == C2C_ENOTFOUND && !must_exist) {
		c2c_err_clear(err);
		rc = 0;
	} else if (!rc) {
		rc = http_require_scope(rq, "place", m->place, err);
	}
	free(m);
	return rc;
}

/* A scenario document stored new, or replacing the one of its id
 * (`replace`: 1): its BaU drivers, sectors and measures edited. */
int http_post_city_scenario(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	struct city_op o = {.doc = json_object_get(rq->body, "document"), .replace = (int)http_body_int(rq, "replace", 0)};
	const char *id = json_string_value(json_object_get(o.doc, "id"));
	const char *place = json_string_value(json_object_get(o.doc, "place_id"));
	int rc;

	if (!json_is_object(o.doc))
		return c2c_err_at(err, C2C_EUSAGE, "document", "request body: field 'document' must be a scenario object");
	if (!id || !place)
		return c2c_err_at(err, C2C_EINPUT, !id ? "id" : "place_id", "document: '%s' is missing",
				  !id ? "id" : "place_id");
	/* the new place and, when one is replaced, the old one: both the caller's */
	if ((rc = http_require_scope(rq, "place", place, err)) || (o.replace && (rc = own_scenario(rq, id, 0, err))) ||
	    (rc = http_write_tx(rq, scenario_add_tx, &o, err)))
		return rc;
	rq->id = id;
	return http_get_city_scenario(rq, out, err);
}

/* An atlas project linked as a measure: its stated yearly reduction as a
 * fixed cut in one sector (`scenario link --reduction-t`); the verified
 * rate comes from the sync. */
int http_post_city_scenario_link(struct http_request *rq, json_t **out, struct c2c_err *err)
{
	json_t *t = json_object_get(rq->body, "reduction_t");
	struct city_op o = {.ref = rq->id, .measure = http_body_str(rq, "measure"), .project = http_body_str(rq, "project"),
			    .sector = http_body_str(rq, "sector")};
	int rc;

	if (!json_is_number(t) || json_number_value(t) < 0)
		return c2c_err_at(err, C2C_EUSAGE, "reduction_t", "request body: field 'reduction_t' must be a number of tonnes >= 0");
	o.value = json_number_value(t);
	if ((rc = own_scenario(rq, rq->id, 1, err)) || (rc = http_write_tx(rq, scenario_link_tx, &o, err)))
		return rc;
	return http_get_city_scenario(rq, out, err);
}
