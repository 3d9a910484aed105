/*
 * router.c - the route table made from routes.def and the atlas tables (a
 * GET route per listable table, where routes.def says ATLAS_TABLE_ROUTES),
 * and one request taken from its raw target to the bytes of its reply: path
 * matching, 404/405, query parameters checked against the route (unknown
 * name, bad number, missing required one), the handler's call, pagination,
 * and the error body {"error":{"code","message","field","detail","hint"}}
 * (field, detail and hint when the error has them) with the status of
 * core/err.c's table.
 *
 * Handlers only turn checked parameters into an atlas call; everything a
 * route has in common happens here once.
 */
#include "router.h"
#include "core/lang.h"
#include "core/rows.h"
#include "core/date.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STR HP_STR
#define INT HP_INT
#define FY HP_FY
#define NONE
#define Q(name, type, required, min, max, description) \
	{name, type, required, min, max, description},
#define TABLE_FILTERS {"", HP_TABLE_FILTERS, 0, 0, 0, NULL},
#define F(name, type, required, min, max, description) \
	{name, HP_BODY_##type, required, min, max, description},
#define COLUMNS {"", HP_BODY_COLUMNS, 0, 0, 0, NULL},
#define STREAM(description) {"", HP_STREAM, 1, 0, 0, description},
#define PAGED                                                                              \
	{"limit", HP_PAGE_LIMIT, 0, 0, 1000000, "the most items to return (default all)"}, \
	{"offset", HP_PAGE_OFFSET, 0, 0, 1000000000, "how many items to skip first (default 0)"}, \
	DOWNLOAD
#define DOWNLOAD                                                                           \
	{"format", HP_FORMAT, 0, 0, 0, "json (default), csv or xlsx: the list (or a record's table) as a file to download"}, \
	{"bom", HP_INT, 0, 0, 1, "with format=csv, 1 starts the file with a UTF-8 byte order mark (for Excel)"},

/* The params of each route are a compound literal: at file scope it has
 * static storage, so the whole table stays one constant array.  The table
 * block is the entry without a method. */
static const struct http_route declared[] = {
#define X(method, path, fn, roles, summary, ...)                                          \
	{method, path, fn, #fn, roles, summary,                                             \
	 (const struct http_param[]){__VA_ARGS__{NULL, HP_END, 0, 0, 0, NULL}}, NULL},
#define ATLAS_TABLE_ROUTES {.method = NULL},
#include "routes.def"
#undef ATLAS_TABLE_ROUTES
#undef X
};
static const size_t ndeclared = sizeof(declared) / sizeof(declared[0]);

/* What every generated table route takes. */
static const struct http_param table_params[] = {TABLE_FILTERS PAGED{NULL, HP_END, 0, 0, 0, NULL}};

#define API_PREFIX "/api/v1/"

/* Does a line of routes.def serve GET `path`? */
static int declared_get(const char *path)
{
	for (size_t i = 0; i < ndeclared; i++)
		if (declared[i].method && !strcmp(declared[i].method, "GET") && !strcmp(declared[i].path, path))
			return 1;
	return 0;
}

/* routes.def's routes in order; at its table block a GET route for every
 * listable table, in table order, but those routes.def serves itself. */
int http_routes_make(const struct atlas_table *tables, size_t ntables, const struct http_route **out,
		     size_t *nout, struct c2c_err *err)
{
	struct http_route *r = calloc(ndeclared + ntables, sizeof(*r));
	size_t k = 0;

	if (!r)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory");
	for (size_t i = 0; i < ndeclared; i++) {
		if (declared[i].method) {
			r[k++] = declared[i];
			continue;
		}
		for (size_t t = 0; t < ntables; t++) {
			char path[128], summary[512];
			snprintf(path, sizeof(path), API_PREFIX "%s", tables[t].name);
			if (!tables[t].listable || declared_get(path))
				continue;
			snprintf(summary, sizeof(summary), "%s (the rows of c2c export %s --format json)",
				 tables[t].summary, tables[t].name);
			r[k] = (struct http_route){"GET", strdup(path), http_get_table, "http_get_table",
						   "public", strdup(summary), table_params, &tables[t]};
			if (!r[k].path || !r[k++].summary)
				return c2c_err_set(err, C2C_ENOMEM, "out of memory");
		}
	}
	*out = r;
	*nout = k;
	return 0;
}

static const struct http_route *routes;
static size_t nroutes;
static pthread_once_t routes_once = PTHREAD_ONCE_INIT;

static void routes_make_once(void)
{
	struct c2c_err err;
	if (http_routes_make(atlas_tables, atlas_ntables, &routes, &nroutes, &err))
		nroutes = 0;
}

const struct http_route *http_route_list(size_t *n)
{
	pthread_once(&routes_once, routes_make_once);
	*n = nroutes;
	return routes;
}

static int route_has(const struct http_route *r, enum http_param_type type)
{
	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (p->type == type)
			return 1;
	return 0;
}

/* The atlas table a route serves: /api/v1/<table> or /api/v1/<table>/{id}. */
const struct atlas_table *http_route_table(const struct http_route *r)
{
	char name[64];
	const char *p = r->path + strlen(API_PREFIX), *slash;
	size_t n;

	if (r->table)
		return r->table;
	if (strncmp(r->path, API_PREFIX, strlen(API_PREFIX)))
		return NULL;
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (n >= sizeof(name) || (slash && strcmp(slash, "/{id}")))
		return NULL;
	memcpy(name, p, n);
	name[n] = '\0';
	return atlas_table_find(name);
}

int http_routes_check(struct c2c_err *err)
{
	size_t nr;
	const struct http_route *rs = http_route_list(&nr);

	if (!nr)
		return c2c_err_set(err, C2C_ENOMEM, "out of memory making the route list");
	for (size_t i = 0; i < atlas_ntables; i++) {
		const struct atlas_table *t = &atlas_tables[i];
		size_t r;
		if (!t->listable)
			continue;
		for (r = 0; r < nr; r++)
			if (!strncmp(rs[r].path, API_PREFIX, strlen(API_PREFIX)) &&
			    !strcmp(rs[r].path + strlen(API_PREFIX), t->name))
				break;
		if (r == nr)
			return c2c_err_set(err, C2C_EINTERNAL,
					   "no route for the listable table '%s' (src/http/routes.def has no ATLAS_TABLE_ROUTES)",
					   t->name);
	}
	for (size_t r = 0; r < nr; r++) {
		const struct atlas_table *t;
		const char *roles = rs[r].roles;
		enum auth_role role;
		/* every role a route names must be one auth/ knows */
		for (const char *p = roles; *p;) {
			char word[32];
			size_t n = strcspn(p, " ");
			snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), p);
			if (auth_role_parse(word, &role))
				return c2c_err_set(err, C2C_EINTERNAL,
						   "src/http/routes.def: %s %s names the unknown role '%s'",
						   rs[r].method, rs[r].path, word);
			p += n;
			p += strspn(p, " ");
		}
		if (!route_has(&rs[r], HP_TABLE_FILTERS) &&
		    !route_has(&rs[r], HP_BODY_COLUMNS))
			continue;
		t = http_route_table(&rs[r]);
		if (!t || !t->listable)
			return c2c_err_set(err, C2C_EINTERNAL,
					   "src/http/routes.def: %s names no listable atlas table",
					   rs[r].path);
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

const char *http_body_str(const struct http_request *rq, const char *name)
{
	return json_string_value(json_object_get(rq->body, name));
}

long long http_body_int(const struct http_request *rq, const char *name, long long dflt)
{
	json_t *v = json_object_get(rq->body, name);
	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

int http_body_choice(const struct http_request *rq, const char *name, const char *yes, const char *no,
		     int *choice, struct c2c_err *err)
{
	const char *v = http_body_str(rq, name);
	if (v && !strcmp(v, yes))
		*choice = 1;
	else if (v && !strcmp(v, no))
		*choice = 0;
	else
		return c2c_err_at(err, C2C_EUSAGE, name, "request body: %s must be %s or %s, not '%.32s'", name,
				  yes, no, v ? v : "");
	return 0;
}

int http_body_map(const struct http_request *rq, const char *name, size_t most, const char *shape,
		  json_t **map, struct c2c_err *err)
{
	*map = json_object_get(rq->body, name);
	if (!json_is_object(*map) || !json_object_size(*map))
		return c2c_err_at(err, C2C_EUSAGE, name, "request body: field '%s' must be an object %s with at least one member",
				  name, shape);
	if (json_object_size(*map) > most)
		return c2c_err_at(err, C2C_EUSAGE, name, "request body: '%s' names more than %zu", name, most);
	return 0;
}

long long http_param_int(const struct http_request *rq, const char *name, long long dflt)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (!strcmp(rq->name[i], name))
			return rq->num[i];
	return dflt;
}

/* The spec of parameter `name` on this route, filled into *out; the table
 * routes' filters come from the table description. */
static int param_spec(const struct http_request *rq, const char *name, struct http_param *out)
{
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++) {
		if (HTTP_IS_BODY(p->type) || p->type == HP_STREAM)
			continue;
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
		if (HTTP_IS_BODY(p->type) || p->type == HP_STREAM)
			continue;
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
		enum c2c_lang l;
		/* ?lang= is every route's: dispatch read it before the route */
		if (!strcmp(rq->name[i], "lang")) {
			if (c2c_lang_from_tag(rq->value[i], &l))
				return c2c_err_at(err, C2C_EUSAGE, "lang", "lang '%.32s' is not known (use ja or en)",
						  rq->value[i]);
			continue;
		}
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
		if (spec.type == HP_FORMAT) {
			if (strcmp(rq->value[i], "json") && strcmp(rq->value[i], "csv") && strcmp(rq->value[i], "xlsx"))
				return c2c_err_at(err, C2C_EUSAGE, rq->name[i],
						  "%s '%.32s' is not known (use json, csv or xlsx)", rq->name[i],
						  rq->value[i]);
			continue;
		}
		if (spec.type == HP_FY) {
			char why[160];
			int fy;
			if (date_parse_fy(rq->value[i], &fy, why, sizeof(why)))
				return c2c_err_at(err, C2C_EUSAGE, rq->name[i], "%s: '%.64s': %s", rq->name[i],
						  rq->value[i], why);
			if (fy < spec.min || fy > spec.max)
				return c2c_err_at(err, C2C_EUSAGE, rq->name[i],
						  "%s: '%.64s' is fiscal year %d, outside %lld to %lld", rq->name[i],
						  rq->value[i], fy, spec.min, spec.max);
			rq->num[i] = fy;
			continue;
		}
		if (parse_number(rq->value[i], &rq->num[i]) || rq->num[i] < spec.min ||
		    rq->num[i] > spec.max)
			return c2c_err_set(err, C2C_EUSAGE, "%s: '%.64s' is not a number from %lld to %lld",
					   rq->name[i], rq->value[i], spec.min, spec.max);
	}
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++)
		if (!HTTP_IS_BODY(p->type) && p->type != HP_STREAM && p->required && !http_param_str(rq, p->name))
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

