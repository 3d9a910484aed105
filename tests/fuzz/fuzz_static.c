/*
 * fuzz_static.c - libFuzzer target for src/http/static.c, the one place a
 * URL becomes a file name.  The web root is a temporary directory made at
 * start: a few pages, hidden files, a symlink inside, and symlinks that lead
 * out of it (to a sibling directory, and to one whose name only extends the
 * root's, "<root>2", which a bare prefix comparison would let through).
 *
 * static.c speaks libmicrohttpd; this harness is linked without it and
 * defines the five functions static.c calls, so every reply it would queue
 * is caught here and checked:
 *  - it queues exactly one reply when it says it answered, none otherwise,
 *    and every response it makes is destroyed (and with it its descriptor:
 *    the lowest free descriptor is the same after the call as before);
 *  - the status is 200 or 403; a 403 body is {"error":{"code","message"}};
 *  - a 200 is for GET or HEAD, carries nosniff, a CSP and a Content-Type,
 *    and its descriptor is a regular file whose real path lies under the
 *    root and which is none of the files outside it;
 *  - a target naming one of the pages (decoded here by docs/http.md's
 *    rules) gets that very file; a decoded path with a ".." or a hidden
 *    segment never gets a 200.
 *
 * Input: the first byte picks the method (bits 0-1); the rest, up to its
 * first NUL byte, is the request target.
 */
#include <microhttpd.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "http/router.h"
#include "http/static.h"

/* --- the part of libmicrohttpd static.c uses --------------------------------- */

struct MHD_Response {
	int fd;           /* -1 for a buffer */
	char *buf;
	size_t len;
	char ctype[128], nosniff, csp;
};

static struct {
	int created, destroyed, queued;
	unsigned status;
	char body[512];
	size_t body_len;
	struct stat st;  /* of the queued file */
	char real[4096]; /* its path, from /proc/self/fd */
	int is_file;
	char ctype[128];
	int nosniff, csp;
} seen;

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
						     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = calloc(1, sizeof(*r));
	(void)mode;
	r->fd = -1;
	r->buf = malloc(size + 1);
	memcpy(r->buf, buffer, size);
	r->len = size;
	seen.created++;
	return r;
}

struct MHD_Response *MHD_create_response_from_fd(size_t size, int fd)
{
	struct MHD_Response *r = calloc(1, sizeof(*r));
	r->fd = fd;
	r->len = size;
	seen.created++;
	return r;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *r, const char *header,
					const char *content)
{
	if (!strcasecmp(header, "Content-Type"))
		snprintf(r->ctype, sizeof(r->ctype), "%s", content);
	else if (!strcasecmp(header, "X-Content-Type-Options"))
		r->nosniff = !strcmp(content, "nosniff");
	else if (!strcasecmp(header, "Content-Security-Policy"))
		r->csp = strstr(content, "default-src 'none'") != NULL;
	return MHD_YES;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *conn, unsigned int status,
				   struct MHD_Response *r)
{
	char link[64];
	ssize_t n;
	(void)conn;
	seen.queued++;
	seen.status = status;
	seen.is_file = r->fd >= 0;
	seen.nosniff = r->nosniff;
	seen.csp = r->csp;
	memcpy(seen.ctype, r->ctype, sizeof(seen.ctype));
	if (r->fd >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", r->fd);
		n = readlink(link, seen.real, sizeof(seen.real) - 1);
		seen.real[n > 0 ? n : 0] = '\0';
		if (fstat(r->fd, &seen.st))
			memset(&seen.st, 0, sizeof(seen.st));
	} else {
		seen.body_len = r->len < sizeof(seen.body) ? r->len : sizeof(seen.body) - 1;
		memcpy(seen.body, r->buf, seen.body_len);
		seen.body[seen.body_len] = '\0';
	}
	return MHD_YES;
}

/* The request's headers: Accept-Encoding when the input's byte asks for it
 * (the tree has no NAME.br or NAME.gz, so the file sent stays the one
 * named); never If-None-Match, whose 304 these checks do not expect. */
static const char *fz_accept_encoding;
const char *MHD_lookup_connection_value(struct MHD_Connection *conn, enum MHD_ValueKind kind,
					const char *key)
{
	(void)conn;
	(void)kind;
	return !strcasecmp(key, "Accept-Encoding") ? fz_accept_encoding : NULL;
}

