/*
 * test_core.c - unit tests of core/: UTF-8, CSV, dates, capped buffers,
 * country codes, the error table, rows as CSV and XLSX, and the Japanese
 * message catalogue (lang.c).
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
#include "core/lang.h"
#include "core/rows.h"
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

/* Fiscal years as people write them: the Western year and the Japanese era,
 * each form the CLI's --fy and the API's fy take (date_parse_fy). */
static void test_fiscal_year_forms(void **state)
{
	static const struct {
		const char *text;
		int fy;
	} good[] = {
		{"2022", 2022},       {"2022年度", 2022},   {"FY2022", 2022},      {"令和4", 2022},
		{"令和4年度", 2022},  {"令和４年度", 2022}, {"R4", 2022},          {"r4", 2022},
		{"令和元年度", 2019}, {"令和元", 2019},     {"平成31年度", 2019},  {"平成29年度", 2017},
		{"平成29", 2017},     {"H29", 2017},        {"平成25年度", 2013},  {"令和7年", 2025},
		{" 令和 5 ", 2023},   {"昭和60年度", 1985}, {"S64", 1989},        {"昭和元年", 1926},
		{"大正15年", 1926},   {"T1", 1912},         {"明治元年", 1868},    {"M45", 1912},
	};
	static const char *const bad[] = {"", "twenty", "22", "20222", "令和", "令和0年度", "平成32年度",
					  "R", "2022年度です", "昭和65年度", "令和4年度x", "H", "FY",
					  "大正16年", "M46", "明治0年"};
	char why[160];
	int fy;
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = date_parse_fy(good[i].text, &fy, why, sizeof(why));
		if (rc || fy != good[i].fy)
			fail_msg("'%s': rc %d, fy %d, want %d", good[i].text, rc, fy, good[i].fy);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (date_parse_fy(bad[i], &fy, why, sizeof(why)) != C2C_EINPUT || fy != 0 || !why[0])
			fail_msg("'%s' was taken as %d", bad[i], fy);
	}
	date_parse_fy("平成32年度", &fy, why, sizeof(why));
	assert_string_equal(why, "平成 has no year 32: it runs from 元年 (1) to 31");
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

/* The columns are every key in order of first appearance, not the first
 * row's alone; cells are exact; a record's table is found by name. */
static void test_rows(void **state)
{
	json_t *rows = json_loads("[{\"id\":\"a\",\"t\":10000000000000001},"
				  "{\"id\":\"b,c\",\"extra\":[{\"name_ja\":\"富山市\"},{\"id\":\"x\"}],\"o\":{\"k\":1},\"r\":0.1}]",
				  0, NULL);
	json_t *doc = json_pack("{s:i, s:O}", "n", 2, "periods", rows);
	struct strbuf sb;
	struct c2c_err err;

	(void)state;
	assert_non_null(rows);
	strbuf_init(&sb, 0);
	assert_int_equal(rows_csv(rows, NULL, 1, 1, &sb), 0);
	assert_string_equal(strbuf_str(&sb), "\xEF\xBB\xBFid,t,extra,o,r\r\n"
					     "a,10000000000000001,,,\r\n"
					     "\"b,c\",,富山市;x,\"{\"\"k\"\":1}\",0.1\r\n");
	strbuf_reset(&sb);
	assert_ptr_equal(rows_table_of(doc), json_object_get(doc, "periods"));
	assert_ptr_equal(rows_table_of(rows), rows);
	assert_null(rows_table_of(json_object_get(json_array_get(rows, 1), "o")));
	{ /* a table in a part of the record (a report's result) is found there */
		json_t *nested = json_pack("{s:i, s:{s:s, s:O}}", "id", 1, "result", "m", "x", "meters", rows);
		assert_ptr_equal(rows_table_of(nested), rows);
		json_decref(nested);
	}
	c2c_err_clear(&err);
	assert_int_equal(rows_xlsx(doc, "ignored", &sb, &err), 0);
	assert_true(sb.len > 1000);
	assert_memory_equal(sb.buf, "PK\x03\x04", 4); /* a zip: the workbook */
	strbuf_release(&sb);
	json_decref(doc);
	json_decref(rows);
}

/* Every catalogue entry has the same printf conversions in both languages
 * (else vsnprintf would read the wrong arguments), and no English format is
 * there twice (the second would never be found). */