/* A message as a JSON string, whatever bytes it quotes: a message may name
 * a piece of the request that is not UTF-8 (or was cut inside a character
 * by a %.64s), and jansson refuses such a string outright, which would drop
 * the member.  Each invalid byte becomes U+FFFD. */
static json_t *json_text(const char *s)
{
	size_t n = strlen(s), at;
	struct strbuf sb;
	json_t *j;

	if ((at = utf8_invalid_at(s, n)) == (size_t)-1)
		return json_string(s);
	strbuf_init(&sb, n + 16);
	while (at != (size_t)-1) {
		strbuf_add(&sb, s, at);
		strbuf_add(&sb, "\xEF\xBF\xBD", 3);
		s += at + 1;
		n -= at + 1;
		at = utf8_invalid_at(s, n);
	}
	strbuf_add(&sb, s, n);
	j = json_stringn(sb.buf ? sb.buf : "", sb.len);
	strbuf_release(&sb);
	return j;
}

/* The error reply; `errors` (taken, may be NULL) is a handler's list of
 * every error beside the first (a file's bad rows), as "errors". */
static void reply_error_list(struct http_reply *out, int status, const struct c2c_err *err, json_t *errors)
{
	json_t *e = json_object(), *doc = json_object();
	json_object_set_new(e, "code", json_string(c2c_err_name(err->code)));
	/* in the language the request asked for (dispatch set it for this
	 * thread); the code, field and numbers below stay as they are */
	int lang = c2c_lang_current();
	json_object_set_new(e, "message", json_text(c2c_err_msg_in(err, lang)));
	/* the English beside a translated message: a page that words some
	 * refusals itself (its own labels and names, web/src/admin.js) matches
	 * the domain's English, whatever the language of the reply */
	if (strcmp(c2c_err_msg_in(err, lang), err->msg))
		json_object_set_new(e, "message_en", json_text(err->msg));
	if (err->field[0])
		json_object_set_new(e, "field", json_string(err->field));
	if (err->detail[0])
		json_object_set_new(e, "detail", json_text(c2c_err_detail_in(err, lang)));
	if (err->hint[0])
		json_object_set_new(e, "hint", json_text(c2c_err_hint_in(err, lang)));
	/* auth/ says how many log-in failures are left before a lock: "tries
	 * left: N (...)"; the page words it in its own language */
	if (err->code == C2C_EAUTH && !strncmp(err->detail, "tries left: ", 12))
		json_object_set_new(e, "tries_left", json_integer(strtol(err->detail + 12, NULL, 10)));
	if (errors)
		json_object_set_new(e, "errors", errors);
	json_object_set_new(doc, "error", e);
	out->status = status ? status : c2c_err_http_status(err->code);
	/* the database server is out of reach (a restart, a fail-over): the
	 * worker connects again by itself, so a second later may do */
	if (err->code == C2C_EUNAVAIL)
		out->retry_after = 1;
	/* auth/ says how long a log-in lock lasts: "retry after N seconds" */
	if (err->code == C2C_ELIMIT && !strncmp(err->detail, "retry after ", 12))
		out->retry_after = strtol(err->detail + 12, NULL, 10);
	snprintf(out->error, sizeof(out->error), "%.255s", err->msg);
	free(out->body);
	out->body = NULL;
	out->len = 0;
	out->total = -1;
	if (reply_json(out, doc))
		out->status = 503;
	json_decref(doc);
}

