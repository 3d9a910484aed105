/*
 * router.c - the route table made from routes.def, and one request taken
 * from its raw target to the bytes of its reply: path matching, 404/405,
 * query parameters checked against the route (unknown name, bad number,
 * missing required one), the handler's call, pagination, and the error body
 * {"error":{"code","message"}} with the status of core/err.c's table.
 *
 * Handlers only turn checked parameters into an atlas call; everything a
 * route has in common happens here once.
 */
#include "router.h"
#include "core/strbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define STR HP_STR
#define INT HP_INT
#define NONE
#define Q(name, type, required, min, max, description) \
	{name, type, required, min, max, description},
#define TABLE_FILTERS {"", HP_TABLE_FILTERS, 0, 0, 0, NULL},
#define PAGED                                                                              \
	{"limit", HP_PAGE_LIMIT, 0, 0, 1000000, "the most items to return (default all)"}, \
	{"offset", HP_PAGE_OFFSET, 0, 0, 1000000000, "how many items to skip first (default 0)"},

/* The params of each route are a compound literal: at file scope it has
 * static storage, so the whole table stays one constant array. */
const struct http_route http_routes[] = {
#define X(method, path, fn, role, summary, ...)                                           \
	{method, path, fn, #fn, role, summary,                                              \
	 (const struct http_param[]){__VA_ARGS__{NULL, HP_END, 0, 0, 0, NULL}}},
#include "routes.def"
#undef X
};
const size_t http_nroutes = sizeof(http_routes) / sizeof(http_routes[0]);

#define API_PREFIX "/api/v1/"

static int route_has(const struct http_route *r, enum http_param_type type)
{
	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (p->type == type)
			return 1;
	return 0;
}

int http_routes_check(struct c2c_err *err)
{
	for (size_t i = 0; i < atlas_ntables; i++) {
		const struct atlas_table *t = &atlas_tables[i];
		size_t r;
		if (!t->listable)
			continue;
		for (r = 0; r < http_nroutes; r++)
			if (!strncmp(http_routes[r].path, API_PREFIX, strlen(API_PREFIX)) &&
			    !strcmp(http_routes[r].path + strlen(API_PREFIX), t->name))
				break;
		if (r == http_nroutes)
			return c2c_err_set(err, C2C_EINTERNAL,
					   "src/http/routes.def has no route for the listable table '%s'",
					   t->name);
	}
	for (size_t r = 0; r < http_nroutes; r++) {
		const struct atlas_table *t;
		if (!route_has(&http_routes[r], HP_TABLE_FILTERS))
			continue;
		t = strncmp(http_routes[r].path, API_PREFIX, strlen(API_PREFIX))
			    ? NULL
			    : atlas_table_find(http_routes[r].path + strlen(API_PREFIX));
		if (!t || !t->listable)
			return c2c_err_set(err, C2C_EINTERNAL,
					   "src/http/routes.def: %s names no listable atlas table",
					   http_routes[r].path);
	}
	return 0;
}

const char *http_param_str(const struct http_request *rq, const char *name)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (!strcmp(rq->name[i], name))
			return rq->value[i];
	return NULL;
}

long long http_param_int(const struct http_request *rq, const char *name, long long dflt)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (!strcmp(rq->name[i], name))
			return rq->num[i];
	return dflt;
}

int http_request_store(struct http_request *rq, struct store **st, struct c2c_err *err)
{
	if (!rq->store)
		return c2c_err_set(err, C2C_EINTERNAL, "no database for this request");
	return rq->store(rq->store_cls, st, err);
}

/* The spec of parameter `name` on this route, filled into *out; the table
 * routes' filters come from the table description. */
static int param_spec(const struct http_request *rq, const char *name, struct http_param *out)
{
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++) {
		if (p->type != HP_TABLE_FILTERS) {
			if (!strcmp(p->name, name)) {
				*out = *p;
				return 1;
			}
			continue;
		}
		for (size_t c = 0; c < rq->table->ncols; c++) {
			const struct atlas_col *col = &rq->table->cols[c];
			if (!(col->flags & COL_FILTER) || strcmp(col->name, name))
				continue;
			memset(out, 0, sizeof(*out));
			out->name = col->name;
			out->type = col->type == AT_INT ? HP_INT : HP_STR;
			out->min = (long long)col->min;
			out->max = (long long)col->max;
			return 1;
		}
	}
	return 0;
}

