/*
 * test_core.c - unit tests of core/: UTF-8, CSV, dates, capped buffers,
 * country codes and the error table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/csv.h"
#include "core/date.h"
#include "core/err.h"
#include "core/iso3166.h"
#include "core/strbuf.h"
#include "core/utf8.h"

static void test_utf8_validation(void **state)
{
	(void)state;
	assert_int_equal(utf8_invalid_at("富山市 Toyama", strlen("富山市 Toyama")), (size_t)-1);
	assert_int_equal(utf8_invalid_at("ab\xC0\x80", 4), 2);          /* overlong NUL */
	assert_int_equal(utf8_invalid_at("\xED\xA0\x80", 3), 0);        /* surrogate */
	assert_int_equal(utf8_invalid_at("x\xE3\x81", 3), 1);           /* truncated */
	assert_int_equal(utf8_invalid_at("\xF4\x90\x80\x80", 4), 0);    /* > U+10FFFF */
	assert_int_equal(utf8_invalid_at("\xE3\x81\x82\xFF", 4), 3);    /* stray byte */
	assert_int_equal(utf8_chars("富山"), 2);
	assert_int_equal(utf8_chars("Da Nang"), 7);
}

static void test_utf8_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width("富山市"), 6);
	assert_int_equal(utf8_width("Toyama"), 6);
	assert_int_equal(utf8_width("ダナン市 Da Nang"), 16);
}