void http_reply_error(struct http_reply *out, int status, const struct c2c_err *err)
{
	reply_error_list(out, status, err, NULL);
}

/* ?format=csv|xlsx: the list, or a record's table (rows_table_of; as XLSX
 * the whole record), as a file a person downloads (core/rows.c writes the
 * same cells as the CLI's --format csv).  The file is named
 * after the path: /api/v1/registry/blocks -> c2c-registry-blocks.csv. */
static int reply_download(struct http_reply *out, json_t *rows, const struct http_request *rq,
			  const char *format, struct c2c_err *err)
{
	struct strbuf sb;
	char sheet[32];
	const char *p = rq->path + (strncmp(rq->path, API_PREFIX, strlen(API_PREFIX)) ? 0 : strlen(API_PREFIX));
	json_t *table = rows_table_of(rows);
	size_t n = 0;
	int rc;

	if (!table)
		return c2c_err_at(err, C2C_EUSAGE, "format", "%s holds no table to download as %s",
				  rq->path, format);
	n = (size_t)snprintf(out->filename, sizeof(out->filename), "c2c-%s", p);
	for (size_t i = 4; i < n && i < sizeof(out->filename); i++)
		if (!((out->filename[i] >= 'a' && out->filename[i] <= 'z') ||
		      (out->filename[i] >= '0' && out->filename[i] <= '9') || out->filename[i] == '-'))
			out->filename[i] = '-';
	snprintf(sheet, sizeof(sheet), "%.31s", out->filename + 4);
	strbuf_init(&sb, 0);
	if (!strcmp(format, "csv")) {
		rc = rows_csv(table, NULL, http_param_int(rq, "bom", 0) == 1, 1, &sb);
		if (rc)
			c2c_err_set(err, rc, "out of memory writing the CSV file");
		out->content_type = "text/csv; charset=utf-8";
	} else {
		rc = rows_xlsx(rows, sheet, &sb, err);
		out->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	}
	if (rc) {
		strbuf_release(&sb);
		return rc;
	}
	strbuf_addstr(&sb, ""); /* a body even for no bytes */
	snprintf(out->filename + strlen(out->filename), sizeof(out->filename) - strlen(out->filename), ".%s",
		 format);
	out->body = sb.buf;
	out->len = sb.len;
	return 0;
}

