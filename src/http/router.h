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
#include "auth/auth.h"
#include "core/err.h"
#include "store/store.h"

/* The longest request target (path + query) we read.  Longer ones get 414:
 * nothing we serve needs more, and every value we decode is bounded by it. */
#define HTTP_URI_MAX 8192
/* The most query parameters one request may carry. */
#define HTTP_MAX_PARAMS 32
/* The largest request body read (a JSON object of a form or an operation);
 * a longer one is refused with 413 before it is read whole. */
#define HTTP_BODY_MAX (1024 * 1024)
/* The largest body of a route that streams it (STREAM in routes.def: a
 * monitoring file), spooled to disk as it comes, never held in memory. */
#define HTTP_UPLOAD_MAX (16LL * 1024 * 1024 * 1024)

/* The JSON text of every body: the flags of the CLI's `--format json`
 * (cli/output.c), so an API body and the CLI's output are the same bytes;
 * tests/http.sh compares them. */
#define HTTP_JSON_FLAGS C2C_JSON_FLAGS

enum http_param_type {
	HP_END = 0,        /* ends a route's list */
	HP_STR,            /* any text (UTF-8, no NUL) */
	HP_INT,            /* a decimal integer within [min, max] */
	HP_FORMAT,         /* json, csv or xlsx: the reply as a file (DOWNLOAD) */
	HP_FY,             /* a fiscal year, 2022 or 令和4 / R4 / 平成29年度 (date_parse_fy), within [min, max] */
	HP_TABLE_FILTERS,  /* stands for the COL_FILTER columns of the route's table */
	HP_PAGE_LIMIT,     /* pagination: how many items of the array */
	HP_PAGE_OFFSET,    /* pagination: how many items to skip */
	HP_STREAM,         /* the body is a file, streamed to disk (cred->upload), not JSON */
	/* members of the JSON object the request body must be (F(...) in routes.def) */
	HP_BODY_STR,       /* a JSON string */
	HP_BODY_INT,       /* a JSON integer within [min, max] */
	HP_BODY_ANY,       /* any JSON value; the handler checks it and names it in errors */
	HP_BODY_COLUMNS,   /* stands for the columns of the route's atlas table but its key */
};
#define HTTP_IS_BODY(type) ((type) >= HP_BODY_STR)

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
	const char *path;    /* exact, or with one "{id}" segment: its value in rq->id */
	http_handler fn;
	const char *handler; /* the handler's name, for the OpenAPI operationId */
	const char *roles;   /* who may call it: "public", or role names (auth.h) separated by spaces */
	const char *summary;
	const struct http_param *params; /* ends with HP_END */
	const struct atlas_table *table; /* a generated table route's table, else NULL */
};

/* Every route, in order: routes.def's, with a GET /api/v1/<table> route
 * (TABLE_FILTERS PAGED, http_get_table) for each listable atlas table where
 * routes.def says ATLAS_TABLE_ROUTES (but one routes.def serves itself).
 * Made once, on first use; *n gets the count (0 when memory ran out). */
const struct http_route *http_route_list(size_t *n);
/* The same for any list of atlas tables (a test's, with a table more).  The
 * list lives as long as the process. */
int http_routes_make(const struct atlas_table *tables, size_t ntables, const struct http_route **out,
		     size_t *nout, struct c2c_err *err);

/* How a handler gets the database: the server hands each worker thread its
 * own connection.  A test or a fuzzer may pass its own. */
typedef int (*http_store_fn)(void *cls, struct store **st, struct c2c_err *err);

/* Who sends a request, as the server read it from the headers; the router
 * turns it into a user (auth.c) only for routes that are not public. */
struct http_credentials {
	const char *session;      /* the c2c_session cookie's value, or NULL */
	const char *bearer;       /* the token of "Authorization: Bearer …", or NULL */
	const char *csrf;         /* the X-CSRF-Token header, or NULL */
	const char *client;       /* the peer's address, for the log-in limit */
	const char *content_type; /* of the body, or NULL */
	const char *accept_language; /* the Accept-Language header, or NULL */
	int tls;                  /* the client reached us over TLS (a proxy said so) */
	int gzip;                 /* Accept-Encoding takes gzip */
	const char *upload;       /* a STREAM route's body, spooled by the server to this
				   * file (it unlinks it after the reply), or NULL */
};

