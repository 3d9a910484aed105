/*
 * openapi.c - /api/v1/openapi.json, made from the route table and the atlas
 * table descriptions, so it lists exactly what router.c serves: every route
 * of routes.def, each with the query parameters the router accepts (a table
 * route's filters are its COL_FILTER columns) and the error replies it can
 * give.  tests/http.sh holds this document against routes.def.
 */
#include "router.h"

#include <ctype.h>
#include <string.h>

#ifndef C2C_VERSION
#define C2C_VERSION "0.0.0"
#endif

static json_t *int_schema(long long min, long long max)
{
	json_t *s = json_pack("{s:s}", "type", "integer");
	if (min || max) {
		json_object_set_new(s, "minimum", json_integer(min));
		json_object_set_new(s, "maximum", json_integer(max));
	}
	return s;
}

static json_t *param_json(const char *name, json_t *schema, int required, const char *description)
{
	json_t *p = json_pack("{s:s, s:s, s:b}", "name", name, "in", "query", "required", required);
	if (description)
		json_object_set_new(p, "description", json_string(description));
	json_object_set_new(p, "schema", schema);
	return p;
}

/* A column as a schema: its type, its enum values, null when optional. */
static json_t *col_schema(const struct atlas_col *col)
{
	json_t *s;
	if (col->type == AT_INT)
		s = int_schema((long long)col->min, (long long)col->max);
	else if (col->type == AT_REAL)
		s = json_pack("{s:s}", "type", "number");
	else
		s = json_pack("{s:s}", "type", "string");
	if (col->type == AT_ENUM) {
		json_t *e = json_array();
		const char *v = col->values;
		while (v && *v) {
			const char *bar = strchr(v, '|');
			size_t n = bar ? (size_t)(bar - v) : strlen(v);
			json_array_append_new(e, json_stringn(v, n));
			v = bar ? bar + 1 : v + n;
		}
		json_object_set_new(s, "enum", e);
	}
	if (!(col->flags & (COL_REQUIRED | COL_KEY)))
		json_object_set_new(s, "nullable", json_true());
	return s;
}

static json_t *table_filter_params(const struct atlas_table *t)
{
	json_t *arr = json_array();
	for (size_t c = 0; c < t->ncols; c++) {
		char desc[160];
		if (!(t->cols[c].flags & COL_FILTER))
			continue;
		snprintf(desc, sizeof(desc), "rows whose %s equals the value", t->cols[c].name);
		json_t *s = col_schema(&t->cols[c]);
		json_object_del(s, "nullable");
		json_array_append_new(arr, param_json(t->cols[c].name, s, 0, desc));
	}
	return arr;
}

static json_t *params_json(const struct http_route *r, const struct atlas_table *t)
{
	json_t *arr = json_array();
	if (strstr(r->path, "/{id}"))
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", "id", "in",
						     "path", "required", 1, "description",
						     "the row's id", "schema", "type", "string"));
	for (const struct http_param *p = r->params; p->type != HP_END; p++) {
		if (HTTP_IS_BODY(p->type) || p->type == HP_STREAM)
			continue;
		if (p->type == HP_TABLE_FILTERS) {
			json_t *filters = table_filter_params(t);
			json_array_extend(arr, filters);
			json_decref(filters);
			continue;
		}
		json_array_append_new(arr, param_json(p->name,
						      p->type == HP_FY    ? json_pack("{s:s, s:s}", "type", "string", "format",
										    "fiscal-year")
						      : p->type == HP_STR ? json_pack("{s:s}", "type", "string")
						      : p->type == HP_FORMAT
							      ? json_pack("{s:s, s:[sss]}", "type", "string", "enum",
									  "json", "csv", "xlsx")
							      : int_schema(p->min, p->max),
						      p->required, p->description));
	}
	return arr;
}

