/*
 * fuzz_http.c - libFuzzer target for the request parsing that is ours
 * (src/http): percent-decoding, query strings, route matching, parameter
 * and JSON body checking, the caller's credentials and Accept-Language, pagination - driven
 * through the public functions of router.h against the database that
 * `c2c init` makes (tests/fuzz/run.sh creates it and names it in
 * C2C_FUZZ_DB), with a little registry history.
 *
 * Input: the first byte picks the method (bits 0-2), whether a body is sent
 * (bit 3), the caller (bit 4: an admin's API token, C2C_FUZZ_TOKEN; bit 7: a
 * session and a token nobody was given) and the body's Content-Type (bits
 * 5-6: none, JSON, JSON with a charset, text); the rest, up to its first NUL
 * byte (a target from libmicrohttpd is a C string), is the request target,
 * and what follows that NUL is the body.  An admin's writes change the
 * database as the run goes on, as a server's would.
 *
 * What must hold for every input, besides no crash or sanitizer report:
 *  - http_pct_decode agrees with a decoder written here from docs/http.md's
 *    rules (%XX or 400, '+' a space only in the query, NUL or bad UTF-8 422);
 *  - http_query_parse agrees with a splitter written here, and what it
 *    accepts survives a round trip (every byte re-encoded, parsed again);
 *  - http_dispatch always replies with a status and a body that is one JSON
 *    document; never a 5xx (no input is the server's fault); an error is
 *    {"error":{"code","message"...}} with the code's status (405, 413, 414
 *    and 415 aside); no 404 for a route's exact path without a query or a
 *    body, a 405 only for a path some route has;
 *  - 200 only for the route of that method and path, with a body exactly
 *    when the route takes one, and - unless the caller has the admin's
 *    token - only for a route open to the public;
 *  - an array reply holds exactly the page that limit/offset ask for out of
 *    X-Total-Count, and X-Total-Count is the array's size where nothing pages;
 *  - HEAD gets the same reply as GET where GET has a route.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

static struct store *fz_store;
static struct http_credentials fz_cred;
static const char *fz_token; /* an admin's API token */

static void fz_fail(const char *what, const char *target, size_t len)
{
	fprintf(stderr, "fuzz_http: %s\n  target (%zu bytes): %.*s\n", what, len,
		(int)(len > 600 ? 600 : len), target);
	abort();
}

static int fz_store_cb(void *cls, struct store **st, struct c2c_err *err)
{
	(void)cls;
	(void)err;
	*st = fz_store;
	return 0;
}

/* The one call of http_dispatch: when its signature grows, only this changes. */
static void dispatch(const char *method, const char *target, size_t len, const char *body,
		     size_t body_len, struct http_reply *out)
{
	char *buf = malloc(len + 1); /* exactly what server.c hands it: len + NUL */
	if (!buf)
		abort();
	memcpy(buf, target, len);
	buf[len] = '\0';
	http_dispatch(method, buf, len, body, body_len, &fz_cred, fz_store_cb, NULL, out);
	free(buf);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *db = getenv("C2C_FUZZ_DB");
	struct c2c_err err;
	(void)argc;
	(void)argv;
	/* a log-in of an unknown name still hashes (against a dummy): cheaply here */
	setenv("C2C_AUTH_INSECURE_FAST_HASH", "1", 1);
	fz_token = getenv("C2C_FUZZ_TOKEN");
	if (!db || !fz_token) {
		fprintf(stderr, "fuzz_http: C2C_FUZZ_DB must name a database made by `c2c init`, "
				"C2C_FUZZ_TOKEN an admin's API token in it (tests/fuzz/run.sh makes both)\n");
		abort();
	}
	if (store_open(&fz_store, db, STORE_OPEN_EXISTING, &err)) {
		fprintf(stderr, "fuzz_http: %s\n", err.msg);
		abort();
	}
	return 0;
}

/* --- the reference decoder ------------------------------------------------ */

