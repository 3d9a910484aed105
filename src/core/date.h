/*
 * date.h - the dates c2c stores: ISO 8601 calendar dates at the precision a
 * source gives (YYYY, YYYY-MM or YYYY-MM-DD), checked against the calendar
 * (2024-02-30 is refused), and Japanese fiscal years.
 */
#ifndef C2C_CORE_DATE_H
#define C2C_CORE_DATE_H

/* 0 if s is a real date in one of the three forms, else C2C_EINPUT and a
 * reason in why[0..whylen) ("February 2023 has 28 days"). */
int date_check(const char *s, char *why, unsigned whylen);
/* The fiscal year (April to March) a YYYY-MM[-DD] date falls in, or -1. */
int date_fiscal_year(const char *s);

/* Does a fiscal-year list "2020;2021" (as the atlas stores it) hold a year
 * in [from, to]?  0 leaves that bound open. */
int date_fylist_has(const char *list, int from, int to);

/* A fiscal year as people write it, to the calendar year it starts in:
 * "2022", "2022年度", "FY2022", or by the Japanese era, "令和4", "令和4年度",
 * "令和元年度", "R4", "平成29年度", "H29" (digits ASCII or full-width);
 * also 昭和/S, 大正/T and 明治/M (date.c names the sources).
 * 平成N = 1988+N (平成31年度 = 2019), 令和N = 2018+N, 昭和N = 1925+N.  0 and the year in
 * *fy, else C2C_EINPUT and the reason in why[0..whylen).  One parser for the
 * CLI's --fy/--from/--to and the API's fy/from/to, so both read 和暦 alike. */
int date_parse_fy(const char *s, int *fy, char *why, unsigned whylen);

#include <stddef.h>
#include <stdint.h>

/* A moment as ISO 8601 UTC text: "2026-11-23T05:45:42Z", or with ms >= 0
 * "2026-11-23T05:45:42.123Z" (what journals and logs record).  A second
 * gmtime cannot place is written as its number. */
void date_iso_utc(int64_t sec, long ms, char *buf, size_t len);
/* Now, so (with_ms: to the millisecond). */
void date_now_iso(char *buf, size_t len, int with_ms);
/* Today as YYYY-MM-DD in the server's own time zone (TZ): the day a
 * proposal is submitted or decided, whether by `c2c` or over HTTP, and the
 * day against which a call's rounds are open, closed or upcoming. */
void date_today(char out[11]);

#endif