/* The file a list is asked as (checked by check_params): NULL for JSON,
 * else "csv" or "xlsx". */
static const char *download_format(const struct http_request *rq)
{
	const char *f = http_param_str(rq, "format");
	return f && strcmp(f, "json") ? f : NULL;
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

/* Does `path` match the route's path?  A "{id}" segment in the route takes
 * one non-empty segment of the path (no '/'), whose start goes to *id and
 * whose end is marked by *id_len. */
static int path_matches(const char *route, const char *path, const char **id, size_t *id_len)
{
	const char *brace = strstr(route, "{id}");
	size_t pre, suf, plen;

	*id = NULL;
	*id_len = 0;
	if (!brace)
		return !strcmp(route, path);
	pre = (size_t)(brace - route);
	suf = strlen(brace + 4);
	plen = strlen(path);
	if (plen <= pre + suf || strncmp(route, path, pre) || strcmp(path + plen - suf, brace + 4))
		return 0;
	if (memchr(path + pre, '/', plen - pre - suf))
		return 0;
	*id = path + pre;
	*id_len = plen - pre - suf;
	return 1;
}

static const struct http_route *find_route(const char *method, const char *path,
					   const char **id, size_t *id_len, struct http_reply *out)
{
	size_t nr;
	const struct http_route *rs = http_route_list(&nr);

	if (!strcmp(method, "HEAD"))
		method = "GET";
	out->allow[0] = '\0';
	for (size_t r = 0; r < nr; r++) {
		if (!path_matches(rs[r].path, path, id, id_len))
			continue;
		if (!strcmp(rs[r].method, method)) {
			out->allow[0] = '\0'; /* Allow is for a 405 only */
			return &rs[r];
		}
		if (!strstr(out->allow, rs[r].method)) {
			size_t used = strlen(out->allow);
			snprintf(out->allow + used, sizeof(out->allow) - used, "%s%s%s",
				 used ? ", " : "", rs[r].method,
				 !strcmp(rs[r].method, "GET") ? ", HEAD" : "");
		}
	}
	*id = NULL;
	return NULL;
}

int http_route_takes_body(const struct http_route *r)
{
	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (HTTP_IS_BODY(p->type))
			return 1;
	return 0;
}

int http_route_streams(const struct http_route *r)
{
	return route_has(r, HP_STREAM);
}

/* The fields a route's body takes, for the message about an unknown one. */
static void body_names(const struct http_request *rq, struct strbuf *sb)
{
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++) {
		if (!HTTP_IS_BODY(p->type))
			continue;
		if (p->type != HP_BODY_COLUMNS) {
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", p->name);
			continue;
		}
		for (size_t c = 0; c < rq->table->ncols; c++)
			if (!(rq->table->cols[c].flags & COL_KEY))
				strbuf_addf(sb, "%s%s", sb->len ? ", " : "", rq->table->cols[c].name);
	}
}

