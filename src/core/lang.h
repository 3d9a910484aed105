/*
 * lang.h - the server's words in Japanese as well as English.
 *
 * Every message of c2c is written in English in the code (the CLI prints it,
 * the golden tests hold it).  A catalogue (msg_ja/ *.def) gives the Japanese
 * of each English format string, with the same printf conversions in the same
 * order, so the same arguments fill both.  Errors are formatted in both
 * languages when they are set (err.c); other prose a page shows (matching
 * reasons, readiness texts) is formatted with c2c_tr() in the language of the
 * request the thread is answering (c2c_lang_use), which the HTTP layer sets
 * from Accept-Language or ?lang=.  The CLI never sets it: English.
 */
#ifndef C2C_CORE_LANG_H
#define C2C_CORE_LANG_H

#include <stddef.h>

enum c2c_lang { C2C_LANG_EN = 0, C2C_LANG_JA = 1 };

/* The Japanese of an English format string, or NULL when the catalogue has
 * none.  A hash lookup in a table built once; no allocation. */
const char *c2c_msg_ja(const char *fmt) __attribute__((format_arg(1)));

/* The format to use in this thread's language: the Japanese when the thread
 * answers in Japanese and the catalogue has it, else `fmt` itself. */
const char *c2c_tr(const char *fmt) __attribute__((format_arg(1)));

/* This thread's language (C2C_LANG_EN unless set). */
enum c2c_lang c2c_lang_current(void);
void c2c_lang_use(enum c2c_lang lang);

/* The language an Accept-Language header asks for: the first of ja and en
 * by q-value (ties by order), C2C_LANG_EN when it names neither or is NULL. */
enum c2c_lang c2c_lang_from_accept(const char *header);
/* "ja" or "en" (any case, also "ja-JP", "en_US") -> 0 and *out; else -1. */
int c2c_lang_from_tag(const char *tag, enum c2c_lang *out);
const char *c2c_lang_tag(enum c2c_lang lang);

/* The catalogue, for its tests and the check of what is missing. */
size_t c2c_msg_count(void);
void c2c_msg_entry(size_t i, const char **en, const char **ja);
/* The printf conversions of a format as a comparable string ("s d .*s ld"):
 * what must be the same in both languages.  Returns -1 when the format has
 * a conversion c2c does not use (positional %1$, %n) or does not fit `cap`. */
int c2c_fmt_signature(const char *fmt, char *out, size_t cap);
/* Entries dropped when the table was built because their conversions
 * differ (0 in a good build; the unit test says which). */
size_t c2c_msg_rejected(void);

#endif