void MHD_destroy_response(struct MHD_Response *r)
{
	if (r->fd >= 0)
		close(r->fd); /* the response owns its descriptor, as in libmicrohttpd */
	free(r->buf);
	free(r);
	seen.destroyed++;
}

/* --- the web root ------------------------------------------------------------- */

static char root[4096];
static struct stat outside[2]; /* secret.txt beside the root, and in "<root>2" */

static const char *const pages[] = {
	"index.html", "app.js", "style.css", "sub/page.json", "sub/deep/x.svg",
	"a b.txt", "日本語.txt", "in-link.txt", "sub/LICENSE",
};

static void put(const char *rel, const char *text)
{
	char p[4200];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (!(f = fopen(p, "w")) || fputs(text, f) < 0 || fclose(f)) {
		perror(p);
		abort();
	}
}

static void ln(const char *to, const char *rel)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (symlink(to, p)) {
		perror(p);
		abort();
	}
}

static void mkd(const char *path)
{
	if (mkdir(path, 0700)) {
		perror(path);
		abort();
	}
}

static void cleanup(void)
{
	char cmd[4200];
	char *slash = strrchr(root, '/');
	if (!slash)
		return;
	*slash = '\0'; /* the mkdtemp parent */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "fuzz_static: could not remove %s\n", root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[4096], *base, p[4200];
	(void)argc;
	(void)argv;
	/* under $TMPDIR, which run.sh points into the build directory: a crash
	 * skips the atexit() clean-up and leaves the tree there, not in /tmp */
	snprintf(tmpl, sizeof(tmpl), "%s/c2c-fuzz-static-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!(base = mkdtemp(tmpl)) || !realpath(base, p)) {
		perror("mkdtemp");
		abort();
	}
	snprintf(root, sizeof(root), "%s/www", p);
	mkd(root);
	snprintf(p + strlen(p), sizeof(p) - strlen(p), "/outside");
	mkd(p);
	snprintf(p + strlen(p), sizeof(p) - strlen(p), "/secret.txt");
	if (close(open(p, O_WRONLY | O_CREAT, 0600)) || stat(p, &outside[0]))
		abort();
	snprintf(p, sizeof(p), "%s2", root);
	mkd(p);
	snprintf(p + strlen(p), sizeof(p) - strlen(p), "/secret.txt");
	if (close(open(p, O_WRONLY | O_CREAT, 0600)) || stat(p, &outside[1]))
		abort();
	atexit(cleanup);

	for (size_t i = 0; i < 3; i++) {
		static const char *const dirs[] = {"sub", "sub/deep", ".git"};
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		mkd(p);
	}
	put("index.html", "<!doctype html><title>c2c</title>\n");
	put("app.js", "console.log(1)\n");
	put("style.css", "body{}\n");
	put("sub/page.json", "{}\n");
	put("sub/deep/x.svg", "<svg/>\n");
	put("a b.txt", "space\n");
	put("日本語.txt", "ja\n");
	put("sub/LICENSE", "no type\n");
	put(".hidden", "hidden\n");
	put(".git/config", "hidden\n");
	put("sub/.env", "hidden\n");
	ln("index.html", "in-link.txt");
	ln("../outside/secret.txt", "out-link.txt");
	ln("../outside", "out-dir");
	ln("../www2/secret.txt", "prefix-link.txt");
	ln("/etc/hostname", "abs-link.txt");
	return 0;
}

/* --- the checks ------------------------------------------------------------------- */

static void fz_fail(const char *what, const char *target, size_t len)
{
	fprintf(stderr, "fuzz_static: %s\n  target (%zu bytes): %.*s\n  status %u, file %s\n",
		what, len, (int)(len > 600 ? 600 : len), target, seen.status,
		seen.is_file ? seen.real : "-");
	abort();
}

static int hexv(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The path part decoded ('+' stays), or NULL when an escape is bad or a
 * NUL comes out: those never name a file. */
static char *decoded_path(const char *t, size_t len)
{
	char *out = malloc(len + 1);
	size_t j = 0;
	for (size_t i = 0; i < len && t[i] != '?'; i++) {
		if (t[i] == '%') {
			if (len - i < 3 || hexv((unsigned char)t[i + 1]) < 0 || hexv((unsigned char)t[i + 2]) < 0 ||
			    !(hexv((unsigned char)t[i + 1]) | hexv((unsigned char)t[i + 2]))) {
				free(out);
				return NULL;
			}
			out[j++] = (char)(hexv((unsigned char)t[i + 1]) * 16 + hexv((unsigned char)t[i + 2]));
			i += 2;
		} else {
			out[j++] = t[i];
		}
	}
	out[j] = '\0';
	return out;
}

static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);
	close(fd);
	return fd;
}

