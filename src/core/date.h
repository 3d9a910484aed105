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

#endif