static int ref_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Well-formed UTF-8 as RFC 3629 has it (table 3-7 of Unicode): written from
 * the byte ranges, not from core/utf8.c's loop. */
static int ref_utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xBF;
		size_t k;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3;
		else
			return 0;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (n - i <= k || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t j = 2; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

/* 0, C2C_EUSAGE (bad escape) or C2C_EINPUT (NUL, bad UTF-8); out gets the bytes. */
static int ref_decode(const unsigned char *s, size_t n, int plus, unsigned char *out, size_t *outlen)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3 || ref_hex(s[i + 1]) < 0 || ref_hex(s[i + 2]) < 0)
				return C2C_EUSAGE;
			out[j++] = (unsigned char)(ref_hex(s[i + 1]) * 16 + ref_hex(s[i + 2]));
			i += 2;
		} else {
			out[j++] = s[i] == '+' && plus ? ' ' : s[i];
		}
	}
	*outlen = j;
	if (memchr(out, 0, j) || !ref_utf8_ok(out, j))
		return C2C_EINPUT;
	return 0;
}

static void check_decode(const char *s, size_t n, int plus)
{
	unsigned char *want = malloc(n + 1);
	char *got = malloc(n + 1);
	size_t wlen = 0, glen = n;
	struct c2c_err err;
	int wrc, grc;

	memcpy(got, s, n);
	got[n] = '\0';
	c2c_err_clear(&err);
	wrc = ref_decode((const unsigned char *)s, n, plus, want, &wlen);
	grc = http_pct_decode(got, &glen, plus, "fuzz", &err);
	if (wrc != grc)
		fz_fail("http_pct_decode disagrees with the reference on accepting", s, n);
	if (grc && (!err.msg[0] || err.code != grc))
		fz_fail("http_pct_decode refused without a message", s, n);
	if (!grc && (glen != wlen || memcmp(got, want, wlen) || got[glen] != '\0'))
		fz_fail("http_pct_decode decoded other bytes than the reference", s, n);
	free(want);
	free(got);
}

/* --- the query string ------------------------------------------------------ */

struct ref_pair {
	unsigned char *name, *value;
	size_t nlen, vlen;
};

/* The reference splitter: '&'-separated pieces, empty ones skipped, each
 * name=value (first '='), both decoded with '+' as a space, no empty name,
 * no name twice, at most HTTP_MAX_PARAMS.  Returns the code, fills pairs
 * (buf holds their bytes). */
static int ref_query(const unsigned char *q, size_t n, struct ref_pair *pairs, size_t *np,
		     unsigned char *buf)
{
	size_t i = 0, used = 0;
	int rc;
	*np = 0;
	while (i < n) {
		size_t end = i, eq;
		while (end < n && q[end] != '&')
			end++;
		if (end == i) {
			i++;
			continue;
		}
		for (eq = i; eq < end && q[eq] != '='; eq++)
			;
		if (eq == end || *np == HTTP_MAX_PARAMS)
			return C2C_EUSAGE;
		pairs[*np].name = buf + used;
		if ((rc = ref_decode(q + i, eq - i, 1, buf + used, &pairs[*np].nlen)))
			return rc;
		used += pairs[*np].nlen;
		if (!pairs[*np].nlen)
			return C2C_EUSAGE;
		pairs[*np].value = buf + used;
		if ((rc = ref_decode(q + eq + 1, end - eq - 1, 1, buf + used, &pairs[*np].vlen)))
			return rc;
		used += pairs[*np].vlen;
		for (size_t k = 0; k < *np; k++)
			if (pairs[k].nlen == pairs[*np].nlen &&
			    !memcmp(pairs[k].name, pairs[*np].name, pairs[k].nlen))
				return C2C_EUSAGE;
		(*np)++;
		i = end + 1;
	}
	return 0;
}