/* Is `v` of the kind body field `name` takes?  *what gets the kind's words
 * for the message when it is not. */
static int body_value_ok(const struct http_request *rq, const char *name, json_t *v,
			 const char **what, const struct http_param **spec)
{
	*spec = NULL;
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++) {
		if (p->type == HP_BODY_COLUMNS) {
			const struct atlas_col *col = atlas_col_find(rq->table, name);
			if (!col || (col->flags & COL_KEY))
				continue;
			if (col->type == AT_INT) {
				*what = "an integer or null";
				return json_is_integer(v) || json_is_null(v);
			}
			if (col->type == AT_REAL) {
				*what = "a number or null";
				return json_is_number(v) || json_is_null(v);
			}
			*what = "a string or null";
			return json_is_string(v) || json_is_null(v);
		}
		if (!HTTP_IS_BODY(p->type) || strcmp(p->name, name))
			continue;
		*spec = p;
		if (p->type == HP_BODY_STR) {
			*what = "a string";
			return json_is_string(v);
		}
		if (p->type == HP_BODY_INT) {
			*what = "an integer";
			return json_is_integer(v) && json_integer_value(v) >= p->min &&
			       json_integer_value(v) <= p->max;
		}
		*what = "any JSON value";
		return 1;
	}
	*what = NULL; /* no such field */
	return 0;
}

/* The request body: JSON, an object, each member one the route takes and of
 * its kind, every required one there.  *status gets 415 for a body that is
 * not JSON at all. */
static int check_body(struct http_request *rq, const char *body, size_t len, int *status,
		      struct c2c_err *err)
{
	const char *ct = rq->cred ? rq->cred->content_type : NULL, *key;
	json_error_t je;
	json_t *v;