/* The names a route takes, for the message about an unknown one. */
static void param_names(const struct http_request *rq, struct strbuf *sb)
{
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++) {
		if (p->type != HP_TABLE_FILTERS) {
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", p->name);
			continue;
		}
		for (size_t c = 0; c < rq->table->ncols; c++)
			if (rq->table->cols[c].flags & COL_FILTER)
				strbuf_addf(sb, "%s%s", sb->len ? ", " : "", rq->table->cols[c].name);
	}
}

static int parse_number(const char *v, long long *out)
{
	char *end;
	long long n;
	/* strtoll alone would take " 7", "+7" and "0x7"; a number here is digits */
	if (!((v[0] >= '0' && v[0] <= '9') || (v[0] == '-' && v[1] >= '0' && v[1] <= '9')))
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end)
		return -1;
	*out = n;
	return 0;
}

static int check_params(struct http_request *rq, struct c2c_err *err)
{
	for (size_t i = 0; i < rq->nparams; i++) {
		struct http_param spec;
		if (!param_spec(rq, rq->name[i], &spec)) {
			struct strbuf sb;
			strbuf_init(&sb, 4096);
			param_names(rq, &sb);
			c2c_err_set(err, C2C_EUSAGE, "unknown query parameter '%.64s' for %s",
				    rq->name[i], rq->route->path);
			if (sb.len)
				c2c_err_hint(err, "%s takes: %s", rq->route->path, strbuf_str(&sb));
			else
				c2c_err_hint(err, "%s takes no query parameters", rq->route->path);
			strbuf_release(&sb);
			return C2C_EUSAGE;
		}
		if (spec.type == HP_STR)
			continue;
		if (parse_number(rq->value[i], &rq->num[i]) || rq->num[i] < spec.min ||
		    rq->num[i] > spec.max)
			return c2c_err_set(err, C2C_EUSAGE, "%s: '%.64s' is not a number from %lld to %lld",
					   rq->name[i], rq->value[i], spec.min, spec.max);
	}
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++)
		if (p->required && !http_param_str(rq, p->name))
			return c2c_err_set(err, C2C_EUSAGE, "query parameter '%s' is required", p->name);
	return 0;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	return strbuf_add(data, buf, size) ? -1 : 0;
}

/* JSON text plus the newline the CLI's puts() adds: the same bytes. */
static int reply_json(struct http_reply *out, json_t *j)
{
	struct strbuf sb;
	strbuf_init(&sb, 0);
	if (json_dump_callback(j, dump_cb, &sb, HTTP_JSON_FLAGS) || strbuf_addch(&sb, '\n')) {
		strbuf_release(&sb);
		return C2C_ENOMEM;
	}
	out->body = sb.buf;
	out->len = sb.len;
	return 0;
}

static void reply_error(struct http_reply *out, int status, const struct c2c_err *err)
{
	json_t *e = json_object(), *doc = json_object();
	json_object_set_new(e, "code", json_string(c2c_err_name(err->code)));
	json_object_set_new(e, "message", json_string(err->msg));
	if (err->detail[0])
		json_object_set_new(e, "detail", json_string(err->detail));
	if (err->hint[0])
		json_object_set_new(e, "hint", json_string(err->hint));
	json_object_set_new(doc, "error", e);
	out->status = status ? status : c2c_err_http_status(err->code);
	snprintf(out->error, sizeof(out->error), "%.255s", err->msg);
	free(out->body);
	out->body = NULL;
	out->len = 0;
	out->total = -1;
	if (reply_json(out, doc))
		out->status = 503;
	json_decref(doc);
}