/* Every byte as %XX: the strictest encoding a client can send. */
static size_t encode_all(const char *s, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t j = 0;
	for (; *s; s++) {
		out[j++] = '%';
		out[j++] = hex[(unsigned char)*s >> 4];
		out[j++] = hex[(unsigned char)*s & 15];
	}
	return j;
}

static void check_query(const char *q, size_t n)
{
	struct ref_pair pairs[HTTP_MAX_PARAMS];
	unsigned char *rbuf = malloc(n + 1);
	char *buf = malloc(n + 1), *again;
	struct http_request rq, rq2;
	struct c2c_err err;
	size_t np, alen = 0;
	int wrc, grc;

	memcpy(buf, q, n);
	buf[n] = '\0';
	memset(&rq, 0, sizeof(rq));
	c2c_err_clear(&err);
	wrc = ref_query((const unsigned char *)q, n, pairs, &np, rbuf);
	grc = http_query_parse(buf, n, &rq, &err);
	if (wrc != grc)
		fz_fail("http_query_parse disagrees with the reference on accepting", q, n);
	if (grc) {
		if (!err.msg[0])
			fz_fail("http_query_parse refused without a message", q, n);
		goto out;
	}
	if (rq.nparams != np)
		fz_fail("http_query_parse found another number of parameters", q, n);
	for (size_t i = 0; i < np; i++) {
		if (rq.name[i] < buf || rq.name[i] > buf + n || rq.value[i] < buf || rq.value[i] > buf + n)
			fz_fail("a parameter points outside the query buffer", q, n);
		if (strlen(rq.name[i]) != pairs[i].nlen || memcmp(rq.name[i], pairs[i].name, pairs[i].nlen) ||
		    strlen(rq.value[i]) != pairs[i].vlen ||
		    memcmp(rq.value[i], pairs[i].value, pairs[i].vlen))
			fz_fail("a parameter differs from the reference's", q, n);
	}
	/* round trip: the decoded pairs, every byte escaped, parse to themselves */
	again = malloc(6 * n + 2 * HTTP_MAX_PARAMS + 1);
	for (size_t i = 0; i < np; i++) {
		if (i)
			again[alen++] = '&';
		alen += encode_all(rq.name[i], again + alen);
		again[alen++] = '=';
		alen += encode_all(rq.value[i], again + alen);
	}
	again[alen] = '\0';
	memset(&rq2, 0, sizeof(rq2));
	if (http_query_parse(again, alen, &rq2, &err) || rq2.nparams != np)
		fz_fail("the re-encoded query does not parse back", q, n);
	for (size_t i = 0; i < np; i++)
		if (strcmp(rq.name[i], rq2.name[i]) || strcmp(rq.value[i], rq2.value[i]))
			fz_fail("the re-encoded query parses to other pairs", q, n);
	free(again);
out:
	free(buf);
	free(rbuf);
}

/* --- the whole request ----------------------------------------------------- */

/* A route's path is exact, or has one "{id}" segment that takes any
 * non-empty segment there. */
static int path_is(const char *route, const char *path)
{
	const char *brace = strstr(route, "{id}");
	size_t pre, suf, n = strlen(path);
	if (!brace)
		return !strcmp(route, path);
	pre = (size_t)(brace - route);
	suf = strlen(brace + 4);
	return n > pre + suf && !strncmp(route, path, pre) && !strcmp(path + n - suf, brace + 4) &&
	       !memchr(path + pre, '/', n - pre - suf);
}

/* The route whose path is the decoded path of `target`, for `method`;
 * *path_known says whether a route has that path: 0 none, 1 through an
 * "{id}" segment only, 2 as its exact path. */