struct http_request {
	const struct http_route *route;
	const char *method;
	const char *id;                  /* the {id} of the path, or NULL */
	json_t *body;                    /* the checked JSON body of a write, or NULL */
	const struct http_credentials *cred;
	struct auth_user user;           /* the caller; role AUTH_PUBLIC when not logged in */
	char csrf[64];                   /* the session's CSRF token ("" without a session) */
	char set_cookie[256];            /* a handler's Set-Cookie, or "" */
	const struct atlas_table *table; /* routes of HP_TABLE_FILTERS */
	size_t nparams;
	const char *name[HTTP_MAX_PARAMS];  /* decoded, in the order given */
	const char *value[HTTP_MAX_PARAMS];
	long long num[HTTP_MAX_PARAMS];     /* the value, for numeric parameters */
	struct store *st;                   /* this worker's database, opened before the handler runs */
	const char *path;                   /* the decoded path, as the audit log records it */
	int audited;                        /* the handler wrote its audit row (http_write_tx) */
	int lang;                           /* enum c2c_lang the reply's words are in:
					     * ?lang=, else Accept-Language (http_request_lang) */
	json_t *errors;                     /* a handler's every error (the rows of a file), added
					     * to its error reply as "errors"; the router frees it */
};

/* The value of a query parameter, or NULL when absent. */
const char *http_param_str(const struct http_request *rq, const char *name);
/* The checked number of a numeric parameter, or `dflt` when absent. */
long long http_param_int(const struct http_request *rq, const char *name, long long dflt);
/* A member of the checked body: a string (NULL when absent or null), an
 * integer (`dflt` when absent). */
const char *http_body_str(const struct http_request *rq, const char *name);
long long http_body_int(const struct http_request *rq, const char *name, long long dflt);
/* A body member that names one of two words: *choice 1 for `yes`, 0 for
 * `no`; anything else is refused naming the member (approve|reject,
 * select|reject). */
int http_body_choice(const struct http_request *rq, const char *name, const char *yes, const char *no,
		     int *choice, struct c2c_err *err);
/* A body member that is an object of at least one and at most `most`
 * members ({"ACCOUNT": PERCENT}, {"CRITERION": POINTS}); `shape` shows it
 * in the message. */
int http_body_map(const struct http_request *rq, const char *name, size_t most, const char *shape,
		  json_t **map, struct c2c_err *err);

/* What the server sends: a status, a JSON body it owns (malloc'd), and the
 * few headers that depend on the route. */
#define HTTP_ETAG_MAX 40
#define HTTP_GZIP_MIN 1024 /* smaller replies fit a packet or two as they are */

struct http_reply {
	int status;
	char *body;
	size_t len;
	long long total;   /* X-Total-Count, or -1 */
	char set_cookie[256]; /* Set-Cookie, or "" */
	long retry_after;  /* Retry-After seconds of a 429, or 0 */
	char allow[64];    /* Allow, for 405; "" otherwise */
	char error[256];   /* the message of an error reply, for the server's log */
	const char *content_type; /* a download's (?format=csv|xlsx); NULL: JSON */
	char filename[96]; /* a download's file name (Content-Disposition), or "" */
	char etag[HTTP_ETAG_MAX]; /* a public read's validator (ETag), or "" */
	int gzipped;              /* body holds the gzip of the JSON */
};

/* Answer one request.  `target` is the raw request target as the client sent
 * it (it is decoded in place); `body` is the request body read whole (NULL
 * when none was sent), `cred` what the headers say of the caller (NULL: an
 * anonymous caller).  Always fills `out` (an error is a JSON reply too);
 * out->body may be NULL only when memory ran out. */
void http_dispatch(const char *method, char *target, size_t len, const char *body,
		   size_t body_len, const struct http_credentials *cred, http_store_fn store,
		   void *store_cls, struct http_reply *out);
void http_reply_release(struct http_reply *r);
/* Before the body of a request is read: does its route stream the body
 * (STREAM)?  0: no, read it as usual; 1: yes, and the caller may spool it
 * (its roles, CSRF token and query were checked); -1: refused, `out` holds
 * the reply to send at once.  `target` is not changed. */
int http_upload_begin(const char *method, const char *target, size_t len,
		      const struct http_credentials *cred, http_store_fn store, void *store_cls,
		      struct http_reply *out);
/* The JSON error body of `err`, with `status` (0: the status of its code). */
void http_reply_error(struct http_reply *out, int status, const struct c2c_err *err);

