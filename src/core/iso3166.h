/*
 * iso3166.h - is this an assigned ISO 3166-1 alpha-2 country code?
 */
#ifndef C2C_CORE_ISO3166_H
#define C2C_CORE_ISO3166_H

/* 1 if cc is an officially assigned alpha-2 code (upper case), else 0. */
int iso3166_is_code(const char *cc);

#endif