static const struct http_route *route_of(const char *target, size_t len, const char *method,
					 int *path_known)
{
	const char *q = memchr(target, '?', len);
	size_t plen = q ? (size_t)(q - target) : len;
	char *p = malloc(plen + 1);
	const struct http_route *hit = NULL;
	struct c2c_err err;

	memcpy(p, target, plen);
	p[plen] = '\0';
	*path_known = 0;
	size_t nroutes;
	const struct http_route *routes = http_route_list(&nroutes);

	if (!http_pct_decode(p, &plen, 0, "path", &err))
		for (size_t r = 0; r < nroutes; r++)
			if (path_is(routes[r].path, p)) {
				if (*path_known < 2)
					*path_known = strstr(routes[r].path, "{id}") ? 1 : 2;
				if (!strcmp(routes[r].method, method) ||
				    (!strcmp(method, "HEAD") && !strcmp(routes[r].method, "GET")))
					hit = &routes[r];
			}
	free(p);
	return hit;
}

static int has_param(const struct http_route *r, enum http_param_type t)
{
	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (p->type == t)
			return 1;
	return 0;
}

static int takes_body(const struct http_route *r)
{
	for (const struct http_param *p = r->params; p->type != HP_END; p++)
		if (HTTP_IS_BODY(p->type))
			return 1;
	return 0;
}

/* Is "public" one of the route's roles? */
static int is_public(const struct http_route *r)
{
	for (const char *p = r->roles; (p = strstr(p, "public")); p += 6)
		if ((p == r->roles || p[-1] == ' ') && (p[6] == '\0' || p[6] == ' '))
			return 1;
	return 0;
}

/* The limit and offset the target's query asks for (-1 and 0 when absent). */
static void page_of(const char *target, size_t len, long long *lim, long long *off)
{
	const char *q = memchr(target, '?', len);
	struct http_request rq;
	struct c2c_err err;
	size_t qlen;
	char *buf;

	*lim = -1;
	*off = 0;
	if (!q)
		return;
	qlen = len - (size_t)(q + 1 - target);
	buf = malloc(qlen + 1);
	memcpy(buf, q + 1, qlen);
	buf[qlen] = '\0';
	memset(&rq, 0, sizeof(rq));
	if (!http_query_parse(buf, qlen, &rq, &err)) {
		const char *v;
		if ((v = http_param_str(&rq, "limit")))
			*lim = strtoll(v, NULL, 10);
		if ((v = http_param_str(&rq, "offset")))
			*off = strtoll(v, NULL, 10);
	}
	free(buf);
}

/* A known error code's name, and the status its table gives. */
static int code_status(const char *name)
{
	for (int c = -1; c >= -64; c--)
		if (!strcmp(c2c_err_name(c), name))
			return c2c_err_http_status(c);
	return 0;
}