/* The language a request asks for: ?lang=ja|en in its raw query (`query`,
 * `qlen`), else its Accept-Language, else English (enum c2c_lang). */
int http_request_lang(const char *query, size_t qlen, const struct http_credentials *cred);

/* Does the route take a JSON request body (any F(...) or COLUMNS)? */
int http_route_takes_body(const struct http_route *r);
/* Does the route take its body as a streamed file (STREAM)? */
int http_route_streams(const struct http_route *r);
/* The atlas table a route serves (/api/v1/<table>[/{id}]), or NULL. */
const struct atlas_table *http_route_table(const struct http_route *r);

/* Check the route list against the atlas and auth: every listable table has
 * its route, every table route names a listable table, every role is one
 * auth/ knows.  Run once when the server starts. */
int http_routes_check(struct c2c_err *err);

/* query.c: percent-decoding and query strings, ours (libmicrohttpd's own
 * decoding is not used).  `what` names the piece in messages. */
int http_pct_decode(char *s, size_t *len, int plus_is_space, const char *what,
		    struct c2c_err *err);
int http_query_parse(char *query, size_t len, struct http_request *rq, struct c2c_err *err);

/* access.c: the caller's user from its credentials, the route's roles, the
 * CSRF token of a write made with a session cookie.  401/403 as errors. */
int http_access(struct http_request *rq, struct c2c_err *err);
/* 403 unless the caller's scope covers kind:id (auth_in_scope); admin,
 * office and verifier act programme-wide. */
int http_require_scope(const struct http_request *rq, const char *kind, const char *id,
		       struct c2c_err *err);

/* cache.c: the bytes of public replies, per worker, good while the database
 * is unchanged (data_version: store_data_version's text; NULL: the backend
 * could not tell, nothing cached). */
int http_cache_get(const char *key, const char *data_version, unsigned long generation,
		   int gzip, struct http_reply *out);
/* r: the plain JSON reply with its etag; gz (may be NULL): its gzip */
void http_cache_put(const char *key, const char *data_version, unsigned long generation,
		    const struct http_reply *r, const char *gz, size_t gz_len);
void http_cache_bump(void);               /* after every write of this process */
unsigned long http_cache_generation(void);
void http_cache_stats(unsigned long *hits, unsigned long *misses);

/* encoding.c: Accept-Encoding and If-None-Match (RFC 9110), gzip, ETags. */
int http_accepts_coding(const char *accept_encoding, const char *coding);
int http_gzip(const char *in, size_t len, char **out, size_t *out_len); /* 0 or -1 */
/* Replace a JSON reply's body by its gzip (from HTTP_GZIP_MIN bytes on). */
int http_reply_gzip(struct http_reply *r);
void http_etag_of(const char *body, size_t len, char out[HTTP_ETAG_MAX]);
int http_etag_matches(const char *if_none_match, const char *etag);

/* audit.c: the log of writes over HTTP (table http_audit, module "http"). */
int http_audit_migrate(struct store *st, struct c2c_err *err);
int http_audit_append(struct http_request *rq, const char *path, struct c2c_err *err);
/* A handler's write and its audit row in one transaction: fn(rq->st, ctx)
 * then the row, committed together or not at all (store_tx, queued on
 * http_audit; retried whole on a lost race).  The router then writes no
 * row of its own for the request.  A write that goes through it is never
 * done without its record, nor recorded when it was not done. */
int http_write_tx(struct http_request *rq, store_tx_fn fn, void *ctx, struct c2c_err *err);
/* The same, queued on the table `queue` too (after http_audit): a write
 * that appends to a chain, as the registry's journal, takes the chain's
 * queue before its first read, as store_tx(queue) would alone. */
int http_write_tx_queued(struct http_request *rq, const char *queue, store_tx_fn fn, void *ctx,
			 struct c2c_err *err);

/* openapi.c: the OpenAPI 3.0 document of the route table. */
json_t *http_openapi(void);

/* handlers.c: every handler named in routes.def, declared from the same list,
 * and the one of the generated table routes. */
#define X(method, path, fn, roles, summary, ...) \
	int fn(struct http_request *rq, json_t **out, struct c2c_err *err);
#define ATLAS_TABLE_ROUTES
#include "routes.def"
#undef ATLAS_TABLE_ROUTES
#undef X
int http_get_table(struct http_request *rq, json_t **out, struct c2c_err *err);

#endif