	*status = 0;
	if (!body) {
		c2c_err_set(err, C2C_EUSAGE, "%s %s needs a JSON object as its request body",
			    rq->route->method, rq->route->path);
		return C2C_EUSAGE;
	}
	if (!ct || strncasecmp(ct, "application/json", 16) ||
	    (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
		*status = 415;
		return c2c_err_set(err, C2C_EUSAGE, "the request body must be Content-Type: application/json, not %.64s",
				   ct ? ct : "(none)");
	}
	if (!(rq->body = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je)))
		return c2c_err_set(err, C2C_EUSAGE, "request body: line %d column %d: %.200s", je.line,
				   je.column, je.text);
	if (!json_is_object(rq->body))
		return c2c_err_set(err, C2C_EUSAGE, "request body: a JSON object is needed, not %s",
				   json_is_array(rq->body) ? "an array" : "a single value");
	json_object_foreach(rq->body, key, v) {
		const struct http_param *spec;
		const char *what;
		if (body_value_ok(rq, key, v, &what, &spec))
			continue;
		if (!what) {
			struct strbuf sb;
			strbuf_init(&sb, 1024);
			body_names(rq, &sb);
			c2c_err_set(err, C2C_EUSAGE, "request body: unknown field '%.64s' for %s %s", key,
				    rq->route->method, rq->route->path);
			c2c_err_hint(err, "it takes: %s", strbuf_str(&sb));
			strbuf_release(&sb);
			return C2C_EUSAGE;
		}
		if (spec && spec->type == HP_BODY_INT && json_is_integer(v))
			return c2c_err_at(err, C2C_EUSAGE, key, "request body: field '%s' is %lld, not from %lld to %lld",
					  key, (long long)json_integer_value(v), spec->min, spec->max);
		return c2c_err_at(err, C2C_EUSAGE, key, "request body: field '%.64s' must be %s", key, what);
	}
	for (const struct http_param *p = rq->route->params; p->type != HP_END; p++)
		if (HTTP_IS_BODY(p->type) && p->required && !json_object_get(rq->body, p->name))
			return c2c_err_at(err, C2C_EUSAGE, p->name, "request body: field '%s' is required", p->name);
	return 0;
}

