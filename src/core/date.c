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
