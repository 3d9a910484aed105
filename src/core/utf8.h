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
/* Decode one code point at *s, advance *s; returns 0xFFFD on bad input. */
unsigned utf8_next(const char **s);

#endif
