/*
 * fixed.c - the hand-written number and time parsers of the monitoring hot
 * path, and their printers.  strtod and strptime are too slow for billions
 * of rows and too loose for validation (strtod takes "1e3", "inf", " 1"),
 * so decimals are read digit by digit into millionths and timestamps into
 * seconds since 1970, accepting exactly what docs/mrv.md describes.
 */
#include "mrv.h"

#include <stdio.h>
#include <string.h>

int mrv_parse_micro(const char *s, size_t len, int strict, int64_t *out)
{
	const char *e = s + len;
	int64_t ip = 0, fp = 0;
	int fd = 0, neg = 0, digits = 0;

	if (s < e && *s == '-') {
		neg = 1;
		s++;
	}
	for (; s < e && (unsigned)(*s - '0') < 10; s++, digits++) {
		if (ip > (INT64_MAX / MRV_SCALE) / 10 - 1)
			return C2C_EINPUT; /* too large for millionths in 64 bits */
		ip = ip * 10 + (*s - '0');
	}
	if (s < e && *s == '.') {
		s++;
		if (s == e || (unsigned)(*s - '0') >= 10)
			return C2C_EINPUT; /* "1." */
		for (; s < e && (unsigned)(*s - '0') < 10; s++, digits++) {
			if (fd < 6) {
				fp = fp * 10 + (*s - '0');
				fd++;
			} else if (strict && *s != '0') {
				return C2C_EINPUT;
			}
		}
	}
	if (s != e || !digits)
		return C2C_EINPUT;
	while (fd < 6) {
		fp *= 10;
		fd++;
	}
	*out = neg ? -(ip * MRV_SCALE + fp) : ip * MRV_SCALE + fp;
	return 0;
}

void mrv_format_micro(int64_t v, char *buf, size_t len)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char frac[8];
	int n;
	snprintf(frac, sizeof(frac), "%06llu", (unsigned long long)(a % MRV_SCALE));
	for (n = 6; n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(buf, len, "%s%llu%s%s", v < 0 ? "-" : "", (unsigned long long)(a / MRV_SCALE),
		 n ? "." : "", frac);
}

/* Howard Hinnant's days_from_civil: exact for every Gregorian date. */
int64_t mrv_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static inline int d2(const char *p)
{
	unsigned a = (unsigned)(p[0] - '0'), b = (unsigned)(p[1] - '0');
	return a < 10 && b < 10 ? (int)(a * 10 + b) : -1;
}

/* YYYY-MM-DD at p (10 bytes) to days; -1 if not a real date. */
static int parse_ymd(const char *p, int64_t *days)
{
	int y1 = d2(p), y2 = d2(p + 2), m = d2(p + 5), d = d2(p + 8);
	if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1 || p[4] != '-' || p[7] != '-')
		return -1;
	if (d > days_in_month(y1 * 100 + y2, m))
		return -1;
	*days = mrv_days_from_civil(y1 * 100 + y2, (unsigned)m, (unsigned)d);
	return 0;
}

int mrv_parse_timestamp(const char *s, size_t len, int64_t *out)
{
	/* The date is the same for long runs of rows: keep the last one. */
	static _Thread_local char last_date[10];
	static _Thread_local int64_t last_days = INT64_MIN;
	const char *p, *e = s + len;
	int64_t days;
	int hh, mm, ss = 0, off = 0;

	if (len < 17 || (s[10] != 'T' && s[10] != ' '))
		return -1;
	if (last_days != INT64_MIN && !memcmp(s, last_date, 10)) {
		days = last_days;
	} else {
		if (parse_ymd(s, &days))
			return -1;
		memcpy(last_date, s, 10);
		last_days = days;
	}
	hh = d2(s + 11);
	mm = d2(s + 14);
	if (hh < 0 || hh > 23 || s[13] != ':' || mm < 0 || mm > 59)
		return -1;
	p = s + 16;
	if (p < e && *p == ':') {
		if (e - p < 3 || (ss = d2(p + 1)) < 0 || ss > 59)
			return -1;
		p += 3;
		if (p < e && *p == '.') { /* fractions of a second: read, not kept */
			p++;
			if (p == e || (unsigned)(*p - '0') >= 10)
				return -1;
			while (p < e && (unsigned)(*p - '0') < 10)
				p++;
		}
	}
	if (p == e)
		return -1; /* no offset: local time of an unknown place is refused */
	if (*p == 'Z' && p + 1 == e) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && e - p == 6 && p[3] == ':') {
		int oh = d2(p + 1), om = d2(p + 4);
		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = days * 86400 + hh * 3600 + mm * 60 + ss - off;
	return 0;
}

int mrv_parse_date(const char *s, int64_t *out)
{
	int64_t days;
	if (!s || strlen(s) != 10 || parse_ymd(s, &days))
		return -1;
	*out = days * 86400;
	return 0;
}

void mrv_format_timestamp(int64_t t, char *buf, size_t len)
{
	/* civil_from_days, the inverse of the above */
	int64_t z = (t >= 0 ? t : t - 86399) / 86400, secs = t - z * 86400;
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, len, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
}
