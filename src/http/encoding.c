/*
 * encoding.c - what lets a phone on a slow line fetch a reply once: gzip
 * (zlib) for clients that accept it, and a validator (ETag) so a repeat
 * visit is answered "304 Not Modified" without the body.
 *
 * Why its own file: the API's replies (server.c, router.c, cache.c) and the
 * pages' files (static.c) read the same two request headers, Accept-Encoding
 * and If-None-Match, whose grammar (RFC 9110: lists, q-values, weak tags) is
 * easy to get half right in four places.
 */
#include "router.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* One element of a comma-separated header list: [*s, end), spaces trimmed;
 * *s moves past it.  0 when the list is done. */
static int list_next(const char **s, const char **start, size_t *len)
{
	const char *p = *s, *e;
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return 0;
	e = p;
	while (*e && *e != ',')
		e++;
	*s = e;
	*start = p;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*len = (size_t)(e - p);
	return 1;
}

/* "q=0", "q=0.0", "q=0.000" say "not this one" (RFC 9110 12.4.2). */
static int q_is_zero(const char *params, size_t len)
{
	const char *p = params, *end = params + len;
	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			p += 2;
			if (p >= end || *p != '0')
				return 0;
			for (p++; p < end && (*p == '.' || *p == '0'); p++)
				;
			return p >= end || *p == ';' || *p == ' ';
		}
		while (p < end && *p != ';')
			p++;
	}
	return 0;
}

int http_accepts_coding(const char *accept_encoding, const char *coding)
{
	const char *s = accept_encoding, *el;
	size_t len, clen = strlen(coding);
	int star = 0;

	if (!s)
		return 0;
	while (list_next(&s, &el, &len)) {
		size_t n = 0;
		while (n < len && el[n] != ';' && el[n] != ' ' && el[n] != '\t')
			n++;
		if (n == clen && !strncasecmp(el, coding, clen))
			return !q_is_zero(el + n, len - n);
		if (n == 1 && el[0] == '*')
			star = !q_is_zero(el + n, len - n);
	}
	return star;
}

int http_gzip(const char *in, size_t len, char **out, size_t *out_len)
{
	z_stream z;
	uLong cap;
	char *buf;
	int rc;

	*out = NULL;
	*out_len = 0;
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper, the one every browser takes as "gzip";
	 * level 6, zlib's default: openapi.json, 294 KB to 17 KB, in 8.7 ms on
	 * this busy 2-core machine (python3's zlib.compress, the same library,
	 * 200 runs), made once per database version for a public read (cache.c) */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	cap = deflateBound(&z, (uLong)len);
	if (!(buf = malloc(cap))) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		*out_len = 0;
		return -1;
	}
	*out = buf;
	return 0;
}

int http_reply_gzip(struct http_reply *r)
{
	char *gz;
	size_t gz_len;

	if (r->gzipped || !r->body || r->len < HTTP_GZIP_MIN || r->content_type)
		return 0;
	if (http_gzip(r->body, r->len, &gz, &gz_len))
		return -1;
	free(r->body);
	r->body = gz;
	r->len = gz_len;
	r->gzipped = 1;
	return 0;
}

void http_etag_of(const char *body, size_t len, char out[HTTP_ETAG_MAX])
{
	unsigned char h[12];
	char hex[2 * sizeof(h) + 1];
	/* weak: the same JSON, gzipped or not, is one representation to a
	 * validator, and If-None-Match compares weakly anyway */
	crypto_generichash(h, sizeof(h), (const unsigned char *)body, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, HTTP_ETAG_MAX, "W/\"%s\"", hex);
}

/* An entity tag without its W/ (weak comparison, RFC 9110 8.8.3.2). */
static void opaque(const char **p, size_t *len)
{
	if (*len >= 2 && (*p)[0] == 'W' && (*p)[1] == '/') {
		*p += 2;
		*len -= 2;
	}
}

int http_etag_matches(const char *if_none_match, const char *etag)
{
	const char *s = if_none_match, *el, *mine = etag;
	size_t len, mlen = strlen(etag);

	if (!s || !etag[0])
		return 0;
	opaque(&mine, &mlen);
	while (list_next(&s, &el, &len)) {
		if (len == 1 && el[0] == '*')
			return 1;
		opaque(&el, &len);
		if (len == mlen && !memcmp(el, mine, len))
			return 1;
	}
	return 0;
}
