/*
 * utf8.h - the little UTF-8 c2c needs by hand: validation of input (so bad
 * bytes are refused at the door with their position), character counts (the
 * search needs to know a query is shorter than a trigram) and terminal
 * display width (Japanese characters take two columns in a table).
 */
#ifndef C2C_CORE_UTF8_H
#define C2C_CORE_UTF8_H

#include <stddef.h>

/* Returns the byte offset of the first invalid sequence, or (size_t)-1 when
 * s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
size_t utf8_invalid_at(const char *s, size_t len);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_chars(const char *s);
/* Columns a valid UTF-8 string takes in a terminal (East Asian wide = 2). */
size_t utf8_width(const char *s);
/* What c2c lets into a text field, the one check every place where text
 * enters uses (atlas rows, registry holders and beneficiaries, users,
 * programme, city and MRV text): valid UTF-8, at most `max_chars` code
 * points (0: no cap), and no character that hides or rewrites what is
 * shown: C0 and C1 controls and DEL (an ESC sequence reaches the operator's
 * terminal), and the bidirectional embeddings, overrides and isolates
 * U+202A..U+202E, U+2066..U+2069 (U+202E shows "exe.txt" as "txt.exe").  A
 * multi-line field (UTF8_TEXT_LINES) may hold newline and tab, no other.
 * Returns 0, or -1 with the problem in why ("has a control character
 * U+001B at character 3"). */
#define UTF8_TEXT_LINES 1
int utf8_text_check(const char *s, size_t max_chars, int flags, char *why, size_t why_len);
/* The same as an error about input `field`: C2C_EINPUT, "<what> has a
 * control character ...", or 0.  NULL passes (absent is the caller's
 * business).  `what` is how a user names it: "the holder name". */
struct c2c_err;
int utf8_text_field(const char *s, size_t max_chars, int flags, const char *field, const char *what,
		    struct c2c_err *err);

/* Decode one code point at *s, advance *s; returns 0xFFFD on bad input. */
unsigned utf8_next(const char **s);

#endif
