/*
 * http.h - the HTTP server of c2c, as `c2c serve` sees it: start on an
 * address, report the URL, stop with the requests in flight finished.
 *
 * The server is a second face over the same domain calls as the CLI (see
 * docs/http.md); the routes are in routes.def, the request handling in
 * router.c, and server.c holds the libmicrohttpd glue.  Nothing here prints
 * or exits: cli/cmd_serve.c does both.
 */
#ifndef C2C_HTTP_HTTP_H
#define C2C_HTTP_HTTP_H

#include "core/err.h"

struct http_config {
	const char *db_path;   /* an existing c2c database; each worker opens it */
	const char *bind;      /* numeric IPv4 or IPv6 address */
	int port;              /* 0 = any free port (the URL tells which) */
	int threads;           /* worker threads, each with its own connection */
	unsigned conn_limit;   /* connections held at once, over all threads */
	unsigned conn_timeout; /* seconds a connection may sit idle or trickle */
	const char *web_dir;   /* the built web pages served at /, or NULL (API only) */
	const char *upload_dir; /* where streamed files are kept (docs/http.md), or NULL:
				 * DB.uploads beside a database file */
	/* slow clients and proxies (clients.c) */
	unsigned per_address;     /* connections one client address may hold; 0 = any */
	unsigned request_timeout; /* seconds for a request's line and headers; 0 = no deadline */
	unsigned min_body_rate;   /* bytes/s a body must keep up after request_timeout */
	const char *trusted_proxies; /* "ADDR[,ADDR...]" whose X-Forwarded-For is believed, or NULL */
};

struct http_server;

/* 0 when "ADDR[,ADDR...]" are numeric IPv4/IPv6 addresses (--trusted-proxy). */
int http_clients_check_list(const char *list, struct c2c_err *err);

/* Listen and serve from worker threads; returns at once.  The caller should
 * block SIGINT/SIGTERM first so the workers inherit the mask and the caller
 * alone receives them. */
int http_server_start(const struct http_config *cfg, struct http_server **out,
		      struct c2c_err *err);
/* "http://127.0.0.1:8080/" */
const char *http_server_url(const struct http_server *srv);
/* Stop accepting, give the requests in flight up to drain_ms to finish
 * (their replies say Connection: close), then stop and free everything. */
void http_server_stop(struct http_server *srv, int drain_ms);

#endif