/* Keep items [offset, offset + limit) of the array; *total gets its size. */
static json_t *paginate(json_t *arr, const struct http_request *rq, long long *total)
{
	long long n = (long long)json_array_size(arr);
	long long off = http_param_int(rq, "offset", 0), lim = http_param_int(rq, "limit", -1);
	json_t *page;

	*total = n;
	if (off == 0 && (lim < 0 || lim >= n))
		return json_incref(arr);
	page = json_array();
	for (long long i = off; i < n && (lim < 0 || i < off + lim); i++)
		json_array_append(page, json_array_get(arr, (size_t)i));
	return page;
}

static const struct http_route *find_route(const char *method, const char *path,
					   struct http_reply *out)
{
	if (!strcmp(method, "HEAD"))
		method = "GET";
	out->allow[0] = '\0';
	for (size_t r = 0; r < http_nroutes; r++) {
		if (strcmp(http_routes[r].path, path))
			continue;
		if (!strcmp(http_routes[r].method, method))
			return &http_routes[r];
		if (!strstr(out->allow, http_routes[r].method)) {
			size_t used = strlen(out->allow);
			snprintf(out->allow + used, sizeof(out->allow) - used, "%s%s%s",
				 used ? ", " : "", http_routes[r].method,
				 !strcmp(http_routes[r].method, "GET") ? ", HEAD" : "");
		}
	}
	return NULL;
}

void http_reply_release(struct http_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

void http_dispatch(const char *method, char *target, size_t len, int has_body,
		   http_store_fn store, void *store_cls, struct http_reply *out)
{
	struct http_request rq;
	struct c2c_err err;
	char *query = NULL;
	size_t plen = len, qlen = 0;
	json_t *res = NULL, *page;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&rq, 0, sizeof(rq));
	out->total = -1;
	c2c_err_clear(&err);
	if (len > HTTP_URI_MAX) {
		c2c_err_set(&err, C2C_EUSAGE, "the request target is longer than %d bytes", HTTP_URI_MAX);
		reply_error(out, 414, &err);
		return;
	}
	if ((query = memchr(target, '?', len))) {
		plen = (size_t)(query - target);
		qlen = len - plen - 1;
		*query++ = '\0';
	}
	if ((rc = http_pct_decode(target, &plen, 0, "the path", &err))) {
		reply_error(out, 0, &err);
		return;
	}
	if (!(rq.route = find_route(method, target, out))) {
		if (out->allow[0]) {
			c2c_err_set(&err, C2C_EUSAGE, "%.16s is not allowed on %.200s (allowed: %s)",
				    method, target, out->allow);
			reply_error(out, 405, &err);
		} else {
			c2c_err_set(&err, C2C_ENOTFOUND, "no such resource: %.300s", target);
			c2c_err_hint(&err, "GET /api/v1/openapi.json lists every route");
			reply_error(out, 0, &err);
		}
		return;
	}
	if (has_body) {
		c2c_err_set(&err, C2C_EUSAGE, "%s %s takes no request body", rq.route->method,
			    rq.route->path);
		reply_error(out, 413, &err);
		return;
	}
	if (route_has(rq.route, HP_TABLE_FILTERS) &&
	    !(rq.table = atlas_table_find(rq.route->path + strlen(API_PREFIX)))) {
		c2c_err_set(&err, C2C_EINTERNAL, "%s names no atlas table", rq.route->path);
		reply_error(out, 0, &err);
		return;
	}
	rq.store = store;
	rq.store_cls = store_cls;
	if ((query && (rc = http_query_parse(query, qlen, &rq, &err))) ||
	    (rc = check_params(&rq, &err)) || (rc = rq.route->fn(&rq, &res, &err))) {
		reply_error(out, 0, &err);
		return;
	}
	if (json_is_array(res) && route_has(rq.route, HP_PAGE_OFFSET)) {
		page = paginate(res, &rq, &out->total);
	} else {
		page = json_incref(res);
		if (json_is_array(res))
			out->total = (long long)json_array_size(res);
	}
	out->status = 200;
	if (reply_json(out, page)) {
		c2c_err_set(&err, C2C_ENOMEM, "out of memory writing the reply");
		reply_error(out, 0, &err);
	}
	json_decref(page);
	json_decref(res);
}
