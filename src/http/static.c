/*
 * static.c - the built web pages (web/dist) at /: index.html and its assets,
 * GET and HEAD only, read-only, from one directory given to `c2c serve --web`.
 *
 * Why its own file: turning a request target into a file name is where path
 * traversal lives, so it is done once, here, and twice over: the decoded
 * path is refused if any segment is empty, "." or ".." or starts with a dot,
 * or if it holds a backslash or a control byte (NUL included); then the name
 * is resolved with realpath() and must still lie under the resolved root, so
 * a symlink pointing out is refused too.  Only regular files are sent.
 *
 * Speed on a phone (issue 20): web/build.mjs puts every asset under
 * assets/ with its content's hash in its name, so a name never changes its
 * bytes and is sent "immutable" for a year; index.html, whose name stays,
 * is asked again each time and answered 304 while its ETag (size and time)
 * holds.  Beside each file the build writes NAME.br and NAME.gz; a client
 * that accepts them gets one (brotli first), with Content-Encoding and
 * Vary: Accept-Encoding.  app.js goes from about 400 KB to 110 KB.
 *
 * The pages get their own Content-Security-Policy: scripts, styles, images
 * and fetches from this server only ('self'), nothing inline, no frames.
 * The API's JSON replies keep their stricter default-src 'none' (server.c).
 */
#include "static.h"
#include "router.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_CSP                                                                       \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "     \
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; " \
	"form-action 'self'; frame-ancestors 'none'"

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json; charset=utf-8"},
	{".map", "application/json; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".txt", "text/plain; charset=utf-8"},
	{".woff2", "font/woff2"},
	{".webmanifest", "application/manifest+json"},
};

/* A type for every file we build; anything else is bytes, never sniffed
 * into HTML (nosniff). */
static const char *content_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

/* The decoded path, without its leading '/', names a file below the root
 * only: no empty, ".", ".." or hidden segment, no backslash or control
 * byte.  Stricter than it must be (realpath checks again) because a refusal
 * here costs nothing and cannot be fooled by what is on the disk. */
static int safe_relative(const char *rel)
{
	const char *seg = rel;
	for (const char *p = rel;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '/' || c == '\0') {
			if (p == seg || *seg == '.')
				return 0;
			if (!c)
				return 1;
			seg = p + 1;
		} else if (c < 0x20 || c == 0x7f || c == '\\') {
			return 0;
		}
	}
}

static int add_common(struct MHD_Response *resp, int draining)
{
	int ok = 1;
	ok &= MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES;
	ok &= MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_YES;
	if (draining)
		ok &= MHD_add_response_header(resp, "Connection", "close") == MHD_YES;
	return ok;
}

/* 403 in the API's error shape and headers: a refused path is the client's
 * doing, and a script reading the reply should not need a second format. */
static enum MHD_Result forbid(struct MHD_Connection *conn, const char *why, int draining)
{
	char body[256];
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int n = snprintf(body, sizeof(body),
			 "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
			 c2c_err_name(C2C_EINPUT), why);