/* issue 18 item 4: what text may hold */
static void test_utf8_text_check(void **state)
{
	char why[160];
	(void)state;
	assert_int_equal(utf8_text_check("富山市 Toyama", 0, 0, why, sizeof(why)), 0);
	assert_int_equal(utf8_text_check("a\x1b[31mred", 0, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "has a control character U+001B at character 2");
	assert_int_equal(utf8_text_check("a\x01" "b", 0, 0, why, sizeof(why)), -1);
	assert_int_equal(utf8_text_check("a\x7f", 0, 0, why, sizeof(why)), -1);
	assert_int_equal(utf8_text_check("a\xc2\x9b" "b", 0, 0, why, sizeof(why)), -1); /* C1 CSI */
	assert_int_equal(utf8_text_check("file\xe2\x80\xaetxt.exe", 0, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "has a bidirectional control U+202E at character 5");
	assert_int_equal(utf8_text_check("\xe2\x81\xa6x", 0, 0, why, sizeof(why)), -1); /* U+2066 */
	assert_int_equal(utf8_text_check("line 1\nline 2", 0, 0, why, sizeof(why)), -1);
	assert_int_equal(utf8_text_check("line 1\n\tline 2", 0, UTF8_TEXT_LINES, why, sizeof(why)), 0);
	assert_int_equal(utf8_text_check("line 1\r\nline 2", 0, UTF8_TEXT_LINES, why, sizeof(why)), -1);
	assert_int_equal(utf8_text_check("富山市", 3, 0, why, sizeof(why)), 0);
	assert_int_equal(utf8_text_check("富山市", 2, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "is 3 characters, more than the 2 allowed");
	assert_int_equal(utf8_text_check("x\xe3\x81", 0, 0, why, sizeof(why)), -1);
	assert_string_equal(why, "is not valid UTF-8 (byte 2)");
}

static void test_dates(void **state)
{
	char why[128];
	(void)state;
	assert_int_equal(date_check("2024-02-29", why, sizeof(why)), 0);
	assert_int_equal(date_check("2017-11", why, sizeof(why)), 0);
	assert_int_equal(date_check("2013", why, sizeof(why)), 0);
	assert_int_equal(date_check("2023-02-29", why, sizeof(why)), C2C_EINPUT);
	assert_string_equal(why, "2023-02 has 28 days");
	assert_int_equal(date_check("2024-02-30", why, sizeof(why)), C2C_EINPUT);
	assert_int_equal(date_check("2024-13", why, sizeof(why)), C2C_EINPUT);
	assert_string_equal(why, "month 13 does not exist");
	assert_int_equal(date_check("平成29年11月", why, sizeof(why)), C2C_EINPUT);
	assert_int_equal(date_check("24-01-01", why, sizeof(why)), C2C_EINPUT);
	assert_int_equal(date_check("2024/01/01", why, sizeof(why)), C2C_EINPUT);
	assert_int_equal(date_fiscal_year("2020-03-31"), 2019);
	assert_int_equal(date_fiscal_year("2020-04-01"), 2020);
	assert_int_equal(date_fiscal_year("2020"), -1);
	assert_true(date_fylist_has("2017;2020;2021", 2020, 2020));
	assert_false(date_fylist_has("2017;2020;2021", 2018, 2019));
	assert_true(date_fylist_has("2017", 0, 2017));
	assert_false(date_fylist_has("", 0, 0));
}

struct rows {
	size_t n;
	size_t line[8];
	char text[8][64];
};

static int collect(const struct csv_row *row, void *ctx, struct c2c_err *err)
{
	struct rows *r = ctx;
	(void)err;
	if (r->n < 8) {
		r->line[r->n] = row->line;
		snprintf(r->text[r->n], sizeof(r->text[0]), "%zu:%s|%s", row->nfields, row->field[0],
			 row->nfields > 1 ? row->field[1] : "");
	}
	r->n++;
	return 0;
}

static void test_csv_reading(void **state)
{
	const char in[] = "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\", z \nlast,row";
	struct rows r = {0};
	struct c2c_err err;
	(void)state;
	assert_int_equal(csv_read_mem(in, strlen(in), "t.csv", collect, &r, &err), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.text[0], "2:a|b");
	assert_string_equal(r.text[1], "2:x, y|say \"hi\"");
	assert_string_equal(r.text[2], "2:multi\nline| z "); /* spaces kept */
	assert_string_equal(r.text[3], "2:last|row");       /* no final newline */
	assert_int_equal(r.line[3], 4); /* records, not physical lines; blank lines skipped */
}

static void test_csv_errors(void **state)
{
	struct rows r = {0};
	struct c2c_err err;
	const char bad_utf8[] = "a,b\nok,\xE3\x81\n";
	const char unclosed[] = "a,b\n\"open,b\n";
	const char stray[] = "a,b\nx\"y,b\n";
	char *big;
	(void)state;

	assert_int_equal(csv_read_mem(bad_utf8, strlen(bad_utf8), "u.csv", collect, &r, &err), C2C_EINPUT);
	assert_string_equal(err.msg, "u.csv: row 2, column 2: invalid UTF-8 at byte 1 of the field");
	assert_int_equal(csv_read_mem(unclosed, strlen(unclosed), "q.csv", collect, &r, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "q.csv: row 2"));
	assert_int_equal(csv_read_mem(stray, strlen(stray), "s.csv", collect, &r, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "s.csv: row 2, column 1: malformed quoting"));

	big = malloc(CSV_FIELD_MAX + 100);
	memcpy(big, "a\n", 2);
	memset(big + 2, 'x', CSV_FIELD_MAX + 10);
	big[CSV_FIELD_MAX + 12] = '\n';
	assert_int_equal(csv_read_mem(big, CSV_FIELD_MAX + 13, "b.csv", collect, &r, &err), C2C_EINPUT);
	assert_non_null(strstr(err.msg, "b.csv: row 2, column 1: field"));
	assert_non_null(strstr(err.msg, "limit"));
	free(big);
}

/* issue 18 item 9: numbers in files are decimal */
static void test_csv_decimal(void **state)
{
	double v = 0;
	(void)state;
	assert_int_equal(csv_decimal("36.6959", &v), 0);
	assert_true(v == 36.6959);
	assert_int_equal(csv_decimal("-1.5e3", &v), 0);
	assert_true(v == -1500);
	assert_int_equal(csv_decimal(".5", &v), 0);
	assert_int_equal(csv_decimal("5.", &v), 0);
	assert_int_equal(csv_decimal("+7", &v), 0);
	v = 42;
	const char *bad[] = {"0x1p3", "0X10", "inf", "-Infinity", "nan", " 1", "1 ", "", "-", ".", "1e", "1e+",
			     "1,5", "1e400", "e5", "1.2.3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(csv_decimal(bad[i], &v), -1);
	assert_true(v == 42); /* untouched when refused */
}

static void test_csv_writing(void **state)
{
	struct strbuf sb;
	(void)state;
	strbuf_init(&sb, 0);
	csv_put_field(&sb, "plain");
	strbuf_addch(&sb, ',');
	csv_put_field(&sb, "a,b");
	strbuf_addch(&sb, ',');
	csv_put_field(&sb, "say \"hi\"");
	assert_string_equal(strbuf_str(&sb), "plain,\"a,b\",\"say \"\"hi\"\"\"");
	strbuf_release(&sb);
}

static void test_strbuf_cap(void **state)
{
	struct strbuf sb;
	(void)state;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_addstr(&sb, "12345678"), 0);
	assert_int_equal(strbuf_addch(&sb, '9'), C2C_ENOMEM);
	assert_string_equal(strbuf_str(&sb), "12345678"); /* unchanged on refusal */
	assert_int_equal(strbuf_addf(&sb, "%d", 1), C2C_ENOMEM);
	strbuf_release(&sb);
}

static void test_countries_and_errors(void **state)
{
	struct c2c_err err;
	(void)state;
	assert_true(iso3166_is_code("JP"));
	assert_true(iso3166_is_code("FM"));
	assert_false(iso3166_is_code("XX"));
	assert_false(iso3166_is_code("jp"));
	assert_false(iso3166_is_code("JPN"));
	assert_int_equal(c2c_err_exit_status(C2C_EINPUT), 3);
	assert_int_equal(c2c_err_http_status(C2C_ENOTFOUND), 404);
	assert_string_equal(c2c_err_name(C2C_EDB), "database");
	c2c_err_set(&err, C2C_EINPUT, "row %d", 3);
	c2c_err_prefix(&err, "f.csv");
	assert_string_equal(err.msg, "f.csv: row 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_validation), cmocka_unit_test(test_utf8_width),
		cmocka_unit_test(test_utf8_text_check),
		cmocka_unit_test(test_dates),           cmocka_unit_test(test_csv_reading),
		cmocka_unit_test(test_csv_errors),      cmocka_unit_test(test_csv_writing),
		cmocka_unit_test(test_csv_decimal),
		cmocka_unit_test(test_strbuf_cap),      cmocka_unit_test(test_countries_and_errors),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