static void test_msg_catalogue(void **state)
{
	char a[128], b[128], copy[1024];
	size_t bad = 0;
	(void)state;
	assert_true(c2c_msg_count() > 100);
	for (size_t i = 0; i < c2c_msg_count(); i++) {
		const char *en, *ja;
		c2c_msg_entry(i, &en, &ja);
		if (c2c_fmt_signature(en, a, sizeof(a)) || c2c_fmt_signature(ja, b, sizeof(b)) || strcmp(a, b)) {
			print_error("conversions differ: \"%s\" [%s] / \"%s\" [%s]\n", en, a, ja, b);
			bad++;
		}
		if (!utf8_chars(ja) || utf8_invalid_at(ja, strlen(ja)) != (size_t)-1) {
			print_error("not UTF-8 or empty: \"%s\"\n", en);
			bad++;
		}
		for (size_t j = 0; j < i; j++) {
			const char *en2, *ja2;
			c2c_msg_entry(j, &en2, &ja2);
			if (!strcmp(en, en2)) {
				print_error("twice in the catalogue: \"%s\"\n", en);
				bad++;
			}
		}
		/* found by its content, whatever the pointer: a copy finds it */
		snprintf(copy, sizeof(copy), "%s", en);
		if (c2c_msg_ja(copy) != ja) {
			print_error("not found by its text: \"%s\"\n", en);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	assert_int_equal(c2c_msg_rejected(), 0);
	assert_null(c2c_msg_ja("a message nobody wrote %d"));
}

static void test_fmt_signature(void **state)
{
	char s[64];
	(void)state;
	assert_int_equal(c2c_fmt_signature("row %zu, %.*s: %5.2f%% of %-8s %lld %X", s, sizeof(s)), 0);
	assert_string_equal(s, "zu .*s f s lld x");
	assert_int_equal(c2c_fmt_signature("%.0s件", s, sizeof(s)), 0);
	assert_string_equal(s, "s");
	assert_int_equal(c2c_fmt_signature("%1$s", s, sizeof(s)), -1);
	assert_int_equal(c2c_fmt_signature("%n", s, sizeof(s)), -1);
	assert_int_equal(c2c_fmt_signature("50%", s, sizeof(s)), -1);
}

/* An error is set in both languages at once; prefix, detail, hint and the
 * copy keep both; a format without Japanese leaves the English to stand. */
static void test_err_languages(void **state)
{
	struct c2c_err e, f;
	(void)state;
	c2c_err_at(&e, C2C_EUSAGE, "format", "%s '%.32s' is not known (use json, csv or xlsx)", "format", "pdf");
	assert_string_equal(e.msg, "format 'pdf' is not known (use json, csv or xlsx)");
	assert_string_equal(c2c_err_msg_in(&e, C2C_LANG_EN), e.msg);
	assert_string_equal(c2c_err_msg_in(&e, C2C_LANG_JA), "format「pdf」は使えません（json、csv、xlsx のいずれか）");
	assert_string_equal(e.field, "format");
	c2c_err_hint(&e, "GET /api/v1/openapi.json lists every route");
	assert_string_equal(c2c_err_hint_in(&e, C2C_LANG_JA), "使えるルートの一覧は GET /api/v1/openapi.json にあります");
	c2c_err_prefix(&e, "request body");
	assert_string_equal(e.msg, "request body: format 'pdf' is not known (use json, csv or xlsx)");
	assert_string_equal(e.msg_ja, "request body: format「pdf」は使えません（json、csv、xlsx のいずれか）");
	c2c_err_copy(&f, &e);
	assert_string_equal(c2c_err_msg_in(&f, C2C_LANG_JA), e.msg_ja);
	c2c_err_set(&e, C2C_EINPUT, "a message nobody wrote %d", 7);
	assert_string_equal(c2c_err_msg_in(&e, C2C_LANG_JA), "a message nobody wrote 7");
	c2c_err_prefix(&e, "nor this %s", "one");
	assert_string_equal(c2c_err_msg_in(&e, C2C_LANG_JA), "nor this one: a message nobody wrote 7");
	assert_string_equal(e.msg_ja, "");
	/* a text's problem: the subject and the reason, each translated */
	assert_int_equal(utf8_text_field("a\x01", 0, 0, "holder", "the holder name", &e), C2C_EINPUT);
	assert_string_equal(e.msg, "the holder name has a control character U+0001 at character 2");
	assert_string_equal(e.msg_ja, "名義に制御文字 U+0001 があります（2 文字目）");
	assert_string_equal(e.field, "holder");
	assert_int_equal(utf8_text_field("ab", 1, 0, "x", "a subject nobody wrote", &e), C2C_EINPUT);
	assert_string_equal(c2c_err_msg_in(&e, C2C_LANG_JA), "a subject nobody wrote is 2 characters, more than the 1 allowed");
}

static void test_lang_choice(void **state)
{
	enum c2c_lang l = C2C_LANG_EN;
	(void)state;
	assert_int_equal(c2c_lang_from_accept(NULL), C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_accept(""), C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_accept("ja"), C2C_LANG_JA);
	assert_int_equal(c2c_lang_from_accept("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7"), C2C_LANG_JA);
	assert_int_equal(c2c_lang_from_accept("en-US,en;q=0.9,ja;q=0.8"), C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_accept("fr, ja;q=0.5, en;q=0.4"), C2C_LANG_JA);
	assert_int_equal(c2c_lang_from_accept("en;q=0.2 , JA ; q=0.85"), C2C_LANG_JA);
	assert_int_equal(c2c_lang_from_accept("ja;q=0, en"), C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_accept("ja;q=0"), C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_accept("jav, de"), C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_accept("*"), C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_tag("ja_JP", &l), 0);
	assert_int_equal(l, C2C_LANG_JA);
	assert_int_equal(c2c_lang_from_tag("EN", &l), 0);
	assert_int_equal(l, C2C_LANG_EN);
	assert_int_equal(c2c_lang_from_tag("jp", &l), -1);
	assert_int_equal(c2c_lang_from_tag("japanese", &l), -1);
	/* the thread's language picks the format of c2c_tr */
	assert_string_equal(c2c_tr("out of memory"), "out of memory");
	c2c_lang_use(C2C_LANG_JA);
	assert_string_equal(c2c_tr("out of memory"), "メモリが不足しました");
	assert_string_equal(c2c_tr("a message nobody wrote %d"), "a message nobody wrote %d");
	c2c_lang_use(C2C_LANG_EN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_validation), cmocka_unit_test(test_utf8_width),
		cmocka_unit_test(test_utf8_text_check),
		cmocka_unit_test(test_dates), cmocka_unit_test(test_fiscal_year_forms),           cmocka_unit_test(test_csv_reading),
		cmocka_unit_test(test_csv_errors),      cmocka_unit_test(test_csv_writing),
		cmocka_unit_test(test_csv_decimal),
		cmocka_unit_test(test_strbuf_cap),      cmocka_unit_test(test_countries_and_errors),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_msg_catalogue),   cmocka_unit_test(test_fmt_signature),
		cmocka_unit_test(test_err_languages),   cmocka_unit_test(test_lang_choice),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
