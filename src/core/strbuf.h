/*
 * strbuf.h - a growable byte buffer with a hard size cap (curl's dynbuf
 * habit): every piece of outside input that is read into memory goes through
 * one of these, so no input can make c2c allocate without bound.
 */
#ifndef C2C_CORE_STRBUF_H
#define C2C_CORE_STRBUF_H

#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>

struct strbuf {
	char *buf;     /* always NUL-terminated when len > 0 or after _init */
	size_t len;
	size_t alloc;
	size_t cap;    /* the most bytes it may hold */
};

#define STRBUF_DEFAULT_CAP ((size_t)64 << 20)

void strbuf_init(struct strbuf *sb, size_t cap);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* These return 0, or C2C_ENOMEM when the cap or memory would be exceeded. */
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, char c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* The rest of an open stream appended: 0, C2C_ENOMEM when the cap is
 * reached, or C2C_EIO on a read error. */
int strbuf_read_stream(struct strbuf *sb, FILE *fp);
/* The string, never NULL. */
const char *strbuf_str(const struct strbuf *sb);

#endif