static void check_reply(const char *method, const char *target, size_t len, int has_body,
			int admin, const struct http_reply *rep)
{
	json_t *doc, *e, *code, *msg;
	json_error_t jerr;
	int known;
	const struct http_route *route = route_of(target, len, method, &known);

	if (rep->status < 200 || rep->status > 599)
		fz_fail("status outside 200..599", target, len);
	if (rep->status >= 500) {
		fprintf(stderr, "fuzz_http: %d %s\n", rep->status, rep->error);
		fz_fail("a 5xx for a client's request", target, len);
	}
	if (!rep->body || !rep->len || rep->body[rep->len - 1] != '\n' || strlen(rep->body) != rep->len)
		fz_fail("the body is not one line-terminated text", target, len);
	if (!(doc = json_loadb(rep->body, rep->len, JSON_REJECT_DUPLICATES, &jerr))) {
		fprintf(stderr, "fuzz_http: %s\n", jerr.text);
		fz_fail("the body is not JSON", target, len);
	}
	if (rep->status == 200) {
		if (!route || has_body != takes_body(route))
			fz_fail("200 for a request without its route, or with a body the route does not take",
				target, len);
		if (!admin && !is_public(route))
			fz_fail("200 for nobody on a route that is not public", target, len);
		if (json_is_array(doc)) {
			long long n = (long long)json_array_size(doc), lim, off, want;
			if (rep->total < 0)
				fz_fail("an array without X-Total-Count", target, len);
			if (has_param(route, HP_PAGE_OFFSET)) {
				page_of(target, len, &lim, &off);
				want = rep->total <= off ? 0 : rep->total - off;
				if (lim >= 0 && lim < want)
					want = lim;
			} else {
				want = rep->total;
			}
			if (n != want)
				fz_fail("the array is not the page limit/offset ask for of X-Total-Count",
					target, len);
		}
	} else {
		int own = rep->status == 405 || rep->status == 413 || rep->status == 414 ||
			  rep->status == 415;
		if (json_object_size(doc) != 1 || !json_is_object(e = json_object_get(doc, "error")) ||
		    !json_is_string(code = json_object_get(e, "code")) ||
		    !json_is_string(msg = json_object_get(e, "message")) || !json_string_length(msg))
			fz_fail("an error body without error.code and error.message", target, len);
		/* 405, 413, 414 and 415 are the router's own statuses for usage errors */
		if (own ? strcmp(json_string_value(code), "usage")
			: code_status(json_string_value(code)) != rep->status)
			fz_fail("the error code does not go with the status", target, len);
		/* an {id}, a filter or a body naming nothing is the handler's 404;
		 * a route's own exact path asked plainly is no 404 */
		if (rep->status == 404 && known == 2 && !memchr(target, '?', len) && !has_body)
			fz_fail("404 for a route's exact path", target, len);
		if (rep->status == 405 && (!known || route || !rep->allow[0]))
			fz_fail("405 for a path no route has, or for its own method, or no Allow",
				target, len);
	}
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get"};
	static const char *types[] = {NULL, "application/json", "application/json; charset=utf-8",
				      "text/plain"};
	const char *method, *target, *body = NULL;
	struct http_reply rep;
	size_t len, body_len = 0;
	int has_body, known, admin;

	if (size < 1)
		return 0;
	method = methods[data[0] & 7];
	has_body = (data[0] >> 3) & 1;
	target = (const char *)data + 1;
	len = strnlen(target, size - 1);
	if (has_body) {
		body = len + 1 < size - 1 ? target + len + 1 : "";
		body_len = len + 1 < size - 1 ? size - 1 - len - 1 : 0;
	}
	admin = (data[0] >> 4) & 1;
	memset(&fz_cred, 0, sizeof(fz_cred));
	fz_cred.client = "fuzz";
	fz_cred.content_type = types[(data[0] >> 5) & 3];
	if (data[0] >> 7) { /* credentials nobody was given */
		fz_cred.session = "c2c-fuzz-session-that-was-never-issued";
		fz_cred.csrf = "c2c-fuzz-csrf";
		fz_cred.bearer = "c2c-fuzz-token-that-was-never-issued";
	}
	if (admin)
		fz_cred.bearer = fz_token;
	/* without a body, what follows the target's NUL is an Accept-Language
	 * header (core/lang.c reads it before anything else of the request) */
	char lang[256];
	if (!has_body && len + 2 < size) {
		size_t n = strnlen(target + len + 1, size - 1 - len - 1);
		snprintf(lang, sizeof(lang), "%.*s", (int)(n < sizeof(lang) ? n : sizeof(lang) - 1), target + len + 1);
		fz_cred.accept_language = lang;
	}

	check_decode(target, len, 0);
	check_decode(target, len, 1);
	{
		const char *q = memchr(target, '?', len);
		if (q)
			check_query(q + 1, len - (size_t)(q + 1 - target));
	}

	dispatch(method, target, len, body, body_len, &rep);
	check_reply(method, target, len, has_body, admin, &rep);
	if (!strcmp(method, "HEAD") && route_of(target, len, "GET", &known)) {
		/* where GET has its route (a 405 names the method it refuses) */
		struct http_reply get;
		dispatch("GET", target, len, body, body_len, &get);
		if (get.status != rep.status || get.len != rep.len || get.total != rep.total ||
		    memcmp(get.body, rep.body, rep.len))
			fz_fail("HEAD and GET got different replies", target, len);
		http_reply_release(&get);
	}
	http_reply_release(&rep);
	return 0;
}
