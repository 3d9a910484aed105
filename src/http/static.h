/*
 * static.h - the web pages' files (web/dist, built by npm) served by
 * `c2c serve` next to the JSON API.  Apart from router.h because it speaks
 * libmicrohttpd (a file is sent from its descriptor, not copied), and apart
 * from server.c so the one place that turns a URL into a file name - the
 * place path traversal would happen - is small enough to read whole.
 */
#ifndef C2C_HTTP_STATIC_H
#define C2C_HTTP_STATIC_H

#include <microhttpd.h>
#include <stddef.h>

/* Answer a GET or HEAD of a file under `root` (absolute, symlinks resolved).
 * Returns 1 when it queued a reply (the file, or 403 for a target that tries
 * to leave `root`), with *ret the library's verdict; returns 0 when the
 * target is not one of its files (an API path, another method, a name that
 * does not exist), leaving the request to the router's JSON 404/405. */
int http_static_serve(struct MHD_Connection *conn, const char *root, const char *method,
		      const char *target, size_t len, int draining, enum MHD_Result *ret);

#endif