/* A ".." or a segment starting with a dot, anywhere. */
static int has_dot_segment(const char *p)
{
	for (const char *s = p; *s; s++)
		if (*s == '.' && (s == p || s[-1] == '/'))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *methods[] = {"GET", "HEAD", "POST", "get"};
	static char conn_stand_in; /* static.c only passes it on */
	struct MHD_Connection *conn = (struct MHD_Connection *)(void *)&conn_stand_in;
	const char *method, *target;
	enum MHD_Result ret = MHD_NO;
	size_t len, rootlen = strlen(root);
	char *want_path;
	int answered, fd0;

	if (size < 1)
		return 0;
	method = methods[data[0] & 3];
	fz_accept_encoding = (data[0] & 8) ? "gzip, deflate, br" : NULL;
	target = (const char *)data + 1;
	len = strnlen(target, size - 1);
	memset(&seen, 0, sizeof(seen));

	fd0 = lowest_free_fd();
	answered = http_static_serve(conn, root, method, target, len, data[0] >> 7, &ret);

	if (answered != 0 && answered != 1)
		fz_fail("answered neither 0 nor 1", target, len);
	if (seen.queued != answered)
		fz_fail("queued replies do not match the answer", target, len);
	if (seen.created != seen.destroyed)
		fz_fail("a response was never destroyed", target, len);
	if (lowest_free_fd() != fd0)
		fz_fail("a file descriptor leaked", target, len);
	if (answered && ret != MHD_YES)
		fz_fail("answered but returned the queue's failure", target, len);
	if (answered && seen.status != 200 && seen.status != 403)
		fz_fail("a status other than 200 or 403", target, len);

	if (answered && seen.status == 403) {
		json_error_t jerr;
		json_t *doc = json_loadb(seen.body, seen.body_len, JSON_REJECT_DUPLICATES, &jerr);
		json_t *e = json_object_get(doc, "error");
		if (seen.is_file || !doc || !json_is_string(json_object_get(e, "code")) ||
		    !json_string_length(json_object_get(e, "message")) || !seen.nosniff || !seen.csp)
			fz_fail("a 403 without its JSON error body and headers", target, len);
		json_decref(doc);
	}
	if (answered && seen.status == 200) {
		if (strcmp(method, "GET") && strcmp(method, "HEAD"))
			fz_fail("a file for a method other than GET or HEAD", target, len);
		if (!seen.is_file || !S_ISREG(seen.st.st_mode))
			fz_fail("a 200 that is not a regular file", target, len);
		if (strncmp(seen.real, root, rootlen) || seen.real[rootlen] != '/')
			fz_fail("a file outside the web root", target, len);
		for (size_t i = 0; i < 2; i++)
			if (seen.st.st_ino == outside[i].st_ino && seen.st.st_dev == outside[i].st_dev)
				fz_fail("the file outside the root was sent", target, len);
		if (has_dot_segment(seen.real + rootlen))
			fz_fail("a hidden file was sent", target, len);
		if (!seen.nosniff || !seen.csp || !seen.ctype[0])
			fz_fail("a file without nosniff, a CSP or a Content-Type", target, len);
	}

	/* what the target names, decoded here */
	if ((want_path = decoded_path(target, len))) {
		const char *rel = !strcmp(want_path, "/") ? "index.html" : want_path + 1;
		if (answered && seen.status == 200 && has_dot_segment(want_path))
			fz_fail("a 200 for a path with a dot segment", target, len);
		/* the raw target starts with '/': "%2F" is no path */
		if (len && target[0] == '/' && (!strcmp(method, "GET") || !strcmp(method, "HEAD")))
			for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
				struct stat st;
				char p[4200];
				if (strcmp(rel, pages[i]))
					continue;
				snprintf(p, sizeof(p), "%s/%s", root, pages[i]);
				if (stat(p, &st))
					abort();
				if (!answered || seen.status != 200 || seen.st.st_ino != st.st_ino)
					fz_fail("a page of the root was not sent", target, len);
			}
		free(want_path);
	}
	return 0;
}
