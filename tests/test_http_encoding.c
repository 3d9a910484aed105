/*
 * test_http_encoding.c - the header grammar of src/http/encoding.c, which
 * decides whether a client gets gzip or brotli and whether a repeat visit is
 * answered 304: a misread list or q-value sends bytes a client cannot
 * decode, or a stale page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "http/router.h"

static void accepts_coding(void **state)
{
	(void)state;
	assert_true(http_accepts_coding("gzip", "gzip"));
	assert_true(http_accepts_coding("gzip, deflate, br", "br"));
	assert_true(http_accepts_coding(" GZip ;q=0.5", "gzip"));
	assert_true(http_accepts_coding("*", "gzip"));
	assert_false(http_accepts_coding(NULL, "gzip"));
	assert_false(http_accepts_coding("", "gzip"));
	assert_false(http_accepts_coding("identity", "gzip"));
	assert_false(http_accepts_coding("gzip;q=0", "gzip"));
	assert_false(http_accepts_coding("gzip; q=0.000, br", "gzip"));
	assert_true(http_accepts_coding("gzip;q=0.001", "gzip"));
	assert_false(http_accepts_coding("*, gzip;q=0", "gzip")); /* the named one wins */
	assert_false(http_accepts_coding("*;q=0", "gzip"));
	assert_false(http_accepts_coding("xgzip, gzipx", "gzip"));
	assert_false(http_accepts_coding("br", "gzip"));
}

static void etag_matches(void **state)
{
	char tag[HTTP_ETAG_MAX], other[HTTP_ETAG_MAX];
	(void)state;
	http_etag_of("[1]\n", 4, tag);
	http_etag_of("[2]\n", 4, other);
	assert_int_equal(strncmp(tag, "W/\"", 3), 0);
	assert_string_not_equal(tag, other);
	assert_true(http_etag_matches(tag, tag));
	assert_true(http_etag_matches(tag + 2, tag)); /* weak comparison: W/ or not */
	assert_true(http_etag_matches("*", tag));
	char list[128];
	snprintf(list, sizeof(list), "\"a\", %s , W/\"b\"", other);
	assert_false(http_etag_matches(list, tag));
	snprintf(list, sizeof(list), "\"a\",%s", tag);
	assert_true(http_etag_matches(list, tag));
	assert_false(http_etag_matches(NULL, tag));
	assert_false(http_etag_matches("", tag));
	assert_false(http_etag_matches(tag, ""));
}

static void gzip_round_trip(void **state)
{
	struct http_reply r;
	char *plain = malloc(20000);
	unsigned char back[20001];
	uLongf n = sizeof(back);
	z_stream z;
	(void)state;
	assert_non_null(plain);
	for (size_t i = 0; i < 20000; i++)
		plain[i] = "{\"a\":1},"[i % 8];
	memset(&r, 0, sizeof(r));
	r.body = plain;
	r.len = 20000;
	assert_int_equal(http_reply_gzip(&r), 0);
	assert_true(r.gzipped);
	assert_true(r.len < 1000);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)r.body;
	z.avail_in = (uInt)r.len;
	z.next_out = back;
	z.avail_out = (uInt)n;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, 20000);
	inflateEnd(&z);
	for (size_t i = 0; i < 20000; i++)
		assert_int_equal(back[i], (unsigned char)"{\"a\":1},"[i % 8]);
	assert_int_equal(http_reply_gzip(&r), 0); /* once only */
	free(r.body);

	/* under HTTP_GZIP_MIN, and a download, go as they are */
	memset(&r, 0, sizeof(r));
	r.body = strdup("[]\n");
	r.len = 3;
	assert_int_equal(http_reply_gzip(&r), 0);
	assert_false(r.gzipped);
	free(r.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_coding),
		cmocka_unit_test(etag_matches),
		cmocka_unit_test(gzip_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