void http_reply_release(struct http_reply *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

/* A public read's reply: its ETag, its gzip made once (cache.c keeps both),
 * and the gzip sent when the caller takes it. */
static void cache_reply(struct http_reply *out, const char *key, const char *data_version,
			unsigned long generation, int gzip)
{
	char *gz = NULL;
	size_t gz_len = 0;

	http_etag_of(out->body, out->len, out->etag);
	if (out->len >= HTTP_GZIP_MIN && http_gzip(out->body, out->len, &gz, &gz_len))
		gz = NULL; /* out of memory: the plain reply still goes */
	http_cache_put(key, data_version, generation, out, gz, gz_len);
	if (gz && gzip) {
		free(out->body);
		out->body = gz;
		out->len = gz_len;
		out->gzipped = 1;
	} else {
		free(gz);
	}
}

/* begin: http_upload_begin's question, answered with out->status 0 (the
 * route does not stream), 100 (it does, and the caller may send its body)
 * or an error reply; the route's handler is not run. */
static void dispatch(const char *method, char *target, size_t len, const char *body,
		     size_t body_len, const struct http_credentials *cred, http_store_fn store,
		     void *store_cls, int begin, struct http_reply *out)
{
	struct http_request rq;
	struct c2c_err err;
	char *query = NULL;
	size_t plen = len, qlen = 0;
	json_t *res = NULL, *page;
	const char *id, *format = NULL;
	char idbuf[256], key[512];
	size_t id_len;
	const char *data_version = NULL; /* NULL: nothing is cached */
	char version[256];
	unsigned long generation = 0;
	int rc, status = 0, cacheable, with_body;

	memset(out, 0, sizeof(*out));
	memset(&rq, 0, sizeof(rq));
	out->total = -1;
	c2c_err_clear(&err);
	/* the language first, so that every reply below, even a 404, is in it;
	 * the thread keeps it for the prose handlers make (c2c_tr) until
	 * http_dispatch puts English back */
	/* (a target longer than HTTP_URI_MAX is not read at all: the caller
	 * may hold less of it than len says; its 414 follows Accept-Language) */
	query = len > HTTP_URI_MAX ? NULL : memchr(target, '?', len);
	rq.lang = http_request_lang(query ? query + 1 : NULL, query ? len - (size_t)(query - target) - 1 : 0, cred);
	c2c_lang_use(rq.lang);
	query = NULL;
	if (len > HTTP_URI_MAX) {
		c2c_err_set(&err, C2C_EUSAGE, "the request target is longer than %d bytes", HTTP_URI_MAX);
		http_reply_error(out, 414, &err);
		return;
	}
	/* the cache's key: the target as sent, before it is decoded in place;
	 * only a read can be answered from the cache */
	key[0] = '\0';
	if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) && len + 4 < sizeof(key))
		snprintf(key, sizeof(key), "%.*s%s", (int)len, target, rq.lang == C2C_LANG_JA ? " #ja" : "");
	if ((query = memchr(target, '?', len))) {
		plen = (size_t)(query - target);
		qlen = len - plen - 1;
		*query++ = '\0';
	}
	if ((rc = http_pct_decode(target, &plen, 0, "the path", &err))) {
		http_reply_error(out, 0, &err);
		return;
	}
	if (!(rq.route = find_route(method, target, &id, &id_len, out))) {
		if (out->allow[0]) {
			c2c_err_set(&err, C2C_EUSAGE, "%.16s is not allowed on %.200s (allowed: %s)",
				    method, target, out->allow);
			http_reply_error(out, 405, &err);
		} else {
			c2c_err_set(&err, C2C_ENOTFOUND, "no such resource: %.300s", target);
			c2c_err_hint(&err, "GET /api/v1/openapi.json lists every route");
			http_reply_error(out, 0, &err);
		}
		return;
	}
	if (id) { /* a copy: the path stays whole for the audit log */
		if (id_len >= sizeof(idbuf)) {
			c2c_err_set(&err, C2C_ENOTFOUND, "no such resource: the id in %.200s is too long",
				    target);
			http_reply_error(out, 0, &err);
			return;
		}
		memcpy(idbuf, id, id_len);
		idbuf[id_len] = '\0';
		rq.id = idbuf;
	}
	rq.method = rq.route->method;
	rq.path = target;
	with_body = http_route_takes_body(rq.route);
	rq.cred = cred;
	if (begin && !http_route_streams(rq.route))
		return; /* out->status 0: read the body as usual */
	if (body && !with_body) {
		c2c_err_set(&err, C2C_EUSAGE, "%s %s takes no request body", rq.route->method,
			    rq.route->path);
		http_reply_error(out, 413, &err);
		return;
	}
	if ((route_has(rq.route, HP_TABLE_FILTERS) || route_has(rq.route, HP_BODY_COLUMNS)) &&
	    !(rq.table = http_route_table(rq.route))) {
		c2c_err_set(&err, C2C_EINTERNAL, "%s names no atlas table", rq.route->path);
		http_reply_error(out, 0, &err);
		return;
	}
	/* every handler, and the access check, works on this worker's
	 * connection: opened once here, not in each handler */
	if (!store)
		rc = c2c_err_set(&err, C2C_EINTERNAL, "no database for this request");
	else
		rc = store(store_cls, &rq.st, &err);
	if (rc || (rc = http_access(&rq, &err)) ||
	    (query && (rc = http_query_parse(query, qlen, &rq, &err))) ||
	    (rc = check_params(&rq, &err)) ||
	    (with_body && (rc = check_body(&rq, body, body_len, &status, &err)))) {
		http_reply_error(out, status, &err);
		json_decref(rq.body);
		return;
	}
	if (begin) {
		out->status = 100;
		return;
	}
	format = download_format(&rq);
	/* a public read by an anonymous caller: the same bytes for everyone
	 * until the database changes (cache.c) */
	cacheable = !strcmp(rq.method, "GET") && !strcmp(rq.route->roles, "public") && key[0] && !format &&
		    (!cred || (!cred->session && !cred->bearer)) && rq.route->fn != http_get_healthz &&
		    rq.route->fn != http_get_session;
	if (cacheable) {
		generation = http_cache_generation();
		if (!store_data_version(rq.st, version, sizeof(version)))
			data_version = version;
		if (http_cache_get(key, data_version, generation, cred && cred->gzip, out))
			return;
	}
	if ((rc = rq.route->fn(&rq, &res, &err))) {
		reply_error_list(out, status, &err, rq.errors);
		memcpy(out->set_cookie, rq.set_cookie, sizeof(out->set_cookie));
		json_decref(rq.body);
		return;
	}
	memcpy(out->set_cookie, rq.set_cookie, sizeof(out->set_cookie));
	json_decref(rq.body);
	json_decref(rq.errors);
	if (strcmp(rq.method, "GET")) {
		struct c2c_err aerr;
		http_cache_bump(); /* this process wrote: no cached reply stands */
		if (!rq.audited && http_audit_append(&rq, target, &aerr))
			fprintf(stderr, "c2c serve: %s %s by %s done, but not logged: %s\n", rq.method,
				target, rq.user.name, aerr.msg);
	}
	if (json_is_array(res) && route_has(rq.route, HP_PAGE_OFFSET)) {
		page = paginate(res, &rq, &out->total);
	} else {
		page = json_incref(res);
		if (json_is_array(res))
			out->total = (long long)json_array_size(res);
	}
	out->status = 200;
	if (format) {
		if (reply_download(out, page, &rq, format, &err))
			http_reply_error(out, 0, &err);
	} else if (reply_json(out, page)) {
		c2c_err_set(&err, C2C_ENOMEM, "out of memory writing the reply");
		http_reply_error(out, 0, &err);
	} else if (cacheable) {
		cache_reply(out, key, data_version, generation, cred && cred->gzip);
	}
	json_decref(page);
	json_decref(res);
}