	resp = MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	if (!add_common(resp, draining) ||
	    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8") != MHD_YES ||
	    MHD_add_response_header(resp, "Content-Security-Policy",
				    "default-src 'none'; frame-ancestors 'none'") != MHD_YES) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(conn, MHD_HTTP_FORBIDDEN, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A precompressed sibling of `real` (NAME.br or NAME.gz, written by the
 * build) that the client accepts: its fd, and *coding set; else -1.  The
 * sibling lies in the same directory as the checked file, and must be a
 * regular file itself (O_NOFOLLOW, fstat). */
static int compressed_sibling(struct MHD_Connection *conn, const char *real, const char **coding,
			      struct stat *sb)
{
	static const struct {
		const char *coding, *suffix;
	} kinds[] = {{"br", ".br"}, {"gzip", ".gz"}};
	const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_ENCODING);
	char name[PATH_MAX + 8];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int fd;
		if (!http_accepts_coding(ae, kinds[i].coding) ||
		    snprintf(name, sizeof(name), "%s%s", real, kinds[i].suffix) >= (int)sizeof(name))
			continue;
		if ((fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			continue;
		if (!fstat(fd, sb) && S_ISREG(sb->st_mode)) {
			*coding = kinds[i].coding;
			return fd;
		}
		close(fd);
	}
	return -1;
}

/* Has the build written compressed siblings for this file? (Vary is only
 * said where the bytes do vary.) */
static int has_sibling(const char *real)
{
	char name[PATH_MAX + 8];
	struct stat sb;
	snprintf(name, sizeof(name), "%s.gz", real);
	return !stat(name, &sb) && S_ISREG(sb.st_mode);
}

int http_static_serve(struct MHD_Connection *conn, const char *root, const char *method,
		      const char *target, size_t len, int draining, enum MHD_Result *ret)
{
	char path[HTTP_URI_MAX + 1], full[2 * HTTP_URI_MAX + 16], *q, *real;
	const char *rel;
	size_t plen, rootlen = strlen(root);
	struct c2c_err err;
	struct MHD_Response *resp;
	struct stat sb, csb;
	const char *coding = NULL;
	char etag[96];
	unsigned status = MHD_HTTP_OK;
	int fd, cfd, varies, immutable;

	if ((strcmp(method, "GET") && strcmp(method, "HEAD")) || len > HTTP_URI_MAX)
		return 0;
	memcpy(path, target, len);
	path[len] = '\0';
	if ((q = strchr(path, '?')))
		*q = '\0';
	if (!strcmp(path, "/healthz") || !strcmp(path, "/api") || !strncmp(path, "/api/", 5))
		return 0; /* the API's, 404 included */
	if (path[0] != '/') { /* "*", or an absolute-form http://host/... */
		*ret = forbid(conn, "the path must start with /", draining);
		return 1;
	}
	plen = strlen(path);
	c2c_err_clear(&err);
	if (http_pct_decode(path, &plen, 0, "the path", &err)) { /* bad %xx, NUL, bad UTF-8 */
		*ret = forbid(conn, "the path is not a clean file name", draining);
		return 1;
	}
	rel = path[1] ? path + 1 : "index.html";
	if (!safe_relative(rel)) {
		*ret = forbid(conn, "the path names no file under the web directory", draining);
		return 1;
	}
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	if (!(real = realpath(full, NULL)))
		return 0; /* no such file: the router's JSON 404 */
	if (strncmp(real, root, rootlen) || real[rootlen] != '/') {
		free(real);
		*ret = forbid(conn, "the path leads out of the web directory", draining);
		return 1;
	}
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) { /* a directory is no page */
		if (fd >= 0)
			close(fd);
		free(real);
		return 0;
	}
	varies = has_sibling(real);
	if (varies && (cfd = compressed_sibling(conn, real, &coding, &csb)) >= 0) {
		close(fd);
		fd = cfd;
		sb = csb;
	}
	free(real);
	immutable = !strncmp(rel, "assets/", 7);
	/* size, time and coding: enough to tell one build's file from another's */
	snprintf(etag, sizeof(etag), "\"%jx-%jx%" PRIx64 "%s%s\"", (uintmax_t)sb.st_size,
		 (uintmax_t)sb.st_mtim.tv_sec, (uint64_t)sb.st_mtim.tv_nsec, coding ? "-" : "",
		 coding ? coding : "");
	if (!immutable && http_etag_matches(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									MHD_HTTP_HEADER_IF_NONE_MATCH),
					    etag)) {
		close(fd);
		status = MHD_HTTP_NOT_MODIFIED;
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		/* the response owns fd from here, and closes it even when it fails */
		resp = MHD_create_response_from_fd((size_t)sb.st_size, fd);
		if (!resp)
			close(fd);
	}
	if (!resp) {
		*ret = MHD_NO;
		return 1;
	}
	if (!add_common(resp, draining) ||
	    MHD_add_response_header(resp, "Content-Type", content_type(rel)) != MHD_YES ||
	    MHD_add_response_header(resp, "Content-Security-Policy", PAGE_CSP) != MHD_YES ||
	    /* a hashed name never changes its bytes; index.html is asked each time */
	    MHD_add_response_header(resp, "Cache-Control",
				    immutable ? "public, max-age=31536000, immutable" : "no-cache") != MHD_YES ||
	    (!immutable && MHD_add_response_header(resp, "ETag", etag) != MHD_YES) ||
	    (coding && MHD_add_response_header(resp, "Content-Encoding", coding) != MHD_YES) ||
	    (varies && MHD_add_response_header(resp, "Vary", "Accept-Encoding") != MHD_YES)) {
		MHD_destroy_response(resp);
		*ret = MHD_NO;
		return 1;
	}
	*ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return 1;
}