/* The JSON object a write takes: its F(...) fields, or a table's columns. */
static json_t *request_body(const struct http_route *r, const struct atlas_table *t)
{
	json_t *props = json_object(), *required = json_array(), *schema;
	for (const struct http_param *p = r->params; p->type != HP_END; p++) {
		if (p->type == HP_BODY_COLUMNS) {
			for (size_t c = 0; c < t->ncols; c++)
				if (!(t->cols[c].flags & COL_KEY)) {
					json_t *cs = col_schema(&t->cols[c]);
					json_object_set_new(cs, "nullable", json_true());
					json_object_set_new(props, t->cols[c].name, cs);
				}
			continue;
		}
		if (!HTTP_IS_BODY(p->type))
			continue;
		schema = p->type == HP_BODY_STR ? json_pack("{s:s}", "type", "string")
			 : p->type == HP_BODY_INT ? int_schema(p->min, p->max)
						  : json_object();
		json_object_set_new(schema, "description", json_string(p->description));
		json_object_set_new(props, p->name, schema);
		if (p->required)
			json_array_append_new(required, json_string(p->name));
	}
	schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
			   "additionalProperties", 0);
	if (json_array_size(required))
		json_object_set_new(schema, "required", required);
	else
		json_decref(required);
	return json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema",
			 schema);
}

/* A streamed body: the file itself (STREAM), sent as it is. */
static json_t *stream_body(const struct http_route *r)
{
	const char *desc = "";
	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (p->type == HP_STREAM)
			desc = p->description;
	return json_pack("{s:b, s:s, s:{s:{s:{s:s, s:s}}}}", "required", 1, "description", desc, "content",
			 "text/csv", "schema", "type", "string", "format", "binary");
}

static json_t *body_schema(const struct http_route *r, const struct atlas_table *t)
{
	json_t *item;
	if (strcmp(r->method, "GET") || r->fn == http_get_session) {
		/* a write answers with one object: the row, the journal entry, the user */
		if (t && strstr(r->path, "/{id}")) {
			json_t *props = json_object();
			for (size_t c = 0; c < t->ncols; c++)
				json_object_set_new(props, t->cols[c].name, col_schema(&t->cols[c]));
			return json_pack("{s:s, s:o}", "type", "object", "properties", props);
		}
		return json_pack("{s:s}", "type", "object");
	}
	if (r->fn == http_get_stats || r->fn == http_get_healthz || r->fn == http_get_openapi)
		return json_pack("{s:s}", "type", "object");
	if (r->fn == http_get_search) {
		item = json_pack("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}", "type", "object",
				 "properties", "table", "type", "string", "id", "type", "string",
				 "name", "type", "string", "match", "type", "string");
	} else if (t) {
		json_t *props = json_object();
		for (size_t c = 0; c < t->ncols; c++)
			json_object_set_new(props, t->cols[c].name, col_schema(&t->cols[c]));
		item = json_pack("{s:s, s:o}", "type", "object", "properties", props);
	} else {
		item = json_pack("{s:s}", "type", "object");
	}
	return json_pack("{s:s, s:o}", "type", "array", "items", item);
}

