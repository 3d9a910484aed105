/*
 * router.h - the HTTP side of c2c without the HTTP library: the route table
 * (made from routes.def), the parsing of a request target, the checking of
 * query parameters against a route, and the reply a handler's JSON becomes.
 *
 * Kept apart from server.c (the libmicrohttpd glue) so that everything that
 * reads outside input - percent-decoding, query strings, route matching - can
 * be driven by a test or a fuzzer with plain strings, no socket involved.
 */
#ifndef C2C_HTTP_ROUTER_H
#define C2C_HTTP_ROUTER_H

#include "core/json.h"
#include <stddef.h>

#include <jansson.h>

#include "atlas/atlas.h"
#include "core/err.h"
#include "store/store.h"

/* The longest request target (path + query) we read.  Longer ones get 414:
 * nothing we serve needs more, and every value we decode is bounded by it. */
#define HTTP_URI_MAX 8192
/* The most query parameters one request may carry. */
#define HTTP_MAX_PARAMS 32

/* The JSON text of every body: the flags of the CLI's `--format json`
 * (cli/output.c), so an API body and the CLI's output are the same bytes;
 * tests/http.sh compares them. */
#define HTTP_JSON_FLAGS C2C_JSON_FLAGS

enum http_param_type {
	HP_END = 0,        /* ends a route's list */
	HP_STR,            /* any text (UTF-8, no NUL) */
	HP_INT,            /* a decimal integer within [min, max] */
	HP_TABLE_FILTERS,  /* stands for the COL_FILTER columns of the route's table */
	HP_PAGE_LIMIT,     /* pagination: how many items of the array */
	HP_PAGE_OFFSET,    /* pagination: how many items to skip */
};

struct http_param {
	const char *name;
	enum http_param_type type;
	int required;
	long long min, max;
	const char *description;
};

struct http_request;
typedef int (*http_handler)(struct http_request *rq, json_t **out, struct c2c_err *err);

struct http_route {
	const char *method;  /* "GET" (HEAD is served wherever GET is) */
	const char *path;    /* exact path, no patterns */
	http_handler fn;
	const char *handler; /* the handler's name, for the OpenAPI operationId */
	const char *role;    /* who may call it: "public" until users land */
	const char *summary;
	const struct http_param *params; /* ends with HP_END */
};

extern const struct http_route http_routes[];
extern const size_t http_nroutes;

/* How a handler gets the database: the server hands each worker thread its
 * own connection.  A test or a fuzzer may pass its own. */
typedef int (*http_store_fn)(void *cls, struct store **st, struct c2c_err *err);

struct http_request {
	const struct http_route *route;
	const struct atlas_table *table; /* routes of HP_TABLE_FILTERS */
	size_t nparams;
	const char *name[HTTP_MAX_PARAMS];  /* decoded, in the order given */
	const char *value[HTTP_MAX_PARAMS];
	long long num[HTTP_MAX_PARAMS];     /* the value, for numeric parameters */
	http_store_fn store;
	void *store_cls;
};

/* The value of a query parameter, or NULL when absent. */
const char *http_param_str(const struct http_request *rq, const char *name);
/* The checked number of a numeric parameter, or `dflt` when absent. */
long long http_param_int(const struct http_request *rq, const char *name, long long dflt);
/* The database for this request. */
int http_request_store(struct http_request *rq, struct store **st, struct c2c_err *err);

/* What the server sends: a status, a JSON body it owns (malloc'd), and the
 * few headers that depend on the route. */
struct http_reply {
	int status;
	char *body;
	size_t len;
	long long total;   /* X-Total-Count, or -1 */
	char allow[64];    /* Allow, for 405; "" otherwise */
	char error[256];   /* the message of an error reply, for the server's log */
};

/* Answer one request.  `target` is the raw request target as the client sent
 * it (it is decoded in place); `has_body` says a request body was announced.
 * Always fills `out` (an error is a JSON reply too); out->body may be NULL
 * only when memory ran out. */
void http_dispatch(const char *method, char *target, size_t len, int has_body,
		   http_store_fn store, void *store_cls, struct http_reply *out);
void http_reply_release(struct http_reply *r);

/* Check routes.def against the atlas: every listable table has its route and
 * every table route names a listable table.  Run once when the server starts. */
int http_routes_check(struct c2c_err *err);

/* query.c: percent-decoding and query strings, ours (libmicrohttpd's own
 * decoding is not used).  `what` names the piece in messages. */
int http_pct_decode(char *s, size_t *len, int plus_is_space, const char *what,
		    struct c2c_err *err);
int http_query_parse(char *query, size_t len, struct http_request *rq, struct c2c_err *err);

/* openapi.c: the OpenAPI 3.0 document of the route table. */
json_t *http_openapi(void);

/* handlers.c: every handler named in routes.def, declared from the same list. */
#define X(method, path, fn, role, summary, ...) \
	int fn(struct http_request *rq, json_t **out, struct c2c_err *err);
#include "routes.def"
#undef X

#endif
