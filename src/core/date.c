/*
 * date.c - calendar checks for ISO dates of varying precision.
 */
#include "date.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int date_check(const char *s, char *why, unsigned whylen)
{
	size_t n = strlen(s);
	int y, m, d;

	if (n != 4 && n != 7 && n != 10)
		goto form;
	y = digits(s, 4);
	if (y < 1000)
		goto form;
	if (n == 4)
		return 0;
	if (s[4] != '-' || (m = digits(s + 5, 2)) < 0)
		goto form;
	if (m < 1 || m > 12) {
		snprintf(why, whylen, "month %02d does not exist", m);
		return C2C_EINPUT;
	}
	if (n == 7)
		return 0;
	if (s[7] != '-' || (d = digits(s + 8, 2)) < 0)
		goto form;
	if (d < 1 || d > days_in_month(y, m)) {
		snprintf(why, whylen, "%04d-%02d has %d days", y, m, days_in_month(y, m));
		return C2C_EINPUT;
	}
	return 0;
form:
	snprintf(why, whylen, "not a date of the form YYYY, YYYY-MM or YYYY-MM-DD");
	return C2C_EINPUT;
}

int date_fiscal_year(const char *s)
{
	char why[8];
	int y, m;
	if (strlen(s) < 7 || date_check(s, why, sizeof(why)))
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	return m >= 4 ? y : y - 1;
}

int date_fylist_has(const char *list, int from, int to)
{
	for (const char *p = list; *p;) {
		int y = (int)strtol(p, NULL, 10);
		if ((!from || y >= from) && (!to || y <= to))
			return 1;
		p = strchr(p, ';');
		if (!p)
			break;
		p++;
	}
	return 0;
}

/* The eras a year is written in (元号), with the year before each era's
 * first (令和元年 = 2019) and its last year number (平成 ended in its 31st
 * year; 令和 is open).  An era's first year is the Gregorian year it began
 * in, as the government counts it: 令和 from 2019-05-01 (元号を改める政令,
 * 平成31年政令第143号), 平成 from 1989-01-08 (元号を改める政令, 昭和64年政令
 * 第1号), both under the 元号法 (昭和54年法律第43号); 昭和 from 1926-12-25,
 * 大正 from 1912-07-30 and 明治 from 1868 (明治元年, the 改元の詔 of
 * 慶応4年9月8日 applying to the whole year).  Last years: 昭和64 (1989),
 * 大正15 (1926), 明治45 (1912).  The letters are the abbreviations of
 * forms and ISO-style dates (R5, H27, S64, T15, M45). */
static const struct {
	const char *name;
	char letter;
	int base, last;
} fy_eras[] = {
	{"令和", 'R', 2018, 0},
	{"平成", 'H', 1988, 31},
	{"昭和", 'S', 1925, 64},
	{"大正", 'T', 1911, 15},
	{"明治", 'M', 1867, 45},
};

/* One digit at *p, ASCII or full-width (U+FF10..U+FF19); -1 if none.  *p
 * moves past it. */
static int fy_digit(const char **p)
{
	const unsigned char *u = (const unsigned char *)*p;
	if (u[0] >= '0' && u[0] <= '9') {
		*p += 1;
		return u[0] - '0';
	}
	if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
		*p += 3;
		return u[2] - 0x90;
	}
	return -1;
}

/* A run of at most `most` digits at *p into *n; the count read. */
static int fy_number(const char **p, int most, int *n)
{
	int k = 0, d;
	*n = 0;
	while (k < most && (d = fy_digit(p)) >= 0) {
		*n = *n * 10 + d;
		k++;
	}
	return k;
}

static int skip(const char **p, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(*p, word, n))
		return 0;
	*p += n;
	return 1;
}

int date_parse_fy(const char *s, int *fy, char *why, unsigned whylen)
{
	const char *p = s;
	int n, era = -1;

	*fy = 0;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < sizeof(fy_eras) / sizeof(fy_eras[0]) && era < 0; i++)
		if (skip(&p, fy_eras[i].name) ||
		    ((*p == fy_eras[i].letter || *p == fy_eras[i].letter + ('a' - 'A')) && p++))
			era = (int)i;
	if (era < 0) {
		if (!skip(&p, "FY"))
			skip(&p, "fy");
		if (fy_number(&p, 5, &n) != 4)
			goto form;
		*fy = n;
	} else {
		while (*p == ' ')
			p++;
		if (skip(&p, "元"))
			n = 1;
		else if (!fy_number(&p, 3, &n))
			goto form;
		if (n < 1 || (fy_eras[era].last && n > fy_eras[era].last)) {
			if (fy_eras[era].last)
				snprintf(why, whylen, "%s has no year %d: it runs from 元年 (1) to %d",
					 fy_eras[era].name, n, fy_eras[era].last);
			else
				snprintf(why, whylen, "%s has no year %d: it starts at 元年 (1)", fy_eras[era].name, n);
			return C2C_EINPUT;
		}
		*fy = fy_eras[era].base + n;
	}
	if (!skip(&p, "年度"))
		skip(&p, "年");
	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
form:
	*fy = 0;
	snprintf(why, whylen, "not a fiscal year: write 2022, 2022年度, 令和4年度, 令和元年度, R4, 平成29年度 or H29");
	return C2C_EINPUT;
}

void date_iso_utc(int64_t sec, long ms, char *buf, size_t len)
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "%lld", (long long)sec);
		return;
	}
	if (ms < 0)
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

void date_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void date_now_iso(char *buf, size_t len, int with_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	date_iso_utc((int64_t)ts.tv_sec, with_ms ? ts.tv_nsec / 1000000 : -1, buf, len);
}