static json_t *operation(const struct http_route *r)
{
	const struct atlas_table *t = NULL;
	json_t *op, *ok, *responses;
	char id[128];
	size_t n = 0;

	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (p->type == HP_TABLE_FILTERS || p->type == HP_BODY_COLUMNS)
			t = http_route_table(r);
	/* operationId: the method and the path, e.g. get_api_v1_places */
	for (const char *s = r->method; *s && n + 1 < sizeof(id); s++)
		id[n++] = (char)tolower((unsigned char)*s);
	for (const char *s = r->path; *s && n + 1 < sizeof(id); s++)
		id[n++] = isalnum((unsigned char)*s) ? *s : '_';
	id[n] = '\0';

	ok = json_pack("{s:s, s:{s:{s:o}}}", "description", "OK", "content", "application/json",
		       "schema", body_schema(r, t));
	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (p->type == HP_FORMAT) {
			json_t *content = json_object_get(ok, "content");
			json_object_set_new(content, "text/csv", json_pack("{s:{s:s}}", "schema", "type", "string"));
			json_object_set_new(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
					    json_pack("{s:{s:s, s:s}}", "schema", "type", "string", "format", "binary"));
		} else if (p->type == HP_PAGE_OFFSET)
			json_object_set_new(ok, "headers",
					    json_pack("{s:{s:s, s:{s:s}}}", "X-Total-Count", "description",
						      "the number of items before limit and offset",
						      "schema", "type", "integer"));
	responses = json_pack("{s:o}", "200", ok);
	for (const char *const *code = (const char *const[]){"400", "404", "405", "422", "500", NULL};
	     *code; code++)
		json_object_set_new(responses, *code,
				    json_pack("{s:s}", "$ref", "#/components/responses/Error"));
	if (strcmp(r->roles, "public"))
		for (const char *const *code = (const char *const[]){"401", "403", NULL}; *code; code++)
			json_object_set_new(responses, *code,
					    json_pack("{s:s}", "$ref", "#/components/responses/Error"));
	if (http_route_takes_body(r) || http_route_streams(r))
		for (const char *const *code = (const char *const[]){"413", "415", NULL}; *code; code++)
			json_object_set_new(responses, *code,
					    json_pack("{s:s}", "$ref", "#/components/responses/Error"));
	if (r->fn == http_post_session)
		json_object_set_new(responses, "429", json_pack("{s:s}", "$ref", "#/components/responses/Error"));

	op = json_pack("{s:s, s:s, s:o, s:o, s:s}", "summary", r->summary, "operationId", id,
		       "parameters", params_json(r, t), "responses", responses, "x-c2c-roles", r->roles);
	if (http_route_takes_body(r))
		json_object_set_new(op, "requestBody", request_body(r, t));
	if (http_route_streams(r))
		json_object_set_new(op, "requestBody", stream_body(r));
	if (strcmp(r->roles, "public"))
		json_object_set_new(op, "security",
				    json_pack("[{s:[]}, {s:[]}]", "session", "token"));
	return op;
}

json_t *http_openapi(void)
{
	json_t *doc, *paths = json_object();

	size_t nroutes;
	const struct http_route *routes = http_route_list(&nroutes);

	for (size_t i = 0; i < nroutes; i++) {
		const struct http_route *r = &routes[i];
		json_t *item = json_object_get(paths, r->path);
		char method[16];
		size_t n = 0;

		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->path, item);
		}
		for (const char *s = r->method; *s && n + 1 < sizeof(method); s++)
			method[n++] = (char)tolower((unsigned char)*s);
		method[n] = '\0';
		json_object_set_new(item, method, operation(r));
	}
	doc = json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:o}, s:{s:o}}}", "openapi", "3.0.3", "info",
		"title", "c2c", "version", C2C_VERSION, "description",
		"The atlas of the City-to-City Collaboration programme and the JCM: the same JSON as "
		"the c2c command line's --format json.  Errors are {\"error\":{\"code\",\"message\"}}, with"
		" \"field\" (the input the error is about), \"detail\" and \"hint\" when they apply.",
		"paths", paths, "components", "schemas", "Error",
		json_pack("{s:s, s:[s], s:{s:{s:s, s:[s, s], s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}}}",
			  "type", "object", "required", "error", "properties", "error", "type",
			  "object", "required", "code", "message", "properties", "code", "type",
			  "string", "message", "type", "string", "field", "type", "string", "detail", "type",
			  "string", "hint", "type", "string"),
		"responses", "Error",
		json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
			  "an error: code is c2c's error name (usage, input, not_found, database...)",
			  "content", "application/json", "schema", "$ref", "#/components/schemas/Error"));
	json_object_set_new(json_object_get(doc, "components"), "securitySchemes",
			    json_pack("{s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s}}", "session", "type",
				      "apiKey", "in", "cookie", "name", "c2c_session", "description",
				      "POST /api/v1/session sets it; writes with it also send X-CSRF-Token",
				      "token", "type", "http", "scheme", "bearer", "description",
				      "an API token from c2c user token add"));
	return doc;
}