void http_dispatch(const char *method, char *target, size_t len, const char *body,
		   size_t body_len, const struct http_credentials *cred, http_store_fn store,
		   void *store_cls, struct http_reply *out)
{
	dispatch(method, target, len, body, body_len, cred, store, store_cls, 0, out);
	c2c_lang_use(C2C_LANG_EN);
}

int http_request_lang(const char *query, size_t qlen, const struct http_credentials *cred)
{
	/* the raw query: "lang" and "ja"/"en" need no decoding, and a value
	 * that would (lang=j%61) is refused by check_params, not guessed */
	for (const char *p = query, *end = query ? query + qlen : NULL; p && p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
		char tag[8];
		enum c2c_lang l;
		if (stop - p > 5 && stop - p < 5 + (long)sizeof(tag) && !strncmp(p, "lang=", 5)) {
			memcpy(tag, p + 5, (size_t)(stop - p - 5));
			tag[stop - p - 5] = '\0';
			if (!c2c_lang_from_tag(tag, &l))
				return l;
		}
		p = amp ? amp + 1 : end;
	}
	return c2c_lang_from_accept(cred ? cred->accept_language : NULL);
}

int http_upload_begin(const char *method, const char *target, size_t len,
		      const struct http_credentials *cred, http_store_fn store, void *store_cls,
		      struct http_reply *out)
{
	char copy[HTTP_URI_MAX + 1];
	if (len > HTTP_URI_MAX) {
		memset(out, 0, sizeof(*out));
		out->total = -1;
		return 0; /* dispatch answers it 414 once the body is read */
	}
	/* only a streamed route is answered before its body: any other
	 * request, good or bad, goes on as before (dispatch decodes in place,
	 * so each look works on a copy) */
	{
		const char *q = memchr(target, '?', len), *id;
		size_t plen = q ? (size_t)(q - target) : len, id_len;
		struct c2c_err err;
		const struct http_route *r;
		memcpy(copy, target, plen);
		copy[plen] = '\0';
		memset(out, 0, sizeof(*out));
		out->total = -1;
		if (http_pct_decode(copy, &plen, 0, "the path", &err) ||
		    !(r = find_route(method, copy, &id, &id_len, out)) || !http_route_streams(r)) {
			out->allow[0] = '\0';
			return 0;
		}
	}
	memcpy(copy, target, len);
	copy[len] = '\0';
	dispatch(method, copy, len, NULL, 0, cred, store, store_cls, 1, out);
	c2c_lang_use(C2C_LANG_EN);
	if (out->status == 0 || out->status == 100) {
		int streams = out->status == 100;
		http_reply_release(out);
		return streams;
	}
	return -1;
}
