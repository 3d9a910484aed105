/*
 * query.c - reading a request target's query string: percent-decoding,
 * splitting into name=value pairs, and refusing what a handler must never
 * see (a NUL byte, invalid UTF-8, a parameter given twice).
 *
 * Ours rather than libmicrohttpd's: its decoder keeps bad escapes as they
 * are and lets %00 cut a value short without a word; here both are errors
 * with a message naming the parameter, and the rules sit in one small place
 * a fuzzer can reach.  Decoding is done in place: a decoded string is never
 * longer than its encoding, so the request's one buffer is enough.
 */
#include "router.h"
#include "core/utf8.h"

#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int http_pct_decode(char *s, size_t *len, int plus_is_space, const char *what,
		    struct c2c_err *err)
{
	size_t i, j = 0, n = *len, bad;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			/* both digits must lie inside the string: "%4" at the end is bad */
			int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return c2c_err_set(err, C2C_EUSAGE,
						   "%s: bad percent-encoding at byte %zu (use %%XX with two hex digits)",
						   what, i + 1);
			s[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			s[j++] = ' ';
		} else {
			s[j++] = c;
		}
	}
	s[j] = '\0';
	*len = j;
	if (memchr(s, '\0', j))
		return c2c_err_set(err, C2C_EINPUT, "%s: contains a NUL byte (%%00)", what);
	if ((bad = utf8_invalid_at(s, j)) != (size_t)-1)
		return c2c_err_set(err, C2C_EINPUT, "%s: not valid UTF-8 (decoded byte %zu)", what,
				   bad + 1);
	return 0;
}

int http_query_parse(char *query, size_t len, struct http_request *rq, struct c2c_err *err)
{
	char *p = query, *end = query + len;

	rq->nparams = 0;
	while (p < end) {
		char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		char *seg_end = amp ? amp : end;
		size_t nlen, vlen;
		int rc;

		if (seg_end == p) { /* "a=1&&b=2": an empty piece says nothing */
			p = seg_end + 1;
			continue;
		}
		eq = memchr(p, '=', (size_t)(seg_end - p));
		if (!eq)
			return c2c_err_set(err, C2C_EUSAGE,
					   "query parameter '%.*s' has no value (write name=value)",
					   (int)((seg_end - p) > 64 ? 64 : (seg_end - p)), p);
		if (rq->nparams == HTTP_MAX_PARAMS)
			return c2c_err_set(err, C2C_EUSAGE, "more than %d query parameters",
					   HTTP_MAX_PARAMS);
		nlen = (size_t)(eq - p);
		vlen = (size_t)(seg_end - eq - 1);
		if ((rc = http_pct_decode(p, &nlen, 1, "a query parameter name", err)))
			return rc;
		if (!nlen)
			return c2c_err_set(err, C2C_EUSAGE, "a query parameter has an empty name");
		if ((rc = http_pct_decode(eq + 1, &vlen, 1, p, err)))
			return rc;
		for (size_t k = 0; k < rq->nparams; k++)
			if (!strcmp(rq->name[k], p))
				return c2c_err_set(err, C2C_EUSAGE, "query parameter '%s' given twice",
						   p);
		rq->name[rq->nparams] = p;
		rq->value[rq->nparams] = eq + 1;
		rq->num[rq->nparams] = 0;
		rq->nparams++;
		p = seg_end + 1;
	}
	return 0;
}
